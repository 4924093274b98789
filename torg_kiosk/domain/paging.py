"""Page-by-page scrolling for lists, so nobody has to swipe.

A list's scroll position is Kivy's ``scroll_y``: 1.0 shows the top of the content, 0.0 the
bottom, and it only means something when the content is taller than the viewport. These
functions work in that unit, but think in pixels: a page is the viewport's height less one
row (``overlap``), so the row that was last on screen is still there, at the other edge, after
the page turns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Positions closer than this many pixels to an end count as the end (float rounding).
END_SLACK_PX = 1.0


@dataclass(frozen=True)
class Page:
    """Where a list stands: its new ``scroll_y`` and which way there is more to see."""

    scroll_y: float
    can_go_up: bool
    can_go_down: bool


def hidden_height(content_height: float, viewport_height: float) -> float:
    """How many pixels of the content do not fit (0 when everything fits)."""
    return max(0.0, content_height - viewport_height)


def page_step(viewport_height: float, overlap: float) -> float:
    """Pixels one page moves: the viewport less one row, but never less than half of it.

    A row taller than half the viewport (huge text in a short window) would otherwise make a
    page move only a sliver, or nothing at all.
    """
    return max(viewport_height - max(overlap, 0.0), viewport_height / 2, 1.0)


def _offset(content_height: float, viewport_height: float, scroll_y: float) -> float:
    """Pixels between the top of the content and the top of the viewport."""
    hidden = hidden_height(content_height, viewport_height)
    return (1.0 - min(max(scroll_y, 0.0), 1.0)) * hidden


def _scroll_y(content_height: float, viewport_height: float, offset: float) -> float:
    hidden = hidden_height(content_height, viewport_height)
    if hidden <= 0:
        return 1.0
    offset = min(max(offset, 0.0), hidden)
    return 1.0 - offset / hidden


def where(content_height: float, viewport_height: float, scroll_y: float) -> Page:
    """The list as it stands: can it move up, can it move down?"""
    hidden = hidden_height(content_height, viewport_height)
    if hidden <= END_SLACK_PX:
        return Page(1.0, False, False)
    offset = _offset(content_height, viewport_height, scroll_y)
    return Page(
        scroll_y=_scroll_y(content_height, viewport_height, offset),
        can_go_up=offset > END_SLACK_PX,
        can_go_down=offset < hidden - END_SLACK_PX,
    )


def page_down(
    content_height: float, viewport_height: float, scroll_y: float, overlap: float
) -> Page:
    """One page further down (towards the end), stopping at the bottom."""
    offset = _offset(content_height, viewport_height, scroll_y)
    offset += page_step(viewport_height, overlap)
    new = _scroll_y(content_height, viewport_height, offset)
    return where(content_height, viewport_height, new)


def page_up(content_height: float, viewport_height: float, scroll_y: float, overlap: float) -> Page:
    """One page back up (towards the start), stopping at the top."""
    offset = _offset(content_height, viewport_height, scroll_y)
    offset -= page_step(viewport_height, overlap)
    new = _scroll_y(content_height, viewport_height, offset)
    return where(content_height, viewport_height, new)


def show_offset(content_height: float, viewport_height: float, offset: float) -> Page:
    """Scrolled so the content ``offset`` pixels below its top is at the top of the viewport.

    Near the end the list stops at the bottom instead, so the viewport is never half empty.
    """
    new = _scroll_y(content_height, viewport_height, offset)
    return where(content_height, viewport_height, new)


def row_offset(index: int, row_height: float, spacing: float, padding_top: float = 0.0) -> float:
    """Pixels from the top of a list of equal rows to the top of row ``index`` (0 = first)."""
    return padding_top + max(index, 0) * (row_height + spacing)


# -- a long list held a window at a time -----------------------------------------------------


def rows_in_view(
    content_height: float, viewport_height: float, scroll_y: float, row_step: float
) -> tuple[int, int]:
    """(first, count): the rows of a list of equal rows (``row_step`` apart, the first at
    the very top) that the viewport shows, even partly."""
    offset = _offset(content_height, viewport_height, scroll_y)
    step = max(row_step, 1.0)
    first = int(offset // step)
    last = max(first, math.ceil((offset + max(viewport_height, 0.0)) / step) - 1)
    return first, last - first + 1


def window_around(first_shown: int, shown: int, total: int, size: int) -> int:
    """The first row of a window of ``size`` rows with the shown rows in its middle."""
    start = first_shown - (size - shown) // 2
    return max(0, min(start, total - size))


def window_covers(
    window_first: int, window_rows: int, first_shown: int, shown: int, total: int, margin: int
) -> bool:
    """Whether a window holds the shown rows and ``margin`` rows more each way (or up to an
    end of the list): then a page up or down shows only rows already there."""
    wanted_from = max(0, first_shown - margin)
    wanted_to = min(total, first_shown + shown + margin)
    return window_first <= wanted_from and wanted_to <= window_first + window_rows
