"""The fault matrix of the issue *One bad character must never take the lobby screens down*.

One row per fault: every case the issue measured, and the broken feeds the sync already
refused before it. Each row asserts

(a) the data afterwards: for a fault of the whole feed or of the disk, the programme is the
    one before, row for row; for a fault of one record, only that record is missing (or,
    for bad characters, stored with them made safe);
(b) ``torg-sync``'s exit code and its one line (and never a traceback);
(c) the kiosk, started as a real process on its own Xvfb on that data folder, reading the
    same feed (or disk) the fault came from: up and drawing after 10 s (a picture of the X
    screen that is not blank), *Les opp* on the screen the fault shows on, a tap on
    *Denne uka* and *Les opp* there do not end it, and its status line says what is wrong.

Everything is real: HTTP servers on 127.0.0.1, SQLite files, tmpfs mounts, ``chattr``,
processes, and taps that are X events from ``xdotool`` (``tests/kiosk_process.py``).

Speed: one fixture runs the rows side by side (a few at a time: each kiosk is a process on
an X server of its own) the first time a row is asked for, only the rows this session runs;
each test then reports its own row.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.bad_text_feed import SHOWN, SPELLED
from tests.conftest import activity, feed
from tests.httpfixtures import Reply, send_reply, serve_handler
from tests.kiosk_process import KioskProcess, non_blank
from tests.test_cli import write_config
from tests.test_disk_faults import (
    LATER,
    LOCK_HOLDER,
    NOW,
    assert_one_failed_line_per_source,
    assert_one_line_and_no_traceback,
    damage,
    environment,
    feed_that_never_answers,
    fill,
    occurrence_count,
    one_second_config,
    remount_read_only,
    small_disk,
    snapshot_of,
    synced_demo,
    torg_sync,
    unwritable,
)
from torg_kiosk.store.rebuild import broken_copies

pytestmark = [pytest.mark.slow, pytest.mark.ui]

SITE = "heggedal"
DAY = "2026-12-03"
#: How long the kiosk must be up, from its start, before it counts as having survived.
UP_FOR_SECONDS = 10
#: Kiosks at a time: each is a Kivy process on its own X server; the machine has 2 cores.
SIDE_BY_SIDE = 4

UPDATED = "Oppdatert "
REFUSED_WITH_DATA = "Nytt program avvist — viser data fra 10:15"
STORAGE_WITH_DATA = "Lagringsfeil — viser data fra 10:15"
STORAGE_NO_PROGRAMME = "Lagringsfeil — programmet er ikke tilgjengelig"
FETCHING = "Henter program …"
NO_NETWORK_NO_PROGRAMME = "Uten nett — prøver igjen snart"
NO_NETWORK_WITH_DATA = "Uten nett — viser data fra 10:15"
#: Port 9 (discard): nobody listens there, so a connection is refused at once.
NOBODY_LISTENS = "http://127.0.0.1:9/feed.json"

#: Screens and taps: on Home, *Les opp*; then *Denne uka* and *Les opp* there.
HOME_AND_WEEK = ("read", "week", "read")
#: A disk fault touches every screen's reading: Today (read on a thread of its own) too.
EVERY_LIST = ("read", "today", "read", "home", "week", "read")
#: The detail screen of the record (reached from Today), then Home, the week.
DETAIL_AND_WEEK = ("today", "row:bad", "read", "home", "week", "read")


# --- the feeds -------------------------------------------------------------------------------


def _at(hour: int, id: str, **fields) -> dict:
    return activity(id, f"{DAY}T{hour:02d}:00:00+01:00", f"{DAY}T{hour:02d}:45:00+01:00",
                    site=SITE, **fields)  # fmt: skip


#: Twelve good activities (enough for the shrink guard): one this morning, the rest from noon,
#: so a bad record at 11:00 is the next thing on Home's *now & next*.
GOOD = [_at(9, "morning", title="Morgentrim")] + [
    _at(hour, f"good-{hour}", title=f"Aktivitet klokka {hour}") for hour in range(12, 23)
]
GOOD_TITLES = {item["id"]: item["title"]["nb"] for item in GOOD}


def feed_text(activities: list[dict], spelled: dict[str, str] | None = None) -> bytes:
    """The feed as JSON text, with placeholders replaced by text spelled as the trouble came
    (a JSON escape, a nesting no object can express)."""
    text = json.dumps(feed(activities), ensure_ascii=False)
    for placeholder, spelling in (spelled or {}).items():
        text = text.replace(placeholder, spelling)
    return text.encode("utf-8")


JSON = {"Content-Type": "application/json"}


def good_feed() -> Reply:
    return Reply(200, feed_text(GOOD), JSON)


def with_bad_record(record: dict, spelled: dict[str, str] | None = None) -> Reply:
    return Reply(200, feed_text([*GOOD, record], spelled), JSON)


def cut_off(handler: BaseHTTPRequestHandler) -> None:
    """Promises the whole feed, sends a third of it and hangs up."""
    body = feed_text(GOOD)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 3])
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


class FeedServer:
    """A feed on 127.0.0.1 whose answer the test changes: the good feed, then the fault."""

    def __init__(self, answer):
        self.answer = answer
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_GET(self):
                answer = server.answer
                if callable(answer):
                    answer(self)
                else:
                    send_reply(self, answer)

        self._serving = serve_handler(Handler)
        self.url = ""

    def __enter__(self) -> FeedServer:
        self.url = self._serving.__enter__().url + "/feed.json"
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)


# --- what a row checks -----------------------------------------------------------------------


def programme(db_path: Path) -> dict[str, list]:
    """What the screen can show, table by table (not sync_status: that records the fault).

    Read with the -wal (a kiosk ended by a signal leaves one behind): not for a disk that
    cannot be written, where ``snapshot_of`` compares the bytes."""
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("activities", "occurrences", "sites", "announcements")
        }
    finally:
        conn.close()


def stored_titles(db_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return {
            id: json.loads(doc)["title"]["nb"]
            for id, doc in conn.execute("SELECT id, doc FROM activities")
        }
    finally:
        conn.close()


def assert_one_line_of_success(done, *, skipped: int) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("central: updated — "), line
    assert (f"{skipped} record" in line) if skipped else ("skipped" not in line), line
    assert_a_quiet_log(done)


def assert_one_line_of_refusal(done, word: str, phrase: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = done.stdout.splitlines()
    # FAILED: no feed came (the fetch); REFUSED: a feed came and was not taken.
    assert line.startswith(f"central: {word} — ") and phrase in line, line
    assert "internal" not in line
    assert_a_quiet_log(done)


def assert_a_quiet_log(done) -> None:
    """No traceback; each log line short, with its level (a 5 MB line once came from here)."""
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    assert all(line.split(" ", 1)[0] in ("WARNING", "ERROR") for line in lines), lines
    assert max((len(line) for line in lines), default=0) < 600


@dataclass
class Screen:
    """What the kiosk process did (c): filled in by :func:`run_the_kiosk`."""

    status_lines: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    readings: list[tuple[str, str]] = field(default_factory=list)  # (screen, outcome)
    #: Rows Today showed (once it had read them), when it was visited.
    today_rows: int | None = None


def run_the_kiosk(folder: Path, data: Path, *, config: Path | None, taps: tuple[str, ...],
                  env: dict[str, str]) -> Screen:  # fmt: skip
    """(c): start the kiosk, tap through ``taps`` (``read``: *Les opp* and wait for the
    reading to start; any other: tap it and wait for the screen it leads to), keep it up for
    :data:`UP_FOR_SECONDS`, and check it is still up and drawing."""
    options = ["--config", str(config)] if config else []
    kiosk = KioskProcess(folder / "kiosk", [*options, "--site", SITE, "--data", str(data),
                                            "--now", LATER], env)  # fmt: skip
    screen = Screen()
    leads_to = {"week": "week", "today": "today", "home": "home", "row:bad": "activity"}
    try:
        first = kiosk.wait_for(lambda r: r.get("screen") == "home" and r["frames"] > 5, "Home")
        screen.status_lines.append(first["status_line"])
        screen.notices.append("" if first["has_programme"] else first["programme_notice"])
        assert non_blank(kiosk.picture("home")), "the first picture of Home is blank"
        for tap in taps:
            if tap == "read":
                report = kiosk.read_aloud()
                screen.readings.append((report["screen"], report["read_outcome"]))
            else:
                kiosk.go(tap, leads_to[tap])
            if tap == "today":
                time.sleep(1.0)  # Today's rows come from its reader's thread
                targets = kiosk.report()["targets"]
                screen.today_rows = sum(name.startswith("row:") for name in targets)
        while time.monotonic() - kiosk.started < UP_FOR_SECONDS:
            assert kiosk.alive(), "the kiosk ended"
            time.sleep(0.2)
        last = kiosk.wait_for(lambda r: r["frames"] > 0, "a report")
        time.sleep(0.5)
        assert kiosk.alive(), f"the kiosk ended: {kiosk.stderr()[-3000:]}"
        assert kiosk.report()["frames"] > last["frames"], "the kiosk stopped drawing"
        assert non_blank(kiosk.picture("after")), "the picture after 10 s is blank"
        screen.status_lines.append(kiosk.report()["status_line"])
    finally:
        kiosk.stop()
    assert "Traceback" not in _ours(kiosk.stderr()), kiosk.stderr()[-3000:]
    # Les opp read the screen each time (espeak-ng started, or had no voice: never a crash).
    assert [outcome for _, outcome in screen.readings] == ["STARTED"] * taps.count("read")
    return screen


def _ours(stderr: str) -> str:
    """stderr without Kivy's log lines (Kivy logs the tracebacks it handles itself)."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("["))


