"""What the screen knows about its own health, posted for the heartbeat's thread to read.

The UI thread writes (the screen state, whether its frames still change, the latest picture
of Home); the heartbeat thread reads a consistent copy. A plain lock: both sides hold it for
a few assignments only, so the UI thread never waits on the network.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

ON, RESTING, IN_CALL = "on", "resting", "in_call"
SCREEN_STATES = (ON, RESTING, IN_CALL)


@dataclass(frozen=True)
class ScreenPicture:
    """A small JPEG of Home, and when it was taken (UTC text)."""

    jpeg: bytes
    taken_at: str


@dataclass(frozen=True)
class ScreenHealth:
    screen: str = ON
    #: The frames stopped changing while the clock on them should have moved on.
    frames_stuck: bool = False
    picture: ScreenPicture | None = None
    #: While resting: when the torg opens again (UTC text), so the fleet page does not call
    #: a kiosk switched off for the night quiet before then.
    resting_until: str | None = None


class HealthBoard:
    def __init__(self, monotonic=time.monotonic):
        self._lock = threading.Lock()
        self._health = ScreenHealth()
        self.started = monotonic()
        self._monotonic = monotonic

    def post(self, **changes) -> None:
        """Change some of :class:`ScreenHealth`'s fields (``screen=RESTING`` …)."""
        screen = changes.get("screen")
        if screen is not None and screen not in SCREEN_STATES:
            raise ValueError(f"screen state {screen!r} is not one of {SCREEN_STATES}")
        with self._lock:
            self._health = replace(self._health, **changes)

    def read(self) -> ScreenHealth:
        with self._lock:
            return self._health

    def uptime_seconds(self) -> int:
        return int(self._monotonic() - self.started)
