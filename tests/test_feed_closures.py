"""The feed's closures: parsed, checked, stored with the snapshot, and read by the one rule
of opening hours (docs/feed.md, *Closure*)."""

from __future__ import annotations

from datetime import date, datetime

from tests.conftest import PINNED_NOW, activity, feed
from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import load_site
from torg_kiosk.domain.opening_hours import ClosedToday, Open, closures_from, service_state
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

TOFTE = load_site("tofte")
ONE = activity("trim", "2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00", site="tofte")


def synced(fresh_db, make_feed, closures: list) -> tuple[object, list]:
    document = feed([ONE])
    document["closures"] = closures
    result = sync_source(
        fresh_db, Source("central", "feed", str(make_feed(document))), now=PINNED_NOW
    )
    schedule = Schedule.open(fresh_db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        return result, schedule.closures("tofte")
    finally:
        schedule.close()


def test_a_closure_from_the_feed_closes_innbyggerservice_but_not_the_library(fresh_db, make_feed):
    result, views = synced(
        fresh_db,
        make_feed,
        [
            {
                "id": "romjul",
                "site": "tofte",
                "dates": ["2026-12-28", "2026-12-29"],
                "services": ["innbyggerservice"],
                "text": {"nb": "Innbyggerservice er stengt i romjulen."},
            }
        ],
    )
    assert result.outcome == "updated", result.line()
    closures = closures_from(views)
    monday = datetime(2026, 12, 28, 11, 0, tzinfo=OSLO)
    state = service_state(TOFTE, "innbyggerservice", monday, closures)
    assert isinstance(state, ClosedToday) and state.reason.closure.id == "romjul"
    assert state.reason.closure.text == {"nb": "Innbyggerservice er stengt i romjulen."}
    assert state.opens_at == datetime(2026, 12, 30, 10, 0, tzinfo=OSLO)
    assert isinstance(service_state(TOFTE, "library", monday, closures), Open)


def test_closures_for_every_torg_and_for_another_torg(fresh_db, make_feed):
    _, views = synced(
        fresh_db,
        make_feed,
        [
            {"id": "all", "dates": ["2027-01-04"]},
            {"id": "borgen-only", "site": "borgen", "dates": ["2027-01-05"]},
        ],
    )
    assert [(view.id, view.site, view.dates, view.services) for view in views] == [
        ("all", None, (date(2027, 1, 4),), None)
    ]


def test_a_bad_closure_is_skipped_and_the_rest_of_the_feed_is_used(fresh_db, make_feed):
    result, views = synced(
        fresh_db,
        make_feed,
        [
            {"id": "no-such-day", "dates": ["2026-02-30"]},
            {"id": "no-dates", "dates": []},
            {"id": "good", "site": "tofte", "dates": ["2026-12-02"]},
        ],
    )
    assert result.outcome == "updated" and result.skipped == 2, result.line()
    assert [view.id for view in views] == ["good"]


def test_a_new_snapshot_without_closures_removes_the_old_ones(fresh_db, make_feed):
    synced(fresh_db, make_feed, [{"id": "good", "dates": ["2026-12-02"]}])
    _, views = synced(fresh_db, make_feed, [])
    assert views == []
