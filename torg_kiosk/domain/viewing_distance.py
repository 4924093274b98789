"""The type scale from where people stand: text legible across the lobby, from the panel.

ISO 9241-303 prefers characters of 20–22 arc-minutes (16 the minimum). A capital's height
that subtends ``arc_minutes`` at ``distance_mm`` is ``2 · d · tan(angle / 2)``: 20′ at 2 m is
11.6 mm. Like the touch targets, the millimetres become pixels through the configured panel
(``[panel]`` in kiosk.toml, :func:`torg_kiosk.domain.accessibility.panel_for_window`), never
the DPI the system reports.

Home's *now & next* titles are read from the door (2 m); lists and details from an arm's
length or a step away (1 m).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from torg_kiosk.base.settings import PanelConfig
from torg_kiosk.domain.accessibility import DEFAULT_CAP_HEIGHT_RATIO, font_size_for_cap_height

#: The character height people read comfortably (ISO 9241-303).
LEGIBLE_ARC_MINUTES = 20.0


@dataclass(frozen=True)
class ReadFrom:
    """A text level and the distance it must be read from."""

    name: str
    distance_mm: float


#: The levels the screens size from distance.
HOME_TITLES = ReadFrom("home now & next titles", 2000)
LIST_TITLES = ReadFrom("list titles", 1000)


def cap_height_mm(distance_mm: float, arc_minutes: float = LEGIBLE_ARC_MINUTES) -> float:
    """The height that subtends ``arc_minutes`` at ``distance_mm``: 11.6 mm for 20′ at 2 m."""
    return 2 * distance_mm * math.tan(math.radians(arc_minutes / 60) / 2)


def arc_minutes(cap_mm: float, distance_mm: float) -> float:
    """The angle a capital ``cap_mm`` high subtends at ``distance_mm``, in arc-minutes."""
    return math.degrees(2 * math.atan(cap_mm / (2 * distance_mm))) * 60


def font_px(level: ReadFrom, panel: PanelConfig, ratio: float = DEFAULT_CAP_HEIGHT_RATIO) -> int:
    """The smallest font size whose capital H is legible from ``level``'s distance."""
    cap_px = cap_height_mm(level.distance_mm) * panel.px_per_mm
    return font_size_for_cap_height(cap_px, ratio)


def seen_arc_minutes(font_size_px: float, panel: PanelConfig, distance_mm: float) -> float:
    """How large a capital of a font drawn at ``font_size_px`` looks from ``distance_mm``."""
    cap_mm = font_size_px * DEFAULT_CAP_HEIGHT_RATIO / panel.px_per_mm
    return arc_minutes(cap_mm, distance_mm)
