"""The one sync loop: sync now, then every interval plus jitter, until stopped.

``torg-sync loop`` runs it in the foreground (:meth:`SyncLoop.run`); the kiosk runs it on a
thread of its own (:meth:`SyncLoop.start`), so a sync that hangs only holds that thread and
the screen never waits on it.

No Kivy here. ``on_done`` runs on the loop's own thread after each sync; the screen wraps it
with ``Clock.schedule_once`` so the results land on the UI thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from torg_kiosk.base.journal import event
from torg_kiosk.base.settings import KioskConfig, SiteConfig

log = logging.getLogger(__name__)

SyncOnce = Callable[[], list]
OnDone = Callable[[list], None]


def database_path(kiosk: KioskConfig) -> Path:
    return kiosk.data_dir / "kiosk.db"


def make_sync_once(kiosk: KioskConfig, site: SiteConfig, clock: Callable[[], datetime]) -> SyncOnce:
    """A function that runs one sync of this kiosk's sources with its own DB connection.

    The sync modules are imported and the connection opened on first call, i.e. on the thread
    that runs the loop: the screen's start-up pays for neither. ``check_soon()`` on the
    function asks the next round to read the whole file (the screen could not read it).
    """
    state: dict = {}

    def sync_once() -> list:
        from torg_kiosk.sync.runner import ScheduleSync
        from torg_kiosk.sync.sources import sources_for

        if "sync" not in state:
            state["sync"] = ScheduleSync(
                database_path(kiosk),
                sources_for(kiosk, [site]),
                clock=clock,
                busy_timeout=kiosk.busy_timeout_seconds,
            )
        return state["sync"]()

    def check_soon() -> None:
        if "sync" in state:
            state["sync"].check_soon()
        # Before the first round the file is checked anyway.

    sync_once.check_soon = check_soon
    return sync_once


class SyncLoop:
    """Runs ``sync_once`` now and then every ``interval_seconds`` plus up to ``jitter_seconds``.

    The jitter keeps the eight kiosks from hitting the central server in the same second.
    After a round with a result that asks to be retried soon (``retry_soon``: the database
    was only locked), the wait is ``retry_seconds`` instead, if that is shorter.
    ``rounds`` (0: no end) stops the loop after that many syncs, for tests and one-off runs.
    Each result's line is logged (INFO) unless ``log_results`` is False: ``torg-sync loop``
    prints them itself, and ``-v`` would show each twice. A loop runs once: build a new one
    to run again.
    """

    def __init__(
        self,
        sync_once: SyncOnce,
        *,
        interval_seconds: float,
        jitter_seconds: float = 0,
        retry_seconds: float = 60,
        rounds: int = 0,
        rng: random.Random | None = None,
        log_results: bool = True,
    ):
        self._sync_once = sync_once
        self._log_results = log_results
        self._interval = interval_seconds
        self._jitter = jitter_seconds
        self._retry = retry_seconds
        self._rounds = rounds
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        #: Set while a sync runs.
        self.busy = threading.Event()
        #: Syncs done so far.
        self.runs = 0

    def run(self, *, on_done: OnDone = lambda results: None, first_delay_seconds: float = 0):
        """Sync in this thread until :meth:`stop` or ``rounds``; ``on_done`` after each sync.

        ``first_delay_seconds`` holds the first sync back (the kiosk with data on screen lets
        the first frames be drawn first); :meth:`sync_soon` cuts any wait short.
        """
        if first_delay_seconds:
            self._wake.wait(first_delay_seconds)
        while not self._stop.is_set():
            self._wake.clear()
            results = self._one()
            if self._stop.is_set():
                break
            on_done(results)
            if self._rounds and self.runs >= self._rounds:
                break
            self._wake.wait(self._next_wait(results))

    def start(self, *, on_done: OnDone = lambda results: None, first_delay_seconds: float = 0):
        """:meth:`run` on a daemon thread of its own; returns the loop at once."""
        self._thread = threading.Thread(
            target=self.run,
            kwargs={"on_done": on_done, "first_delay_seconds": first_delay_seconds},
            name="torg-sync",
            daemon=True,
        )
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
        """The loop's thread (see :meth:`start`) is still running."""
        return self._thread is not None and self._thread.is_alive()

    def _next_wait(self, results: list) -> float:
        wait = self._interval + self._rng.uniform(0, self._jitter)
        if any(getattr(result, "retry_soon", False) for result in results):
            return min(wait, self._retry)
        return wait

    def check_database_soon(self) -> None:
        """The screen could not read the database: have the next round read all of it, now."""
        check = getattr(self._sync_once, "check_soon", None)
        if check is not None:
            check()
        self.sync_soon()

    def _one(self) -> list:
        self.busy.set()
        try:
            results = self._sync_once()
        except Exception:  # the loop must outlive any bug in one run
            log.exception("sync failed unexpectedly")
            results = []
        finally:
            self.busy.clear()
        self.runs += 1
        for result in results if self._log_results else ():
            fields = {name: getattr(result, name, None) for name in ("source", "outcome", "code")}
            event(log, "sync_source", result.line(), **fields)
        return results
