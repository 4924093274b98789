"""The background sync: a thread that syncs on an interval and hands results back.

No Kivy here. The screen passes ``on_done``, which runs *on the worker thread*; the UI side
wraps it with ``Clock.schedule_once`` so results land on the UI thread. A sync that hangs only
holds this thread: the screen never waits on it.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from torg_kiosk.base.settings import KioskConfig, SiteConfig

log = logging.getLogger(__name__)

SyncOnce = Callable[[], list]


def database_path(kiosk: KioskConfig) -> Path:
    return kiosk.data_dir / "kiosk.db"


def make_sync_once(kiosk: KioskConfig, site: SiteConfig, clock: Callable[[], datetime]) -> SyncOnce:
    """A function that runs one sync of this kiosk's sources with its own DB connection.

    The sync modules are imported and the connection opened on first call, i.e. on the worker
    thread that uses them: the screen's start-up pays for neither.
    """
    state: dict = {}

    def sync_once() -> list:
        from torg_kiosk.store.snapshots import open_db
        from torg_kiosk.sync.pipeline import sync_all
        from torg_kiosk.sync.sources import sources_for

        if "db" not in state:
            state["db"] = open_db(database_path(kiosk))
            state["sources"] = sources_for(kiosk, [site])
        return sync_all(state["db"], state["sources"], now=clock())

    return sync_once


class SyncWorker:
    """Runs ``sync_once`` now (if asked) and then every ``interval`` seconds plus jitter."""

    def __init__(
        self,
        sync_once: SyncOnce,
        *,
        interval_seconds: float,
        jitter_seconds: float = 0,
        on_done: Callable[[list], None] = lambda results: None,
        sync_at_start: bool = True,
        first_delay_seconds: float = 0,
        rng: random.Random | None = None,
    ):
        self._sync_once = sync_once
        self._interval = interval_seconds
        self._jitter = jitter_seconds
        self._on_done = on_done
        self._sync_at_start = sync_at_start
        self._first_delay = first_delay_seconds
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.busy = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name="torg-sync", daemon=True)

    def start(self) -> SyncWorker:
        self._thread.start()
        return self

    def sync_soon(self) -> None:
        """Ask for a sync now instead of at the next interval (returns at once)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current sync; does not wait for a hanging one."""
        self._stop.set()
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _next_wait(self) -> float:
        return self._interval + self._rng.uniform(0, self._jitter)

    def _run(self) -> None:
        if not self._sync_at_start:
            self._wake.wait(self._next_wait())
        elif self._first_delay:
            # Data is already on screen: let the first frames be drawn before syncing.
            self._wake.wait(self._first_delay)
        while not self._stop.is_set():
            self._wake.clear()
            self._one()
            self._wake.wait(self._next_wait())

    def _one(self) -> None:
        self.busy.set()
        try:
            results = self._sync_once()
        except Exception:  # the thread must outlive any bug in one run
            log.exception("sync failed unexpectedly")
            results = []
        finally:
            self.busy.clear()
        self.runs += 1
        for result in results:
            log.info("%s", result.line())
        if not self._stop.is_set():
            self._on_done(results)
