"""One pathological repeat rule is one skipped record, never a stalled sync.

Regression tests for "One bad character must never take the lobby screens down", item 3: one
``FREQ=SECONDLY`` (or ``MINUTELY``) rule starting in 2000 stalled the whole sync while it held
the write lock (MINUTELY 27.6 s; SECONDLY still running after 150 s), because the expansion
walked every instance from the rule's start. Each test syncs real files into a real SQLite
database with the real pipeline; the observable is what is stored and the reason logged,
never a time.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from tests.conftest import DEMO_FEED, PINNED_NOW, activity
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import ParsedSource, Window
from torg_kiosk.store.snapshots import open_db, replace_snapshot
from torg_kiosk.sync.formats.feed_v1 import activity_from_record, occurrences_of
from torg_kiosk.sync.pipeline import Source, sync_source

WINDOW = Window.around(PINNED_NOW)
FROM_2000 = "2000-01-03T10:00:00+01:00"
THIRTY_SECONDS_LATER = "2000-01-03T10:00:30+01:00"


def rule_from_2000(id: str, rrule: str) -> dict:
    return activity(id, FROM_2000, THIRTY_SECONDS_LATER, site="asker-sentrum", rrule=rrule)


def demo_feed_with(tmp_path, *extra: dict):
    """The demo feed, plus ``extra`` activities at the end, as a file."""
    document = json.loads(DEMO_FEED.read_text(encoding="utf-8"))
    # A copy is not the bundled demo feed, so its demo ticket key would be dropped (and
    # counted as skipped): these tests are about rules, so the copy has no keys.
    document.pop("ticket_keys", None)
    document["activities"] += list(extra)
    path = tmp_path / f"feed-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def sync_into(db_path, location, *, kind: str = "feed", now: datetime = PINNED_NOW):
    db = open_db(db_path)
    result = sync_source(db, Source("central", kind, str(location), site="tofte"), now=now)
    return db, result


def rows(db, table: str) -> list[tuple]:
    """The table's rows; a stored JSON document is compared by what it says, not its spacing."""
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
    names = [column[0] for column in cursor.description]
    return [
        tuple(json.loads(v) if name == "doc" else v for name, v in zip(names, row, strict=True))
        for row in cursor.fetchall()
    ]


def utc_starts(db, activity_id: str) -> list[datetime]:
    return [
        datetime.fromtimestamp(start, UTC)
        for (start,) in db.execute(
            "SELECT start FROM occurrences WHERE activity_id = ? ORDER BY start", (activity_id,)
        )
    ]


def quarter_hours_in_window(duration: timedelta) -> list[datetime]:
    """dateutil's FREQ=MINUTELY;INTERVAL=15 inside the window, as UTC instants.

    From a start in November 2026 with the same phase as 2000-01-03 10:00 (every quarter hour
    of the wall clock): walking from 2000 itself would take dateutil minutes.
    """
    lo = datetime.combine(WINDOW.first, datetime.min.time()) - duration
    hi = datetime.combine(WINDOW.last + timedelta(days=1), datetime.min.time())
    rule = rrulestr("FREQ=MINUTELY;INTERVAL=15", dtstart=datetime(2026, 11, 30, 10, 0))
    return [
        start.replace(tzinfo=OSLO).astimezone(UTC)
        for start in rule.between(lo, hi, inc=True)
        if lo < start < hi
    ]


@pytest.mark.parametrize(
    ("rrule", "per_hour"),
    [
        ("FREQ=SECONDLY", 3600),
        ("FREQ=MINUTELY", 60),
        ("FREQ=HOURLY;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55", 12),
    ],
)
def test_a_rule_from_2000_finer_than_the_limit_is_skipped_and_the_rest_of_the_feed_stored(
    tmp_path, caplog, rrule, per_hour
):
    plain, plain_result = sync_into(tmp_path / "plain.db", demo_feed_with(tmp_path))
    bad = rule_from_2000("bad-rule", rrule)
    with caplog.at_level(logging.WARNING):
        db, result = sync_into(tmp_path / "kiosk.db", demo_feed_with(tmp_path, bad))

    assert result.outcome == "updated"
    assert (result.activities, result.skipped) == (plain_result.activities, 1)
    assert f"skipped activity bad-rule: the rule {rrule!r} can start {per_hour} times" in (
        caplog.text
    )
    assert rows(db, "activities") == rows(plain, "activities")
    assert rows(db, "occurrences") == rows(plain, "occurrences")


def test_every_15_minutes_from_2000_is_stored_for_the_window_like_dateutil_says(tmp_path):
    plain, _ = sync_into(tmp_path / "plain.db", demo_feed_with(tmp_path))
    quarter = rule_from_2000("quarter-hours", "FREQ=MINUTELY;INTERVAL=15")
    db, result = sync_into(tmp_path / "kiosk.db", demo_feed_with(tmp_path, quarter))

    assert (result.outcome, result.skipped) == ("updated", 0)
    expected = quarter_hours_in_window(timedelta(seconds=30))
    assert len(expected) == 1536
    assert utc_starts(db, "quarter-hours") == expected
    others = [row for row in rows(db, "occurrences") if "quarter-hours" not in row]
    assert others == rows(plain, "occurrences")


