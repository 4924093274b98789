"""Accessibility rules (EN 301 549 clause 5, WCAG 2.1 AA) as pure functions on plain numbers.

GUI-free: UI tests read sizes and colours off a real widget tree, turn them into
:class:`Rect` / :class:`LabelBox` values and call the checks here; the app uses
:func:`pressed` and :func:`disabled` to draw those states, so what is checked is what is drawn.
Every check returns a list of :class:`Problem`; an empty list means it passes.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from torg_kiosk.base.colour import MINIMUM_CONTRAST, contrast_ratio, hex_to_rgb
from torg_kiosk.base.settings import PanelConfig, Theme

#: Smallest touch target side, in millimetres, on the physical panel.
MIN_TARGET_MM = 11.6
#: Smallest gap between two touch targets, in millimetres.
MIN_GAP_MM = 2.0
#: Height of a capital H in large-text mode, in millimetres.
MIN_CAP_HEIGHT_MM = 7.3
#: WCAG 1.4.3 for large text and 1.4.11 for focus rings, borders and other controls.
LARGE_TEXT_CONTRAST = 3.0
NON_TEXT_CONTRAST = 3.0

#: capHeight / unitsPerEm, read from the fonts' OS/2 and head tables with
#: :func:`measure_cap_height_ratio` (cross-checked with fontTools 4.68): Roboto-Regular as
#: shipped in kivy/data/fonts (1456/2048) and Noto Sans Regular in assets/fonts
#: (714/1000).
ROBOTO_CAP_HEIGHT_RATIO = 1456 / 2048
NOTO_SANS_CAP_HEIGHT_RATIO = 714 / 1000
#: The smaller of the two, so a size computed with it is large enough whether the UI draws
#: with Kivy's default Roboto or the Noto Sans in assets/fonts. (Arabic has no capitals:
#: NotoSansArabic's OS/2 capHeight is not an H, so this rule is measured on Latin text.)
DEFAULT_CAP_HEIGHT_RATIO = min(ROBOTO_CAP_HEIGHT_RATIO, NOTO_SANS_CAP_HEIGHT_RATIO)

#: A pressed control is its colour with this much black mixed in (the UI's 25 % black overlay).
PRESSED_DARKEN = 0.25
#: Disabled text is its colour mixed this far towards the background: visibly fainter, yet
#: still 4.5:1 on every torg theme (WCAG exempts disabled controls; the issue does not).
DISABLED_FADE = 0.3
#: The background pattern is the accent drawn at this opacity over the background.
PATTERN_ALPHA = 0.16


@dataclass(frozen=True)
class Problem:
    """One failed rule: ``kind`` for code, ``subject`` names what failed, ``message`` for people."""

    kind: str
    subject: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in pixels (Kivy's x, y from the bottom left is fine)."""

    x: float
    y: float
    width: float
    height: float
    name: str = ""

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def gap_to(self, other: Rect) -> float:
        """Shortest distance between the two boxes' edges; 0 when they touch or overlap."""
        dx = max(0.0, other.x - self.right, self.x - other.right)
        dy = max(0.0, other.y - self.top, self.y - other.top)
        return math.hypot(dx, dy)

    def overlap_area(self, other: Rect) -> float:
        width = min(self.right, other.right) - max(self.x, other.x)
        height = min(self.top, other.top) - max(self.y, other.y)
        return max(0.0, width) * max(0.0, height)


@dataclass(frozen=True)
class LabelBox:
    """A label's rendered text size (Kivy ``texture_size``) and the box it must fit in."""

    name: str
    text_width: float
    text_height: float
    box: Rect


# --- Sizes on the physical panel ---------------------------------------------------------


def px_per_mm(panel: PanelConfig) -> float:
    """Pixel density from the configured physical size (:attr:`PanelConfig.px_per_mm`)."""
    return panel.px_per_mm


def panel_for_window(panel: PanelConfig, window_width: int, window_height: int) -> PanelConfig:
    """The configured physical panel as seen by a window of ``window_width``×``window_height``.

    The kiosk always fills the panel, so whatever size the window has, it covers the panel's
    physical size in the window's orientation: a portrait window (taller than wide) has the
    panel's long side vertical. A window of another pixel size (tests at 1080×1920, a
    smaller panel with the same millimetres) therefore gets its own pixel density:
    ``px_per_mm = max(window_width / width_mm, window_height / height_mm)`` with the
    millimetres turned to match. The reported DPI is never used.
    """
    long_mm = max(panel.width_mm, panel.height_mm)
    short_mm = min(panel.width_mm, panel.height_mm)
    portrait = window_height > window_width
    return PanelConfig(
        width_mm=short_mm if portrait else long_mm,
        height_mm=long_mm if portrait else short_mm,
        width_px=int(window_width),
        height_px=int(window_height),
    )


