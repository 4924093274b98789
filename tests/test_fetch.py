"""sync.fetch against real HTTP servers on 127.0.0.1 and real files."""

from __future__ import annotations

import email.utils
import gzip
import json
import socket
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from tests.httpfixtures import Reply, serve_handler, serve_replies
from torg_kiosk.sync.fetch import USER_AGENT, FetchError, FetchLimits, fetch

FEED = json.dumps({"version": 1, "activities": []}).encode()
JSON = {"Content-Type": "application/json"}
QUICK = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10, retries=3, backoff=0.01)


class Sleeps(list):
    """An injected sleep that records how long the fetch asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fails(code: str, *args, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- conditional GET ---------------------------------------------------------------------


def test_a_200_gives_the_body_and_validators_then_304_keeps_them():
    headers = {**JSON, "ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 07:00:00 GMT"}
    with serve_replies(Reply(200, FEED, headers), Reply(304, b"", {"ETag": '"v1"'})) as srv:
        first = fetch(srv.url + "/feed.json", kind="json", limits=QUICK)
        second = fetch(
            srv.url + "/feed.json",
            kind="json",
            etag=first.etag,
            last_modified=first.last_modified,
            limits=QUICK,
        )
    assert (first.changed, first.body, first.etag) == (True, FEED, '"v1"')
    assert (second.changed, second.body) == (False, None)
    assert (second.etag, second.last_modified) == ('"v1"', "Sat, 28 Nov 2026 07:00:00 GMT")
    assert srv.seen[1].headers["If-None-Match"] == '"v1"'
    assert srv.seen[1].headers["If-Modified-Since"] == "Sat, 28 Nov 2026 07:00:00 GMT"


def test_requests_name_the_kiosk_and_accept_gzip():
    with serve_replies(Reply(200, FEED, JSON)) as srv:
        fetch(srv.url + "/feed.json", kind="json", limits=QUICK)
    assert srv.seen[0].headers["User-Agent"] == USER_AGENT
    assert "gzip" in srv.seen[0].headers["Accept-Encoding"]


def test_a_gzipped_body_is_returned_decoded():
    headers = {**JSON, "Content-Encoding": "gzip"}
    with serve_replies(Reply(200, gzip.compress(FEED), headers)) as srv:
        got = fetch(srv.url + "/feed.json", kind="json", limits=QUICK)
    assert got.body == FEED


# --- retries -----------------------------------------------------------------------------


def test_a_503_with_retry_after_is_retried_after_that_many_seconds():
    busy = Reply(503, b"busy", {"Retry-After": "1"})
    sleeps = Sleeps()
    with serve_replies(busy, Reply(200, FEED, JSON)) as srv:
        got = fetch(srv.url + "/feed.json", kind="json", limits=QUICK, sleep=sleeps)
    assert got.body == FEED
    assert sleeps == [1.0]
    assert len(srv.seen) == 2


def test_a_429_with_a_retry_after_date_waits_until_that_date_by_the_servers_clock():
    server_now = 1_800_000_000
    headers = {
        "Date": email.utils.formatdate(server_now, usegmt=True),
        "Retry-After": email.utils.formatdate(server_now + 2, usegmt=True),
    }
    sleeps = Sleeps()
    with serve_replies(Reply(429, b"slow down", headers), Reply(200, FEED, JSON)) as srv:
        got = fetch(srv.url + "/feed.json", kind="json", limits=QUICK, sleep=sleeps)
    assert got.body == FEED
    assert sleeps == [2.0]


def test_a_retry_after_beyond_the_deadline_fails_at_once_without_waiting():
    sleeps = Sleeps()
    with serve_replies(Reply(503, b"", {"Retry-After": "3600"})) as srv:
        error = fails("deadline", srv.url + "/f", kind="json", limits=QUICK, sleep=sleeps)
    assert sleeps == []
    assert error.retryable
    assert len(srv.seen) == 1


def test_5xx_is_retried_the_configured_number_of_times_then_reported():
    sleeps = Sleeps()
    with serve_replies(*[Reply(500, b"oops")] * 4) as srv:
        error = fails("http_status", srv.url + "/f", kind="json", limits=QUICK, sleep=sleeps)
    assert len(srv.seen) == 1 + QUICK.retries
    assert len(sleeps) == QUICK.retries
    assert (error.status, error.retryable) == (500, True)


def test_a_404_is_not_retried():
    with serve_replies(Reply(404, b"no"), Reply(200, FEED, JSON)) as srv:
        error = fails("not_found", srv.url + "/f", kind="json", limits=QUICK, sleep=Sleeps())
    assert len(srv.seen) == 1
    assert not error.retryable


def test_a_403_is_not_retried():
    with serve_replies(Reply(403, b"no"), Reply(200, FEED, JSON)) as srv:
        error = fails("http_status", srv.url + "/f", kind="json", limits=QUICK, sleep=Sleeps())
    assert len(srv.seen) == 1
    assert error.status == 403


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    error = fails("connection", f"http://127.0.0.1:{port}/f", kind="json", limits=QUICK,
                  sleep=sleeps)  # fmt: skip
    assert len(sleeps) == QUICK.retries
    assert error.retryable


# --- limits ------------------------------------------------------------------------------


class DripHandler(BaseHTTPRequestHandler):
    """Promises 100 bytes and sends one every 0.2 s: each arrives well within read_timeout."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should


def test_a_server_dripping_bytes_is_cut_off_by_the_deadline():
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=1.5, retries=0)
    with serve_handler(DripHandler) as srv:
        error = fails("deadline", srv.url + "/f", kind="json", limits=limits)
    assert error.retryable


