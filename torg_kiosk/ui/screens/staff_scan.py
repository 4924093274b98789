"""Staff mode at the door: listens for the scanner, shows green / amber / red full screen.

No text field: while this screen is shown, the window's key events go to a
:class:`~torg_kiosk.domain.scanner.ScanCapture`, which keeps only bursts typed at scanner
speed. A scan goes to the check-in worker (verify, rules, durable write), and the verdict
comes back as a full-screen colour with an icon, the reason in words, the count and a sound.
"""

from __future__ import annotations

import time
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.floatlayout import FloatLayout

from torg_kiosk.domain.checkin_rules import AMBER, GREEN, RED, Verdict, clock_text, count_text
from torg_kiosk.domain.clock_warning import clock_warning
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.present import span_text
from torg_kiosk.domain.scanner import ScanCapture
from torg_kiosk.store.schedule import in_language
from torg_kiosk.ui import checkin_sounds
from torg_kiosk.ui.clock_warning_ui import ClockWarningBanner  # noqa: F401  (used in the kv)
from torg_kiosk.ui.screens.base import KioskScreen

ENTER_KEYS = (13, 271)  # Return, keypad Enter
#: How long a verdict stays on screen unless tapped away.
SHOWN_SECONDS = {GREEN: 2.5, AMBER: 5.0, RED: 5.0}
TONE_COLOURS = {
    GREEN: (0.0, 0.45, 0.2, 1),  # white on it: 5.9:1
    AMBER: (0.85, 0.55, 0.0, 1),  # black on it: 8.5:1
    RED: (0.70, 0.10, 0.10, 1),  # white on it: 6.6:1
}


class VerdictLayer(ButtonBehavior, FloatLayout):
    """The full-screen verdict; while none is shown it lets every touch through."""

    active = BooleanProperty(False)

    def on_touch_down(self, touch):
        if not self.active:
            return False
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch):
        if not self.active:
            return False
        return super().on_touch_up(touch)


