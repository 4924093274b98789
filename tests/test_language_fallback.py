"""One fallback rule for every text the screen shows: feed titles and the torg's own words.

A visitor who chose a language other than bokmål or nynorsk reads English before Norwegian;
bokmål and nynorsk fall back to each other; the small marker names the language shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from torg_kiosk.base.languages import CODES, fallback_order, pick_text
from torg_kiosk.base.settings import ConfigError, LocalText, load_all_sites, load_site
from torg_kiosk.domain import present
from torg_kiosk.domain.i18n import tr
from torg_kiosk.store.schedule import in_language, shown_text

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "torg_kiosk" / "config"
NB_AND_EN = {"nb": "Strikkekafé", "en": "Knitting café"}


@pytest.mark.parametrize("visitor", ["uk", "pl", "so", "ar", "en"])
def test_a_visitor_who_chose_neither_norwegian_reads_english_before_bokmal(visitor):
    assert fallback_order(visitor)[:3] == (visitor, "en", "nb")
    assert shown_text(NB_AND_EN, visitor) == ("Knitting café", "en")


def test_bokmal_and_nynorsk_fall_back_to_each_other_before_english():
    assert fallback_order("nb") == ("nb", "nn", "en")
    assert fallback_order("nn") == ("nn", "nb", "en")
    assert pick_text({"nn": "Strikkekafé på nynorsk", "en": "Knitting"}, "nb") == (
        "Strikkekafé på nynorsk",
        "nn",
    )
    assert pick_text(NB_AND_EN, "nn") == ("Strikkekafé", "nb")


def test_a_text_in_none_of_the_fallbacks_shows_what_there_is():
    assert pick_text({"pl": "Kawiarnia"}, "uk") == ("Kawiarnia", "pl")
    assert pick_text({}, "uk") == ("", "uk")


def test_feed_text_and_site_texts_follow_the_same_rule():
    site_text = LocalText(tuple(NB_AND_EN.items()))
    for visitor in CODES:
        assert site_text.shown(visitor) == shown_text(NB_AND_EN, visitor)
        assert site_text.get(visitor) == in_language(NB_AND_EN, visitor)[0]


def test_fell_back_is_true_only_when_the_text_is_not_in_the_visitors_language():
    assert in_language(NB_AND_EN, "ar") == ("Knitting café", True)
    assert in_language(NB_AND_EN, "en") == ("Knitting café", False)
    assert in_language(NB_AND_EN, "nb") == ("Strikkekafé", False)


@pytest.mark.parametrize(
    ("shown", "visitor", "msgid"),
    [
        ("en", "ar", "Vises på engelsk"),
        ("nb", "uk", "Vises på norsk"),
        ("nb", "nn", "Vises på bokmål"),
        ("nn", "nb", "Vises på nynorsk"),
        ("pl", "so", "Vises på et annet språk"),
    ],
)
def test_the_marker_names_the_language_that_is_shown(shown, visitor, msgid):
    assert present.fallback_note(shown, visitor) == tr(msgid, visitor)
    assert present.fallback_note(visitor, visitor) == ""


def test_the_english_marker_reads_in_the_visitors_own_language():
    assert present.fallback_note("en", "en") == ""
    assert present.fallback_note("en", "uk") == "Показано англійською"
    assert present.fallback_note("nb", "en") == "Shown in Norwegian"


def test_every_shipped_torg_has_its_texts_in_all_seven_languages():
    for site in load_all_sites(SHIPPED_CONFIG).values():
        texts = [site.character, site.theme.greeting, *(s.name for s in site.services)]
        for text in texts:
            assert set(text.languages) == set(CODES), (site.id, text)
            assert all(value.strip() for _code, value in text.texts), (site.id, text)


def test_a_site_text_without_one_of_the_languages_is_a_config_error(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    path = config / "sites" / "borgen.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(', so = "Maqaaxida Borgen"')
    path.write_text(text[:start] + text[start + len(', so = "Maqaaxida Borgen"') :], "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_site("borgen", config)
    message = str(caught.value)
    assert "borgen.toml" in message
    assert "services[0].name" in message
    assert "has no text in so" in message


def test_a_service_name_in_another_word_order_loses_the_place_name_too():
    site = load_site("heggedal", SHIPPED_CONFIG)
    library = next(s for s in site.services if s.kind == "library")
    assert present.service_name(library, site.name, "nb") == "Bibliotek"
    assert present.service_name(library, site.name, "uk") == "Бібліотека"
    assert present.service_name(library, site.name, "ar") == "مكتبة"
