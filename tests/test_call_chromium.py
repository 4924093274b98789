"""Real Chromium (Debian's ``chromium``) for what only a browser can show.

- Through the launcher, with the bundled command and the policy
  :func:`~torg_kiosk.calls.policy.write_capture_policy` writes, a page on the meeting's origin
  (127.0.0.1) gets camera and microphone from ``getUserMedia`` without a prompt, and a page on
  another origin (localhost, same port) does not. The camera and microphone are Chromium's
  fake devices (``--use-fake-device-for-media-stream``): there are none here. Not
  ``--use-fake-ui-for-media-stream``, which would say yes to every prompt and hide a wrong
  policy. Debian's chromium reads managed policies only from /etc/chromium/policies/managed,
  which needs root (CI runs as root): the test writes a file of its own there and removes it.
  ``--no-sandbox`` only because root cannot run Chromium's sandbox; the kiosk's user can.
- The caseworker page in headless Chromium (selenium, Debian's chromium-driver): *Svar*
  clicked, the host link opens, and the kiosk hears ``taken``.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.calls.browser import BrowserLauncher, Window
from torg_kiosk.calls.config import DEBIAN_POLICY_DIR, load_calls_config
from torg_kiosk.calls.desk import CallChoice, CallDesk, call_request
from torg_kiosk.calls.policy import write_capture_policy

pytestmark = pytest.mark.slow

MEDIA_PAGE = b"""<!doctype html><title>camera</title><script>
function report(text) { fetch('/result', {method: 'POST', body: text}); }
navigator.mediaDevices.getUserMedia({video: true, audio: true})
  .then(stream => report('granted ' + stream.getTracks().map(t => t.kind).sort().join(',')))
  .catch(error => report('refused ' + error.name));
setTimeout(() => report('no answer'), 3000);
</script>"""


class MediaPages:
    """A page that asks for camera and microphone and posts what it got to ``/result``."""

    def __init__(self):
        self.results: queue.Queue[tuple[str, str]] = queue.Queue()
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(MEDIA_PAGE)

            def do_POST(self):
                text = self.rfile.read(int(self.headers["Content-Length"])).decode()
                pages.results.put((self.headers["Host"], text))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def first_result(self, timeout: float = 30) -> tuple[str, str]:
        return self.results.get(timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages():
    served = MediaPages()
    yield served
    served.close()


@pytest.fixture
def capture_policy(pages):
    """The kiosk's policy for the meeting origin http://127.0.0.1:<port>, where Chromium
    reads it; removed afterwards."""
    assert os.geteuid() == 0, (
        "Debian's chromium reads managed policies only from /etc/chromium/policies/managed, "
        "which only root may write: run this test as root (CI does)."
    )
    name = f"torg-kiosk-test-{secrets.token_hex(6)}.json"
    path = write_capture_policy([f"http://127.0.0.1:{pages.port}"], DEBIAN_POLICY_DIR, name)
    yield path
    path.unlink()


def kiosk_launcher(tmp_path: Path) -> BrowserLauncher:
    config = load_calls_config(bundled_config_dir(), environ={})
    command = [*config.browser.command, "--use-fake-device-for-media-stream", "--no-sandbox"]
    return BrowserLauncher(command, profile_root=tmp_path / "profiles", max_seconds=60)


def open_in_chromium(tmp_path: Path, url: str, pages: MediaPages) -> tuple[str, str]:
    ended = []
    call = kiosk_launcher(tmp_path).launch(
        url, Window(0, 0, 800, 600), lambda c, r: ended.append(r)
    )
    try:
        return pages.first_result()
    finally:
        call.end()
        assert call.wait(15)
        assert not call.profile.exists()


def test_the_meeting_origin_gets_camera_and_microphone_without_a_prompt(
    tmp_path, pages, capture_policy
):
    host, result = open_in_chromium(tmp_path, f"http://127.0.0.1:{pages.port}/", pages)
    assert (host, result) == (f"127.0.0.1:{pages.port}", "granted audio,video")


def test_another_origin_does_not_get_the_camera(tmp_path, pages, capture_policy):
    host, result = open_in_chromium(tmp_path, f"http://localhost:{pages.port}/", pages)
    assert host == f"localhost:{pages.port}"
    assert result in ("no answer", "refused NotAllowedError")


def visible_chromium_windows() -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of every visible Chromium window on the display (xdotool)."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--class", "chromium"],
        capture_output=True, text=True,
    )  # fmt: skip
    windows = []
    for window in found.stdout.split():
        shape = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True
        ).stdout
        values = dict(line.split("=") for line in shape.split())
        windows.append(tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT")))
    return windows


def test_the_meeting_window_takes_its_place_and_leaves_the_kiosks_strip_free(tmp_path, pages):
    window = Window(0, 0, 1360, 1080)  # a 1920-wide screen less the 560 px strip
    call = kiosk_launcher(tmp_path).launch(f"http://127.0.0.1:{pages.port}/", window,
                                           lambda _c, _r: None)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not visible_chromium_windows():
            assert time.monotonic() < deadline, "Chromium never mapped a window"
            time.sleep(0.05)
        assert visible_chromium_windows() == [(0, 0, 1360, 1080)]
    finally:
        call.end()
        assert call.wait(15)
    assert visible_chromium_windows() == []


def test_the_policy_names_the_origin_for_camera_and_microphone(capture_policy, pages):
    origin = f"http://127.0.0.1:{pages.port}"
    assert json.loads(capture_policy.read_text()) == {
        "VideoCaptureAllowedUrls": [origin],
        "AudioCaptureAllowedUrls": [origin],
    }


# --- the caseworker page ------------------------------------------------------------------


@pytest.fixture
def headless_chromium(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", f"--user-data-dir={tmp_path / 'cw'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def test_svar_on_the_caseworker_page_opens_the_host_link_and_the_kiosk_hears_taken(
    central, headless_chromium, pages
):
    desk = CallDesk(central.url)
    host_url = f"http://127.0.0.1:{pages.port}/host-room"
    body = call_request(
        site_id="heggedal",
        choice=CallChoice("health", "ar", True),
        host_url=host_url,
        provider="jitsi",
        now=central.config.now(),
        kiosk="heggedal-1",
    )
    desk.request(body)
    browser = headless_chromium
    browser.get(f"{central.url}/caseworker")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-nonce='{body['nonce']}']")
    assert [cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:5] == [
        "heggedal", "Helse og omsorg", "arabisk", "ja", "under 1 min",
    ]  # fmt: skip
    row.find_element(By.TAG_NAME, "button").click()
    deadline = time.monotonic() + 15
    while len(browser.window_handles) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    browser.switch_to.window(browser.window_handles[-1])
    while browser.current_url != host_url and time.monotonic() < deadline:
        time.sleep(0.05)
    assert browser.current_url == host_url
    assert desk.standing(body["nonce"]).state == "taken"
    browser.switch_to.window(browser.window_handles[0])
    browser.refresh()
    assert browser.find_element(By.ID, "no-calls").text == "Ingen venter akkurat nå."
