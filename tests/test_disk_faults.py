"""The kiosk and torg-sync on a disk that misbehaves: real files, real file systems, real
processes, and the screen started for real under Xvfb on what is left.

Regressions of the issue *One bad character must never take the lobby screens down*:

- a write lock held past the busy timeout ended ``torg-sync once`` in three chained
  tracebacks, unrecorded, so ``status`` said all was well;
- a zero-byte, garbage or truncated kiosk.db, a data folder that cannot be written, a
  read-only file system or a full disk crashed the kiosk at start (the read-only connection
  needs its ``-shm``), ``status`` and ``today`` printed tracebacks, and a full disk was
  reported as "internal error".

For each case: the data afterwards, ``torg-sync``'s exit code and its one line (never a
traceback), and the kiosk started as a process on that data folder (``--screenshot``) ending
with exit 0, a picture that is not blank, and the status line it printed. The variants that
need their own file system (a small tmpfs: read-only remount, full) are skipped, saying why,
where ``mount`` is refused; a folder made unwritable with ``chattr +i`` (which stops root too)
and a file damaged by the test always run.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import PINNED_NOW, activity, feed, feed_bytes
from torg_kiosk.store.database import open_db
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.store.rebuild import KEEP_BROKEN, broken_copies, set_aside
from torg_kiosk.sync.pipeline import Source, sync_all

pytestmark = [pytest.mark.slow, pytest.mark.ui]

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "torg_kiosk" / "config"
NOW = "2026-12-03T10:15"
#: The kiosk is started a little later, so the status line names the sync's time.
LATER = "2026-12-03T10:20"

NOT_AVAILABLE = "Lagringsfeil — programmet er ikke tilgjengelig"
NOT_AVAILABLE_HOME = "Programmet er ikke tilgjengelig akkurat nå."
STORAGE_WITH_DATA = "Lagringsfeil — viser data fra 10:15"


# --- running the programs ------------------------------------------------------------------


def environment(tmp_path: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TORG_")}
    env.pop("KIVY_HOME", None)  # the kiosk picks its own, or a temporary one if it must
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    env["TMPDIR"] = str(scratch)
    return env


def torg_sync(tmp_path, data: Path, *args: str, config: Path | None = None):
    options = ["--config", str(config)] if config else []
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk.sync.cli", *options, "--data", str(data),
         "--site", "heggedal", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=environment(tmp_path),
    )  # fmt: skip


def start_kiosk(tmp_path, data: Path, *, config: Path | None = None):
    picture = tmp_path / f"kiosk-{data.name}.png"
    options = ["--config", str(config)] if config else []
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk", *options, "--site", "heggedal", "--data", str(data),
         "--windowed", "--size", "1280x800", "--now", LATER, "--screenshot", str(picture)],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=environment(tmp_path),
    )  # fmt: skip
    return done, picture


def said(done, what: str) -> str:
    """What the kiosk printed after ``torg-kiosk: <what>: `` (see ui/snapshot.py)."""
    prefix = f"torg-kiosk: {what}: "
    return next(
        (line[len(prefix) :] for line in done.stdout.splitlines() if line.startswith(prefix)), ""
    )


def assert_the_kiosk_started(done, picture: Path) -> None:
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in _ours(done.stderr), done.stderr[-3000:]
    with Image.open(picture) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    # A drawn screen has text in several colours, antialiased: thousands of shades.
    assert colours is not None and len(colours) > 200


def _ours(stderr: str) -> str:
    """stderr without Kivy's own log lines (Kivy logs the tracebacks it handles itself)."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("["))


