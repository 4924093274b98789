"""Arabic mirrors the layout, not only the text: rows, the bottom bar, the filter chips.

Positions are read from the real widget tree in window coordinates; the screenshots
(screenshots/ar-*.png) are for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import walk
from test_layout import show_screen

from torg_kiosk.ui.widgets import OccurrenceRow, QuietButton

SIZES = ((1920, 1080), (1080, 1920))


def window_x(widget) -> tuple[float, float]:
    """The widget's left and right edge in window coordinates."""
    left, _bottom = widget.to_window(*widget.pos)
    return left, left + widget.width


def first_today_row(ui) -> OccurrenceRow:
    rows = [w for w in walk(ui.screen) if isinstance(w, OccurrenceRow) and w.time_text]
    assert rows, "the Today list shows no rows"
    return max(rows, key=lambda row: row.to_window(*row.pos)[1])  # the top one


def time_and_title(row: OccurrenceRow):
    labels = list(walk(row))
    time_label = next(w for w in labels if getattr(w, "text", None) == row.time_text)
    title_label = next(
        w for w in labels if row.title and row.title in getattr(w, "text", "") and w is not row
    )
    return time_label, title_label


def assert_time_on_the(side: str, ui) -> None:
    row = first_today_row(ui)
    time_label, title_label = time_and_title(row)
    time_left, time_right = window_x(time_label)
    title_left, title_right = window_x(title_label)
    if side == "right":
        assert time_left >= title_right, (time_left, title_right)
    else:
        assert time_right <= title_left, (time_right, title_left)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_in_arabic_a_today_rows_time_stands_right_of_its_title(ui, arabic, size):
    show_screen(ui, size, "today")
    assert ui.app.rtl
    assert_time_on_the("right", ui)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_in_arabic_back_is_on_the_right_pointing_right_and_home_on_the_left(ui, arabic, size):
    show_screen(ui, size, "today")
    bar = ui.screen.ids.bar
    back, home = bar.ids.back_button, bar.ids.home_button
    middle = bar.to_window(*bar.center)[0]
    assert window_x(back)[0] > middle > window_x(home)[1]
    assert back.text.startswith("›")


def test_in_arabic_the_filter_chips_start_at_the_right(ui, arabic):
    show_screen(ui, (1920, 1080), "today")
    chips = [w for w in ui.screen.ids.filters.children if isinstance(w, QuietButton)]
    assert len(chips) >= 2
    # children are in reverse order of adding: the last one is the first chip ("Alle").
    first, second = chips[-1], chips[-2]
    assert window_x(first)[0] > window_x(second)[0]


def test_switching_back_to_norsk_restores_left_to_right(ui, arabic):
    show_screen(ui, (1920, 1080), "today")
    assert_time_on_the("right", ui)
    ui.app.choose_language("nb")
    ui.frames(6)
    assert not ui.app.rtl
    assert_time_on_the("left", ui)
    bar = ui.screen.ids.bar
    assert window_x(bar.ids.back_button)[1] < window_x(bar.ids.home_button)[0]
    assert bar.ids.back_button.text.startswith("‹")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ("home", "today", "week", "activity"))
def test_arabic_screenshots_for_a_person_to_look_at(ui, arabic, size, name):
    show_screen(ui, size, name)
    ui.frames(4)
    shot = ui.screenshot(f"ar-{size[0]}x{size[1]}-{name}")
    assert shot.stat().st_size > 0
