"""Clock trust: a clock earlier than what it stored, or one that jumps, is not believed.

Every clock here is pinned; the evidence comes from real kiosk.db and outbox.db files written
by the store's own writers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from torg_kiosk.base.clock_trust import (
    BEFORE_RELEASE,
    BEHIND_CHECKIN,
    BEHIND_LAST_SYNC,
    JUMPED,
    TRUSTED,
    ClockEvidence,
    JumpWatch,
    assess_clock,
)
from torg_kiosk.store.clock_evidence import read_clock_evidence
from torg_kiosk.store.database import open_db
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.store.snapshots import SourceMeta, record_failure, record_unchanged

NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


def test_a_clock_later_than_everything_it_stored_is_trusted():
    evidence = ClockEvidence(last_sync_at=NOW - timedelta(minutes=14),
                             newest_checkin_at=NOW - timedelta(hours=2))  # fmt: skip
    trust = assess_clock(NOW, evidence)
    assert trust.trusted and trust.code == TRUSTED and trust.reason == ""


def test_a_clock_earlier_than_the_last_successful_sync_went_backwards():
    trust = assess_clock(NOW, ClockEvidence(last_sync_at=NOW + timedelta(hours=3)))
    assert not trust.trusted
    assert trust.code == BEHIND_LAST_SYNC
    assert "2026-12-03 12:15 UTC" in trust.reason and "timedatectl" in trust.reason


def test_a_clock_earlier_than_the_newest_checkin_went_backwards():
    trust = assess_clock(NOW, ClockEvidence(newest_checkin_at=NOW + timedelta(days=1)))
    assert trust.code == BEHIND_CHECKIN
    assert "check-in" in trust.reason


def test_a_few_seconds_behind_a_stored_time_is_normal_ntp_correction():
    evidence = ClockEvidence(last_sync_at=NOW + timedelta(seconds=40),
                             newest_checkin_at=NOW + timedelta(minutes=4))  # fmt: skip
    assert assess_clock(NOW, evidence).trusted


def test_a_clock_before_this_software_existed_is_wrong_even_with_no_evidence():
    trust = assess_clock(datetime(1970, 1, 1, 0, 1, tzinfo=UTC))
    assert trust.code == BEFORE_RELEASE
    assert "1970-01-01 00:01 UTC" in trust.reason


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="zone"):
        assess_clock(datetime(2026, 12, 3, 9, 15))


class PinnedClocks:
    """A wall clock and a monotonic clock that move only when told."""

    def __init__(self):
        self.wall_now = NOW
        self.mono_now = 1000.0

    def wall(self) -> datetime:
        return self.wall_now

    def monotonic(self) -> float:
        return self.mono_now

    def tick(self, seconds: float) -> None:
        self.wall_now += timedelta(seconds=seconds)
        self.mono_now += seconds


def test_clocks_moving_together_are_no_jump():
    clocks = PinnedClocks()
    watch = JumpWatch(clocks.wall, clocks.monotonic)
    for _ in range(10):
        clocks.tick(300)
        clocks.wall_now += timedelta(seconds=1)  # NTP slewing a little
        assert watch.look() is None


def test_a_wall_clock_stepped_forward_is_a_jump_with_its_size():
    clocks = PinnedClocks()
    watch = JumpWatch(clocks.wall, clocks.monotonic)
    clocks.tick(60)
    clocks.wall_now += timedelta(hours=3, minutes=12)
    jump = watch.look()
    assert jump is not None and jump.seconds == pytest.approx(3 * 3600 + 12 * 60)
    trust = assess_clock(clocks.wall(), jump=jump)
    assert trust.code == JUMPED
    assert "forward by 3 h 12 min" in trust.reason


def test_a_wall_clock_stepped_backwards_is_a_jump():
    clocks = PinnedClocks()
    watch = JumpWatch(clocks.wall, clocks.monotonic)
    clocks.tick(60)
    clocks.wall_now -= timedelta(minutes=30)
    trust = assess_clock(clocks.wall(), jump=watch.look())
    assert trust.code == JUMPED and "backwards by 30 min" in trust.reason


def test_a_jump_is_remembered_for_an_hour_then_forgotten():
    clocks = PinnedClocks()
    watch = JumpWatch(clocks.wall, clocks.monotonic)
    clocks.wall_now += timedelta(hours=2)
    assert watch.look() is not None
    clocks.tick(59 * 60)
    assert watch.look() is not None, "still within the hour: the heartbeat must see it"
    clocks.tick(2 * 60)
    assert watch.look() is None


def test_a_clock_behind_the_evidence_outweighs_a_jump():
    clocks = PinnedClocks()
    watch = JumpWatch(clocks.wall, clocks.monotonic)
    clocks.wall_now -= timedelta(days=2)
    trust = assess_clock(clocks.wall(), ClockEvidence(last_sync_at=NOW), watch.look())
    assert trust.code == BEHIND_LAST_SYNC


# -- evidence from the data folder -----------------------------------------------------------


def test_evidence_is_the_newest_sync_success_and_the_newest_checkin(tmp_path):
    db = open_db(tmp_path / "kiosk.db")
    record_unchanged(db, SourceMeta("feed", "feed", "x"), now=NOW - timedelta(hours=1))
    record_unchanged(db, SourceMeta("cal", "ical", "y"), now=NOW)
    record_failure(db, SourceMeta("feed", "feed", "x"), now=NOW + timedelta(hours=5),
                   code="timeout", message="timed out")  # fmt: skip
    db.conn.close()
    outbox = Outbox.open(tmp_path / "outbox.db")
    outbox.add("checkin", {"ticket": "T-1"}, now=NOW - timedelta(minutes=5))
    outbox.add("checkin", {"ticket": "T-2"}, now=NOW + timedelta(minutes=7))
    outbox.add("heartbeat", {"at": "later"}, now=NOW + timedelta(days=9))
    outbox.close()

    evidence = read_clock_evidence(tmp_path)

    assert evidence.last_sync_at == NOW, "a failed attempt is no evidence of the time"
    assert evidence.newest_checkin_at == NOW + timedelta(minutes=7), "only check-ins count"


def test_an_empty_data_folder_gives_no_evidence_and_a_trusted_clock(tmp_path):
    evidence = read_clock_evidence(tmp_path)
    assert evidence == ClockEvidence()
    assert assess_clock(NOW, evidence).trusted


def test_a_damaged_database_gives_no_evidence_rather_than_an_error(tmp_path):
    (tmp_path / "kiosk.db").write_bytes(b"this is not a database" * 100)
    (tmp_path / "outbox.db").write_bytes(b"")
    assert read_clock_evidence(tmp_path) == ClockEvidence()


def test_after_a_reboot_into_the_past_the_stored_checkins_say_so(tmp_path):
    outbox = Outbox.open(tmp_path / "outbox.db")
    outbox.add("checkin", {"ticket": "T-1"}, now=NOW)
    outbox.close()
    rebooted = NOW - timedelta(days=30)  # a Pi without network, fake-hwclock from last month
    assert assess_clock(rebooted, read_clock_evidence(tmp_path)).code == BEHIND_CHECKIN
