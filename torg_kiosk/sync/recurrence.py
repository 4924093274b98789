"""Expanding a repeat rule (RRULE) into the local start times inside the stored window.

Recurrence is computed in Europe/Oslo *wall time* on naive datetimes (10:00 stays 10:00 across
the DST switches), exactly as RFC 5545 does for a DTSTART with a TZID.

The cost is bounded by the window, never by the rule's start: a series that began in 2000
costs what one that began last week costs. Three paths, cheapest first:

- **fixed-interval rules** (``FREQ`` from SECONDLY to WEEKLY with ``INTERVAL``, ``COUNT``,
  ``UNTIL`` and no BYxxx part): start number *k* is ``start + k × step``, so the first one
  inside the window, and how many came before it, are computed, not walked;
- **weekly and daily rules with BYDAY** (the lobby's normal ``FREQ=WEEKLY;BYDAY=TU``): walked
  in whole weeks from the window's first day; COUNT by counting the weeks before it;
- anything else goes to dateutil's full RFC 5545 implementation, with DTSTART moved up to the
  last period of the rule that begins before the window (:func:`reanchored`) when the rule has
  no COUNT. A COUNT rule is walked from its real start, inside the time budget.

Every path first refuses a rule finer than the limit and ends with the occurrence caps, both
in :mod:`torg_kiosk.sync.recurrence_limits`. Tests check every path against dateutil walking
from the rule's start.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple

from dateutil.rrule import rrulestr

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import Window
from torg_kiosk.sync.recurrence_limits import (
    HORIZON_YEARS,
    MAX_PER_SERIES,
    ExpansionBudget,
    RecurrenceError,
    WalkPastHorizon,
    check_fineness,
    interval_of,
)

__all__ = [
    "MAX_PER_SERIES",
    "ExpansionBudget",
    "RecurrenceError",
    "expand",
    "reanchored",
    "refuse_too_fine",
]

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
#: The length of one period of each frequency shorter than a month.
_PERIOD = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
    "SECONDLY": timedelta(seconds=1),
}
#: Parts a rule may have and still be computed without dateutil.
_FIXED_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"})
_WEEKLY_PARTS = _FIXED_PARTS | {"BYDAY"}
#: Day parts: when a rule has none of them, RFC 5545 takes the day from DTSTART.
_DAY_PARTS = frozenset({"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER"})


class _Fixed(NamedTuple):
    step: timedelta
    count: int | None
    until: datetime | None


class _Weekly(NamedTuple):
    interval: int
    weekdays: frozenset[int]
    count: int | None
    until: datetime | None


def expand(
    local_start: datetime,
    rrule: str | None,
    duration: timedelta,
    window: Window,
    budget: ExpansionBudget | None = None,
) -> list[datetime]:
    """Naive local starts of every occurrence that overlaps ``window``.

    An occurrence overlaps when it ends after the window starts and starts before it ends,
    so an activity from 22:00 to 01:00 on the window's eve is included. ``budget`` is shared
    by all the series of one source (a fresh one when left out). Raises
    :class:`RecurrenceError` with a reason for a rule that cannot be used or costs too much.
    """
    lo = datetime.combine(window.first, time.min) - duration
    hi = datetime.combine(window.last + timedelta(days=1), time.min)
    if not rrule:
        return [local_start] if lo < local_start < hi or local_start == lo + duration else []
    parts = _checked_parts(rrule)
    path = _fast_path(parts)
    if isinstance(path, _Fixed):
        starts = _expand_fixed(local_start, path, lo, hi)
    elif isinstance(path, _Weekly):
        starts = _expand_weekly(local_start, path, lo, hi)
    else:
        starts = _expand_walked(
            local_start, rrule, dict(parts), lo, hi, budget or ExpansionBudget()
        )
    if len(starts) > MAX_PER_SERIES:
        raise RecurrenceError(
            f"the rule {rrule!r} gives more than {MAX_PER_SERIES} occurrences in "
            f"{(window.last - window.first).days + 1} days"
        )
    # Keep only occurrences that really overlap (lo is exclusive: ending exactly at the
    # window start is not overlapping, except for zero-length events at the start itself).
    starts = [s for s in starts if s > lo or (duration == timedelta(0) and s == lo)]
    if budget is not None:
        budget.take(len(starts))
    return starts


def refuse_too_fine(rrule: str) -> None:
    """Raise :class:`RecurrenceError` if ``rrule`` (RRULE text) repeats finer than the limit."""
    _checked_parts(rrule)


@lru_cache(maxsize=512)
def _checked_parts(rrule: str) -> tuple[tuple[str, str], ...]:
    """The rule's parts, once it is known not to repeat finer than the limit."""
    parts = _parse_parts(rrule)
    check_fineness(rrule, dict(parts))
    return parts


