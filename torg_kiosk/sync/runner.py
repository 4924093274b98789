"""One sync round of a kiosk's sources into its schedule database, whatever the disk does.

``torg-sync once`` and ``loop`` and the kiosk's own sync thread all sync through
:class:`ScheduleSync`. It opens the schedule (a file that cannot be used is set aside and a
new one built: :func:`torg_kiosk.store.rebuild.open_or_rebuild`), runs
:func:`torg_kiosk.sync.pipeline.sync_all`, and turns a storage problem into one failed
result per source with the store's code and sentence, logged as one line, never a
traceback. What the database could not record goes into the problem note
(:mod:`torg_kiosk.store.problem_note`), so ``torg-sync status`` still tells.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlite_utils

from torg_kiosk.store.database import (
    BUSY_TIMEOUT_SECONDS,
    STORAGE_CODES,
    ScheduleNeedsRebuild,
    StoreError,
    file_identity,
)
from torg_kiosk.store.problem_note import clear_note, write_note
from torg_kiosk.store.rebuild import open_or_rebuild, rebuild
from torg_kiosk.sync.fetch import FetchLimits
from torg_kiosk.sync.pipeline import Source, SourceResult, storage_failure, sync_all

log = logging.getLogger(__name__)


class ScheduleSync:
    """Sync ``sources`` into the schedule at ``db_path``, one round per call.

    The connection stays open between rounds and is opened again after a storage problem.
    The file's pages are all read once (``PRAGMA quick_check``) when it is first opened and
    again after :meth:`check_soon`: a file cut short can answer a sync's few questions while
    the screen's fail.
    """

    def __init__(
        self,
        db_path: Path,
        sources: list[Source],
        *,
        clock: Callable[[], datetime],
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        limits: FetchLimits | None = None,
        accept_shrink: bool = False,
    ):
        self.db_path = Path(db_path)
        self.sources = sources
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._limits = limits
        self._accept_shrink = accept_shrink
        self._db: sqlite_utils.Database | None = None
        self._identity: tuple[int, int] | None = None
        self._check = True
        #: Where the last rebuild put the broken file (None: no rebuild yet).
        self.set_aside: Path | None = None

    def check_soon(self) -> None:
        """Read the whole file at the next round (the screen could not read it)."""
        self._check = True

    def __call__(self) -> list[SourceResult]:
        now = self._clock()
        try:
            try:
                results = self._round(now)
            except ScheduleNeedsRebuild as needs:  # found broken in the middle of the round
                self.close()
                self._rebuilt(rebuild(self.db_path, needs, now=now, found=self._identity))
                results = self._round(now)
        except StoreError as problem:
            self.close()
            log.error("%s", problem)
            results = [storage_failure(source, problem) for source in self.sources]
        self._leave_note(results, now)
        return results

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def _round(self, now: datetime) -> list[SourceResult]:
        if self._db is None or self._check:
            self.close()
            db, kept = open_or_rebuild(
                self.db_path, now=now, busy_timeout=self._busy_timeout, check=self._check
            )
            self._db, self._check = db, False
            self._identity = file_identity(self.db_path)
            self._rebuilt(kept)
        return sync_all(
            self._db,
            self.sources,
            now=now,
            limits=self._limits,
            accept_shrink=self._accept_shrink,
        )

    def _rebuilt(self, kept: Path | None) -> None:
        if kept is not None:
            self.set_aside = kept

    def _leave_note(self, results: list[SourceResult], now: datetime) -> None:
        problem = next((r for r in results if r.code in STORAGE_CODES), None)
        if problem is None:
            clear_note(self.db_path.parent)
        else:
            write_note(self.db_path.parent, code=problem.code, message=problem.message, now=now)
