"""Icons beside words (issue 13): the main buttons and the bottom bar's buttons each carry a
glyph of the kiosk's icon font next to their word, so a child or a visitor who reads little
finds the way. The glyph is drawn (its texture has ink), in both reading directions."""

from __future__ import annotations

import pytest
from conftest import walk

from torg_kiosk.domain.icons import ICON_FONT, ICONS
from torg_kiosk.ui.widgets import IconGlyph


def glyph_of(button) -> IconGlyph:
    return next(child for child in walk(button) if isinstance(child, IconGlyph))


def inked(glyph: IconGlyph) -> bool:
    glyph.texture_update()
    alpha = glyph.texture.pixels[3::4]
    return any(value > 0 for value in alpha)


@pytest.mark.parametrize("language", ("nb", "ar"))
def test_every_main_button_and_the_bottom_bar_has_its_icon_beside_its_word(ui, language):
    ui.app.choose_language(language)
    try:
        ui.show("home")
        ids = ui.screen.ids
        expected = {
            ids.today_button: "today",
            ids.week_button: "week",
            ids.contact_button: "call",
            ids.language_button: "language",
            ids.access_buttons.ids.large_button: "large-text",
            ids.access_buttons.ids.read_button: "read-aloud",
        }
        for button, name in expected.items():
            assert button.text.strip(), name  # the word stays: the icon is beside it
            glyph = glyph_of(button)
            assert glyph.text == ICONS[name] and glyph.opacity == 1
            assert glyph.font_name == str(ICON_FONT)
            assert inked(glyph), f"the {name} icon draws nothing: not in the icon font?"
            # Inside its button, at the start edge (the right one in Arabic).
            assert button.x <= glyph.x and glyph.right <= button.right + 1
            start_half = glyph.center_x < button.center_x
            assert start_half == (language != "ar") or name in ("large-text", "read-aloud")
    finally:
        ui.app.choose_language("nb")
        ui.frames(2)


def test_a_cancelled_row_shows_the_cancelled_icon_and_the_others_none(ui):
    ui.show("today")
    rows = [widget for widget in walk(ui.screen) if type(widget).__name__ == "OccurrenceRow"]
    assert any(row.cancelled for row in rows) and any(not row.cancelled for row in rows)
    for row in rows:
        glyph = glyph_of(row)
        assert glyph.text == ICONS["cancelled"]
        if row.cancelled:
            assert glyph.opacity == 1 and glyph.width > 0 and inked(glyph)
        else:
            assert glyph.opacity == 0 and glyph.width == 0


def test_the_activity_says_sign_up_or_just_come_with_an_icon_too(ui):
    ui.show("today")
    data = ui.screen.ids.rows.data
    seen = set()
    for row in data:
        ui.app.show_activity(row["key"])
        ui.frames(3)
        screen = ui.screen
        glyph = screen.ids.registration_icon
        wanted = "registration" if screen.registration_required else "no-registration"
        assert glyph.text == ICONS[wanted] and inked(glyph)
        seen.add(wanted)
    assert seen == {"registration", "no-registration"}  # the demo day has both
