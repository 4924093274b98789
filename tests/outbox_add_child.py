"""Add one record to an outbox, say its nonce, then wait to be killed (for test_outbox.py).

Usage: python tests/outbox_add_child.py OUTBOX NOW TICKET

NOW is an ISO date-time with offset. Prints the nonce once ``add`` has returned, then sleeps
until the test kills it.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torg_kiosk.store.outbox import Outbox


def main(argv: list[str]) -> None:
    path, now_text, ticket = argv
    outbox = Outbox.open(path)
    now = datetime.fromisoformat(now_text)
    nonce = outbox.add("checkin", {"ticket": ticket, "scanned_at": now_text}, now=now)
    print(nonce, flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1:])
