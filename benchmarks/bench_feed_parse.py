"""Walk the activities of a big feed: feed_v1's own cursor against ijson's C backend.

Usage: python benchmarks/bench_feed_parse.py [--counts 30000 100000] [--runs 3] [--workdir DIR]

For each feed size (made by ``make_big_feed.py``) and each way of walking it, a fresh
subprocess reads the feed into one ``bytes`` object (as the fetch hands it over), then walks
every activity and drops it. Each child reports the peak RSS (VmHWM) of its first walk, with
the RSS before it so the walk's own share can be read off, and the fastest of three walks in
wall and in CPU time (CPU time is the steadier figure on a machine shared with other work);
a second child of each kind runs one walk under tracemalloc for the peak of Python
allocations. The ways take turns, ``--runs`` rounds; the medians are printed as
``name: value unit`` lines, then the ratios ijson / cursor.

Needs ijson, which the kiosk itself does not: ``.venv/bin/pip install -e '.[bench]'``.

The ways of walking:

- ``cursor``: ``feed_v1._Cursor`` as ``iter_feed`` uses it: each activity as a Python
  value *and* its JSON text exactly as the feed has it (the store keeps that text as the
  activity's document).
- ``ijson``: ``ijson.items(f, "activities.item", use_float=True)`` with the yajl2_c backend:
  values only.
- ``ijson_with_doc``: the same, plus ``orjson.dumps`` of each activity, which a parser built
  on ijson would need to give the store the document text the cursor gets for free.
- ``ijson_whole_feed``: what replacing the cursor would really take. ``iter_feed`` reads the
  whole document in one pass, its sections in any order (the version may come last), and
  ``ijson.items`` gives one prefix per pass; one pass over every section means ijson's event
  stream (``ijson.parse``, still the C backend) dispatched and built up in Python.

Only the walk is measured: no schema validation, no recurrence, no store.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.make_big_feed import write_feed  # noqa: E402

#: Walks per child; the time is the fastest, the memory that of the first.
REPEATS = 3
WAYS = ("cursor", "ijson", "ijson_with_doc", "ijson_whole_feed")


def walk_with_cursor(data: bytes) -> int:
    """Every activity, with its text, through the cursor that iter_feed uses."""
    from torg_kiosk.sync.formats.feed_v1 import _Cursor

    cursor = _Cursor(data)
    cursor.expect("{")
    count = 0
    while True:
        key = cursor.value()
        cursor.expect(":")
        if key == "activities":
            for _item, _text in cursor.items():
                count += 1
        else:
            cursor.value()
        if cursor.peek() == "}":
            return count
        cursor.expect(",")


def walk_with_ijson(data: bytes, *, with_doc: bool = False) -> int:
    import ijson
    import orjson

    if ijson.backend != "yajl2_c":
        raise SystemExit(f"ijson runs on its {ijson.backend} backend, not yajl2_c.")
    count = 0
    for item in ijson.items(io.BytesIO(data), "activities.item", use_float=True):
        if with_doc:
            orjson.dumps(item)
        count += 1
    return count


def walk_whole_feed_with_ijson(data: bytes) -> int:
    """Every top-level section in one pass: activities one at a time, the rest whole."""
    import ijson

    count = 0
    builder, building = None, ""
    scalars = {}
    for prefix, event, value in ijson.parse(io.BytesIO(data), use_float=True):
        if builder is not None:
            builder.event(event, value)
            if prefix == building and event in ("end_map", "end_array"):
                if building == "activities.item":
                    count += 1
                builder = None
        elif prefix == "activities.item" or (
            prefix not in ("", "activities") and "." not in prefix
        ):
            if event in ("start_map", "start_array"):
                builder, building = ijson.ObjectBuilder(), prefix
                builder.event(event, value)
            else:
                scalars[prefix] = value  # version, generated_at
    return count


def vm_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"/proc/self/status has no {field}; this benchmark needs Linux.")


def child(way: str, feed: Path, traced: bool) -> None:
    """In the subprocess: one walk, then one JSON line with what it cost."""
    import ijson  # noqa: F401  (imported before the baseline, as the cursor's module is)

    import torg_kiosk.sync.formats.feed_v1  # noqa: F401

    walk = {
        "cursor": walk_with_cursor,
        "ijson": walk_with_ijson,
        "ijson_with_doc": lambda data: walk_with_ijson(data, with_doc=True),
        "ijson_whole_feed": walk_whole_feed_with_ijson,
    }[way]
    data = feed.read_bytes()
    before_kb = vm_kb("VmRSS")
    if traced:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    count = walk(data)
    walls, cpus = [time.perf_counter() - wall], [time.process_time() - cpu]
    peak_kb = vm_kb("VmHWM")  # of the first walk: later ones reuse freed memory
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if not traced:
        for _ in range(REPEATS - 1):  # the fastest walk is the least disturbed by neighbours
            wall, cpu = time.perf_counter(), time.process_time()
            walk(data)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    print(
        json.dumps(
            {
                "count": count,
                "seconds": min(walls),
                "cpu_seconds": min(cpus),
                "peak_rss_mb": peak_kb / 1024,
                "walk_rss_mb": (peak_kb - before_kb) / 1024,
                "traced_peak_mb": traced_peak / 1e6,
            }
        )
    )


def run_child(way: str, feed: Path, traced: bool) -> dict:
    command = [sys.executable, __file__, "--child", way, str(feed)]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {way} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_all(feed: Path, runs: int) -> dict[str, dict]:
    """The medians over ``runs`` rounds; each round runs every way once, so a busy moment on
    a shared machine falls on all of them alike rather than on one."""
    plain: dict[str, list[dict]] = {way: [] for way in WAYS}
    traced: dict[str, list[dict]] = {way: [] for way in WAYS}
    for _ in range(runs):
        for way in WAYS:
            plain[way].append(run_child(way, feed, traced=False))
            traced[way].append(run_child(way, feed, traced=True))
    results = {}
    for way in WAYS:
        results[way] = {
            key: statistics.median(run[key] for run in plain[way])
            for key in ("count", "seconds", "cpu_seconds", "peak_rss_mb", "walk_rss_mb")
        }
        results[way]["traced_peak_mb"] = statistics.median(
            run["traced_peak_mb"] for run in traced[way]
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[30_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-feed-parse-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        import ijson
    except ModuleNotFoundError:
        raise SystemExit("This benchmark needs ijson: pip install -e '.[bench]'") from None

    print(f"ijson_backend: {ijson.backend}")
    for count in args.counts:
        feed = write_feed(workdir / f"feed-{count}.json", count)
        label = f"{count // 1000}k"
        print(f"feed_size_{label}: {feed.stat().st_size / 1e6:.1f} MB")
        results = measure_all(feed, args.runs)
        for way, result in results.items():
            if result["count"] != count:
                raise SystemExit(f"{way} walked {result['count']} activities, not {count}.")
            print(f"{way}_time_{label}: {result['seconds']:.3f} s")
            print(f"{way}_cpu_time_{label}: {result['cpu_seconds']:.3f} s")
            print(f"{way}_peak_rss_{label}: {result['peak_rss_mb']:.1f} MB")
            print(f"{way}_walk_rss_{label}: {result['walk_rss_mb']:.1f} MB")
            print(f"{way}_tracemalloc_peak_{label}: {result['traced_peak_mb']:.1f} MB")
        ours = results["cursor"]
        for way in WAYS[1:]:
            theirs = results[way]
            print(f"{way}_over_cursor_time_{label}: {theirs['seconds'] / ours['seconds']:.2f}")
            print(
                f"{way}_over_cursor_cpu_time_{label}: "
                f"{theirs['cpu_seconds'] / ours['cpu_seconds']:.2f}"
            )
            print(
                f"{way}_over_cursor_peak_rss_{label}: "
                f"{theirs['peak_rss_mb'] / ours['peak_rss_mb']:.2f}"
            )
            print(
                f"{way}_over_cursor_tracemalloc_peak_{label}: "
                f"{theirs['traced_peak_mb'] / ours['traced_peak_mb']:.2f}"
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), traced="--traced" in sys.argv[4:])
    else:
        raise SystemExit(main())
