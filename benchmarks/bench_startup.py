"""Start-up of torg-kiosk vs a minimal Kivy app. Prints ``name: value unit`` lines.

Usage (needs a display): xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_startup.py
[--runs 5]

- time from process start to the first drawn frame: ``torg-kiosk --site heggedal`` on the demo
  feed with a data folder synced beforehand, and a one-Label Kivy app, both as whole
  subprocesses (interpreter start included); medians of --runs runs each; ratio (target <= 1.5).
- resident memory one second after that first frame, both sides; ratio (target <= 1.5).

Each side prints a marker on its first ``on_flip``; the kiosk does so when TORG_KIOSK_BENCH=1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.store.database import open_db  # noqa: E402
from torg_kiosk.sync.pipeline import sync_all  # noqa: E402
from torg_kiosk.sync.sources import sources_for  # noqa: E402

RUNS = 5
MARKER = "first frame"
NOW = "2026-12-03T10:15"

MINIMAL_APP = f"""
import os
os.environ["KIVY_NO_ARGS"] = "1"
from kivy.config import Config
Config.set("graphics", "width", "1920")
Config.set("graphics", "height", "1080")
from kivy.app import App
from kivy.core.window import Window
from kivy.uix.label import Label

def first(*_args):
    Window.unbind(on_flip=first)
    print("minimal: {MARKER}", flush=True)

class Minimal(App):
    def build(self):
        Window.bind(on_flip=first)
        return Label(text="Hei")

Minimal().run()
"""


def presynced_data_dir(root: Path) -> Path:
    data = root / "data"
    kiosk = replace(load_kiosk_config(), site="heggedal", data_dir=data)
    db = open_db(data / "kiosk.db")
    now = datetime.fromisoformat(NOW).replace(tzinfo=OSLO)
    sync_all(db, sources_for(kiosk, [load_site("heggedal", kiosk.config_dir)]), now=now)
    db.close()
    return data


def one_run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds to the first frame, RSS one second later)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for line in process.stdout:
            if MARKER in line:
                elapsed = time.perf_counter() - started
                break
        else:
            raise SystemExit(f"{command[:3]} exited without drawing a frame")
        time.sleep(1.0)
        rss = psutil.Process(process.pid).memory_info().rss
    finally:
        process.kill()
        process.wait()
    return elapsed, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per side (the median counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        root = Path(tmp)
        data = presynced_data_dir(root)
        env = {
            **os.environ,
            "KIVY_HOME": str(root / "kivy-home"),
            "KIVY_NO_CONSOLELOG": "1",
            "TORG_KIOSK_BENCH": "1",
        }
        (root / "kivy-home").mkdir()
        kiosk = [
            sys.executable,
            "-m",
            "torg_kiosk",
            "--site",
            "heggedal",
            "--windowed",
            "--size",
            "1920x1080",
            "--now",
            NOW,
            "--data",
            str(data),
        ]
        # A file, not -c: Kivy's App looks up the source file of its class.
        minimal_file = root / "minimal_app.py"
        minimal_file.write_text(MINIMAL_APP)
        minimal = [sys.executable, str(minimal_file)]
        # One warm-up each, so the page cache is equally warm for both sides.
        one_run(kiosk, env)
        one_run(minimal, env)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(one_run(kiosk, env))
            theirs.append(one_run(minimal, env))

    ours_time = statistics.median(t for t, _ in ours)
    theirs_time = statistics.median(t for t, _ in theirs)
    ours_rss = statistics.median(r for _, r in ours) / 2**20
    theirs_rss = statistics.median(r for _, r in theirs) / 2**20
    print(f"kiosk_first_frame: {ours_time * 1000:.0f} ms")
    print(f"minimal_first_frame: {theirs_time * 1000:.0f} ms")
    print(f"ratio: {ours_time / theirs_time:.2f}")
    print(f"kiosk_rss_after_first_frame: {ours_rss:.1f} MB")
    print(f"minimal_rss_after_first_frame: {theirs_rss:.1f} MB")
    print(f"rss_ratio: {ours_rss / theirs_rss:.2f}")


if __name__ == "__main__":
    main()
