"""The clock warning on the staff screens: a framed line in the theme's warning colour.

Empty (and zero high) while the clock is trusted; the text comes from
:func:`torg_kiosk.domain.clock_warning.clock_warning` in the screen's language. The frame's
padding sits on a box around the label, not on the label: a wrapping label breaks Arabic
lines itself at its own width, and padding inside it would make Kivy wrap them again.
"""

from __future__ import annotations

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout


class ClockWarningBanner(BoxLayout):
    """Set ``text`` to the warning ("" hides it)."""

    text = StringProperty("")


Builder.load_string("""
<ClockWarningBanner>:
    size_hint_y: None
    padding: (24 * app.u, 16 * app.u) if self.text else (0, 0)
    height: (label.height + 32 * app.u) if self.text else 0
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
    WrapLabel:
        id: label
        text: root.text
        bold: True
        color: app.c_cancelled
        font_size: 34 * app.u
""")
