"""The heartbeat's thread: one beat after a short delay, then every few minutes.

Light on purpose: the kiosk builds this before its first frame, and the heartbeat itself
(:mod:`torg_kiosk.sync.heartbeat`, which needs the HTTP client) is imported and made on this
thread, on its first beat.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torg_kiosk.sync.heartbeat import Heartbeat

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_SECONDS = 300
HEARTBEAT_JITTER_SECONDS = 30


class HeartbeatLoop:
    """Beats on its own thread: after ``first_delay``, then every ``interval`` ± jitter."""

    def __init__(
        self,
        make_heartbeat: Callable[[], Heartbeat],
        *,
        interval_seconds: float = HEARTBEAT_INTERVAL_SECONDS,
        jitter_seconds: float = HEARTBEAT_JITTER_SECONDS,
    ):
        self._make_heartbeat = make_heartbeat
        self.heartbeat: Heartbeat | None = None
        self.interval = interval_seconds
        self.jitter = jitter_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, first_delay_seconds: float = 5) -> HeartbeatLoop:
        self._thread = threading.Thread(
            target=self._run, args=(first_delay_seconds,), name="heartbeat", daemon=True
        )
        self._thread.start()
        return self

    def _run(self, first_delay: float) -> None:
        wait = first_delay
        while not self._stop.wait(wait):
            try:
                if self.heartbeat is None:
                    self.heartbeat = self._make_heartbeat()
                self.heartbeat.beat()
            except Exception:  # the loop must outlive any bug in one beat
                log.exception("heartbeat failed unexpectedly")
            wait = max(1.0, self.interval + random.uniform(-self.jitter, self.jitter))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=35)
        if self.heartbeat is not None:
            self.heartbeat.close()
