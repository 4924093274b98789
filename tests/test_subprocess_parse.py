"""A big feed is parsed in a child process: same rows, same refusals, as in-process."""

import json
import logging
import os

import pytest

from tests.conftest import DEMO_FEED, PINNED_NOW
from tests.httpfixtures import Reply, serve_replies
from tests.test_cli import torg_sync, write_config
from torg_kiosk.store.database import open_db
from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.store.rows import rows_of
from torg_kiosk.sync import pipeline
from torg_kiosk.sync.formats.feed_v1 import iter_feed
from torg_kiosk.sync.pipeline import Source, sync_source
from torg_kiosk.sync.subprocess_parse import PARALLEL_THRESHOLD_BYTES, feed_rows_in_child

WINDOW = Window.around(PINNED_NOW)


def test_the_child_gives_the_same_rows_as_parsing_here():
    body = DEMO_FEED.read_bytes()
    here = [rows_of("demo", c) for c in iter_feed(body, window=WINDOW, now=PINNED_NOW)]
    there = list(feed_rows_in_child("demo", body, window=WINDOW, now=PINNED_NOW))
    assert there == here
    assert sum(len(chunk.activities) for chunk in there) > 50


def test_a_refusal_in_the_child_is_raised_here_with_its_code():
    body = DEMO_FEED.read_bytes()[:-500]  # cut off
    with pytest.raises(FeedRefused) as refused:
        list(feed_rows_in_child("demo", body, window=WINDOW, now=PINNED_NOW))
    assert refused.value.code == "truncated"


def dump(db):
    return [
        db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table in ("activities", "occurrences", "announcements", "ticket_keys")
    ]


def test_a_sync_through_the_child_stores_exactly_what_an_in_process_sync_stores(
    tmp_path, monkeypatch
):
    source = Source("demo", "feed", str(DEMO_FEED))
    in_process = open_db(tmp_path / "here.db")
    assert sync_source(in_process, source, now=PINNED_NOW).outcome == "updated"

    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD_BYTES", 0)
    through_child = open_db(tmp_path / "child.db")
    assert sync_source(through_child, source, now=PINNED_NOW).outcome == "updated"
    assert dump(through_child) == dump(in_process)


def test_a_refused_feed_through_the_child_keeps_the_last_good_data(tmp_path, monkeypatch):
    good = Source("demo", "feed", str(DEMO_FEED))
    db = open_db(tmp_path / "k.db")
    sync_source(db, good, now=PINNED_NOW)
    before = dump(db)
    broken = tmp_path / "broken.json"
    broken.write_bytes(DEMO_FEED.read_bytes()[:-500])
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD_BYTES", 0)
    result = sync_source(db, Source("demo", "feed", str(broken)), now=PINNED_NOW)
    assert result.outcome == "refused"
    assert dump(db) == before


def feed_with_a_bad_record() -> bytes:
    """The demo feed with one more activity, invalid: its category is not one."""
    document = json.loads(DEMO_FEED.read_bytes())
    bad = {**document["activities"][0], "id": "bad-category", "category": "karaoke"}
    document["activities"].append(bad)
    return json.dumps(document).encode()


def test_what_the_child_logs_is_logged_here_with_its_level_and_logger(caplog):
    caplog.set_level(logging.INFO)
    list(feed_rows_in_child("demo", feed_with_a_bad_record(), window=WINDOW, now=PINNED_NOW))
    [record] = [r for r in caplog.records if "bad-category" in r.getMessage()]
    assert (record.levelname, record.name) == ("WARNING", "torg_kiosk.sync.formats.feed_v1")
    assert record.getMessage().startswith("skipped activity bad-category: category:")
    assert record.process != os.getpid()  # it really came from the child


def test_the_child_logs_nothing_below_the_level_this_process_logs(caplog):
    caplog.set_level(logging.ERROR, logger="torg_kiosk")
    list(feed_rows_in_child("demo", feed_with_a_bad_record(), window=WINDOW, now=PINNED_NOW))
    assert [r for r in caplog.records if r.name.startswith("torg_kiosk.sync.formats")] == []


def test_a_big_feed_s_warnings_reach_torg_sync_s_stderr_with_their_level(tmp_path):
    """Regression: the child logged bare messages, without torg-sync's "LEVEL logger:" prefix."""
    document = json.loads(feed_with_a_bad_record())
    document["padding"] = "x" * PARALLEL_THRESHOLD_BYTES  # unknown keys are ignored
    del document["ticket_keys"]  # demo keys count only from the bundled file, not from here
    body = json.dumps(document).encode()
    assert len(body) >= PARALLEL_THRESHOLD_BYTES
    with serve_replies(Reply(200, body, {"Content-Type": "application/json"})) as server:
        config = write_config(tmp_path, server.url + "/feed.json")
        once = torg_sync("--config", str(config), "--data", str(tmp_path), "--site", "heggedal",
                         "once", "--now", "2026-12-03T10:15", timeout=120)  # fmt: skip
    assert once.returncode == 0, once.stderr
    assert "1 records skipped" in once.stdout
    [line] = [line for line in once.stderr.splitlines() if "bad-category" in line]
    assert line.startswith("WARNING torg_kiosk.sync.formats.feed_v1: skipped activity bad-category")
