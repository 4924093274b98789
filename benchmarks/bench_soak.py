"""Soak: the real app through a day and a half of accelerated kiosk life. Prints ``name: value
unit`` lines: RSS at start and end, file descriptors, threads, errors, and what happened.

Usage (needs a display):
    xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_soak.py [--minutes 30]

The real app (services, screens, the sync loop, the heartbeat, the visual watchdog and
pictures of Home, resting) runs against the reference central server on 127.0.0.1 (the demo
feed, the uploads). Its clock runs ``--speed`` times faster than real time (60: 30 minutes
are 30 hours, Thursday 07:00 to Friday 13:00, so the torg opens, closes and opens again).
Visitors come in bursts while it is open: taps from Home to Today to an activity and back,
language switches, large text; between bursts the privacy timer resets the screen (real
time). A sync every simulated 15 minutes, a heartbeat every simulated 5 minutes, a look and
a picture of Home every simulated minute, a check-in in the outbox every simulated 10
minutes while open; after closing the screen rests, a touch wakes it, it rests again.

Not here: a video call (the call's browser is another branch's) and the check-in desk
(check-ins are written to the outbox as the desk would). ``errors`` counts log records at
ERROR and above and exceptions in the driver after the warm-up (``warmup_errors`` before it:
on a machine without a sound card Kivy's mixer fails once there); the first RSS is taken
after the warm-up (the first sync, every screen built, every language, large text, the idle
warning, a heartbeat, a rest and a wake). ``# minute N`` lines trace RSS and descriptors.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-soak-kivy-"))
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_LOG_MODE"] = "PYTHON"

from torg_kiosk.ui.bootstrap import configure_kivy  # noqa: E402

configure_kivy(windowed=True, size=(1920, 1080))

from kivy.base import EventLoop  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import FeedConfig, load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.domain.i18n import CODES  # noqa: E402
from torg_kiosk.services import build_app, build_services, sync_loop  # noqa: E402
from torg_kiosk.store.outbox import Outbox  # noqa: E402
from torg_kiosk.sync.heartbeat import Heartbeat  # noqa: E402
from torg_kiosk.sync.heartbeat_loop import HeartbeatLoop  # noqa: E402

SIM_START = datetime(2026, 12, 3, 7, 0, tzinfo=OSLO)
DEMO_FEED = REPO_ROOT / "torg_kiosk/assets/demo/feed.json"


class SimClock:
    """Oslo time running ``speed`` times faster than the monotonic clock."""

    def __init__(self, speed: float):
        self.speed = speed
        self.started = time.monotonic()

    def seconds(self) -> float:
        return (time.monotonic() - self.started) * self.speed

    def __call__(self) -> datetime:
        return SIM_START + timedelta(seconds=self.seconds())

    def utc(self) -> datetime:
        return self().astimezone(UTC)


class Central:
    """The reference central server in a process of its own, so the kiosk's figures are the
    kiosk's alone."""

    def __init__(self, folder: Path):
        self.db_path = folder / "central.db"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "torg_central.devserver", "--feed", str(DEMO_FEED),
             "--db", str(self.db_path), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        for line in self.process.stdout:
            found = re.search(r"at (http://127\.0\.0\.1:\d+)/feed\.json", line)
            if found:
                self.url = found.group(1)
                break
        else:
            raise SystemExit("the reference server did not start")

    def heartbeats(self) -> int:
        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            return db.execute("SELECT count(*) FROM uploads WHERE kind = 'heartbeats'").fetchone()[
                0
            ]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class ErrorCount(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()[:300]}")


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def fd_targets() -> list[str]:
    targets = []
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            targets.append(os.readlink(f"/proc/self/fd/{name}"))
    return sorted(targets)


def threads() -> int:
    return threading.active_count()


def frames(count: int = 1) -> None:
    for _ in range(count):
        EventLoop.idle()


def tap(widget) -> None:
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames(1)
    touch.touch_up()
    frames(2)


