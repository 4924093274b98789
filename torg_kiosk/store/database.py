"""Opening the kiosk's database files: WAL, a busy timeout, the migrations, the errors.

The data folder holds two files with different duties:

- ``kiosk.db``, the schedule: only what the sources deliver, so it can always be rebuilt by
  syncing again. When it cannot be used as it is, :func:`open_db` raises
  :class:`ScheduleNeedsRebuild`; deleting :func:`schedule_db_files` and opening again is
  the whole repair (the automatic rebuild will catch exactly that error).
- ``outbox.db`` (:mod:`torg_kiosk.store.outbox`), what the kiosk itself created and has not
  yet handed over. Nothing else has a copy: no message here ever suggests deleting it.
"""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from torg_kiosk.store import codes
from torg_kiosk.store.codes import STORAGE_CODES as STORAGE_CODES
from torg_kiosk.store.schema import SCHEDULE_MIGRATIONS

if TYPE_CHECKING:
    import sqlite_utils

SCHEDULE_DB_NAME = "kiosk.db"
OUTBOX_DB_NAME = "outbox.db"

#: How long a connection waits for another one's write lock before it gives up (the
#: default of ``busy_timeout_seconds`` in kiosk.toml).
BUSY_TIMEOUT_SECONDS = 10
#: A damaged schedule is kept for the log as ``kiosk.db.broken-<UTC time>``.
BROKEN_SUFFIX = ".broken-"
#: Less free space than this on the data folder's disk counts as a full disk.
MIN_FREE_BYTES = 64 * 1024

_LEAVE_THE_OUTBOX = (
    f"Leave {OUTBOX_DB_NAME} next to it alone: it holds check-ins and call requests the kiosk "
    "has not sent yet."
)


class StoreError(Exception):
    """A database cannot be opened or written; the message says where and what to do.

    ``code`` names the kind of problem for a program (it goes into
    ``sync_status.last_error_code`` and decides what the screen says).
    """

    code = codes.STORAGE_ERROR


class DatabaseBusy(StoreError):
    """Another connection held the write lock for longer than the busy timeout."""

    code = codes.DATABASE_BUSY


class DiskFull(StoreError):
    """The disk holding the data folder has no room left (SQLITE_FULL, ENOSPC)."""

    code = codes.DISK_FULL


class StorageReadOnly(StoreError):
    """The data folder cannot be written: a read-only file system, or no permission."""

    code = codes.READ_ONLY


class ScheduleNeedsRebuild(StoreError):
    """kiosk.db cannot be used as it is: damaged, written by a newer kiosk, or a migration
    failed on it.

    Everything in it comes from the sources, so the cure is to set
    :func:`schedule_db_files` aside and sync again, which the sync does by itself
    (:func:`torg_kiosk.store.rebuild.open_or_rebuild`). ``path`` is the database file.
    """

    code = codes.NEEDS_REBUILD

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        files = ", ".join(file.name for file in schedule_db_files(path))
        super().__init__(
            f"{problem} The file holds only the schedule, which the next sync fetches again: "
            f"it sets the file aside as {path.name}{BROKEN_SUFFIX}<time> and builds a new one. "
            f"To do that by hand, stop the kiosk, delete {files} in {path.parent}, and start "
            f"it again. {_LEAVE_THE_OUTBOX}"
        )


class MigrationFailed(Exception):
    """A migration script failed; the file stays at the version before (``error`` says why)."""

    def __init__(self, version: int, error: sqlite3.Error):
        self.version, self.error = version, error
        super().__init__(f"migration to schema version {version} failed: {error}")


class SchemaTooNew(Exception):
    """The file's schema version is newer than this software knows (a newer kiosk wrote it)."""

    def __init__(self, found: int, known: int):
        self.found, self.known = found, known
        super().__init__(f"schema version {found}, newer than this kiosk's {known}")


def schedule_db_path(data_dir: Path) -> Path:
    return Path(data_dir) / SCHEDULE_DB_NAME


def outbox_db_path(data_dir: Path) -> Path:
    """The outbox lives next to the schedule, in a file of its own (never ATTACHed to it)."""
    return Path(data_dir) / OUTBOX_DB_NAME