def assert_one_failed_line_per_source(done, phrase: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("demo: FAILED — "), done.stdout
    assert phrase in lines[0]
    assert "Traceback" not in done.stderr and "internal" not in lines[0]


def assert_one_line_and_no_traceback(done, phrase: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("torg-sync: ") and phrase in line


# --- data ----------------------------------------------------------------------------------


def synced_demo(tmp_path, data: Path) -> None:
    """The demo feed synced at NOW into ``data``, and one check-in waiting in the outbox."""
    done = torg_sync(tmp_path, data, "once", "--now", NOW)
    assert done.returncode == 0, done.stderr
    outbox = Outbox.open(data / "outbox.db")
    outbox.add("checkin", {"ticket": "t-1"}, now=PINNED_NOW)
    outbox.close()


def occurrence_count(db_path: Path) -> int:
    """Read as a file that does not change: works on a read-only or full disk too."""
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM occurrences").fetchone()[0]
    finally:
        conn.close()


def snapshot_of(folder: Path) -> dict[str, bytes]:
    """The two database files' bytes (SQLite may leave an empty -wal beside them)."""
    return {name: (folder / name).read_bytes() for name in ("kiosk.db", "outbox.db")}


@contextmanager
def feed_that_never_answers(tmp_path):
    """A kiosk.toml whose feed server takes the connection and then says nothing, so the
    kiosk's sync is still waiting when the screenshot is taken: the picture shows the state
    before any new programme arrives, every time."""
    server = socket.create_server(("127.0.0.1", 0), backlog=8)
    port = server.getsockname()[1]
    folder = tmp_path / "hanging-config"
    folder.mkdir()
    text = (SHIPPED / "kiosk.toml").read_text(encoding="utf-8")
    text = text.replace('url = ""', f'url = "http://127.0.0.1:{port}/feed.json"', 1)
    (folder / "kiosk.toml").write_text(text, encoding="utf-8")
    (folder / "sites").symlink_to(SHIPPED / "sites")
    try:
        yield folder / "kiosk.toml"
    finally:
        server.close()


# --- file systems ----------------------------------------------------------------------------


@contextmanager
def small_disk(path: Path, size: str = "4m"):
    """A tmpfs of ``size`` mounted at ``path``; the test is skipped where mount is refused."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(
            "this variant needs a file system of its own and mount was refused here "
            f"({mounted.stderr.strip() or mounted.returncode}); the chattr and damaged-file "
            "variants still run"
        )
    try:
        yield path
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(path)], capture_output=True)
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)


def fill(path: Path) -> None:
    """Write a file in ``path`` until the disk says it is full, down to the last block."""
    with open(path / "filler", "wb", buffering=0) as filler:
        for chunk in (65536, 4096, 512):
            try:
                while True:
                    filler.write(b"\0" * chunk)
            except OSError:
                pass


@contextmanager
def unwritable(folder: Path):
    """``folder`` made so nobody may create a file in it, root included: ``chattr +i``."""
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is refused on this file system ({made.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


# --- a lock held too long (item 4) ----------------------------------------------------------


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # until the test closes the pipe
"""


def one_second_config(tmp_path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    text = (SHIPPED / "kiosk.toml").read_text(encoding="utf-8")
    (folder / "kiosk.toml").write_text(
        text.replace("busy_timeout_seconds = 10", "busy_timeout_seconds = 1"), encoding="utf-8"
    )
    (folder / "sites").symlink_to(SHIPPED / "sites")
    return folder / "kiosk.toml"


def test_a_lock_held_past_the_busy_timeout_is_a_recorded_failure_with_one_line_and_exit_1(
    tmp_path,
):
    data = tmp_path / "data"
    synced_demo(tmp_path, data)
    config = one_second_config(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(data / "kiosk.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        once = torg_sync(tmp_path, data, "once", "--now", LATER, config=config)
        status = torg_sync(tmp_path, data, "status", "--now", LATER, config=config)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    assert_one_failed_line_per_source(once, "stayed locked by another program for 1 s")
    assert status.returncode == 1 and "Traceback" not in status.stderr
    assert "FAILED — The schedule database" in status.stdout and "locked" in status.stdout
    # The lock is gone: the next sync succeeds and the failure is no longer reported.
    again = torg_sync(tmp_path, data, "once", "--now", LATER, config=config)
    assert again.returncode == 0, again.stdout + again.stderr
    status = torg_sync(tmp_path, data, "status", "--now", LATER, config=config)
    assert status.returncode == 0 and "FAILED" not in status.stdout


# --- a damaged schedule (item 5) -------------------------------------------------------------


def damage(db_path: Path, how: str) -> None:
    if how == "zero-byte":
        db_path.write_bytes(b"")
    elif how == "garbage":
        db_path.write_bytes(b"\x13\x37 not a database at all " * 2000)
    else:  # truncated: cut off in the middle of its pages, the header left whole
        os.truncate(db_path, db_path.stat().st_size // 2)


@pytest.mark.parametrize("how", ["zero-byte", "garbage", "truncated"])
def test_a_damaged_schedule_never_stops_the_screen_and_the_sync_rebuilds_it(tmp_path, how):
    data = tmp_path / "data"
    synced_demo(tmp_path, data)
    outbox_before = (data / "outbox.db").read_bytes()
    damage(data / "kiosk.db", how)
    damaged = (data / "kiosk.db").read_bytes()

    for command in ("status", "today"):
        done = torg_sync(tmp_path, data, command, "--now", LATER)
        expected = "holds no schedule yet" if how == "zero-byte" else "is damaged"
        assert_one_line_and_no_traceback(done, expected)

    with feed_that_never_answers(tmp_path) as config:
        done, picture = start_kiosk(tmp_path, data, config=config)
    assert_the_kiosk_started(done, picture)
    if how == "zero-byte":  # an empty file is an empty database: nothing to rebuild
        # The first fetch is still waiting on the silent server, or has already given up on
        # it: which one the picture catches depends on how busy the machine is.
        assert (said(done, "status line"), said(done, "in place of the programme")) in (
            ("Henter program …", "Henter program …"),
            ("Uten nett — prøver igjen snart", "Programmet kan ikke hentes akkurat nå."),
        )
    else:
        assert said(done, "status line") == NOT_AVAILABLE
        assert said(done, "in place of the programme") == NOT_AVAILABLE_HOME

    once = torg_sync(tmp_path, data, "once", "--now", LATER)
    assert once.returncode == 0 and once.stdout.startswith("demo: updated"), once.stderr
    assert occurrence_count(data / "kiosk.db") > 0
    copies = broken_copies(data / "kiosk.db")
    if how == "zero-byte":
        assert copies == []
    else:  # set aside by the kiosk's sync (or by this once), with the damaged bytes as found
        assert [copy.read_bytes() for copy in copies] == [damaged]
    assert (data / "outbox.db").read_bytes() == outbox_before
    assert torg_sync(tmp_path, data, "today", "--now", LATER).returncode == 0


def test_only_the_newest_few_broken_schedules_are_kept_and_the_outbox_never_moves(tmp_path):
    outbox = Outbox.open(tmp_path / "outbox.db")
    outbox.close()
    outbox_before = (tmp_path / "outbox.db").read_bytes()
    path = tmp_path / "kiosk.db"
    for n in range(KEEP_BROKEN + 2):
        path.write_bytes(f"broken {n}".encode())
        Path(f"{path}-wal").write_bytes(b"wal")
        set_aside(path, now=PINNED_NOW + timedelta(minutes=n))
    kept = broken_copies(path)
    assert [copy.read_bytes() for copy in kept] == [
        f"broken {n}".encode() for n in range(2, KEEP_BROKEN + 2)
    ]
    assert all(Path(f"{copy}-wal").exists() for copy in kept)
    assert not path.exists() and not Path(f"{path}-wal").exists()
    assert (tmp_path / "outbox.db").read_bytes() == outbox_before


# --- a data folder that cannot be written (item 5) -------------------------------------------


def check_the_read_only_case(tmp_path, data: Path, phrase: str) -> None:
    before = snapshot_of(data)
    count = occurrence_count(data / "kiosk.db")

    once = torg_sync(tmp_path, data, "once", "--now", LATER)
    assert_one_failed_line_per_source(once, phrase)
    status = torg_sync(tmp_path, data, "status", "--now", LATER)
    assert status.returncode == 1 and "Traceback" not in status.stderr
    assert "Storage: " in status.stdout and phrase in status.stdout
    today = torg_sync(tmp_path, data, "today", "--now", LATER)  # read as an unchanging file
    assert today.returncode == 0 and "Babysang" in today.stdout, today.stderr

    done, picture = start_kiosk(tmp_path, data)
    assert_the_kiosk_started(done, picture)
    assert said(done, "status line") == STORAGE_WITH_DATA
    assert phrase in done.stderr  # one clear line in the log

    assert snapshot_of(data) == before
    assert occurrence_count(data / "kiosk.db") == count


def test_a_data_folder_nobody_may_write_shows_its_data_and_says_so(tmp_path):
    data = tmp_path / "data"
    synced_demo(tmp_path, data)
    with unwritable(data):
        check_the_read_only_case(tmp_path, data, f"The kiosk may not write {data}")


def test_a_read_only_file_system_shows_its_data_and_says_so(tmp_path):
    with small_disk(tmp_path / "disk") as data:
        synced_demo(tmp_path, data)
        remount_read_only(data)
        check_the_read_only_case(tmp_path, data, "is read-only")


# --- a full disk (item 5) --------------------------------------------------------------------


def test_a_full_disk_shows_its_data_and_says_the_disk_is_full(tmp_path):
    with small_disk(tmp_path / "disk") as data:
        synced_demo(tmp_path, data)
        fill(data)
        check_the_read_only_case(tmp_path, data, "is full")


def test_a_disk_that_fills_during_a_sync_is_disk_full_not_an_internal_error(tmp_path):
    """The -shm and -wal exist already (the sync's connection is open), so SQLite gets far
    enough to say SQLITE_FULL itself, in the middle of writing the new snapshot."""
    with small_disk(tmp_path / "disk", size="2m") as data:
        first = tmp_path / "first.json"
        one = activity("a", "2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00")
        first.write_bytes(feed_bytes(feed([one])))
        source = Source("central", "feed", str(first))
        db = open_db(data / "kiosk.db")
        try:
            assert sync_all(db, [source], now=PINNED_NOW)[0].outcome == "updated"
            big = [
                activity(
                    f"big-{n}",
                    "2026-12-03T12:00:00+01:00",
                    "2026-12-03T13:00:00+01:00",
                    description={"nb": "x" * 2000, "en": "y" * 2000},
                )
                for n in range(1500)
            ]
            first.write_bytes(feed_bytes(feed(big)))
            fill(data)
            [result] = sync_all(db, [source], now=PINNED_NOW + timedelta(minutes=5))
            kept = db.conn.execute("SELECT count(*) FROM occurrences").fetchone()[0]
        finally:
            db.conn.close()
        assert (result.outcome, result.code) == ("failed", "disk_full")
        assert "is full" in result.message and "internal" not in result.message
        assert kept == 1  # the old snapshot is still there


# --- the first start (item 8) ------------------------------------------------------------------


def test_on_a_first_start_with_no_network_home_says_the_programme_cannot_be_fetched(tmp_path):
    """Regression: Home said *Ikke mer på programmet i dag* while the status line said
    *Henter program …*, when the first fetch had failed."""
    folder = tmp_path / "config"
    folder.mkdir()
    text = (SHIPPED / "kiosk.toml").read_text(encoding="utf-8")
    # Port 9 (discard): nobody listens, the connection is refused at once.
    text = text.replace('url = ""', 'url = "http://127.0.0.1:9/feed.json"', 1)
    (folder / "kiosk.toml").write_text(text, encoding="utf-8")
    (folder / "sites").symlink_to(SHIPPED / "sites")

    done, picture = start_kiosk(tmp_path, tmp_path / "data", config=folder / "kiosk.toml")

    assert_the_kiosk_started(done, picture)
    assert said(done, "status line") == "Uten nett — prøver igjen snart"
    assert said(done, "in place of the programme") == "Programmet kan ikke hentes akkurat nå."
