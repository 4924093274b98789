"""domain.day_rows: windows of Today's cards, read on a thread of their own.

Real feeds synced into a real SQLite file; the reader's thread is a real thread.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, busy_day, feed
from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain import present
from torg_kiosk.domain.day_rows import DayReader, DayRequest, DayWindows
from torg_kiosk.store.database import ScheduleNeedsRebuild, StoreError, open_db
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

DAY = date(2026, 12, 3)
AT_NOON = datetime(2026, 12, 3, 12, 0, tzinfo=OSLO)


@pytest.fixture
def db_path(tmp_path, make_feed):
    path = make_feed(feed(busy_day(200)))
    db = open_db(tmp_path / "kiosk.db")
    assert sync_source(db, Source("central", "feed", str(path)), now=PINNED_NOW).ok
    db.conn.close()
    return tmp_path / "kiosk.db"


@pytest.fixture
def windows(db_path):
    schedule = Schedule.open(db_path)
    yield DayWindows(schedule)
    schedule.close()


def request(db_path, **kw) -> DayRequest:
    values = dict(db_path=db_path.resolve(), site="holmen", day=DAY, category="", now=AT_NOON,
                  language="nb", first=0, size=10)  # fmt: skip
    return DayRequest(**(values | kw))


def test_a_window_is_the_days_cards_from_its_first_row(windows, db_path):
    rows = windows.read(request(db_path, first=30))
    whole = windows.schedule.on_day("holmen", DAY)
    assert rows.total == len(whole) == 201
    assert rows.first == 30
    assert rows.cards == [present.card(view, AT_NOON, "nb") for view in whole[30:40]]
    assert rows.categories == ["exercise", "language", "walk"]
    assert rows.current is None


def test_without_a_first_row_the_window_opens_at_the_first_activity_not_over(windows, db_path):
    rows = windows.read(request(db_path, first=None))
    whole = windows.schedule.on_day("holmen", DAY)
    current = next(i for i, view in enumerate(whole) if not view.is_past(AT_NOON))
    assert rows.current == current
    assert rows.first <= current < rows.first + len(rows.cards)
    assert not rows.cards[current - rows.first]["past"]


def test_a_window_never_runs_past_the_end(windows, db_path):
    rows = windows.read(request(db_path, first=198))
    assert (rows.first, len(rows.cards)) == (191, 10)


def test_paging_on_from_a_row_held_gives_the_same_cards_as_by_position(windows, db_path):
    held = windows.read(request(db_path, first=50))
    anchor = held.anchor_for(60)
    assert anchor is not None and anchor.position == 59
    by_key = windows.read(request(db_path, first=60, anchor=anchor))
    by_position = windows.read(request(db_path, first=60))
    assert by_key.cards == by_position.cards and by_key.first == 60


def test_a_category_no_longer_on_the_day_falls_back_to_all(windows, db_path):
    rows = windows.read(request(db_path, category="theatre"))
    assert rows.category == "" and rows.total == 201
    walks = windows.read(request(db_path, category="walk"))
    assert walks.category == "walk"
    assert {card["category_text"] for card in walks.cards} == {"Tur"}


def test_an_empty_day_says_what_is_on_next(windows, db_path):
    rows = windows.read(request(db_path, day=date(2026, 12, 2), first=None))
    assert rows.total == 1  # the overnight one starts on the 2nd
    first_of_december = datetime(2026, 12, 1, 12, 0, tzinfo=OSLO)
    empty = windows.read(
        request(db_path, day=first_of_december.date(), now=first_of_december, first=None)
    )
    assert empty.total == 0 and empty.cards == []
    assert empty.empty_text.startswith("I dag er det ingen aktiviteter her. Neste: onsdag")


def test_the_reader_answers_on_its_own_thread_and_only_the_newest_request(db_path):
    delivered: list[tuple] = []
    done = threading.Event()
    first_read = threading.Event()
    release = threading.Event()

    def deliver(asked, rows):
        delivered.append((asked, rows, threading.current_thread().name))
        first_read.set()
        release.wait(10)
        if asked.first == 99:
            done.set()

    reader = DayReader(deliver)
    try:
        reader.request(request(db_path, first=0))
        assert first_read.wait(10)  # the reader is busy delivering the first one …
        for first in (10, 20, 99):  # … while three more come in: only the last is read
            reader.request(request(db_path, first=first))
        release.set()
        assert done.wait(10)
    finally:
        reader.close()
    assert [asked.first for asked, _, _ in delivered] == [0, 99]
    assert all(thread == "torg-day-rows" for _, _, thread in delivered)
    assert delivered[-1][1].first == 99


def _answer_for(path: Path, base: DayRequest):
    answers: list = []
    done = threading.Event()

    def deliver(asked, rows):
        answers.append(rows)
        done.set()

    reader = DayReader(deliver)
    try:
        reader.request(replace(base, db_path=path))
        assert done.wait(10)
    finally:
        reader.close()
    assert len(answers) == 1
    return answers[0]


def test_a_schedule_that_cannot_be_read_is_delivered_as_its_storage_problem(
    tmp_path, db_path, caplog
):
    missing = _answer_for(tmp_path / "missing.db", request(db_path))
    assert isinstance(missing, StoreError)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database file " * 200)
    damaged = _answer_for(garbage, request(db_path))
    assert isinstance(damaged, ScheduleNeedsRebuild)
    # The screen's owner says it once (app.schedule_failed); the reader logs no traceback.
    assert "Traceback" not in caplog.text and "failed" not in caplog.text


def test_a_file_with_no_schedule_yet_is_delivered_as_none(tmp_path, db_path):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert _answer_for(empty, request(db_path)) is None
