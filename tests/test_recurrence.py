"""The RRULE fast path must agree with dateutil's full RFC 5545 implementation."""

import random
from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from torg_kiosk.store.records import Window
from torg_kiosk.sync.recurrence import MAX_PER_SERIES, RecurrenceError, expand, reanchored

WINDOW = Window(date(2026, 12, 2), date(2026, 12, 17))


def dateutil_starts(start, rule, duration, window):
    lo = datetime.combine(window.first, datetime.min.time()) - duration
    hi = datetime.combine(window.last + timedelta(days=1), datetime.min.time())
    return [s for s in rrulestr(rule, dtstart=start).between(lo, hi, inc=True) if lo < s < hi]


def random_simple_rule(rng):
    freq = rng.choice(["WEEKLY", "DAILY"])
    parts = [f"FREQ={freq}"]
    if freq == "WEEKLY":
        if rng.random() < 0.7:
            days = rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], rng.randint(1, 3))
            parts.append("BYDAY=" + ",".join(days))
        if rng.random() < 0.5:
            parts.append(f"INTERVAL={rng.randint(1, 3)}")
    elif rng.random() < 0.3:
        parts.append("BYDAY=MO,WE,FR")
    if rng.random() < 0.3:
        until = date(2026, 12, 1) + timedelta(days=rng.randint(0, 20))
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    rng.shuffle(parts[1:])
    return ";".join(parts)


def test_fast_path_agrees_with_dateutil_on_500_random_rules():
    rng = random.Random(20261203)
    for _ in range(500):
        start = datetime(2026, 1, 1, rng.randint(6, 22), rng.choice([0, 15, 30])) + timedelta(
            days=rng.randint(0, 360)
        )
        rule = random_simple_rule(rng)
        duration = timedelta(minutes=rng.choice([30, 60, 90, 180, 240]))
        assert expand(start, rule, duration, WINDOW) == dateutil_starts(
            start, rule, duration, WINDOW
        ), (start, rule)


def test_rules_beyond_the_fast_path_go_to_dateutil():
    start = datetime(2026, 9, 1, 18, 0)
    rule = "FREQ=MONTHLY;BYDAY=1TH"  # the first Thursday of the month
    assert expand(start, rule, timedelta(hours=2), WINDOW) == [datetime(2026, 12, 3, 18, 0)]


def test_count_is_honoured():
    start = datetime(2026, 11, 30, 10, 0)
    assert expand(start, "FREQ=DAILY;COUNT=5", timedelta(hours=1), WINDOW) == [
        datetime(2026, 12, d, 10, 0) for d in (2, 3, 4)
    ]


def test_utc_until_is_read_in_local_time():
    # 09:00Z on 10 December is 10:00 in Oslo: the 10:00 occurrence that day is the last one.
    start = datetime(2026, 12, 1, 10, 0)
    starts = expand(start, "FREQ=DAILY;UNTIL=20261210T090000Z", timedelta(hours=1), WINDOW)
    assert starts[-1] == datetime(2026, 12, 10, 10, 0)


def test_occurrence_from_the_evening_before_the_window_that_runs_into_it_is_kept():
    start = datetime(2026, 12, 1, 22, 0)
    assert expand(start, None, timedelta(hours=3), WINDOW) == [start]
    assert expand(start, None, timedelta(hours=1), WINDOW) == []


def test_a_series_with_more_occurrences_than_the_cap_is_refused():
    # Every 15 minutes is allowed, but a week-long duration drags 672 more into the window.
    with pytest.raises(RecurrenceError, match=f"more than {MAX_PER_SERIES} occurrences"):
        expand(datetime(2026, 11, 1), "FREQ=MINUTELY;INTERVAL=15", timedelta(days=7), WINDOW)


def test_garbage_rule_is_refused_with_a_reason():
    with pytest.raises(RecurrenceError):
        expand(datetime(2026, 12, 1), "FREQ=SOMETIMES;BYDAY=XX", timedelta(hours=1), WINDOW)


# --- bounded by the window, not by the rule's start ------------------------------------------
#
# Every test below compares with dateutil walking the rule from its real start (or states the
# dates by hand where that walk would take minutes), so moving the start up near the window
# and counting instead of walking are checked against the full RFC 5545 implementation.


