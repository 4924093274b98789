"""Home's now & next titles are legible from the door, list titles from a step away:
their capitals, drawn on the configured panel, subtend at least 20 arc-minutes."""

from __future__ import annotations

import pytest
from conftest import walk
from test_accessibility_ui import seen_panel

from torg_kiosk.domain.viewing_distance import HOME_TITLES, LIST_TITLES, seen_arc_minutes
from torg_kiosk.ui.screens.home import NowTitle
from torg_kiosk.ui.widgets import RowTitleLabel

SIZES = ((1920, 1080), (1080, 1920))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_now_and_next_titles_read_from_two_metres(ui, size):
    ui.resize(*size)
    ui.show("home")
    titles = [w for w in walk(ui.screen) if isinstance(w, NowTitle)]
    assert titles
    for title in titles:
        drawn = title._label.options["font_size"]
        assert seen_arc_minutes(drawn, seen_panel(ui, size), HOME_TITLES.distance_mm) >= 20


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_titles_read_from_one_metre(ui, size):
    ui.resize(*size)
    ui.show("today")
    titles = [w for w in walk(ui.screen) if isinstance(w, RowTitleLabel) and w.text]
    assert titles
    for title in titles:
        drawn = title._label.options["font_size"]
        assert seen_arc_minutes(drawn, seen_panel(ui, size), LIST_TITLES.distance_mm) >= 20
