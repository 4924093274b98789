"""The local SQLite store: its shape, its migrations, and the atomic swap of a source's snapshot.

One database file per kiosk, in WAL mode so the screen reads while the sync writes. Each
source (the central feed, a library's calendar …) owns its rows; a new snapshot of a source
replaces all of that source's rows in one transaction (``db.atomic()``), so a reader — or a
power cut — only ever sees the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
import sqlite_utils

from torg_kiosk.base.clock import utc_text
from torg_kiosk.store.records import Activity, Occurrence, ParsedSource, Skipped, Window

#: Bump with a new entry in MIGRATIONS; never edit an old entry.
SCHEMA_VERSION = 1

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE activities (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        site TEXT NOT NULL,
        category TEXT NOT NULL,
        status TEXT NOT NULL,
        doc TEXT NOT NULL,              -- the activity as feed v1 JSON: times, rule, texts, links
        PRIMARY KEY (source, id)
    ) WITHOUT ROWID;
    CREATE TABLE occurrences (
        source TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        site TEXT NOT NULL,
        start INTEGER NOT NULL,         -- Unix time (UTC seconds): compact, fast to compare
        "end" INTEGER NOT NULL,
        all_day INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        title TEXT,                     -- JSON, only when an override changes it
        room TEXT,                      -- only when an override changes it
        -- Clustered by site and time: a day's list at one torg is one contiguous range scan.
        -- (An activity has one site, so this is as unique as (source, activity_id, start).)
        PRIMARY KEY (site, start, source, activity_id)
    ) WITHOUT ROWID;
    CREATE INDEX occurrences_by_source ON occurrences (source, activity_id);
    CREATE TABLE announcements (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        site TEXT,
        text TEXT NOT NULL,             -- JSON
        valid_from TEXT,
        valid_until TEXT,
        PRIMARY KEY (source, id)
    );
    CREATE TABLE sites (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (source, id)
    );
    CREATE TABLE ticket_keys (
        source TEXT NOT NULL,
        kid TEXT NOT NULL,
        public_key TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        PRIMARY KEY (source, kid)
    );
    CREATE TABLE revoked_tickets (
        source TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        PRIMARY KEY (source, ticket_id)
    );
    CREATE TABLE sync_status (
        source TEXT PRIMARY KEY,
        kind TEXT,
        location TEXT,
        last_attempt TEXT,
        last_success TEXT,              -- last time the source answered usable data (or 304)
        last_change TEXT,               -- last time a new snapshot was stored
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        window_first TEXT,              -- the window the stored occurrences were expanded for
        activities INTEGER NOT NULL DEFAULT 0,
        occurrences INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_error_code TEXT
    );
    CREATE TABLE snapshots (
        source TEXT PRIMARY KEY,
        body BLOB NOT NULL              -- an iCalendar source's last good bytes, expanded again
    );                                  -- when the day moves on (a feed's rows are enough)
    """,
}

SNAPSHOT_TABLES = ("activities", "occurrences", "announcements", "sites", "ticket_keys")


class StoreError(Exception):
    """The database cannot be opened or written; the message says where and what to do."""


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the kiosk database in WAL mode, migrated to SCHEMA_VERSION."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=10000")
        db = sqlite_utils.Database(conn)
        ensure_db_shape(db)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            f"Cannot open the database {path}: {error}. Check that the data folder exists "
            "and that the kiosk user may write to it."
        ) from None
    return db


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """Apply the migrations this database has not seen yet. Idempotent."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"The database has schema version {current}, newer than this kiosk's "
            f"{SCHEMA_VERSION}. Update the kiosk software, or move the database aside."
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            for statement in _statements(MIGRATIONS[version]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version={version}")


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines():
        buffer += line.split("--", 1)[0] + "\n"
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


@dataclass(frozen=True)
class SourceMeta:
    """What the sync knows about one source besides its records."""

    source: str
    kind: str
    location: str


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


@dataclass
class SnapshotCounts:
    """What a snapshot being written holds so far (for the guards, before it commits)."""

    activities: int = 0
    occurrences: int = 0
    skipped: int = 0
    first_skipped: Skipped | None = None


def _activity_row(source: str, a: Activity) -> tuple:
    doc = a.doc if a.doc is not None else _dumps(a.as_feed_record())
    return (source, a.id, a.site, a.category, a.status, doc)


def _occurrence_row(source: str, o: Occurrence) -> tuple:
    return (
        source,
        o.activity_id,
        o.site,
        int(o.start.timestamp()),
        int(o.end.timestamp()),
        int(o.all_day),
        o.status,
        _dumps(o.title) if o.title else None,
        o.room,
    )


@dataclass
class RowChunk:
    """A chunk of one source's records as database rows: cheap to send between processes."""

    activities: list[tuple]
    occurrences: list[tuple]
    announcements: list[tuple]
    sites: list[tuple]
    ticket_keys: list[tuple]
    revoked_tickets: list[tuple]
    skipped: int
    first_skipped: Skipped | None


