"""The whole sync, end to end: real HTTP on 127.0.0.1, a real SQLite file, the real parser.

Every failure test takes a good snapshot first, then checks that the full occurrences table
(and the activities table) is byte-for-byte the same after the failure: the last good data
is kept.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from tests.conftest import PINNED_NOW, activity, feed, feed_bytes, weekly_series
from tests.httpfixtures import Reply, serve_replies
from torg_central.devserver import serve
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.store.snapshots import source_status
from torg_kiosk.sync.fetch import FetchLimits
from torg_kiosk.sync.pipeline import Source, sync_all, sync_source

JSON = {"Content-Type": "application/json"}
#: Quick limits so failure tests stay fast; retries are on so a 503 can be retried.
QUICK = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10, retries=2, backoff=0.01)
NO_RETRY = FetchLimits(connect_timeout=1, read_timeout=1, deadline=5, retries=0)


def central(url: str) -> Source:
    return Source(id="central", kind="feed", location=url + "/feed.json")


def table(db, name: str) -> list[tuple]:
    return db.execute(f"SELECT * FROM {name} ORDER BY 1, 2, 3").fetchall()


def snapshot_of(db) -> tuple[list[tuple], list[tuple]]:
    return table(db, "occurrences"), table(db, "activities")


@pytest.fixture
def devserver(tmp_path):
    """The reference central server, serving tmp_path/served.json (re-read on every GET)."""
    feed_path = tmp_path / "served.json"
    feed_path.write_bytes(feed_bytes(feed(weekly_series(20))))
    server = serve(feed_path, db_path=tmp_path / "central.db")
    server.feed_path = feed_path
    yield server
    server.shutdown()


@pytest.fixture
def good_db(fresh_db, devserver):
    """A database holding a good snapshot of 20 weekly series from the reference server."""
    result = sync_source(fresh_db, central(devserver.url), now=PINNED_NOW, limits=QUICK)
    assert result.outcome == "updated", result.line()
    occurrences, _ = snapshot_of(fresh_db)
    assert len(occurrences) >= 20
    return fresh_db


def sync_with_replies(db, *replies, limits=QUICK, **kwargs):
    with serve_replies(*replies) as server:
        result = sync_source(db, central(server.url), now=PINNED_NOW, limits=limits, **kwargs)
    return result, server


# --- the happy path ----------------------------------------------------------------------


def test_first_sync_stores_the_demo_feed(fresh_db, demo_feed_path, tmp_path):
    document = json.loads(demo_feed_path.read_text(encoding="utf-8"))
    with serve(demo_feed_path, db_path=tmp_path / "central.db") as server:
        result = sync_source(fresh_db, central(server.url), now=PINNED_NOW, limits=QUICK)

    assert result.outcome == "updated", result.line()
    assert result.activities == len(document["activities"])
    assert fresh_db["activities"].count == len(document["activities"])
    assert fresh_db["announcements"].count == len(document["announcements"])
    assert fresh_db["sites"].count == len(document["sites"])
    status = source_status(fresh_db, "central")
    # The one record skipped is the demo ticket key: only the bundled demo feed may bring it.
    assert (status["activities"], status["skipped"]) == (len(document["activities"]), 1)
    assert status["occurrences"] == fresh_db["occurrences"].count == result.occurrences
    schedule = Schedule.open(fresh_db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        today = schedule.today("asker-sentrum", PINNED_NOW)
    finally:
        schedule.close()
    assert today, "the demo feed has activities at Asker sentrum on a Thursday"
    assert {o.site for o in today} == {"asker-sentrum"}
    assert all(o.start.date() <= PINNED_NOW.date() <= o.end.date() for o in today)


def test_second_sync_is_a_304_and_writes_no_snapshot(good_db, devserver):
    before = snapshot_of(good_db)
    body_before = good_db.execute("SELECT body FROM snapshots").fetchall()
    change_before = source_status(good_db, "central")["last_change"]

    later = PINNED_NOW + timedelta(minutes=10)
    result = sync_source(good_db, central(devserver.url), now=later, limits=QUICK)

    assert result.outcome == "unchanged"
    assert "not modified" in result.message  # a 304, not a re-download of the same bytes
    assert snapshot_of(good_db) == before
    assert good_db.execute("SELECT body FROM snapshots").fetchall() == body_before
    status = source_status(good_db, "central")
    assert status["last_change"] == change_before
    assert status["last_success"] != change_before  # the status row does move on


def test_a_changed_feed_on_the_server_is_stored_on_the_next_sync(good_db, devserver):
    devserver.feed_path.write_bytes(feed_bytes(feed(weekly_series(20, prefix="new"))))
    result = sync_source(good_db, central(devserver.url), now=PINNED_NOW, limits=QUICK)
    assert result.outcome == "updated"
    ids = {row[0] for row in good_db.execute("SELECT id FROM activities")}
    assert ids == {f"new-{n}" for n in range(20)}


def test_a_503_with_retry_after_is_retried_then_stored(fresh_db):
    body = feed_bytes(feed(weekly_series(3)))
    started = time.monotonic()
    result, server = sync_with_replies(
        fresh_db,
        Reply(503, b"busy", {"Retry-After": "1"}),
        Reply(200, body, JSON),
    )
    waited = time.monotonic() - started
    assert result.outcome == "updated", result.line()
    assert len(server.seen) == 2
    assert waited >= 0.9, "the Retry-After of 1 s was honoured"
    assert fresh_db["activities"].count == 3


# --- failures keep the last good data ----------------------------------------------------


def drip(handler) -> None:
    """Promise a big body, then send one byte every 0.1 s (never finishing in time)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100):
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return  # the kiosk gave up, as it should
        time.sleep(0.1)


