"""Daylight saving time in iCalendar sources (Europe/Oslo switches on 2026-03-29 and 2026-10-25).

What happens at the odd wall times, pinned here so a library upgrade cannot change it quietly:

- 02:30 on 29 March does not exist in Oslo. Python's zoneinfo (PEP 495, fold=0) reads it with
  the offset from *before* the switch (+01:00), so it becomes 01:30 UTC = 03:30 CEST. An event
  02:30–03:30 therefore collapses to zero length at 03:30 local; it is shown, not skipped.
- 02:30 on 25 October happens twice; the first one (summer time, 00:30 UTC) is taken.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import Window
from torg_kiosk.sync.formats.ical import parse_ical


def calendar(event: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//torg-kiosk//dst//NB", "BEGIN:VEVENT"]
    lines += [line.strip() for line in event.strip().splitlines()]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


WEEKLY_AT_TEN = """
UID:trim
SUMMARY:Trim
DTSTART;TZID=Europe/Oslo:20260319T100000
DTEND;TZID=Europe/Oslo:20260319T110000
RRULE:FREQ=WEEKLY
"""


def test_weekly_event_stays_at_ten_local_across_the_spring_switch():
    parsed = parse_ical(
        calendar(WEEKLY_AT_TEN), site="tofte", window=Window(date(2026, 3, 19), date(2026, 4, 9))
    )
    starts = [o.start for o in parsed.occurrences]
    assert starts == [
        utc(2026, 3, 19, 9),
        utc(2026, 3, 26, 9),
        utc(2026, 4, 2, 8),
        utc(2026, 4, 9, 8),
    ]
    assert {s.astimezone(OSLO).hour for s in starts} == {10}


def test_weekly_event_stays_at_ten_local_across_the_autumn_switch():
    parsed = parse_ical(
        calendar(WEEKLY_AT_TEN), site="tofte", window=Window(date(2026, 10, 15), date(2026, 11, 5))
    )
    starts = [o.start for o in parsed.occurrences]
    assert starts == [
        utc(2026, 10, 15, 8),
        utc(2026, 10, 22, 8),
        utc(2026, 10, 29, 9),
        utc(2026, 11, 5, 9),
    ]
    assert {s.astimezone(OSLO).hour for s in starts} == {10}


def test_nonexistent_local_time_is_read_with_the_offset_before_the_switch():
    event = """
    UID:natt
    SUMMARY:Nattåpent
    DTSTART;TZID=Europe/Oslo:20260329T023000
    DTEND;TZID=Europe/Oslo:20260329T033000
    """
    parsed = parse_ical(
        calendar(event), site="tofte", window=Window(date(2026, 3, 28), date(2026, 3, 30))
    )
    assert parsed.skipped == []
    [occurrence] = parsed.occurrences
    assert occurrence.start == occurrence.end == utc(2026, 3, 29, 1, 30)
    assert occurrence.start.astimezone(OSLO).strftime("%H:%M") == "03:30"


def test_ambiguous_local_time_takes_the_first_one():
    event = """
    UID:natt
    SUMMARY:Nattåpent
    DTSTART;TZID=Europe/Oslo:20261025T023000
    DTEND;TZID=Europe/Oslo:20261025T033000
    """
    parsed = parse_ical(
        calendar(event), site="tofte", window=Window(date(2026, 10, 24), date(2026, 10, 26))
    )
    [occurrence] = parsed.occurrences
    assert occurrence.start == utc(2026, 10, 25, 0, 30)
    assert occurrence.end == utc(2026, 10, 25, 2, 30)


def test_event_crossing_midnight_is_one_occurrence():
    event = """
    UID:nyttar
    SUMMARY:Kveldskonsert
    DTSTART;TZID=Europe/Oslo:20261231T220000
    DTEND;TZID=Europe/Oslo:20270101T010000
    """
    parsed = parse_ical(
        calendar(event), site="tofte", window=Window(date(2026, 12, 30), date(2027, 1, 2))
    )
    [occurrence] = parsed.occurrences
    assert occurrence.start == utc(2026, 12, 31, 21)
    assert occurrence.end == utc(2027, 1, 1, 0)


def test_event_crossing_midnight_is_kept_by_a_window_that_starts_the_next_day():
    event = """
    UID:nyttar
    SUMMARY:Kveldskonsert
    DTSTART;TZID=Europe/Oslo:20261231T220000
    DTEND;TZID=Europe/Oslo:20270101T010000
    """
    parsed = parse_ical(
        calendar(event), site="tofte", window=Window(date(2027, 1, 1), date(2027, 1, 2))
    )
    assert [o.start for o in parsed.occurrences] == [utc(2026, 12, 31, 21)]
