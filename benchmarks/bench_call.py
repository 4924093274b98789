"""The video call's timings on a real app. Prints ``name: value unit`` lines.

Usage (needs a display, Chromium and xdotool):
    xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_call.py

- tap_to_topic_screen: a real touch on *Snakk med kommunen*, from the touch up to the end
  of the first frame that shows the topics (median of ``--taps``; target ≤ 100 ms);
- last_choice_to_browser_window: the tap on the last choice (the language) to the moment
  Chromium's window is mapped on the X display (``xdotool search --onlyvisible``), with the
  reference central server on 127.0.0.1 and the meeting a page on 127.0.0.1, through the
  kiosk's launcher and its bundled command (plus ``--no-sandbox`` when run as root); median
  of ``--calls`` (target ≤ 3 s);
- last_choice_to_fallback: the same tap with a central side that accepts the connection
  and never answers, to the frame that shows the booking (median; target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-call-kivy-"))
os.environ["KIVY_NO_CONSOLELOG"] = "1"

from torg_kiosk.ui.bootstrap import configure_kivy  # noqa: E402

configure_kivy(windowed=True, size=(1920, 1080))
from kivy.config import Config  # noqa: E402

Config.set("graphics", "maxfps", "0")

from kivy.base import EventLoop  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from torg_central.server import serve  # noqa: E402
from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.calls.browser import BrowserLauncher  # noqa: E402
from torg_kiosk.calls.providers.url_template import UrlTemplateProvider  # noqa: E402
from torg_kiosk.services import build_app, build_services  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)


def frames(count: int = 1) -> None:
    for _ in range(count):
        EventLoop.idle()


def tap(widget, until, timeout: float = 30.0) -> float:
    """Seconds from a real touch's release on ``widget`` to the end of the frame after
    which ``until()`` holds."""
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames()
    started = time.perf_counter()
    touch.touch_up()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        EventLoop.idle()
        if until():
            return time.perf_counter() - started
    raise SystemExit("the screen never got there")


class MeetingPage:
    """Stands in for the meeting's web page (the provider's server is not reachable here)."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<!doctype html><title>meeting</title><h1>meeting</h1>")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def chromium_mapped() -> bool:
    """Whether a visible Chromium window is on the display."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--class", "chromium"],
        capture_output=True,
        text=True,
    )
    return found.returncode == 0 and bool(found.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taps", type=int, default=20)
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-call-") as tmp:
        tmp = Path(tmp)
        feed = tmp / "feed.json"
        feed.write_text(json.dumps({"version": 1, "activities": []}))
        central = serve(feed, db_path=tmp / "central.db")
        page = MeetingPage()
        kiosk = replace(
            load_kiosk_config(), site="heggedal", data_dir=tmp / "data",
            sync_interval_minutes=24 * 60,
        )  # fmt: skip
        site = load_site("heggedal", kiosk.config_dir)
        app = build_app(build_services(kiosk, site, now=NOW), windowed=True)
        app._run_prepare()
        app.idle.clock = lambda: 0.0
        frames(30)
        home = app.manager.get_screen("home")

        taps = []
        for _ in range(args.taps):
            app.go_home()
            frames(3)
            taps.append(tap(home.ids.contact_button, lambda: app.manager.current == "call_topic"))
        print(f"tap_to_topic_screen_median: {statistics.median(taps) * 1000:.1f} ms")
        print(f"tap_to_topic_screen_max: {max(taps) * 1000:.1f} ms")

        flow = app.call_flow
        command = list(flow.config.browser.command)
        if os.geteuid() == 0:
            command.append("--no-sandbox")  # root cannot run Chromium's sandbox
        flow.launcher = BrowserLauncher(command, profile_root=tmp / "profiles", max_seconds=120)
        flow.config = replace(
            flow.config,
            provider=UrlTemplateProvider(f"{page.url}/{{room}}", f"{page.url}/host/{{room}}"),
        )
        flow.central_url = central.url
        windows = []
        for _ in range(args.calls):
            app.go_home()
            frames(3)
            flow.begin()
            frames(3)
            app.manager.current_screen.buttons["nav"].dispatch("on_release")
            frames(3)
            last = app.manager.current_screen.buttons["nb"]
            windows.append(tap(last, lambda: chromium_mapped(), timeout=20))
            flow.end_call()
            app.go_home()
            session = flow.session
            while not session.finished or (session.browser and not session.browser.wait(0)):
                frames()
            while chromium_mapped():
                frames()
        print(f"last_choice_to_browser_window_median: {statistics.median(windows):.2f} s")
        print(f"last_choice_to_browser_window_max: {max(windows):.2f} s")

        silent = socket.create_server(("127.0.0.1", 0))
        flow.central_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        fallbacks = []
        for _ in range(3):
            app.go_home()
            frames(3)
            flow.begin()
            frames(3)
            app.manager.current_screen.buttons["nav"].dispatch("on_release")
            frames(3)
            last = app.manager.current_screen.buttons["nb"]
            fallbacks.append(tap(last, lambda: app.manager.current == "contact", timeout=10))
        silent.close()
        print(f"last_choice_to_fallback_median: {statistics.median(fallbacks):.2f} s")
        print(f"last_choice_to_fallback_max: {max(fallbacks):.2f} s")
        app.sync.stop()
        app.stop()
        central.shutdown()


if __name__ == "__main__":
    main()
