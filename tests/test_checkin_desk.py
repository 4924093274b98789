"""The check-in desk on a real outbox file: recorded before the answer, undo, override, +1.

The clock is pinned; the outbox is a real SQLite file (synchronous=FULL); the ticket material
comes from a real sync of the demo feed into a real kiosk.db.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tests.conftest import DEMO_FEED
from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.checkin import CHECKIN_KIND, CheckinDesk, material_from_schedule
from torg_kiosk.domain.checkin_rules import Door
from torg_kiosk.domain.tickets import demo_signing_key, issue_ticket
from torg_kiosk.store.database import open_db
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

NOW = datetime(2026, 12, 3, 11, 5, tzinfo=OSLO)
KEY = demo_signing_key()


def ticket(number: int, activity="tofte-seniortrim", **changes) -> str:
    return issue_ticket(KEY, activity_id=activity, site="tofte", day=NOW.date(), number=number,
                        **changes)  # fmt: skip


@pytest.fixture
def data_dir(tmp_path):
    db = open_db(tmp_path / "kiosk.db")
    demo = Source("demo", "feed", str(DEMO_FEED))
    assert sync_source(db, demo, now=NOW).outcome == "updated"
    db.conn.close()
    return tmp_path


@pytest.fixture
def desk(data_dir):
    outbox = Outbox.open(data_dir / "outbox.db")
    desk = CheckinDesk(outbox, kiosk="tofte-1", site="tofte", wall=lambda: NOW,
                       data_dir=data_dir)  # fmt: skip
    schedule = Schedule.open(data_dir / "kiosk.db")
    desk.use(material_from_schedule(schedule, "tofte", NOW))
    schedule.close()
    yield desk
    outbox.close()


def seniortrim(desk) -> Door:
    return next(d for d in desk.material.doors if d.activity_id == "tofte-seniortrim")


def test_the_demo_feeds_revoked_ticket_is_refused(desk):
    desk.open(seniortrim(desk))
    assert desk.scan(ticket(1), NOW).code == "revoked"


def test_the_material_holds_todays_doors_the_demo_key_and_the_revoked_ids(desk):
    assert {d.activity_id for d in desk.material.doors} >= {"tofte-seniortrim"}
    assert all(d.day == NOW.date() and d.site == "tofte" for d in desk.material.doors)
    assert desk.material.keys.kids == ["demo-2026"]
    assert desk.material.revoked == {"T-00000001"}


def test_an_accepted_ticket_is_on_disk_when_the_verdict_comes(desk, data_dir):
    desk.open(seniortrim(desk))
    result = desk.scan(ticket(0x21), NOW)
    assert result.code == "accepted"
    # Another connection, as after a power cut: the row is in the file.
    rows = (
        sqlite3.connect(data_dir / "outbox.db")
        .execute(
            "SELECT kind, json_extract(payload, '$.ticket'), json_extract(payload, '$.result'),"
            " json_extract(payload, '$.scanned_at'), json_extract(payload, '$.clock'), state"
            " FROM outbox"
        )
        .fetchall()
    )
    assert rows == [("checkin", "T-00000021", "accepted", "2026-12-03T10:05:00Z", "trusted",
                     "pending")]  # fmt: skip
    assert desk.count == 1


def test_the_record_is_what_the_uploads_contract_asks_for(desk):
    desk.open(seniortrim(desk))
    desk.scan(ticket(2), NOW)
    [record] = desk.outbox.about_ticket(CHECKIN_KIND, "T-00000002")
    assert record.payload == {
        "kiosk": "tofte-1",
        "site": "tofte",
        "ticket": "T-00000002",
        "activity": "tofte-seniortrim",
        "occurrence": "2026-12-03",
        "scanned_at": "2026-12-03T10:05:00Z",
        "result": "accepted",
        "forced": False,
        "clock": "trusted",
        "key": "demo-2026",
    }
    assert 16 <= len(record.nonce) <= 128


def test_a_refused_scan_records_nothing(desk):
    desk.open(seniortrim(desk))
    expired = ticket(
        4, valid_from=NOW - timedelta(minutes=65), valid_until=NOW - timedelta(minutes=5)
    )
    for text in ("hello", ticket(3, activity="tofte-sjakk"), expired):
        assert not desk.scan(text, NOW).admits
    assert desk.outbox.pending_count() == 0 and desk.count == 0


def test_the_second_scan_of_a_ticket_says_when_it_was_first_checked_in(desk):
    desk.open(seniortrim(desk))
    desk.scan(ticket(5), datetime(2026, 12, 3, 11, 2, tzinfo=OSLO))
    again = desk.scan(ticket(5), NOW)
    assert again.code == "already_checked_in"
    assert again.message("nb") == "Allerede sjekket inn kl. 11:02"
    assert desk.count == 1


def test_already_checked_in_survives_a_restart_of_the_kiosk(desk, data_dir):
    desk.open(seniortrim(desk))
    desk.scan(ticket(6), NOW)
    reopened = CheckinDesk(Outbox.open(data_dir / "outbox.db"), kiosk="tofte-1", site="tofte",
                           wall=lambda: NOW)  # fmt: skip
    reopened.use(desk.material)
    assert reopened.open(seniortrim(desk)) == 1, "the count is read back from the outbox"
    assert reopened.scan(ticket(6), NOW).code == "already_checked_in"


def test_undo_takes_back_the_last_check_in_and_the_ticket_may_come_in_again(desk):
    desk.open(seniortrim(desk))
    desk.scan(ticket(7), NOW)
    desk.scan(ticket(8), NOW)
    assert desk.undo_last(NOW).code == "undone"
    assert desk.count == 1
    assert desk.scan(ticket(8), NOW).code == "accepted", "undone: scanned again, let in again"
    assert desk.scan(ticket(7), NOW).code == "already_checked_in"
    records = desk.outbox.about_ticket(CHECKIN_KIND, "T-00000008")
    assert [r.payload["result"] for r in records] == ["accepted", "undone", "accepted"]
    assert records[1].payload["undoes"] == records[0].nonce, "nothing is deleted"


def test_undo_with_nothing_to_undo_says_so(desk):
    desk.open(seniortrim(desk))
    assert desk.undo_last(NOW).code == "nothing_to_undo"
    assert desk.count == 0


def test_a_full_activity_can_be_opened_by_staff_and_is_recorded_as_forced(desk):
    desk.open(replace(seniortrim(desk), capacity=1))
    desk.scan(ticket(9), NOW)
    full = desk.scan(ticket(10), NOW)
    assert full.code == "full" and full.can_override
    assert desk.count == 1
    forced = desk.let_in_anyway(full, NOW)
    assert forced.code == "forced" and forced.admits
    [record] = desk.outbox.about_ticket(CHECKIN_KIND, "T-0000000A")
    assert (record.payload["result"], record.payload["forced"]) == ("accepted", True)
    assert desk.count == 2
    assert desk.let_in_anyway(full, NOW).code == "already_checked_in", "a second tap adds none"


def test_plus_one_without_a_ticket_counts_and_can_be_undone(desk):
    desk.open(seniortrim(desk))
    assert desk.walk_in(NOW).code == "walk_in"
    assert desk.count == 1
    [record] = desk.outbox.about_occurrence(CHECKIN_KIND, "tofte-seniortrim", "2026-12-03")
    assert (record.payload["result"], record.payload["ticket"]) == ("walk_in", None)
    desk.undo_last(NOW)
    assert desk.open(seniortrim(desk)) == 0


def test_a_clock_behind_the_newest_check_in_is_recorded_with_the_check_in(desk):
    desk.open(seniortrim(desk))
    desk.scan(ticket(11), NOW)
    earlier = NOW - timedelta(hours=2)
    desk.scan(ticket(12, valid_from=earlier - timedelta(minutes=30)), earlier)
    [record] = desk.outbox.about_ticket(CHECKIN_KIND, "T-0000000C")
    assert record.payload["clock"] == "behind_checkin"


def test_a_scan_never_waits_for_a_sync_holding_the_schedule_lock(desk, data_dir):
    """The desk reads kiosk.db only when material is built; scans touch only outbox.db."""
    desk.open(seniortrim(desk))
    holder = sqlite3.connect(data_dir / "kiosk.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what a long snapshot write holds, and more
    try:
        done = threading.Event()
        results = []

        def scan():
            results.append(desk.scan(ticket(13), NOW))
            done.set()

        started = time.monotonic()
        threading.Thread(target=scan).start()
        assert done.wait(5), "the scan waited for kiosk.db's lock"
        assert results[0].code == "accepted"
        assert time.monotonic() - started < 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
