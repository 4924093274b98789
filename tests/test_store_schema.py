"""The store owns its schema: one column list per table, migrations on PRAGMA user_version,
and a kiosk.db written by an older kiosk opens with every row intact.

``tests/data/kiosk-schema-v1.db`` is a file the version-1 store really wrote (at commit
9898613, with tests/data/make_kiosk_schema_v1_db.py): a sync of the demo feed, a small
iCalendar source and a failing source. A file made by the old code, not one the new code
imitates, is what a kiosk in the field holds. Tests open copies, never the file itself.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, activity, feed
from torg_kiosk.store import database
from torg_kiosk.store.database import (
    ScheduleNeedsRebuild,
    StoreError,
    open_db,
    schedule_db_files,
)
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.store.schema import (
    OUTBOX,
    OUTBOX_MIGRATIONS,
    SCHEDULE_MIGRATIONS,
    SCHEDULE_TABLES,
)
from torg_kiosk.sync.pipeline import Source, sync_source

V1_FIXTURE = Path(__file__).with_name("data") / "kiosk-schema-v1.db"
#: sha256 of each released migration script: kiosks in the field ran exactly these.
RELEASED_SCRIPTS = {
    ("kiosk.db", 1): "56027ebed6b214797fec737d25dd268a5343e60327acf9fe697e5b669e81eb62",
    ("kiosk.db", 2): "55cd073c9d62d217838cc63ab77a9b96ce953c4e1d228334b89f98bbd2186ab1",
}
#: The newest version this kiosk knows, and one past it that only tests apply: the runner
#: must be ready for a version before one is needed.
LATEST = max(SCHEDULE_MIGRATIONS)
NEXT = LATEST + 1
ADD_A_COLUMN = """
ALTER TABLE occurrences ADD COLUMN note TEXT DEFAULT 'from the next version';
CREATE INDEX occurrences_by_status ON occurrences (status);
"""


@pytest.fixture
def v1_db(tmp_path) -> Path:
    """A copy of the version-1 file, as kiosk.db in a data folder of its own."""
    path = tmp_path / "data" / "kiosk.db"
    path.parent.mkdir()
    shutil.copyfile(V1_FIXTURE, path)
    return path


def _version_1_columns() -> dict[str, str]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEDULE_MIGRATIONS[1])
    tables = {
        table.name: ", ".join(f'"{column}"' for column in columns_in(conn, table.name))
        for table in SCHEDULE_TABLES
        if table.name in tables_in(conn)
    }
    conn.close()
    return tables


def every_row(path: Path) -> dict[str, list[tuple]]:
    """Every version-1 table's rows by its version-1 columns, in a stable order: what a file
    written by the version-1 store holds must still be there after any migration."""
    conn = sqlite3.connect(path)
    try:
        return {
            name: conn.execute(f"SELECT {columns} FROM {name} ORDER BY {columns}").fetchall()
            for name, columns in _version_1_columns().items()
        }
    finally:
        conn.close()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def columns_in(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def tables_in(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows if not name.startswith("sqlite_")}


# --- one source of truth -----------------------------------------------------------------


def test_the_column_lists_are_exactly_the_tables_the_migrations_make(fresh_db):
    assert tables_in(fresh_db.conn) == {table.name for table in SCHEDULE_TABLES}
    for table in SCHEDULE_TABLES:
        assert columns_in(fresh_db.conn, table.name) == list(table.columns), table.name


def test_the_outbox_column_list_is_exactly_the_table_its_migrations_make(tmp_path):
    Outbox.open(tmp_path / "outbox.db").close()
    conn = sqlite3.connect(tmp_path / "outbox.db")
    try:
        assert tables_in(conn) == {OUTBOX.name}
        assert columns_in(conn, OUTBOX.name) == list(OUTBOX.columns)
    finally:
        conn.close()


@pytest.mark.parametrize(("database_name", "version"), sorted(RELEASED_SCRIPTS))
def test_a_released_migration_script_is_never_edited(database_name, version):
    scripts = SCHEDULE_MIGRATIONS if database_name == "kiosk.db" else OUTBOX_MIGRATIONS
    digest = hashlib.sha256(scripts[version].encode()).hexdigest()
    assert digest == RELEASED_SCRIPTS[database_name, version], (
        f"{database_name} version {version} ran on kiosks already: add a new version instead"
    )


# --- files from older kiosks ---------------------------------------------------------------


def test_a_file_written_by_the_version_1_store_opens_with_every_row(v1_db):
    before = every_row(v1_db)
    assert all(before.values()), "the fixture holds rows in every table"

    open_db(v1_db).conn.close()

    assert user_version(v1_db) == LATEST
    assert every_row(v1_db) == before


def test_version_2_numbers_every_stored_occurrence_0_and_adds_an_empty_closures_table(v1_db):
    open_db(v1_db).conn.close()
    conn = sqlite3.connect(v1_db)
    try:
        assert {seq for (seq,) in conn.execute("SELECT seq FROM occurrences")} == {0}
        assert conn.execute("SELECT count(*) FROM closures").fetchone() == (0,)
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert "occurrences_by_source" in indexes
    finally:
        conn.close()


def test_the_screen_reads_a_version_1_file_by_column_name(v1_db):
    open_db(v1_db).conn.close()
    schedule = Schedule.open(v1_db)
    try:
        today = schedule.today("tofte", PINNED_NOW)
        saturday = schedule.on_day("tofte", date(2026, 12, 5))
        overridden = schedule.on_day("tofte", date(2026, 12, 10))
        statuses = {status.source: status for status in schedule.sync_status()}
    finally:
        schedule.close()
    assert today and {view.source for view in today} == {"central"}  # the same knitting café
    # comes from both sources on Thursdays; the feed's is shown, the calendar's left out.

    def calendar(views):
        return [view for view in views if view.source == "tofte-bibliotek"]

    assert [(v.title["nb"], v.all_day, v.cancelled) for v in calendar(saturday)] == [
        ("Julemarked", True, True)
    ]
    assert [(v.title["nb"], v.room, v.start.hour) for v in calendar(overridden)] == [
        ("Strikkekafé – juleutgave", "Kafeen", 17)
    ]
    assert statuses["central"].activities == 87 and statuses["central"].ok
    assert statuses["heggedal-kalender"].last_error == "The calendar server did not answer."


def test_a_new_version_is_applied_once_and_keeps_every_row(v1_db, monkeypatch):
    before = every_row(v1_db)
    monkeypatch.setitem(SCHEDULE_MIGRATIONS, NEXT, ADD_A_COLUMN)

    for _ in range(2):  # the second open finds the new version and applies nothing again
        open_db(v1_db).conn.close()

    assert user_version(v1_db) == NEXT
    assert every_row(v1_db) == before
    conn = sqlite3.connect(v1_db)
    notes = {note for (note,) in conn.execute("SELECT note FROM occurrences")}
    conn.close()
    assert notes == {"from the next version"}


def test_writes_and_reads_name_their_columns_so_a_new_column_breaks_neither(
    v1_db, monkeypatch, make_feed
):
    """Regression: inserts were ``INSERT INTO occurrences VALUES (?,?,…)``, by position, so
    any version that added a column would have failed every sync ("table occurrences has 10
    columns but 9 values were supplied")."""
    monkeypatch.setitem(SCHEDULE_MIGRATIONS, NEXT, ADD_A_COLUMN)
    path = make_feed(
        feed([activity("evening", "2026-12-03T19:00:00+01:00", "2026-12-03T20:00:00+01:00")])
    )
    db = open_db(v1_db)
    result = sync_source(db, Source("holmen-kalender", "feed", str(path)), now=PINNED_NOW)
    db.conn.close()
    assert result.outcome == "updated", result.line()

    schedule = Schedule.open(v1_db)
    try:
        ids = [view.activity_id for view in schedule.today("holmen", PINNED_NOW)]
    finally:
        schedule.close()
    assert "evening" in ids


def test_a_failing_migration_leaves_the_file_at_the_version_before(v1_db, monkeypatch):
    before = every_row(v1_db)
    broken = ADD_A_COLUMN + "CREATE TABLE half_way (id INTEGER PRIMARY KEY, id TEXT);"
    monkeypatch.setitem(SCHEDULE_MIGRATIONS, NEXT, broken)

    with pytest.raises(ScheduleNeedsRebuild, match=rf"version {NEXT} \(duplicate column name"):
        open_db(v1_db)

    assert user_version(v1_db) == LATEST
    conn = sqlite3.connect(v1_db)
    try:
        assert "note" not in columns_in(conn, "occurrences"), "the whole version rolled back"
    finally:
        conn.close()
    assert every_row(v1_db) == before


def test_two_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path, monkeypatch):
    """The kiosk and a ``torg-sync`` started at the same moment both find version 0; the
    one that waits for the write lock must read the version again, not create the tables
    a second time."""
    path = tmp_path / "kiosk.db"
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("PRAGMA journal_mode=WAL")
    # The first opener is half-way through version 1 and holds the write lock.
    first.executescript(f"BEGIN IMMEDIATE; {SCHEDULE_MIGRATIONS[1]}; PRAGMA user_version=1;")

    waiting_for_the_lock = threading.Event()
    real_connect = database.connect

    def connect_and_watch(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(
            lambda sql: sql.startswith("BEGIN IMMEDIATE") and waiting_for_the_lock.set()
        )
        return conn

    monkeypatch.setattr(database, "connect", connect_and_watch)
    outcome: list[object] = []
    second = threading.Thread(target=lambda: outcome.append(_open_and_close(path)))
    second.start()
    assert waiting_for_the_lock.wait(timeout=30), "the second opener never asked for the lock"
    first.execute("COMMIT")
    first.close()
    second.join(timeout=30)

    assert outcome == ["opened"]
    assert user_version(path) == LATEST


def _open_and_close(path: Path) -> object:
    try:
        open_db(path).conn.close()
    except StoreError as error:
        return error
    return "opened"


# --- what the messages advise --------------------------------------------------------------


def test_a_file_from_a_newer_kiosk_is_left_as_it_is_with_advice_to_rebuild(v1_db):
    conn = sqlite3.connect(v1_db)
    conn.execute("PRAGMA user_version=7")
    conn.close()
    before = every_row(v1_db)

    with pytest.raises(ScheduleNeedsRebuild) as refused:
        open_db(v1_db)

    message = str(refused.value)
    assert f"schema version 7, newer than this kiosk's {LATEST}" in message
    assert "Update the kiosk software" in message
    assert "delete kiosk.db, kiosk.db-wal, kiosk.db-shm" in message
    assert "Leave outbox.db next to it alone" in message
    assert refused.value.path == v1_db
    assert user_version(v1_db) == 7 and every_row(v1_db) == before


def test_a_damaged_file_asks_for_a_rebuild_of_the_schedule_and_never_of_the_outbox(tmp_path):
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"this was a database once " * 400)

    with pytest.raises(ScheduleNeedsRebuild) as refused:
        open_db(path)

    message = str(refused.value)
    assert f"The schedule database {path} is damaged" in message
    assert "the next sync fetches again" in message
    assert "delete kiosk.db, kiosk.db-wal, kiosk.db-shm" in message
    assert "Leave outbox.db next to it alone" in message
    assert path.read_bytes() == b"this was a database once " * 400


