"""The uploader against the reference central server on 127.0.0.1 (real HTTP, real SQLite).

A flaky server is the real Flask app behind a WSGI wrapper that fails on purpose: every other
request answered 503 without reaching the app, and some answered only after the app committed
and the client gave up waiting (the case where the kiosk cannot know the record arrived).
"""

from __future__ import annotations

import csv
import io
import random
import threading
import time
from datetime import date, datetime, timedelta

import pytest
import requests
from werkzeug.serving import make_server

from tests.conftest import DEMO_FEED
from torg_central.app import create_app
from torg_central.attendance import attendance
from torg_central.config import CentralConfig
from torg_central.devserver import serve
from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.outbox import DROPPED, PENDING, SENT, Outbox
from torg_kiosk.sync.http_client import HttpClient, HttpLimits
from torg_kiosk.sync.uploader import LONGEST_BACKOFF, Uploader, backoff

START = datetime(2026, 12, 3, 10, 0, tzinfo=OSLO)


class PinnedClock:
    def __init__(self, at: datetime = START):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


def checkin(ticket: str, *, result="accepted", occurrence="2026-12-03", **more) -> dict:
    return {"kiosk": "tofte-1", "site": "tofte", "ticket": ticket, "activity": "tofte-seniortrim",
            "occurrence": occurrence, "scanned_at": "2026-12-03T10:05:00Z", "result": result,
            "forced": False, "clock": "trusted", **more}  # fmt: skip


@pytest.fixture
def outbox(tmp_path):
    box = Outbox.open(tmp_path / "outbox.db")
    yield box
    box.close()


@pytest.fixture
def central(tmp_path):
    with serve(DEMO_FEED, db_path=tmp_path / "central.db") as server:
        yield server


def stored(server_url: str, kind: str = "checkins") -> list[dict]:
    return requests.get(f"{server_url}/api/uploads", params={"kind": kind}, timeout=10).json()


def test_waiting_check_ins_are_sent_oldest_first_and_marked_sent(outbox, central):
    clock = PinnedClock()
    nonces = [outbox.add("checkin", checkin(f"T-0000000{i}"), now=clock()) for i in range(3)]
    done = Uploader(outbox, central.url, now=clock).run_once()
    assert (done.sent, done.dropped, done.failed) == (3, 0, 0)
    assert [u["nonce"] for u in stored(central.url)] == nonces
    assert stored(central.url)[0]["body"] == {"nonce": nonces[0], **checkin("T-00000000")}
    assert {outbox.record(n).state for n in nonces} == {SENT}
    assert outbox.pending_count() == 0
    assert outbox.last_sent_at() is not None


def test_a_server_that_cannot_be_reached_leaves_every_record_waiting_with_a_backoff(outbox):
    clock = PinnedClock()
    nonce = outbox.add("checkin", checkin("T-00000001"), now=clock())
    outbox.add("checkin", checkin("T-00000002"), now=clock())
    done = Uploader(outbox, "http://127.0.0.1:9", now=clock, rng=random.Random(1)).run_once()
    assert (done.sent, done.failed) == (0, 1), "the first failure ends the round"
    record = outbox.record(nonce)
    assert record.state == PENDING and record.attempts == 1
    assert timedelta(seconds=24) <= record.next_attempt - clock() <= timedelta(seconds=36)
    assert outbox.pending_count() == 2, "nothing is deleted before the server has it"


def test_backoff_doubles_from_30_seconds_to_an_hour_with_a_fifth_of_jitter():
    rng = random.Random(7)
    for attempts, base in [(1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)]:
        for _ in range(20):
            wait = backoff(attempts, rng).total_seconds()
            assert base * 0.8 <= wait <= base * 1.2


def test_a_refusal_is_dropped_with_the_servers_reason_kept_and_the_round_goes_on(outbox, central):
    clock = PinnedClock()
    bad = outbox.add("checkin", checkin("T-00000001"), nonce="too-short", now=clock())
    good = outbox.add("checkin", checkin("T-00000002"), now=clock())
    done = Uploader(outbox, central.url, now=clock).run_once()
    assert (done.sent, done.dropped) == (1, 1)
    record = outbox.record(bad)
    assert record.state == DROPPED
    assert record.drop_reason.startswith("HTTP 400 bad_nonce: The body needs a 'nonce'")
    assert outbox.record(good).state == SENT


def test_a_nonce_the_server_holds_with_another_body_is_dropped_as_reused(outbox, central):
    clock = PinnedClock()
    nonce = outbox.add("checkin", checkin("T-00000001"), now=clock())
    requests.post(f"{central.url}/api/checkins", json={"nonce": nonce, "other": 1}, timeout=10)
    Uploader(outbox, central.url, now=clock).run_once()
    assert outbox.record(nonce).drop_reason.startswith("HTTP 409 nonce_reused")


