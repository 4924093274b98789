"""Rebuilding the schedule when kiosk.db cannot be used: set the file aside, start a new one.

kiosk.db holds only what the sources deliver (:mod:`torg_kiosk.store.database`), so the cure
for a damaged file is an empty one that the next sync fills. The broken file is not deleted:
it is renamed to ``kiosk.db.broken-<UTC time>`` (its ``-wal``, if any, beside it), for the
log and a maintainer, and only the newest :data:`KEEP_BROKEN` of those are kept, so a disk
that keeps breaking files does not fill up with them. ``outbox.db`` is never touched.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from torg_kiosk.store.database import (
    BROKEN_SUFFIX,
    BUSY_TIMEOUT_SECONDS,
    ScheduleNeedsRebuild,
    file_identity,
    open_db,
    schedule_db_files,
    storage_error,
    storage_errors,
)

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

#: How many set-aside copies of a broken schedule are kept (the oldest go first).
KEEP_BROKEN = 3


def set_aside(path: Path, *, now: datetime, found: tuple[int, int] | None = None) -> Path | None:
    """Rename the schedule database ``path`` to ``<name>.broken-<UTC time>`` (its ``-wal``
    to the same name plus ``-wal``), remove its ``-shm``; return the new name.

    ``found`` is :func:`file_identity` of the file when it was found broken: if ``path`` is
    another file by now (another process rebuilt it first), nothing is moved and None is
    returned. Raises OSError when the folder cannot be written.
    """
    path = Path(path)
    if found is not None and file_identity(path) != found:
        return None
    database, wal, shm = schedule_db_files(path)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}{BROKEN_SUFFIX}{stamp}")
    serial = 1
    while kept.exists():
        serial += 1
        kept = path.with_name(f"{path.name}{BROKEN_SUFFIX}{stamp}-{serial}")
    if database.exists():
        os.replace(database, kept)
    if wal.exists():
        os.replace(wal, Path(f"{kept}-wal"))
    shm.unlink(missing_ok=True)
    _prune(path)
    return kept


def broken_copies(path: Path) -> list[Path]:
    """The set-aside copies of the schedule ``path``, oldest first (their ``-wal`` left out)."""
    path = Path(path)
    copies = path.parent.glob(f"{path.name}{BROKEN_SUFFIX}*")
    return sorted(copy for copy in copies if not copy.name.endswith("-wal"))


def _prune(path: Path) -> None:
    for old in broken_copies(path)[:-KEEP_BROKEN]:
        old.unlink(missing_ok=True)
        Path(f"{old}-wal").unlink(missing_ok=True)


def check_schedule(db: sqlite_utils.Database) -> None:
    """Read every page of the schedule (``PRAGMA quick_check``); raise
    :class:`ScheduleNeedsRebuild` if any is damaged.

    A file cut short can open and answer the few questions a sync asks of it while the
    screen's queries fail; this finds it. It reads the whole file: run it on the sync's
    thread, when the sync opens the file and when the screen could not read it.
    """
    conn = db.conn
    with storage_errors(conn):
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
        raise ScheduleNeedsRebuild(
            path, f"The schedule database {path} is damaged: {'; '.join(problems)}."
        )


def open_or_rebuild(
    path: Path,
    *,
    now: datetime,
    busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    check: bool = False,
) -> tuple[sqlite_utils.Database, Path | None]:
    """Open the schedule at ``path``; when it cannot be used, set it aside and start anew.

    Returns the database and where a broken file was put (None when none was). ``check``
    runs :func:`check_schedule` on a file that opened. Other storage problems (busy, a full
    or read-only disk) are raised as the :class:`~torg_kiosk.store.database.StoreError` they
    are: a new file would not help there.
    """
    path = Path(path)
    found = file_identity(path)
    try:
        db = open_db(path, busy_timeout=busy_timeout)
        if check:
            try:
                check_schedule(db)
            except BaseException:
                db.conn.close()
                raise
        return db, None
    except ScheduleNeedsRebuild as needs:
        kept = rebuild(path, needs, now=now, found=found)
    return open_db(path, busy_timeout=busy_timeout), kept


def rebuild(
    path: Path, reason: ScheduleNeedsRebuild, *, now: datetime, found: tuple[int, int] | None
) -> Path | None:
    """Set the broken schedule aside (see :func:`set_aside`), logging one line saying why."""
    try:
        kept = set_aside(path, now=now, found=found)
    except OSError as error:
        raise storage_error(path, error) from None
    if kept is not None:
        log.error(
            "%s could not be used, so it was set aside as %s and a new one is built from the "
            "sources. (%s)",
            path,
            kept.name,
            reason.problem,
        )
    return kept