class Life:
    """What happens to the kiosk, step by step."""

    def __init__(self, app, clock: SimClock, outbox: Outbox):
        self.app = app
        self.clock = clock
        self.outbox = outbox
        self.counts = dict.fromkeys(
            ("syncs", "taps", "languages", "large_text", "checkins", "rests", "wakes",
             "looks"), 0,
        )  # fmt: skip
        self._next = {"sync": 15 * 60, "look": 60, "checkin": 10 * 60, "visitor": 120}
        self._was_resting = False

    def due(self, what: str, every: float) -> bool:
        now = self.clock.seconds()
        if now < self._next[what]:
            return False
        self._next[what] = now + every
        return True

    def step(self) -> None:
        app = self.app
        if self.due("sync", 15 * 60):
            app.sync.sync_soon()
            self.counts["syncs"] += 1
        if self.due("look", 60):
            app.health.look_now(picture=True)
            self.counts["looks"] += 1
        app.resting.check()
        resting = app.resting.resting
        if resting and not self._was_resting:
            self.counts["rests"] += 1
        self._was_resting = resting
        is_open = not resting and 8 <= self.clock().hour < 16
        if is_open and self.due("checkin", 10 * 60):
            self.outbox.add("checkin", {"ticket": f"T-{self.counts['checkins']}"},
                            now=self.clock.utc())  # fmt: skip
            self.counts["checkins"] += 1
        if self.due("visitor", random.uniform(90, 400)):
            self.visit(resting)

    def visit(self, resting: bool) -> None:
        app = self.app
        if resting:
            tap(app.resting.page)  # wakes it; it rests again after idle
            self.counts["wakes"] += 1
            self.counts["taps"] += 1
            return
        home = app.manager.get_screen("home")
        app.go_home()
        frames(2)
        tap(home.ids.today_button)
        self.counts["taps"] += 1
        rows = app.manager.get_screen("today").ids.rows.layout_manager.children
        if rows:
            tap(rows[-1])
            self.counts["taps"] += 1
        if random.random() < 0.4:
            app.choose_language(random.choice(CODES))
            self.counts["languages"] += 1
        if random.random() < 0.3:
            app.toggle_large_text()
            self.counts["large_text"] += 1
        frames(2)
        # The visitor walks away: the privacy timer (real time) sends it home and resets.


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30, help="real minutes to run")
    parser.add_argument("--speed", type=float, default=60, help="simulated seconds per second")
    args = parser.parse_args()
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.INFO)
    random.seed(11)

    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        data = Path(tmp) / "data"
        central = Central(Path(tmp))
        kiosk = replace(
            load_kiosk_config(), site="heggedal", data_dir=data,
            feed=FeedConfig(url=f"{central.url}/feed.json", central_url=central.url),
            sync_interval_minutes=24 * 60,  # the soak asks for each sync itself
        )  # fmt: skip
        site = load_site("heggedal", kiosk.config_dir)
        clock = SimClock(args.speed)
        services = build_services(kiosk, site)
        heartbeat = HeartbeatLoop(
            lambda: Heartbeat(central_url=central.url, site=site.id, data_dir=data,
                              board=services.board, kiosk="soak-1", wall=clock.utc,
                              monotonic=clock.seconds),
            interval_seconds=5 * 60 / args.speed, jitter_seconds=0,
        )  # fmt: skip
        services = replace(services, clock=clock, sync=sync_loop(kiosk, site, clock),
                           heartbeat=heartbeat)  # fmt: skip
        app = build_app(services, windowed=True)
        app._run_prepare()
        outbox = Outbox.open(data / "outbox.db")
        life = Life(app, clock, outbox)

        warm_until = time.monotonic() + 20
        while time.monotonic() < warm_until or app.schedule is None:
            frames(1)
        # Every language, large text and a visit, so fonts and text caches are warm …
        for language in (*CODES, "nb"):
            app.choose_language(language)
            frames(2)
        for _ in range(2):
            app.toggle_large_text()
            frames(2)
        life.visit(resting=False)
        app.go_home()
        app.idle._show_warning()  # the privacy timer's popup, as after a visitor
        frames(3)
        app.idle.more_time()
        frames(3)
        # … and a rest and a wake, so every thread the app makes on first use exists.
        app.resting.rest(None)
        frames(2)
        app.resting.wake("warm-up")
        app.resting.last_touch = None
        app.health.look_now(picture=True)
        frames(10)

        rss_start, fds_start, threads_start = rss_mb(), fds(), threads()
        warmup_errors, warmup_first = errors.count, list(errors.first)
        errors.count, errors.first = 0, []
        targets_start = fd_targets()
        driver_errors = 0
        started = time.monotonic()
        ends = started + args.minutes * 60
        next_report = started + 60
        while time.monotonic() < ends:
            if time.monotonic() >= next_report:
                minute = round((next_report - started) / 60)
                print(f"# minute {minute}: rss {rss_mb():.1f} MB, fds {fds()}, "
                      f"errors {errors.count + driver_errors}", flush=True)  # fmt: skip
                next_report += 60
            try:
                life.step()
                frames(1)
            except Exception as error:  # counted, and the soak goes on
                driver_errors += 1
                if driver_errors <= 3:
                    print(f"driver error: {error!r}", file=sys.stderr)
        frames(10)
        rss_end, fds_end, threads_end = rss_mb(), fds(), threads()
        targets_end = fd_targets()
        beats = central.heartbeats()
        pictures = services.board.read().picture

        print(f"real_minutes: {args.minutes:g} min")
        print(f"simulated_hours: {clock.seconds() / 3600:.1f} h")
        print(f"rss_start: {rss_start:.1f} MB")
        print(f"rss_end: {rss_end:.1f} MB")
        print(f"rss_growth: {rss_end - rss_start:.1f} MB")
        print(f"fds_start: {fds_start} fds")
        print(f"fds_end: {fds_end} fds")
        print(f"threads_start: {threads_start} threads")
        print(f"threads_end: {threads_end} threads")
        print(f"errors: {errors.count + driver_errors} errors")
        for name, value in life.counts.items():
            print(f"{name}: {value} times")
        print(f"heartbeats_received: {beats} heartbeats")
        print(f"home_picture_bytes: {len(pictures.jpeg) if pictures else 0} bytes")
        print(f"warmup_errors: {warmup_errors} errors")
        for line in errors.first:
            print(f"# error: {line}")
        for line in warmup_first:
            print(f"# warm-up error: {line}")
        if fds_end != fds_start:
            from collections import Counter

            grown = Counter(targets_end) - Counter(targets_start)
            print(f"# new descriptors: {sorted(grown.items())[:10]}")
        sys.stdout.flush()
        app.stop()
        app.on_stop()
        outbox.close()
        central.stop()


if __name__ == "__main__":
    main()
