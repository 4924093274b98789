"""The video call on screen, with real taps: topic → language → interpreter → the call →
Home, against the reference central server on 127.0.0.1 and a real process standing in for
the browser (tests/browser_stand_in.py); and the fallback with its booking QR, read back
from a screenshot with zxing-cpp. The app's clock is pinned at Thursday 3 December 10:15,
inside Heggedal's caseworker hours (calls.toml)."""

from __future__ import annotations

import json
import socket
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
import zxingcpp
from PIL import Image

from torg_kiosk.base.clock import OSLO
from torg_kiosk.calls.browser import BrowserLauncher
from torg_kiosk.calls.desk import CallDesk

STAND_IN = Path(__file__).resolve().parents[1] / "browser_stand_in.py"


@pytest.fixture
def call_flow(ui, tmp_path):
    """The app's call flow with a stand-in browser; put back as it was afterwards."""
    flow = ui.app.call_flow
    before = (flow.central_url, flow.launcher, flow.config)
    flow.report = tmp_path / "browser.json"
    flow.use_browser = lambda mode: setattr(
        flow,
        "launcher",
        BrowserLauncher(
            [sys.executable, str(STAND_IN), str(flow.report), mode, "{url}", "{profile}"],
            profile_root=tmp_path / "profiles",
            max_seconds=60,
            failed_start_seconds=1.0,
            grace_seconds=0.3,
        ),
    )
    flow.use_browser("stay")
    yield flow
    flow.forget()
    flow.central_url, flow.launcher, flow.config = before
    ui.app.go_home()
    ui.frames()


def home(ui):
    ui.app.go_home()
    ui.frames(4)
    return ui.screen


def choose(ui, value: str) -> None:
    ui.tap(ui.screen.buttons[value])


def browser_started(ui, flow) -> dict:
    ui.wait_until(lambda: flow.report.exists() and flow.report.read_text(), what="the browser")
    return json.loads(flow.report.read_text())


def test_the_visitor_walks_to_a_caseworker_and_back_home_with_real_taps(ui, central, call_flow):
    call_flow.central_url = central.url
    ui.tap(home(ui).ids.contact_button)
    assert ui.app.manager.current == "call_topic"
    assert ui.screen.ids.title.text == "Hva gjelder det?"
    assert list(ui.screen.buttons) == [
        "building", "health", "school", "tax", "money-housing", "nav", "other",
    ]  # fmt: skip
    assert ui.screen.buttons["building"].icon == "house"
    ui.screenshot("call-topic")
    choose(ui, "nav")
    assert ui.app.manager.current == "call_language"
    choose(ui, "uk")
    assert ui.app.manager.current == "call_interpreter"
    assert ui.screen.buttons["yes"].text == "Ja, jeg vil ha tolk (Українська)"
    choose(ui, "yes")
    assert ui.app.manager.current == "call"

    started = browser_started(ui, call_flow)
    call = ui.screen
    ui.wait_until(lambda: call.headline == "Du er nummer 1 i køen", what="the queue place")
    assert call.detail == "Omtrent 5 min å vente"
    assert call.ids.end_button.text == "Avslutt"
    assert ui.app.idle.paused
    [stored] = requests.get(f"{central.url}/api/uploads?kind=calls", timeout=5).json()
    assert {k: stored["body"][k] for k in ("site", "topic", "language", "interpreter")} == {
        "site": "heggedal", "topic": "nav", "language": "uk", "interpreter": True,
    }  # fmt: skip
    assert started["argv"][2].startswith("https://meet.asker-kommune.example/torg-heggedal-")
    assert call.mobile_url.startswith("https://meet.asker-kommune.example/torg-heggedal-")

    nonce = stored["nonce"]
    requests.post(f"{central.url}/caseworker/calls/{nonce}/answer", timeout=5,
                  allow_redirects=False)  # fmt: skip
    ui.wait_until(lambda: call.headline == "En saksbehandler kommer", what="the caseworker")
    shot = ui.screenshot("call-answered")
    found = [result.text for result in zxingcpp.read_barcodes(Image.open(shot))]
    assert found == [call.mobile_url]

    ui.tap(call.ids.end_button)
    assert ui.app.manager.current == "home"
    ui.wait_until(lambda: CallDesk(central.url).standing(nonce).state == "ended",
                  what="the call to be ended on the central side")  # fmt: skip
    ui.wait_until(lambda: call_flow.session.finished, what="the session to finish")
    # The session's last word reaches the UI thread on the next frame: the timer runs again.
    ui.wait_until(lambda: not ui.app.idle.paused, what="the idle timer to run again")
    assert list((Path(call_flow.launcher.profile_root)).iterdir()) == []


