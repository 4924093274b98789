"""The iCalendar parser on small calendars written here, one feature at a time."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.sync.formats import ical
from torg_kiosk.sync.formats.ical import parse_ical, sniff_ical
from torg_kiosk.sync.recurrence import ExpansionBudget

DECEMBER = Window(date(2026, 11, 30), date(2026, 12, 31))


def calendar(*events: str, header: str = "") -> bytes:
    """A VCALENDAR around ``events`` (each the lines inside one VEVENT), CRLF line ends."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//torg-kiosk//tests//NB"]
    lines += [line for line in header.strip().splitlines() if line]
    for event in events:
        lines.append("BEGIN:VEVENT")
        lines += [line.strip() for line in event.strip().splitlines()]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


WEEKLY_TRIM = """
UID:trim-tofte
SUMMARY:Seniortrim
DESCRIPTION:Lett trening med musikk.
LOCATION:Salen
ORGANIZER;CN=Frivilligsentralen:mailto:frivillig@example.no
URL:https://example.no/trim
CATEGORIES:Trim,Helse
DTSTART;TZID=Europe/Oslo:20261201T100000
DTEND;TZID=Europe/Oslo:20261201T110000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/Oslo:20261215T100000
"""


def test_weekly_oslo_rule_with_exdate():
    parsed = parse_ical(calendar(WEEKLY_TRIM), site="tofte", window=DECEMBER)
    [activity] = parsed.activities
    assert activity.id == "trim-tofte"
    assert activity.title == {"nb": "Seniortrim"}
    assert activity.description == {"nb": "Lett trening med musikk."}
    assert activity.room == "Salen"
    assert activity.organizer == "Frivilligsentralen"
    assert activity.url == "https://example.no/trim"
    assert activity.category == "exercise"
    assert activity.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert activity.start == datetime(2026, 12, 1, 10, tzinfo=OSLO)
    assert activity.end == datetime(2026, 12, 1, 11, tzinfo=OSLO)
    # Tuesdays in December, 10:00 Oslo = 09:00 UTC, without the 15th.
    assert [o.start for o in parsed.occurrences] == [
        utc(2026, 12, 1, 9),
        utc(2026, 12, 8, 9),
        utc(2026, 12, 22, 9),
        utc(2026, 12, 29, 9),
    ]
    assert all(o.end - o.start == timedelta(hours=1) for o in parsed.occurrences)
    assert {o.activity_id for o in parsed.occurrences} == {"trim-tofte"}
    assert parsed.skipped == []


def test_rdate_adds_an_extra_date():
    event = WEEKLY_TRIM + "RDATE;TZID=Europe/Oslo:20261218T120000\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    assert utc(2026, 12, 18, 11) in [o.start for o in parsed.occurrences]
    assert len(parsed.occurrences) == 5


def test_override_moves_one_occurrence_and_changes_its_room():
    override = """
    UID:trim-tofte
    RECURRENCE-ID;TZID=Europe/Oslo:20261208T100000
    SUMMARY:Seniortrim (flyttet)
    LOCATION:Biblioteket
    DTSTART;TZID=Europe/Oslo:20261209T140000
    DTEND;TZID=Europe/Oslo:20261209T150000
    """
    parsed = parse_ical(calendar(WEEKLY_TRIM, override), site="tofte", window=DECEMBER)
    assert len(parsed.activities) == 1
    moved = [o for o in parsed.occurrences if o.start == utc(2026, 12, 9, 13)]
    assert len(moved) == 1
    assert moved[0].activity_id == "trim-tofte"
    assert moved[0].room == "Biblioteket"
    assert moved[0].title == {"nb": "Seniortrim (flyttet)"}
    assert utc(2026, 12, 8, 9) not in [o.start for o in parsed.occurrences]
    # The untouched occurrences carry no per-occurrence changes.
    others = [o for o in parsed.occurrences if o is not moved[0]]
    assert all(o.room is None and o.title is None for o in others)


def test_cancelled_override_is_kept_and_flagged():
    override = """
    UID:trim-tofte
    RECURRENCE-ID;TZID=Europe/Oslo:20261222T100000
    SUMMARY:Seniortrim
    STATUS:CANCELLED
    DTSTART;TZID=Europe/Oslo:20261222T100000
    DTEND;TZID=Europe/Oslo:20261222T110000
    """
    parsed = parse_ical(calendar(WEEKLY_TRIM, override), site="tofte", window=DECEMBER)
    status = {o.start: o.status for o in parsed.occurrences}
    assert status[utc(2026, 12, 22, 9)] == "cancelled"
    assert status[utc(2026, 12, 29, 9)] == "scheduled"
    assert parsed.activities[0].status == "scheduled"