def test_a_folder_that_cannot_hold_the_file_is_no_reason_to_rebuild(tmp_path):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data folder should be")

    with pytest.raises(StoreError) as refused:
        open_db(not_a_folder / "kiosk.db")

    assert not isinstance(refused.value, ScheduleNeedsRebuild)
    assert "Check that the data folder exists" in str(refused.value)


def test_a_rebuild_removes_kiosk_db_and_its_wal_files_only(tmp_path):
    path = tmp_path / "kiosk.db"
    assert schedule_db_files(path) == (path, tmp_path / "kiosk.db-wal", tmp_path / "kiosk.db-shm")
    assert database.outbox_db_path(tmp_path) not in schedule_db_files(path)
    assert database.schedule_db_path(tmp_path) == path


def test_a_day_after_the_fixture_was_made_the_stored_calendar_expands_again(v1_db):
    """The iCalendar bytes a version-1 kiosk kept are read back and expanded for a new day."""
    db = open_db(v1_db)
    calendar = Source("tofte-bibliotek", "ical", str(v1_db.parent / "gone.ics"), site="tofte")
    result = sync_source(db, calendar, now=PINNED_NOW + timedelta(days=7))
    db.conn.close()
    assert result.outcome == "failed"  # the file is gone: offline
    schedule = Schedule.open(v1_db)
    try:
        later = schedule.on_day("tofte", (PINNED_NOW + timedelta(days=21)).date())
    finally:
        schedule.close()
    assert [view.title["nb"] for view in later if view.source == "tofte-bibliotek"] == [
        "Strikkekafé"
    ]
