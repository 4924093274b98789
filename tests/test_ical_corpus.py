"""The iCalendar parser against 60 real-world calendars (../shared/data/ics-corpus/).

Every file must either be refused as a whole (FeedRefused with a code) or parse into records
whose occurrences lie inside the window; some files get specific expectations below.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import FeedRefused, ParsedSource, Window
from torg_kiosk.sync.formats import ical
from torg_kiosk.sync.formats.ical import parse_ical, sniff_ical
from torg_kiosk.sync.recurrence_limits import ExpansionBudget

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ics-corpus"
FILES = sorted(CORPUS.glob("*.ics")) + sorted((CORPUS / "derived_oslo").glob("*.ics"))


def first_event_day(data: bytes) -> date:
    """The date of the first VEVENT's DTSTART (VTIMEZONE starts from 1601/1970 are passed)."""
    match = re.search(rb"BEGIN:VEVENT.*?\nDTSTART[^:\n]*:(\d{8})", data, re.S)
    if match is None:
        return date(2026, 1, 1)
    digits = match[1].decode()
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def window_from_first_event(data: bytes, days: int = 60) -> Window:
    first = first_event_day(data)
    return Window(first, first + timedelta(days=days))


def parse_file(name: str, first: date, last: date) -> ParsedSource:
    return parse_ical((CORPUS / name).read_bytes(), site="tofte", window=Window(first, last))


def utc_starts(parsed: ParsedSource) -> list[datetime]:
    return sorted(occurrence.start for occurrence in parsed.occurrences)


def test_the_corpus_is_there():
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_corpus_file_is_parsed_or_refused(path: Path):
    data = path.read_bytes()
    window = window_from_first_event(data)
    try:
        parsed = parse_ical(data, site="tofte", window=window, source_label=path.name)
    except FeedRefused as refusal:
        assert refusal.code in {"not_ical", "empty"}
        assert refusal.message.endswith(".")
        return
    for occurrence in parsed.occurrences:
        assert occurrence.start.utcoffset() == timedelta(0)
        assert occurrence.end.utcoffset() == timedelta(0)
        assert occurrence.start <= occurrence.end
        assert occurrence.start < window.end
        assert occurrence.end > window.start or occurrence.start >= window.start
    activity_ids = {activity.id for activity in parsed.activities}
    assert len(activity_ids) == len(parsed.activities)
    assert {occurrence.activity_id for occurrence in parsed.occurrences} <= activity_ids
    for skipped in parsed.skipped:
        assert isinstance(skipped.reason, str) and skipped.reason.strip()
        assert skipped.record_id


@pytest.mark.parametrize(
    "name, code",
    [
        ("ical__empty.ics", "empty"),
        ("ical__bom_calendar.ics", "empty"),
        ("ical__small_bad_calendar.ics", "not_ical"),
        ("ical__big_bad_calendar.ics", "not_ical"),
        ("ical__fuzz_testcase_invalid_month.ics", "not_ical"),
        ("ical__fuzz_testcase_vtimezone_lone_cr.ics", "not_ical"),
        ("ical__issue_104_broken_calendar.ics", "not_ical"),
        ("ical__parsing_error_in_UTC_offset.ics", "not_ical"),
        # A bare VEVENT without BEGIN:VCALENDAR is not a calendar feed.
        ("ical__issue_112_missing_tzinfo_on_exdate.ics", "not_ical"),
    ],
)
def test_broken_files_are_refused(name: str, code: str):
    with pytest.raises(FeedRefused) as refused:
        parse_file(name, date(2014, 1, 1), date(2014, 1, 31))
    assert refused.value.code == code


@pytest.mark.parametrize(
    "name, reason_word",
    [
        ("ical__broken_ical.ics", "DTSTART"),
        ("ical__broken_dtstart.ics", "DTSTART"),
        ("ical__issue_1081_invalid_rrule_freq.ics", "RRULE"),
        ("rie__bad_rrule_missing_until_event.ics", "RRULE"),
        ("rie__end_before_start_event.ics", "ends before it starts"),
        ("ical__issue_722_missing_VTIMEZONE_custom.ics", "CUSTOM_tzid"),
        ("ical__issue_1050_multiple_calendars.ics", "DTSTART"),
    ],
)
def test_files_whose_only_events_are_broken_give_skips_not_records(name, reason_word):
    parsed = parse_file(name, date(2010, 1, 1), date(2030, 1, 1))
    assert parsed.activities == []
    assert parsed.occurrences == []
    assert parsed.skipped
    assert all(reason_word in skipped.reason for skipped in parsed.skipped)


