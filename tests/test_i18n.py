"""The screen's languages: complete catalogs, current .pot and .mo, fallbacks, dates, fonts."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from torg_kiosk.base import languages
from torg_kiosk.domain import i18n
from torg_kiosk.domain.bidi import display_text
from torg_kiosk.domain.i18n import (
    CALENDAR_NAMES,
    CODES,
    DEFAULT,
    LANGUAGES,
    LONG_DATE_PATTERNS,
    catalog_path,
    category_name,
    font_for,
    long_date,
    time_text,
    tr,
    translator,
    weekday_name,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
THURSDAY = date(2026, 12, 3)


def _load_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO_ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def _catalog(code: str):
    with catalog_path(code, ".po").open("rb") as stream:
        return read_po(stream, locale=code)


def _keys(catalog) -> set:
    return {(message.context, message.id) for message in catalog if message.id}


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    """An empty locale directory in place of assets/locale, and a fresh translator cache."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    translator.cache_clear()
    yield tmp_path
    translator.cache_clear()


def _write_po(locale_dir: Path, code: str, body: str) -> None:
    path = locale_dir / code / "LC_MESSAGES" / "kiosk.po"
    path.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    path.write_text(header + body, encoding="utf-8")


def test_the_chooser_lists_seven_languages_each_named_in_itself_bokmal_first():
    assert DEFAULT == "nb"
    assert [(lang.code, lang.native_name) for lang in LANGUAGES] == [
        ("nb", "Norsk"),
        ("nn", "Nynorsk"),
        ("en", "English"),
        ("uk", "Українська"),
        ("pl", "Polski"),
        ("so", "Soomaali"),
        ("ar", "العربية"),
    ]
    assert [lang.code for lang in LANGUAGES if lang.rtl] == ["ar"]
    assert i18n.language("nn").fallback == "nb"


def test_the_config_accepts_exactly_the_languages_the_screen_has():
    """kiosk.toml is checked against base.languages (the base cannot import the domain)."""
    assert CODES == languages.CODES
    assert DEFAULT == languages.DEFAULT


@pytest.mark.parametrize("code", CODES)
def test_every_catalog_is_complete_with_placeholders_intact(code):
    assert tool.problems(code) == []


def test_the_template_holds_every_text_the_code_marks():
    with tool.POT.open("rb") as stream:
        committed = _keys(read_po(stream))
    assert _keys(tool.extract()) == committed, (
        "assets/locale/kiosk.pot is out of date: run `python tools/i18n.py extract`, "
        "`update`, translate, then `compile`."
    )


@pytest.mark.parametrize("code", CODES)
def test_every_catalog_has_exactly_the_templates_messages(code):
    with tool.POT.open("rb") as stream:
        template = _keys(read_po(stream))
    assert _keys(_catalog(code)) == template, "run `python tools/i18n.py update`"


@pytest.mark.parametrize("code", CODES)
def test_the_committed_mo_is_what_the_po_compiles_to(code):
    assert catalog_path(code).read_bytes() == tool.compiled(code), (
        "run `python tools/i18n.py compile`"
    )


