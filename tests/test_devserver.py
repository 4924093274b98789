"""torg_central: the reference central server, exercised over real HTTP on 127.0.0.1.

Most tests run the Flask app on Werkzeug's threaded HTTP server in a background thread
(:func:`torg_central.devserver.serve`); the command-line tests start the real
``python -m torg_central.devserver`` process. The uploads contract is docs/uploads.md.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from torg_central.config import MAX_UPLOAD_BYTES
from torg_central.devserver import main, serve
from torg_kiosk.sync.fetch import fetch

FEED = json.dumps({"version": 1, "activities": [], "note": "Språkkafé"}).encode()
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)
CHECKIN = {
    "nonce": "n" * 22,
    "ticket": "T-1",
    "site": "tofte",
    "scanned_at": "2026-12-03T09:14:00Z",
}


@pytest.fixture
def central(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_bytes(FEED)
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    (calendars / "tofte.ics").write_bytes(CALENDAR)
    db_path = tmp_path / "central.db"
    server = serve(feed, calendars_dir=calendars, db_path=db_path, now=lambda: NOW)
    server.feed_path = feed  # for tests that change the feed
    server.db_path = db_path  # for tests that look into the database
    yield server
    server.shutdown()


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def raw_get(url: str, headers: dict[str, str]) -> Response:
    """A GET that does not decompress or merge headers: the test sees what is on the wire."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def post(base_url: str, kind: str, payload) -> requests.Response:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return requests.post(
        f"{base_url}/api/{kind}",
        data=data,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )


