"""Scanner keystrokes to the green screen, through the real Kivy window (run under Xvfb).

Usage: xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_checkin_ui.py WORKDIR [N]

Started by benchmarks/bench_checkin.py. The kiosk runs on the demo feed at Heggedal at a
pinned 2026-12-03 10:15, in staff mode at Strikkekafé (no capacity: all 100 get in). Each of
100 valid tickets is typed into the window as key events, then Enter; the time runs from
that Enter (the scan is complete: a scanner types the 120 characters in about 0.2-1 s
whatever the kiosk does) to the first frame that shows the verdict, after the durable write.
Prints ``scan_to_screen_median`` and ``scan_to_screen_p90``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-kivy-"))
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from torg_kiosk.ui.bootstrap import configure_kivy  # noqa: E402

configure_kivy(windowed=True, size=(1920, 1080))

from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.domain.tickets import demo_signing_key, issue_ticket  # noqa: E402
from torg_kiosk.services import build_app, build_services  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
SCANS = 100


def frames_until(condition, timeout: float = 30.0, what=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting ({what()})")
        EventLoop.idle()


def main(workdir: str, scans: str = str(SCANS)) -> None:
    for old in Path(workdir).glob("outbox.db*"):
        old.unlink()  # a fresh outbox each run: every ticket is new to it
    config = replace(load_kiosk_config(), site="heggedal", data_dir=Path(workdir))
    app = build_app(build_services(config, load_site("heggedal"), now=NOW), windowed=True)
    app._run_prepare()
    frames_until(lambda: app.schedule is not None and app.staff is not None)
    staff = app.staff
    staff.enter()  # past the PIN: its scrypt is not what is measured here
    frames_until(lambda: staff.material is not None and staff.material.doors)
    door = next(d for d in staff.material.doors if d.activity_id == "heggedal-strikkekafe")
    screen = app.manager.get_screen("staff_scan")
    screen.open_door(door)
    frames_until(lambda: app.manager.current == "staff_scan")
    for _ in range(5):  # the screen listens for keys once it has entered
        EventLoop.idle()
    key = demo_signing_key()
    times = []
    for number in range(int(scans)):
        token = issue_ticket(key, activity_id=door.activity_id, site="heggedal",
                             day=date(2026, 12, 3), number=0x5000 + number)  # fmt: skip
        screen.last_timing = None
        for char in token:
            Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
        Window.dispatch("on_key_down", 13, 40, None, [])
        frames_until(lambda: screen.last_timing is not None, what=lambda: screen.reason)
        assert screen.tone == "green", screen.reason
        started, shown = screen.last_timing
        times.append((shown - started) * 1000)
        screen.dismiss()
        EventLoop.idle()
    times.sort()
    print(f"scan_to_screen_median: {statistics.median(times):.1f} ms")
    print(f"scan_to_screen_p90: {times[int(0.9 * len(times))]:.1f} ms")
    app.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
