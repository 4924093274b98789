"""Large-text mode and touch sizes on screen, from the panel's physical size.

Large-text mode is a zoom of the whole type scale: every label that mixes in
:class:`LargeText` draws at :data:`LARGE_TEXT_ZOOM` times its designed size
(:attr:`KioskApp.text_zoom`), so every level grows and the hierarchy keeps its ratios, and
never below :attr:`KioskApp.text_floor` (the font size whose capital H is 7.3 mm on the
configured panel, EN 301 549 5.1.4). The kv layouts grow with it: heights that hold text
are multiplied by ``app.text_zoom`` or follow their text, and lists show fewer rows.
"""

from __future__ import annotations

import math

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder, global_idmap
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.base.settings import PanelConfig
from torg_kiosk.domain import accessibility
from torg_kiosk.domain.i18n import N_


def screen_panel(panel: PanelConfig, size=None) -> PanelConfig:
    """The configured panel as the current window sees it (see ``panel_for_window``)."""
    width, height = size if size is not None else Window.size
    return accessibility.panel_for_window(panel, width, height)


def large_text_floor(panel: PanelConfig, size=None) -> int:
    """The smallest font size in large-text mode for this window on this panel."""
    return accessibility.large_text_font_size(screen_panel(panel, size))


#: Large-text mode draws every level of the type scale this much larger (the hierarchy keeps
#: its ratios; EN 301 549 5.1.4's capital height is still the floor).
LARGE_TEXT_ZOOM = 1.5


class LargeText:
    """Label mixin: the designed size times the app's ``text_zoom``, never smaller than its
    ``text_floor`` (1 and 0 outside large-text mode)."""

    _designed_font_size: float | None = None
    _raising = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None and hasattr(app, "text_floor"):
            app.bind(text_floor=self._apply_text_floor, text_zoom=self._apply_text_floor)
        self._apply_text_floor()

    def on_font_size(self, _instance, value) -> None:
        # A kv binding (the type scale) set a new designed size; the floor still applies.
        if self._raising:
            return
        self._designed_font_size = value
        # Raised before the next frame, not inside this dispatch: Label hands the value being
        # dispatched to its core label, so a nested change would be overwritten by this one.
        Clock.schedule_once(self._apply_text_floor, -1)

    def _apply_text_floor(self, *_args) -> None:
        app = App.get_running_app()
        floor = getattr(app, "text_floor", 0) or 0
        zoom = getattr(app, "text_zoom", 1) or 1
        designed = self._designed_font_size or self.font_size
        wanted = max(designed * zoom, floor)
        if wanted != self.font_size:
            self._raising = True
            try:
                self.font_size = wanted
            finally:
                self._raising = False


class MovesToRow:
    """Widget mixin: with ``portrait_row`` set, the widget moves into that row while
    ``use_row`` is true (kv: the window is portrait, or large text leaves its own row too
    narrow) and back to its own place when it is not. ``use_row`` follows ``app.portrait``
    unless kv sets it."""

    portrait_row = ObjectProperty(None, allownone=True)
    use_row = BooleanProperty(None, allownone=True)
    _home = None

    def on_portrait_row(self, *_args) -> None:
        App.get_running_app().bind(portrait=self._place)
        Clock.schedule_once(self._place)

    def on_use_row(self, *_args) -> None:
        Clock.schedule_once(self._place)

    def _wants_row(self) -> bool:
        return App.get_running_app().portrait if self.use_row is None else self.use_row

    def _place(self, *_args) -> None:
        if self.portrait_row is None:
            return
        if self._home is None:
            if self.parent is None:
                return
            self._home = (self.parent, self.parent.children.index(self))
        home, index = self._home
        target = self.portrait_row if self._wants_row() else home
        if self.parent is target:
            return
        self.parent.remove_widget(self)
        if target is home:
            target.add_widget(self, index=min(index, len(home.children)))
        else:
            target.add_widget(self)


class AccessButtons(MovesToRow, BoxLayout):
    """The "Stor tekst" and "Les opp" buttons, side by side: one tap away on every screen.

    In the bottom bar they move up into a row of their own where one row is too narrow
    (see :class:`MovesToRow`).
    """


def read_button_text(reading: bool, more_to_read: bool) -> str:
    """The read-aloud button's msgid: *Stopp opplesing* while it reads, *Les mer* while
    more of the screen is left, else *Les opp*."""
    if reading:
        return N_("Stopp opplesing")
    return N_("Les mer") if more_to_read else N_("Les opp")


global_idmap["read_button_text"] = read_button_text

Builder.load_string("""
#:import _ torg_kiosk.domain.i18n.N_
#:import ICONS torg_kiosk.domain.icons.ICONS

<AccessButtons>:
    size_hint: None, None
    width: self.minimum_width
    height: large_button.height
    spacing: 24 * app.u
    QuietButton:
        id: large_button
        icon: ICONS['large-text']
        text: app.tr(_('Vanlig tekst') if app.large_text else _('Stor tekst'), app.language)
        selected: app.large_text
        pos_hint: {'center_y': 0.5}
        on_release: app.toggle_large_text()
    QuietButton:
        id: read_button
        icon: ICONS['read-aloud']
        text: app.tr(read_button_text(app.reading, app.more_to_read), app.language)
        selected: app.reading
        pos_hint: {'center_y': 0.5}
        on_release: app.read_screen_aloud()
""")


def line_height(designed: float, text_floor: float, zoom: float = 1) -> float:
    """A one-line label's height: as designed (times large-text mode's zoom), and never too
    low for a line at large-text mode's floor.

    kv: ``height: line_height(36 * app.u, app.text_floor, app.text_zoom)``. 1.25 em holds a
    line of Noto Sans or Roboto with its ascenders and descenders. Without ``zoom`` (Home's
    kv) the designed height is kept as it is.
    """
    return max(designed * zoom, math.ceil(text_floor * 1.25))
