"""What the data folder remembers of the kiosk's own clock, for :mod:`torg_kiosk.base.clock_trust`.

Two instants the kiosk wrote earlier with the same clock: the newest successful sync in
``kiosk.db`` and the newest check-in in ``outbox.db``. Both files are opened read-only and
briefly; a file that is missing, locked or damaged gives no evidence (None) rather than an
error: the trust check must never be the reason a check-in or a heartbeat fails.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from torg_kiosk.base.clock import parse_utc_text
from torg_kiosk.base.clock_trust import ClockEvidence

log = logging.getLogger(__name__)

SCHEDULE_FILE = "kiosk.db"
OUTBOX_FILE = "outbox.db"
CHECKIN_KIND = "checkin"


def read_clock_evidence(data_dir: Path) -> ClockEvidence:
    """The newest sync success and the newest stored check-in under ``data_dir``."""
    data_dir = Path(data_dir)
    last_sync = _newest(data_dir / SCHEDULE_FILE, "SELECT max(last_success) FROM sync_status")
    newest_checkin = _newest(
        data_dir / OUTBOX_FILE,
        "SELECT max(created_at) FROM outbox WHERE kind = ?",
        (CHECKIN_KIND,),
    )
    return ClockEvidence(last_sync_at=last_sync, newest_checkin_at=newest_checkin)


def _newest(path: Path, query: str, parameters: tuple = ()):
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error as error:
        log.info("clock_evidence_unreadable file=%s error=%s", path.name, error)
        return None
    try:
        value = conn.execute(query, parameters).fetchone()[0]
    except sqlite3.Error as error:
        log.info("clock_evidence_unreadable file=%s error=%s", path.name, error)
        return None
    finally:
        conn.close()
    try:
        return parse_utc_text(value) if value else None
    except ValueError:
        return None