def test_norwegian_skips_the_interpreter_question(ui, central, call_flow):
    call_flow.central_url = central.url
    ui.tap(home(ui).ids.contact_button)
    choose(ui, "building")
    choose(ui, "nb")
    assert ui.app.manager.current == "call"
    browser_started(ui, call_flow)
    [stored] = requests.get(f"{central.url}/api/uploads?kind=calls", timeout=5).json()
    assert stored["body"]["interpreter"] is False
    ui.tap(ui.screen.ids.end_button)
    assert ui.app.manager.current == "home"


def test_the_visitor_leaving_the_meeting_brings_the_kiosk_home(ui, central, call_flow):
    call_flow.central_url = central.url
    call_flow.use_browser("leave-after=1.5")
    ui.tap(home(ui).ids.contact_button)
    choose(ui, "tax")
    choose(ui, "nb")
    browser_started(ui, call_flow)
    ui.wait_until(lambda: ui.app.manager.current == "home", what="home after the browser left")


def test_a_browser_that_crashes_at_once_shows_a_plain_message_and_the_booking(
    ui, central, call_flow
):
    call_flow.central_url = central.url
    call_flow.use_browser("crash")
    ui.tap(home(ui).ids.contact_button)
    choose(ui, "health")
    choose(ui, "nb")
    ui.wait_until(lambda: ui.app.manager.current == "contact", what="the fallback")
    assert ui.screen.ids.notice.text == "Videosamtalen kunne ikke starte på denne skjermen."
    assert ui.screen.ids.title.text == "Bestill et digitalt møte"


def test_no_answer_from_the_central_side_shows_the_booking(ui, call_flow):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # takes the connection, says nothing
        call_flow.central_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        ui.tap(home(ui).ids.contact_button)
        choose(ui, "other")
        choose(ui, "nb")
        assert ui.app.manager.current == "call"
        assert ui.screen.ids.end_button.text == "Avbryt"
        # answer_seconds (4 s) is the session's to keep (tests/test_call_session.py);
        # benchmarks/bench_call.py measures it on the screen.
        ui.wait_until(lambda: ui.app.manager.current == "contact", timeout=15,
                      what="the fallback")  # fmt: skip
    assert ui.screen.ids.notice.text == "Vi får ikke kontakt med kommunen akkurat nå."
    assert not call_flow.report.exists()


def test_outside_caseworker_hours_home_offers_the_booking_with_its_qr(ui, call_flow):
    pinned = ui.app.now
    # The torg is open to 16:00 on Thursdays; Heggedal's caseworkers answer until 15:00.
    after_hours = datetime(2026, 12, 3, 15, 30, tzinfo=OSLO)
    ui.app.now = lambda: after_hours
    try:
        ui.app.refresh_all()
        button = home(ui).ids.contact_button
        assert button.text == "Bestill et digitalt møte"
        ui.tap(button)
        contact = ui.screen
        assert ui.app.manager.current == "contact"
        assert contact.ids.notice.text == "Ingen saksbehandler kan svare på video akkurat nå."
        assert contact.ids.phone.text == "+47 66\u00a090\u00a000\u00a000"
        shot = ui.screenshot("call-fallback-outside-hours")
        found = [result.text for result in zxingcpp.read_barcodes(Image.open(shot))]
        assert found == [ui.app.site.innbyggerservice.booking_url]
    finally:
        ui.app.now = pinned
        ui.app.refresh_all()


