"""The sync's writes to the schedule database: the atomic swap of a source's snapshot.

Each source (the central feed, a library's calendar …) owns its rows; a new snapshot of a
source replaces all of that source's rows in one transaction (``db.atomic()``), so a reader —
or a power cut — only ever sees the old snapshot or the new one, never a mix. Also the few
reads the sync itself needs about a source: its status, its stored documents and bytes.

Every statement names its columns from :mod:`torg_kiosk.store.schema`. An SQLite error comes
out as the :class:`StoreError` it means (:func:`torg_kiosk.store.database.storage_error`): a
lock held too long, a full or read-only disk, a damaged file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from torg_kiosk.base.clock import utc_text

# sync.cli and sync.loop import these two from here; they live in store.database.
from torg_kiosk.store.database import StoreError as StoreError
from torg_kiosk.store.database import open_db as open_db
from torg_kiosk.store.database import storage_errors
from torg_kiosk.store.records import Occurrence, ParsedSource, Skipped, Window
from torg_kiosk.store.rows import RowChunk, occurrence_row, rows_of
from torg_kiosk.store.schema import (
    OCCURRENCES,
    SNAPSHOT_TABLES,
    SNAPSHOTS,
    SYNC_STATUS,
)

# A RowChunk has one list of rows per snapshot table, under the table's name. A record that
# comes twice in one snapshot (the same id) is stored once, as it came last.
_INSERTS = tuple((table.name, table.insert_sql("INSERT OR REPLACE")) for table in SNAPSHOT_TABLES)
_INSERT_OCCURRENCE = OCCURRENCES.insert_sql("INSERT OR REPLACE")
_INSERT_SNAPSHOT = SNAPSHOTS.insert_sql()
_SELECT_STATUS = f"SELECT {SYNC_STATUS.column_list} FROM sync_status WHERE source = ?"


@dataclass(frozen=True)
class SourceMeta:
    """What the sync knows about one source besides its records."""

    source: str
    kind: str
    location: str


@dataclass
class SnapshotCounts:
    """What a snapshot being written holds so far (for the guards, before it commits)."""

    activities: int = 0
    occurrences: int = 0
    skipped: int = 0
    first_skipped: Skipped | None = None


def _insert_rows(conn: sqlite3.Connection, rows: RowChunk) -> None:
    for name, sql in _INSERTS:
        conn.executemany(sql, getattr(rows, name))


def write_snapshot(
    db: sqlite_utils.Database,
    meta: SourceMeta,
    chunks: Iterable[ParsedSource | RowChunk],
    *,
    now: datetime,
    window: Window,
    keep_body: bytes | None = None,
    content_hash: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    check: Callable[[SnapshotCounts], None] | None = None,
) -> SnapshotCounts:
    """Swap in the records of ``chunks`` as the source's whole snapshot, in one transaction.

    The chunks are consumed inside the transaction, so a big feed is never held in memory
    whole. Any exception — from the chunks' parser (a feed refused half-way) or from
    ``check``, called with the counts just before the commit — rolls everything back: the old
    snapshot stays as it was.

    ``keep_body`` (an iCalendar source's bytes) is stored so its occurrences can be expanded
    again for a new window when the network is gone; a feed's stored rows are enough for that.
    """
    source = meta.source
    conn = db.conn
    counts = SnapshotCounts()
    with storage_errors(conn), db.atomic():
        for table in SNAPSHOT_TABLES:
            conn.execute(f"DELETE FROM {table.name} WHERE source = ?", (source,))
        for chunk in chunks:
            rows = chunk if isinstance(chunk, RowChunk) else rows_of(source, chunk)
            _insert_rows(conn, rows)
            counts.activities += len(rows.activities)
            counts.skipped += rows.skipped
            if counts.first_skipped is None:
                counts.first_skipped = rows.first_skipped
        counts.occurrences = conn.execute(
            "SELECT count(*) FROM occurrences WHERE source = ?", (source,)
        ).fetchone()[0]
        if check is not None:
            check(counts)
        conn.execute("DELETE FROM snapshots WHERE source = ?", (source,))
        if keep_body is not None:
            conn.execute(_INSERT_SNAPSHOT, SNAPSHOTS.make_row(source=source, body=keep_body))
        stamp = utc_text(now)
        status = {
            "window_first": window.first.isoformat(),
            "activities": counts.activities,
            "occurrences": counts.occurrences,
            "skipped": counts.skipped,
            "last_attempt": stamp,
            "last_success": stamp,
            "last_change": stamp,
            "etag": etag,
            "last_modified": last_modified,
            "content_hash": content_hash,
            "last_error": None,
            "last_error_code": None,
        }
        _upsert_status(conn, meta, **status)
    return counts


def replace_snapshot(
    db: sqlite_utils.Database, meta: SourceMeta, parsed: ParsedSource, **options
) -> SnapshotCounts:
    """:func:`write_snapshot` for a source parsed whole (an iCalendar file, a test)."""
    return write_snapshot(db, meta, [parsed], **options)


def replace_occurrences(
    db: sqlite_utils.Database,
    meta: SourceMeta,
    occurrences: Iterable[Occurrence],
    *,
    window: Window,
) -> int:
    """Swap in a source's occurrences expanded for a new window (the day moved on).

    Everything else about the source — activities, times of success, errors — stays as it was:
    the data is no fresher than before.
    """
    conn = db.conn
    with storage_errors(conn), db.atomic():
        conn.execute("DELETE FROM occurrences WHERE source = ?", (meta.source,))
        conn.executemany(_INSERT_OCCURRENCE, (occurrence_row(meta.source, o) for o in occurrences))
        count = conn.execute(
            "SELECT count(*) FROM occurrences WHERE source = ?", (meta.source,)
        ).fetchone()[0]
        _upsert_status(conn, meta, window_first=window.first.isoformat(), occurrences=count)
    return count


def stored_documents(db: sqlite_utils.Database, source: str) -> Iterator[str]:
    """A source's stored activities as feed v1 JSON (for expanding them again offline)."""
    with storage_errors(db.conn):
        for (doc,) in db.execute("SELECT doc FROM activities WHERE source = ?", (source,)):
            yield doc


def record_unchanged(db: sqlite_utils.Database, meta: SourceMeta, *, now: datetime) -> None:
    """The source answered 'not modified' (or the same bytes): only the status row moves."""
    stamp = utc_text(now)
    with storage_errors(db.conn), db.atomic():
        _upsert_status(
            db.conn,
            meta,
            last_attempt=stamp,
            last_success=stamp,
            last_error=None,
            last_error_code=None,
        )


def record_failure(
    db: sqlite_utils.Database, meta: SourceMeta, *, now: datetime, code: str, message: str
) -> None:
    """The source failed: note why; the last good snapshot stays untouched."""
    with storage_errors(db.conn), db.atomic():
        _upsert_status(
            db.conn, meta, last_attempt=utc_text(now), last_error=message, last_error_code=code
        )


def _upsert_status(conn: sqlite3.Connection, meta: SourceMeta, **fields: object) -> None:
    fields = {"kind": meta.kind, "location": meta.location, **fields}
    columns = ", ".join(fields)
    placeholders = ", ".join("?" for _ in fields)
    updates = ", ".join(f"{name} = excluded.{name}" for name in fields)
    conn.execute(
        f"INSERT INTO sync_status (source, {columns}) VALUES (?, {placeholders}) "
        f"ON CONFLICT (source) DO UPDATE SET {updates}",
        (meta.source, *fields.values()),
    )


def source_status(db: sqlite_utils.Database, source: str) -> dict | None:
    with storage_errors(db.conn):
        rows = list(db.query(_SELECT_STATUS, [source]))
    return rows[0] if rows else None


def stored_body(db: sqlite_utils.Database, source: str) -> bytes | None:
    with storage_errors(db.conn):
        row = db.execute("SELECT body FROM snapshots WHERE source = ?", (source,)).fetchone()
    return row[0] if row else None
