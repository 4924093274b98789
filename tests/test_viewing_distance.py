"""The type scale from viewing distance, computed from the configured panel."""

from __future__ import annotations

import pytest

from torg_kiosk.base.settings import PanelConfig
from torg_kiosk.domain.viewing_distance import (
    HOME_TITLES,
    LIST_TITLES,
    arc_minutes,
    cap_height_mm,
    font_px,
    seen_arc_minutes,
)

PANEL = PanelConfig(width_mm=527, height_mm=296, width_px=1920, height_px=1080)


def test_twenty_arc_minutes_at_two_metres_is_eleven_point_six_millimetres():
    assert cap_height_mm(2000) == pytest.approx(11.64, abs=0.01)
    assert cap_height_mm(1000) == pytest.approx(5.82, abs=0.01)
    assert arc_minutes(11.64, 2000) == pytest.approx(20.0, abs=0.01)


def test_home_titles_on_the_24_inch_panel_need_sixty_pixels():
    assert font_px(HOME_TITLES, PANEL) == 60
    assert font_px(LIST_TITLES, PANEL) == 30


def test_a_font_of_that_size_is_seen_at_twenty_arc_minutes_or_more():
    for level in (HOME_TITLES, LIST_TITLES):
        size = font_px(level, PANEL)
        assert seen_arc_minutes(size, PANEL, level.distance_mm) >= 20.0
        assert seen_arc_minutes(size - 1, PANEL, level.distance_mm) < 20.0


def test_a_smaller_panel_with_the_same_pixels_needs_more_of_them():
    small = PanelConfig(width_mm=344, height_mm=193, width_px=1920, height_px=1080)  # 15.6"
    assert font_px(HOME_TITLES, small) > font_px(HOME_TITLES, PANEL)
