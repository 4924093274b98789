"""store.day_list: a day's list read a page at a time gives what on_day gives all at once.

Every test syncs real feeds into a real SQLite file and compares the paged answers with
``Schedule.on_day``, which reads the whole day in Python: same rows, same order, same
duplicates left out, whatever the page size.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import BUSY_DAY_CATEGORIES as CATEGORIES
from tests.conftest import PINNED_NOW, activity, busy_day, feed
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.database import open_db
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

DAY = date(2026, 12, 3)


def at(hh_mm: str, minutes: int = 60, *, day: int = 3, **kw) -> dict:
    start = datetime.fromisoformat(f"2026-12-{day:02d}T{hh_mm}:00+01:00")
    name = kw.pop("id", f"d{day}-{hh_mm.replace(':', '')}")
    return activity(name, start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), **kw)


def calendar(*events: tuple[str, str, str, str]) -> str:
    """An iCalendar text of all-day events ``(uid, title, first day, day after the last)``
    and timed ones (times with ``T``); feed v1 has no all-day activities, calendars do."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//day list//NB"]
    for uid, title, first, after in events:
        kind = "" if "T" in first else ";VALUE=DATE"
        zone = ";TZID=Europe/Oslo" if "T" in first else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"SUMMARY:{title}",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART{kind}{zone}:{first}",
            f"DTEND{kind}{zone}:{after}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


@pytest.fixture
def schedule_from(tmp_path, make_feed):
    """``schedule_from({"central": [...], "tofte-bibliotek": [...]})``: each list synced as
    its own feed source, then the read side over the file."""
    opened: list[Schedule] = []

    def build(sources: dict[str, list[dict] | str]) -> Schedule:
        db = open_db(tmp_path / "kiosk.db")
        for source, activities in sources.items():
            if isinstance(activities, str):
                path = tmp_path / f"{source}.ics"
                path.write_text(activities)
                found = Source(source, "ical", str(path), site="holmen")
            else:
                found = Source(
                    source, "feed", str(make_feed(feed(activities), name=f"{source}.json"))
                )
            result = sync_source(db, found, now=PINNED_NOW)
            assert result.outcome == "updated", result.line()
        db.conn.close()
        schedule = Schedule.open(tmp_path / "kiosk.db")
        opened.append(schedule)
        return schedule

    yield build
    for schedule in opened:
        schedule.close()


def keys(views) -> list[str]:
    return [view.key for view in views]


def paged_after(day_list, size: int) -> list:
    rows, key = [], None
    while True:
        page = day_list.page_after(key, size)
        rows += page
        if len(page) < size:
            return rows
        key = day_list.key_of(page[-1])


@pytest.mark.parametrize("size", [1, 7, 40, 1000])
def test_paging_by_key_walks_the_whole_day_in_on_days_order(schedule_from, size):
    schedule = schedule_from({"central": busy_day(300)})
    day_list = schedule.day_list("holmen", DAY)
    assert keys(paged_after(day_list, size)) == keys(schedule.on_day("holmen", DAY))
    assert day_list.count() == 301


def test_a_page_at_any_position_is_that_slice_of_the_day(schedule_from):
    schedule = schedule_from({"central": busy_day(120)})
    whole = keys(schedule.on_day("holmen", DAY))
    day_list = schedule.day_list("holmen", DAY)
    for offset in (0, 1, 39, 60, 115, 120, 121, 500):
        assert keys(day_list.page_at(offset, 10)) == whole[offset : offset + 10], offset


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_category_pages_and_counts_only_its_own(schedule_from, category):
    schedule = schedule_from({"central": busy_day(200)})
    whole = schedule.on_day("holmen", DAY, category=category)
    day_list = schedule.day_list("holmen", DAY, category=category)
    assert keys(paged_after(day_list, 9)) == keys(whole)
    assert keys(day_list.page_at(20, 5)) == keys(whole[20:25])
    assert day_list.count() == len(whole)


def test_all_day_ones_come_first_then_by_start(schedule_from):
    events = calendar(
        ("morning", "Morgen", "20261203T090000", "20261203T100000"),
        ("market", "Julemarked", "20261203", "20261204"),
        ("festival", "Festuke", "20261202", "20261205"),
        ("early", "Tidlig", "20261203T070000", "20261203T080000"),
    )
    schedule = schedule_from({"holmen-kalender": events})
    day_list = schedule.day_list("holmen", DAY)
    expected = ["festival", "market", "early", "morning"]
    assert [view.activity_id for view in schedule.on_day("holmen", DAY)] == expected
    assert [view.activity_id for view in paged_after(day_list, 1)] == expected
    assert [view.activity_id for view in day_list.page_at(1, 2)] == ["market", "early"]
    assert day_list.position(day_list.key_of(day_list.page_at(2, 1)[0])) == 2