def stored_rows(db_path: Path) -> list[tuple[str, str, str, dict]]:
    """The uploads table as the server left it in its SQLite file."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT kind, nonce, received_at, body FROM uploads ORDER BY rowid")
        return [(kind, nonce, at, json.loads(body)) for kind, nonce, at, body in rows]


# --- the feed and calendars --------------------------------------------------------------


def test_the_feed_has_a_strong_etag_of_its_content_and_a_last_modified(central):
    response = raw_get(central.url + "/feed.json", {})
    assert response.status == 200
    assert response.body == FEED
    assert response.header("ETag") == '"' + hashlib.sha256(FEED).hexdigest() + '"'
    assert response.header("Last-Modified").endswith("GMT")
    assert response.header("Content-Type") == "application/json; charset=utf-8"
    assert response.header("Cache-Control") == "no-cache"


def test_the_feed_is_gzipped_when_the_client_accepts_gzip(central):
    response = raw_get(central.url + "/feed.json", {"Accept-Encoding": "gzip, deflate"})
    assert response.header("Content-Encoding") == "gzip"
    assert response.header("Vary") == "Accept-Encoding"
    assert gzip.decompress(response.body) == FEED


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, identity"])
def test_the_feed_is_plain_when_the_client_does_not_accept_gzip(central, accept):
    response = raw_get(central.url + "/feed.json", {"Accept-Encoding": accept} if accept else {})
    assert response.header("Content-Encoding") is None
    assert response.body == FEED


@pytest.mark.parametrize("accept", ["identity", "gzip"])
def test_a_matching_if_none_match_gets_304_without_a_body(central, accept):
    etag = raw_get(central.url + "/feed.json", {}).header("ETag")
    response = raw_get(
        central.url + "/feed.json", {"If-None-Match": etag, "Accept-Encoding": accept}
    )
    assert response.status == 304
    assert response.body == b""
    assert response.header("ETag") == etag


def test_an_if_none_match_for_an_older_feed_gets_the_feed(central):
    response = raw_get(central.url + "/feed.json", {"If-None-Match": '"an-older-etag"'})
    assert (response.status, response.body) == (200, FEED)


def test_a_feed_answer_has_one_date_header(central):
    """Regression: make_conditional added a Date and the HTTP server added a second one."""
    for headers in ({}, {"If-None-Match": raw_get(central.url + "/feed.json", {}).header("ETag")}):
        assert len(raw_get(central.url + "/feed.json", headers).all("Date")) == 1


def test_fetch_gets_the_feed_then_not_modified_then_the_changed_feed(central):
    first = fetch(central.url + "/feed.json", kind="json")
    same = fetch(central.url + "/feed.json", kind="json", etag=first.etag)
    central.feed_path.write_bytes(FEED + b"\n")
    changed = fetch(central.url + "/feed.json", kind="json", etag=first.etag)
    assert (first.changed, first.body) == (True, FEED)
    assert (same.changed, same.body) == (False, None)
    assert (changed.changed, changed.body) == (True, FEED + b"\n")
    assert changed.etag != first.etag


def test_a_calendar_is_served_as_text_calendar(central):
    got = fetch(central.url + "/calendars/tofte.ics", kind="ical")
    assert got.body == CALENDAR
    assert got.content_type == "text/calendar; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    ["/calendars/holmen.ics", "/calendars/..%2Ffeed.ics", "/calendars/.hidden.ics", "/x"],
)
def test_unknown_paths_are_404_with_a_sentence(central, path):
    response = raw_get(central.url + path, {})
    assert response.status == 404
    assert json.loads(response.body)["error"].endswith(".")


def test_calendars_are_404_when_no_folder_is_configured(tmp_path):
    (tmp_path / "feed.json").write_bytes(FEED)
    with serve(tmp_path / "feed.json", db_path=tmp_path / "c.db") as server:
        response = raw_get(server.url + "/calendars/tofte.ics", {})
    assert response.status == 404
    assert json.loads(response.body)["error"] == "This server has no calendars configured."


def test_the_front_page_says_it_is_not_for_production(central):
    response = raw_get(central.url + "/", {})
    assert response.status == 200
    assert b"NOT FOR PRODUCTION" in response.body


# --- uploads -----------------------------------------------------------------------------


def test_an_upload_is_stored_once_per_nonce(central):
    first = post(central.url, "checkins", CHECKIN)
    again = post(central.url, "checkins", CHECKIN)
    answer = {"nonce": CHECKIN["nonce"], "received_at": "2026-12-03T09:15:00Z"}
    assert (first.status_code, first.json()) == (201, {"status": "created", **answer})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate", **answer})
    assert stored_rows(central.db_path) == [
        ("checkins", CHECKIN["nonce"], "2026-12-03T09:15:00Z", CHECKIN)
    ]


def test_a_retry_with_the_keys_in_another_order_is_the_same_record(central):
    post(central.url, "checkins", CHECKIN)
    reordered = dict(reversed(list(CHECKIN.items())))
    assert post(central.url, "checkins", reordered).json()["status"] == "duplicate"


def test_uploads_sent_at_once_with_one_nonce_store_one_row(central):
    answers: list[int] = []

    def send() -> None:
        answers.append(post(central.url, "calls", CHECKIN).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 7 + [201]
    assert len(stored_rows(central.db_path)) == 1


def test_uploads_are_listed_by_kind(central):
    post(central.url, "calls", {"nonce": "c" * 16, "site": "borgen"})
    post(central.url, "heartbeats", {"nonce": "h" * 16, "site": "borgen"})
    calls = requests.get(central.url + "/api/uploads?kind=calls", timeout=5).json()
    everything = requests.get(central.url + "/api/uploads", timeout=5).json()
    assert calls == [
        {"kind": "calls", "nonce": "c" * 16, "received_at": "2026-12-03T09:15:00Z",
         "body": {"nonce": "c" * 16, "site": "borgen"}}
    ]  # fmt: skip
    assert [row["kind"] for row in everything] == ["calls", "heartbeats"]


@pytest.mark.parametrize(
    "changed",
    [{**CHECKIN, "ticket": "T-2"}, {"nonce": CHECKIN["nonce"]}],
    ids=["another-field-value", "fields-missing"],
)
def test_a_nonce_reused_for_another_record_is_refused_with_409(central, changed):
    post(central.url, "checkins", CHECKIN)
    response = post(central.url, "checkins", changed)
    assert response.status_code == 409
    assert response.json()["code"] == "nonce_reused"
    assert [row[3] for row in stored_rows(central.db_path)] == [CHECKIN]


def test_a_nonce_reused_for_another_kind_is_refused_with_409(central):
    post(central.url, "checkins", CHECKIN)
    response = post(central.url, "calls", CHECKIN)
    assert response.status_code == 409
    assert [row[0] for row in stored_rows(central.db_path)] == ["checkins"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "not_json"),
        (b"\xff\xfe{}", "not_json"),
        (b'{"nonce": "' + b"n" * 20 + b'", "weight": NaN}', "not_json"),
        (b"", "not_json"),
        (b"[1, 2]", "not_an_object"),
        ({"ticket": "T-1"}, "bad_nonce"),
        ({"nonce": "short"}, "bad_nonce"),
        ({"nonce": 12345678901234567890}, "bad_nonce"),
        ({"nonce": "x" * 129}, "bad_nonce"),
        ({"nonce": "has spaces and / slashes"}, "bad_nonce"),
    ],
    ids=["bad-json", "not-utf8", "nan", "empty", "not-an-object", "no-nonce", "short",
         "number", "long", "odd-characters"],
)  # fmt: skip
def test_a_malformed_upload_is_refused_with_400_and_a_sentence(central, payload, code):
    response = post(central.url, "checkins", payload)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert re.fullmatch(r"The body .+\.", response.json()["error"])
    assert stored_rows(central.db_path) == []


def test_an_upload_of_exactly_the_size_limit_is_stored(central):
    record = {"nonce": "n" * 20, "pad": ""}
    record["pad"] = "x" * (MAX_UPLOAD_BYTES - len(json.dumps(record)))
    assert len(json.dumps(record).encode()) == MAX_UPLOAD_BYTES
    assert post(central.url, "checkins", record).status_code == 201


@pytest.mark.parametrize("size", [MAX_UPLOAD_BYTES + 1, 4 * 1024 * 1024])
def test_an_upload_over_the_size_limit_is_refused_with_413(central, size):
    record = {"nonce": "n" * 20, "pad": ""}
    record["pad"] = "x" * (size - len(json.dumps(record)))
    response = post(central.url, "checkins", record)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert f"larger than {MAX_UPLOAD_BYTES} bytes" in response.json()["error"]
    assert stored_rows(central.db_path) == []


def test_an_upload_of_an_unknown_kind_is_404_naming_the_kinds(central):
    response = post(central.url, "tickets", CHECKIN)
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_kind"
    assert "checkins, signups, ticket-keys, calls, heartbeats" in response.json()["error"]
    assert requests.get(central.url + "/api/uploads?kind=tickets", timeout=5).status_code == 404


def test_a_storage_failure_is_500_with_a_sentence_so_the_kiosk_retries(central):
    # The fault is made in the real database file: the table the server writes to is gone.
    with sqlite3.connect(central.db_path) as db:
        db.execute("DROP TABLE uploads")
    response = post(central.url, "checkins", CHECKIN)
    assert response.status_code == 500
    assert response.json() == {
        "error": "The server failed to handle this request; nothing was stored. Try again later.",
        "code": "server_error",
    }


def test_a_get_on_an_upload_endpoint_is_405_with_a_sentence(central):
    response = requests.get(central.url + "/api/checkins", timeout=5)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.json()["code"] == "method_not_allowed"


# --- the command line --------------------------------------------------------------------


@dataclass
class Process:
    popen: subprocess.Popen
    banner: list[str]  # the lines it printed up to and including its URL
    url: str


@contextmanager
def devserver_process(feed: Path, db: Path, module: str = "torg_central.devserver"):
    """``python -m <module>`` on a free port; yields once its banner has named the URL."""
    command = [sys.executable, "-m", module, "--feed", str(feed), "--db", str(db), "--port", "0"]
    popen = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=feed.parent
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(popen.stdout, lines), daemon=True).start()
    try:
        banner = list(_lines_until_url(lines))
        url = re.search(r"(http://\S+)/feed\.json", banner[-1]).group(1)
        yield Process(popen, banner, url)
    finally:
        if popen.poll() is None:
            popen.kill()
        popen.wait(timeout=10)


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _lines_until_url(lines: queue.Queue) -> Iterator[str]:
    while True:
        line = lines.get(timeout=30)
        assert line is not None, "the devserver ended before it printed its URL"
        yield line
        if "/feed.json" in line:
            return


@pytest.mark.parametrize("module", ["torg_central.devserver", "torg_central"])
def test_the_command_line_says_it_is_not_production_and_serves_the_feed(tmp_path, module):
    (tmp_path / "feed.json").write_bytes(FEED)
    with devserver_process(tmp_path / "feed.json", tmp_path / "c.db", module) as process:
        assert "NOT FOR PRODUCTION" in process.banner[0]
        assert fetch(process.url + "/feed.json", kind="json").body == FEED


def test_uploads_survive_a_kill_of_the_server_process(tmp_path):
    (tmp_path / "feed.json").write_bytes(FEED)
    db = tmp_path / "central.db"
    with devserver_process(tmp_path / "feed.json", db) as first:
        assert post(first.url, "checkins", CHECKIN).status_code == 201
        first.popen.send_signal(signal.SIGKILL)
        first.popen.wait(timeout=10)
    with devserver_process(tmp_path / "feed.json", db) as second:
        retry = post(second.url, "checkins", CHECKIN)
        listed = requests.get(second.url + "/api/uploads", timeout=5).json()
    assert (retry.status_code, retry.json()["status"]) == (200, "duplicate")
    assert [row["body"] for row in listed] == [CHECKIN]
    assert len(stored_rows(db)) == 1


def test_sigterm_stops_the_server_with_exit_code_0(tmp_path):
    (tmp_path / "feed.json").write_bytes(FEED)
    with devserver_process(tmp_path / "feed.json", tmp_path / "c.db") as process:
        os.kill(process.popen.pid, signal.SIGTERM)
        assert process.popen.wait(timeout=10) == 0


def test_the_command_line_refuses_a_missing_feed_file_with_exit_code_2(tmp_path, capsys):
    code = main(["--feed", str(tmp_path / "missing.json"), "--db", str(tmp_path / "c.db")])
    assert code == 2
    assert "there is no feed file at" in capsys.readouterr().err
    assert not (tmp_path / "c.db").exists()
