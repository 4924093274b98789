"""A day with 50,000 activities at one torg: Today still opens, pages, filters and refreshes.

The regression this pins (the issue "One bad character must never take the lobby screens
down", item 7): such a day took 3 s to show and froze the screen for seconds on every
refresh, because Today built a card for every activity of the day and handed all of them
to its list. Now the list holds one window of cards around what is shown
(``domain.day_rows.WINDOW_ROWS``) and reads them off the UI thread. These tests do not time
anything: they check what is on screen and count the cards a refresh builds.

The feed is synced for real into its own data folder; the session's app is pointed at that
database for this module (``app.schedule``, as other tests set ``app.now``) and back after.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from test_paging_ui import visible_indexes

from tests.conftest import busy_day, feed, feed_bytes
from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.day_rows import WINDOW_ROWS
from torg_kiosk.store.database import open_db
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

COUNT = 50_000
DAY_AT = datetime(2026, 12, 3, 14, 0, tzinfo=OSLO)


@pytest.fixture(scope="module")
def big_feed(tmp_path_factory):
    """The feed file, synced once into kiosk.db next to it."""
    folder = tmp_path_factory.mktemp("big-day")
    path = folder / "feed.json"
    path.write_bytes(feed_bytes(feed(busy_day(COUNT, site="heggedal"))))
    db = open_db(folder / "kiosk.db")
    result = sync_source(db, Source("central", "feed", str(path)), now=DAY_AT)
    db.conn.close()
    assert result.outcome == "updated", result.line()
    return path


@pytest.fixture(scope="module")
def big_schedule(big_feed):
    schedule = Schedule.open(big_feed.parent / "kiosk.db")
    yield schedule
    schedule.close()


@pytest.fixture
def big_day(ui, big_schedule):
    """The app on the 50,000-activity day at 14:00; its own data and clock again after."""
    app = ui.app
    schedule, clock = app.schedule, app.now
    moment = [DAY_AT]
    app.now = lambda: moment[0]
    app.schedule = big_schedule
    ui.resize(1920, 1080)
    app.go_home()
    ui.frames()
    yield moment
    app.schedule, app.now = schedule, clock
    app.go_home()
    app.refresh_all()
    ui.frames()


def settle(ui, screen) -> None:
    """Frames until the screen's reads have landed and its rows are laid out."""
    ui.frames(2)
    ui.wait_until(lambda: not screen.loading, what="Today's rows to be read")
    ui.frames(4)


def open_today(ui):
    ui.tap(ui.app.manager.get_screen("home").ids.today_button)
    today = ui.screen
    assert today.name == "today"
    settle(ui, today)
    return today


def shown(today) -> dict[int, dict]:
    """The rows drawn wholly on screen, by their position in the whole day."""
    rv = today.ids.rows
    return {today.rows_before + i: rv.data[i] for i in sorted(visible_indexes(rv))}


def test_today_opens_at_the_running_activity_holding_one_window(ui, big_day, big_schedule):
    today = open_today(ui)
    day = big_schedule.day_list("heggedal", DAY_AT.date())
    assert today.total == COUNT + 1
    assert len(today.ids.rows.data) <= WINDOW_ROWS
    current = day.position_of_first_current(DAY_AT)
    first_current = day.page_at(current, 1)[0]
    rows = shown(today)
    assert current in rows and rows[current]["key"] == first_current.key
    assert rows[current]["marker"] == "Nå" and rows[current]["running"]
    assert all(not row["past"] for position, row in rows.items() if position >= current)
    # The rows held come in the day's order, cancelled ones flagged.
    held = today.ids.rows.data
    expected = day.page_at(today.rows_before, len(held))
    assert [row["key"] for row in held] == [view.key for view in expected]
    cancelled = [row for row in held if row["cancelled"]]
    assert cancelled and all(row["marker"] == "AVLYST" for row in cancelled)


