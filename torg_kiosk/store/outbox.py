"""The outbox: records the kiosk creates, kept durably until the central side has them.

Check-ins, call requests and heartbeats are the kiosk's own data; no feed brings them back.
They live in ``outbox.db``, a file of their own next to ``kiosk.db``, so that

- a long snapshot write, which holds kiosk.db's write lock for seconds, never makes a
  check-in wait (two files, two locks; the outbox is never ATTACHed to the schedule);
- the schedule can be thrown away and rebuilt from the feed without losing a check-in;
- every commit reaches the disk before :meth:`Outbox.add` returns (WAL with
  ``synchronous=FULL``): a confirmed check-in survives a power cut.

Each record carries a random nonce; the central side keeps one record per nonce, so an upload
that is retried after a lost answer never counts twice. A record is *pending* until it is
sent, or *dropped* with a reason when the central side refuses it for good; dropped records
stay in the file for the log. Sent ones may be pruned.

The uploader that empties the outbox, and its backoff, come with the uploads; the screen
only asks :meth:`Outbox.pending_count`. Every method may block on disk I/O: call it from a
worker thread, never from the UI thread. One ``Outbox`` may be shared between threads.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from torg_kiosk.base.clock import parse_utc_text, utc_text
from torg_kiosk.store.database import (
    BUSY_TIMEOUT_SECONDS,
    MigrationFailed,
    SchemaTooNew,
    StoreError,
    connect,
    is_busy,
    is_damage,
    migrate,
)
from torg_kiosk.store.schema import OUTBOX, OUTBOX_MIGRATIONS

log = logging.getLogger(__name__)

PENDING, SENT, DROPPED = "pending", "sent", "dropped"

_SELECT = f"SELECT {OUTBOX.column_list} FROM outbox"
# Not INSERT OR IGNORE: that would also skip a row breaking NOT NULL or CHECK, silently.
_INSERT = OUTBOX.insert_sql() + " ON CONFLICT (nonce) DO NOTHING"
_OutboxRow = OUTBOX.row_type


def _new_row(nonce: str, kind: str, payload: str, now: str) -> tuple:
    """A pending record, due at once."""
    return OUTBOX.make_row(
        nonce=nonce,
        kind=kind,
        payload=payload,
        created_at=now,
        state=PENDING,
        attempts=0,
        next_attempt=now,
        last_attempt=None,
        last_error=None,
        sent_at=None,
        dropped_at=None,
        drop_reason=None,
    )


class OutboxError(StoreError):
    """The outbox cannot be opened, or was asked something about a record it does not hold."""


@dataclass(frozen=True)
class OutboxRecord:
    """One record in the outbox, as stored."""

    nonce: str
    kind: str
    payload: dict
    created_at: datetime
    state: str  # "pending" | "sent" | "dropped"
    attempts: int
    next_attempt: datetime
    last_attempt: datetime | None
    last_error: str | None
    sent_at: datetime | None
    dropped_at: datetime | None
    drop_reason: str | None

    @classmethod
    def from_row(cls, row: tuple) -> OutboxRecord:
        row = _OutboxRow._make(row)
        return cls(
            nonce=row.nonce,
            kind=row.kind,
            payload=orjson.loads(row.payload),
            created_at=parse_utc_text(row.created_at),
            state=row.state,
            attempts=row.attempts,
            next_attempt=parse_utc_text(row.next_attempt),
            last_attempt=_instant(row.last_attempt),
            last_error=row.last_error,
            sent_at=_instant(row.sent_at),
            dropped_at=_instant(row.dropped_at),
            drop_reason=row.drop_reason,
        )


def _instant(text: str | None) -> datetime | None:
    return parse_utc_text(text) if text else None


def new_nonce() -> str:
    """128 random bits, URL-safe: unique without asking anyone."""
    return secrets.token_urlsafe(16)


class Outbox:
    """The durable outbox in one SQLite file. Open with :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self.path = path

    @classmethod
    def open(cls, path: Path | str) -> Outbox:
        """Open (creating if needed) the outbox file, migrated to its newest version."""
        path = Path(path)
        conn = None
        try:
            conn = connect(path, synchronous="FULL")
            migrate(conn, OUTBOX_MIGRATIONS)
        except SchemaTooNew as too_new:
            conn.close()
            raise OutboxError(
                f"The outbox {path} has schema version {too_new.found}, newer than this "
                f"kiosk's {too_new.known}: a newer kiosk version wrote it. Update the kiosk "
                "software. Keep the file as it is: it may hold check-ins and call requests "
                "not sent yet."
            ) from None
        except MigrationFailed as failed:
            conn.close()
            raise OutboxError(
                f"The outbox {path} could not be brought to schema version {failed.version} "
                f"({failed.error}); it stays as it was. Keep the file: it may hold check-ins "
                "and call requests not sent yet. Report this to the kiosk's maintainers."
            ) from None
        except (OSError, sqlite3.Error) as error:
            if conn is not None:
                conn.close()
            raise OutboxError(_open_failure(path, error)) from None
        return cls(conn, path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add(self, kind: str, payload: dict, *, nonce: str | None = None, now: datetime) -> str:
        """Store a new pending record, due at once; return its nonce once it is on disk.

        Adding the same nonce again (a retried scan, a repeated event) keeps the first record
        and returns the nonce; the same nonce with another kind or payload is an error.
        """
        if not kind:
            raise ValueError("an outbox record needs a kind (checkin, call_request …)")
        nonce = nonce or new_nonce()
        stamp = utc_text(now)
        text = orjson.dumps(payload).decode()
        with self._lock:
            added = self._conn.execute(_INSERT, _new_row(nonce, kind, text, stamp)).rowcount
            if not added:
                kept = self._record(nonce)
                if kept is None or kept.kind != kind or kept.payload != orjson.loads(text):
                    raise OutboxError(
                        f"The nonce {nonce} already belongs to another record in the outbox "
                        "(the same nonce, another kind or payload). A new record needs a new "
                        "nonce: leave nonce= out to get one."
                    )
        return nonce

    def due(self, now: datetime, limit: int = 100) -> list[OutboxRecord]:
        """Pending records whose time has come, oldest first: what the uploader sends next."""
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT} WHERE state = ? AND next_attempt <= ? "
                "ORDER BY next_attempt, rowid LIMIT ?",
                (PENDING, utc_text(now), limit),
            ).fetchall()
        return [OutboxRecord.from_row(row) for row in rows]

    def mark_sent(self, nonce: str, *, now: datetime) -> None:
        """The central side has the record: it is no longer pending."""
        self._update_pending(nonce, "state = ?, sent_at = ?", (SENT, utc_text(now)))

    def mark_failed(self, nonce: str, *, now: datetime, error: str, retry_at: datetime) -> None:
        """An upload attempt failed in a way worth retrying: try again at ``retry_at``."""
        self._update_pending(
            nonce,
            "attempts = attempts + 1, last_attempt = ?, last_error = ?, next_attempt = ?",
            (utc_text(now), error, utc_text(retry_at)),
        )

    def drop(self, nonce: str, reason: str, *, now: datetime) -> None:
        """Give a record up (the central side refused it for good). It stays, with the reason."""
        self._update_pending(
            nonce, "state = ?, dropped_at = ?, drop_reason = ?", (DROPPED, utc_text(now), reason)
        )
        log.warning("outbox: dropped %s: %s", nonce, reason)

    def pending_count(self) -> int:
        """How many records wait to be sent (the screen shows it)."""
        with self._lock:
            return self._conn.execute(
                "SELECT count(*) FROM outbox WHERE state = ?", (PENDING,)
            ).fetchone()[0]

    def about_ticket(self, kind: str, ticket: str) -> list[OutboxRecord]:
        """Records of ``kind`` whose payload names ``ticket``, in any state, oldest first."""
        return self._matching("kind = ? AND json_extract(payload, '$.ticket') = ?", (kind, ticket))

    def about_occurrence(self, kind: str, activity: str, occurrence: str) -> list[OutboxRecord]:
        """Records of ``kind`` about one occurrence (payload ``activity`` and ``occurrence``)."""
        return self._matching(
            "kind = ? AND json_extract(payload, '$.activity') = ? "
            "AND json_extract(payload, '$.occurrence') = ?",
            (kind, activity, occurrence),
        )

    def _matching(self, where: str, values: tuple) -> list[OutboxRecord]:
        # The expressions are spelt as in the indexes of migration 2, or SQLite cannot use them.
        with self._lock:
            rows = self._conn.execute(f"{_SELECT} WHERE {where} ORDER BY rowid", values).fetchall()
        return [OutboxRecord.from_row(row) for row in rows]

    def last_sent_at(self) -> datetime | None:
        """When the central side last acknowledged a record (the screen shows it)."""
        with self._lock:
            value = self._conn.execute(
                "SELECT max(sent_at) FROM outbox WHERE state = ?", (SENT,)
            ).fetchone()[0]
        return parse_utc_text(value) if value else None

    def record(self, nonce: str) -> OutboxRecord | None:
        """One record in whatever state, for the log and the tests."""
        with self._lock:
            return self._record(nonce)

    def prune_sent(self, *, sent_before: datetime) -> int:
        """Forget records sent before ``sent_before``; return how many. Pending and dropped
        records are never pruned."""
        with self._lock:
            return self._conn.execute(
                "DELETE FROM outbox WHERE state = ? AND sent_at < ?", (SENT, utc_text(sent_before))
            ).rowcount

    def _record(self, nonce: str) -> OutboxRecord | None:
        row = self._conn.execute(f"{_SELECT} WHERE nonce = ?", (nonce,)).fetchone()
        return OutboxRecord.from_row(row) if row else None

    def _update_pending(self, nonce: str, assignments: str, values: tuple) -> None:
        with self._lock:
            changed = self._conn.execute(
                f"UPDATE outbox SET {assignments} WHERE nonce = ? AND state = ?",
                (*values, nonce, PENDING),
            ).rowcount
            if not changed:
                record = self._record(nonce)
                state = "is not in the outbox" if record is None else f"is already {record.state}"
                raise OutboxError(f"The outbox record {nonce} {state}; it cannot change now.")


def _open_failure(path: Path, error: OSError | sqlite3.Error) -> str:
    keep = (
        "Do not delete or replace the file: it may hold check-ins and call requests not sent yet."
    )
    if isinstance(error, sqlite3.Error) and is_damage(error):
        return (
            f"The outbox {path} is damaged: {error}. {keep} "
            "A maintainer can recover the records from a copy of it (sqlite3's .recover)."
        )
    if isinstance(error, sqlite3.Error) and is_busy(error):
        return (
            f"The outbox {path} stayed locked by another program for {BUSY_TIMEOUT_SECONDS} s. "
            "Try again; if it keeps happening, check that only one kiosk uses this data folder."
        )
    return (
        f"Cannot open the outbox {path}: {error}. Check that the data folder exists and that "
        f"the kiosk user may write to it. {keep}"
    )
