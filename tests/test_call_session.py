"""One call end to end without a screen: the reference central server on 127.0.0.1, the
real provider code (Jitsi: it makes links without a network), and a real process standing
in for the browser (tests/browser_stand_in.py)."""

from __future__ import annotations

import json
import queue
import socket
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from tests.relay import Relay
from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.calls.browser import BrowserLauncher, Window
from torg_kiosk.calls.config import load_calls_config
from torg_kiosk.calls.desk import CallChoice, CallDesk
from torg_kiosk.calls.session import (
    CONNECTING,
    ENDED,
    FALLBACK,
    IN_CALL,
    NO_BROWSER,
    NOBODY_ANSWERED,
    UNREACHABLE,
    CallSession,
)

STAND_IN = Path(__file__).with_name("browser_stand_in.py")
CHOICE = CallChoice("building", "pl", True)


@pytest.fixture
def config():
    return replace(load_calls_config(bundled_config_dir(), environ={}), poll_seconds=0.2)


class Updates:
    def __init__(self):
        self.seen: queue.Queue = queue.Queue()

    def __call__(self, update):
        self.seen.put(update)

    def until(self, phase: str, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            update = self.seen.get(timeout=max(0.01, deadline - time.monotonic()))
            if update.phase == phase:
                return update
        raise AssertionError(f"no {phase} update")


def session(tmp_path, config, central_url, mode="stay", updates=None, max_seconds=60):
    report = tmp_path / "browser.json"
    launcher = BrowserLauncher(
        [sys.executable, str(STAND_IN), str(report), mode, "{url}", "{profile}"],
        profile_root=tmp_path / "profiles",
        max_seconds=max_seconds,
        failed_start_seconds=1.0,
        grace_seconds=0.3,
    )
    return CallSession(
        config=config,
        desk=CallDesk(central_url) if central_url else None,
        launcher=launcher,
        site_id="heggedal",
        display_name="Heggedal innbyggertorg",
        kiosk="heggedal-1",
        choice=CHOICE,
        window=Window(0, 0, 1440, 1080),
        now=lambda: datetime.now(UTC),
        on_update=updates or Updates(),
    ), report


def stored_calls(central):
    return requests.get(f"{central.url}/api/uploads?kind=calls", timeout=5).json()


def test_a_call_sends_one_request_opens_the_meeting_and_hears_the_caseworker_come(
    tmp_path, config, central
):
    updates = Updates()
    call, report = session(tmp_path, config, central.url, updates=updates)
    call.start()
    connecting = updates.until(CONNECTING)
    assert connecting.mobile_url.startswith("https://meet.asker-kommune.example/torg-heggedal-")
    waiting = updates.until(IN_CALL)
    assert (waiting.standing.state, waiting.standing.position) == ("waiting", 1)
    [stored] = stored_calls(central)
    assert stored["body"]["topic"] == "building" and stored["body"]["interpreter"] is True
    deadline = time.monotonic() + 10
    while not (report.exists() and report.read_text()):
        assert time.monotonic() < deadline, "the browser never started"
        time.sleep(0.02)
    browser_argv = json.loads(report.read_text())["argv"]
    assert browser_argv[2] == call.meeting.visitor_url
    requests.post(f"{central.url}/caseworker/calls/{call.nonce}/answer", timeout=5,
                  allow_redirects=False)  # fmt: skip
    while updates.until(IN_CALL).standing.state != "taken":
        pass
    call.end()
    assert updates.until(ENDED).reason == "ended_on_kiosk"
    deadline = time.monotonic() + 10
    while CallDesk(central.url).standing(call.nonce).state != "ended":
        assert time.monotonic() < deadline, "the taken call was never ended"
        time.sleep(0.05)


def test_avbryt_while_waiting_withdraws_the_request(tmp_path, config, central):
    updates = Updates()
    call, _ = session(tmp_path, config, central.url, updates=updates)
    call.start()
    updates.until(IN_CALL)
    call.end()
    updates.until(ENDED)
    deadline = time.monotonic() + 10
    while CallDesk(central.url).standing(call.nonce).state != "cancelled":
        assert time.monotonic() < deadline, "the request was never withdrawn"
        time.sleep(0.05)


def test_no_central_side_gives_the_fallback_and_no_browser(tmp_path, config):
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    updates = Updates()
    call, report = session(tmp_path, config, f"http://127.0.0.1:{port}", updates=updates)
    call.start()
    assert updates.until(FALLBACK, timeout=15).reason == UNREACHABLE
    assert not report.exists()  # no browser for a call nobody can take


def test_a_central_side_that_never_answers_is_given_up_at_answer_seconds(tmp_path, config):
    # One second to answer, while the HTTP client alone would wait 3.5 s: only the session's
    # own limit can bring the fallback before the request gives up.
    hurried = replace(config, answer_seconds=1.0)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        updates = Updates()
        call, _ = session(tmp_path, hurried, f"http://127.0.0.1:{silent.getsockname()[1]}",
                          updates=updates)  # fmt: skip
        call.start()
        assert updates.until(FALLBACK, timeout=3.0).reason == UNREACHABLE


def test_no_central_url_is_the_fallback_at_once(tmp_path, config):
    updates = Updates()
    call, _ = session(tmp_path, config, "", updates=updates)
    call.start()
    assert updates.until(FALLBACK, timeout=1).reason == UNREACHABLE


def test_a_browser_that_dies_at_once_gives_the_fallback_and_withdraws(tmp_path, config, central):
    updates = Updates()
    call, _ = session(tmp_path, config, central.url, mode="crash", updates=updates)
    call.start()
    assert updates.until(FALLBACK).reason == NO_BROWSER
    deadline = time.monotonic() + 10
    while CallDesk(central.url).standing(call.nonce).state != "cancelled":
        assert time.monotonic() < deadline, "the request was never withdrawn"
        time.sleep(0.05)


def test_the_visitor_leaving_the_meeting_ends_the_call(tmp_path, config, central):
    updates = Updates()
    call, _ = session(tmp_path, config, central.url, mode="leave-after=1.5", updates=updates)
    call.start()
    assert updates.until(ENDED).reason == "browser_closed"


def test_the_maximum_call_length_ends_the_call_and_the_request(tmp_path, config, central):
    updates = Updates()
    call, _ = session(tmp_path, config, central.url, updates=updates, max_seconds=2)
    call.start()
    updates.until(IN_CALL)
    assert updates.until(ENDED).reason == "max_length"
    deadline = time.monotonic() + 10
    while CallDesk(central.url).standing(call.nonce).state != "cancelled":
        assert time.monotonic() < deadline, "the request was never withdrawn"
        time.sleep(0.05)


def test_a_request_nobody_answers_in_time_closes_the_browser_and_offers_the_booking(
    tmp_path, config, central
):
    central._httpd.app.config["CALL_EXPIRY_SECONDS"] = 1
    updates = Updates()
    call, _ = session(tmp_path, config, central.url, updates=updates)
    call.start()
    # Waiting (IN_CALL) may or may not be seen first: on a busy machine the first question
    # can come after the second the request lives.
    assert updates.until(FALLBACK, timeout=20).reason == NOBODY_ANSWERED
    assert call.browser.wait(10) and call.browser.reason == "ended_on_kiosk"


def test_a_request_stored_after_the_visitor_got_the_booking_is_withdrawn(tmp_path, config, central):
    relay = Relay(central.url, delay=1.2)  # later than the visitor waits, inside a read
    try:
        updates = Updates()
        hurried = replace(config, answer_seconds=1.0)
        call, report = session(tmp_path, hurried, relay.url, updates=updates)
        call.start()
        assert updates.until(FALLBACK, timeout=3.0).reason == UNREACHABLE
        deadline = time.monotonic() + 15
        while not stored_calls(central) or (
            CallDesk(central.url).standing(call.nonce).state != "cancelled"
        ):
            assert time.monotonic() < deadline, "the late request was never withdrawn"
            time.sleep(0.1)
        assert not report.exists()
    finally:
        relay.close()
