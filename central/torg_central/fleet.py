"""The fleet page: every kiosk, its last heartbeat, what is wrong, and a picture of its Home.

- ``GET /fleet``: one row per kiosk that ever sent a heartbeat, newest facts first. A kiosk
  is marked **quiet** when its last heartbeat is older than :data:`QUIET_AFTER` (three
  missed beats), unless it said it was resting until a time not yet reached (a torg that is
  closed may switch its screen off at the wall); **stale** when its programme is older than
  :data:`STALE_AFTER`; and it shows a stuck screen, an untrusted clock, a failed sync, a
  growing outbox and a nearly full disk as it reported them.
- ``POST /api/screenshots``: the kiosk's latest picture of Home (JSON, the JPEG in base64,
  under the uploads' 64 KiB limit); only the newest per kiosk is kept.
- ``GET /fleet/<kiosk>/screenshot.jpg``: that picture.

Heartbeats themselves arrive at ``POST /api/heartbeats`` (the uploads blueprint) and are read
here from the uploads store. Like the rest of torg-central, a reference: no login.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template_string, request

from torg_central.context import central
from torg_central.errors import ApiError
from torg_central.storage import utc_text

blueprint = Blueprint("fleet", __name__)

QUIET_AFTER = timedelta(minutes=15)
STALE_AFTER = timedelta(hours=2)
LOW_DISK_BYTES = 500 * 1024 * 1024
KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_EXTENSION = "torg_central_fleet"


class ScreenshotStore:
    """The newest picture per kiosk, in a table of the uploads database file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS screenshots (kiosk TEXT PRIMARY KEY, site TEXT, "
                "taken_at TEXT NOT NULL, received_at TEXT NOT NULL, jpeg BLOB NOT NULL)"
            )

    def put(self, kiosk: str, site: str, taken_at: str, received_at: str, jpeg: bytes) -> None:
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute(
                "INSERT INTO screenshots VALUES (?, ?, ?, ?, ?) ON CONFLICT (kiosk) DO UPDATE "
                "SET site = excluded.site, taken_at = excluded.taken_at, "
                "received_at = excluded.received_at, jpeg = excluded.jpeg",
                (kiosk, site, taken_at, received_at, jpeg),
            )

    def get(self, kiosk: str) -> tuple[str, bytes] | None:
        with closing(sqlite3.connect(self.path)) as db:
            row = db.execute(
                "SELECT taken_at, jpeg FROM screenshots WHERE kiosk = ?", (kiosk,)
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def taken(self) -> dict[str, str]:
        with closing(sqlite3.connect(self.path)) as db:
            return dict(db.execute("SELECT kiosk, taken_at FROM screenshots"))


def screenshots() -> ScreenshotStore:
    store = current_app.extensions.get(_EXTENSION)
    if store is None:
        store = current_app.extensions[_EXTENSION] = ScreenshotStore(central().config.db_path)
    return store


@dataclass(frozen=True)
class KioskRow:
    kiosk: str
    site: str
    received_at: datetime
    beat: dict
    marks: tuple[str, ...]
    picture_taken_at: str | None

    @property
    def alert(self) -> bool:
        return any(mark in ("quiet", "stale", "screen stuck") for mark in self.marks)


def _instant(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if text else None
    except (TypeError, ValueError):
        return None


def fleet_rows(now: datetime) -> list[KioskRow]:
    latest: dict[str, tuple[datetime, dict]] = {}
    for stored in central().store.uploads("heartbeats"):
        kiosk = stored.body.get("kiosk")
        received = _instant(stored.received_at)
        if not isinstance(kiosk, str) or received is None:
            continue
        if kiosk not in latest or received >= latest[kiosk][0]:
            latest[kiosk] = (received, stored.body)
    pictures = screenshots().taken()
    rows = [
        KioskRow(
            kiosk,
            str(beat.get("site", "")),
            received,
            beat,
            _marks(now, received, beat),
            pictures.get(kiosk),
        )
        for kiosk, (received, beat) in latest.items()
    ]
    return sorted(rows, key=lambda row: (not row.alert, row.site, row.kiosk))


def _marks(now: datetime, received: datetime, beat: dict) -> tuple[str, ...]:
    marks = []
    resting_until = _instant(beat.get("resting_until"))
    if now - received > QUIET_AFTER:
        resting = beat.get("screen") == "resting" and resting_until and now < resting_until
        marks.append("resting, quiet" if resting else "quiet")
    elif beat.get("screen") == "resting":
        marks.append("resting")
    last_sync = _instant(beat.get("last_sync_at"))
    if last_sync is None or received - last_sync > STALE_AFTER:
        marks.append("stale")
    if beat.get("frames_stuck"):
        marks.append("screen stuck")
    if beat.get("clock_trust") not in (None, "trusted"):
        marks.append(f"clock: {beat['clock_trust']}")
    if beat.get("last_sync_result") not in (None, "ok"):
        marks.append(f"sync: {beat['last_sync_result']}")
    free = beat.get("free_disk_bytes")
    if isinstance(free, int) and free < LOW_DISK_BYTES:
        marks.append("disk nearly full")
    return tuple(marks)


def _age(now: datetime, then: datetime | None) -> str:
    if then is None:
        return "never"
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>torg-kiosk fleet</title>
<meta http-equiv="refresh" content="60">
<style>
 body { font-family: sans-serif; margin: 1.5rem; color: #111; }
 table { border-collapse: collapse; width: 100%; }
 th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ccc; }
 tr.alert { background: #fde8e8; }
 .mark { display: inline-block; padding: 0 .4rem; margin: 0 .2rem .2rem 0;
         border-radius: .3rem; background: #eee; }
 .mark.quiet, .mark.stale, .mark.screen-stuck { background: #b00020; color: #fff; }
 img { width: 240px; border: 1px solid #999; }
</style></head><body>
<h1>torg-kiosk fleet</h1>
<p>{{ rows|length }} kiosk(s); quiet after {{ quiet_minutes }} min without a heartbeat, stale
after {{ stale_hours }} h without new data. Reference server: not for production.</p>
<table><thead><tr><th>kiosk</th><th>last heartbeat</th><th>marks</th><th>facts</th>
<th>Home</th></tr></thead><tbody>
{% for row in rows %}
<tr class="{{ 'alert' if row.alert else 'ok' }}" data-kiosk="{{ row.kiosk }}">
 <td><strong>{{ row.kiosk }}</strong><br>{{ row.site }}</td>
 <td class="heard">{{ age(row.received_at) }}<br>
  <small>{{ stamp(row.received_at) }}</small></td>
 <td class="marks">
 {%- for mark in row.marks %}<span class="mark {{ mark|replace(' ', '-') }}">{{ mark }}</span>
 {%- else %}<span class="mark">ok</span>{% endfor %}</td>
 <td class="facts"><small>version {{ row.beat.version }}
  · up {{ (row.beat.uptime_seconds or 0) // 3600 }} h
  · data {{ age(instant(row.beat.last_sync_at)) }} · screen {{ row.beat.screen }}
  · waiting {{ row.beat.outbox_waiting if row.beat.outbox_waiting is not none else "–" }}
  · clock {{ row.beat.clock_trust }}
  {%- if row.beat.resting_until %} · resting until {{ row.beat.resting_until }}{% endif %}
  </small></td>
 <td class="picture">{% if row.picture_taken_at %}
  <img alt="Home of {{ row.kiosk }}"
       src="/fleet/{{ row.kiosk }}/screenshot.jpg?t={{ row.picture_taken_at }}">
  <br><small>{{ row.picture_taken_at }}</small>
 {%- else %}<small>no picture yet</small>{% endif %}</td>
</tr>
{% endfor %}
</tbody></table></body></html>
"""


@blueprint.get("/fleet")
def fleet_page():
    now = central().config.now()
    return render_template_string(
        PAGE,
        rows=fleet_rows(now),
        age=lambda then: _age(now, then),
        stamp=utc_text,
        instant=_instant,
        quiet_minutes=int(QUIET_AFTER.total_seconds() // 60),
        stale_hours=int(STALE_AFTER.total_seconds() // 3600),
    )


@blueprint.get("/fleet/<kiosk>/screenshot.jpg")
def screenshot(kiosk: str):
    found = screenshots().get(kiosk)
    if found is None:
        raise ApiError(404, "no_screenshot", f"No picture of {kiosk!r} has arrived yet.")
    taken_at, jpeg = found
    return Response(
        jpeg, mimetype="image/jpeg", headers={"X-Taken-At": taken_at, "Cache-Control": "no-store"}
    )


@blueprint.post("/api/screenshots")
def upload_screenshot():
    try:
        body = json.loads(request.get_data(cache=False))
    except ValueError as error:
        raise ApiError(400, "not_json", f"The body is not valid JSON: {error}.") from error
    if not isinstance(body, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object, {…}.")
    kiosk, taken_at = body.get("kiosk"), body.get("taken_at")
    if not isinstance(kiosk, str) or not KIOSK_ID.fullmatch(kiosk):
        raise ApiError(
            400,
            "bad_kiosk",
            "'kiosk' must be the machine's id: letters, digits, '.', '-' or '_', at most 64.",
        )
    if _instant(taken_at) is None:
        raise ApiError(400, "bad_time", "'taken_at' must be an instant like 2026-12-03T09:15:00Z.")
    try:
        jpeg = base64.b64decode(body.get("jpeg_base64", ""), validate=True)
    except (binascii.Error, TypeError) as error:
        raise ApiError(400, "bad_picture", "'jpeg_base64' is not base64.") from error
    if not jpeg.startswith(b"\xff\xd8\xff"):
        raise ApiError(400, "bad_picture", "'jpeg_base64' must hold a JPEG picture.")
    received = utc_text(central().config.now())
    screenshots().put(kiosk, str(body.get("site", "")), taken_at, received, jpeg)
    return {"status": "stored", "kiosk": kiosk, "received_at": received}, 201