def test_daily_interval_counts_days_not_weeks():
    # Regression: FREQ=DAILY;INTERVAL=3 used to give every day of one week in three.
    start = datetime(2026, 11, 30, 10, 0)
    rule = "FREQ=DAILY;INTERVAL=3"
    assert expand(start, rule, timedelta(hours=1), WINDOW) == dateutil_starts(
        start, rule, timedelta(hours=1), WINDOW
    )
    assert expand(start, rule, timedelta(hours=1), WINDOW)[:2] == [
        datetime(2026, 12, 3, 10, 0),
        datetime(2026, 12, 6, 10, 0),
    ]


def test_a_weekly_series_from_2000_gives_the_window_s_dates():
    start = datetime(2000, 1, 4, 18, 0)  # a Tuesday
    rule = "FREQ=WEEKLY;INTERVAL=2"
    assert expand(start, rule, timedelta(hours=2), WINDOW) == dateutil_starts(
        start, rule, timedelta(hours=2), WINDOW
    )


def test_every_15_minutes_from_2000_is_every_quarter_hour_of_the_window():
    # dateutil would walk 940,000 starts from 2000; the same phase from November 2026 gives
    # the same dates, and so does counting quarter hours.
    duration = timedelta(minutes=10)
    starts = expand(datetime(2000, 1, 3, 10, 0), "FREQ=MINUTELY;INTERVAL=15", duration, WINDOW)
    same_phase = datetime(2026, 11, 30, 10, 0)
    assert starts == dateutil_starts(same_phase, "FREQ=MINUTELY;INTERVAL=15", duration, WINDOW)
    first = datetime(2026, 12, 2, 0, 0)
    assert starts == [first + timedelta(minutes=15 * n) for n in range(16 * 24 * 4)]
    assert len(starts) == 1536


def test_a_count_that_ends_inside_the_window_is_counted_not_walked():
    # Quarter hours from 2000-01-03 10:00; the last one is 2026-12-03 12:00.
    start = datetime(2000, 1, 3, 10, 0)
    count = (datetime(2026, 12, 3, 12, 0) - start) // timedelta(minutes=15) + 1
    rule = f"FREQ=MINUTELY;INTERVAL=15;COUNT={count}"
    starts = expand(start, rule, timedelta(minutes=10), WINDOW)
    assert starts[0] == datetime(2026, 12, 2, 0, 0)
    assert starts[-1] == datetime(2026, 12, 3, 12, 0)
    assert len(starts) == (24 + 12) * 4 + 1


def random_count_rule(rng) -> tuple[datetime, str]:
    """A COUNT rule from long ago (sub-daily ones from months ago, to keep dateutil quick)."""
    kind = rng.choice(["daily", "weekly", "byday", "dailybyday", "hourly", "quarter", "monthly"])
    years_back = rng.randint(1, 26)
    start = datetime(2026, 12, 1, rng.randint(6, 21), rng.choice([0, 15, 30, 45]))
    start -= timedelta(days=365 * years_back + rng.randint(0, 364))
    if kind == "daily":
        rule = f"FREQ=DAILY;INTERVAL={rng.randint(1, 4)}"
    elif kind == "weekly":
        rule = f"FREQ=WEEKLY;INTERVAL={rng.randint(1, 3)}"
    elif kind == "byday":
        days = ",".join(rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], rng.randint(1, 4)))
        rule = f"FREQ=WEEKLY;INTERVAL={rng.randint(1, 3)};BYDAY={days}"
    elif kind == "dailybyday":
        rule = "FREQ=DAILY;BYDAY=" + ",".join(rng.sample(["MO", "WE", "FR", "SA"], 2))
    elif kind == "hourly":
        start = datetime(2026, 12, 1, 9, 30) - timedelta(hours=rng.randint(0, 3000))
        rule = f"FREQ=HOURLY;INTERVAL={rng.randint(1, 7)}"
    elif kind == "quarter":
        start = datetime(2026, 12, 1, 9, 30) - timedelta(minutes=15 * rng.randint(0, 5000))
        rule = f"FREQ=MINUTELY;INTERVAL={rng.choice([15, 20, 30, 45])}"
    else:
        rule = f"FREQ=MONTHLY;BYDAY={rng.choice(['1TH', '2TU', '-1FR'])}"
    return start, rule


def test_count_rules_from_long_ago_agree_with_dateutil():
    rng = random.Random(20000103)
    lo = datetime.combine(WINDOW.first, datetime.min.time())
    for _ in range(150):
        start, rule = random_count_rule(rng)
        before_window = len(list(rrulestr(rule, dtstart=start).between(start, lo, inc=False)))
        # A COUNT that ends a few dates before the window, in it, or after it.
        count = max(1, before_window + rng.randint(-3, 12))
        rule = f"{rule};COUNT={count}"
        duration = timedelta(minutes=rng.choice([10, 60, 90]))
        assert expand(start, rule, duration, WINDOW) == dateutil_starts(
            start, rule, duration, WINDOW
        ), (start, rule)


