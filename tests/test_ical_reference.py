"""The whole corpus (../shared/data/ics-corpus/), day by day, against an independent expansion.

For each calendar and three windows (around its first event, 100 and 1000 days later), what
the screen lists for each day (parse_ical → the store → ``Schedule.on_day``) is compared with
what icalendar + recurring-ical-events say touches that day, by start instant. The count the
kiosk misses must be zero, except where it refuses a series on purpose and logs why
(:data:`REFUSED_ON_PURPOSE`); and it shows nothing the reference does not have.

The reference is recurring-ical-events on the file as it is (X-WR-TIMEZONE applied as the
kiosk does). Where it fails on a whole file because of one broken event, it is asked again
one series (UID) at a time, so the good series still have a reference.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import x_wr_timezone

from tests.test_ical_corpus import FILES, first_event_day
from torg_kiosk.base.clock import OSLO, local_midnight
from torg_kiosk.store import snapshots
from torg_kiosk.store.database import open_db
from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.formats.ical import parse_ical

WINDOW_DAYS = 30
OFFSETS = (0, 100, 1000)
#: Files with series the kiosk leaves out on purpose, and the reason it logs for them.
REFUSED_ON_PURPOSE = {
    # A TZID that no VTIMEZONE in the file defines and no mapping knows: not guessed as Oslo.
    "ical__issue_722_missing_VTIMEZONE_custom.ics": "'CUSTOM_tzid' is unknown",
    # DTEND before DTSTART: the times are wrong, and showing them would show a wrong time.
    "rie__end_before_start_event.ics": "the event ends before it starts",
}


def as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=OSLO)).astimezone(UTC)
    return local_midnight(value).astimezone(UTC)


def reference_spans(data: bytes, window: Window) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every occurrence recurring-ical-events finds near the window."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    first, stop = window.first - timedelta(days=60), window.last + timedelta(days=2)
    spans = []
    for calendar in icalendar.Calendar.from_ical(text, multiple=True):
        if "X-WR-TIMEZONE" in calendar:
            calendar = x_wr_timezone.to_standard(calendar)
        try:
            components = recurring_ical_events.of(calendar).between(first, stop)
        except Exception:
            components = []
            for one in _one_calendar_per_series(calendar):
                try:
                    components += recurring_ical_events.of(one).between(first, stop)
                except Exception:
                    continue  # no reference for a series the reference cannot read either
        for component in components:
            start = component["DTSTART"].dt
            if "DTEND" in component:
                end = component["DTEND"].dt
            elif "DURATION" in component:
                end = start + component["DURATION"].dt
            else:
                end = start if isinstance(start, datetime) else start + timedelta(days=1)
            spans.append((as_utc(start), as_utc(end)))
    return spans


def _one_calendar_per_series(calendar) -> list:
    series = defaultdict(list)
    for event in calendar.walk("VEVENT"):
        series[str(event.get("UID", id(event)))].append(event)
    calendars = []
    for events in series.values():
        one = icalendar.Calendar()
        for component in (*calendar.walk("VTIMEZONE"), *events):
            one.add_component(component)
        calendars.append(one)
    return calendars


def starts_on(day: date, spans) -> Counter:
    """The rule the screen follows: a day lists what overlaps it, and a zero-length
    occurrence at the moment the day starts."""
    day_start = local_midnight(day).astimezone(UTC)
    day_end = local_midnight(day + timedelta(days=1)).astimezone(UTC)
    return Counter(s for s, e in spans if s < day_end and (e > day_start or s >= day_start))


def compare(path: Path, window: Window, tmp_path: Path) -> tuple[int, int, list, list]:
    """(missed, extra, skipped reasons, first differences) for one file and window."""
    data = path.read_bytes()
    try:
        parsed = parse_ical(data, site="tofte", window=window, source_label=path.name)
    except FeedRefused:
        return 0, 0, ["refused"], []
    db_path = tmp_path / f"{path.stem}-{window.first}.db"
    db = open_db(db_path)
    meta = snapshots.SourceMeta("calendar", "ical", path.name)
    snapshots.replace_snapshot(db, meta, parsed, now=datetime.now(UTC), window=window)
    db.conn.close()
    spans = reference_spans(data, window)
    missed = extra = 0
    differences = []
    schedule = Schedule.open(db_path)
    try:
        day = window.first
        while day <= window.last:
            ours = Counter(v.start.astimezone(UTC) for v in schedule.on_day("tofte", day))
            theirs = starts_on(day, spans)
            missed += sum((theirs - ours).values())
            extra += sum((ours - theirs).values())
            if ours != theirs and len(differences) < 3:
                differences.append((day, sorted(theirs - ours), sorted(ours - theirs)))
            day += timedelta(days=1)
    finally:
        schedule.close()
    return missed, extra, [skipped.reason for skipped in parsed.skipped], differences


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_occurrence_of_the_corpus_is_missed_on_any_day(path: Path, tmp_path):
    logging.disable(logging.WARNING)  # the corpus is broken on purpose in many places
    try:
        results = []
        for offset in OFFSETS:
            first = first_event_day(path.read_bytes()) - timedelta(days=3) + timedelta(offset)
            window = Window(first, first + timedelta(days=WINDOW_DAYS - 1))
            results.append((window.first, *compare(path, window, tmp_path)))
    finally:
        logging.disable(logging.NOTSET)
    missed = sum(result[1] for result in results)
    extra = sum(result[2] for result in results)
    assert extra == 0, f"shown but not in the reference: {results}"
    if path.name in REFUSED_ON_PURPOSE:
        assert missed > 0, "refused on purpose, yet nothing missing: drop it from the list"
        reasons = {reason for result in results for reason in result[3]}
        assert any(REFUSED_ON_PURPOSE[path.name] in reason for reason in reasons), reasons
    else:
        assert missed == 0, f"missed: {results}"