def test_multiple_calendars_in_one_file_are_all_read():
    parsed = parse_file(
        "ical__issue_1050_multiple_calendars.ics", date(2010, 1, 1), date(2011, 1, 1)
    )
    # Both events (one per VCALENDAR) are seen; both lack DTSTART, so both are skipped. Their
    # UIDs hold an "@", which the feed id pattern does not allow: the ids are hashes.
    record_ids = {skipped.record_id for skipped in parsed.skipped}
    assert len(record_ids) == 2
    assert all(re.fullmatch(r"ical-[0-9a-f]{16}", record_id) for record_id in record_ids)


def test_one_broken_event_does_not_take_down_its_neighbour():
    parsed = parse_file("ical__parsing_error.ics", date(2008, 3, 1), date(2008, 3, 31))
    assert len(parsed.activities) == 1
    assert parsed.activities[0].description == {"nb": "Perfectly OK event"}
    # Daily 3..23 March, minus the EXDATE on the 11th.
    assert len(parsed.occurrences) == 20
    assert [s.reason for s in parsed.skipped] == [
        s.reason for s in parsed.skipped if "EXDATE" in s.reason
    ]
    assert len(parsed.skipped) == 1


def test_each_week_but_one_deleted_leaves_out_the_deleted_week():
    parsed = parse_file("rie__each_week_but_one_deleted.ics", date(2019, 3, 1), date(2019, 5, 1))
    starts = utc_starts(parsed)
    assert len(starts) == 7  # COUNT=8 minus one EXDATE
    assert datetime(2019, 3, 10, 23, 30, tzinfo=UTC) not in starts
    assert datetime(2019, 3, 3, 23, 30, tzinfo=UTC) in starts
    # Europe/Berlin wall time 00:30 is kept across the DST switch on 31 March.
    assert datetime(2019, 3, 31, 22, 30, tzinfo=UTC) in starts


def test_cancelled_override_is_shown_and_flagged():
    parsed = parse_file("rie__issue_18_cancel_status.ics", date(2020, 1, 27), date(2020, 2, 5))
    by_start = {occurrence.start: occurrence.status for occurrence in parsed.occurrences}
    assert by_start == {
        datetime(2020, 1, 28, 21, tzinfo=UTC): "scheduled",
        datetime(2020, 1, 29, 21, tzinfo=UTC): "cancelled",
        datetime(2020, 1, 30, 21, tzinfo=UTC): "scheduled",
    }
    assert parsed.activities[0].status == "scheduled"


def test_rdate_inside_the_rule_gives_one_occurrence_not_two():
    parsed = parse_file("rie__rdate.ics", date(2014, 7, 4), date(2014, 7, 6))
    first_series = [o for o in parsed.occurrences if o.start.year == 2014 and o.start.day == 5]
    # Two series run daily in July 2014 (the second one starts on 3 August 2014, so only one).
    assert [o.start for o in first_series] == [datetime(2014, 7, 5, 19, tzinfo=UTC)]


def test_rdate_removed_by_exdate_does_not_appear():
    parsed = parse_file("rie__rdate.ics", date(2025, 7, 1), date(2025, 7, 10))
    assert parsed.occurrences == []


def test_moved_occurrence_is_at_its_new_time_only():
    parsed = parse_file("rie__issue_62_moved_event.ics", date(2021, 12, 1), date(2021, 12, 31))
    # The last Friday of December (31st) was moved to the 17th, 21:30 Berlin time.
    assert utc_starts(parsed) == [datetime(2021, 12, 17, 20, 30, tzinfo=UTC)]
    # The override keeps the series' id (the UID has an "@", so it is hashed).
    series_id = "ical-" + hashlib.sha1(b"38m812jicsrer5gorh3mlp7qhc@google.com").hexdigest()[:16]
    assert [a.id for a in parsed.activities] == [series_id]
    assert {o.activity_id for o in parsed.occurrences} == {series_id}


def test_x_wr_timezone_applies_to_floating_times():
    parsed = parse_file(
        "rie__issue_86_x_wr_timezone_without_time_zone_in_dt.ics",
        date(2021, 9, 15),
        date(2021, 9, 17),
    )
    # 21:00 Europe/Brussels (CEST, +02:00).
    [occurrence] = parsed.occurrences
    assert occurrence.start == datetime(2021, 9, 16, 19, tzinfo=UTC)
    assert occurrence.end == datetime(2021, 9, 16, 20, 45, tzinfo=UTC)


def test_repeats_keep_their_own_zones_wall_time_across_dst():
    parsed = parse_file(
        "rie__issue_48_daylight_aware_repeats.ics", date(2020, 10, 12), date(2020, 11, 3)
    )
    # Mondays 11:30 Europe/Lisbon: 10:30 UTC in summer time, 11:30 UTC after 25 October.
    assert utc_starts(parsed) == [
        datetime(2020, 10, 12, 10, 30, tzinfo=UTC),
        datetime(2020, 10, 19, 10, 30, tzinfo=UTC),
        datetime(2020, 10, 26, 11, 30, tzinfo=UTC),
        datetime(2020, 11, 2, 11, 30, tzinfo=UTC),
    ]