def test_christmas_day_is_outside_the_caseworker_hours(ui, call_flow):
    pinned = ui.app.now
    ui.app.now = lambda: datetime(2026, 12, 25, 10, 0, tzinfo=OSLO)
    try:
        ui.app.refresh_all()
        assert ui.app.manager.current == "closed"  # the whole torg is closed
        ui.app.closed_page_dismissed()  # a visitor touches the closed page
        ui.frames(3)
        assert home(ui).ids.contact_button.text == "Bestill et digitalt møte"
    finally:
        ui.app.now = pinned
        ui.app.closed_page_back()
        ui.app.refresh_all()


def test_the_privacy_reset_ends_a_call_screen_nobody_is_in_front_of(ui, central, call_flow):
    call_flow.central_url = central.url
    ui.tap(home(ui).ids.contact_button)
    choose(ui, "school")
    assert ui.app.manager.current == "call_language"
    ui.app.idle._reset()
    ui.frames(3)
    assert ui.app.manager.current == "home"
    assert call_flow.topic == ""
    ui.tap(home(ui).ids.contact_button)
    assert ui.app.manager.current == "call_topic"
    time.sleep(0)  # the reset above left nothing running
    assert call_flow.session is None


def test_a_kiosk_that_stops_during_a_call_takes_the_whole_browser_with_it(ui, central, call_flow):
    # The stand-in "stay" ignores SIGTERM, as a hung browser would, and has a child process
    # (a renderer). The browser's watcher is a daemon thread: unless stopping waits for it,
    # the program can exit with the browser still on screen.
    call_flow.central_url = central.url
    ui.tap(home(ui).ids.contact_button)
    choose(ui, "building")
    choose(ui, "nb")
    started = browser_started(ui, call_flow)
    assert alive(started["pid"]) and alive(started["child"])
    call_flow.stop()
    assert not alive(started["pid"]), "the browser is gone when stop returns"
    assert not alive(started["child"]), "and so is its child"
    assert call_flow.session.finished
    assert list(Path(call_flow.launcher.profile_root).iterdir()) == []


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, ended but not yet reaped, does not)."""
    status = Path(f"/proc/{pid}/stat")
    try:
        return status.read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


CALL_SCREENS = ("call_topic", "call_language", "call_interpreter", "call", "contact")


@pytest.mark.parametrize("language", ["nb", "ar"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1280, 800)],
                         ids=lambda s: f"{s[0]}x{s[1]}")  # fmt: skip
def test_every_call_screen_fits_its_text_in_every_size_and_in_arabic(ui, size, language):
    from test_layout import ancestry, clipped, overlaps, shown_labels

    ui.resize(*size)
    ui.app.choose_language(language)
    try:
        ui.app.call_flow.language = "so"
        for name in CALL_SCREENS:
            ui.show(name)
            ui.frames(6)
            ui.screenshot(f"{size[0]}x{size[1]}-{language}-{name}")
            labels = list(shown_labels(ui.screen))
            assert labels, name
            problems = [f"{lb.text[:40]!r}: {clipped(lb)}" for lb in labels if clipped(lb)]
            assert problems == [], name
            for index, first in enumerate(labels):
                for second in labels[index + 1 :]:
                    if first in ancestry(second) or second in ancestry(first):
                        continue
                    assert not overlaps(first, second), (name, first.text[:40], second.text[:40])
    finally:
        ui.app.call_flow.language = ""
        ui.app.choose_language("nb")
        ui.resize(1920, 1080)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_call_screen_meets_the_size_gap_and_text_rules(ui, size, large):
    from test_accessibility_ui import check_tree

    ui.app.large_text = large
    ui.resize(*size)
    try:
        for name in ("call_topic", "call_language", "call_interpreter", "call"):
            ui.show(name)
            ui.frames(4)
            if large:
                ui.screenshot(f"{size[0]}x{size[1]}-{name}-large")
            problems = check_tree(ui, ui.screen, size, large)
            assert problems == [], name + ":\n" + "\n".join(problems)
    finally:
        ui.app.large_text = False
        ui.resize(1920, 1080)
