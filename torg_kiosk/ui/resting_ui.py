"""The screen rests while the torg is closed: display off where it can be, else a calm,
dim closed page; a touch wakes it; it rests again after idle; the opening wakes it.

The rule is :func:`torg_kiosk.domain.resting.rest_decision` on the torg's hours state from
:mod:`torg_kiosk.domain.opening_hours` (with the feed's closures). It is looked at every
:data:`CHECK_SECONDS`. Resting goes home first, tells the health board (the heartbeat says
``resting`` and until when, so the fleet page does not call a dark screen quiet, and the
visual watchdog and pictures of Home pause), turns the display off on a worker thread
(:mod:`torg_kiosk.base.display_power`), and lays the closed page over everything. The touch
that wakes the screen is taken by the page: it does not press a button underneath.

A windowed run (``--windowed``: development and the UI tests) does not look by itself.

The frames go on being drawn while resting (the page moves a little every minute against
burn-in), so systemd's watchdog keeps being fed.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout

from torg_kiosk.base.clock import utc_text
from torg_kiosk.base.display_power import choose_display_power
from torg_kiosk.base.health_board import ON, RESTING
from torg_kiosk.base.journal import event
from torg_kiosk.domain.opening_hours import closures_from, state_at
from torg_kiosk.domain.resting import REST_AFTER_IDLE_SECONDS, closed_page, rest_decision
from torg_kiosk.store.database import StoreError

log = logging.getLogger(__name__)

CHECK_SECONDS = 30


class ClosedPage(FloatLayout):
    """The calm closed page: dark, dim text, anywhere on it a touch wakes the screen."""

    title = StringProperty("")
    opens = StringProperty("")
    hint = StringProperty("")
    #: Where the text block sits (0..1), moved a little each minute against burn-in.
    shift_x = NumericProperty(0.5)
    shift_y = NumericProperty(0.5)

    def __init__(self, controller: RestingController, **kwargs):
        super().__init__(**kwargs)
        self.controller = controller

    def on_touch_down(self, touch) -> bool:
        self.controller.wake("touch")
        return True  # the waking touch presses nothing underneath

    def on_touch_move(self, touch) -> bool:
        return True

    def on_touch_up(self, touch) -> bool:
        return True


class RestingController:
    def __init__(self, app, *, power=None, idle_seconds: float | None = None):
        self.app = app
        self.board = app.services.board
        self.power = choose_display_power() if power is None else power
        timeout = app.kiosk.idle.timeout_seconds + app.kiosk.idle.warning_seconds
        self.idle_seconds = idle_seconds or max(REST_AFTER_IDLE_SECONDS, timeout + 10)
        self.page: ClosedPage | None = None  # while resting
        self._made_page: ClosedPage | None = None
        self.last_touch = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="display-power")
        self._event = None

    @property
    def resting(self) -> bool:
        return self.page is not None

    def start(self) -> None:
        # Bound last, so called first: a touch is seen before any other handler.
        Window.bind(on_touch_down=self._on_touch_down)
        # A windowed run (development, the UI tests, which pin the clock to any hour) does not
        # rest by itself; check() still rests it when asked.
        if not self.app.windowed:
            self._event = Clock.schedule_interval(lambda _dt: self.check(), CHECK_SECONDS)

    def stop(self) -> None:
        Window.unbind(on_touch_down=self._on_touch_down)
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self._worker.shutdown(wait=True, cancel_futures=True)

    def _on_touch_down(self, _window, _touch) -> bool:
        self.last_touch = self.app.now()
        return False

    def _hours_state(self, now):
        closures = ()
        schedule = self.app.schedule
        if schedule is not None:
            try:
                closures = closures_from(schedule.closures(self.app.site.id))
            except StoreError:
                closures = ()
        return state_at(self.app.site, now, closures)

    def check(self) -> None:
        """Rest or wake as the hours and the last touch say; called every CHECK_SECONDS."""
        now = self.app.now()
        state = self._hours_state(now)
        decision = rest_decision(state, now, self.last_touch, self.idle_seconds)
        if decision.rest and not self.resting:
            self.rest(decision.until)
        elif not decision.rest and self.resting and decision.until is None:
            self.wake("opening")
        elif self.resting:
            self._move_page()

    def rest(self, until) -> None:
        self.app.go_home()
        words = closed_page(self.app.site.name, until, self.app.now(), self.app.language)
        # One page, made on the first rest and shown again after: kv rules bound to the app
        # would keep a new page per night alive.
        if self._made_page is None:
            self._made_page = ClosedPage(self)
        self.page = self._made_page
        self.page.title, self.page.opens, self.page.hint = words.title, words.opens, words.hint
        self._move_page()
        Window.add_widget(self.page)
        self.board.post(screen=RESTING, resting_until=utc_text(until) if until else None)
        for power in self.power:
            self._worker.submit(self._switch, power, "off")
        event(log, "screen_rest", until=utc_text(until) if until else None,
              display_off=",".join(p.name for p in self.power) or "dim")  # fmt: skip

    def wake(self, reason: str) -> None:
        if self.page is None:
            return
        page, self.page = self.page, None
        Window.remove_widget(page)
        if reason == "touch":
            self.last_touch = self.app.now()
        self.board.post(screen=ON, resting_until=None)
        for power in self.power:
            self._worker.submit(self._switch, power, "on")
        event(log, "screen_wake", reason=reason)

    def _move_page(self) -> None:
        if self.page is not None:
            self.page.shift_x = random.uniform(0.35, 0.65)
            self.page.shift_y = random.uniform(0.35, 0.65)

    def _switch(self, power, direction: str) -> None:
        done = power.off() if direction == "off" else power.on()
        if not done:
            event(log, "display_power_failed", level=logging.WARNING, way=power.name,
                  direction=direction)  # fmt: skip


Builder.load_string("""
# Dim, but every line at least 4.5:1 on the black (0.5 grey: 5.3:1).
<ClosedPage>:
    canvas.before:
        Color:
            rgba: 0, 0, 0, 1
        Rectangle:
            pos: self.pos
            size: self.size
    BoxLayout:
        orientation: 'vertical'
        size_hint: 0.7, None
        height: self.minimum_height
        spacing: 24 * app.u
        pos_hint: {'center_x': root.shift_x, 'center_y': root.shift_y}
        WrapLabel:
            text: root.title
            halign: 'center'
            font_size: 56 * app.u
            color: 0.6, 0.6, 0.6, 1
        WrapLabel:
            text: root.opens
            halign: 'center'
            font_size: 40 * app.u
            color: 0.55, 0.55, 0.55, 1
        WrapLabel:
            text: root.hint
            halign: 'center'
            font_size: 30 * app.u
            color: 0.5, 0.5, 0.5, 1
""")
