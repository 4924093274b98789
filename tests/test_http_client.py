"""sync.http_client against real HTTP servers on 127.0.0.1: post_json first, then get.

The feed's own rules on top of this client are in test_fetch.py.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from http.server import BaseHTTPRequestHandler

import orjson
import pytest

from tests.httpfixtures import Reply, serve_handler, serve_replies
from torg_kiosk.sync.http_client import USER_AGENT, HttpClient, HttpError, HttpLimits

QUICK = HttpLimits(connect_timeout=2, read_timeout=2, deadline=10, retries=3, backoff=0.01)
JSON = {"Content-Type": "application/json"}
OK = Reply(200, b'{"stored": true}', JSON)
CHECK_IN = {"nonce": "5f0c2b9e", "ticket": "t-1", "scanned_at": "2026-12-03T10:15:00+01:00"}


class Sleeps(list):
    """An injected sleep that records how long the client asked to wait, and does not wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class PassingTime:
    """An injected clock whose time moves only when the client sleeps on it."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(limits: HttpLimits = QUICK, **kwargs) -> HttpClient:
    kwargs.setdefault("sleep", Sleeps())
    return HttpClient(limits, **kwargs)


def fails(code: str, call, *args, **kwargs) -> HttpError:
    with pytest.raises(HttpError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message.endswith("."), caught.value.message
    return caught.value


def free_port() -> int:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- post_json: what is sent and what comes back -----------------------------------------


def test_post_json_sends_the_payload_as_json_and_returns_the_answer():
    with serve_replies(OK) as srv, client() as http:
        got = http.post_json(srv.url + "/checkins", CHECK_IN, headers={"X-Kiosk": "holmen-1"})
    assert (got.status, bytes(got.body), got.url) == (
        200,
        b'{"stored": true}',
        srv.url + "/checkins",
    )
    assert got.headers["content-type"] == "application/json"  # headers ignore case
    seen = srv.seen[0]
    assert (seen.method, seen.path, json.loads(seen.body)) == ("POST", "/checkins", CHECK_IN)
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["User-Agent"] == USER_AGENT
    assert seen.headers["X-Kiosk"] == "holmen-1"


def test_any_2xx_is_an_answer():
    with serve_replies(Reply(202, b"")) as srv, client() as http:
        assert http.post_json(srv.url + "/heartbeat", {"site": "holmen"}).status == 202


def test_a_gzipped_answer_is_returned_decoded():
    answer = Reply(200, gzip.compress(b'{"stored": true}'), {**JSON, "Content-Encoding": "gzip"})
    with serve_replies(answer) as srv, client() as http:
        assert http.post_json(srv.url + "/checkins", CHECK_IN).body == b'{"stored": true}'


# --- post_json: retries ------------------------------------------------------------------


def test_a_503_with_retry_after_is_retried_after_that_long_with_the_same_body():
    sleeps = Sleeps()
    busy = Reply(503, b"busy", {"Retry-After": "2"})
    with serve_replies(busy, OK) as srv, client(sleep=sleeps) as http:
        got = http.post_json(srv.url + "/checkins", CHECK_IN)
    assert got.status == 200
    assert sleeps == [2.0]
    assert [seen.body for seen in srv.seen] == [orjson.dumps(CHECK_IN)] * 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 504])
def test_busy_or_failing_answers_are_retried(status):
    with serve_replies(Reply(status, b""), OK) as srv, client() as http:
        assert http.post_json(srv.url + "/checkins", CHECK_IN).status == 200
    assert len(srv.seen) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422])
def test_a_4xx_other_than_408_and_429_is_final_and_not_retried(status):
    with serve_replies(Reply(status, b"no"), OK) as srv, client() as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert len(srv.seen) == 1
    assert (error.status, error.retryable) == (status, False)


def test_a_refusal_keeps_the_servers_own_code_and_sentence_for_the_log():
    said = {"error": "The body needs a 'nonce'.", "code": "bad_nonce"}
    with serve_replies(Reply(400, json.dumps(said).encode(), JSON)) as srv, client() as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", {"ticket": "t-1"})
    assert error.answer.status == 400
    assert json.loads(error.answer.body) == said
    assert "will not help" in error.message


def test_a_refusal_with_a_big_body_keeps_the_error_without_the_body():
    with serve_replies(Reply(404, b" " * 100_000)) as srv, client() as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert (error.status, error.answer.body) == (404, b"")
    assert "Check the address" in error.message


def test_when_retries_run_out_the_error_says_how_long_the_server_asked_to_wait():
    busy = Reply(429, b"", {"Retry-After": "5"})
    with serve_replies(busy, busy) as srv, client(HttpLimits(retries=1, deadline=30)) as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert len(srv.seen) == 2
    assert (error.status, error.retry_after) == (429, 5.0)


def test_failures_are_retried_the_configured_number_of_times_with_growing_waits():
    sleeps = Sleeps()
    limits = HttpLimits(retries=3, backoff=0.1, deadline=10)
    with serve_replies(*[Reply(500, b"oops")] * 4) as srv, client(limits, sleep=sleeps) as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert len(srv.seen) == 1 + limits.retries
    assert (error.status, error.retryable) == (500, True)
    # Exponential backoff with jitter: the n-th wait lies between half and all of 0.1 * 2**n.
    assert len(sleeps) == limits.retries
    for n, wait in enumerate(sleeps):
        assert 0.05 * 2**n <= wait <= 0.1 * 2**n


def test_a_refused_connection_is_retried_then_reported_as_connection():
    sleeps = Sleeps()
    with client(sleep=sleeps) as http:
        error = fails("connection", http.post_json, f"http://127.0.0.1:{free_port()}/c", CHECK_IN)
    assert len(sleeps) == QUICK.retries
    assert error.retryable


def test_a_retry_after_beyond_the_deadline_fails_at_once_without_waiting():
    sleeps = Sleeps()
    busy = Reply(503, b"", {"Retry-After": "3600"})
    with serve_replies(busy, OK) as srv, client(sleep=sleeps) as http:
        error = fails("deadline", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert sleeps == []
    assert len(srv.seen) == 1
    assert (error.status, error.retryable, error.retry_after) == (503, True, 3600.0)
    assert "3600 s" in error.message


def test_the_waits_together_never_pass_the_deadline():
    time_ = PassingTime()
    limits = HttpLimits(deadline=3, retries=20, backoff=0.4)
    script = [Reply(500, b"oops")] * 21
    http = HttpClient(limits, sleep=time_.sleep, clock=time_.clock)
    with serve_replies(*script) as srv, http:
        fails("deadline", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert time_.sleeps  # it did wait and retry before giving up
    assert sum(time_.sleeps) < limits.deadline
    assert len(srv.seen) == len(time_.sleeps) + 1


def test_a_retry_after_within_the_deadline_is_honoured_even_past_the_backoff():
    time_ = PassingTime()
    limits = HttpLimits(deadline=10, retries=3, backoff=0.01)
    busy = Reply(429, b"", {"Retry-After": "7"})
    http = HttpClient(limits, sleep=time_.sleep, clock=time_.clock)
    with serve_replies(busy, OK) as srv, http:
        assert http.post_json(srv.url + "/checkins", CHECK_IN).status == 200
    assert time_.sleeps == [7.0]


# --- post_json: limits -------------------------------------------------------------------


class DripAnswer(BaseHTTPRequestHandler):
    """Takes the upload, promises a 100-byte answer and sends one byte every 0.2 s: each
    arrives well within the read timeout, so only the deadline can stop it."""

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
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


def test_a_server_dripping_its_answer_is_cut_off_by_the_deadline():
    limits = HttpLimits(connect_timeout=1, read_timeout=1, deadline=1.5, retries=2)
    started = time.monotonic()
    with serve_handler(DripAnswer) as srv, HttpClient(limits) as http:
        error = fails("deadline", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert error.retryable
    assert time.monotonic() - started < 10  # stopped, not left to drip for 20 s


class SilentAnswer(BaseHTTPRequestHandler):
    """Takes the upload and never answers."""

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        time.sleep(2)


def test_a_server_that_never_answers_times_out():
    limits = HttpLimits(connect_timeout=1, read_timeout=0.3, deadline=5, retries=0)
    with serve_handler(SilentAnswer) as srv, HttpClient(limits) as http:
        error = fails("timeout", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert error.retryable


class HalfAnswer(BaseHTTPRequestHandler):
    """Promises 10,000 bytes, sends 100 and hangs up."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self.wfile.write(b"[" + b" " * 99)
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


class HangUp(BaseHTTPRequestHandler):
    """Takes the request and closes the connection without a word."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


@pytest.mark.parametrize(
    ("handler", "what"),
    [(HalfAnswer, "stopped in the middle of its answer"), (HangUp, "hung up without answering")],
)
def test_a_server_that_answers_and_cuts_off_is_not_called_unreachable(handler, what):
    """Regression: it was "could not reach … Check the network cable or Wi-Fi": the network
    was fine, the server hung up."""
    limits = HttpLimits(connect_timeout=1, read_timeout=2, deadline=10, retries=0)
    with serve_handler(handler) as srv, HttpClient(limits, server="feed server") as http:
        error = fails("cut_off", http.get, srv.url + "/feed.json")
    assert what in error.message and "The network works" in error.message
    assert "cable" not in error.message and error.retryable


def test_an_answer_over_max_bytes_is_refused():
    limits = HttpLimits(max_bytes=1000, retries=0)
    with serve_replies(Reply(200, b" " * 5000, JSON)) as srv, HttpClient(limits) as http:
        error = fails("too_large", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert "1,000 bytes" in error.message


class EndlessAnswer(BaseHTTPRequestHandler):
    """Answers with no Content-Length and keeps sending, as a broken server might."""

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b" " * 10_000)
        except OSError:
            pass  # the client hung up, as it should


def test_an_answer_that_never_ends_is_cut_off_at_max_bytes():
    limits = HttpLimits(max_bytes=50_000, retries=0)
    with serve_handler(EndlessAnswer) as srv, HttpClient(limits) as http:
        fails("too_large", http.post_json, srv.url + "/checkins", CHECK_IN)


def test_a_gzipped_answer_over_max_bytes_once_inflated_is_refused():
    limits = HttpLimits(max_bytes=1000, retries=0)
    small_when_packed = Reply(200, gzip.compress(b" " * 5000), {"Content-Encoding": "gzip"})
    with serve_replies(small_when_packed) as srv, HttpClient(limits) as http:
        fails("too_large", http.post_json, srv.url + "/checkins", CHECK_IN)


def test_a_damaged_gzip_answer_is_bad_encoding():
    damaged = Reply(200, gzip.compress(b'{"stored": true}')[:-12], {"Content-Encoding": "gzip"})
    with serve_replies(damaged) as srv, client() as http:
        error = fails("bad_encoding", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert error.retryable


def test_an_unknown_compression_is_bad_encoding():
    with serve_replies(Reply(200, b"x", {"Content-Encoding": "br"})) as srv, client() as http:
        error = fails("bad_encoding", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert not error.retryable


def test_a_redirect_is_not_followed_for_an_upload_and_the_upload_may_be_tried_later():
    moved = Reply(307, b"", {"Location": "/elsewhere"})
    with serve_replies(moved, OK) as srv, client() as http:
        error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert len(srv.seen) == 1  # not followed, and not repeated at once either
    assert (error.status, error.retryable) == (307, True)
    assert "Put the final address in the configuration" in error.message


# --- errors a person reads ---------------------------------------------------------------


def test_a_failure_names_the_server_and_says_what_happens_meanwhile():
    meanwhile = "The check-in waits in the outbox and is sent later."
    with serve_replies(*[Reply(503, b"")] * 2) as srv:
        http = client(HttpLimits(retries=1, backoff=0.01), server="central server",
                      meanwhile=meanwhile)  # fmt: skip
        with http:
            error = fails("http_status", http.post_json, srv.url + "/checkins", CHECK_IN)
    assert error.message.startswith("The central server answered 503")
    assert error.message.endswith(meanwhile)
    assert error.url == srv.url + "/checkins"


# --- get ---------------------------------------------------------------------------------


def test_get_returns_status_headers_and_body():
    with serve_replies(Reply(200, b"[]", {**JSON, "ETag": '"v1"'})) as srv, client() as http:
        got = http.get(srv.url + "/fleet", headers={"Accept": "application/json"})
    assert (got.status, got.headers["ETag"], bytes(got.body)) == (200, '"v1"', b"[]")
    assert srv.seen[0].headers["Accept"] == "application/json"
    assert "gzip" in srv.seen[0].headers["Accept-Encoding"]


def test_get_returns_a_status_it_was_told_to_accept_and_refuses_the_rest():
    with serve_replies(Reply(304, b""), Reply(304, b"")) as srv, client() as http:
        assert http.get(srv.url + "/feed", accept=(200, 304)).status == 304
        error = fails("http_status", http.get, srv.url + "/feed")
    assert error.status == 304


def test_get_follows_a_redirect_and_reports_where_the_answer_came_from():
    moved = Reply(302, b"moved", {"Location": "/new"})
    with serve_replies(moved, Reply(200, b"[]", JSON)) as srv, client() as http:
        got = http.get(srv.url + "/old")
    assert got.url == srv.url + "/new"
    assert [seen.path for seen in srv.seen] == ["/old", "/new"]


def test_a_redirect_to_another_host_does_not_carry_the_credentials():
    with serve_replies(Reply(200, b"[]", JSON)) as there:
        moved = Reply(302, b"", {"Location": there.url + "/feed"})
        with serve_replies(moved) as here, client() as http:
            http.get(here.url + "/feed", headers={"Authorization": "Bearer kiosk-token"})
    assert here.seen[0].headers["Authorization"] == "Bearer kiosk-token"
    assert "Authorization" not in there.seen[0].headers


def test_a_header_check_refuses_an_answer_and_it_is_not_retried():
    class NotWanted(HttpError):
        pass

    def refuse(status, headers, url):
        raise NotWanted("not_a_feed", f"{url} sent {headers['Content-Type']}.")

    portal = Reply(200, b"<html>" + b" " * 5000, {"Content-Type": "text/html"})
    with serve_replies(portal, OK) as srv, client() as http, pytest.raises(NotWanted):
        http.get(srv.url + "/feed", check_headers=refuse)
    assert len(srv.seen) == 1
