"""Turning a torg's theme (``#rrggbb`` strings) into Kivy colours, and the type scale."""

from __future__ import annotations

from torg_kiosk.base.settings import Theme

#: The layout is designed at this size; everything scales with the window's shorter fit.
DESIGN_LONG_SIDE = 1920
DESIGN_SHORT_SIDE = 1080


def rgba(hex_colour: str, alpha: float = 1.0) -> list[float]:
    """``"#6b4d00"`` → ``[0.42, 0.30, 0.0, 1.0]``."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return [red, green, blue, alpha]


def colours(theme: Theme) -> dict[str, list[float]]:
    """The app's colour properties, by name."""
    return {
        "c_background": rgba(theme.background),
        "c_surface": rgba(theme.surface),
        "c_text": rgba(theme.text),
        "c_muted": rgba(theme.muted_text),
        "c_accent": rgba(theme.accent),
        "c_accent_text": rgba(theme.accent_text),
        "c_cancelled": rgba(theme.cancelled),
        "c_pattern": rgba(theme.accent, 0.16),
        "c_line": rgba(theme.muted_text, 0.25),
    }


def unit_scale(width: float, height: float) -> float:
    """One design pixel in window pixels, so 1920×1080 and 1080×1920 are 1.0."""
    long_side, short_side = max(width, height), min(width, height)
    return min(long_side / DESIGN_LONG_SIDE, short_side / DESIGN_SHORT_SIDE)
