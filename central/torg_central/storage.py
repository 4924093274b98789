"""The SQLite file that keeps the uploads: one row per nonce, whatever the kind.

Each call opens its own short connection (the server answers each request on its own
thread), commits before it returns, and closes it. The file is in WAL mode with the default
``synchronous=FULL``, so an upload that was answered 201 survives a kill of the server.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    kind TEXT NOT NULL,
    nonce TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_kind ON uploads (kind, received_at);
"""


def utc_text(instant: datetime) -> str:
    """``2026-12-03T09:15:00Z``, the form instants take in the database (sorts as text).

    The same helper as ``torg_kiosk.base.clock.utc_text``, copied: torg_central does not
    import the kiosk, whose other side of the wire it is.
    """
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: attach a time zone first")
    return instant.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


@dataclass(frozen=True)
class Recorded:
    """What became of one upload.

    ``outcome`` is ``created`` (a new nonce, now stored), ``duplicate`` (the nonce was stored
    before with the same kind and body: a retry) or ``conflict`` (the nonce was stored before
    with another kind or body). ``received_at`` is when the stored record first arrived.
    """

    outcome: Literal["created", "duplicate", "conflict"]
    nonce: str
    kind: str
    received_at: str


@dataclass(frozen=True)
class StoredUpload:
    kind: str
    nonce: str
    received_at: str
    body: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "nonce": self.nonce,
            "received_at": self.received_at,
            "body": self.body,
        }


class UploadStore:
    """The uploads database at ``path``; the constructor creates or upgrades its schema."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with self._connection() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer torg-central (schema {version}, this "
                    f"one knows {SCHEMA_VERSION}). Use a newer torg-central or another --db."
                )
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def record(
        self, kind: str, nonce: str, body: dict[str, Any], received_at: datetime
    ) -> Recorded:
        """Store ``body`` under ``nonce`` unless that nonce is stored already (then compare)."""
        with self._connection() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO uploads (kind, nonce, received_at, body)"
                " VALUES (?, ?, ?, ?)",
                (kind, nonce, utc_text(received_at), json.dumps(body, ensure_ascii=False)),
            ).rowcount
            stored_kind, stored_at, stored_body = db.execute(
                "SELECT kind, received_at, body FROM uploads WHERE nonce = ?", (nonce,)
            ).fetchone()
        if inserted:
            outcome = "created"
        elif stored_kind == kind and json.loads(stored_body) == body:
            outcome = "duplicate"
        else:
            outcome = "conflict"
        return Recorded(outcome, nonce, stored_kind, stored_at)

    def uploads(self, kind: str | None = None) -> list[StoredUpload]:
        """Every stored upload (of one kind), oldest first."""
        query = "SELECT kind, nonce, received_at, body FROM uploads"
        params: tuple[str, ...] = ()
        if kind is not None:
            query += " WHERE kind = ?"
            params = (kind,)
        with self._connection() as db:
            rows = db.execute(query + " ORDER BY received_at, rowid", params).fetchall()
        return [StoredUpload(k, n, r, json.loads(b)) for k, n, r, b in rows]

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits, or rolls back on an exception
                yield db
        finally:
            db.close()