def test_the_check_command_exits_zero_when_all_catalogs_are_complete():
    result = subprocess.run(
        [sys.executable, "tools/i18n.py", "check"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 7 catalogs are complete." in result.stdout


def test_check_names_untranslated_fuzzy_and_broken_placeholder_entries(locale_dir):
    _write_po(
        locale_dir,
        "en",
        'msgid "Hjem"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Lukk"\nmsgstr "Close"\n\n'
        'msgid "Oppdatert {time}"\nmsgstr "Updated {tid}"\n\n'
        'msgid "til {time}"\nmsgstr "until {time}"\n',
    )
    assert tool.problems("en") == [
        "en: 'Hjem' is not translated.",
        "en: 'Lukk' is marked fuzzy; check it and remove the flag.",
        "en: 'Oppdatert {time}' has placeholders ['{tid}'], expected ['{time}'].",
    ]


def test_a_translation_is_looked_up_by_its_bokmal_source_text():
    assert translator("en").gettext("Dagens aktiviteter") == "Today's activities"
    assert translator("uk").gettext("Hjem") == "Головна"
    assert translator("nb").gettext("Dagens aktiviteter") == "Dagens aktiviteter"


def test_a_text_no_catalog_knows_is_shown_as_its_source():
    assert translator("pl").gettext("Ukjent tekst") == "Ukjent tekst"


def test_an_unknown_language_code_gives_bokmal():
    assert translator("xx").gettext("Hjem") == "Hjem"
    assert i18n.language("xx").code == "nb"


def test_placeholders_survive_translation_and_can_be_filled():
    text = translator("ar").gettext("Skjermen starter på nytt om {seconds} sekunder.")
    assert "30" in text.format(seconds=30)


def test_tr_says_a_text_in_the_language_of_its_catalog_and_fills_it_in():
    assert tr("Tilbake", "en") == "Back"
    assert tr("Tilbake", "nb") == "Tilbake"
    assert tr("Tilbake", "uk") == translator("uk").gettext("Tilbake") != "Tilbake"
    assert tr("Oppdatert {time}", "pl", time="10:42").endswith("10:42")
    assert tr("Tilbake", "xx") == "Tilbake"  # an unknown language speaks bokmål


def test_nynorsk_falls_back_to_bokmal_then_to_the_source(locale_dir):
    _write_po(locale_dir, "nb", 'msgid "Hjem"\nmsgstr "Hjem (nb)"\n')
    assert translator("nn").gettext("Hjem") == "Hjem (nb)"
    assert translator("nn").gettext("Tilbake") == "Tilbake"


def test_a_po_without_mo_is_compiled_when_loaded(locale_dir):
    _write_po(locale_dir, "pl", 'msgid "Hjem"\nmsgstr "Start"\n')
    assert not (locale_dir / "pl" / "LC_MESSAGES" / "kiosk.mo").exists()
    assert translator("pl").gettext("Hjem") == "Start"


def _write_mo_and_po(locale_dir: Path, code: str, compiled_text: str, edited_text: str) -> Path:
    """A .mo compiled from one translation of "Hjem", beside a .po that says another."""
    _write_po(locale_dir, code, f'msgid "Hjem"\nmsgstr "{compiled_text}"\n')
    mo = locale_dir / code / "LC_MESSAGES" / "kiosk.mo"
    mo.write_bytes(tool.compiled(code))
    po = mo.with_suffix(".po")
    po.write_text(po.read_text().replace(compiled_text, edited_text))
    return mo


def test_a_po_edited_after_its_mo_was_compiled_is_what_the_screen_shows(locale_dir):
    mo = _write_mo_and_po(locale_dir, "pl", "Start (compiled)", "Start (edited)")
    os.utime(mo.with_suffix(".po"), (mo.stat().st_mtime + 60,) * 2)
    assert translator("pl").gettext("Hjem") == "Start (edited)"


def test_a_po_written_by_the_same_checkout_as_its_mo_leaves_the_mo_in_use(locale_dir):
    # git writes kiosk.mo, then kiosk.po: the .po is newer by a moment, not edited since.
    mo = _write_mo_and_po(locale_dir, "pl", "Start (compiled)", "Start (edited)")
    os.utime(mo.with_suffix(".po"), (mo.stat().st_mtime + 0.01,) * 2)
    assert translator("pl").gettext("Hjem") == "Start (compiled)"


def test_categories_have_their_own_context_and_unknown_ones_are_other():
    assert category_name("exercise", "en") == "Exercise"
    assert category_name("language", "nb") == "Språk"
    assert category_name("language", "pl") == "Języki"
    assert category_name("children", "nn") == "Born"
    assert category_name("no-such-category", "en") == "Other"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nb", "torsdag 3. desember"),
        ("nn", "torsdag 3. desember"),
        ("en", "Thursday 3 December"),
        ("uk", "четвер, 3 грудня"),
        ("pl", "czwartek, 3 grudnia"),
        ("so", "Khamiis, 3 Diseembar"),
        ("ar", "الخميس، 3 ديسمبر"),
    ],
)
def test_a_long_date_reads_naturally_in_each_language(code, expected):
    assert long_date(THURSDAY, code) == expected


@pytest.mark.parametrize("code", CODES)
def test_every_long_date_of_a_year_is_written_as_babel_writes_it(code):
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert long_date(day, code) == format_date(day, LONG_DATE_PATTERNS[code], locale=code)
        day += timedelta(days=1)


def test_the_committed_calendar_names_are_babels():
    assert CALENDAR_NAMES.read_text(encoding="utf-8") == tool.calendar_json(), (
        "assets/locale/calendar.json is out of date: run `python tools/i18n.py compile`."
    )


def test_weekday_names_come_from_the_languages_own_calendar():
    assert weekday_name(THURSDAY, "nb") == "torsdag"
    assert weekday_name(THURSDAY, "so") == "Khamiis"
    assert weekday_name(THURSDAY, "ar") == "الخميس"


def test_times_are_24_hour_with_latin_digits_everywhere():
    assert {time_text(time(9, 5), code) for code in CODES} == {"09:05"}
    assert time_text(datetime(2026, 12, 3, 22, 15), "en") == "22:15"


def _texts_drawn_in(code: str) -> list[str]:
    """Every text the screen draws in ``code``: translations, dates, the language's own name."""
    texts = [string for message in _catalog(code) if message.id for string in [message.string]]
    texts += [long_date(date(2026, month, 1), code) for month in range(1, 13)]
    texts += [long_date(date(2026, 12, day), code) for day in range(1, 8)]
    texts.append(i18n.language(code).native_name)
    return texts


@pytest.mark.parametrize("code", CODES)
def test_the_font_for_each_language_has_a_glyph_for_every_character_it_draws(code):
    rtl = i18n.language(code).rtl
    characters = {char for text in _texts_drawn_in(code) for char in display_text(text, rtl)}
    for path in font_for(code):
        cmap = TTFont(path).getBestCmap()
        missing = sorted(char for char in characters if ord(char) not in cmap and char != "\n")
        assert missing == [], f"{Path(path).name} lacks {missing} for {code}"


def test_the_arabic_font_also_draws_latin_names_and_times():
    cmap = TTFont(font_for("ar")[0]).getBestCmap()
    assert all(ord(char) in cmap for char in "Heggedal Språkkafé BankID 10:15 – …")


def test_fonts_ship_with_their_licence_and_a_readme():
    fonts = REPO_ROOT / "torg_kiosk" / "assets" / "fonts"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text()
    readme = (fonts / "README.md").read_text()
    for path in {path for code in CODES for path in font_for(code)}:
        assert Path(path).name in readme


def test_the_kv_extractor_finds_both_quote_styles():
    lines = [b"    text: _('Hjem')\n", b"    Label:\n", b'        text: _("Mer tid") + x\n']
    found = list(tool.extract_kv(iter(lines), None, None, None))
    assert [(lineno, message) for lineno, _f, message, _c in found] == [(1, "Hjem"), (3, "Mer tid")]