def test_a_count_rule_from_2000_gives_its_last_dates_in_the_window(tmp_path):
    # Every second day from 2000-01-03 10:00, with a COUNT whose last date is Friday
    # 4 December 2026: counted, not walked, and cut exactly there.
    last = datetime(2026, 12, 4, 10, 0)
    count = (last - datetime(2000, 1, 3, 10, 0)).days // 2 + 1
    series = rule_from_2000("every-other-day", f"FREQ=DAILY;INTERVAL=2;COUNT={count}")
    db, result = sync_into(tmp_path / "kiosk.db", demo_feed_with(tmp_path, series))

    assert (result.outcome, result.skipped) == ("updated", 0)
    assert utc_starts(db, "every-other-day") == [
        datetime(2026, 12, day, 9, 0, tzinfo=UTC) for day in (2, 4)
    ]


def calendar(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//torg-kiosk//tests//NB"]
    for event in events:
        lines += ["BEGIN:VEVENT", *(line.strip() for line in event.strip().splitlines())]
        lines.append("END:VEVENT")
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def vevent(uid: str, rrule: str, start: str = "20000103T100000", end: str = "20000103T100030"):
    return f"""
        UID:{uid}
        SUMMARY:{uid}
        DTSTART;TZID=Europe/Oslo:{start}
        DTEND;TZID=Europe/Oslo:{end}
        RRULE:{rrule}
    """


def test_an_ics_with_rules_from_2000_skips_the_too_fine_and_expands_the_rest(tmp_path, caplog):
    weeks = (datetime(2026, 12, 8) - datetime(2000, 1, 4)).days // 7
    path = tmp_path / "tofte.ics"
    path.write_bytes(
        calendar(
            vevent("trim", "FREQ=WEEKLY;BYDAY=TU", "20260901T100000", "20260901T110000"),
            vevent("sekund", "FREQ=SECONDLY"),
            vevent("minutt", "FREQ=MINUTELY"),
            vevent("tett", "FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50;BYSECOND=0,30"),
            vevent("kvarter", "FREQ=MINUTELY;INTERVAL=15"),
            # Tuesdays from 4 January 2000; the last of them is 8 December 2026.
            vevent("telt", f"FREQ=WEEKLY;COUNT={weeks + 1}", "20000104T180000", "20000104T190000"),
        )
    )
    with caplog.at_level(logging.WARNING):
        db, result = sync_into(tmp_path / "kiosk.db", path, kind="ical")

    assert (result.outcome, result.activities, result.skipped) == ("updated", 3, 3)
    stored = {activity_id for (activity_id,) in db.execute("SELECT id FROM activities")}
    assert stored == {"trim", "kvarter", "telt"}
    for uid, rule in (("sekund", "FREQ=SECONDLY"), ("minutt", "FREQ=MINUTELY")):
        assert f"Skipped calendar event {uid}: the repeat rule (RRULE) is not used: " in caplog.text
        assert f"the rule {rule!r} can start" in caplog.text
    assert utc_starts(db, "kvarter") == quarter_hours_in_window(timedelta(seconds=30))
    assert utc_starts(db, "telt") == [datetime(2026, 12, 8, 17, 0, tzinfo=UTC)]
    assert utc_starts(db, "trim") == [datetime(2026, 12, day, 9, 0, tzinfo=UTC) for day in (8, 15)]


def test_the_offline_reexpansion_of_a_stored_pathological_activity_leaves_it_out(tmp_path, caplog):
    # As a kiosk that took the rule before this limit would have stored it.
    records = [
        activity(
            "choir",
            "2026-11-05T18:00:00+01:00",
            "2026-11-05T19:30:00+01:00",
            rrule="FREQ=WEEKLY;BYDAY=TH",
        ),
        rule_from_2000("bad-secondly", "FREQ=SECONDLY"),
    ]
    activities = [activity_from_record(record, json.dumps(record)) for record in records]
    source = Source("central", "feed", str(tmp_path / "gone.json"))
    db = open_db(tmp_path / "kiosk.db")
    replace_snapshot(
        db, source.meta, ParsedSource(activities=activities), now=PINNED_NOW, window=WINDOW
    )

    two_days_later = PINNED_NOW + timedelta(days=2)
    with caplog.at_level(logging.WARNING):
        result = sync_source(db, source, now=two_days_later)

    assert result.outcome == "failed"  # the file is gone: the stored rows are expanded again
    new_window = Window.around(two_days_later)
    expected = [o.start.astimezone(UTC) for o in occurrences_of(activities[0], new_window)]
    assert expected
    assert utc_starts(db, "choir") == expected
    assert utc_starts(db, "bad-secondly") == []
    assert "activity bad-secondly left out of the new window: the rule 'FREQ=SECONDLY'" in (
        caplog.text
    )