# --- the rows: one record --------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFault:
    """A feed with the good activities and one bad record ``bad`` at 11:00."""

    name: str
    record: dict
    spelled: dict[str, str]
    #: The title the record is stored with, or None: it is skipped.
    stored_as: str | None
    taps: tuple[str, ...] = HOME_AND_WEEK


def _bad(**fields) -> dict:
    return _at(11, "bad", **fields)


RECORD_FAULTS = [
    RecordFault("lone surrogate", _bad(title="BABYSANG"), {'"BABYSANG"': SPELLED['"BABYSANG"']},
                stored_as=SHOWN["babysang"]),
    RecordFault("NUL in a title", _bad(title="STRIKK"), {'"STRIKK"': SPELLED['"STRIKK"']},
                stored_as=SHOWN["strikk"]),
    RecordFault("SECONDLY rule from 2000",
                activity("bad", "2000-01-03T10:00:00+01:00", "2000-01-03T10:00:30+01:00",
                         site=SITE, rrule="FREQ=SECONDLY"), {}, stored_as=None),
    RecordFault("deep nesting", _bad(organizer="DEEP"), {'"DEEP"': SPELLED['"DEEP"']},
                stored_as=None),
    RecordFault("4000-character title", _bad(title="T" * 4000), {}, stored_as="T" * 4000,
                taps=DETAIL_AND_WEEK),
    RecordFault("huge bad value", _bad(title="LONG"), {'"LONG"': SPELLED['"LONG"']},
                stored_as=None),
]  # fmt: skip