def test_a_slow_drip_hits_the_deadline_and_keeps_the_last_good(good_db):
    before = snapshot_of(good_db)
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=1.0, retries=0)
    result, _ = sync_with_replies(good_db, drip, limits=limits)
    assert result.outcome == "failed"
    assert source_status(good_db, "central")["last_error_code"] == "deadline"
    assert snapshot_of(good_db) == before


def test_an_oversize_body_is_refused_and_keeps_the_last_good(good_db):
    before = snapshot_of(good_db)
    big = feed_bytes(feed(weekly_series(60)))
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=5, retries=0, max_bytes=4096)
    assert len(big) > 4096
    result, _ = sync_with_replies(good_db, Reply(200, big, JSON), limits=limits)
    assert result.outcome == "failed"
    assert source_status(good_db, "central")["last_error_code"] == "too_large"
    assert snapshot_of(good_db) == before


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "application/json"], ids=["html", "disguised"]
)
def test_a_captive_portal_page_is_refused_and_keeps_the_last_good(good_db, content_type):
    before = snapshot_of(good_db)
    page = b"<!DOCTYPE html><html><body><form>Log in to Guest WiFi</form></body></html>"
    result, _ = sync_with_replies(
        good_db, Reply(200, page, {"Content-Type": content_type}), limits=NO_RETRY
    )
    assert result.outcome == "failed"
    assert source_status(good_db, "central")["last_error_code"] == "not_a_feed"
    assert "captive portal" in result.message
    assert snapshot_of(good_db) == before


