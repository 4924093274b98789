"""Touch latency and memory over many screen changes. Prints ``name: value unit`` lines.

Usage (needs a display): xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_ui.py

- tap latency: a real touch (down, up) on *Dagens aktiviteter* / *Hjem*, timed from the touch
  up to the end of the first frame that shows the new screen; median of 200 taps.
- memory growth over 5,000 cycles Home → Today → Activity → Home: the clock ticks after
  each step and a frame is drawn every 20th cycle (no sleeps); RSS after minus RSS before,
  after a warm-up of 100 cycles.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-ui-kivy-"))
os.environ["KIVY_NO_CONSOLELOG"] = "1"

from torg_kiosk.ui.bootstrap import configure_kivy  # noqa: E402

configure_kivy(windowed=True, size=(1920, 1080))
from kivy.config import Config  # noqa: E402

Config.set("graphics", "maxfps", "0")  # no frame-rate sleep between the clock's ticks

from kivy.base import EventLoop  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.services import build_app, build_services  # noqa: E402
from torg_kiosk.store.database import open_db  # noqa: E402
from torg_kiosk.sync.pipeline import sync_all  # noqa: E402
from torg_kiosk.sync.sources import sources_for  # noqa: E402
from torg_kiosk.ui.app import KioskApp  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
#: Draw a real frame every this many cycles (software GL frames cost ~50 ms each).
DRAW_EVERY = 20


def start_app(data: Path) -> KioskApp:
    kiosk = replace(load_kiosk_config(), site="heggedal", data_dir=data)
    site = load_site("heggedal", kiosk.config_dir)
    db = open_db(data / "kiosk.db")
    sync_all(db, sources_for(kiosk, [site]), now=NOW)
    db.close()
    # A long interval: the benchmark measures the screen, not a sync running beside it.
    kiosk = replace(kiosk, sync_interval_minutes=24 * 60)
    app = build_app(build_services(kiosk, site, now=NOW), windowed=True)
    app._run_prepare()
    deadline = time.monotonic() + 30
    while not (app.schedule and app.status_text.startswith("Oppdatert")):
        EventLoop.idle()
        if time.monotonic() > deadline:
            raise SystemExit("the app did not show its data within 30 s")
    for _ in range(10):
        EventLoop.idle()
    return app


def tap_latency(app: KioskApp, widget, target: str) -> float:
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    EventLoop.idle()
    started = time.perf_counter()
    touch.touch_up()
    for _ in range(100):
        EventLoop.idle()  # input, clock, draw and flip of one frame
        if app.manager.current == target:
            return time.perf_counter() - started
    raise SystemExit(f"tapping never showed {target}")


def cycle(app: KioskApp, key: str, draw: bool) -> None:
    """One visit. The clock runs each step (layout, refresh triggers); a full software-GL
    frame is drawn only when ``draw``, so 5,000 cycles fit in minutes."""
    for step in (lambda: app.go("today"), lambda: app.show_activity(key), app.go_home):
        step()
        Clock.tick()
    if draw:
        EventLoop.idle()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=5000)
    parser.add_argument("--taps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        app = start_app(Path(tmp) / "data")
        home = app.manager.get_screen("home")
        today = app.manager.get_screen("today")
        latencies = []
        for _ in range(args.taps // 2):
            latencies.append(tap_latency(app, home.ids.today_button, "today"))
            latencies.append(tap_latency(app, today.ids.bar.ids.home_button, "home"))
        print(f"tap_to_next_screen_median: {statistics.median(latencies) * 1000:.1f} ms")
        print(f"tap_to_next_screen_max: {max(latencies) * 1000:.1f} ms")

        app.go("today")
        EventLoop.idle()
        while today.loading or not today.ids.rows.data:  # Today reads on its own thread
            EventLoop.idle()
        key = today.ids.rows.data[0]["key"]  # a real activity, so its screen has a QR code
        app.go_home()
        process = psutil.Process()
        for number in range(100):
            cycle(app, key, draw=number % DRAW_EVERY == 0)
        before = process.memory_info().rss
        started = time.perf_counter()
        for number in range(args.cycles):
            cycle(app, key, draw=number % DRAW_EVERY == 0)
        seconds = time.perf_counter() - started
        after = process.memory_info().rss
        print(f"cycles: {args.cycles} count")
        print(f"cycles_time: {seconds:.1f} s")
        print(f"rss_before: {before / 2**20:.1f} MB")
        print(f"rss_after: {after / 2**20:.1f} MB")
        print(f"rss_growth: {(after - before) / 2**20:.1f} MB")
        app.sync.stop()
        app.stop()


if __name__ == "__main__":
    main()
