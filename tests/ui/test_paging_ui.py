"""Page buttons on scrolling lists: nothing needs a swipe.

The week always holds more than fits; Today at Heggedal on the pinned day holds five
activities, one more than fits in a landscape window. Every move here is a real tap on a
page button (fires on release), and every check is on where the rows are drawn.
"""

from __future__ import annotations

import itertools

import pytest
from test_layout import show_screen

from torg_kiosk.domain.accessibility import min_gap_px, min_target_px, panel_for_window

SIZES = ((1920, 1080), (1080, 1920))


@pytest.fixture
def large_text(request, ui):
    ui.app.large_text = request.param
    ui.frames(3)
    yield request.param
    ui.app.large_text = False
    ui.frames(3)


def visible_indexes(rv) -> set[int]:
    """Data indexes drawn wholly in the viewport, by the layout's own row positions."""
    top, bottom = rv.to_window(rv.x, rv.top)[1], rv.to_window(rv.x, rv.y)[1]
    shown = set()
    manager = rv.layout_manager
    for view, index in manager.view_indices.items():
        y = view.to_window(view.x, view.y)[1]
        if y >= bottom - 1 and y + view.height <= top + 1:
            shown.add(index)
    return shown


def pager(ui):
    paged = ui.screen.ids.paged
    return paged, paged.ids.up_button, paged.ids.down_button


def tap_until_bottom(ui, paged, down) -> list[set[int]]:
    seen = [visible_indexes(paged.scroller)]
    for _ in range(30):
        if down.disabled:
            break
        ui.tap(down)
        ui.frames(3)
        seen.append(visible_indexes(paged.scroller))
    return seen


def sizes_are_big_enough(ui, size, up, down) -> None:
    panel = panel_for_window(ui.app.kiosk.panel, *size)
    for button in (up, down):
        assert min(button.size) >= min_target_px(panel), button.text
    (ux, uy), (dx, dy) = up.to_window(*up.pos), down.to_window(*down.pos)
    gap = max(
        dx - (ux + up.width), ux - (dx + down.width), uy - (dy + down.height), dy - (uy + up.height)
    )
    assert gap >= min_gap_px(panel)


@pytest.mark.parametrize("large_text", [False, True], indirect=True, ids=["normal", "large"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_week_pages_down_to_its_end_and_back_with_taps(ui, large_text, size):
    show_screen(ui, size, "week")
    paged, up, down = pager(ui)
    rv = paged.scroller
    assert paged.parent is not None and up.opacity == down.opacity == 1
    assert up.text == "Opp" and down.text == "Ned"
    assert up.disabled and not down.disabled
    sizes_are_big_enough(ui, size, up, down)
    # Buttons lie inside the window, beside or under the list, never over it.
    for button in (up, down):
        x, y = button.to_window(*button.pos)
        assert x >= 0 and y >= 0
        assert x + button.width <= size[0] and y + button.height <= size[1]

    seen = tap_until_bottom(ui, paged, down)
    assert len(seen) >= 2, "the week does not fit on one page"
    assert down.disabled and not up.disabled
    assert len(rv.data) - 1 in seen[-1], "the last row shows at the bottom"
    for before, after in itertools.pairwise(seen):
        assert max(after) > max(before), "each page shows rows not seen before"
        # One row of overlap: the reader keeps their place.
        assert before & after or min(after) == max(before) + 1

    for _ in range(30):
        if up.disabled:
            break
        ui.tap(up)
        ui.frames(3)
    assert up.disabled and not down.disabled
    assert 0 in visible_indexes(rv)
    assert rv.scroll_y == pytest.approx(1.0)


def test_today_opens_at_the_running_activity_and_pages_to_the_last(ui):
    show_screen(ui, (1920, 1080), "today")
    ui.frames(4)
    paged, up, down = pager(ui)
    rv = paged.scroller
    rows = rv.data
    first_current = next(i for i, row in enumerate(rows) if not row["past"])
    assert first_current in visible_indexes(rv)
    last = len(rows) - 1
    assert last not in visible_indexes(rv), "five activities do not all fit at 1920×1080"
    assert not down.disabled
    ui.tap(down)
    ui.frames(3)
    assert last in visible_indexes(rv)
    assert down.disabled and not up.disabled
    ui.tap(up)
    ui.frames(3)
    assert up.disabled and not down.disabled
    assert last not in visible_indexes(rv)


def test_a_tap_on_a_disabled_button_moves_nothing(ui):
    show_screen(ui, (1920, 1080), "week")
    paged, up, _down = pager(ui)
    assert up.disabled
    ui.tap(up)
    assert paged.scroller.scroll_y == pytest.approx(1.0)


def test_the_buttons_follow_the_window_and_the_content(ui):
    show_screen(ui, (1920, 1080), "today")
    _paged, up, down = pager(ui)
    ui.tap(down)
    ui.frames(3)
    assert down.disabled
    # In portrait the five activities fit: nothing to page, both buttons say so.
    ui.resize(1080, 1920)
    ui.frames(4)
    assert up.disabled and down.disabled
    ui.resize(1920, 1080)
    ui.frames(4)
    assert not (up.disabled and down.disabled)
    # A filter with fewer rows: everything fits, both off; back to all: down is on again.
    screen = ui.screen
    category = next(b.category for b in screen.ids.filters.children if b.category)
    screen.choose_category(category)
    ui.frames(6)
    assert up.disabled and down.disabled
    screen.choose_category("")
    ui.frames(6)
    assert not (up.disabled and down.disabled)


def test_the_page_words_are_translated(ui):
    show_screen(ui, (1920, 1080), "week")
    _paged, up, down = pager(ui)
    try:
        ui.app.choose_language("en")
        ui.frames(3)
        assert (up.text, down.text) == ("Up", "Down")
    finally:
        ui.app.choose_language("nb")
        ui.frames(3)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["today", "week"])
def test_screenshots_with_page_buttons(ui, size, name):
    show_screen(ui, size, name)
    paged, _up, down = pager(ui)
    ui.screenshot(f"{size[0]}x{size[1]}-{name}-paging")
    assert down.disabled == (paged.scroller.viewport_size[1] <= paged.scroller.height + 1)