def schedule_db_files(path: Path | str) -> tuple[Path, ...]:
    """kiosk.db and the WAL files beside it: what a rebuild of the schedule removes."""
    path = Path(path)
    return (path, Path(f"{path}-wal"), Path(f"{path}-shm"))


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path`` now, or None: tells a rebuilt file apart."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def connect(
    path: Path, *, synchronous: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS
) -> sqlite3.Connection:
    """A connection in autocommit mode, WAL, with a busy timeout; creates the folder if needed.

    ``synchronous`` is ``"NORMAL"`` for data that can be fetched again (a power cut may lose
    the last commits, never the file) and ``"FULL"`` for data that must survive one.
    ``busy_timeout`` is how many seconds a statement waits for another connection's lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    except BaseException:
        conn.close()
        raise
    return conn


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is broken (not a database, or corrupt)."""
    return _primary_code(error) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def is_busy(error: sqlite3.Error) -> bool:
    """Whether another connection held the lock for longer than the busy timeout."""
    return _primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def storage_error(
    path: Path, error: BaseException, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
) -> StoreError:
    """What ``error``, met while using the schedule database ``path``, means: a
    :class:`StoreError` of the right kind, with a sentence saying what to do.

    SQLite's own code says most. Where it only says "unable to open" or "disk I/O error"
    (a full disk often shows as the latter: the ``-shm`` file could not grow), the data
    folder is looked at as it is now (:func:`storage_problem`).
    """
    if isinstance(error, StoreError):
        return error
    path = Path(path)
    if isinstance(error, sqlite3.Error):
        if is_damage(error):
            return ScheduleNeedsRebuild(path, f"The schedule database {path} is damaged: {error}.")
        if is_busy(error):
            return DatabaseBusy(
                f"The schedule database {path} stayed locked by another program for "
                f"{busy_timeout:g} s, so nothing was saved. The sync tries again soon; if it "
                "keeps happening, check that only one kiosk or torg-sync uses this data folder."
            )
        if _primary_code(error) == sqlite3.SQLITE_FULL:
            return _disk_full(path.parent)
    elif isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _disk_full(path.parent)
    found = storage_problem(path)
    if found is not None:
        return found
    if isinstance(error, sqlite3.Error) and _primary_code(error) == sqlite3.SQLITE_READONLY:
        return StorageReadOnly(
            f"The schedule database {path} cannot be written ({error}). Give the kiosk user "
            "write access to it and to the files beside it."
        )
    return StoreError(
        f"Cannot use the database {path}: {error}. Check that the data folder exists and "
        "that the kiosk user may write to it."
    )


def storage_problem(path: Path) -> StoreError | None:
    """What keeps the kiosk from writing the database ``path`` right now, if anything: a
    read-only file system, a folder or file it may not write, a full disk.

    Looked at as the system sees it (``statvfs``, ``access``), so it also holds for root,
    whom permissions do not stop but a read-only mount or ``chattr +i`` do.
    """
    path = Path(path)
    folder = path.parent
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent  # the folder is made on first use: can it be?
    if not probe.is_dir():
        return StoreError(
            f"{probe} is a file, not a folder, so the data folder {folder} cannot be there. "
            "Check that the data folder exists (data_dir in kiosk.toml, or --data)."
        )
    try:
        stat = os.statvfs(probe)
    except OSError:
        return None
    if stat.f_flag & os.ST_RDONLY:
        return StorageReadOnly(
            f"The file system holding the data folder {folder} is read-only, so the schedule "
            "cannot be saved. Remount it read-write, or have the disk checked: Linux makes a "
            "failing disk read-only."
        )
    not_writable = [p for p in (probe, path) if p.exists() and not os.access(p, os.W_OK)]
    if not_writable:
        return StorageReadOnly(
            f"The kiosk may not write {not_writable[0]}, so the schedule cannot be saved. "
            "Give the kiosk user write access to the data folder and the files in it."
        )
    free = (stat.f_bfree if os.geteuid() == 0 else stat.f_bavail) * stat.f_frsize
    if free < MIN_FREE_BYTES:
        return _disk_full(folder)
    return None


