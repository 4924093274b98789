"""SIGKILL right after an acknowledged check-in, 100 times: every acknowledged check-in is in
outbox.db afterwards and reaches the reference server exactly once.

Each scanner process (forked by tests/checkin_scan_child.py) scans ticket after ticket and
writes a line only once a scan is acknowledged; the test kills it with SIGKILL as soon as it
reads the first line, so the kill lands in the middle of the next durable write.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import requests

from tests.conftest import DEMO_FEED
from torg_central.devserver import serve
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.sync.uploader import Uploader

CHILD = Path(__file__).with_name("checkin_scan_child.py")
KILLS = 100
AFTER = datetime(2026, 12, 3, 12, 0, tzinfo=OSLO)


def kill_after_first_ack(server: subprocess.Popen, first: int, fifo: Path,
                         rng: random.Random) -> list[str]:  # fmt: skip
    """Fork a scanner, read its first acknowledgement, SIGKILL it; every line it acknowledged."""
    os.mkfifo(fifo)
    server.stdin.write(f"{first} {fifo}\n")
    server.stdin.flush()
    pid = int(server.stdout.readline())
    with open(fifo) as acks:
        acknowledged = [acks.readline()]
        assert acknowledged[0], "the scanner died before its first check-in"
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, 0.003))  # sometimes a little later: mid-commit
        os.kill(pid, signal.SIGKILL)
        acknowledged += acks.readlines()  # to EOF: the write end closes when it is dead
    return [line for line in acknowledged if line.strip()]


def test_every_acknowledged_check_in_survives_sigkill_and_is_uploaded_once(tmp_path):
    rng = random.Random(20261203)
    acknowledged: dict[str, str] = {}  # nonce → ticket
    server = subprocess.Popen([sys.executable, str(CHILD), str(tmp_path)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        for run in range(KILLS):
            fifo = tmp_path / f"acks-{run}"
            for line in kill_after_first_ack(server, run * 1000 + 100, fifo, rng):
                ticket, nonce = line.split()
                acknowledged[nonce] = ticket
    finally:
        server.stdin.close()
        server.wait(10)

    outbox = Outbox.open(tmp_path / "outbox.db")
    try:
        for nonce, ticket in acknowledged.items():
            record = outbox.record(nonce)
            assert record is not None, f"{ticket} was acknowledged but is not in the outbox"
            assert record.payload["ticket"] == ticket
        assert len(acknowledged) >= KILLS

        stored = outbox.pending_count()
        with serve(DEMO_FEED, db_path=tmp_path / "central.db") as central:
            uploader = Uploader(outbox, central.url, now=lambda: AFTER)
            while uploader.run_once().sent:
                pass
            uploader.run_once()  # a second pass finds nothing to send
            arrived = requests.get(f"{central.url}/api/uploads?kind=checkins", timeout=10).json()
        counts = Counter(upload["nonce"] for upload in arrived)
        assert len(arrived) == stored, "every stored check-in arrived"
        assert set(counts.values()) == {1}, "none arrived twice"
        assert set(acknowledged) <= set(counts)
        assert outbox.pending_count() == 0
    finally:
        outbox.close()
