"""Colour arithmetic for themes: parse ``#rrggbb`` and measure WCAG 2.x contrast.

GUI-free on purpose: the config loader checks contrast before any window exists, and
the UI converts the same strings to Kivy's 0..1 RGBA with :func:`hex_to_rgba`.
"""

from __future__ import annotations

import re

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: WCAG 2.x success criterion 1.4.3 (AA) for normal text.
MINIMUM_CONTRAST = 4.5


def is_hex_colour(text: object) -> bool:
    """True for a string like ``#1a5fb4`` (exactly six hex digits, either case)."""
    return isinstance(text, str) and _HEX_COLOUR.match(text) is not None


def hex_to_rgb(hex_colour: str) -> tuple[int, int, int]:
    """``"#1a5fb4"`` → ``(26, 95, 180)``; raises ValueError for anything else."""
    if not is_hex_colour(hex_colour):
        raise ValueError(f"{hex_colour!r} is not a colour like '#1a5fb4'")
    digits = hex_colour[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_to_rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """The 0..1 RGBA tuple Kivy's ``color`` properties take."""
    red, green, blue = hex_to_rgb(hex_colour)
    return red / 255, green / 255, blue / 255, alpha


def _linear_channel(value: int) -> float:
    srgb = value / 255
    # 0.03928 is the threshold printed in WCAG 2.x; the sRGB standard says 0.04045.
    # No 8-bit value falls between them, so the choice never changes a result.
    if srgb <= 0.03928:
        return srgb / 12.92
    return ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance: 0.0 for black, 1.0 for white."""
    red, green, blue = (_linear_channel(channel) for channel in hex_to_rgb(hex_colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(hex1: str, hex2: str) -> float:
    """WCAG 2.x contrast ratio of two colours, from 1.0 (same) to 21.0 (black on white).

    The order of the arguments does not matter.
    """
    lighter, darker = sorted((relative_luminance(hex1), relative_luminance(hex2)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
