"""Time for the whole program: the Oslo zone, the stored instant format, the clock.

Nothing deep inside the logic reads the time itself: the clock made here is handed in (``now=``),
so tests and demos pin it. The base layer: imports nothing of the project's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


class ArgumentError(Exception):
    """A command-line value that cannot be used; the message says what to type instead."""


def utc_text(instant: datetime) -> str:
    """The form instants take in the database: ``2026-12-03T09:15:00Z`` (sorts as text)."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: attach a time zone first")
    # isoformat is several times faster than strftime, and this runs for every occurrence.
    return instant.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


def parse_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def local_midnight(day: date, tz: ZoneInfo = OSLO) -> datetime:
    """The instant a local calendar day starts (aware, in ``tz``)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def parse_now(value: str) -> datetime:
    """A local Oslo time (an offset, if given, is respected)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ArgumentError(
            f"--now {value!r} is not a time. Write it as YYYY-MM-DDTHH:MM, "
            "e.g. --now 2026-12-03T10:15."
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=OSLO)
    return moment.astimezone(OSLO)


def make_clock(pinned: datetime | None) -> Callable[[], datetime]:
    """The kiosk's clock: real Oslo time, or one that starts at ``pinned`` and ticks on."""
    if pinned is None:
        return lambda: datetime.now(OSLO)
    started = time.monotonic()

    def pinned_clock() -> datetime:
        return pinned + timedelta(seconds=time.monotonic() - started)

    return pinned_clock
