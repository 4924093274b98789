"""The screen's way to the read side: a :class:`Schedule` when there is one to read, and why
not when there is none.

The screen asks again after every sync (:meth:`ScheduleReader.__call__`); the reader opens the
file once it holds a schedule, and opens it again when the one it holds may be out of date: a
sync rebuilt the file (another file at the same path now), the screen could not read it
(:meth:`forget`), or it was opened ``immutable`` because no ``-shm`` could be made (a sync
that got to write has made one since). Opening costs a millisecond and happens on the screen's
thread only after a sync, never per frame.
"""

from __future__ import annotations

import logging
from pathlib import Path

from torg_kiosk.store.database import (
    BUSY_TIMEOUT_SECONDS,
    StoreError,
    file_identity,
    storage_problem,
)
from torg_kiosk.store.schedule import Schedule, ScheduleNotReady

log = logging.getLogger(__name__)


class ScheduleReader:
    """Opens the schedule at ``path`` for reading, and keeps it open while it is good."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._schedule: Schedule | None = None
        self._identity: tuple[int, int] | None = None
        #: Why there is no schedule to read (None: there is one, or no file yet).
        self.problem: StoreError | None = None
        #: What keeps the sync from saving, as the disk looks now (read-only, full …): the
        #: screen says so from the start, before a sync has even tried.
        self.disk_problem: StoreError | None = None

    def __call__(self) -> Schedule | None:
        """The schedule to read now, or None (no file yet, none in it yet, or :attr:`problem`).

        Also looks at the disk again (:attr:`disk_problem`)."""
        disk = storage_problem(self.path)
        if disk is not None and str(disk) != str(self.disk_problem):
            log.error("%s", disk)
        self.disk_problem = disk
        held = self._schedule
        if held is not None and not held.immutable and self._same_file():
            return held
        try:
            identity = file_identity(self.path)
            if identity is None:
                fresh = None
            else:
                fresh = Schedule.open(self.path, busy_timeout=self._busy_timeout)
                self._identity = identity
        except ScheduleNotReady:
            fresh = None  # the first sync is creating it
        except StoreError as problem:
            if held is not None and held.immutable and self._same_file():
                return held  # still the best there is
            self._drop()
            self._note(problem)
            return None
        self._drop()
        self._schedule = fresh
        self.problem = None
        if fresh is not None and fresh.immutable and not (held is not None and held.immutable):
            log.warning(
                "%s is read as a file that does not change: no -shm file can be made beside "
                "it (a read-only folder or a full disk). The screen shows what it holds.",
                self.path,
            )
        return fresh

    def forget(self, problem: StoreError) -> None:
        """The held schedule could not be read: drop it; the next call tries the file again."""
        self._drop()
        self._note(problem)

    def close(self) -> None:
        self._drop()

    def _same_file(self) -> bool:
        return file_identity(self.path) == self._identity

    def _drop(self) -> None:
        if self._schedule is not None:
            self._schedule.close()
            self._schedule = None

    def _note(self, problem: StoreError) -> None:
        if str(problem) != str(self.problem):
            log.error("%s", problem)  # once per new problem, not once per refresh
        self.problem = problem
