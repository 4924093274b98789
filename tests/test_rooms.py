"""Rooms for an activity of your own: from the site file, their booking calendars synced
apart from the programme, free within the torg's opening hours (Heggedal, Thursday
3 December 2026 10:15: open 08:30–16, Friday to 15, Saturday 10–14, closed on Sunday)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.conftest import PINNED_NOW
from torg_kiosk.base.settings import CalendarSource, load_kiosk_config, load_site
from torg_kiosk.domain import rooms
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import sync_source
from torg_kiosk.sync.sources import sources_for

BUNDLED = load_site("heggedal")
#: Heggedal with a booking calendar for its hall (tests/data/calendars/heggedal-salen.ics).
HALL_CALENDAR = CalendarSource(
    id="room-heggedal-salen",
    kind="ical",
    default_category="other",
    path=Path(__file__).with_name("data") / "calendars" / "heggedal-salen.ics",
)
HEGGEDAL = replace(
    BUNDLED, rooms=(replace(BUNDLED.rooms[0], calendar=HALL_CALENDAR), *BUNDLED.rooms[1:])
)


def test_the_site_file_names_the_rooms_with_their_booking_pages():
    hall, meeting_room = BUNDLED.rooms
    assert (hall.id, hall.capacity, hall.booking_url is not None) == ("salen", 60, True)
    assert (meeting_room.id, meeting_room.calendar, meeting_room.booking_url) == (
        "moterom",
        None,
        None,
    )


def test_a_rooms_calendar_path_in_the_site_file_is_read_beside_the_config(tmp_path):
    import shutil

    from torg_kiosk.base.resources import bundled_config_dir

    folder = tmp_path / "etc"
    shutil.copytree(bundled_config_dir(), folder)
    site_file = folder / "sites" / "heggedal.toml"
    site_file.write_text(
        site_file.read_text().replace(
            '# calendar_url = "https://example.org/heggedal-salen.ics"',
            'calendar_path = "calendars/salen.ics"',
        )
    )
    hall = load_site("heggedal", folder).rooms[0]
    assert hall.calendar.path == folder / "calendars" / "salen.ics"


def test_a_rooms_calendar_is_a_source_of_its_own_kept_apart_from_the_programme():
    sources = {s.id: s for s in sources_for(load_kiosk_config(), [HEGGEDAL])}
    assert sources["room-heggedal-salen"].site == "heggedal--room-salen"


def test_the_week_of_the_hall_is_free_inside_opening_hours_around_its_bookings(fresh_db):
    source = sources_for(load_kiosk_config(), [HEGGEDAL])[-1]
    assert sync_source(fresh_db, source, now=PINNED_NOW).ok
    path = fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]
    schedule = Schedule.open(path)
    try:
        assert schedule.today("heggedal", PINNED_NOW) == []  # bookings are not programme
        week = rooms.week(schedule, HEGGEDAL, HEGGEDAL.rooms[0], PINNED_NOW)
    finally:
        schedule.close()
    lines = [rooms.day_line(day, PINNED_NOW.date(), "nb") for day in week]
    assert lines == [
        "I dag: ledig 10:15–12",  # from now until the Christmas party at 12
        "I morgen: ledig 08:30–10, 11–15",
        "Lørdag: ledig 10–14",
        "Søndag: stengt",
        "Mandag: ledig 08:30–10, 11–16",
        "Tirsdag: ledig 08:30–16",  # the band rehearses after closing
        "Onsdag: ledig 08:30–10, 11–19",
    ]
    assert week[3].day == date(2026, 12, 6) and week[3].closed
