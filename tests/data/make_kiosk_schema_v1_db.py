"""Make ``kiosk-schema-v1.db``: a schedule database exactly as the kiosk wrote it at version 1.

The file in the repository was made at commit 9898613 — the last one whose store wrote rows
by position — so that tests/test_store_schema.py opens a file the old code really wrote, not
one the new code imitates. From a checkout of that commit::

    python tests/data/make_kiosk_schema_v1_db.py tests/data/kiosk-schema-v1.db

It syncs the demo feed and a small iCalendar file at the tests' pinned clock and records one
failing source, so that every table holds real rows, then folds the WAL into the file.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.store.snapshots import SourceMeta, open_db, record_failure  # noqa: E402
from torg_kiosk.sync.pipeline import Source, sync_source  # noqa: E402

PINNED_NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
DEMO_FEED = REPO_ROOT / "torg_kiosk" / "assets" / "demo" / "feed.json"
CALENDAR = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//torg-kiosk//schema v1 fixture//NB
BEGIN:VEVENT
UID:strikkekafe@tofte
DTSTART;TZID=Europe/Oslo:20261105T180000
DTEND;TZID=Europe/Oslo:20261105T200000
RRULE:FREQ=WEEKLY;BYDAY=TH
SUMMARY:Strikkekafé
LOCATION:Biblioteket
END:VEVENT
BEGIN:VEVENT
UID:strikkekafe@tofte
RECURRENCE-ID;TZID=Europe/Oslo:20261210T180000
DTSTART;TZID=Europe/Oslo:20261210T170000
DTEND;TZID=Europe/Oslo:20261210T190000
SUMMARY:Strikkekafé – juleutgave
LOCATION:Kafeen
END:VEVENT
BEGIN:VEVENT
UID:julemarked@tofte
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261206
SUMMARY:Julemarked
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
"""


def main(target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    db = open_db(target)
    with tempfile.TemporaryDirectory() as folder:
        calendar = Path(folder) / "tofte.ics"
        calendar.write_bytes(CALENDAR.replace("\n", "\r\n").encode())
        for source in (
            Source("central", "feed", str(DEMO_FEED)),
            Source("tofte-bibliotek", "ical", str(calendar), site="tofte"),
        ):
            result = sync_source(db, source, now=PINNED_NOW)
            assert result.outcome == "updated", result.line()
    record_failure(
        db,
        SourceMeta("heggedal-kalender", "ical", "https://127.0.0.1:9/heggedal.ics"),
        now=PINNED_NOW,
        code="connect",
        message="The calendar server did not answer.",
    )
    db.conn.close()
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