def test_truncated_json_is_refused_and_keeps_the_last_good(good_db):
    before = snapshot_of(good_db)
    body = feed_bytes(feed(weekly_series(20, prefix="cut")))
    result, _ = sync_with_replies(good_db, Reply(200, body[: len(body) // 2], JSON))
    assert result.outcome == "refused"
    assert source_status(good_db, "central")["last_error_code"] in ("truncated", "not_json")
    assert snapshot_of(good_db) == before


def test_an_unknown_version_is_refused_and_keeps_the_last_good(good_db):
    before = snapshot_of(good_db)
    body = feed_bytes(feed(weekly_series(20, prefix="v2"), version=2))
    result, _ = sync_with_replies(good_db, Reply(200, body, JSON))
    assert result.outcome == "refused"
    assert source_status(good_db, "central")["last_error_code"] == "unknown_version"
    assert "version 2" in result.message
    assert snapshot_of(good_db) == before


def test_schema_invalid_records_are_skipped_and_counted_the_good_ones_stored(fresh_db):
    good = weekly_series(3)
    no_title = activity("no-title", "2026-12-03T12:00:00+01:00", "2026-12-03T13:00:00+01:00")
    del no_title["title"]
    bad_category = activity(
        "bad-cat", "2026-12-03T12:00:00+01:00", "2026-12-03T13:00:00+01:00", category="party"
    )
    body = feed_bytes(feed([good[0], no_title, good[1], bad_category, good[2]]))

    result, _ = sync_with_replies(fresh_db, Reply(200, body, JSON))

    assert result.outcome == "updated"
    assert result.skipped == 2
    assert {row[0] for row in fresh_db.execute("SELECT id FROM activities")} == {
        a["id"] for a in good
    }
    status = source_status(fresh_db, "central")
    assert (status["activities"], status["skipped"]) == (3, 2)


def test_a_feed_that_shrinks_a_lot_is_refused(good_db):
    before = snapshot_of(good_db)
    body = feed_bytes(feed(weekly_series(5)))
    result, _ = sync_with_replies(good_db, Reply(200, body, JSON))
    assert result.outcome == "refused"
    assert source_status(good_db, "central")["last_error_code"] == "shrunk"
    assert "--accept-shrink" in result.message
    assert snapshot_of(good_db) == before


def test_accept_shrink_takes_the_smaller_feed(good_db):
    body = feed_bytes(feed(weekly_series(5)))
    result, _ = sync_with_replies(good_db, Reply(200, body, JSON), accept_shrink=True)
    assert result.outcome == "updated"
    assert good_db["activities"].count == 5


def test_a_suddenly_empty_feed_is_refused(good_db):
    before = snapshot_of(good_db)
    result, _ = sync_with_replies(good_db, Reply(200, feed_bytes(feed([])), JSON))
    assert result.outcome == "refused"
    assert source_status(good_db, "central")["last_error_code"] == "empty"
    assert snapshot_of(good_db) == before


def test_one_bad_source_never_hides_a_good_one(fresh_db, devserver):
    broken = Source(id="library", kind="feed", location=devserver.url + "/nothing-here.json")
    with serve_replies(Reply(200, b"{not json", JSON)) as garbage:
        garbled = Source(id="garbled", kind="feed", location=garbage.url + "/feed.json")
        results = sync_all(
            fresh_db, [broken, garbled, central(devserver.url)], now=PINNED_NOW, limits=QUICK
        )

    by_source = {r.source: r for r in results}
    assert not by_source["library"].ok
    assert not by_source["garbled"].ok
    assert by_source["central"].ok and by_source["central"].outcome == "updated"
    sources = {row[0] for row in fresh_db.execute("SELECT DISTINCT source FROM activities")}
    assert sources == {"central"}
    assert fresh_db["activities"].count == 20


# --- the day moves on without a network --------------------------------------------------


def test_the_day_moves_on_offline_from_the_stored_body(fresh_db, tmp_path, make_feed):
    daily = activity(
        "daily-coffee",
        "2026-11-01T09:00:00+01:00",
        "2026-11-01T11:00:00+01:00",
        title="Kaffe",
        rrule="FREQ=DAILY",
    )
    path = make_feed(feed([daily]), name="served.json")
    server = serve(path, db_path=tmp_path / "central.db")
    url = server.url
    first = sync_source(fresh_db, central(url), now=PINNED_NOW, limits=NO_RETRY)
    server.shutdown()
    assert first.outcome == "updated"
    last_success = source_status(fresh_db, "central")["last_success"]

    two_days_later = PINNED_NOW + timedelta(days=2)
    result = sync_source(fresh_db, central(url), now=two_days_later, limits=NO_RETRY)

    assert result.outcome == "failed"
    status = source_status(fresh_db, "central")
    assert status["last_success"] == last_success
    assert status["last_error_code"] == "connection"
    db_path = fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]
    schedule = Schedule.open(db_path)
    try:
        today = schedule.today("holmen", two_days_later)
        last_day = schedule.on_day("holmen", (two_days_later + timedelta(days=14)).date())
        freshness = schedule.freshness(two_days_later)
    finally:
        schedule.close()
    assert [(o.activity_id, o.start.hour) for o in today] == [("daily-coffee", 9)]
    assert today[0].start.date() == two_days_later.date()
    # The new window reaches two days further than the first one did: re-expanded.
    assert [o.activity_id for o in last_day] == ["daily-coffee"]
    assert freshness.is_stale() and freshness.failing == ("central",)


# --- what occurrences say ----------------------------------------------------------------


def test_a_cancelled_occurrence_is_stored_as_cancelled(fresh_db):
    series = activity(
        "choir",
        "2026-11-05T18:00:00+01:00",
        "2026-11-05T19:30:00+01:00",
        rrule="FREQ=WEEKLY;BYDAY=TH",
        cancelled=["2026-12-10T18:00:00+01:00"],
    )
    called_off = activity("called-off", "2026-12-04T12:00:00+01:00", "2026-12-04T13:00:00+01:00")
    called_off["status"] = "cancelled"
    body = feed_bytes(feed([series, called_off]))
    result, _ = sync_with_replies(fresh_db, Reply(200, body, JSON))
    assert result.outcome == "updated"

    rows = fresh_db.execute(
        "SELECT activity_id, strftime('%Y-%m-%dT%H:%M:%SZ', start, 'unixepoch'), status "
        "FROM occurrences ORDER BY start"
    ).fetchall()
    assert rows == [
        ("choir", "2026-12-03T17:00:00Z", "scheduled"),
        ("called-off", "2026-12-04T11:00:00Z", "cancelled"),
        ("choir", "2026-12-10T17:00:00Z", "cancelled"),
        ("choir", "2026-12-17T17:00:00Z", "scheduled"),
    ]


def test_exdates_are_removed(fresh_db):
    series = activity(
        "chess",
        "2026-11-05T17:00:00+01:00",
        "2026-11-05T19:00:00+01:00",
        rrule="FREQ=WEEKLY;BYDAY=TH",
        exdates=["2026-12-10T17:00:00+01:00"],
    )
    result, _ = sync_with_replies(fresh_db, Reply(200, feed_bytes(feed([series])), JSON))
    assert result.outcome == "updated"
    starts = [
        row[0]
        for row in fresh_db.execute(
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', start, 'unixepoch') FROM occurrences ORDER BY 1"
        )
    ]
    assert starts == ["2026-12-03T16:00:00Z", "2026-12-17T16:00:00Z"]