def check_record_fault(fault: RecordFault, folder: Path) -> None:
    env, data = environment(folder), folder / "data"
    with FeedServer(with_bad_record(fault.record, fault.spelled)) as server:
        config = write_config(folder, server.url)
        once = torg_sync(folder, data, "once", "--now", NOW, config=config)
        # (b) one line; the bad record counted as skipped when it is left out
        assert_one_line_of_success(once, skipped=0 if fault.stored_as else 1)
        # (a) the good ones all there; the bad one missing, or with its text made safe
        expected = dict(GOOD_TITLES)
        if fault.stored_as is not None:
            expected["bad"] = fault.stored_as
        assert stored_titles(data / "kiosk.db") == expected
        # (c) on the data, reading the same feed again
        screen = run_the_kiosk(folder, data, config=config, taps=fault.taps, env=env)
    assert all(line.startswith(UPDATED) for line in screen.status_lines), screen.status_lines
    assert stored_titles(data / "kiosk.db") == expected


# --- the rows: the whole feed ----------------------------------------------------------------


@dataclass(frozen=True)
class FeedFault:
    """The good feed synced, then the feed server answers ``answer`` from then on."""

    name: str
    answer: Reply | Callable
    says: str  # in torg-sync's line
    word: str = "REFUSED"  # or FAILED: no feed came at all
    status: str = REFUSED_WITH_DATA


FEED_FAULTS = [
    FeedFault("wrong shape: a top-level array",
              Reply(200, json.dumps([feed(GOOD)]).encode(), JSON),
              "valid JSON but not a feed: the document is an array"),
    FeedFault("wrong shape: activities null",
              Reply(200, b'{"version": 1, "activities": null}', JSON),
              "valid JSON but not a feed: 'activities' is null"),
    FeedFault("wrong shape: an object for the activities",
              Reply(200, json.dumps({"version": 1, "activities": {"id": "x"}}).encode(), JSON),
              "valid JSON but not a feed: 'activities' is an object"),
    FeedFault("server cuts off", cut_off, "stopped in the middle of its answer", "FAILED"),
    FeedFault("not JSON", Reply(200, b"{'version': 1, activities: []}", JSON),
              "not valid JSON"),
    FeedFault("captive portal", Reply(200, b"<html>Log in to the wifi</html>",
                                      {"Content-Type": "text/html"}), "sent text/html",
              "FAILED"),
    FeedFault("truncated", Reply(200, feed_text(GOOD)[:-300], JSON), "cut off"),
    FeedFault("unknown version", Reply(200, json.dumps(feed(GOOD, version=2)).encode(), JSON),
              "version 2"),
    FeedFault("server error", Reply(500, b"oops"), "500", "FAILED"),
    FeedFault("no network", NOBODY_LISTENS, "could not reach", "FAILED",
              status=NO_NETWORK_WITH_DATA),
    FeedFault("empty", Reply(200, feed_text([]), JSON), "suddenly empty (it had 12"),
    FeedFault("shrunk", Reply(200, feed_text(GOOD[:3]), JSON), "3 activities"),
]  # fmt: skip


