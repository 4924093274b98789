"""Benchmark one pathological repeat rule against the demo feed. Prints ``name: value unit``.

Usage: python benchmarks/bench_pathological_rule.py [--runs 15] [--workdir DIR]

The demo feed, and the demo feed plus one activity with ``FREQ=SECONDLY`` starting in 2000,
are each synced (``sync_source`` on a local file, the whole pipeline: read, parse, expand,
store) into a fresh SQLite database ``--runs`` times, taking turns; the medians are printed,
and ``ratio`` is the second over the first (target <= 2). Before the limit on rules, the
second sync did not finish in 150 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import demo_feed_path  # noqa: E402
from torg_kiosk.store.snapshots import open_db  # noqa: E402
from torg_kiosk.sync.pipeline import Source, sync_source  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
SECONDLY_FROM_2000 = {
    "id": "bench-secondly-from-2000",
    "site": "asker-sentrum",
    "title": {"nb": "Hvert sekund", "en": "Every second"},
    "category": "other",
    "start": "2000-01-03T10:00:00+01:00",
    "end": "2000-01-03T10:00:01+01:00",
    "rrule": "FREQ=SECONDLY",
    "status": "scheduled",
}


def sync_ms(feed: Path, workdir: Path) -> tuple[float, str]:
    """The wall time of one sync of ``feed`` into a new database, and its result line."""
    db = open_db(Path(tempfile.mkdtemp(dir=workdir)) / "kiosk.db")
    try:
        started = time.perf_counter()
        result = sync_source(db, Source("central", "feed", str(feed)), now=NOW)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        db.conn.close()
    if result.outcome != "updated":
        raise SystemExit(f"{feed.name}: the sync did not store the feed: {result.line()}")
    return elapsed, result.line()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    # The skipped record's warning is the point of the rule, not of the figures.
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        normal = workdir / "demo.json"
        normal.write_bytes(demo_feed_path().read_bytes())
        document = json.loads(normal.read_text(encoding="utf-8"))
        document["activities"].append(SECONDLY_FROM_2000)
        secondly = workdir / "demo-with-secondly.json"
        secondly.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

        sync_ms(normal, workdir)  # warm the imports and the schema validator
        normal_times, secondly_times = [], []
        for _ in range(args.runs):  # interleaved, so a busy moment hits both sides
            elapsed, normal_line = sync_ms(normal, workdir)
            normal_times.append(elapsed)
            elapsed, secondly_line = sync_ms(secondly, workdir)
            secondly_times.append(elapsed)
        normal_ms = statistics.median(normal_times)
        secondly_ms = statistics.median(secondly_times)
    print(f"# demo:          {normal_line}")
    print(f"# with SECONDLY: {secondly_line}")
    print(f"sync_normal: {normal_ms:.1f} ms")
    print(f"sync_with_secondly_rule: {secondly_ms:.1f} ms")
    print(f"ratio: {secondly_ms / normal_ms:.2f}")


if __name__ == "__main__":
    main()