def test_all_day_multi_day_event():
    event = """
    UID:julemarked
    SUMMARY:Julemarked
    CATEGORIES:Konsert
    DTSTART;VALUE=DATE:20261211
    DTEND;VALUE=DATE:20261214
    """
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    [activity] = parsed.activities
    assert activity.start == date(2026, 12, 11)
    assert activity.end == date(2026, 12, 14)
    assert activity.all_day
    assert activity.category == "culture"
    [occurrence] = parsed.occurrences
    assert occurrence.all_day
    # Oslo midnight of the 11th (UTC+1 in winter) to Oslo midnight of the 14th.
    assert occurrence.start == utc(2026, 12, 10, 23)
    assert occurrence.end == utc(2026, 12, 13, 23)


def test_all_day_event_without_end_lasts_one_day():
    event = "UID:en-dag\nSUMMARY:Åpen dag\nDTSTART;VALUE=DATE:20261202\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    [occurrence] = parsed.occurrences
    assert (occurrence.start, occurrence.end) == (utc(2026, 12, 1, 23), utc(2026, 12, 2, 23))


def test_timed_event_without_end_or_duration_has_zero_length():
    event = "UID:punkt\nSUMMARY:Oppstart\nDTSTART;TZID=Europe/Oslo:20261202T120000\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    [occurrence] = parsed.occurrences
    assert occurrence.start == occurrence.end == utc(2026, 12, 2, 11)
    assert parsed.activities[0].end is None


def test_duration_gives_the_end():
    event = "UID:kurs\nSUMMARY:Kurs\nDTSTART;TZID=Europe/Oslo:20261202T120000\nDURATION:PT90M\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    [occurrence] = parsed.occurrences
    assert occurrence.end == utc(2026, 12, 2, 12, 30)


def test_floating_time_is_read_as_oslo():
    event = """
    UID:flyt
    SUMMARY:Kafé
    CATEGORIES:Språkkafé
    DTSTART:20261203T180000
    DTEND:20261203T200000
    """
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    [occurrence] = parsed.occurrences
    assert occurrence.start == utc(2026, 12, 3, 17)
    assert parsed.activities[0].start == datetime(2026, 12, 3, 18, tzinfo=OSLO)
    assert parsed.activities[0].category == "language"


def test_x_wr_timezone_applies_to_times_without_tzid():
    event = "UID:ny\nSUMMARY:Møte\nDTSTART:20261203T090000\nDTEND:20261203T100000\n"
    data = calendar(event, header="X-WR-TIMEZONE:America/New_York")
    parsed = parse_ical(data, site="tofte", window=DECEMBER)
    [occurrence] = parsed.occurrences
    # 09:00 in New York (UTC-5), not 09:00 in Oslo.
    assert occurrence.start == utc(2026, 12, 3, 14)


