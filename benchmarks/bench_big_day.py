"""Today with 50,000 activities on one day at one torg. Prints ``name: value unit`` lines.

Usage (needs a display): xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_big_day.py
[--runs 3] [--count 50000]

Each run is two kiosk processes (Kivy makes one window per process), each on its own data
folder synced beforehand from a feed served on 127.0.0.1, with the clock at 14:00:

- ``big``: a feed with ``--count`` activities on 2026-12-03 at Heggedal
  (``make_big_feed.py --one-day``);
- ``demo``: the embedded demo feed, for the memory comparison.

What each process measures, on a real window at 1920×1080 and 60 frames a second:

- first rows: from ``go("today")`` to the end of the first frame that shows Today's rows;
- the longest gap between two frames (``Clock.schedule_interval(…, 0)`` timestamps) while
  the screen refreshes: with the minute moving each time, with nothing changed, while the
  page buttons page down, during a sync that brings a changed feed (``sync``: the sync's
  thread and parser process run beside the screen) and in the refresh after it
  (``after_sync``); the idle gap on Home
  is the baseline. ``*_gap`` is the whole gap; ``*_block`` the gap less the buffer swaps
  in it, where software GL under Xvfb draws a changed frame: the time the UI thread was
  busy with the kiosk's own work (target: <= 50 ms);
- resident memory at the end (target: big <= 1.3 × demo).

The figures are medians over ``--runs`` runs. The machine's load (``uptime``) is printed too:
gaps mean little on a machine that is busy with something else.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from make_big_feed import make_feed  # noqa: E402

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import FeedConfig, load_kiosk_config, load_site  # noqa: E402

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=OSLO)
SITE = "heggedal"
RESULT = "bench-result: "
#: A gap counts as a frozen screen above this (three frames at 60 Hz).
TARGET_GAP_MS = 50


# -- the parent: data, server, runs -----------------------------------------------------------


def kiosk_config(data: Path, url: str):
    kiosk = replace(load_kiosk_config(), site=SITE, data_dir=data)
    # A long interval: the runs ask for their one sync themselves.
    kiosk = replace(kiosk, sync_interval_minutes=24 * 60, sync_jitter_seconds=0)
    return replace(kiosk, feed=FeedConfig(url=url, central_url="")) if url else kiosk


def presync(data: Path, url: str) -> None:
    from torg_kiosk.store.database import open_db
    from torg_kiosk.sync.pipeline import sync_all
    from torg_kiosk.sync.sources import sources_for

    kiosk = kiosk_config(data, url)
    db = open_db(data / "kiosk.db")
    results = sync_all(db, sources_for(kiosk, [load_site(SITE, kiosk.config_dir)]), now=NOW)
    db.close()
    assert all(result.ok for result in results), [result.line() for result in results]


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/feed.json"


def write_feeds(directory: Path, count: int) -> None:
    """original.json (served as feed.json) and a second version, changed.json (one title
    differs)."""
    document = make_feed(count, one_day_site=SITE)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (directory / "original.json").write_text(text, encoding="utf-8")
    document["activities"][0]["title"]["nb"] += " (endret)"
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (directory / "changed.json").write_text(text, encoding="utf-8")


def one_run(kind: str, data: Path, url: str, feed_dir: Path, env: dict) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--data", str(data), "--url", url,
               "--feed-dir", str(feed_dir)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    raise SystemExit(f"the {kind} run printed no result:\n{done.stdout}\n{done.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--child", choices=("big", "demo"))
    parser.add_argument("--data", type=Path)
    parser.add_argument("--url", default="")
    parser.add_argument("--feed-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.url, args.feed_dir)
        return
    print(f"load_before: {os.getloadavg()[0]:.2f} (1-minute load average)")
    with tempfile.TemporaryDirectory(prefix="bench-big-day-") as tmp:
        root = Path(tmp)
        feeds = root / "served"
        feeds.mkdir()
        write_feeds(feeds, args.count)
        server, url = serve(feeds)
        env = {**os.environ, "KIVY_HOME": str(root / "kivy-home"), "KIVY_NO_CONSOLELOG": "1",
               "KIVY_NO_ARGS": "1"}  # fmt: skip
        (root / "kivy-home").mkdir()
        runs: dict[str, list[dict]] = {"big": [], "demo": []}
        for number in range(args.runs):
            for kind in ("big", "demo"):
                data = root / f"{kind}-{number}"
                (feeds / "feed.json").write_bytes((feeds / "original.json").read_bytes())
                presync(data, url if kind == "big" else "")
                runs[kind].append(one_run(kind, data, url if kind == "big" else "", feeds, env))
        server.shutdown()

    def median(kind: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[kind])

    print(f"activities_that_day: {runs['big'][0]['rows']} count")
    keys = ["first_rows_ms"] + [
        f"{phase}_{kind}_ms"
        for phase in (
            "idle",
            "refresh_minute",
            "refresh_unchanged",
            "page_down",
            "sync",
            "after_sync",
        )
        for kind in ("gap", "block")
    ]
    for kind in ("big", "demo"):
        for key in keys:
            values = ", ".join(f"{run[key]:.0f}" for run in runs[kind])
            print(f"{kind}_{key.removesuffix('_ms')}: {median(kind, key):.0f} ms  (runs: {values})")
    big_rss, demo_rss = median("big", "rss_mb"), median("demo", "rss_mb")
    print(f"big_rss: {big_rss:.0f} MB")
    print(f"demo_rss: {demo_rss:.0f} MB")
    print(f"rss_ratio: {big_rss / demo_rss:.2f} (target <= 1.3)")
    print(f"target_gap: {TARGET_GAP_MS} ms")
    print(f"load_after: {os.getloadavg()[0]:.2f} (1-minute load average)")


# -- a child: one kiosk window ----------------------------------------------------------------


def child(kind: str, data: Path, url: str, feed_dir: Path) -> None:
    from torg_kiosk.ui.bootstrap import configure_kivy

    configure_kivy(windowed=True, size=(1920, 1080))
    import psutil
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.core.window import Window

    from torg_kiosk.services import build_app, build_services

    kiosk = kiosk_config(data, url)
    app = build_app(build_services(kiosk, load_site(SITE, kiosk.config_dir), now=NOW))
    moment = [NOW]
    app.now = lambda: moment[0]
    app._run_prepare()

    # Each frame: when the clock ran it, and how long the buffer swaps took since the frame
    # before. Under Xvfb the swap is where software GL draws a changed frame (over 100 ms at
    # 1920×1080 on this machine, whatever changed): that is drawing, not the kiosk's work,
    # so the gaps are given with and without it.
    stamps: list[tuple[float, float]] = []
    swaps = [0.0]
    swap = Window.flip

    def timed_swap() -> None:
        started = time.perf_counter()
        swap()
        swaps[0] += time.perf_counter() - started

    Window.flip = timed_swap

    def frame(_dt) -> None:
        stamps.append((time.perf_counter(), swaps[0]))
        swaps[0] = 0.0

    Clock.schedule_interval(frame, 0)

    def pump(seconds: float, until=None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            EventLoop.idle()
            if until is not None and until():
                return

    def gaps(action, seconds: float, until=None) -> tuple[float, float]:
        """Run ``action`` and the event loop for ``seconds`` (or ``until``): the longest frame
        gap, and the longest without the buffer swaps in it, in milliseconds."""
        pump(0.2)
        stamps.clear()
        action()
        pump(seconds, until)
        pump(0.3)
        pairs = list(itertools.pairwise(stamps))
        whole = max(b - a for (a, _), (b, _) in pairs)
        working = max(b - a - swapped for (a, _), (b, swapped) in pairs)
        return whole * 1000, working * 1000

    def longest(name: str, action, seconds: float, times: int = 1, until=None) -> None:
        measured = [gaps(action, seconds, until) for _ in range(times)]
        result[f"{name}_gap_ms"] = max(whole for whole, _ in measured)
        result[f"{name}_block_ms"] = max(working for _, working in measured)

    def waited(condition, what: str, seconds: float = 120) -> None:
        pump(seconds, condition)
        if not condition():
            raise SystemExit(f"{kind}: gave up waiting for {what}")

    waited(lambda: app.schedule and app.status_text.startswith("Oppdatert"), "the data")
    waited(lambda: app.sync is not None and app.sync.runs >= 1, "the first sync")
    pump(1.0)
    result: dict[str, float] = {}
    longest("idle", lambda: None, 2.0)

    today = app.manager.get_screen("today")
    rv = today.ids.rows

    def rows_on_screen() -> bool:
        return bool(rv.data) and bool(rv.layout_manager.view_indices)

    started = time.perf_counter()
    app.go("today")
    waited(rows_on_screen, "Today's rows")
    result["first_rows_ms"] = (time.perf_counter() - started) * 1000
    pump(2.0)
    result["rows"] = today_count(app)

    def next_minute() -> None:
        moment[0] += timedelta(minutes=1)
        app._refresh_trigger()

    longest("refresh_minute", next_minute, 1.0, times=6)
    longest("refresh_unchanged", app._refresh_trigger, 1.0, times=6)
    longest("page_down", today.ids.paged.page_down, 0.4, times=8)

    def changed_sync() -> None:
        if url:
            served = feed_dir / "feed.json"
            served.write_bytes((feed_dir / "changed.json").read_bytes())
            later = time.time() + 10  # the server's Last-Modified must move on
            os.utime(served, (later, later))
        app.sync.sync_soon()

    runs = app.sync.runs
    synced = lambda: app.sync.runs > runs and not app.sync.busy.is_set()  # noqa: E731
    # The sync (its thread and parser process beside the screen), then two seconds for the
    # refresh it triggers, each on its own.
    longest("sync", changed_sync, 60, until=synced)
    longest("after_sync", lambda: None, 2.0)
    result["rss_mb"] = psutil.Process().memory_info().rss / 2**20
    print(RESULT + json.dumps(result), flush=True)
    app.sync.stop()
    app.stop()


def today_count(app) -> int:
    """How many activities Today lists (asked of the store, not of the screen)."""
    schedule = app.schedule
    counting = getattr(schedule, "day_list", None)
    if counting is not None:
        return counting(app.site.id, NOW.date()).count()
    return len(schedule.today(app.site.id, NOW))


if __name__ == "__main__":
    main()
