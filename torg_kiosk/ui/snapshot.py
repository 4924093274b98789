"""``torg-kiosk --screenshot PATH``: show the screen, save one picture of it, and stop.

For a machine with no display of its own (``tools/run-kiosk.sh`` runs the kiosk on Xvfb then),
for documentation, and for a quick look at a torg's theme.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from torg_kiosk.domain.status import FETCHING

log = logging.getLogger(__name__)

#: Give up waiting for the first data after this long and take the picture anyway.
DATA_TIMEOUT_SECONDS = 60
#: Frames to let the layout settle once the data is there.
SETTLE_SECONDS = 1.0


def screenshot_when_ready(app, path: Path) -> None:
    """Once the schedule is on screen, or the screen says why it cannot be (or after a
    timeout), save ``path`` and stop ``app``."""
    started = time.monotonic()
    ready_since: list[float] = []

    def check(_dt) -> bool:
        now = time.monotonic()
        # Ready once there is a schedule, or the screen knows why there is none (a storage
        # problem, no network …): only the first fetch is worth waiting for.
        has_data = app.schedule is not None or app.status().kind != FETCHING
        if not has_data and now - started < DATA_TIMEOUT_SECONDS:
            return True
        if not ready_since:
            ready_since.append(now)
        if now - ready_since[0] < SETTLE_SECONDS:
            return True
        _save(path, app)
        app.stop()
        return False

    Clock.schedule_interval(check, 0.1)


def _save(path: Path, app) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Kivy numbers its screenshots (name0001.png): take what it wrote and move it into place.
    written = Window.screenshot(name=str(path))
    if written:
        shutil.move(written, path)
        print(f"torg-kiosk: saved {path}", flush=True)
        # What the screen said, for a machine with no one to look at it (and for tests).
        print(f"torg-kiosk: status line: {app.status_text}", flush=True)
        if not app.has_programme:
            print(f"torg-kiosk: in place of the programme: {app.programme_notice}", flush=True)
    else:
        log.error("the screenshot could not be taken")
