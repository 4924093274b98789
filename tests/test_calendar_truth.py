"""Every occurrence on the right day: the calendar classes that used to lose occurrences.

Each calendar in tests/data/calendars/ is written for one class and goes the whole way a real
one goes: torg-sync's pipeline reads the file, the store keeps it, ``Schedule.on_day`` gives
the screen its days. The clock is Thursday 3 December 2026, 10:15.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import Window
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.formats.ical import parse_ical
from torg_kiosk.sync.pipeline import Source, sync_all, sync_source

CALENDARS = Path(__file__).with_name("data") / "calendars"


@pytest.fixture
def calendar_file(tmp_path):
    """Copy a test calendar to where a source reads it; call again to replace it."""
    path = tmp_path / "calendar.ics"

    def put(name: str) -> Source:
        shutil.copyfile(CALENDARS / name, path)
        return Source("tofte-kalender", "ical", str(path), site="tofte")

    return put


def days_shown(fresh_db, days: list[date]) -> dict[date, list[tuple[str, bool]]]:
    """(title, continues from an earlier day) of what each day lists."""
    path = fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]
    schedule = Schedule.open(path)
    try:
        return {
            day: [
                (v.title["nb"], v.continues_from_before(day)) for v in schedule.on_day("tofte", day)
            ]
            for day in days
        }
    finally:
        schedule.close()


def december(*days: int) -> list[date]:
    return [date(2026, 12, day) for day in days]


# -- longer than a day --------------------------------------------------------------------------


def test_a_weekend_course_is_on_every_day_it_covers_and_continues_on_the_later_ones(
    fresh_db, calendar_file
):
    sync_source(fresh_db, calendar_file("multi-day.ics"), now=PINNED_NOW)
    shown = days_shown(fresh_db, december(4, 5, 6, 7))
    course = "Helgekurs i akvarell"
    assert (course, False) in shown[date(2026, 12, 4)]
    assert (course, True) in shown[date(2026, 12, 5)]
    assert (course, True) in shown[date(2026, 12, 6)]  # ends 15:00 on its third day
    assert course not in {title for title, _ in shown[date(2026, 12, 7)]}


def test_a_two_week_exhibition_is_on_each_of_its_fourteen_days_and_not_the_fifteenth(
    fresh_db, calendar_file
):
    sync_source(fresh_db, calendar_file("multi-day.ics"), now=PINNED_NOW)
    shown = days_shown(fresh_db, december(*range(3, 16)))
    for day in december(*range(3, 15)):
        assert ("Juleutstilling", True) in shown[day], day
    assert "Juleutstilling" not in {title for title, _ in shown[date(2026, 12, 15)]}


def test_an_evening_event_stays_on_its_own_day(fresh_db, calendar_file):
    sync_source(fresh_db, calendar_file("multi-day.ics"), now=PINNED_NOW)
    shown = days_shown(fresh_db, december(3, 4))
    assert ("Kveldskafé", False) in shown[date(2026, 12, 3)]
    assert "Kveldskafé" not in {title for title, _ in shown[date(2026, 12, 4)]}


# -- no length -----------------------------------------------------------------------------------


def test_zero_length_and_all_day_markers_belong_to_their_own_day(fresh_db, calendar_file):
    sync_source(fresh_db, calendar_file("zero-length.ics"), now=PINNED_NOW)
    shown = days_shown(fresh_db, december(2, 3, 4, 5, 6))
    assert shown == {
        date(2026, 12, 2): [],
        date(2026, 12, 3): [("Merkedag", False)],  # DTEND = DTSTART, a date
        date(2026, 12, 4): [("Frist for påmelding", False)],  # 00:00–00:00
        date(2026, 12, 5): [("Lesedag", False)],  # no DTEND: one day
        date(2026, 12, 6): [],
    }


# -- a calendar refused as a whole ----------------------------------------------------------------


def test_an_empty_calendar_is_refused_by_the_pipeline_not_an_internal_error(
    fresh_db, calendar_file, caplog
):
    with caplog.at_level(logging.ERROR):
        [result] = sync_all(fresh_db, [calendar_file("empty.ics")], now=PINNED_NOW)
    assert (result.outcome, result.code) == ("refused", "empty")
    assert "REFUSED — tofte-kalender is a calendar without any events" in result.line()
    assert not [record for record in caplog.records if record.exc_info], "no traceback"


def test_a_good_calendar_that_comes_back_empty_keeps_showing_and_moves_with_the_day(
    fresh_db, calendar_file
):
    assert sync_source(fresh_db, calendar_file("one-event.ics"), now=PINNED_NOW).ok
    next_week = PINNED_NOW + timedelta(days=7)
    result = sync_source(fresh_db, calendar_file("empty.ics"), now=next_week)
    assert result.outcome == "refused"
    # The day moved on a week: the last good calendar is expanded for the new window.
    shown = days_shown(fresh_db, [next_week.date() + timedelta(days=7)])
    assert list(shown.values()) == [[("Strikkekafé", False)]]


# -- two RRULE lines ----------------------------------------------------------------------------


def test_two_rrule_lines_are_expanded_as_their_union_and_a_broken_series_is_skipped_alone(
    fresh_db, calendar_file
):
    result = sync_source(fresh_db, calendar_file("two-rrules.ics"), now=PINNED_NOW)
    assert (result.outcome, result.activities, result.skipped) == ("updated", 2, 1)
    shown = days_shown(fresh_db, december(*range(2, 18)))  # the window starts yesterday
    trim_days = [day.day for day, items in shown.items() if ("Seniortrim", False) in items]
    # Every Tuesday, and the Thursdays of COUNT=2 (3 and 10 December).
    assert trim_days == [3, 8, 10, 15]
    walk_days = [day.day for day, items in shown.items() if ("Turgruppe", False) in items]
    assert walk_days == [2, 9, 16]
    assert "Ødelagt regel" not in {title for items in shown.values() for title, _ in items}


# -- time zones ---------------------------------------------------------------------------------


def test_a_custom_tzid_defined_by_the_calendars_vtimezone_and_a_windows_name_are_used(
    fresh_db, calendar_file, caplog
):
    with caplog.at_level(logging.WARNING):
        result = sync_source(fresh_db, calendar_file("custom-zones.ics"), now=PINNED_NOW)
    assert (result.activities, result.skipped) == (2, 1), result.line()
    path = fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]
    schedule = Schedule.open(path)
    try:
        starts = {v.title["nb"]: v.start for v in schedule.on_day("tofte", date(2026, 12, 3))}
    finally:
        schedule.close()
    # 08:00 in New York (EST, -05:00) is 14:00 in Oslo; W. Europe Standard Time is Oslo's.
    assert starts == {
        "Digitalt møte med New York": datetime(2026, 12, 3, 14, 0, tzinfo=OSLO),
        "Datahjelp": datetime(2026, 12, 3, 10, 0, tzinfo=OSLO),
    }
    assert "time zone 'Somewhere/Nowhere' is unknown and not described in the file" in caplog.text


# -- the same start twice -----------------------------------------------------------------------


def test_two_occurrences_of_one_series_at_the_same_start_are_both_kept(fresh_db, calendar_file):
    result = sync_source(fresh_db, calendar_file("same-start.ics"), now=PINNED_NOW)
    assert result.occurrences == 3, result.line()  # 3 Dec twice (one moved there), 17 Dec
    path = fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]
    schedule = Schedule.open(path)
    try:
        views = schedule.on_day("tofte", date(2026, 12, 3))
        found = {view.key: schedule.occurrence(view.key) for view in views}
    finally:
        schedule.close()
    assert sorted((v.title["nb"], v.room) for v in views) == [
        ("Språkkafé", "Kafeen"),
        ("Språkkafé – ekstra gruppe", "Møterom 2"),
    ]
    assert len(found) == 2 and all(view is not None for view in found.values())
    assert {view.room for view in found.values()} == {"Kafeen", "Møterom 2"}


def test_a_vtimezone_from_one_calendar_is_not_used_for_another(fresh_db, calendar_file):
    """Regression: icalendar caches every VTIMEZONE it reads for the whole process, so a
    custom TZID one calendar defined was used for the next calendar that named it."""
    sync_source(fresh_db, calendar_file("custom-zones.ics"), now=PINNED_NOW)
    undefined_here = (CALENDARS / "custom-zones.ics").read_text(encoding="utf-8")
    undefined_here = undefined_here[: undefined_here.index("BEGIN:VTIMEZONE")] + "END:VCALENDAR\n"
    parsed = parse_ical(
        undefined_here.encode(), site="tofte", window=Window(date(2026, 12, 2), date(2026, 12, 16))
    )
    assert {a.title["nb"] for a in parsed.activities} == {"Datahjelp"}
    assert any("(UTC-05:00) Eastern Time" in skipped.reason for skipped in parsed.skipped)
