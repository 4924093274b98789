"""The demo feed's ticket key counts only while the kiosk runs on the bundled demo feed.

Its private key comes from a public seed (tools/make_demo_feed.py), so anyone can sign tickets
it verifies. Real syncs into a real SQLite file: the bundled demo source keeps the key; the
same feed from anywhere else (the reference server, a copied file) is stored without it, and a
warning names the key and why.
"""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from tests.conftest import DEMO_FEED, PINNED_NOW, activity, feed
from torg_central.devserver import serve
from torg_kiosk.base.settings import demo_feed_path, load_kiosk_config
from torg_kiosk.store.snapshots import source_status
from torg_kiosk.sync.pipeline import Source, sync_source
from torg_kiosk.sync.sources import sources_for

DEMO_KEY = json.loads(DEMO_FEED.read_text(encoding="utf-8"))["ticket_keys"][0]
#: A key whose private half nobody published (the schema checks only its form).
REAL_KEY = {"kid": "asker-2027", "algorithm": "Ed25519", "public_key": "A" * 42 + "E"}


def stored_keys(db) -> list[tuple[str, str]]:
    return db.execute("SELECT source, kid FROM ticket_keys ORDER BY 1, 2").fetchall()


def test_the_demo_feeds_key_is_marked_demo():
    assert DEMO_KEY["kid"] == "demo-2026"
    assert DEMO_KEY["demo"] is True


def test_the_bundled_demo_source_keeps_its_demo_key(fresh_db):
    kiosk = load_kiosk_config(DEMO_FEED.parents[2] / "config" / "kiosk.toml")
    [demo] = sources_for(kiosk, [])
    assert kiosk.feed.uses_demo and demo.location == str(demo_feed_path())
    result = sync_source(fresh_db, demo, now=PINNED_NOW)
    assert result.outcome == "updated", result.line()
    assert stored_keys(fresh_db) == [("demo", "demo-2026")]
    assert result.skipped == 0


def test_the_demo_feed_served_as_the_central_feed_is_stored_without_its_key(
    fresh_db, tmp_path, caplog
):
    with (
        serve(DEMO_FEED, db_path=tmp_path / "central.db") as server,
        caplog.at_level(logging.WARNING),
    ):
        result = sync_source(
            fresh_db, Source("central", "feed", server.url + "/feed.json"), now=PINNED_NOW
        )
    assert result.outcome == "updated", result.line()
    assert fresh_db["activities"].count > 50  # everything else is used
    assert stored_keys(fresh_db) == []
    assert result.skipped == source_status(fresh_db, "central")["skipped"] == 1
    [warning] = [r.getMessage() for r in caplog.records if "ticket key" in r.getMessage()]
    assert warning.startswith("skipped ticket key demo-2026: it is marked demo")
    assert "anyone can sign tickets" in warning


def test_a_copy_of_the_demo_feed_named_demo_does_not_bring_its_key(fresh_db, tmp_path):
    """The bundled source is known by its path, not by the id a config gives a source."""
    copy = tmp_path / "feed.json"
    shutil.copyfile(DEMO_FEED, copy)
    result = sync_source(fresh_db, Source("demo", "feed", str(copy)), now=PINNED_NOW)
    assert result.outcome == "updated", result.line()
    assert stored_keys(fresh_db) == []


@pytest.mark.parametrize(
    "key",
    [
        {**REAL_KEY, "demo": True},  # any key marked demo
        {k: v for k, v in DEMO_KEY.items() if k != "demo"},  # the demo key, its mark removed
    ],
    ids=["marked-demo", "demo-key-unmarked"],
)
def test_a_real_feed_with_a_demo_key_keeps_only_its_real_keys(fresh_db, make_feed, key):
    document = feed([activity("a1", "2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00")])
    document["ticket_keys"] = [REAL_KEY, key]
    path = make_feed(document)
    result = sync_source(fresh_db, Source("central", "feed", str(path)), now=PINNED_NOW)
    assert result.outcome == "updated", result.line()
    assert stored_keys(fresh_db) == [("central", "asker-2027")]
    assert result.skipped == 1


def test_a_demo_key_from_a_big_feed_parsed_in_a_child_process_is_dropped_too(
    fresh_db, make_feed, monkeypatch
):
    from torg_kiosk.sync import pipeline

    document = feed([activity("a1", "2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00")])
    document["ticket_keys"] = [REAL_KEY, {**REAL_KEY, "kid": "x", "demo": True}]
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD_BYTES", 0)
    path = make_feed(document)
    sync_source(fresh_db, Source("central", "feed", str(path)), now=PINNED_NOW)
    assert stored_keys(fresh_db) == [("central", "asker-2027")]
