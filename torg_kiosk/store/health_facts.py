"""What the data folder says about the kiosk's health, for the heartbeat: the last sync and
how many records wait in the outbox.

Read-only and brief, like :mod:`torg_kiosk.store.clock_evidence`: a missing, locked or
damaged file gives "unknown" (None), never an error; the heartbeat must go out anyway, all
the more when the disk is in trouble.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from torg_kiosk.base.clock import parse_utc_text
from torg_kiosk.store.clock_evidence import OUTBOX_FILE, SCHEDULE_FILE


@dataclass(frozen=True)
class SyncSummary:
    #: The newest successful sync of any source (None: never).
    last_success: datetime | None
    #: "ok", or the error code of a source whose last attempt failed (None: never tried).
    last_result: str | None


def sync_summary(data_dir: Path) -> SyncSummary:
    rows = _query(
        Path(data_dir) / SCHEDULE_FILE,
        "SELECT last_success, last_attempt, last_error_code FROM sync_status",
    )
    if not rows:
        return SyncSummary(None, None)
    successes = [parse_utc_text(row[0]) for row in rows if row[0]]
    failed = [row[2] for row in rows if row[2]]
    return SyncSummary(max(successes, default=None), failed[0] if failed else "ok")


def outbox_waiting(data_dir: Path) -> int | None:
    rows = _query(
        Path(data_dir) / OUTBOX_FILE, "SELECT count(*) FROM outbox WHERE state = ?", ("pending",)
    )
    return rows[0][0] if rows else None


def _query(path: Path, sql: str, parameters: tuple = ()) -> list[tuple]:
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql, parameters).fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return []