def _disk_full(folder: Path) -> DiskFull:
    return DiskFull(
        f"The disk holding the data folder {folder} is full, so the schedule could not be "
        "saved; the screen keeps what it has. Free some space on that disk (old logs, for "
        f"instance). {_LEAVE_THE_OUTBOX}"
    )


def _schedule_path(conn: sqlite3.Connection) -> Path:
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


@contextmanager
def storage_errors(conn: sqlite3.Connection) -> Iterator[None]:
    """Turn an SQLite error inside the block into the :class:`StoreError` it means."""
    try:
        yield
    except sqlite3.Error as error:
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        raise storage_error(_schedule_path(conn), error, busy_timeout=timeout) from error


def reading(method):
    """A read method of an object with a ``path`` (the schedule database): any SQLite error
    in it comes out as the :class:`StoreError` it means."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise storage_error(self.path, error) from error

    return read


def _is_about_the_disk(error: sqlite3.Error) -> bool:
    """A failure of the disk or the folder (full, read-only, I/O), not of the script."""
    return _primary_code(error) in (
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
    )


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)  # extended codes keep it in the low byte
    return None if code is None else code & 0xFF


def migrate(conn: sqlite3.Connection, migrations: Mapping[int, str]) -> int:
    """Bring the file to the newest version in ``migrations``; return the version it has.

    The version is ``PRAGMA user_version``. Each missing version's script runs in one
    transaction together with the version bump, so a failure (or a power cut) leaves the
    file at the version before, never half-way. The write lock is taken before the version
    is read again, so two processes opening a new file at once migrate it once. A file that
    is up to date costs one read and takes no lock.

    Raises :class:`SchemaTooNew` for a file from a newer kiosk, :class:`MigrationFailed` when
    a script fails (a lock held too long, a full or read-only disk stay the
    ``sqlite3.OperationalError`` they are: the script is not to blame).
    """
    newest = max(migrations)
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    while current < newest:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current < newest:
                try:
                    for statement in _statements(migrations[current + 1]):
                        conn.execute(statement)
                except sqlite3.Error as error:
                    if is_busy(error) or _is_about_the_disk(error):
                        raise
                    raise MigrationFailed(current + 1, error) from error
                current += 1
                conn.execute(f"PRAGMA user_version={current}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    if current > newest:
        raise SchemaTooNew(current, newest)
    return current


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script, comments removed.

    ``executescript`` would commit before it runs, so the statements go one by one through
    ``execute`` inside the migration's transaction. (A ``--`` inside a string literal would
    be cut: the scripts here have none.)
    """
    buffer = ""
    for line in script.splitlines():
        buffer += line.split("--", 1)[0] + "\n"
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


def open_db(
    path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
) -> sqlite_utils.Database:
    """Open (creating if needed) the schedule database kiosk.db in WAL mode, migrated.

    Raises :class:`ScheduleNeedsRebuild` when the file is damaged or from a newer kiosk, and
    another :class:`StoreError` when it cannot be opened at all (busy, a read-only or full
    disk, a missing folder, permissions): see :func:`storage_error`.
    """
    # Here, not at the top: the screen's read side uses this module's errors, and its start
    # need not pay the ~75 ms sqlite_utils takes to import.
    import sqlite_utils

    path = Path(path)
    conn = None
    try:
        conn = connect(path, synchronous="NORMAL", busy_timeout=busy_timeout)
        migrate(conn, SCHEDULE_MIGRATIONS)
    except SchemaTooNew as too_new:
        conn.close()
        raise ScheduleNeedsRebuild(
            path,
            f"The schedule database {path} has schema version {too_new.found}, newer than "
            f"this kiosk's {too_new.known}: a newer kiosk version wrote it. Update the kiosk "
            "software, or rebuild the schedule.",
        ) from None
    except MigrationFailed as failed:
        conn.close()
        raise ScheduleNeedsRebuild(
            path,
            f"The schedule database {path} could not be brought to schema version "
            f"{failed.version} ({failed.error}); it stays as it was, which this kiosk cannot "
            "use.",
        ) from None
    except (OSError, sqlite3.Error) as error:
        if conn is not None:
            conn.close()
        raise storage_error(path, error, busy_timeout=busy_timeout) from None
    return sqlite_utils.Database(conn)
