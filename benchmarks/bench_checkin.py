"""How long a scan takes at the door: decode, verify, rules, durable write; and to the screen.

Usage: python benchmarks/bench_checkin.py [--scans 2000] [--stored 100000]
       [--sync-activities 100000] [--workdir DIR] [--no-screen]

Prints:

- ``scan_p50``, ``scan_p99``: one :meth:`CheckinDesk.scan` of a fresh valid ticket (base-36
  decode, Ed25519 verify, the rules with the "already checked in" look-up, the outbox commit
  with ``synchronous=FULL``), on an outbox that already holds 100,000 check-ins;
- ``scan_p99_during_sync``: the same while a 100,000-activity feed is synced into kiosk.db
  in the same data folder by another process (benchmarks/make_big_feed.py);
- ``scan_to_screen_median``: from the first keystroke of a scanner (typed through the real
  Kivy window, Xvfb) to the frame that shows the green screen (benchmarks/bench_checkin_ui.py,
  run as a child process under ``xvfb-run``).

Targets (issue 10): p99 ≤ 15 ms, ≤ 30 ms during the sync, screen median ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from torg_kiosk.base.clock import OSLO, utc_text  # noqa: E402
from torg_kiosk.domain.checkin import CheckinDesk, TicketMaterial  # noqa: E402
from torg_kiosk.domain.checkin_rules import Door  # noqa: E402
from torg_kiosk.domain.tickets import (  # noqa: E402
    TicketKeys,
    demo_signing_key,
    issue_ticket,
    ticket_text,
)
from torg_kiosk.store.outbox import Outbox, new_nonce  # noqa: E402
from torg_kiosk.store.schema import OUTBOX  # noqa: E402

NOW = datetime(2026, 12, 3, 11, 5, tzinfo=OSLO)
DOOR = Door("tofte", "tofte-seniortrim", NOW.date(), NOW.replace(minute=0), NOW.replace(hour=12),
            capacity=None)  # fmt: skip
STORED = 100_000


def fill_outbox(path: Path, count: int = STORED) -> None:
    """``count`` check-ins over the last 100 days, half of them sent, written in one go."""
    import orjson

    outbox = Outbox.open(path)
    outbox.close()
    import sqlite3

    conn = sqlite3.connect(path)
    rows = []
    for i in range(count):
        at = NOW - timedelta(minutes=i * 1.4)
        payload = {"kiosk": "tofte-1", "site": "tofte", "ticket": ticket_text(0x10000000 + i),
                   "activity": f"tofte-{i % 40}", "occurrence": at.date().isoformat(),
                   "scanned_at": utc_text(at), "result": "accepted", "forced": False,
                   "clock": "trusted"}  # fmt: skip
        sent = i % 2 == 0
        rows.append(OUTBOX.make_row(
            nonce=new_nonce(), kind="checkin", payload=orjson.dumps(payload).decode(),
            created_at=utc_text(at), state="sent" if sent else "pending", attempts=0,
            next_attempt=utc_text(at), last_attempt=None, last_error=None,
            sent_at=utc_text(at) if sent else None, dropped_at=None, drop_reason=None,
        ))  # fmt: skip
    with conn:
        conn.executemany(OUTBOX.insert_sql(), rows)
    conn.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_scans(desk: CheckinDesk, tokens: list[str]) -> list[float]:
    times = []
    for token in tokens:
        started = time.perf_counter()
        verdict = desk.scan(token, NOW)
        times.append((time.perf_counter() - started) * 1000)
        assert verdict.code == "accepted", verdict.code
    return times


def start_big_sync(workdir: Path, count: int) -> subprocess.Popen:
    feed = workdir / f"big-feed-{count}.json"
    if not feed.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_big_feed.py"), str(feed),
                        "--count", str(count)], check=True, capture_output=True)  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workdir / 'kiosk.db'}{suffix}").unlink(missing_ok=True)
    code = (
        "import sys; from datetime import datetime; from torg_kiosk.base.clock import OSLO;"
        "from torg_kiosk.store.snapshots import open_db;"
        "from torg_kiosk.sync.pipeline import Source, sync_source;"
        f"db = open_db({str(workdir / 'kiosk.db')!r});"
        "print('started', flush=True);"
        f"r = sync_source(db, Source('central', 'feed', {str(feed)!r}),"
        " now=datetime(2026, 12, 3, 10, 15, tzinfo=OSLO));"
        "print(r.line(), flush=True)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    assert child.stdout.readline().strip() == "started"
    return child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=2000)
    parser.add_argument("--stored", type=int, default=STORED, help="check-ins already there")
    parser.add_argument("--sync-activities", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-screen", action="store_true", help="skip scan_to_screen_median")
    parser.add_argument("--screen-scans", type=int, default=100)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-checkin-"))
    workdir.mkdir(parents=True, exist_ok=True)
    outbox_path = workdir / "outbox.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{outbox_path}{suffix}").unlink(missing_ok=True)
    fill_outbox(outbox_path, args.stored)

    key = demo_signing_key()
    material = TicketMaterial(NOW.date(), (DOOR,), TicketKeys([(key.kid, key.public_key_text)]))
    outbox = Outbox.open(outbox_path)
    desk = CheckinDesk(outbox, kiosk="tofte-1", site="tofte", wall=lambda: NOW)
    desk.use(material)
    desk.open(DOOR)

    def tokens(first: int, count: int) -> list[str]:
        return [issue_ticket(key, activity_id=DOOR.activity_id, site="tofte", day=DOOR.day,
                             number=first + i) for i in range(count)]  # fmt: skip

    time_scans(desk, tokens(1, 50))  # warm the page cache and the statements
    quiet = time_scans(desk, tokens(1000, args.scans))
    print(f"# outbox: {outbox.pending_count()} pending of {args.stored + 50 + args.scans}")
    print(f"scan_p50: {statistics.median(quiet):.2f} ms")
    print(f"scan_p99: {percentile(quiet, 0.99):.2f} ms")

    sync = start_big_sync(workdir, args.sync_activities)
    during: list[float] = []
    first = 100_000
    while sync.poll() is None or not during:
        during += time_scans(desk, tokens(first, 100))
        first += 100
    print(f"# sync: {sync.stdout.read().strip()} ({len(during)} scans during it)")
    print(f"scan_p99_during_sync: {percentile(during, 0.99):.2f} ms")
    outbox.close()

    if not args.no_screen:
        ui = subprocess.run(
            ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable,
             str(ROOT / "benchmarks" / "bench_checkin_ui.py"), str(workdir / "ui"),
             str(args.screen_scans)],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        lines = [line for line in ui.stdout.splitlines() if line.startswith("scan_to_screen")]
        if ui.returncode != 0 or not lines:
            print(ui.stdout[-2000:], ui.stderr[-4000:], file=sys.stderr)
            return 1
        print(*lines, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
