"""The shape of the kiosk's two database files, in one place: tables, column lists, migrations.

``kiosk.db`` holds the schedule: everything in it comes from the sources and can be fetched
again. ``outbox.db`` holds what the kiosk itself created (check-ins, call requests,
heartbeats) until the central side has it; nothing else has a copy.

Each table's column list here is the one source of truth for its column order: inserts name
their columns from it, reads select named columns from it, and the row tuples the sync sends
between processes are built by :attr:`Table.make_row`, in that order. A test checks the lists
against what the migrations really create.

The migration scripts are frozen: a change of shape is a new version with a new script (and,
if the change touches a table below, the column list changed with it); an old script is
never edited, because kiosks in the field already ran it.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Table:
    """A table's name and its columns, and the SQL and row tuples that follow from them."""

    name: str
    columns: tuple[str, ...]

    @cached_property
    def column_list(self) -> str:
        """The columns, quoted, for a SELECT or an INSERT (``"end"`` is an SQL keyword)."""
        return ", ".join(f'"{column}"' for column in self.columns)

    def insert_sql(self, verb: str = "INSERT") -> str:
        """``<verb> INTO name ("col", …) VALUES (?, …)`` for one row tuple from make_row."""
        marks = ", ".join("?" for _ in self.columns)
        return f"{verb} INTO {self.name} ({self.column_list}) VALUES ({marks})"

    @cached_property
    def make_row(self) -> Callable[..., tuple]:
        """A function taking every column by keyword and giving the row tuple in column order.

        No caller can put a value in the wrong column or forget one, and a row is still a
        plain tuple: as cheap to build as a tuple literal and to pickle across processes.
        Compiled from the column list, the way :func:`collections.namedtuple` makes its
        ``__new__`` (a generic ``**values`` function costs three times as much per row).
        """
        names = ", ".join(self.columns)
        namespace: dict[str, Callable[..., tuple]] = {}
        exec(f"def {self.name}_row(*, {names}):\n    return ({names},)", namespace)
        return namespace[f"{self.name}_row"]

    @cached_property
    def row_type(self) -> type[tuple]:
        """A named tuple type for rows read with ``SELECT {column_list}``: fields by name."""
        return namedtuple(f"{self.name}_row", self.columns)


# -- kiosk.db: the schedule ------------------------------------------------------------------

ACTIVITIES = Table("activities", ("source", "id", "site", "category", "status", "doc"))
OCCURRENCES = Table(
    "occurrences",
    ("source", "activity_id", "site", "start", "end", "all_day", "status", "title", "room", "seq"),
)
ANNOUNCEMENTS = Table(
    "announcements", ("source", "id", "site", "text", "valid_from", "valid_until")
)
SITES = Table("sites", ("source", "id", "name"))
CLOSURES = Table("closures", ("source", "id", "site", "dates", "services", "text"))
TICKET_KEYS = Table("ticket_keys", ("source", "kid", "public_key", "algorithm"))
REVOKED_TICKETS = Table("revoked_tickets", ("source", "ticket_id"))
SYNC_STATUS = Table(
    "sync_status",
    (
        "source",
        "kind",
        "location",
        "last_attempt",
        "last_success",
        "last_change",
        "etag",
        "last_modified",
        "content_hash",
        "window_first",
        "activities",
        "occurrences",
        "skipped",
        "last_error",
        "last_error_code",
    ),
)
SNAPSHOTS = Table("snapshots", ("source", "body"))

#: The tables a source's snapshot fills; a new snapshot replaces the source's rows in all.
SNAPSHOT_TABLES = (
    *(ACTIVITIES, OCCURRENCES, ANNOUNCEMENTS, SITES, TICKET_KEYS, REVOKED_TICKETS, CLOSURES),
)
SCHEDULE_TABLES = (*SNAPSHOT_TABLES, SYNC_STATUS, SNAPSHOTS)

#: One script per version, applied in order; never edit an old entry, add the next one.
SCHEDULE_MIGRATIONS: dict[int, str] = {
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
    # Version 2: the feed's closures (days a torg or some of its services are closed); and
    # several occurrences of one series may start at the same time (a calendar's override
    # moved onto another occurrence's start): `seq` tells them apart in the key.
    2: """
    CREATE TABLE closures (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        site TEXT,                      -- NULL: every torg
        dates TEXT NOT NULL,            -- JSON list of local dates, "2026-12-28"
        services TEXT,                  -- JSON list of service keys; NULL: the torg and all
        text TEXT,                      -- JSON text per language, the notice; NULL: none
        PRIMARY KEY (source, id)
    );
    CREATE TABLE occurrences_v2 (
        source TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        site TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        all_day INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        title TEXT,
        room TEXT,
        seq INTEGER NOT NULL DEFAULT 0, -- 0, 1 … among occurrences of one series at one start
        PRIMARY KEY (site, start, source, activity_id, seq)
    ) WITHOUT ROWID;
    INSERT INTO occurrences_v2 (source, activity_id, site, start, "end", all_day, status, title,
                                room, seq)
        SELECT source, activity_id, site, start, "end", all_day, status, title, room, 0
        FROM occurrences;
    DROP TABLE occurrences;
    ALTER TABLE occurrences_v2 RENAME TO occurrences;
    CREATE INDEX occurrences_by_source ON occurrences (source, activity_id);
    -- Occurrences longer than a day (a weekend course, a two-week exhibition): a day's list
    -- finds those that began days before it here, without scanning from the window's start.
    CREATE INDEX occurrences_long ON occurrences (site, "end") WHERE "end" - start > 86400;
    """,
}


# -- outbox.db: what the kiosk created -------------------------------------------------------

OUTBOX = Table(
    "outbox",
    (
        "nonce",
        "kind",
        "payload",
        "created_at",
        "state",
        "attempts",
        "next_attempt",
        "last_attempt",
        "last_error",
        "sent_at",
        "dropped_at",
        "drop_reason",
    ),
)

#: The outbox file's own versions (its ``PRAGMA user_version``), independent of kiosk.db's.
OUTBOX_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE outbox (
        nonce TEXT PRIMARY KEY,         -- random; the central side keeps one record per nonce
        kind TEXT NOT NULL,             -- checkin, call_request, heartbeat …
        payload TEXT NOT NULL,          -- JSON, sent as it is
        created_at TEXT NOT NULL,       -- UTC text (base.clock.utc_text): sorts as text
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,     -- a pending record is due once this has passed
        last_attempt TEXT,
        last_error TEXT,
        sent_at TEXT,
        dropped_at TEXT,
        drop_reason TEXT                -- why it was given up (kept for the log, never deleted)
    );
    CREATE INDEX outbox_due ON outbox (next_attempt) WHERE state = 'pending';
    """,
}