def random_walked_rule(rng) -> tuple[datetime, str]:
    """A rule only dateutil can expand; sub-daily ones start months back, the rest years."""
    start = datetime(2026, 12, 1, rng.randint(6, 21), rng.choice([0, 15, 30, 45]))
    start -= timedelta(days=rng.randint(0, 365 * 12))
    interval = f";INTERVAL={rng.randint(2, 3)}" if rng.random() < 0.4 else ""
    templates = [
        f"FREQ=MONTHLY;BYDAY={rng.choice(['1TH', '2TU', '-1FR', '3SA', '1MO,3MO'])}",
        f"FREQ=MONTHLY;BYMONTHDAY={rng.choice(['1', '15', '31', '-1', '1,16'])}",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY",
        "FREQ=YEARLY;BYMONTH=12;BYDAY=1SU,2SU",
        "FREQ=YEARLY;BYWEEKNO=49,50;BYDAY=TH",
        "FREQ=YEARLY;BYYEARDAY=340,-20",
        "FREQ=YEARLY;BYMONTH=12",
        "FREQ=WEEKLY;BYDAY=TU,SA;WKST=SU",
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=10,18",
        "FREQ=DAILY;BYDAY=MO,WE,FR",
        "FREQ=DAILY;BYMONTHDAY=1,15,-1",
        "FREQ=DAILY;BYHOUR=9,13;BYMINUTE=0,30",
    ]
    rule = rng.choice(templates) + interval
    if rng.random() < 0.3:
        start = datetime(2026, 12, 1, 9, 30) - timedelta(minutes=rng.randint(0, 60 * 24 * 120))
        rule = rng.choice(
            [
                f"FREQ=HOURLY;INTERVAL={rng.randint(1, 7)};BYDAY=TU,TH",
                "FREQ=HOURLY;INTERVAL=3;BYHOUR=9,12,15,18",  # empty unless the hour is in phase
                "FREQ=HOURLY;BYMINUTE=0,20,40",
                f"FREQ=MINUTELY;INTERVAL={rng.choice([15, 20, 45, 90])};BYHOUR=10,11",
                "FREQ=SECONDLY;INTERVAL=900;BYMINUTE=0,30",
            ]
        )
    if rng.random() < 0.25:
        until = datetime(2026, 12, 1) + timedelta(days=rng.randint(0, 20), hours=12)
        rule += f";UNTIL={until:%Y%m%dT%H%M%S}"
    return start, rule


def test_rules_dateutil_walks_from_a_later_start_agree_with_walking_from_the_real_start():
    rng = random.Random(26120)
    lo = datetime.combine(WINDOW.first, datetime.min.time())
    moved = 0
    for _ in range(300):
        start, rule = random_walked_rule(rng)
        duration = timedelta(minutes=rng.choice([10, 60, 150]))
        moved += reanchored(start, rule, lo - duration) is not None
        try:
            expected = dateutil_starts(start, rule, duration, WINDOW)
        except ValueError:  # dateutil finds the rule empty: so must we
            with pytest.raises(RecurrenceError, match="cannot be used"):
                expand(start, rule, duration, WINDOW)
            continue
        assert expand(start, rule, duration, WINDOW) == expected, (start, rule)
    assert moved > 250  # the test is about moved starts: most rules must have had one


def test_moving_the_start_up_writes_out_what_the_rule_took_from_it():
    start = datetime(2000, 1, 4, 18, 30)  # a Tuesday
    assert reanchored(start, "FREQ=WEEKLY;INTERVAL=2", datetime(2026, 12, 1)) == (
        datetime(2026, 11, 30),  # a Monday 1,404 weeks (an even number) after 2000-01-03
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=18;BYMINUTE=30;BYSECOND=0",
    )
    assert reanchored(start, "FREQ=MONTHLY;COUNT=400", datetime(2026, 12, 1)) is None


def test_an_impossible_rule_from_2000_gives_nothing_and_is_not_walked_to_the_year_9999():
    # dateutil looks for 30 February day by day until 9999 (seconds); the walk stops ten years
    # after the window, well inside the time budget, so this is an empty series, not an error.
    start = datetime(2000, 1, 3, 10, 0)
    assert expand(start, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", timedelta(hours=1), WINDOW) == []
    assert (
        expand(start, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", timedelta(hours=1), WINDOW)
        == []
    )
