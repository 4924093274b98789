"""kiosk.schedule, the screen's read API, over a real SQLite file filled by the real sync.

Each test writes a small hand-made feed, syncs it from a local file at a pinned ``now`` and
asks the Schedule questions the screen asks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import PINNED_NOW, activity, feed
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.database import open_db
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source


@pytest.fixture
def schedule_of(tmp_path, make_feed):
    """``schedule_of(activities, now=..., announcements=...)`` → a Schedule over a fresh db."""
    opened: list[Schedule] = []

    def build(activities, *, now=PINNED_NOW, announcements=()) -> Schedule:
        path = make_feed(feed(activities, announcements=announcements))
        db = open_db(tmp_path / "kiosk.db")
        result = sync_source(db, Source("central", "feed", str(path)), now=now)
        db.conn.close()
        assert result.outcome == "updated", result.line()
        schedule = Schedule.open(tmp_path / "kiosk.db")
        opened.append(schedule)
        return schedule

    yield build
    for schedule in opened:
        schedule.close()


def on_dec(day: int, hh_mm: str, minutes: int = 60, **kw) -> dict:
    """A one-off activity on December ``day`` 2026 at local ``hh_mm`` (CET, +01:00)."""
    start = datetime.fromisoformat(f"2026-12-{day:02d}T{hh_mm}:00+01:00")
    end = start + timedelta(minutes=minutes)
    name = kw.pop("id", f"dec{day}-{hh_mm.replace(':', '')}")
    return activity(name, start.isoformat(), end.isoformat(), **kw)


def ids(views) -> list[str]:
    return [v.activity_id for v in views]


def test_today_lists_the_sites_occurrences_in_start_order(schedule_of):
    schedule = schedule_of(
        [
            on_dec(3, "12:00", id="lunch"),
            on_dec(3, "09:00", id="breakfast"),
            on_dec(3, "11:00", id="elsewhere", site="tofte"),
            on_dec(4, "09:00", id="tomorrow"),
            on_dec(2, "09:00", id="yesterday"),
        ]
    )
    today = schedule.today("holmen", PINNED_NOW)
    assert ids(today) == ["breakfast", "lunch"]
    assert today[0].start == datetime(2026, 12, 3, 9, 0, tzinfo=OSLO)
    assert today[0].title == {"nb": "Aktivitet breakfast", "en": "Activity breakfast"}


def test_now_and_next_leaves_out_past_and_cancelled(schedule_of):
    cancelled = on_dec(3, "12:00", id="cancelled")
    cancelled["status"] = "cancelled"
    schedule = schedule_of(
        [
            on_dec(3, "08:00", id="over"),
            on_dec(3, "09:00", 120, id="running"),
            on_dec(3, "11:00", id="next"),
            cancelled,
            on_dec(3, "13:00", id="after-that"),
            on_dec(3, "15:00", id="later-still"),
        ]
    )
    running, upcoming = schedule.now_and_next("holmen", PINNED_NOW)
    assert ids(running) == ["running"]
    assert ids(upcoming) == ["next", "after-that"]


def test_category_filter_keeps_only_that_category(schedule_of):
    schedule = schedule_of(
        [
            on_dec(3, "09:00", id="trim", category="exercise"),
            on_dec(3, "11:00", id="pc", category="digital-help"),
            on_dec(3, "13:00", id="walk", category="exercise"),
        ]
    )
    assert ids(schedule.today("holmen", PINNED_NOW, category="exercise")) == ["trim", "walk"]
    assert schedule.categories("holmen", PINNED_NOW.date()) == ["digital-help", "exercise"]


def test_days_ahead_gives_each_local_day_its_own_occurrences(schedule_of):
    weekly = activity(
        "thursdays",
        "2026-11-05T18:00:00+01:00",
        "2026-11-05T19:00:00+01:00",
        rrule="FREQ=WEEKLY;BYDAY=TH",
    )
    schedule = schedule_of([weekly, on_dec(5, "12:00", id="saturday")])
    days = schedule.days_ahead("holmen", PINNED_NOW, days=8)
    assert list(days) == [date(2026, 12, 3) + timedelta(days=n) for n in range(8)]
    assert {day: ids(items) for day, items in days.items() if items} == {
        date(2026, 12, 3): ["thursdays"],
        date(2026, 12, 5): ["saturday"],
        date(2026, 12, 10): ["thursdays"],
    }


def test_announcements_are_those_valid_now_site_first(schedule_of):
    def note(id, site, valid_from, valid_until):
        return {
            "id": id,
            "site": site,
            "text": {"nb": f"Melding {id}"},
            "valid_from": valid_from,
            "valid_until": valid_until,
        }

    schedule = schedule_of(
        [on_dec(3, "09:00")],
        announcements=[
            note("everyone", None, "2026-11-01T00:00:00+01:00", "2026-12-31T00:00:00+01:00"),
            note("here", "holmen", "2026-12-03T10:00:00+01:00", "2026-12-03T10:30:00+01:00"),
            note("expired", "holmen", "2026-11-01T00:00:00+01:00", "2026-12-03T10:15:00+01:00"),
            note("future", "holmen", "2026-12-03T10:16:00+01:00", "2026-12-31T00:00:00+01:00"),
            note("other-torg", "tofte", "2026-11-01T00:00:00+01:00", "2026-12-31T00:00:00+01:00"),
        ],
    )
    shown = schedule.announcements("holmen", PINNED_NOW)
    assert [a.id for a in shown] == ["here", "everyone"]
    assert shown[0].valid_until == datetime(2026, 12, 3, 10, 30, tzinfo=OSLO)


def test_freshness_ages_from_the_last_success(schedule_of):
    schedule = schedule_of([on_dec(3, "09:00")])
    soon = schedule.freshness(PINNED_NOW + timedelta(minutes=30))
    assert soon.last_success == PINNED_NOW
    assert soon.age == timedelta(minutes=30)
    assert not soon.is_stale()
    assert schedule.freshness(PINNED_NOW + timedelta(hours=2)).is_stale()
    assert not schedule.freshness(PINNED_NOW + timedelta(hours=2)).is_stale(timedelta(hours=3))


@pytest.mark.parametrize(
    ("first", "now", "offsets"),
    [
        ("2026-03-22T10:00:00+01:00", datetime(2026, 3, 23, 12, tzinfo=OSLO), [1, 2, 2]),
        ("2026-10-18T10:00:00+02:00", datetime(2026, 10, 19, 12, tzinfo=OSLO), [2, 1, 1]),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_weekly_10_00_series_stays_at_10_00_across_dst(schedule_of, first, now, offsets):
    start = datetime.fromisoformat(first)
    sundays = activity(
        "sunday-walk",
        first,
        (start + timedelta(hours=1)).isoformat(),
        rrule="FREQ=WEEKLY;BYDAY=SU",
    )
    schedule = schedule_of([sundays], now=now)
    days = [start.date() + timedelta(weeks=n) for n in range(3)]
    seen = [schedule.on_day("holmen", day) for day in days]
    assert [ids(items) for items in seen] == [["sunday-walk"]] * 3
    assert [(items[0].start.hour, items[0].start.minute) for items in seen] == [(10, 0)] * 3
    assert [items[0].end.hour for items in seen] == [11] * 3
    assert [items[0].start.utcoffset() // timedelta(hours=1) for items in seen] == offsets


@pytest.mark.parametrize(
    ("day", "hours", "eve", "late", "after"),
    [
        (date(2026, 3, 29), 23, "+01:00", "+02:00", "+02:00"),
        (date(2026, 10, 25), 25, "+02:00", "+01:00", "+01:00"),
    ],
    ids=["23-hour-day", "25-hour-day"],
)
def test_on_day_of_a_dst_switch_covers_exactly_the_local_day(
    schedule_of, day, hours, eve, late, after
):
    before_day = day - timedelta(days=1)
    next_day = day + timedelta(days=1)
    schedule = schedule_of(
        [
            activity("eve", f"{before_day}T23:30:00{eve}", f"{before_day}T23:50:00{eve}"),
            activity("early", f"{day}T00:30:00{eve}", f"{day}T00:50:00{eve}"),
            activity("late", f"{day}T23:30:00{late}", f"{day}T23:50:00{late}"),
            activity("next-day", f"{next_day}T00:30:00{after}", f"{next_day}T00:50:00{after}"),
        ],
        now=datetime.combine(day, datetime.min.time(), tzinfo=OSLO) + timedelta(hours=12),
    )
    midnights = [datetime.combine(d, datetime.min.time(), tzinfo=OSLO) for d in (day, next_day)]
    # Same-zone subtraction is wall-clock in Python; in UTC the day really is that long.
    assert midnights[1].astimezone(UTC) - midnights[0].astimezone(UTC) == timedelta(hours=hours)
    assert ids(schedule.on_day("holmen", day)) == ["early", "late"]
    assert ids(schedule.on_day("holmen", next_day)) == ["next-day"]


def test_an_activity_across_midnight_is_on_both_days_it_touches(schedule_of):
    night = activity("night", "2026-12-04T22:00:00+01:00", "2026-12-05T01:00:00+01:00")
    schedule = schedule_of([night])
    assert ids(schedule.on_day("holmen", date(2026, 12, 4))) == ["night"]
    assert ids(schedule.on_day("holmen", date(2026, 12, 5))) == ["night"]
    assert ids(schedule.on_day("holmen", date(2026, 12, 6))) == []
    assert ids(schedule.on_day("holmen", date(2026, 12, 3))) == []