def test_the_first_rows_of_the_day_show_at_the_top(ui, big_day, big_schedule):
    today = open_today(ui)
    paged = today.ids.paged
    paged.show_offset(0)
    settle(ui, today)
    first_views = big_schedule.day_list("heggedal", DAY_AT.date()).page_at(0, 3)
    rows = shown(today)
    assert [rows[i]["key"] for i in range(3)] == [view.key for view in first_views]
    assert paged.ids.up_button.disabled and not paged.ids.down_button.disabled


def test_paging_down_to_the_end_reaches_the_last_activity(ui, big_day, big_schedule):
    today = open_today(ui)
    paged = today.ids.paged
    down, up = paged.ids.down_button, paged.ids.up_button
    rv = today.ids.rows
    # A visitor would drag the bar; the test puts the list three pages from its end.
    paged.show_offset(rv.viewport_size[1] - 4 * rv.height)
    settle(ui, today)
    seen = [shown(today)]
    for _ in range(10):
        if down.disabled:
            break
        ui.tap(down)
        settle(ui, today)
        seen.append(shown(today))
    assert down.disabled and not up.disabled
    last = big_schedule.day_list("heggedal", DAY_AT.date()).page_at(COUNT, 1)[0]
    assert seen[-1][COUNT]["key"] == last.key
    for before, after in itertools.pairwise(seen):
        assert max(after) > max(before), "each page shows rows not seen before"
        # One screen less a row: the reader keeps their place (as on the demo day).
        assert before.keys() & after.keys() or min(after) == max(before) + 1


def test_a_category_chip_filters_the_big_day(ui, big_day, big_schedule):
    today = open_today(ui)
    walk = next(b for b in today.ids.filters.children if b.category == "walk")
    ui.tap(walk)
    settle(ui, today)
    walks = big_schedule.day_list("heggedal", DAY_AT.date(), category="walk")
    assert today.category == "walk" and walk.selected
    assert today.total == walks.count() < COUNT
    rows = shown(today)
    assert rows and {row["category_text"] for row in rows.values()} == {"Tur"}
    position = min(rows)
    assert [row["key"] for row in rows.values()] == [
        view.key for view in walks.page_at(position, len(rows))
    ]
    everything = next(b for b in today.ids.filters.children if b.category == "")
    ui.tap(everything)
    settle(ui, today)
    assert today.total == COUNT + 1


def test_a_refresh_builds_at_most_one_window_and_none_when_nothing_changed(
    ui, big_day, big_schedule, big_feed
):
    today = open_today(ui)
    app = ui.app
    before = today.cards_built
    big_day[0] += timedelta(minutes=1)
    app.refresh_if_changed()
    settle(ui, today)
    built = today.cards_built - before
    assert 0 < built <= WINDOW_ROWS
    for _ in range(3):  # the clock's tick and a refresh asked for anyway: same minute, same data
        before = today.cards_built
        app.refresh_if_changed()
        app.refresh_all()
        settle(ui, today)
        assert today.cards_built == before
    # A sync that finds the feed as it was commits (its status), and still nothing is rebuilt.
    version = big_schedule.data_version()
    db = open_db(big_schedule.path)
    result = sync_source(db, Source("central", "feed", str(big_feed)), now=big_day[0])
    db.conn.close()
    assert result.outcome == "unchanged" and big_schedule.data_version() != version
    app.refresh_if_changed()
    settle(ui, today)
    assert today.cards_built == before


def test_home_and_the_week_show_a_few_of_the_big_day(ui, big_day):
    app = ui.app
    home = app.manager.get_screen("home")
    app.go_home()
    home.refresh()
    ui.frames()
    now_rows = [row for row in home.ids.now_box.children if hasattr(row, "label")]
    assert 0 < len(now_rows) <= 3 and now_rows[-1].label == "Nå"
    app.go("week")
    ui.frames(4)
    week = ui.screen
    titles = [row.get("title") for row in week.ids.rows.data]
    assert f"og {COUNT + 1 - 30} til" in titles
    assert len(week.ids.rows.data) < 7 * 32
