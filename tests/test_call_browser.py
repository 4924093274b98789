"""The call's browser launcher with a real process standing in for the browser
(tests/browser_stand_in.py): it is started with the meeting, ends when the visitor leaves,
when the kiosk ends it, or at the maximum length (the whole process group killed), a crash
at start is told apart, and the profile folder is gone afterwards every time."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from torg_kiosk.calls.browser import (
    BROWSER_CLOSED,
    BROWSER_FAILED,
    ENDED_ON_KIOSK,
    MAX_LENGTH,
    BrowserLauncher,
    Window,
)

STAND_IN = Path(__file__).with_name("browser_stand_in.py")
WINDOW = Window(0, 0, 1440, 1080)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes: its parent has not reaped it yet.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ")[1][0] != "Z"


class Ended:
    def __init__(self):
        self.reasons: list[str] = []
        self.event = threading.Event()

    def __call__(self, _call, reason: str):
        self.reasons.append(reason)
        self.event.set()


def launcher(tmp_path: Path, mode: str, **kwargs) -> tuple[BrowserLauncher, Path]:
    report = tmp_path / "report.json"
    command = [sys.executable, str(STAND_IN), str(report), mode, "{url}", "{profile}",
               "--window-position={x},{y}", "--window-size={width},{height}"]  # fmt: skip
    options = {"max_seconds": 30, "failed_start_seconds": 0.5, "grace_seconds": 0.3} | kwargs
    return BrowserLauncher(command, profile_root=tmp_path / "profiles", **options), report


def wait_for(path: Path, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return json.loads(path.read_text())
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


def test_the_browser_gets_the_url_a_fresh_profile_and_its_window_as_separate_arguments(tmp_path):
    browser, report = launcher(tmp_path, "stay")
    ended = Ended()
    url = "https://meet.asker.example/torg-x#userInfo.displayName=%22A%20B%22"
    call = browser.launch(url, WINDOW, ended)
    seen = wait_for(report)
    group = os.getpgid(seen["pid"])
    call.end()
    assert call.wait(10)
    assert group == seen["pid"] != os.getpgid(0)  # a process group of its own
    assert seen["argv"][2] == url
    assert Path(seen["argv"][3]).parent == tmp_path / "profiles"
    assert seen["argv"][4:] == ["--window-position=0,0", "--window-size=1440,1080"]


def test_the_visitor_leaving_the_meeting_ends_the_call_and_wipes_the_profile(tmp_path):
    browser, report = launcher(tmp_path, "leave-after=1")
    ended = Ended()
    call = browser.launch("https://meet.asker.example/r", WINDOW, ended)
    wait_for(report)
    assert ended.event.wait(10)
    assert ended.reasons == [BROWSER_CLOSED]
    assert not call.profile.exists()
    assert list((tmp_path / "profiles").iterdir()) == []


def test_avslutt_on_the_kiosk_kills_the_whole_group_even_a_browser_ignoring_sigterm(tmp_path):
    browser, report = launcher(tmp_path, "stay")
    ended = Ended()
    call = browser.launch("https://meet.asker.example/r", WINDOW, ended)
    seen = wait_for(report)
    call.end()
    assert ended.event.wait(10)
    assert ended.reasons == [ENDED_ON_KIOSK]
    assert not alive(seen["pid"]) and not alive(seen["child"])
    assert not call.profile.exists()


def test_the_maximum_call_length_kills_the_whole_process_group(tmp_path):
    browser, report = launcher(tmp_path, "stay", max_seconds=1.5)
    ended = Ended()
    call = browser.launch("https://meet.asker.example/r", WINDOW, ended)
    seen = wait_for(report)
    assert alive(seen["pid"]) and alive(seen["child"])
    assert ended.event.wait(15)
    assert ended.reasons == [MAX_LENGTH]
    assert not alive(seen["pid"]) and not alive(seen["child"])
    assert not call.profile.exists()


def test_a_browser_that_dies_at_once_is_a_failed_start(tmp_path):
    browser, _report = launcher(tmp_path, "crash", failed_start_seconds=5)
    ended = Ended()
    call = browser.launch("https://meet.asker.example/r", WINDOW, ended)
    assert ended.event.wait(10)
    assert ended.reasons == [BROWSER_FAILED]
    assert not call.profile.exists()


def test_a_browser_that_is_not_installed_is_a_failed_start_at_once(tmp_path):
    browser = BrowserLauncher(
        ["/nonexistent/chromium", "--app={url}"], profile_root=tmp_path, max_seconds=30
    )
    ended = Ended()
    assert browser.launch("https://meet.asker.example/r", WINDOW, ended) is None
    assert ended.reasons == [BROWSER_FAILED]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", ["leave-after=0.8", "stay"])
def test_on_end_is_called_exactly_once(tmp_path, mode):
    browser, report = launcher(tmp_path, mode, max_seconds=2)
    ended = Ended()
    call = browser.launch("https://meet.asker.example/r", WINDOW, ended)
    wait_for(report)
    assert call.wait(15)
    call.end()
    time.sleep(0.3)
    assert len(ended.reasons) == 1
