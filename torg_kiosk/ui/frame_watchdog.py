"""systemd's watchdog, fed by the frames the screen really draws.

``READY=1`` goes out once the first frame has been drawn and swapped (the tick after the
first ``on_flip``). Then, every third of ``WatchdogSec``, a Kivy Clock event on the UI thread
asks for a frame (``Window.canvas.ask_update``) and the flip that follows sends
``WATCHDOG=1``. Both the asking and the sending run on the UI thread, so a UI thread that
hangs (a blocking call, a deadlock, GL stuck) stops the pings and systemd restarts the kiosk;
the sync's thread, which may be perfectly healthy, cannot hide it.
"""

from __future__ import annotations

import logging
import time

from kivy.clock import Clock
from kivy.core.window import Window

from torg_kiosk.base.journal import event
from torg_kiosk.base.sd_notify import Notifier

log = logging.getLogger(__name__)

#: Pings per watchdog interval: one late frame (a big screen being built) is no restart.
PINGS_PER_INTERVAL = 3


class FrameWatchdog:
    """Sends READY after the first frame and WATCHDOG after frames drawn on request."""

    def __init__(self, notifier: Notifier, *, started_at: float | None = None):
        self.notifier = notifier
        self.started_at = time.monotonic() if started_at is None else started_at
        self.ready_sent = False
        self.pings = 0
        self._frame_wanted = False
        self._event = None

    def start(self) -> None:
        Window.bind(on_flip=self._on_flip)
        if self.notifier.watchdog_seconds:
            every = self.notifier.watchdog_seconds / PINGS_PER_INTERVAL
            self._event = Clock.schedule_interval(self._ask_for_frame, every)

    def stop(self) -> None:
        Window.unbind(on_flip=self._on_flip)
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.notifier.stopping()

    def _ask_for_frame(self, _dt) -> None:
        self._frame_wanted = True
        Window.canvas.ask_update()

    def _on_flip(self, *_args) -> None:
        # Bound handlers run before the window's own swap: send on the next tick, when the
        # frame is on the screen.
        if not self.ready_sent:
            self.ready_sent = True
            Clock.schedule_once(self._send_ready)
        elif self._frame_wanted:
            self._frame_wanted = False
            Clock.schedule_once(self._send_ping)

    def _send_ready(self, _dt) -> None:
        seconds = time.monotonic() - self.started_at
        self.notifier.ready(f"showing the lobby screen (first frame after {seconds:.1f} s)")
        event(
            log, "kiosk_ready", first_frame_seconds=round(seconds, 1), systemd=self.notifier.enabled
        )

    def _send_ping(self, _dt) -> None:
        if self.notifier.watchdog():
            self.pings += 1