def test_unknown_tzid_skips_that_event_and_keeps_the_other(caplog):
    bad = "UID:ukjent\nSUMMARY:Ukjent sone\nDTSTART;TZID=Mars/Olympus:20261203T090000\n"
    with caplog.at_level(logging.WARNING, logger="torg_kiosk.sync.formats.ical"):
        parsed = parse_ical(calendar(WEEKLY_TRIM, bad), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    [skipped] = parsed.skipped
    assert skipped.record_id == "ukjent"
    assert "Mars/Olympus" in skipped.reason and "unknown" in skipped.reason
    assert "ukjent" in caplog.text


def test_vtimezone_with_a_custom_tzid_is_used():
    header = """
BEGIN:VTIMEZONE
TZID:Oslo-tid
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""
    event = "UID:egen\nSUMMARY:Egen sone\nDTSTART;TZID=Oslo-tid:20261203T090000\n"
    parsed = parse_ical(calendar(event, header=header), site="tofte", window=DECEMBER)
    assert [o.start for o in parsed.occurrences] == [utc(2026, 12, 3, 8)]


def test_end_before_start_is_skipped_with_a_reason():
    event = """
    UID:baklengs
    SUMMARY:Baklengs
    DTSTART;TZID=Europe/Oslo:20261203T100000
    DTEND;TZID=Europe/Oslo:20261203T090000
    """
    parsed = parse_ical(calendar(WEEKLY_TRIM, event), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert [s.reason for s in parsed.skipped] == ["the event ends before it starts."]


def test_bad_rrule_is_skipped_and_the_rest_parse():
    event = "UID:feil\nSUMMARY:Feil\nDTSTART:20261203T100000\nRRULE:FREQ=SOMETIMES\n"
    parsed = parse_ical(calendar(event, WEEKLY_TRIM), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert parsed.skipped[0].record_id == "feil"
    assert "RRULE" in parsed.skipped[0].reason


def test_ids_follow_the_feed_pattern():
    weird = "UID:abc def@exämple\nSUMMARY:A\nDTSTART:20261203T100000\n"
    no_uid = "SUMMARY:Uten UID\nDTSTART:20261204T100000\n"
    first = parse_ical(calendar(weird, no_uid), site="tofte", window=DECEMBER)
    again = parse_ical(calendar(weird, no_uid), site="tofte", window=DECEMBER)
    ids = [a.id for a in first.activities]
    assert ids == [a.id for a in again.activities]  # stable between downloads
    assert all(ical._ID_PATTERN.match(i) and i.startswith("ical-") for i in ids)
    assert len(set(ids)) == 2


def test_organizer_without_name_is_the_address():
    event = "UID:o\nSUMMARY:O\nDTSTART:20261203T100000\nORGANIZER:MAILTO:torg@asker.example\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER)
    assert parsed.activities[0].organizer == "torg@asker.example"


def test_unknown_category_uses_the_default():
    event = "UID:c\nSUMMARY:C\nDTSTART:20261203T100000\nCATEGORIES:Diverse\n"
    parsed = parse_ical(calendar(event), site="tofte", window=DECEMBER, default_category="social")
    assert parsed.activities[0].category == "social"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Logg inn</body></html>",
        b"",
        b"\x00\x01\x02\xff\xfe binary",
        b'{"version": 1}',
    ],
)
def test_what_is_not_a_calendar_is_refused(body: bytes):
    assert not sniff_ical(body)
    with pytest.raises(FeedRefused) as refused:
        parse_ical(body, site="tofte", window=DECEMBER, source_label="Tofte-kalenderen")
    assert refused.value.code == "not_ical"
    assert "Tofte-kalenderen" in refused.value.message


def test_bom_lf_lone_cr_and_bad_bytes_are_tolerated():
    text = calendar(WEEKLY_TRIM).decode().replace("Salen", "Sal\udcff")
    data = b"\xef\xbb\xbf" + text.encode("utf-8", "surrogateescape").replace(b"\r\n", b"\r")
    assert sniff_ical(data)
    parsed = parse_ical(data, site="tofte", window=DECEMBER)
    assert len(parsed.occurrences) == 4
    assert parsed.activities[0].room == "Sal\ufffd"


def test_a_series_past_the_cap_is_skipped_whole_and_the_others_kept(monkeypatch):
    monkeypatch.setattr(ical, "MAX_OCCURRENCES_PER_SERIES", 20)
    event = "UID:hver-time\nSUMMARY:Løpsk\nDTSTART:20261201T100000\nRRULE:FREQ=HOURLY\n"
    parsed = parse_ical(calendar(event, WEEKLY_TRIM), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert {o.activity_id for o in parsed.occurrences} == {"trim-tofte"}
    assert [s.record_id for s in parsed.skipped] == ["hver-time"]
    assert "more than 20 times" in parsed.skipped[0].reason


def test_the_series_that_passes_the_total_cap_is_skipped(monkeypatch):
    monkeypatch.setattr(ical, "MAX_OCCURRENCES_TOTAL", 6)
    parsed = parse_ical(
        calendar(WEEKLY_TRIM, WEEKLY_TRIM.replace("trim-tofte", "trim-2")),
        site="tofte",
        window=DECEMBER,
    )
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert len(parsed.occurrences) == 4
    assert [s.record_id for s in parsed.skipped] == ["trim-2"]
    assert "more than 6 occurrences" in parsed.skipped[0].reason


def test_occurrences_outside_the_window_are_left_out():
    window = Window(date(2026, 12, 8), date(2026, 12, 8))
    parsed = parse_ical(calendar(WEEKLY_TRIM), site="tofte", window=window)
    assert [o.start for o in parsed.occurrences] == [utc(2026, 12, 8, 9)]


def test_rules_finer_than_every_15_minutes_are_refused_per_series():
    # From a start in 2010, a secondly rule would take millions of steps to reach the window.
    event = "UID:sekund\nSUMMARY:S\nDTSTART:20100101T000000\nRRULE:FREQ=SECONDLY\n"
    parsed = parse_ical(calendar(event, WEEKLY_TRIM), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert [s.record_id for s in parsed.skipped] == ["sekund"]
    assert "'FREQ=SECONDLY' can start 3600 times an hour" in parsed.skipped[0].reason


def test_an_impossible_rule_from_2000_is_skipped_not_walked_to_the_year_9999():
    # dateutil looks for 30 February day by day until 9999 (seconds) without the walk guard.
    event = (
        "UID:aldri\nSUMMARY:Aldri\nDTSTART;TZID=Europe/Oslo:20000103T100000\n"
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\n"
    )
    parsed = parse_ical(calendar(event, WEEKLY_TRIM), site="tofte", window=DECEMBER)
    assert [a.id for a in parsed.activities] == ["trim-tofte"]
    assert [s.record_id for s in parsed.skipped] == ["aldri"]
    assert "gives no date in the 10 years after the window" in parsed.skipped[0].reason


def test_a_series_past_its_time_budget_is_skipped_with_the_reason():
    # A zero budget is spent before dateutil's first step inside rie.
    event = (
        "UID:telt\nSUMMARY:Telt\nDTSTART;TZID=Europe/Oslo:20000104T100000\n"
        "RRULE:FREQ=WEEKLY;COUNT=2000\n"
    )
    parsed = parse_ical(
        calendar(event), site="tofte", window=DECEMBER, budget=ExpansionBudget(series_seconds=0)
    )
    assert parsed.activities == []
    assert [s.record_id for s in parsed.skipped] == ["telt"]
    assert "took more than 0 s" in parsed.skipped[0].reason
