"""Page arithmetic for the page buttons of scrolling lists (no window needed)."""

from __future__ import annotations

import pytest

from torg_kiosk.domain import paging

# A list of 10 rows of 100 px, a viewport of 350 px: 650 px hidden, a page is 250 px.
CONTENT, VIEWPORT, ROW = 1000.0, 350.0, 100.0


def test_a_list_that_fits_goes_nowhere():
    page = paging.where(300, 350, 1.0)
    assert page == paging.Page(1.0, can_go_up=False, can_go_down=False)
    assert paging.page_down(300, 350, 1.0, ROW) == page
    assert paging.page_up(300, 350, 0.0, ROW) == page


def test_at_the_top_only_down_is_possible():
    page = paging.where(CONTENT, VIEWPORT, 1.0)
    assert (page.can_go_up, page.can_go_down) == (False, True)


def test_at_the_bottom_only_up_is_possible():
    page = paging.where(CONTENT, VIEWPORT, 0.0)
    assert (page.can_go_up, page.can_go_down) == (True, False)


def test_a_page_down_moves_the_viewport_less_one_row():
    page = paging.page_down(CONTENT, VIEWPORT, 1.0, ROW)
    hidden = CONTENT - VIEWPORT
    moved = (1.0 - page.scroll_y) * hidden
    assert moved == pytest.approx(VIEWPORT - ROW)
    assert page.can_go_up and page.can_go_down


def test_the_last_row_of_one_page_is_the_first_row_of_the_next():
    page = paging.page_down(CONTENT, VIEWPORT, 1.0, ROW)
    top = (1.0 - page.scroll_y) * (CONTENT - VIEWPORT)
    # Before: rows 0..3 visible (row 3 from 300 to 400 only partly). Row 2 ended at 300,
    # row 2's bottom part (200..300) stays visible at the new top (250..).
    assert top < 3 * ROW <= VIEWPORT
    assert top > 0


def test_paging_down_stops_at_the_bottom_and_says_so():
    scroll_y = 1.0
    pages = []
    for _ in range(10):
        page = paging.page_down(CONTENT, VIEWPORT, scroll_y, ROW)
        pages.append(page)
        scroll_y = page.scroll_y
        if not page.can_go_down:
            break
    assert scroll_y == 0.0
    assert len(pages) == 3  # 650 px hidden, 250 px a page
    assert pages[-1].can_go_up


def test_paging_up_from_the_bottom_comes_back_to_the_top():
    scroll_y = 0.0
    for _ in range(10):
        page = paging.page_up(CONTENT, VIEWPORT, scroll_y, ROW)
        scroll_y = page.scroll_y
        if not page.can_go_up:
            break
    assert scroll_y == 1.0
    assert page.can_go_down


def test_down_then_up_returns_to_where_it_was():
    middle = paging.page_down(CONTENT, VIEWPORT, 1.0, ROW)
    back = paging.page_up(CONTENT, VIEWPORT, middle.scroll_y, ROW)
    assert back.scroll_y == pytest.approx(1.0)


def test_a_row_taller_than_half_the_viewport_still_moves_half_a_page():
    assert paging.page_step(350, 300) == 175
    assert paging.page_step(350, 1000) == 175


def test_a_scroll_y_outside_zero_to_one_is_clamped():
    # Kivy's overscroll effect can leave scroll_y slightly outside 0..1.
    assert paging.where(CONTENT, VIEWPORT, 1.03) == paging.where(CONTENT, VIEWPORT, 1.0)
    assert paging.where(CONTENT, VIEWPORT, -0.02) == paging.where(CONTENT, VIEWPORT, 0.0)


def test_a_position_within_a_pixel_of_an_end_counts_as_the_end():
    almost_top = 1.0 - 0.5 / (CONTENT - VIEWPORT)
    assert not paging.where(CONTENT, VIEWPORT, almost_top).can_go_up


def test_show_offset_puts_that_row_at_the_top():
    offset = paging.row_offset(3, ROW, 10, padding_top=0)
    assert offset == 330
    page = paging.show_offset(CONTENT, VIEWPORT, offset)
    assert (1.0 - page.scroll_y) * (CONTENT - VIEWPORT) == pytest.approx(330)


def test_show_offset_near_the_end_stops_at_the_bottom():
    page = paging.show_offset(CONTENT, VIEWPORT, 900)
    assert page.scroll_y == 0.0
    assert not page.can_go_down


def test_show_offset_when_everything_fits_stays_at_the_top():
    assert paging.show_offset(300, 350, 200).scroll_y == 1.0


# -- a long list held a window at a time -----------------------------------------------------


def test_the_rows_in_view_follow_the_scroll_position():
    # 1,000 rows 150 px apart in a 700 px viewport: 150,000 px of content.
    content, viewport, step = 150_000.0, 700.0, 150.0
    assert paging.rows_in_view(content, viewport, 1.0, step) == (0, 5)
    assert paging.rows_in_view(content, viewport, 0.0, step) == (995, 5)
    row_500 = 1 - (500 * step) / (content - viewport)
    assert paging.rows_in_view(content, viewport, row_500, step) == (500, 5)
    # Half a row further down, six rows show at least in part.
    half_more = 1 - (500.5 * step) / (content - viewport)
    assert paging.rows_in_view(content, viewport, half_more, step) == (500, 6)


def test_a_window_is_centred_on_the_rows_shown_and_stays_inside_the_list():
    assert paging.window_around(500, 5, 1000, 40) == 483
    assert paging.window_around(3, 5, 1000, 40) == 0
    assert paging.window_around(996, 5, 1000, 40) == 960
    assert paging.window_around(0, 5, 12, 40) == 0


def test_a_window_covers_the_rows_shown_with_a_page_to_spare_each_way():
    assert paging.window_covers(483, 40, 500, 5, 1000, margin=5)
    assert not paging.window_covers(483, 40, 516, 5, 1000, margin=5)
    assert not paging.window_covers(483, 40, 484, 5, 1000, margin=5)
    # At the ends there is nothing more to hold.
    assert paging.window_covers(0, 40, 0, 5, 1000, margin=5)
    assert paging.window_covers(960, 40, 995, 5, 1000, margin=5)
