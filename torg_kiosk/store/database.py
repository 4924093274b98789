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

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import sqlite_utils

from torg_kiosk.store.schema import SCHEDULE_MIGRATIONS

SCHEDULE_DB_NAME = "kiosk.db"
OUTBOX_DB_NAME = "outbox.db"

#: How long a connection waits for another one's write lock before it gives up.
BUSY_TIMEOUT_SECONDS = 10

_LEAVE_THE_OUTBOX = (
    f"Leave {OUTBOX_DB_NAME} next to it alone: it holds check-ins and call requests the kiosk "
    "has not sent yet."
)


class StoreError(Exception):
    """A database cannot be opened or written; the message says where and what to do."""


class ScheduleNeedsRebuild(StoreError):
    """kiosk.db cannot be used as it is: damaged, written by a newer kiosk, or a migration
    failed on it.

    Everything in it comes from the sources, so the cure is to delete
    :func:`schedule_db_files` and sync again. ``path`` is the database file.
    """

    def __init__(self, path: Path, problem: str):
        self.path = path
        files = ", ".join(file.name for file in schedule_db_files(path))
        super().__init__(
            f"{problem} The file holds only the schedule, which the next sync fetches again; "
            f"to rebuild it, stop the kiosk, delete {files} in {path.parent}, and start it "
            f"again. {_LEAVE_THE_OUTBOX}"
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


def connect(path: Path, *, synchronous: str) -> sqlite3.Connection:
    """A connection in autocommit mode, WAL, with a busy timeout; creates the folder if needed.

    ``synchronous`` is ``"NORMAL"`` for data that can be fetched again (a power cut may lose
    the last commits, never the file) and ``"FULL"`` for data that must survive one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
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
    a script fails (a lock held too long stays an ``sqlite3.OperationalError``).
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
                    if is_busy(error):
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


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the schedule database kiosk.db in WAL mode, migrated.

    Raises :class:`ScheduleNeedsRebuild` when the file is damaged or from a newer kiosk, and
    :class:`StoreError` when it cannot be opened at all (a missing folder, permissions).
    """
    path = Path(path)
    conn = None
    try:
        conn = connect(path, synchronous="NORMAL")
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
        if isinstance(error, sqlite3.Error) and is_damage(error):
            raise ScheduleNeedsRebuild(
                path, f"The schedule database {path} is damaged: {error}."
            ) from None
        if isinstance(error, sqlite3.Error) and is_busy(error):
            raise StoreError(
                f"The schedule database {path} stayed locked by another program for "
                f"{BUSY_TIMEOUT_SECONDS} s. Try again; if it keeps happening, check that "
                "only one kiosk uses this data folder."
            ) from None
        raise StoreError(
            f"Cannot open the database {path}: {error}. Check that the data folder "
            "exists and that the kiosk user may write to it."
        ) from None
    return sqlite_utils.Database(conn)
