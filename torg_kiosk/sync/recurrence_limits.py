"""How much one repeat rule may cost: the finest rule, the occurrence caps, the time budget.

A feed or a calendar is text from outside. One rule such as ``FREQ=SECONDLY`` starting in 2000
must end as one skipped record with a reason, never as a sync that holds the store's write
lock for minutes. The guards, cheapest first:

1. **The finest rule** (:func:`check_fineness`): a rule that can start more than
   :data:`FINEST_STARTS_PER_HOUR` times in an hour (more often than every 15 minutes) is
   refused from its text alone, before anything is expanded.
2. **Occurrence caps**: at most :data:`MAX_PER_SERIES` occurrences of one series inside the
   window (the finest rule gives 4 × 24 × 16 = 1,536 in the 16-day window), and at most
   :data:`MAX_PER_SYNC` for a whole feed (:class:`ExpansionBudget`).
3. **A time budget** for the rules dateutil has to walk: :data:`SERIES_SECONDS` for one series
   and :data:`SYNC_SECONDS` for all of one source. The arithmetic paths cost microseconds and
   are not counted.

dateutil cannot be interrupted from outside while it searches for the next date (an impossible
rule such as ``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`` walks day by day to the year 9999 without
yielding anything). So :func:`walking` hooks a check into the one method dateutil calls for
every month (or year) it walks, ``_iterinfo.rebuild``: on the thread that walks under the
guard, it stops the walk when the budget is spent or when the walk has gone
:data:`HORIZON_YEARS` past the window. Other threads, and dateutil used outside the guard,
are not affected. ``tests/test_recurrence_limits.py`` fails if a dateutil upgrade moves that
method.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dateutil.rrule

#: A rule may start at most this many times in one hour: every 15 minutes.
FINEST_STARTS_PER_HOUR = 4
#: No series gets more occurrences than this inside one window.
MAX_PER_SERIES = 2000
#: … and a whole feed no more than this (the 100,000-activity benchmark feed has ~106,000).
MAX_PER_SYNC = 1_000_000
#: Seconds dateutil may walk for one series, and for all the rules of one source.
SERIES_SECONDS = 0.5
SYNC_SECONDS = 10.0
#: A walk that reaches this many years past the window's last year has nothing more to give.
HORIZON_YEARS = 10

_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")


class RecurrenceError(ValueError):
    """The rule cannot be used or costs too much; the record is skipped with this reason."""


class WalkPastHorizon(Exception):
    """dateutil walked :data:`HORIZON_YEARS` past the window without finding another date.

    Not an error for the feed's own expansion (every date the window can have was seen);
    the iCalendar path, which cannot keep a half-finished answer, skips the series.
    """


def check_fineness(rrule: str, fields: dict[str, str]) -> None:
    """Raise :class:`RecurrenceError` if the rule can start more often than the limit.

    ``fields`` are the rule's parts, upper-cased. The count is an upper bound read from the
    text: BYxxx parts that expand (BYMINUTE on an hourly rule, BYSECOND on a minutely one)
    multiply, parts that only filter are ignored, so a SECONDLY rule is judged by its
    INTERVAL alone.
    """
    freq = fields.get("FREQ")
    if freq not in _FREQS:
        return  # not a frequency at all: the parser says so with a better reason
    interval = interval_of(fields)

    def values(key: str) -> int:
        return len(set(fields[key].split(","))) if key in fields else 1

    if freq == "SECONDLY":
        per_hour = -(-3600 // interval)
    elif freq == "MINUTELY":
        per_hour = -(-60 // interval) * values("BYSECOND")
    else:
        per_hour = values("BYMINUTE") * values("BYSECOND")
    if per_hour > FINEST_STARTS_PER_HOUR:
        raise RecurrenceError(
            f"the rule {rrule!r} can start {per_hour} times an hour; the kiosk expands rules "
            f"of at most {FINEST_STARTS_PER_HOUR} starts an hour (every 15 minutes)"
        )


def interval_of(fields: dict[str, str]) -> int:
    text = fields.get("INTERVAL", "1")
    try:
        interval = int(text)
    except ValueError:
        raise RecurrenceError(f"INTERVAL={text} is not a number") from None
    if interval < 1:
        raise RecurrenceError(f"INTERVAL={interval} must be 1 or more")
    return interval


@dataclass
class ExpansionBudget:
    """What one source's expansion may still spend; one per parse or re-expansion."""

    max_occurrences: int = MAX_PER_SYNC
    walk_seconds: float = SYNC_SECONDS
    series_seconds: float = SERIES_SECONDS
    occurrences_left: int = field(init=False)
    walk_seconds_left: float = field(init=False)

    def __post_init__(self) -> None:
        self.occurrences_left = self.max_occurrences
        self.walk_seconds_left = self.walk_seconds

    def take(self, count: int) -> None:
        """Count one series' occurrences against the source's total, or refuse them."""
        if count > self.occurrences_left:
            raise RecurrenceError(
                f"the source has more than {self.max_occurrences:,} occurrences in the window "
                "in all; this series and any after it are left out"
            )
        self.occurrences_left -= count

    @contextmanager
    def walking(self, horizon_year: int) -> Iterator[None]:
        """Guard the dateutil walks inside the block (on this thread) by this budget.

        Raises :class:`RecurrenceError` from inside the walk when the series or the source
        has spent its seconds, and :class:`WalkPastHorizon` once the walk passes
        ``horizon_year``.
        """
        started = time.monotonic()
        guard = _Guard(self, started, horizon_year)
        outer = getattr(_local, "guard", None)
        _local.guard = guard
        try:
            yield
        finally:
            _local.guard = outer
            self.walk_seconds_left -= time.monotonic() - started


class _Guard:
    __slots__ = ("budget", "deadline", "horizon_year", "series_bound")

    def __init__(self, budget: ExpansionBudget, started: float, horizon_year: int):
        self.budget = budget
        self.series_bound = budget.series_seconds <= budget.walk_seconds_left
        self.deadline = started + min(budget.series_seconds, budget.walk_seconds_left)
        self.horizon_year = horizon_year

    def check(self, year: int) -> None:
        if year > self.horizon_year:
            raise WalkPastHorizon(year)
        if time.monotonic() >= self.deadline:
            if self.series_bound:
                raise RecurrenceError(
                    f"expanding the rule took more than {self.budget.series_seconds} s "
                    "(its dates are too many or too hard to find); it was stopped"
                )
            raise RecurrenceError(
                f"the source's repeat rules took more than {self.budget.walk_seconds} s to "
                "expand in all; this series and any after it that dateutil must walk are left out"
            )


_local = threading.local()

if not hasattr(dateutil.rrule, "_iterinfo"):  # pragma: no cover - a dateutil upgrade
    raise ImportError("dateutil.rrule._iterinfo is gone; the rule walk guard needs it")


class _GuardedIterinfo(dateutil.rrule._iterinfo):
    """dateutil's per-walk calendar helper, with the guard's check on every month it builds.

    No ``__slots__`` here on purpose: ``_iterinfo.__init__`` walks ``self.__slots__``, which
    must stay the parent's list.
    """

    def rebuild(self, year: int, month: int) -> None:
        guard = getattr(_local, "guard", None)
        if guard is not None:
            guard.check(year)
        super().rebuild(year, month)


# Every rrule walk now builds its calendar helper from the guarded class.
dateutil.rrule._iterinfo = _GuardedIterinfo