class StaffScanScreen(KioskScreen):
    door = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    when = StringProperty("")
    count_line = StringProperty("")
    upload_line = StringProperty("")
    # The verdict on screen ("" tone: none).
    tone = StringProperty("")
    reason = StringProperty("")
    tone_colour = ListProperty([0, 0, 0, 0])
    tone_text_colour = ListProperty([1, 1, 1, 1])
    can_override = BooleanProperty(False)
    can_undo = BooleanProperty(False)
    busy = BooleanProperty(False)
    #: The desk's verdict on the kiosk's clock; the kv shows a warning when it is not trusted.
    clock_trust = ObjectProperty(None, allownone=True)
    warning_for = staticmethod(clock_warning)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.capture = ScanCapture()
        self.verdict: Verdict | None = None
        self._hide = None
        #: (the scan's Enter, its verdict's first frame) in time.perf_counter seconds, for
        #: benchmarks/bench_checkin_ui.py.
        self.last_timing: tuple[float, float] | None = None
        self._scan_ended_at: float | None = None

    @property
    def staff(self):
        return self.app.staff

    # -- the door -----------------------------------------------------------------------------

    def open_door(self, door) -> None:
        """Start scanning for ``door``: read its count on the worker, then show this screen."""
        self.door = door
        self.verdict = None
        self._clear_verdict()

        now = self.app.now()

        def open_it():
            desk = self.staff.opened().desk
            count = desk.open(door)
            self.staff.clock_trust = desk.clock_trust(now)
            return count

        self.staff.run(open_it, lambda _count: self._opened())

    def _opened(self) -> None:
        self.app.go("staff_scan")
        self.refresh()

    def refresh(self) -> None:
        door = self.door
        if door is None:
            return
        language = self.app.language
        self.title = in_language(door.title, language)[0] or door.activity_id
        self.when = span_text(door.start, door.end)
        self.clock_trust = self.staff.clock_trust
        desk = self.staff.opened().desk if self.staff.services.outbox is not None else None
        count = desk.count if desk is not None else 0
        self.can_undo = bool(desk and desk.can_undo)
        self.count_line = count_text(count, door.capacity, language)
        self.show_upload_state()

    def show_upload_state(self) -> None:
        waiting, last = self.staff.upload_state
        language = self.app.language
        if not self.staff.services.config.feed.uploads_enabled:
            self.upload_line = tr(N_("Lagres bare på denne skjermen (ingen sentral satt opp)."),
                                  language)  # fmt: skip
            return
        parts = [tr(N_("{count} venter på opplasting"), language, count=waiting) if waiting
                 else tr(N_("Alt er lastet opp"), language)]  # fmt: skip
        if last is not None:
            parts.append(tr(N_("sist lastet opp kl. {time}"), language, time=clock_text(last)))
        else:
            parts.append(tr(N_("ikke lastet opp ennå"), language))
        self.upload_line = "  ·  ".join(parts)

    # -- the scanner --------------------------------------------------------------------------

    def on_activate(self) -> None:
        Window.bind(on_key_down=self._on_key_down)

    def on_deactivate(self) -> None:
        Window.unbind(on_key_down=self._on_key_down)
        self.capture = ScanCapture()
        self._clear_verdict()

    def _on_key_down(self, _window, key, _scancode, codepoint, _modifiers) -> bool:
        now = time.monotonic()
        if key in ENTER_KEYS:
            text = self.capture.key("\n", now)
            if text:
                self._scan_ended_at = time.perf_counter()
                self.scan(text)
            return True
        if codepoint and len(codepoint) == 1 and codepoint.isprintable():
            self.capture.key(codepoint, now)
            return True
        return False

    def scan(self, text: str) -> None:
        """Judge and record ``text`` on the worker; show the verdict when it is on disk."""
        self.staff.activity()
        now = self.app.now()

        def scan_it():
            desk = self.staff.opened().desk
            verdict = desk.scan(text, now)
            self.staff.clock_trust = desk.clock_trust(now)  # a jump shows at the next scan
            return verdict

        self.staff.run(scan_it, self._show_verdict)

    # -- staff's taps -------------------------------------------------------------------------

    def let_in_anyway(self) -> None:
        verdict = self.verdict
        if verdict is None or not verdict.can_override:
            return
        self.staff.activity()
        now = self.app.now()
        self.staff.run(
            lambda: self.staff.opened().desk.let_in_anyway(verdict, now), self._show_verdict
        )

    def walk_in(self) -> None:
        self.staff.activity()
        now = self.app.now()
        self.staff.run(lambda: self.staff.opened().desk.walk_in(now), self._show_verdict)

    def undo_last(self) -> None:
        self.staff.activity()
        now = self.app.now()
        self.staff.run(lambda: self.staff.opened().desk.undo_last(now), self._show_verdict)

    def dismiss(self) -> None:
        self.staff.activity()
        self._clear_verdict()

    # -- the verdict --------------------------------------------------------------------------

    def _show_verdict(self, verdict) -> None:
        if isinstance(verdict, Exception):
            verdict_text = tr(N_("Feil: innsjekkingen ble ikke lagret. Prøv igjen."),
                              self.app.language)  # fmt: skip
            self._paint(RED, verdict_text, can_override=False)
            return
        self.verdict = verdict
        self.refresh()
        self._paint(verdict.tone, verdict.message(self.app.language),
                    can_override=verdict.can_override)  # fmt: skip
        if verdict.admits:
            self.staff.services.poke_uploads()
        checkin_sounds.play(verdict.tone, self.app.kiosk.idle.tone_player)

    def _paint(self, tone: str, reason: str, *, can_override: bool) -> None:
        self.tone_colour = TONE_COLOURS[tone]
        self.tone_text_colour = (0, 0, 0, 1) if tone == AMBER else (1, 1, 1, 1)
        self.reason = reason
        self.can_override = can_override
        self.tone = tone
        if self._scan_ended_at is not None:
            started, self._scan_ended_at = self._scan_ended_at, None
            Window.bind(on_flip=self._shown(started))
        if self._hide is not None:
            self._hide.cancel()
        self._hide = Clock.schedule_once(lambda _dt: self._clear_verdict(), SHOWN_SECONDS[tone])

    def _shown(self, started: float):
        def on_flip(*_args):
            Window.unbind(on_flip=on_flip)
            self.last_timing = (started, time.perf_counter())

        return on_flip

    def _clear_verdict(self) -> None:
        if self._hide is not None:
            self._hide.cancel()
            self._hide = None
        self.tone = ""
        self.can_override = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