def mm_to_px(millimetres: float, panel: PanelConfig) -> int:
    """Whole pixels covering at least ``millimetres`` on this panel."""
    return panel.mm_to_px(millimetres)


def min_target_px(panel: PanelConfig) -> int:
    return mm_to_px(MIN_TARGET_MM, panel)


def min_gap_px(panel: PanelConfig) -> int:
    return mm_to_px(MIN_GAP_MM, panel)


def min_cap_height_px(panel: PanelConfig) -> int:
    """Height of a capital H in large-text mode, in pixels."""
    return mm_to_px(MIN_CAP_HEIGHT_MM, panel)


def measure_cap_height_ratio(font_path: Path) -> float:
    """capHeight / unitsPerEm from a TrueType/OpenType file (OS/2 version 2 or later)."""
    data = font_path.read_bytes()
    (table_count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for index in range(table_count):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag] = offset
    if b"head" not in tables or b"OS/2" not in tables:
        raise ValueError(f"{font_path} has no head or OS/2 table; is it a TrueType font?")
    (units_per_em,) = struct.unpack_from(">H", data, tables[b"head"] + 18)
    (os2_version,) = struct.unpack_from(">H", data, tables[b"OS/2"])
    if os2_version < 2:
        raise ValueError(f"{font_path} has OS/2 version {os2_version}, without a cap height.")
    (cap_height,) = struct.unpack_from(">h", data, tables[b"OS/2"] + 88)
    return cap_height / units_per_em


def font_size_for_cap_height(cap_height_px: float, ratio: float = DEFAULT_CAP_HEIGHT_RATIO) -> int:
    """Kivy ``font_size`` (pixels per em) whose capital H is at least ``cap_height_px`` tall."""
    return math.ceil(round(cap_height_px / ratio, 6))


def large_text_font_size(panel: PanelConfig, ratio: float = DEFAULT_CAP_HEIGHT_RATIO) -> int:
    """The smallest ``font_size`` allowed in large-text mode on this panel."""
    return font_size_for_cap_height(min_cap_height_px(panel), ratio)


# --- Geometry checks ---------------------------------------------------------------------


def _label(rect: Rect) -> str:
    return rect.name or f"the box at ({rect.x:g}, {rect.y:g})"


def check_targets(rects: Sequence[Rect], panel: PanelConfig) -> list[Problem]:
    """Touch targets that are smaller than 11.6 mm or closer than 2 mm to another target."""
    problems = []
    side, gap = min_target_px(panel), min_gap_px(panel)
    for rect in rects:
        if rect.width < side or rect.height < side:
            problems.append(
                Problem(
                    "too_small",
                    _label(rect),
                    f"{_label(rect)} is {rect.width:g}×{rect.height:g} px; a touch target "
                    f"needs at least {side}×{side} px ({MIN_TARGET_MM} mm) on this panel.",
                )
            )
    for first, second in combinations(rects, 2):
        distance = first.gap_to(second)
        if distance < gap:
            problems.append(
                Problem(
                    "too_close",
                    f"{_label(first)} / {_label(second)}",
                    f"{_label(first)} and {_label(second)} are {distance:.1f} px apart; touch "
                    f"targets need a gap of at least {gap} px ({MIN_GAP_MM} mm) so a shaky "
                    "finger does not hit the wrong one.",
                )
            )
    return problems


def check_overlaps(rects: Sequence[Rect]) -> list[Problem]:
    """Boxes that cover part of each other (touching edges is fine)."""
    return [
        Problem(
            "overlap",
            f"{_label(first)} / {_label(second)}",
            f"{_label(first)} and {_label(second)} overlap by "
            f"{first.overlap_area(second):g} px²; move one so both can be seen and touched.",
        )
        for first, second in combinations(rects, 2)
        if first.overlap_area(second) > 0
    ]


def check_text_fits(label_boxes: Iterable[LabelBox]) -> list[Problem]:
    """Labels whose rendered text is wider or taller than their box (cut off or spilling)."""
    problems = []
    for label in label_boxes:
        box = label.box
        if label.text_width > box.width or label.text_height > box.height:
            problems.append(
                Problem(
                    "text_does_not_fit",
                    label.name,
                    f"The text of {label.name} needs {label.text_width:g}×"
                    f"{label.text_height:g} px but its box is {box.width:g}×{box.height:g} px; "
                    "let it wrap, give it more room or shorten the text.",
                )
            )
    return problems