def check_feed_fault(fault: FeedFault, folder: Path) -> None:
    env, data = environment(folder), folder / "data"
    with FeedServer(good_feed()) as server:
        config = write_config(folder, server.url)
        assert torg_sync(folder, data, "once", "--now", NOW, config=config).returncode == 0
        before = programme(data / "kiosk.db")
        if fault.answer is NOBODY_LISTENS:
            config.write_text(config.read_text().replace(server.url, NOBODY_LISTENS))
        else:
            server.answer = fault.answer
        once = torg_sync(folder, data, "once", "--now", NOW, config=config)
        assert_one_line_of_refusal(once, fault.word, fault.says)  # (b)
        assert programme(data / "kiosk.db") == before  # (a) the same programme
        screen = run_the_kiosk(folder, data, config=config, taps=HOME_AND_WEEK, env=env)
    assert screen.status_lines == [fault.status] * 2
    assert programme(data / "kiosk.db") == before  # the kiosk's own syncs met it too


# --- the rows: the disk ----------------------------------------------------------------------


def check_lock_held(folder: Path) -> None:
    """A write lock held past the busy timeout (1 s here), the whole time."""
    env, data = environment(folder), folder / "data"
    synced_demo(folder, data)
    config = one_second_config(folder)
    before = programme(data / "kiosk.db")
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(data / "kiosk.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        once = torg_sync(folder, data, "once", "--now", LATER, config=config)
        assert_one_failed_line_per_source(once, "stayed locked by another program for 1 s")
        assert programme(data / "kiosk.db") == before
        screen = run_the_kiosk(folder, data, config=config, taps=EVERY_LIST, env=env)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert screen.status_lines == [STORAGE_WITH_DATA] * 2
    assert screen.today_rows > 0  # reading is not writing: the programme is all there
    assert programme(data / "kiosk.db") == before


def check_damaged(how: str, folder: Path) -> None:
    env, data = environment(folder), folder / "data"
    synced_demo(folder, data)
    outbox = (data / "outbox.db").read_bytes()
    damage(data / "kiosk.db", how)
    damaged = (data / "kiosk.db").read_bytes()
    for command in ("status", "today"):  # (b)
        done = torg_sync(folder, data, command, "--now", LATER)
        expected = "holds no schedule yet" if how == "zero-byte" else "is damaged"
        assert_one_line_and_no_traceback(done, expected)
    with feed_that_never_answers(folder) as config:  # the rebuilt file stays empty meanwhile
        screen = run_the_kiosk(folder, data, config=config, taps=EVERY_LIST, env=env)
    assert screen.today_rows == 0
    if how == "zero-byte":  # an empty file is an empty database: the first fetch is on
        assert screen.status_lines[0] in (FETCHING, NO_NETWORK_NO_PROGRAMME), screen
    else:
        assert screen.status_lines[0] == STORAGE_NO_PROGRAMME
        assert screen.notices[0] == "Programmet er ikke tilgjengelig akkurat nå."
    # (a) the damaged file set aside as found (an empty one needs no keeping), the outbox
    # untouched, and the next sync brings the programme back
    copies = broken_copies(data / "kiosk.db")
    assert [copy.read_bytes() for copy in copies] == ([] if how == "zero-byte" else [damaged])
    assert (data / "outbox.db").read_bytes() == outbox
    once = torg_sync(folder, data, "once", "--now", LATER)
    assert once.returncode == 0 and once.stdout.startswith("demo: updated"), once.stderr
    assert occurrence_count(data / "kiosk.db") > 0


@contextmanager
def read_only_case(how: str, folder: Path):
    """A data folder with the demo synced into it, then made unwritable in way ``how``;
    yields the folder and the phrase torg-sync says it with."""
    with ExitStack() as stack:
        if how == "unwritable data folder":
            data = folder / "data"
            synced_demo(folder, data)
            stack.enter_context(unwritable(data))
            yield data, f"The kiosk may not write {data}"
            return
        data = stack.enter_context(small_disk(folder / "disk"))
        synced_demo(folder, data)
        if how == "read-only file system":
            remount_read_only(data)
            yield data, "is read-only"
        else:
            fill(data)
            yield data, "is full"


def check_read_only(how: str, folder: Path) -> None:
    env = environment(folder)
    with read_only_case(how, folder) as (data, phrase):
        before = snapshot_of(data)
        once = torg_sync(folder, data, "once", "--now", LATER)
        assert_one_failed_line_per_source(once, phrase)  # (b)
        status = torg_sync(folder, data, "status", "--now", LATER)
        assert status.returncode == 1 and "Traceback" not in status.stderr
        assert phrase in status.stdout
        screen = run_the_kiosk(folder, data, config=None, taps=EVERY_LIST, env=env)
        assert screen.status_lines == [STORAGE_WITH_DATA] * 2
        assert screen.today_rows > 0  # read as a file that does not change
        assert snapshot_of(data) == before  # (a) not a byte changed


# --- the first start ------------------------------------------------------------------------


def check_first_start(folder: Path) -> None:
    """Nothing synced yet, and the feed has not answered: every screen says it is fetching
    (Home once said *Ikke mer på programmet i dag* meanwhile)."""
    env, data = environment(folder), folder / "data"
    status = torg_sync(folder, data, "status")
    assert status.returncode == 2 and "torg-sync once" in status.stderr  # (b)
    assert "Traceback" not in status.stderr and len(status.stderr.splitlines()) == 1
    with feed_that_never_answers(folder) as config:
        screen = run_the_kiosk(folder, data, config=config, taps=HOME_AND_WEEK, env=env)
    assert screen.status_lines == [FETCHING] * 2
    assert screen.notices == [FETCHING]
    # (a) nothing made up: no schedule yet (the sync makes its tables when a feed comes)
    db = data / "kiosk.db"
    assert not db.exists() or db.stat().st_size == 0 or programme(db)["activities"] == []


# --- running the matrix ----------------------------------------------------------------------

ROWS: dict[str, Callable[[Path], None]] = {
    **{f"record: {f.name}": (lambda folder, f=f: check_record_fault(f, folder))
       for f in RECORD_FAULTS},
    **{f"feed: {f.name}": (lambda folder, f=f: check_feed_fault(f, folder)) for f in FEED_FAULTS},
    "first start: the feed has not answered yet": check_first_start,
    "disk: lock held past busy_timeout": check_lock_held,
    **{f"disk: {how} kiosk.db": (lambda folder, how=how: check_damaged(how, folder))
       for how in ("zero-byte", "garbage", "truncated")},
    **{f"disk: {how}": (lambda folder, how=how: check_read_only(how, folder))
       for how in ("unwritable data folder", "read-only file system", "full disk")},
}  # fmt: skip


class Matrix:
    """Runs the rows this session asks for, side by side, once; hands each test its row."""

    def __init__(self, names: list[str], base: Path):
        self._names = names
        self._base = base
        self._outcomes: dict[str, BaseException | None] = {}
        self._lock = threading.Lock()

    def _run(self, name: str) -> BaseException | None:
        folder = self._base / name.replace(":", "").replace(" ", "-")
        folder.mkdir(parents=True)
        started = time.monotonic()
        try:
            ROWS[name](folder)
        except BaseException as problem:  # an assertion, a skip: the row's test raises it
            return problem
        finally:  # where the module's time goes, for whoever makes it faster
            seconds = time.monotonic() - started
            (folder / "seconds.txt").write_text(f"{seconds:.1f}\n", encoding="utf-8")
        return None

    def outcome(self, name: str) -> BaseException | None:
        with self._lock:
            if not self._outcomes:
                # The slowest rows first (more taps, a rebuild), so none is left to run alone.
                names = sorted(
                    self._names, key=lambda name: ("4000" not in name, not name.startswith("disk"))
                )
                with ThreadPoolExecutor(SIDE_BY_SIDE) as pool:
                    self._outcomes = dict(zip(names, pool.map(self._run, names), strict=True))
        return self._outcomes[name]


@pytest.fixture(scope="module")
def matrix(request, tmp_path_factory) -> Matrix:
    asked = [item.callspec.params["row"] for item in request.session.items
             if item.module is sys.modules[__name__] and hasattr(item, "callspec")]  # fmt: skip
    return Matrix(asked, tmp_path_factory.mktemp("fault-matrix"))


@pytest.mark.parametrize("row", list(ROWS))
def test_a_fault_keeps_the_data_says_one_line_and_never_takes_the_screen_down(matrix, row):
    problem = matrix.outcome(row)
    if problem is not None:
        raise problem