class Flaky:
    """WSGI wrapper: odd requests get 503 untouched; every fourth even one is answered only
    after the app stored it and the client's read timeout passed."""

    def __init__(self, app, *, hang_seconds: float):
        self.app = app
        self.hang_seconds = hang_seconds
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":  # the test's own look at what arrived
            return self.app(environ, start_response)
        with self.lock:
            self.count += 1
            n = self.count
        if n % 2 == 1:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"busy"]
        answer = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        body = b"".join(self.app(environ, keep))  # the app has stored it now
        if n % 4 == 0:
            time.sleep(self.hang_seconds)  # the client has given up by the time this is sent
        start_response(answer["status"], answer["headers"])
        return [body]


@pytest.fixture
def flaky_central(tmp_path):
    app = create_app(CentralConfig(feed_path=DEMO_FEED, db_path=tmp_path / "flaky.db"))
    app.wsgi_app = Flaky(app.wsgi_app, hang_seconds=1.5)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_a_server_failing_every_other_request_and_timing_out_after_commit_gets_each_once(
    outbox, flaky_central
):
    clock = PinnedClock()
    nonces = [outbox.add("checkin", checkin(f"T-{i:08X}"), now=clock()) for i in range(12)]
    quick = HttpClient(HttpLimits(connect_timeout=2, read_timeout=0.5, deadline=5, retries=0))
    uploader = Uploader(outbox, flaky_central, client=quick, now=clock)
    rounds = 0
    while outbox.pending_count() and rounds < 100:
        uploader.run_once()
        clock.advance(hours=2)  # past any backoff
        rounds += 1
    assert outbox.pending_count() == 0
    arrived = [u["nonce"] for u in stored(flaky_central)]
    assert sorted(arrived) == sorted(nonces), "exactly one record per check-in"
    assert {outbox.record(n).state for n in nonces} == {SENT}


def test_retry_after_longer_than_the_backoff_wins_capped_at_an_hour(outbox, tmp_path):
    clock = PinnedClock()
    nonce = outbox.add("checkin", checkin("T-00000001"), now=clock())

    def busy(_environ, start_response):
        start_response("503 Service Unavailable", [("Retry-After", "900")])
        return [b""]

    server = make_server("127.0.0.1", 0, busy, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        Uploader(outbox, url, now=clock).run_once()
    finally:
        server.shutdown()
        thread.join(5)
    assert outbox.record(nonce).next_attempt - clock() == timedelta(seconds=900)
    assert timedelta(hours=1) == LONGEST_BACKOFF


# -- the attendance report ----------------------------------------------------------------


def test_the_attendance_csv_counts_each_occurrence_over_the_period(outbox, central):
    clock = PinnedClock()
    first = outbox.add("checkin", checkin("T-00000001"), now=clock())
    outbox.add("checkin", checkin("T-00000002", forced=True), now=clock())
    outbox.add("checkin", checkin(None, result="walk_in"), now=clock())
    outbox.add("checkin", checkin("T-00000001", result="undone", undoes=first), now=clock())
    outbox.add("checkin", checkin("T-00000003", occurrence="2026-12-07"), now=clock())
    outbox.add("checkin", checkin("T-00000004", occurrence="2027-01-04"), now=clock())
    Uploader(outbox, central.url, now=clock).run_once()

    period = {"from": "2026-12-01", "to": "2026-12-31"}
    answer = requests.get(f"{central.url}/reports/attendance.csv", params=period, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [
        (r["occurrence"], r["attended"], r["tickets"], r["walk_ins"], r["forced"], r["undone"])
        for r in rows
    ] == [
        ("2026-12-03", "2", "1", "1", "1", "1"),
        ("2026-12-07", "1", "1", "0", "0", "0"),
    ]


def test_a_ticket_let_in_at_two_offline_kiosks_counts_once():
    bodies = [
        {**checkin("T-00000001"), "nonce": "a" * 16},
        {**checkin("T-00000001", kiosk="tofte-2"), "nonce": "b" * 16},
    ]
    [row] = attendance(bodies, date(2026, 12, 1), date(2026, 12, 31))
    assert (row["attended"], row["kiosks"]) == (1, 2)


def test_the_attendance_report_asks_for_a_period_in_words(central):
    answer = requests.get(f"{central.url}/reports/attendance.csv", params={"from": "x"},
                          timeout=10)  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_period"
    assert "from=2026-12-01&to=2026-12-31" in answer.json()["error"]