def check_large_text(
    font_sizes: Mapping[str, float],
    panel: PanelConfig,
    ratio: float = DEFAULT_CAP_HEIGHT_RATIO,
) -> list[Problem]:
    """In large-text mode: labels (name → ``font_size``) whose capital H is under 7.3 mm."""
    smallest = large_text_font_size(panel, ratio)
    return [
        Problem(
            "text_too_small",
            name,
            f"{name} has font size {size:g} px; large-text mode needs at least {smallest} px "
            f"(a capital H of {MIN_CAP_HEIGHT_MM} mm on this panel).",
        )
        for name, size in font_sizes.items()
        if size < smallest
    ]


# --- Colours -----------------------------------------------------------------------------


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` with ``amount`` (0..1) of ``other`` mixed in, as ``#rrggbb``.

    The same as drawing ``other`` at opacity ``amount`` over ``colour``.
    """
    if not 0 <= amount <= 1:
        raise ValueError(f"amount must be between 0 and 1, not {amount}")
    channels = zip(hex_to_rgb(colour), hex_to_rgb(other), strict=True)
    return "#" + "".join(f"{round(a + (b - a) * amount):02x}" for a, b in channels)


def pressed(colour: str) -> str:
    """The fill of a control while a finger is on it."""
    return mix(colour, "#000000", PRESSED_DARKEN)


def disabled(colour: str, background: str) -> str:
    """The colour of disabled text drawn on ``background``."""
    return mix(colour, background, DISABLED_FADE)


def pattern(theme: Theme) -> str:
    """The background where the accent pattern shows through (text is drawn over it)."""
    return mix(theme.background, theme.accent, PATTERN_ALPHA)


@dataclass(frozen=True)
class ContrastPair:
    """A foreground drawn on a background in some state, and the ratio it must reach."""

    state: str
    foreground: str
    background: str
    foreground_colour: str
    background_colour: str
    minimum: float

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground_colour, self.background_colour)


def theme_contrast_pairs(theme: Theme) -> list[ContrastPair]:
    """Every foreground/background pair the UI draws with this theme, in every state."""
    t = theme
    backgrounds = {"background": t.background, "surface": t.surface, "pattern": pattern(t)}
    pairs = []

    def add(state, foreground, foreground_colour, background, background_colour, minimum):
        pairs.append(
            ContrastPair(
                state, foreground, background, foreground_colour, background_colour, minimum
            )
        )

    for name, colour in backgrounds.items():
        add("normal", "text", t.text, name, colour, MINIMUM_CONTRAST)
        add("normal", "muted_text", t.muted_text, name, colour, MINIMUM_CONTRAST)
        add("cancelled", "cancelled", t.cancelled, name, colour, MINIMUM_CONTRAST)
        # Selected items (current language, active filter) may be marked with accent text.
        add("selected", "accent", t.accent, name, colour, MINIMUM_CONTRAST)
        add(
            "disabled",
            "disabled(text)",
            disabled(t.text, colour),
            name,
            colour,
            MINIMUM_CONTRAST,
        )
        # Focus rings, selection borders and filled buttons must stand out from behind.
        add("focus", "accent", t.accent, name, colour, NON_TEXT_CONTRAST)
    add("normal", "accent_text", t.accent_text, "accent", t.accent, MINIMUM_CONTRAST)
    add("selected", "accent_text", t.accent_text, "accent", t.accent, MINIMUM_CONTRAST)
    add(
        "pressed",
        "accent_text",
        t.accent_text,
        "pressed(accent)",
        pressed(t.accent),
        MINIMUM_CONTRAST,
    )
    add("pressed", "text", t.text, "pressed(surface)", pressed(t.surface), MINIMUM_CONTRAST)
    add("pressed", "text", t.text, "pressed(background)", pressed(t.background), MINIMUM_CONTRAST)
    # Headings and the torg's name are large text; they use the same colours, but the
    # large-text rule is listed so a theme that only passes it is reported precisely.
    add("large", "accent", t.accent, "pattern", pattern(t), LARGE_TEXT_CONTRAST)
    return pairs


def theme_contrast_problems(theme: Theme, theme_name: str = "theme") -> list[Problem]:
    """Pairs in :func:`theme_contrast_pairs` below their minimum, as readable problems."""
    problems = []
    for pair in theme_contrast_pairs(theme):
        ratio = pair.ratio
        if ratio < pair.minimum:
            problems.append(
                Problem(
                    "low_contrast",
                    f"{theme_name}: {pair.state} {pair.foreground} on {pair.background}",
                    f"In {theme_name}, {pair.foreground} {pair.foreground_colour} on "
                    f"{pair.background} {pair.background_colour} ({pair.state}) has "
                    f"{ratio:.2f}:1 contrast; it needs at least {pair.minimum:g}:1. Choose a "
                    f"darker or lighter {pair.foreground.split('(')[-1].rstrip(')')}.",
                )
            )
    return problems
