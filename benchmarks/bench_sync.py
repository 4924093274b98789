"""Benchmark the sync on a 100,000-activity feed. Prints one ``name: value unit`` line each.

Usage: python benchmarks/bench_sync.py [--count 100000] [--workdir DIR]

- full sync of the generated feed, served by the reference server, into an empty database,
  with ``sync_all`` in a fresh subprocess (so its peak memory is its own ru_maxrss), side by
  side with ``sqlite-utils insert bench.db activities activities.json --pk id`` of the same
  records. Both are timed as whole subprocesses (interpreter start included, on both sides);
  ``ratio`` is ours / theirs (target <= 0.5).
- re-sync of the unchanged feed (a 304): median of 5, and proof that nothing was written.
- Schedule.today at one site on the 100k database: median of 200 runs.
- peak memory of the 100k sync (target <= 250 MB).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.make_big_feed import write_feed  # noqa: E402
from torg_kiosk.store.records import OSLO  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
SITE = "holmen"


def child_sync(db_path: str, url: str) -> None:
    """Run in the subprocess: one full sync_all, then report time and peak memory as JSON."""
    from torg_kiosk.store.snapshots import open_db
    from torg_kiosk.sync.pipeline import Source, sync_all

    db = open_db(db_path)
    started = time.perf_counter()
    results = sync_all(db, [Source("central", "feed", url)], now=NOW)
    elapsed = time.perf_counter() - started
    from torg_kiosk.sync import subprocess_parse

    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_mb": peak_rss_mb(),
                "parser_peak_mb": subprocess_parse.last_child_peak_mb,
                "line": results[0].line(),
            }
        )
    )


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM).

    Not ru_maxrss: Linux carries that across fork and execve, so a child would report its
    parent's peak when the parent was bigger (as this benchmark's parent is).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stdout


def table_state(db) -> tuple[int, str | None, int]:
    from torg_kiosk.store.snapshots import source_status

    status = source_status(db, "central") or {}
    count = db.execute("SELECT count(*) FROM activities").fetchone()[0]
    occurrences = db.execute("SELECT count(*) FROM occurrences").fetchone()[0]
    return count, status.get("last_change"), occurrences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-sync-"))
    workdir.mkdir(parents=True, exist_ok=True)

    from torg_central.devserver import serve
    from torg_kiosk.store.schedule import Schedule
    from torg_kiosk.store.snapshots import open_db
    from torg_kiosk.sync.pipeline import Source, sync_source

    feed_path = write_feed(workdir / "feed.json", args.count)
    activities_path = workdir / "activities.json"
    document = json.loads(feed_path.read_text(encoding="utf-8"))
    activities_path.write_text(json.dumps(document["activities"], ensure_ascii=False))
    del document
    db_path = workdir / "kiosk.db"
    theirs_db = workdir / "bench.db"
    for path in (db_path, theirs_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"feed_size: {feed_path.stat().st_size / 1e6:.1f} MB")

    with serve(feed_path, db_path=workdir / "central.db") as server:
        url = server.url + "/feed.json"
        # Like a real central server, the reference server prepares (hashes and gzips) a feed
        # once per change; warm it so the timing is the kiosk's, not the server's first gzip.
        requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=120)
        ours, out = timed([sys.executable, __file__, "--child-sync", str(db_path), url])
        report = json.loads(out.strip().splitlines()[-1])
        # The sqlite-utils of this same environment, not whichever one is first on PATH.
        theirs, _ = timed(
            [sys.executable, "-m", "sqlite_utils", "insert", str(theirs_db), "activities",
             str(activities_path), "--pk", "id"]
        )  # fmt: skip
        print(f"# {report['line']}")
        print(f"full_sync: {ours:.2f} s")
        print(f"full_sync_inside_child: {report['seconds']:.2f} s")
        print(f"sqlite_utils_insert: {theirs:.2f} s")
        print(f"ratio: {ours / theirs:.2f}")
        # What the reference server alone costs, so the kiosk's own share can be read off.
        started = time.perf_counter()
        served = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=60)
        print(f"server_full_transfer: {time.perf_counter() - started:.2f} s")
        etag = served.headers["ETag"]
        roundtrips = []
        for _ in range(5):
            started = time.perf_counter()
            requests.get(url, headers={"If-None-Match": etag}, timeout=60)
            roundtrips.append((time.perf_counter() - started) * 1000)
        print(f"server_304_roundtrip: {statistics.median(roundtrips):.1f} ms")

        db = open_db(db_path)
        before = table_state(db)
        resync_ms = []
        for _ in range(5):
            started = time.perf_counter()
            result = sync_source(db, Source("central", "feed", url), now=NOW)
            resync_ms.append((time.perf_counter() - started) * 1000)
            assert result.outcome == "unchanged", result.line()
        after = table_state(db)
        db.conn.close()
    print(f"resync_304: {statistics.median(resync_ms):.1f} ms")
    changed = abs(after[0] - before[0]) + abs(after[2] - before[2])
    print(f"resync_writes: {changed} rows")
    print(f"resync_last_change_moved: {'yes' if after[1] != before[1] else 'no'}")

    schedule = Schedule.open(db_path)
    items = schedule.today(SITE, NOW)
    query_ms = []
    for _ in range(200):
        started = time.perf_counter()
        schedule.today(SITE, NOW)
        query_ms.append((time.perf_counter() - started) * 1000)
    schedule.close()
    print(f"today_query: {statistics.median(query_ms):.2f} ms ({len(items)} items)")
    print(f"peak_memory: {report['peak_mb']:.0f} MB")
    if report.get("parser_peak_mb"):
        # A big feed is parsed in a second process; it has its own, separate peak.
        print(f"peak_memory_parser_process: {report['parser_peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-sync":
        child_sync(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(main())
