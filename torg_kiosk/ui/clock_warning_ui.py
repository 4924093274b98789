"""The clock warning on the staff screens: a framed line in the theme's warning colour.

Empty (and zero high) while the clock is trusted; the text comes from
:func:`torg_kiosk.domain.clock_warning.clock_warning` in the screen's language.
"""

from __future__ import annotations

from kivy.lang import Builder

from torg_kiosk.ui.widgets import WrapLabel


class ClockWarningBanner(WrapLabel):
    """Set ``text`` to the warning ("" hides it)."""


Builder.load_string("""
<ClockWarningBanner>:
    bold: True
    color: app.c_cancelled
    font_size: 34 * app.u
    padding: (24 * app.u, 16 * app.u) if self.text else (0, 0)
    height: self.texture_size[1] if self.text else 0
    opacity: 1 if self.text else 0
    canvas.before:
        Color:
            rgba: app.c_surface if self.text else (0, 0, 0, 0)
        RoundedRectangle:
            pos: self.pos
            size: self.size
            radius: [14 * app.u]
        Color:
            rgba: app.c_cancelled if self.text else (0, 0, 0, 0)
        Line:
            rounded_rectangle: (self.x, self.y, self.width, self.height, 14 * app.u)
            width: 3
""")
