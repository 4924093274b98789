"""The language chooser on a real window: seven languages, live switching, Arabic drawn right.

Taps are real touches on the chooser's buttons; expected words come from each language's
compiled catalog, so a missing or wrong translation fails here as it would on the screen.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import walk
from kivy.core.window import Window

from torg_kiosk.domain import present
from torg_kiosk.domain.bidi import display_text
from torg_kiosk.domain.i18n import CODES, LANGUAGES, translator
from torg_kiosk.ui.widgets import LanguagePicker, font_family


def open_chooser(ui, screen_name: str) -> LanguagePicker:
    """One tap on the screen's language button; the chooser that opened."""
    ui.show(screen_name)
    screen = ui.screen
    button = (
        screen.ids.language_button if screen_name == "home" else screen.ids.bar.ids.language_button
    )
    ui.tap(button)
    pickers = [child for child in Window.children if isinstance(child, LanguagePicker)]
    assert pickers, "tapping the language button opened no chooser"
    ui.frames(4)  # the chooser's open animation
    return pickers[0]


def choose(ui, code: str, screen_name: str = "home") -> None:
    picker = open_chooser(ui, screen_name)
    ui.tap(picker.buttons[code])
    ui.frames(4)
    assert ui.app.language == code
    assert not any(isinstance(child, LanguagePicker) for child in Window.children)


@pytest.fixture
def back_to_norsk(ui):
    yield
    ui.app.choose_language("nb")
    ui.show("home")


def test_the_chooser_lists_the_seven_languages_each_in_its_own_name_and_font(ui, back_to_norsk):
    picker = open_chooser(ui, "home")
    shown = [(code, button.text) for code, button in picker.buttons.items()]
    assert shown == [(lang.code, lang.native_name) for lang in LANGUAGES]
    assert shown[-1] == ("ar", "العربية")
    for code, button in picker.buttons.items():
        assert button.font_name == font_family(code)
        assert button.texture_size[0] > 0
    picker.dismiss()
    ui.frames(4)


@pytest.mark.parametrize("code", [code for code in CODES if code != "nb"])
def test_choosing_a_language_rewords_home_and_today_at_once(ui, back_to_norsk, code):
    gettext = translator(code).gettext
    choose(ui, code)
    home = ui.screen
    assert home.ids.today_button.text == gettext("Dagens aktiviteter")
    assert home.ids.week_button.text == gettext("Denne uka")
    assert home.ids.contact_button.text == gettext("Snakk med kommunen")
    assert home.date_text == present.day_text(ui.app.now().date(), code)
    ui.tap(home.ids.today_button)
    today = ui.screen
    assert ui.app.manager.current == "today"
    assert today.ids.bar.ids.home_button.text == gettext("Hjem")
    assert today.ids.bar.ids.language_button.text == gettext("Språk / Language")
    assert [b.text for b in today.ids.filters.children][-1] == gettext("Alle")
    assert today.title.startswith(gettext("I dag"))
    # And back to Norsk from the Today screen's own bar: one tap away there too.
    choose(ui, "nb", screen_name="today")
    assert ui.screen.ids.bar.ids.home_button.text == "Hjem"
    assert [b.text for b in ui.screen.ids.filters.children][-1] == "Alle"
    ui.show("home")
    assert ui.screen.ids.today_button.text == "Dagens aktiviteter"


def _visible_labels(screen):
    return [w for w in walk(screen) if hasattr(w, "rtl") and w.text and w.opacity > 0]


def test_arabic_is_joined_right_to_left_and_right_aligned(ui, back_to_norsk):
    choose(ui, "ar")
    home = ui.screen
    assert ui.app.rtl
    assert home.ids.today_button.font_name == font_family("ar")
    shot_home = ui.screenshot("ar-home")
    ui.tap(home.ids.today_button)
    today = ui.screen
    shot_today = ui.screenshot("ar-today")
    assert shot_home.stat().st_size > 0 and shot_today.stat().st_size > 0
    for label in _visible_labels(today):
        # The label keeps the logical text; what Kivy draws is the reordered, joined form.
        assert label.rtl
        # (A shortened line draws the reordered form of the start that fits.)
        assert (
            label._label.text == display_text(label.text, True)
            or label.markup
            or label.is_shortened
        )
    title = today.ids.title
    assert title._label.options["halign"] == "right"
    assert "ال" not in title._label.text  # presentation forms: letters joined
    # Times keep their digits and order inside the Arabic lines.
    row_times = [row["time_text"] for row in today.ids.rows.data]
    assert "11:00–12:00" in row_times


def test_a_title_the_feed_has_only_in_norwegian_is_marked_in_english(ui, back_to_norsk):
    choose(ui, "en")
    ui.tap(ui.screen.ids.today_button)
    today = ui.screen
    item = ui.app.schedule.today(ui.app.site.id, ui.app.now())[0]
    document = json.loads(item.doc_json)
    document["title"] = {"nb": document["title"]["nb"]}
    only_norwegian = replace(item, doc_json=json.dumps(document))
    today.ids.rows.data = [present.card(only_norwegian, ui.app.now(), "en")]
    ui.frames(4)
    texts = [label.text for label in walk(today.ids.rows) if hasattr(label, "rtl")]
    assert any(text.startswith("Shown in Norwegian") for text in texts), texts
    assert document["title"]["nb"] in texts


def test_feed_text_without_ukrainian_is_marked_in_ukrainian(ui, back_to_norsk):
    choose(ui, "uk")
    ui.tap(ui.screen.ids.today_button)
    marker = translator("uk").gettext("Vises på engelsk")
    rows = ui.screen.ids.rows.data
    by_title = {row["title"]: row["fallback_note"] for row in rows}
    # The demo feed has it in nb and en only: English comes before Norwegian.
    assert by_title["Baby song"] == marker
