"""Expanding a feed activity's RRULE into the local start times inside the stored window.

Recurrence is computed in Europe/Oslo *wall time* on naive datetimes (10:00 stays 10:00 across
the DST switches), exactly as RFC 5545 does for a DTSTART with a TZID.

The common rules of a lobby schedule (``FREQ=WEEKLY;BYDAY=TU``, ``FREQ=DAILY``, with
``INTERVAL`` and ``UNTIL``) take a direct arithmetic path: walking ~16 days of the window is
far cheaper than letting dateutil iterate from a start months back. Anything else goes to
dateutil's full RFC 5545 implementation. Tests check the fast path against dateutil.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import Window

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: No series gets more occurrences than this inside one window (a FREQ=MINUTELY typo).
MAX_PER_SERIES = 500


class RecurrenceError(ValueError):
    """The RRULE text cannot be used; the activity is skipped with this reason."""


def expand(
    local_start: datetime, rrule: str | None, duration: timedelta, window: Window
) -> list[datetime]:
    """Naive local starts of every occurrence that overlaps ``window``.

    An occurrence overlaps when it ends after the window starts and starts before it ends,
    so an activity from 22:00 to 01:00 on the window's eve is included.
    """
    lo = datetime.combine(window.first, datetime.min.time()) - duration
    hi = datetime.combine(window.last + timedelta(days=1), datetime.min.time())
    if not rrule:
        return [local_start] if lo < local_start < hi or local_start == lo + duration else []
    parts = _parse_parts(rrule)
    simple = _simple_rule(parts)
    if simple is not None:
        starts = _expand_simple(local_start, *simple, lo, hi)
    else:
        starts = _expand_dateutil(local_start, rrule, lo, hi)
    if len(starts) > MAX_PER_SERIES:
        raise RecurrenceError(
            f"the rule {rrule!r} gives more than {MAX_PER_SERIES} occurrences in "
            f"{(window.last - window.first).days + 1} days"
        )
    # Keep only occurrences that really overlap (lo is exclusive: ending exactly at the
    # window start is not overlapping, except for zero-length events at the start itself).
    return [s for s in starts if s > lo or (duration == timedelta(0) and s == lo)]


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
def _simple_rule(
    parts: tuple[tuple[str, str], ...],
) -> tuple[str, int, frozenset[int] | None, datetime | None] | None:
    """(freq, interval, weekdays, until) for a rule the fast path handles, else None."""
    fields = dict(parts)
    if set(fields) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST"}:
        return None
    freq = fields.get("FREQ")
    if freq not in ("WEEKLY", "DAILY"):
        return None
    if fields.get("WKST", "MO") != "MO":
        return None
    try:
        interval = int(fields.get("INTERVAL", "1"))
    except ValueError:
        raise RecurrenceError(f"INTERVAL={fields['INTERVAL']} is not a number") from None
    if interval < 1:
        raise RecurrenceError(f"INTERVAL={interval} must be 1 or more")
    weekdays = None
    if "BYDAY" in fields:
        try:
            weekdays = frozenset(WEEKDAYS.index(day) for day in fields["BYDAY"].split(","))
        except ValueError:
            return None  # ordinal forms such as 1MO: leave them to dateutil
        if freq == "DAILY" and interval != 1:
            return None
    until = _parse_until(fields["UNTIL"]) if "UNTIL" in fields else None
    return freq, interval, weekdays, until


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


def _expand_simple(
    local_start: datetime,
    freq: str,
    interval: int,
    weekdays: frozenset[int] | None,
    until: datetime | None,
    lo: datetime,
    hi: datetime,
) -> list[datetime]:
    if weekdays is None:
        weekdays = frozenset(range(7)) if freq == "DAILY" else frozenset({local_start.weekday()})
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
    return result


def _expand_dateutil(
    local_start: datetime, rrule: str, lo: datetime, hi: datetime
) -> list[datetime]:
    text = rrule
    if "UNTIL=" in rrule.upper():
        # dateutil refuses a UTC UNTIL with a naive DTSTART: move UNTIL into local wall time.
        fields = dict(_parse_parts(rrule))
        until = _parse_until(fields["UNTIL"]).strftime("%Y%m%dT%H%M%S")
        text = ";".join(f"{k}={until if k == 'UNTIL' else v}" for k, v in _parse_parts(rrule))
    try:
        rule = rrulestr(text, dtstart=local_start)
        result = []
        for start in rule.xafter(max(lo, local_start - timedelta(seconds=1)), inc=True):
            if start >= hi or len(result) > MAX_PER_SERIES:
                break
            result.append(start)
        return result
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError(f"the rule {rrule!r} cannot be used: {error}") from None