def test_derived_oslo_files_are_in_oslo_time():
    path = CORPUS / "derived_oslo" / "oslo_rie__each_week_but_one_deleted.ics"
    parsed = parse_ical(
        path.read_bytes(), site="tofte", window=Window(date(2019, 3, 1), date(2019, 5, 1))
    )
    [activity] = parsed.activities
    assert activity.start == datetime(2019, 3, 4, 0, 30, tzinfo=OSLO)
    local_times = {o.start.astimezone(OSLO).time().isoformat() for o in parsed.occurrences}
    assert local_times == {"00:30:00"}
    assert len(parsed.occurrences) == 7


def test_derived_oslo_moved_event():
    path = CORPUS / "derived_oslo" / "oslo_rie__issue_62_moved_event.ics"
    parsed = parse_ical(
        path.read_bytes(), site="tofte", window=Window(date(2021, 12, 1), date(2021, 12, 31))
    )
    [occurrence] = parsed.occurrences
    assert occurrence.start.astimezone(OSLO) == datetime(2021, 12, 17, 21, 30, tzinfo=OSLO)


def test_windows_zone_names_are_resolved():
    parsed = parse_file("nodeical__ms_timezones.ics", date(2020, 9, 1), date(2020, 9, 30))
    starts = {o.start for o in parsed.occurrences}
    # TZID=W. Europe Standard Time, 09:00 on 10 September 2020 (CEST).
    assert datetime(2020, 9, 10, 7, tzinfo=UTC) in starts
    # One event writes the TZID and the time inside one quoted string: skipped, with a reason.
    assert [s.reason for s in parsed.skipped if "DTSTART" in s.reason]


def test_windows_display_names_that_cannot_be_resolved_are_skipped():
    parsed = parse_file("nodeical__Office-2012-owa.ics", date(2020, 10, 1), date(2020, 11, 30))
    assert parsed.activities == []
    assert all("unknown" in s.reason for s in parsed.skipped)


def test_empty_rrule_means_a_one_off_event():
    parsed = parse_file("rie__Germany_Holidays.ics", date(2019, 1, 1), date(2019, 12, 31))
    assert parsed.skipped == []
    assert all(o.all_day for o in parsed.occurrences)
    # 34 one-off holidays over two years, 17 of them in 2019.
    assert (len(parsed.activities), len(parsed.occurrences)) == (34, 17)


def test_all_day_occurrences_start_at_oslo_midnight():
    parsed = parse_file(
        "rie__one_day_event_repeat_every_day.ics", date(2019, 3, 1), date(2019, 3, 31)
    )
    for occurrence in parsed.occurrences:
        assert occurrence.all_day
        assert occurrence.start.astimezone(OSLO).time().isoformat() == "00:00:00"
        assert occurrence.end - occurrence.start in {
            timedelta(days=1),
            timedelta(hours=23),
            timedelta(hours=25),
        }


def test_sniff_ical_on_the_corpus():
    assert sniff_ical((CORPUS / "ical__bom_calendar.ics").read_bytes())
    assert sniff_ical((CORPUS / "rie__rdate.ics").read_bytes())
    assert not sniff_ical((CORPUS / "ical__fuzz_testcase_invalid_month.ics").read_bytes())


def test_moving_dtstart_up_to_the_window_changes_no_date_in_any_corpus_file(monkeypatch):
    # The same file, parsed for windows 100, 1000 and 3000 days after its first event, with
    # the main events' DTSTART moved up near the window and with rie walking from the real one.
    moved_ones = 0
    real_moved_up = ical._moved_up

    def counting(event, before):
        nonlocal moved_ones
        moved = real_moved_up(event, before)
        moved_ones += moved is not event
        return moved

    def parsed_both_ways(data: bytes, window: Window):
        results = []
        for moved_up in (counting, lambda event, before: event):
            monkeypatch.setattr(ical, "_moved_up", moved_up)
            # The walk's time limits are wall-clock seconds: on a busy machine the walked way
            # could run out of them where the moved way does not. This test compares dates,
            # so both get all the time they need (the limits have their own tests).
            budget = ExpansionBudget(
                max_occurrences=ical.MAX_OCCURRENCES_TOTAL, walk_seconds=600, series_seconds=60
            )
            try:
                parsed = parse_ical(data, site="tofte", window=window, budget=budget)
            except FeedRefused as refused:
                results.append(refused.code)
            else:
                results.append((parsed.activities, parsed.occurrences, parsed.skipped))
        return results

    for path in FILES:
        data = path.read_bytes()
        for days in (100, 1000, 3000):
            first = first_event_day(data) + timedelta(days=days)
            moved, walked = parsed_both_ways(data, Window(first, first + timedelta(days=15)))
            assert moved == walked, (path.name, days)
    assert moved_ones > 100  # the test is about moved starts: many series must have had one