@lru_cache(maxsize=512)
def _parse_parts(rrule: str) -> tuple[tuple[str, str], ...]:
    parts = []
    for chunk in rrule.split(";"):
        if "=" not in chunk:
            raise RecurrenceError(f"the rule {rrule!r} has a part without '=': {chunk!r}")
        key, value = chunk.split("=", 1)
        parts.append((key.upper(), value.upper()))
    return tuple(parts)


@lru_cache(maxsize=512)
def _fast_path(parts: tuple[tuple[str, str], ...]) -> _Fixed | _Weekly | None:
    """How a rule can be computed without dateutil, or None if it cannot."""
    fields = dict(parts)
    freq = fields.get("FREQ")
    if freq not in _PERIOD or set(fields) - _WEEKLY_PARTS:
        return None
    interval = interval_of(fields)
    count = _count_of(fields)
    until = _parse_until(fields["UNTIL"]) if "UNTIL" in fields else None
    if "BYDAY" not in fields:
        # One start per period, whatever WKST says: the week's other days never come in.
        return _Fixed(_PERIOD[freq] * interval, count, until)
    if freq not in ("WEEKLY", "DAILY"):
        return None
    try:
        weekdays = frozenset(WEEKDAYS.index(day) for day in fields["BYDAY"].split(","))
    except ValueError:
        return None  # ordinal forms such as 1MO: leave them to dateutil
    if freq == "DAILY" and interval != 1:
        return None
    # Week boundaries (WKST) only matter when some weeks are skipped.
    if interval > 1 and fields.get("WKST", "MO") != "MO":
        return None
    return _Weekly(interval, weekdays, count, until)


def _count_of(fields: dict[str, str]) -> int | None:
    if "COUNT" not in fields:
        return None
    text = fields["COUNT"]
    if not text.isdigit() or int(text) < 1:
        raise RecurrenceError(f"COUNT={text} must be a whole number of 1 or more")
    return int(text)


