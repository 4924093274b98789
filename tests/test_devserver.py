"""torg_central.devserver: the reference central server, exercised over real HTTP."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from torg_central.devserver import serve
from torg_kiosk.sync.fetch import fetch

REPO = Path(__file__).resolve().parents[1]
FEED = json.dumps({"version": 1, "activities": [], "note": "Språkkafé"}).encode()
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


@pytest.fixture
def central(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_bytes(FEED)
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    (calendars / "tofte.ics").write_bytes(CALENDAR)
    server = serve(feed, calendars_dir=calendars, db_path=tmp_path / "central.db", now=lambda: NOW)
    server.feed_path = feed  # for tests that change the feed
    yield server
    server.shutdown()


def raw_get(url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """A GET that does not decompress, so the test sees the bytes on the wire."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", parts.path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def post(central, kind: str, payload) -> requests.Response:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return requests.post(f"{central.url}/api/{kind}", data=data, timeout=5)


# --- feed and calendars ------------------------------------------------------------------


def test_the_feed_has_a_strong_etag_of_its_content_and_a_last_modified(central):
    response = raw_get(central.url + "/feed.json", {})
    assert response.status == 200
    assert response.body == FEED
    assert response.getheader("ETag") == '"' + hashlib.sha256(FEED).hexdigest() + '"'
    assert response.getheader("Last-Modified").endswith("GMT")
    assert response.getheader("Content-Type").startswith("application/json")


def test_the_feed_is_gzipped_when_the_client_accepts_gzip(central):
    response = raw_get(central.url + "/feed.json", {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(response.body) == FEED


def test_the_feed_is_plain_when_the_client_does_not_accept_gzip(central):
    response = raw_get(central.url + "/feed.json", {"Accept-Encoding": "identity"})
    assert response.getheader("Content-Encoding") is None
    assert response.body == FEED


def test_a_matching_if_none_match_gets_304_without_a_body(central):
    etag = raw_get(central.url + "/feed.json", {}).getheader("ETag")
    response = raw_get(central.url + "/feed.json", {"If-None-Match": etag})
    assert response.status == 304
    assert response.body == b""
    assert response.getheader("ETag") == etag


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
    assert got.content_type.startswith("text/calendar")


@pytest.mark.parametrize("path", ["/calendars/holmen.ics", "/calendars/..%2Ffeed.ics", "/x"])
def test_unknown_paths_are_404(central, path):
    assert raw_get(central.url + path, {}).status == 404


# --- uploads -----------------------------------------------------------------------------


def test_an_upload_is_stored_once_per_nonce(central):
    record = {"nonce": "n" * 20, "ticket": "T-1", "scanned_at": "2026-12-03T09:14:00Z"}
    first = post(central, "checkins", record)
    again = post(central, "checkins", record)
    assert (first.status_code, first.json()) == (201, {"status": "created"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    listed = requests.get(central.url + "/api/uploads?kind=checkins", timeout=5).json()
    assert listed == [
        {"kind": "checkins", "nonce": "n" * 20, "received_at": "2026-12-03T09:15:00Z",
         "body": record}
    ]  # fmt: skip


def test_uploads_are_listed_by_kind(central):
    post(central, "calls", {"nonce": "c" * 16})
    post(central, "heartbeats", {"nonce": "h" * 16})
    calls = requests.get(central.url + "/api/uploads?kind=calls", timeout=5).json()
    everything = requests.get(central.url + "/api/uploads", timeout=5).json()
    assert [row["nonce"] for row in calls] == ["c" * 16]
    assert len(everything) == 2


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        {"ticket": "T-1"},
        {"nonce": "short"},
        {"nonce": 12345678901234567890},
        {"nonce": "x" * 129},
    ],
    ids=["bad-json", "not-utf8", "not-an-object", "no-nonce", "short", "number", "long"],
)
def test_a_bad_upload_is_refused_with_400_and_a_json_error(central, payload):
    response = post(central, "checkins", payload)
    assert response.status_code == 400
    assert response.json()["error"]
    assert requests.get(central.url + "/api/uploads", timeout=5).json() == []


def test_an_upload_over_one_mib_is_refused_with_400(central):
    response = post(central, "checkins", {"nonce": "n" * 20, "pad": "x" * (1024 * 1024)})
    assert response.status_code == 400
    assert "larger" in response.json()["error"]


def test_an_upload_to_an_unknown_kind_is_404(central):
    assert post(central, "tickets", {"nonce": "n" * 20}).status_code == 404


# --- command line ------------------------------------------------------------------------


def test_the_command_line_serves_the_feed_in_the_foreground(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_bytes(FEED)
    command = [sys.executable, "-m", "torg_central.devserver", "--feed", str(feed),
               "--db", str(tmp_path / "c.db"), "--port", "0"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        banner = process.stdout.readline()
        url = re.search(r"(http://\S+/feed\.json)", banner).group(1)
        assert fetch(url, kind="json").body == FEED
    finally:
        process.terminate()
        process.wait(timeout=10)
