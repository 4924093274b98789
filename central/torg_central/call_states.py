"""What became of each call request: taken by a caseworker, cancelled, ended.

The request itself is an upload (``uploads`` table, one row per nonce); this table holds
only its later state, one row per nonce, in the same SQLite file. A request with no row
here is waiting, until it expires.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from torg_central.storage import utc_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS call_states (
    nonce TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('taken', 'cancelled', 'ended')),
    changed_at TEXT NOT NULL
);
"""


class CallStates:
    def __init__(self, path: Path):
        self.path = Path(path)
        with self._connection() as db:
            db.executescript(_SCHEMA)

    def all(self) -> dict[str, str]:
        with self._connection() as db:
            return dict(db.execute("SELECT nonce, state FROM call_states").fetchall())

    def get(self, nonce: str) -> str | None:
        with self._connection() as db:
            row = db.execute("SELECT state FROM call_states WHERE nonce = ?", (nonce,)).fetchone()
        return row[0] if row else None

    def take(self, nonce: str, at: datetime) -> bool:
        """Mark ``nonce`` taken; False when it was taken, cancelled or ended already (two
        caseworkers pressing *Svar* at once: one wins)."""
        with self._connection() as db:
            return bool(
                db.execute(
                    "INSERT OR IGNORE INTO call_states (nonce, state, changed_at)"
                    " VALUES (?, 'taken', ?)",
                    (nonce, utc_text(at)),
                ).rowcount
            )

    def withdraw(self, nonce: str, at: datetime) -> str:
        """The kiosk's cancel: a waiting request becomes ``cancelled``, a taken call
        ``ended``; a later cancel changes nothing. Returns the state now."""
        with self._connection() as db:
            db.execute(
                "INSERT OR IGNORE INTO call_states (nonce, state, changed_at)"
                " VALUES (?, 'cancelled', ?)",
                (nonce, utc_text(at)),
            )
            db.execute(
                "UPDATE call_states SET state = 'ended', changed_at = ?"
                " WHERE nonce = ? AND state = 'taken'",
                (utc_text(at), nonce),
            )
            return db.execute("SELECT state FROM call_states WHERE nonce = ?", (nonce,)).fetchone()[
                0
            ]

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()
