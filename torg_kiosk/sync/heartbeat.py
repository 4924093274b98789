"""The heartbeat: every few minutes the kiosk tells the central side how it is.

``POST <central_url>/api/heartbeats`` (docs/uploads.md) through the one
:class:`~torg_kiosk.sync.http_client.HttpClient`, with the site, version, uptime, the data's
age and the last sync's result, how many records wait in the outbox, free disk, the
screen's state (on, resting, in a call), whether its frames still change, and the clock's
trust. When the screen has posted a new picture of Home, it follows as
``POST <central_url>/api/screenshots``. The fleet page is built from these.

Heartbeats do not go through the outbox: a heartbeat says "alive now", and a pile of old
ones sent after a network outage would say nothing the next one does not. A failed beat is
simply the next one's job. Runs on its own thread
(:class:`torg_kiosk.sync.heartbeat_loop.HeartbeatLoop`); reads the store
read-only, so it never waits on a sync's lock for long.
"""

from __future__ import annotations

import base64
import logging
import shutil
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from torg_kiosk.base.clock import utc_text
from torg_kiosk.base.clock_trust import JumpWatch, assess_clock
from torg_kiosk.base.health_board import HealthBoard
from torg_kiosk.base.journal import event
from torg_kiosk.base.version import kiosk_version
from torg_kiosk.store.clock_evidence import read_clock_evidence
from torg_kiosk.store.health_facts import outbox_waiting, sync_summary
from torg_kiosk.store.outbox import new_nonce
from torg_kiosk.sync.http_client import HttpClient, HttpError, HttpLimits

log = logging.getLogger(__name__)

#: A beat is small and the next one comes soon: no long retries.
HEARTBEAT_LIMITS = HttpLimits(connect_timeout=5, read_timeout=10, deadline=30, retries=1)


def kiosk_id() -> str:
    """The machine's id in uploads: its host name (set one per machine, e.g. ``tofte-1``)."""
    return socket.gethostname().split(".")[0] or "kiosk"


class Heartbeat:
    """Builds and sends one heartbeat at a time (see :meth:`beat`)."""

    def __init__(
        self,
        *,
        central_url: str,
        site: str,
        data_dir: Path,
        board: HealthBoard,
        kiosk: str | None = None,
        client: HttpClient | None = None,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.url = central_url.rstrip("/")
        self.site = site
        self.data_dir = Path(data_dir)
        self.board = board
        self.kiosk = kiosk or kiosk_id()
        self.client = client or HttpClient(HEARTBEAT_LIMITS, server="central server")
        self.wall = wall
        self.jumps = JumpWatch(wall, monotonic)
        self._picture_sent: str | None = None
        self._failing: str | None = None
        self.sent = 0

    def payload(self) -> dict:
        """The heartbeat body (docs/uploads.md, *heartbeat*), with a new nonce."""
        now = self.wall()
        summary = sync_summary(self.data_dir)
        trust = assess_clock(now, read_clock_evidence(self.data_dir), self.jumps.look())
        health = self.board.read()
        return {
            "nonce": new_nonce(),
            "kiosk": self.kiosk,
            "site": self.site,
            "at": utc_text(now),
            "version": kiosk_version(),
            "uptime_seconds": self.board.uptime_seconds(),
            "last_sync_at": utc_text(summary.last_success) if summary.last_success else None,
            "data_age_seconds": (
                int((now - summary.last_success).total_seconds()) if summary.last_success else None
            ),
            "last_sync_result": summary.last_result,
            "outbox_waiting": outbox_waiting(self.data_dir),
            "free_disk_bytes": _free_bytes(self.data_dir),
            "screen": health.screen,
            "resting_until": health.resting_until,
            "frames_stuck": health.frames_stuck,
            "clock_trust": trust.code,
        }

    def beat(self) -> bool:
        """Send one heartbeat, then Home's picture if there is a new one; True if it arrived."""
        body = self.payload()
        try:
            self.client.post_json(f"{self.url}/api/heartbeats", body, accept=(200, 201))
            picture = self.board.read().picture
            if picture is not None and picture.taken_at != self._picture_sent:
                self.client.post_json(
                    f"{self.url}/api/screenshots",
                    {
                        "kiosk": self.kiosk,
                        "site": self.site,
                        "taken_at": picture.taken_at,
                        "jpeg_base64": base64.b64encode(picture.jpeg).decode("ascii"),
                    },
                    accept=(200, 201),
                )
                self._picture_sent = picture.taken_at
        except HttpError as error:
            if error.code != self._failing:
                event(
                    log,
                    "heartbeat_failed",
                    error.message,
                    level=logging.WARNING,
                    code=error.code,
                    status=error.status,
                )
            self._failing = error.code
            return False
        if self.sent == 0 or self._failing:
            event(
                log,
                "heartbeat_sent",
                kiosk=self.kiosk,
                screen=body["screen"],
                clock_trust=body["clock_trust"],
                outbox_waiting=body["outbox_waiting"],
            )
        self._failing = None
        self.sent += 1
        return True

    def close(self) -> None:
        self.client.close()


def _free_bytes(folder: Path) -> int | None:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None