def _parse_until(text: str) -> datetime:
    try:
        if len(text) == 8:
            return datetime.strptime(text, "%Y%m%d").replace(hour=23, minute=59, second=59)
        if text.endswith("Z"):
            utc = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return utc.astimezone(OSLO).replace(tzinfo=None)
        return datetime.strptime(text, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError(f"UNTIL={text} is not a date or date-time") from None


def _expand_fixed(
    local_start: datetime, rule: _Fixed, lo: datetime, hi: datetime
) -> list[datetime]:
    step, count, until = rule
    # The first k with local_start + k × step >= lo, without walking the ones before.
    k = max(0, -((local_start - lo) // step))
    start = local_start + k * step
    result = []
    while start < hi and (count is None or k < count) and (until is None or start <= until):
        result.append(start)
        if len(result) > MAX_PER_SERIES:
            break
        k += 1
        start += step
    return result


def _expand_weekly(
    local_start: datetime, rule: _Weekly, lo: datetime, hi: datetime
) -> list[datetime]:
    interval, weekdays, count, until = rule
    first_day = max(lo.date(), local_start.date())
    first_monday = local_start.date() - timedelta(days=local_start.weekday())
    at = local_start.time()
    step = timedelta(days=7)
    result = []
    # Walk each weekday of the rule in whole weeks: a few steps per series, not one per day.
    for weekday in weekdays:
        day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
        if interval > 1:
            behind = ((day - first_monday).days // 7) % interval
            if behind:
                day += step * (interval - behind)
        start = datetime.combine(day, at)
        while start < hi:
            if start >= local_start and start >= lo and (until is None or start <= until):
                result.append(start)
            start += step * interval
    result.sort()
    if count is not None and result:
        done = _weekly_starts_before(result[0].date(), local_start.date(), interval, weekdays)
        result = result[: max(0, count - done)]
    return result


def _weekly_starts_before(day, start_day, interval: int, weekdays: frozenset[int]) -> int:
    """How many starts a weekly rule from ``start_day`` has on the days before ``day``.

    Weeks run Monday to Sunday; week 0 holds ``start_day`` and every ``interval``-th week
    after it has a start on each of ``weekdays`` (week 0 only from ``start_day`` on).
    """
    week = (day - (start_day - timedelta(days=start_day.weekday()))).days // 7
    whole_weeks = -(-week // interval)  # the active weeks before the one holding ``day``
    before_start = sum(1 for w in weekdays if w < start_day.weekday())
    this_week = sum(1 for w in weekdays if w < day.weekday()) if week % interval == 0 else 0
    return whole_weeks * len(weekdays) - before_start + this_week


def _expand_walked(
    local_start: datetime,
    rrule: str,
    fields: dict[str, str],
    lo: datetime,
    hi: datetime,
    budget: ExpansionBudget,
) -> list[datetime]:
    text = _with_local_until(rrule, fields)
    dtstart = local_start
    anchored = reanchored(local_start, text, lo)
    if anchored is not None:
        dtstart, text = anchored
    result: list[datetime] = []
    try:
        rule = rrulestr(text, dtstart=dtstart)
        with budget.walking(horizon_year=hi.year + HORIZON_YEARS):
            for start in rule:
                if start >= hi:
                    break
                if start >= lo:
                    result.append(start)
                    if len(result) > MAX_PER_SERIES:
                        break
    except WalkPastHorizon:
        pass  # an impossible or exhausted rule: every date the window can have was seen
    except RecurrenceError:
        raise
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError(f"the rule {rrule!r} cannot be used: {error}") from None
    return result


def _with_local_until(rrule: str, fields: dict[str, str]) -> str:
    if "UNTIL" not in fields:
        return rrule
    # dateutil refuses a UTC UNTIL with a naive DTSTART: move UNTIL into local wall time.
    until = _parse_until(fields["UNTIL"]).strftime("%Y%m%dT%H%M%S")
    return ";".join(f"{k}={until if k == 'UNTIL' else v}" for k, v in _parse_parts(rrule))


def reanchored(start: datetime, rrule: str, before: datetime) -> tuple[datetime, str] | None:
    """A later DTSTART, and the rule with its implicit parts written out, that give the same
    starts as ``rrule`` from ``start`` does, from ``before`` on; None when that cannot be
    shown (a COUNT counts from the real start, an unknown FREQ) or when ``start`` is close.

    ``start`` and ``before`` are naive wall times. RFC 5545 takes what a rule leaves out (the
    hour, minute and second; the weekday of a weekly rule; the day of a monthly or yearly one)
    from DTSTART, and repeats the rule's period (a second … a year) every INTERVAL periods
    counted from DTSTART's period. So those parts are written out, and DTSTART moves to the
    beginning of the last period in that phase that begins at or before ``before``. A period
    yields dates inside itself only, so nothing from ``before`` on is lost or added.
    """
    parts = _parse_parts(rrule)
    fields = dict(parts)
    freq = fields.get("FREQ")
    if "COUNT" in fields or freq not in FREQS:
        return None
    try:
        wkst = WEEKDAYS.index(fields.get("WKST", "MO"))
    except ValueError:
        return None
    anchor = _phase_period_start(freq, interval_of(fields), start, before, wkst)
    if anchor is None:
        return None
    explicit = _implicit_parts(freq, fields, start)
    return anchor, ";".join(f"{key}={value}" for key, value in (*parts, *explicit))


def _phase_period_start(
    freq: str, interval: int, start: datetime, before: datetime, wkst: int
) -> datetime | None:
    """The beginning of the last period k × interval after start's (k >= 1) not after before."""
    if freq == "YEARLY":
        k = (before.year - start.year) // interval
        return datetime(start.year + k * interval, 1, 1) if k >= 1 else None
    if freq == "MONTHLY":
        first = start.year * 12 + start.month - 1
        k = (before.year * 12 + before.month - 1 - first) // interval
        if k < 1:
            return None
        month = first + k * interval
        return datetime(month // 12, month % 12 + 1, 1)
    if freq == "WEEKLY":
        period = datetime.combine(start.date(), time.min) - timedelta(
            days=(start.weekday() - wkst) % 7
        )
    elif freq == "DAILY":
        period = datetime.combine(start.date(), time.min)
    elif freq == "HOURLY":
        period = start.replace(minute=0, second=0, microsecond=0)
    elif freq == "MINUTELY":
        period = start.replace(second=0, microsecond=0)
    else:
        period = start.replace(microsecond=0)
    step = _PERIOD[freq] * interval
    k = (before - period) // step
    return period + k * step if k >= 1 else None


def _implicit_parts(freq: str, fields: dict[str, str], start: datetime) -> list[tuple[str, str]]:
    """The parts RFC 5545 (and dateutil) take from DTSTART when the rule leaves them out."""
    added = []
    if not _DAY_PARTS & fields.keys():
        if freq == "YEARLY":
            if "BYMONTH" not in fields:
                added.append(("BYMONTH", str(start.month)))
            added.append(("BYMONTHDAY", str(start.day)))
        elif freq == "MONTHLY":
            added.append(("BYMONTHDAY", str(start.day)))
        elif freq == "WEEKLY":
            added.append(("BYDAY", WEEKDAYS[start.weekday()]))
    rank = FREQS.index(freq)
    for key, unit, value in (
        ("BYHOUR", "HOURLY", start.hour),
        ("BYMINUTE", "MINUTELY", start.minute),
        ("BYSECOND", "SECONDLY", start.second),
    ):
        if rank < FREQS.index(unit) and key not in fields:
            added.append((key, str(value)))
    return added