def test_a_body_over_max_bytes_is_refused():
    limits = FetchLimits(max_bytes=1000, retries=0)
    with serve_replies(Reply(200, b" " * 5000, JSON)) as srv:
        fails("too_large", srv.url + "/f", kind="json", limits=limits)


def gzip_bomb(decoded_size: int) -> bytes:
    """A few hundred KB of gzip that inflates to ``decoded_size`` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(decoded_size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


def test_a_gzip_bomb_is_refused_without_inflating_it():
    max_bytes = 1024 * 1024
    bomb = gzip_bomb(256 * 1024 * 1024)
    headers = {**JSON, "Content-Encoding": "gzip"}
    limits = FetchLimits(max_bytes=max_bytes, retries=0)
    with serve_replies(Reply(200, bomb, headers)) as srv:
        tracemalloc.start()
        try:
            fails("too_large", srv.url + "/f", kind="json", limits=limits)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Everything this process held at once, server included: the cap, one chunk, the bomb
    # itself and some slack. Inflating the bomb would need 256 MiB.
    assert peak < 2 * max_bytes + 64 * 1024 + 2 * len(bomb) + 1024 * 1024


# --- is it a feed? -----------------------------------------------------------------------

PORTAL = b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>Log in to Wi-Fi</body></html>"


def test_an_html_content_type_is_refused_as_not_a_feed():
    with serve_replies(Reply(200, b"{}", {"Content-Type": "text/html; charset=utf-8"})) as srv:
        error = fails("not_a_feed", srv.url + "/f", kind="json", limits=QUICK)
    assert "captive portal" in error.message


def test_an_html_page_sent_as_json_is_refused_by_sniffing():
    with serve_replies(Reply(200, PORTAL, JSON)) as srv:
        fails("not_a_feed", srv.url + "/f", kind="json", limits=QUICK)


def test_a_calendar_is_accepted_as_text_calendar():
    body = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    with serve_replies(Reply(200, body, {"Content-Type": "text/calendar"})) as srv:
        got = fetch(srv.url + "/a.ics", kind="ical", limits=QUICK)
    assert got.body == body
    assert got.content_type == "text/calendar"


def test_json_content_type_is_refused_for_a_calendar():
    with serve_replies(Reply(200, b"{}", JSON)) as srv:
        fails("not_a_feed", srv.url + "/a.ics", kind="ical", limits=QUICK)


def test_a_declared_latin1_charset_is_re_encoded_to_utf8():
    text = '{"title": "Språkkafé"}'
    headers = {"Content-Type": "application/json; charset=iso-8859-1"}
    with serve_replies(Reply(200, text.encode("latin-1"), headers)) as srv:
        got = fetch(srv.url + "/f", kind="json", limits=QUICK)
    assert got.body == text.encode("utf-8")


def test_an_unknown_charset_is_refused_as_bad_encoding():
    headers = {"Content-Type": "application/json; charset=x-martian"}
    with serve_replies(Reply(200, b"{}", headers)) as srv:
        fails("bad_encoding", srv.url + "/f", kind="json", limits=QUICK)


# --- local files -------------------------------------------------------------------------


def test_a_local_file_is_read_and_its_pseudo_etag_marks_it_unchanged(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(FEED)
    first = fetch(str(path), kind="json")
    again = fetch(str(path), kind="json", etag=first.etag)
    assert (first.changed, first.body) == (True, FEED)
    assert (again.changed, again.body, again.etag) == (False, None, first.etag)


def test_a_changed_local_file_is_read_again(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(FEED)
    first = fetch(str(path), kind="json")
    path.write_bytes(FEED + b"\n\n")
    again = fetch(path.as_uri(), kind="json", etag=first.etag)
    assert (again.changed, again.body) == (True, FEED + b"\n\n")


def test_a_missing_local_file_is_not_found(tmp_path):
    error = fails("not_found", str(tmp_path / "nowhere.json"), kind="json")
    assert "does not exist" in error.message


def test_a_local_file_over_max_bytes_is_refused(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(b" " * 2000)
    fails("too_large", str(path), kind="json", limits=FetchLimits(max_bytes=1000))


def test_a_local_html_file_is_refused(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(PORTAL)
    fails("not_a_feed", str(path), kind="json")


# --- redirects and silence ---------------------------------------------------------------


def test_a_redirect_is_followed_to_the_feed():
    with serve_replies(
        Reply(302, b"moved", {"Location": "/new.json"}), Reply(200, FEED, JSON)
    ) as srv:
        got = fetch(srv.url + "/old.json", kind="json", limits=QUICK)
    assert got.body == FEED
    assert got.url == srv.url + "/new.json"
    assert [seen.path for seen in srv.seen] == ["/old.json", "/new.json"]


def test_endless_redirects_are_reported():
    loop = Reply(302, b"", {"Location": "/again"})
    with serve_replies(*[loop] * 10) as srv:
        error = fails("http_status", srv.url + "/again", kind="json", limits=QUICK)
    assert "redirects" in error.message


class SilentHandler(BaseHTTPRequestHandler):
    """Accepts the request and never answers."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        time.sleep(2)


def test_a_server_that_never_answers_times_out():
    limits = FetchLimits(connect_timeout=1, read_timeout=0.3, deadline=5, retries=0)
    with serve_handler(SilentHandler) as srv:
        error = fails("timeout", srv.url + "/f", kind="json", limits=limits)
    assert error.retryable
