"""Scan demo tickets at one door until killed, saying each nonce once it is acknowledged.

Usage: python tests/checkin_scan_child.py DATA_DIR

For tests/test_checkin_crash.py. A fork server: it imports the kiosk's modules once, then
for each line ``FIRST_NUMBER FIFO`` on its standard input forks a scanner process and prints
the scanner's pid. The scanner opens the outbox itself and scans ticket after ticket,
writing ``<ticket id> <nonce>`` to FIFO only after :meth:`CheckinDesk.scan` returned
*accepted*, which is when the screen would turn green. The test kills the scanner with
SIGKILL right after reading a line, while the next scan is being written. (Forking saves the
half second each new Python process spends importing, 100 times.)
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.checkin import CHECKIN_KIND, CheckinDesk, TicketMaterial
from torg_kiosk.domain.checkin_rules import Door
from torg_kiosk.domain.tickets import TicketKeys, demo_signing_key, issue_ticket, ticket_text
from torg_kiosk.store.outbox import Outbox

NOW = datetime(2026, 12, 3, 11, 5, tzinfo=OSLO)
DOOR = Door("tofte", "tofte-seniortrim", NOW.date(), NOW.replace(minute=0), NOW.replace(hour=12))


def scan_until_killed(data_dir: str, number: int, fifo: str) -> None:
    key = demo_signing_key()
    acks = open(fifo, "w")  # noqa: SIM115 (the process ends by SIGKILL, never by a close)
    outbox = Outbox.open(Path(data_dir) / "outbox.db")
    desk = CheckinDesk(outbox, kiosk="tofte-1", site="tofte", wall=lambda: NOW)
    desk.use(TicketMaterial(NOW.date(), (DOOR,), TicketKeys([(key.kid, key.public_key_text)])))
    desk.open(DOOR)
    while True:
        token = issue_ticket(key, activity_id=DOOR.activity_id, site="tofte", day=DOOR.day,
                             number=number)  # fmt: skip
        verdict = desk.scan(token, NOW)
        if verdict.code != "accepted":
            raise SystemExit(f"{ticket_text(number)}: {verdict.code}")
        [record] = outbox.about_ticket(CHECKIN_KIND, ticket_text(number))
        acks.write(f"{ticket_text(number)} {record.nonce}\n")
        acks.flush()
        number += 1


def main(data_dir: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # scanners are reaped by the kernel
    for line in sys.stdin:
        first, fifo = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                scan_until_killed(data_dir, int(first), fifo)
            finally:
                os._exit(1)
        print(pid, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
