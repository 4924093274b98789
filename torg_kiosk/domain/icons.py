"""Icons beside words, so a child or a visitor who reads little finds the way.

Material Icons (Google, Apache-2.0; torg_kiosk/assets/icons/, licence beside it), subset by
tools/build_icon_font.py to the code points named here. Every icon stands next to its word,
never instead of it.
"""

from __future__ import annotations

from torg_kiosk.base.resources import asset

ICON_FONT = asset("icons", "MaterialIcons-Kiosk.ttf")

#: What the screen needs an icon for → its Material Icons code point.
ICONS = {
    "today": "\ue8df",
    "week": "\ue916",
    "call": "\ue0b0",
    "language": "\ue894",
    "cancelled": "\ue5c9",
    "registration": "\ue174",
    "no-registration": "\ue614",
    "read-aloud": "\ue050",
    "large-text": "\ue262",
    "home": "\ue88a",
    # The feed's categories (torg_kiosk.base.schema).
    "exercise": "\ueb43",
    "digital-help": "\ue30a",
    "culture": "\uea66",
    "children": "\ueb41",
    "walk": "\ue536",
    "social": "\ue7fb",
    "learning": "\ue80c",
    "health": "\ue548",
    "service": "\ue84f",
    "other": "\ue5d3",
    "language-category": "\ue8e2",
}


def category_icon(category: str) -> str:
    """The icon of a feed category; "other" for one without."""
    if category == "language":
        return ICONS["language-category"]
    return ICONS.get(category, ICONS["other"])
