"""The RRULE fast path must agree with dateutil's full RFC 5545 implementation."""

import random
from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from torg_kiosk.store.records import Window
from torg_kiosk.sync.recurrence import MAX_PER_SERIES, RecurrenceError, expand

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


def test_runaway_rule_is_refused():
    with pytest.raises(RecurrenceError, match="more than"):
        expand(datetime(2026, 12, 1), "FREQ=MINUTELY;INTERVAL=5", timedelta(minutes=5), WINDOW)
    assert MAX_PER_SERIES == 500


def test_garbage_rule_is_refused_with_a_reason():
    with pytest.raises(RecurrenceError):
        expand(datetime(2026, 12, 1), "FREQ=SOMETIMES;BYDAY=XX", timedelta(hours=1), WINDOW)
