"""The heartbeat against the reference central server: what it says, the picture of Home
that follows it, and what happens when the central side is down. Real HTTP on 127.0.0.1, a
real data folder (kiosk.db written by the sync's writers, outbox.db by the outbox).
"""

from __future__ import annotations

import io
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PIL import Image

from tests.conftest import DEMO_FEED
from torg_central.server import serve
from torg_kiosk.base.health_board import RESTING, HealthBoard, ScreenPicture
from torg_kiosk.store.database import open_db
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.store.snapshots import SourceMeta, record_failure, record_unchanged
from torg_kiosk.sync.heartbeat import Heartbeat
from torg_kiosk.sync.heartbeat_loop import HeartbeatLoop

NOW = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


@pytest.fixture
def central(tmp_path):
    with serve(DEMO_FEED, db_path=tmp_path / "central.db", now=lambda: NOW) as server:
        yield server


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    db = open_db(folder / "kiosk.db")
    record_unchanged(db, SourceMeta("central", "feed", "x"), now=NOW - timedelta(minutes=40))
    record_failure(db, SourceMeta("central", "feed", "x"), now=NOW - timedelta(minutes=10),
                   code="timeout", message="The feed server did not answer.")  # fmt: skip
    db.conn.close()
    outbox = Outbox.open(folder / "outbox.db")
    for ticket in ("T-1", "T-2"):
        outbox.add("checkin", {"ticket": ticket}, now=NOW - timedelta(minutes=5))
    outbox.close()
    return folder


def jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 270), colour).save(out, "JPEG")
    return out.getvalue()


def heartbeats(server) -> list[dict]:
    answer = requests.get(f"{server.url}/api/uploads", params={"kind": "heartbeats"}, timeout=5)
    return [stored["body"] for stored in answer.json()]


def test_a_heartbeat_tells_the_central_side_how_the_kiosk_is(central, data):
    board = HealthBoard()
    heartbeat = Heartbeat(central_url=central.url, site="tofte", data_dir=data, board=board,
                          kiosk="tofte-1", wall=lambda: NOW)  # fmt: skip
    assert heartbeat.beat()
    [beat] = heartbeats(central)
    assert beat["kiosk"] == "tofte-1" and beat["site"] == "tofte"
    assert beat["at"] == "2026-12-03T09:15:00Z"
    assert beat["version"]
    assert beat["uptime_seconds"] >= 0
    assert beat["last_sync_at"] == "2026-12-03T08:35:00Z"
    assert beat["data_age_seconds"] == 40 * 60
    assert beat["last_sync_result"] == "timeout"
    assert beat["outbox_waiting"] == 2
    assert beat["free_disk_bytes"] > 0
    assert beat["screen"] == "on" and beat["frames_stuck"] is False
    assert beat["clock_trust"] == "trusted"
    assert len(beat["nonce"]) >= 16


def test_each_heartbeat_is_a_new_record_and_reports_the_screen_resting(central, data):
    board = HealthBoard()
    heartbeat = Heartbeat(central_url=central.url, site="tofte", data_dir=data, board=board,
                          kiosk="tofte-1", wall=lambda: NOW)  # fmt: skip
    heartbeat.beat()
    board.post(screen=RESTING, resting_until="2026-12-04T07:00:00Z")
    heartbeat.beat()
    first, second = heartbeats(central)
    assert first["nonce"] != second["nonce"]
    assert (second["screen"], second["resting_until"]) == ("resting", "2026-12-04T07:00:00Z")


def test_a_clock_behind_the_stored_checkins_is_reported(central, data):
    heartbeat = Heartbeat(central_url=central.url, site="tofte", data_dir=data,
                          board=HealthBoard(), kiosk="tofte-1",
                          wall=lambda: NOW - timedelta(days=2))  # fmt: skip
    heartbeat.beat()
    assert heartbeats(central)[0]["clock_trust"] == "behind_checkin"


def test_a_new_picture_of_home_follows_the_heartbeat_once(central, data):
    board = HealthBoard()
    heartbeat = Heartbeat(central_url=central.url, site="tofte", data_dir=data, board=board,
                          kiosk="tofte-1", wall=lambda: NOW)  # fmt: skip
    board.post(picture=ScreenPicture(jpeg("navy"), "2026-12-03T09:14:00Z"))
    heartbeat.beat()
    shown = requests.get(f"{central.url}/fleet/tofte-1/screenshot.jpg", timeout=5)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.content == jpeg("navy")
    assert shown.headers["X-Taken-At"] == "2026-12-03T09:14:00Z"

    sent = []
    heartbeat.client.post_json = lambda url, body, **kw: sent.append(url)  # count, don't send
    heartbeat.beat()
    assert sent == [f"{central.url}/api/heartbeats"], "the same picture is not sent again"


def test_a_central_side_that_is_down_costs_one_line_not_one_per_beat(data, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    heartbeat = Heartbeat(central_url=dead, site="tofte", data_dir=data, board=HealthBoard(),
                          kiosk="tofte-1")  # fmt: skip
    with caplog.at_level(logging.INFO, logger="torg_kiosk.sync.heartbeat"):
        assert heartbeat.beat() is False
        assert heartbeat.beat() is False
    failed = [r.getMessage() for r in caplog.records if "heartbeat_failed" in r.getMessage()]
    assert len(failed) == 1 and "code=connection" in failed[0]


def test_the_loop_beats_on_its_own_thread_until_stopped(central, data):
    board = HealthBoard()
    loop = HeartbeatLoop(lambda: Heartbeat(central_url=central.url, site="tofte",
                                           data_dir=data, board=board, kiosk="tofte-1"),
                         interval_seconds=0.2, jitter_seconds=0)  # fmt: skip
    loop.start(first_delay_seconds=0)
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while len(heartbeats(central)) < 3 and datetime.now(UTC) < deadline:
        time.sleep(0.05)
    loop.stop()
    count = len(heartbeats(central))
    assert count >= 3
    assert not loop._thread.is_alive()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kiosk": "tofte 1", "taken_at": "2026-12-03T09:14:00Z", "jpeg_base64": ""},
         "bad_kiosk"),
        ({"kiosk": "tofte-1", "taken_at": "yesterday", "jpeg_base64": ""}, "bad_time"),
        ({"kiosk": "tofte-1", "taken_at": "2026-12-03T09:14:00Z",
          "jpeg_base64": "iVBORw0KGgo="}, "bad_picture"),  # a PNG's first bytes
    ],
)  # fmt: skip
def test_the_central_side_refuses_a_picture_it_cannot_show(central, body, code):
    answer = requests.post(f"{central.url}/api/screenshots", json=body, timeout=5)
    assert (answer.status_code, answer.json()["code"]) == (400, code)