def rows_of(source: str, chunk: ParsedSource) -> RowChunk:
    return RowChunk(
        activities=[_activity_row(source, a) for a in chunk.activities],
        occurrences=[_occurrence_row(source, o) for o in chunk.occurrences],
        announcements=[
            (
                source,
                a.id,
                a.site,
                _dumps(a.text),
                utc_text(a.valid_from) if a.valid_from else None,
                utc_text(a.valid_until) if a.valid_until else None,
            )
            for a in chunk.announcements
        ],
        sites=[(source, s["id"], s["name"]) for s in chunk.sites],
        ticket_keys=[(source, k.kid, k.public_key, k.algorithm) for k in chunk.ticket_keys],
        revoked_tickets=[(source, t) for t in chunk.revoked_tickets],
        skipped=len(chunk.skipped),
        first_skipped=chunk.skipped[0] if chunk.skipped else None,
    )


def _insert_rows(conn: sqlite3.Connection, rows: RowChunk) -> None:
    conn.executemany("INSERT OR REPLACE INTO activities VALUES (?,?,?,?,?,?)", rows.activities)
    conn.executemany(
        "INSERT OR REPLACE INTO occurrences VALUES (?,?,?,?,?,?,?,?,?)", rows.occurrences
    )
    conn.executemany(
        "INSERT OR REPLACE INTO announcements VALUES (?,?,?,?,?,?)", rows.announcements
    )
    conn.executemany("INSERT OR REPLACE INTO sites VALUES (?,?,?)", rows.sites)
    conn.executemany("INSERT OR REPLACE INTO ticket_keys VALUES (?,?,?,?)", rows.ticket_keys)
    conn.executemany("INSERT OR IGNORE INTO revoked_tickets VALUES (?,?)", rows.revoked_tickets)


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
    with db.atomic():
        for table in SNAPSHOT_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE source = ?", (source,))
        conn.execute("DELETE FROM revoked_tickets WHERE source = ?", (source,))
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
            conn.execute("INSERT INTO snapshots (source, body) VALUES (?, ?)", (source, keep_body))
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
    with db.atomic():
        conn.execute("DELETE FROM occurrences WHERE source = ?", (meta.source,))
        conn.executemany(
            "INSERT OR REPLACE INTO occurrences VALUES (?,?,?,?,?,?,?,?,?)",
            (_occurrence_row(meta.source, o) for o in occurrences),
        )
        count = conn.execute(
            "SELECT count(*) FROM occurrences WHERE source = ?", (meta.source,)
        ).fetchone()[0]
        _upsert_status(conn, meta, window_first=window.first.isoformat(), occurrences=count)
    return count


def stored_documents(db: sqlite_utils.Database, source: str) -> Iterator[str]:
    """A source's stored activities as feed v1 JSON (for expanding them again offline)."""
    for (doc,) in db.execute("SELECT doc FROM activities WHERE source = ?", (source,)):
        yield doc


def record_unchanged(db: sqlite_utils.Database, meta: SourceMeta, *, now: datetime) -> None:
    """The source answered 'not modified' (or the same bytes): only the status row moves."""
    stamp = utc_text(now)
    with db.atomic():
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
    with db.atomic():
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
    rows = list(db.query("SELECT * FROM sync_status WHERE source = ?", [source]))
    return rows[0] if rows else None


def stored_body(db: sqlite_utils.Database, source: str) -> bytes | None:
    row = db.execute("SELECT body FROM snapshots WHERE source = ?", (source,)).fetchone()
    return row[0] if row else None
