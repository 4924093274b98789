"""One sync of a local feed file into a database, for the crash-safety test to kill.

Usage: python tests/crash_sync_child.py DB FEED NOW

NOW is an ISO date-time with offset (e.g. 2026-12-03T10:15:00+01:00). Exits 0 when the sync
stored or kept a snapshot, 1 otherwise, and prints the result line.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torg_kiosk.store.database import open_db
from torg_kiosk.sync.pipeline import Source, sync_source


def main(argv: list[str]) -> int:
    db_path, feed_path, now_text = argv
    db = open_db(db_path)
    # accept_shrink: A and B are different activity sets, each a full replacement.
    result = sync_source(
        db,
        Source("central", "feed", feed_path),
        now=datetime.fromisoformat(now_text),
        accept_shrink=True,
    )
    print(result.line(), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
