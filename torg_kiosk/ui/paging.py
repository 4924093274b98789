"""Page buttons for lists and long texts, so nobody has to swipe (swiping still works)."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from torg_kiosk.domain import accessibility, paging
from torg_kiosk.ui import theme


class PageArrow(Widget):
    """A filled triangle pointing ``up`` or ``down``, drawn (Roboto has no ▲ ▼ glyphs)."""

    direction = OptionProperty("down", options=("up", "down"))
    colour = ListProperty([0, 0, 0, 1])


class PageButton(ButtonBehavior, BoxLayout):
    """An arrow and a word (▲ Opp, ▼ Ned), never the arrow alone; fires on release.

    Disabled (nothing more that way) it stays in its place, drawn in
    :func:`torg_kiosk.domain.accessibility.disabled` text colour with a faint border.
    """

    direction = OptionProperty("down", options=("up", "down"))
    text = StringProperty("")
    disabled_colour = ListProperty([0.5, 0.5, 0.5, 1])
    #: Right to left (kv: ``app.rtl``): the arrow stands after the word, at the right, where
    #: an Arabic reader starts.
    mirrored = BooleanProperty(False)

    def on_mirrored(self, *_args) -> None:
        self._trigger_layout()

    def do_layout(self, *largs) -> None:
        super().do_layout(*largs)
        if self.mirrored:
            for child in self.children:
                child.x = self.x + self.right - child.right

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        site = getattr(app, "site", None)
        if site is not None:
            t = site.theme
            self.disabled_colour = theme.rgba(accessibility.disabled(t.text, t.surface))


class PagedList(BoxLayout):
    """A scrolling list with page buttons, so nobody has to swipe (swiping still works).

    The list (a ``ScrollView``/``RecycleView`` given as the kv child) comes first; the
    buttons sit at its right edge in landscape and under it in portrait. A page is the
    viewport less ``overlap`` (one row), so the reader keeps their place. The buttons follow
    the list: content, window size or text size change, and they are enabled again or not.
    """

    scroller = ObjectProperty(None, allownone=True)
    overlap = NumericProperty(0)
    can_go_up = BooleanProperty(False)
    can_go_down = BooleanProperty(False)
    #: Leave out the buttons (and their room) while everything fits: for a text that is
    #: usually short (an activity's description) rather than a list that usually is long.
    hide_when_fits = BooleanProperty(False)
    buttons_shown = BooleanProperty(True)

    def __init__(self, **kwargs):
        self._trigger_update = Clock.create_trigger(self.update_buttons, -1)
        super().__init__(**kwargs)

    def add_widget(self, widget, *args, **kwargs):
        if isinstance(widget, ScrollView):
            # The kv rule's buttons were added first; the list goes before them.
            super().add_widget(widget, index=len(self.children))
            self.scroller = widget
            return
        super().add_widget(widget, *args, **kwargs)

    def on_scroller(self, _instance, scroller) -> None:
        if scroller is not None:
            scroller.bind(
                scroll_y=self._trigger_update,
                size=self._trigger_update,
                viewport_size=self._trigger_update,
            )
            self._trigger_update()

    def _heights(self) -> tuple[float, float]:
        """(content height, viewport height) of the list."""
        scroller = self.scroller
        return scroller.viewport_size[1], scroller.height

    def update_buttons(self, *_args) -> None:
        if self.scroller is None:
            return
        self._show(paging.where(*self._heights(), self.scroller.scroll_y), move=False)

    def page_down(self) -> None:
        self._show(paging.page_down(*self._heights(), self.scroller.scroll_y, self.overlap))

    def page_up(self) -> None:
        self._show(paging.page_up(*self._heights(), self.scroller.scroll_y, self.overlap))

    def show_offset(self, offset: float) -> None:
        """Scroll so the content ``offset`` pixels below its top is at the top of the list."""
        self._show(paging.show_offset(*self._heights(), offset))

    def _show(self, page: paging.Page, move: bool = True) -> None:
        scroller = self.scroller
        if move and scroller.scroll_y != page.scroll_y:
            effect = scroller.effect_y
            if effect is not None:
                effect.velocity = 0  # a swipe still gliding must not carry the page away
            scroller.scroll_y = page.scroll_y
            # The next swipe starts from here, not from where the last swipe ended.
            scroller._update_effect_y_bounds()
        self.can_go_up = page.can_go_up
        self.can_go_down = page.can_go_down
        self.buttons_shown = not self.hide_when_fits or page.can_go_up or page.can_go_down