def test_the_same_activity_from_two_sources_is_listed_once_from_the_first_source(
    schedule_from,
):
    central = [at("10:00", title="Strikkekafé", id="knit"), at("12:00", title="Datahjelp")]
    library = [
        at("10:00", title="strikkekafé", id="lib-knit"),  # the same, in other letters
        at("12:00", title="Lesesirkel", id="lib-read"),  # the same time, another activity
    ]
    schedule = schedule_from({"central": central, "tofte-bibliotek": library})
    day_list = schedule.day_list("holmen", DAY)
    listed = [(view.source, view.activity_id) for view in paged_after(day_list, 2)]
    assert listed == [
        ("central", "knit"),
        ("central", "d3-1200"),
        ("tofte-bibliotek", "lib-read"),
    ]
    assert keys(paged_after(day_list, 2)) == keys(schedule.on_day("holmen", DAY))
    assert day_list.count() == 3


def test_many_rows_from_two_sources_page_as_on_day_gives_them(schedule_from):
    schedule = schedule_from(
        {"central": busy_day(150), "tofte-bibliotek": busy_day(60, prefix="b")}
    )
    for category in (None, "walk"):
        whole = schedule.on_day("holmen", DAY, category=category)
        day_list = schedule.day_list("holmen", DAY, category=category)
        assert keys(paged_after(day_list, 13)) == keys(whole)
        assert day_list.count() == len(whole) < 150 + 60 + 2
        assert schedule.day_list("holmen", DAY).categories() == sorted(CATEGORIES)


@pytest.mark.parametrize("hh_mm", ["06:00", "10:15", "12:40", "23:30"])
def test_the_first_current_row_is_where_on_day_has_the_first_one_not_over(schedule_from, hh_mm):
    schedule = schedule_from({"central": busy_day(200)})
    now = datetime.fromisoformat(f"2026-12-03T{hh_mm}:00+01:00").astimezone(OSLO)
    whole = schedule.on_day("holmen", DAY)
    expected = next((i for i, view in enumerate(whole) if not view.is_past(now)), 0)
    assert schedule.day_list("holmen", DAY).position_of_first_current(now) == expected


def test_now_and_next_is_bounded_and_leaves_out_cancelled_ones(schedule_from):
    schedule = schedule_from({"central": busy_day(400)})
    now = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
    todays = [v for v in schedule.on_day("holmen", DAY) if not v.cancelled and not v.all_day]
    all_running = [v for v in todays if v.is_running(now)]
    running, upcoming = schedule.now_and_next("holmen", now, running=3)
    assert keys(running) == keys(all_running[:3])
    assert keys(upcoming) == keys([v for v in todays if v.start > now][:2])
    assert keys(schedule.now_and_next("holmen", now)[0]) == keys(all_running)


def test_a_busy_week_day_is_capped_when_asked(schedule_from):
    schedule = schedule_from({"central": busy_day(100)})
    capped = schedule.days_ahead("holmen", PINNED_NOW, days=2, per_day=5)
    assert keys(capped[DAY]) == keys(schedule.on_day("holmen", DAY)[:5])
    assert capped[DAY + timedelta(days=1)] == []


def test_a_sync_that_finds_nothing_new_moves_the_data_version_but_not_the_schedule(
    schedule_from, tmp_path, make_feed
):
    schedule = schedule_from({"central": busy_day(3)})
    data, content = schedule.data_version(), schedule.schedule_version()
    assert (schedule.data_version(), schedule.schedule_version()) == (data, content)

    def sync(activities, later: int) -> str:
        db = open_db(tmp_path / "kiosk.db")
        path = make_feed(feed(activities), name="central.json")
        now = PINNED_NOW + timedelta(minutes=later)
        result = sync_source(db, Source("central", "feed", str(path)), now=now)
        db.conn.close()
        return result.outcome

    assert sync(busy_day(3), later=15) == "unchanged"
    assert schedule.data_version() != data
    assert schedule.schedule_version() == content
    assert sync(busy_day(4), later=30) == "updated"
    assert schedule.schedule_version() != content
    assert schedule.day_list("holmen", DAY).count() == 5


def test_longer_events_zero_length_markers_and_same_start_twins_page_as_on_day_gives_them(
    schedule_from,
):
    """The truths of the calendar (a weekend course on its third day, a two-week exhibition,
    a holiday marker of no length at midnight, two occurrences of one series at one start)
    hold for Today's paged list too, not only for on_day."""
    schedule = schedule_from(
        {
            "kalender": calendar(
                ("course", "Helgekurs", "20261201T180000", "20261203T140000"),
                ("exhibition", "Utstilling", "20261125", "20261209"),
                ("marker", "Merkedag", "20261203", "20261203"),
                ("evening", "Kveld før", "20261202T200000", "20261202T230000"),
            )
        }
    )
    whole = schedule.on_day("holmen", DAY)
    titles = {view.title.get("nb") for view in whole}
    assert {"Helgekurs", "Utstilling", "Merkedag"} <= titles
    assert "Kveld før" not in titles
    day = schedule.day_list("holmen", DAY)
    assert day.count() == len(whole)
    for size in (1, 2, 50):
        paged, key = [], None
        while page := day.page_after(key, size):
            paged += page
            key = day.key_of(page[-1])
        assert sorted(keys(paged)) == sorted(keys(whole))
    running = day.running(datetime(2026, 12, 3, 10, 0, tzinfo=OSLO), 10)
    assert [view.title["nb"] for view in running] == ["Helgekurs"]
