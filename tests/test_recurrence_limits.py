"""What one repeat rule may cost: the finest rule, the caps and the time budget.

No test here times anything: the budgets are observed through the reason a rule is refused
with (a zero budget is spent before the first step), and the walk guard through rules that
would otherwise walk to the year 9999.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import dateutil.rrule
import pytest
from dateutil.rrule import rrulestr

from torg_kiosk.store.records import Window
from torg_kiosk.sync import recurrence_limits
from torg_kiosk.sync.recurrence import ExpansionBudget, RecurrenceError, expand
from torg_kiosk.sync.recurrence_limits import FINEST_STARTS_PER_HOUR, MAX_PER_SERIES

WINDOW = Window(date(2026, 12, 2), date(2026, 12, 17))
FROM_2000 = datetime(2000, 1, 3, 10, 0)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("rule", "per_hour"),
    [
        ("FREQ=SECONDLY", 3600),
        ("FREQ=SECONDLY;INTERVAL=60", 60),
        ("FREQ=MINUTELY", 60),
        ("FREQ=MINUTELY;INTERVAL=14", 5),
        ("FREQ=MINUTELY;INTERVAL=30;BYSECOND=0,20,40", 6),
        ("FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50", 6),
        ("FREQ=DAILY;BYHOUR=10;BYMINUTE=0,15,30,45;BYSECOND=0,30", 8),
    ],
)
def test_a_rule_finer_than_every_15_minutes_is_refused_naming_it(rule, per_hour):
    with pytest.raises(RecurrenceError) as refused:
        expand(FROM_2000, rule, timedelta(seconds=30), WINDOW)
    assert f"the rule {rule!r} can start {per_hour} times an hour" in str(refused.value)
    assert f"at most {FINEST_STARTS_PER_HOUR} starts an hour" in str(refused.value)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MINUTELY;INTERVAL=15",
        "FREQ=SECONDLY;INTERVAL=900",
        "FREQ=HOURLY;BYMINUTE=0,15,30,45",
        "FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15,16;BYMINUTE=0,30",
    ],
)
def test_rules_of_at_most_four_starts_an_hour_are_expanded(rule):
    assert expand(FROM_2000, rule, timedelta(minutes=10), WINDOW)


def test_the_cap_leaves_room_for_the_finest_rule_in_the_whole_window():
    days = (WINDOW.last - WINDOW.first).days + 1
    assert FINEST_STARTS_PER_HOUR * 24 * days == 1536 < MAX_PER_SERIES


def test_a_walk_past_the_series_time_budget_is_stopped_with_a_reason():
    # A zero budget is spent before dateutil's first step: the guard stops the walk.
    budget = ExpansionBudget(series_seconds=0)
    with pytest.raises(RecurrenceError, match="took more than 0 s"):
        expand(FROM_2000, "FREQ=MONTHLY;BYDAY=1TH", HOUR, WINDOW, budget)


def test_a_source_that_has_spent_its_walking_time_skips_the_rules_dateutil_must_walk():
    budget = ExpansionBudget(walk_seconds=0)
    with pytest.raises(RecurrenceError, match="source's repeat rules took more than 0 s"):
        expand(FROM_2000, "FREQ=MONTHLY;BYDAY=1TH", HOUR, WINDOW, budget)
    # The arithmetic paths need no walking, so they still come through.
    assert len(expand(FROM_2000, "FREQ=WEEKLY;BYDAY=TU,TH", HOUR, WINDOW, budget)) == 5


def test_a_source_s_occurrences_are_counted_across_its_series():
    budget = ExpansionBudget(max_occurrences=20)
    assert len(expand(FROM_2000, "FREQ=DAILY", HOUR, WINDOW, budget)) == 16
    with pytest.raises(RecurrenceError, match="more than 20 occurrences in the window in all"):
        expand(FROM_2000, "FREQ=WEEKLY;BYDAY=MO,WE", HOUR, WINDOW, budget)


def test_a_count_rule_that_dateutil_must_walk_from_2000_is_walked_inside_the_budget():
    # COUNT counts from the real start, so this one cannot be moved up: it is walked.
    budget = ExpansionBudget(series_seconds=0)
    with pytest.raises(RecurrenceError, match="took more than"):
        expand(FROM_2000, "FREQ=DAILY;BYMONTHDAY=1,15;COUNT=1000", HOUR, WINDOW, budget)
    assert expand(FROM_2000, "FREQ=DAILY;BYMONTHDAY=1,15;COUNT=1000", HOUR, WINDOW) == [
        datetime(2026, 12, 15, 10, 0)
    ]


def test_the_guard_sits_where_dateutil_builds_each_month_it_walks():
    # If a dateutil upgrade renames or stops using _iterinfo, the guard would silently stop
    # guarding: this says so first.
    assert dateutil.rrule._iterinfo is recurrence_limits._GuardedIterinfo
    rule = rrulestr("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", dtstart=FROM_2000)
    with (
        pytest.raises(recurrence_limits.WalkPastHorizon),
        ExpansionBudget().walking(horizon_year=2001),
    ):
        next(iter(rule))


def test_a_guard_on_one_thread_leaves_dateutil_on_other_threads_alone():
    entered, done = threading.Event(), threading.Event()

    def hold_a_spent_budget() -> None:
        with ExpansionBudget(series_seconds=0).walking(horizon_year=2000):
            entered.set()
            done.wait(5)

    holder = threading.Thread(target=hold_a_spent_budget)
    holder.start()
    try:
        assert entered.wait(5)
        rule = rrulestr("FREQ=MONTHLY;BYDAY=1TH", dtstart=FROM_2000)
        assert rule.after(datetime(2026, 12, 1)) == datetime(2026, 12, 3, 10, 0)
    finally:
        done.set()
        holder.join()
