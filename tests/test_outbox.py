"""The outbox: the kiosk's own records in outbox.db, kept until the central side has them.

Real files throughout; the power-cut case is a SIGKILLed process right after ``add`` returns
(the fsync that ``synchronous=FULL`` adds for a real power cut cannot be tested here, so a
test pins the setting).
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW
from torg_kiosk.store.database import open_db, outbox_db_path, schedule_db_path
from torg_kiosk.store.outbox import Outbox, OutboxError
from torg_kiosk.store.records import Window
from torg_kiosk.store.schema import OUTBOX_MIGRATIONS
from torg_kiosk.store.snapshots import SourceMeta, write_snapshot

CHILD = Path(__file__).with_name("outbox_add_child.py")
NOW = PINNED_NOW
SCAN = {"ticket": "T-0042", "activity": "seniordans", "scanned_at": "2026-12-03T10:15:00+01:00"}


@pytest.fixture
def outbox(tmp_path):
    box = Outbox.open(outbox_db_path(tmp_path))
    yield box
    box.close()


def test_an_added_record_is_pending_and_due_at_once(outbox):
    nonce = outbox.add("checkin", SCAN, now=NOW)

    [due] = outbox.due(NOW)
    assert (due.nonce, due.kind, due.payload, due.state) == (nonce, "checkin", SCAN, "pending")
    assert due.created_at == NOW and due.attempts == 0
    assert outbox.pending_count() == 1


def test_every_record_gets_its_own_url_safe_random_nonce(outbox):
    nonces = {outbox.add("heartbeat", {}, now=NOW) for _ in range(50)}
    assert len(nonces) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce) for nonce in nonces)  # 128 bits


def test_adding_the_same_nonce_again_keeps_one_record(outbox):
    first = outbox.add("checkin", SCAN, nonce="scan-1", now=NOW)
    again = outbox.add("checkin", SCAN, nonce="scan-1", now=NOW + timedelta(seconds=3))

    assert first == again == "scan-1"
    assert outbox.pending_count() == 1
    assert outbox.record("scan-1").created_at == NOW


def test_the_same_nonce_for_another_record_is_refused(outbox):
    outbox.add("checkin", SCAN, nonce="scan-1", now=NOW)
    with pytest.raises(OutboxError, match="needs a new nonce"):
        outbox.add("checkin", {**SCAN, "ticket": "T-0043"}, nonce="scan-1", now=NOW)
    assert outbox.record("scan-1").payload == SCAN


def test_a_sent_record_is_no_longer_due_or_pending(outbox):
    nonce = outbox.add("checkin", SCAN, now=NOW)
    outbox.mark_sent(nonce, now=NOW + timedelta(seconds=2))

    assert outbox.due(NOW + timedelta(hours=1)) == []
    assert outbox.pending_count() == 0
    record = outbox.record(nonce)
    assert (record.state, record.sent_at) == ("sent", NOW + timedelta(seconds=2))


def test_a_failed_record_waits_until_its_retry_time(outbox):
    nonce = outbox.add("call_request", {"site": "holmen"}, now=NOW)
    retry_at = NOW + timedelta(minutes=2)
    outbox.mark_failed(nonce, now=NOW, error="HTTP 503 from central", retry_at=retry_at)

    assert outbox.due(retry_at - timedelta(seconds=1)) == []
    [due] = outbox.due(retry_at)
    assert (due.attempts, due.last_error, due.last_attempt) == (1, "HTTP 503 from central", NOW)
    assert outbox.pending_count() == 1


def test_a_dropped_record_is_kept_with_its_reason_and_not_sent_again(outbox):
    nonce = outbox.add("checkin", SCAN, now=NOW)
    outbox.drop(nonce, "HTTP 422: the ticket's activity is unknown to central", now=NOW)

    assert outbox.due(NOW + timedelta(days=1)) == []
    assert outbox.pending_count() == 0
    record = outbox.record(nonce)
    assert record.state == "dropped"
    assert record.drop_reason == "HTTP 422: the ticket's activity is unknown to central"
    assert record.payload == SCAN


def test_due_gives_the_oldest_first_up_to_the_limit(outbox):
    nonces = [outbox.add("heartbeat", {"n": n}, now=NOW + timedelta(minutes=n)) for n in range(5)]
    later = NOW + timedelta(hours=1)

    assert [record.nonce for record in outbox.due(later, limit=3)] == nonces[:3]
    assert [record.nonce for record in outbox.due(NOW + timedelta(minutes=1))] == nonces[:2]


def test_a_record_that_is_no_longer_pending_cannot_change(outbox):
    nonce = outbox.add("checkin", SCAN, now=NOW)
    outbox.mark_sent(nonce, now=NOW)

    with pytest.raises(OutboxError, match="is already sent"):
        outbox.drop(nonce, "too late", now=NOW)
    with pytest.raises(OutboxError, match="is not in the outbox"):
        outbox.mark_sent("no-such-nonce", now=NOW)


def test_pruning_forgets_only_records_sent_before_the_cutoff(outbox):
    old = outbox.add("heartbeat", {}, now=NOW)
    outbox.mark_sent(old, now=NOW)
    recent = outbox.add("heartbeat", {}, now=NOW + timedelta(days=9))
    outbox.mark_sent(recent, now=NOW + timedelta(days=9))
    waiting = outbox.add("checkin", SCAN, now=NOW)
    dropped = outbox.add("checkin", SCAN, now=NOW)
    outbox.drop(dropped, "HTTP 400", now=NOW)

    assert outbox.prune_sent(sent_before=NOW + timedelta(days=7)) == 1

    assert outbox.record(old) is None
    assert [outbox.record(n).state for n in (recent, waiting, dropped)] == [
        "sent",
        "pending",
        "dropped",
    ]


def test_the_outbox_commits_in_wal_mode_with_full_sync(outbox, tmp_path):
    assert outbox._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    conn = sqlite3.connect(outbox_db_path(tmp_path))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_a_record_survives_a_sigkill_right_after_add_returns(tmp_path):
    path = outbox_db_path(tmp_path)
    nonces = {}
    for ticket in ("T-1", "T-2", "T-3"):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), NOW.isoformat(), ticket],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        nonce = child.stdout.readline().strip()
        child.send_signal(signal.SIGKILL)  # no cleanup, no close, no atexit
        child.wait(timeout=10)
        assert nonce, child.stderr.read()
        child.stdout.close()
        child.stderr.close()
        nonces[ticket] = nonce

    outbox = Outbox.open(path)
    try:
        for ticket, nonce in nonces.items():
            record = outbox.record(nonce)
            assert record is not None, f"the check-in of {ticket} was lost"
            assert (record.state, record.payload["ticket"]) == ("pending", ticket)
        assert outbox.pending_count() == 3
    finally:
        outbox.close()


def test_a_snapshot_write_holding_the_schedule_lock_never_blocks_add(tmp_path):
    """A big sync holds kiosk.db's write lock for seconds; a check-in must not wait for it."""
    schedule = open_db(schedule_db_path(tmp_path))
    inside_the_transaction = threading.Event()
    let_it_finish = threading.Event()

    def slow_chunks():
        inside_the_transaction.set()
        let_it_finish.wait(timeout=60)
        yield from ()

    writer = threading.Thread(
        target=write_snapshot,
        args=(schedule, SourceMeta("central", "feed", "feed.json"), slow_chunks()),
        kwargs={"now": NOW, "window": Window.around(NOW)},
    )
    writer.start()
    try:
        assert inside_the_transaction.wait(timeout=30)
        other = sqlite3.connect(schedule_db_path(tmp_path), timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # the schedule's write lock is taken
        other.close()

        outbox = Outbox.open(outbox_db_path(tmp_path))
        nonce = outbox.add("checkin", SCAN, now=NOW)
        assert outbox.record(nonce).state == "pending"
        outbox.close()
        assert writer.is_alive(), "the snapshot write was still holding its lock"
    finally:
        let_it_finish.set()
        writer.join(timeout=30)
        schedule.conn.close()


def test_an_outbox_from_a_newer_kiosk_is_refused_and_kept(tmp_path):
    path = outbox_db_path(tmp_path)
    Outbox.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=9")
    conn.close()

    with pytest.raises(OutboxError) as refused:
        Outbox.open(path)

    message = str(refused.value)
    assert f"schema version 9, newer than this kiosk's {max(OUTBOX_MIGRATIONS)}" in message
    assert "Update the kiosk software" in message and "Keep the file" in message
    assert "delete" not in message.lower() and "rebuild" not in message.lower()


def test_a_damaged_outbox_is_refused_and_left_in_place(tmp_path):
    path = outbox_db_path(tmp_path)
    path.write_bytes(b"scribbled over " * 500)

    with pytest.raises(OutboxError) as refused:
        Outbox.open(path)

    message = str(refused.value)
    assert f"The outbox {path} is damaged" in message
    assert "Do not delete or replace the file" in message
    assert path.read_bytes() == b"scribbled over " * 500
