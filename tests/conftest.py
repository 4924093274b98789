"""Shared fixtures: a fresh SQLite store, the demo feed, a pinned clock, and small feed makers.

The feed makers build schema-valid feed v1 documents by hand, so a test states exactly the
activities it is about and nothing else.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from torg_kiosk.store.database import open_db  # noqa: E402
from torg_kiosk.store.records import OSLO  # noqa: E402  (needs the repo root on sys.path first)

DEMO_FEED = REPO_ROOT / "torg_kiosk" / "assets" / "demo" / "feed.json"
#: A Thursday morning in December: the clock every schedule test is pinned to.
PINNED_NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
SITES = ("tofte", "saetre", "spikkestad", "holmen", "slemmestad", "heggedal", "borgen",
         "asker-sentrum")  # fmt: skip


@pytest.fixture
def fresh_db(tmp_path):
    """An empty kiosk database (a real file, WAL mode, migrated)."""
    db = open_db(tmp_path / "kiosk.db")
    yield db
    db.conn.close()


@pytest.fixture
def demo_feed_path() -> Path:
    return DEMO_FEED


@pytest.fixture
def pinned_now() -> datetime:
    return PINNED_NOW


def activity(
    id: str,
    start: str,
    end: str,
    *,
    site: str = "holmen",
    title: str | None = None,
    category: str = "social",
    **extra,
) -> dict:
    """One schema-valid feed activity; ``extra`` adds rrule, exdates, cancelled, room …"""
    return {
        "id": id,
        "site": site,
        "title": {"nb": title or f"Aktivitet {id}", "en": f"Activity {id}"},
        "description": {"nb": "Beskrivelse.", "en": "Description."},
        "category": category,
        "start": start,
        "end": end,
        "status": "scheduled",
        **extra,
    }


def feed(activities: list[dict], *, announcements: list[dict] = (), version=1) -> dict:
    return {
        "version": version,
        "generated_at": "2026-12-01T06:00:00+01:00",
        "sites": [{"id": site, "name": site.capitalize()} for site in SITES],
        "activities": list(activities),
        "announcements": list(announcements),
    }


def feed_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def weekly_series(count: int, *, prefix: str = "series", site: str = "holmen") -> list[dict]:
    """``count`` weekly series on Thursdays, one per hour slot, all running in December 2026."""
    return [
        activity(
            f"{prefix}-{n}",
            f"2026-11-05T{8 + n % 12:02d}:00:00+01:00",
            f"2026-11-05T{9 + n % 12:02d}:00:00+01:00",
            site=site,
            title=f"{prefix} {n}",
            rrule="FREQ=WEEKLY;BYDAY=TH",
        )
        for n in range(count)
    ]


BUSY_DAY_CATEGORIES = ("exercise", "language", "walk")


def busy_day(
    count: int, *, site: str = "holmen", prefix: str = "a", day: str = "2026-12-03"
) -> list[dict]:
    """``count`` activities on one day at ``site``: four to a quarter hour from 08:00 to
    21:00 (then from 08:00 again), 90 minutes each, three categories in turn, every seventh
    cancelled; and one more that runs into the day from 22:00 the evening before."""
    items = []
    first = datetime.fromisoformat(f"{day}T08:00:00").replace(tzinfo=OSLO)
    for n in range(count):
        start = first + timedelta(minutes=(n // 4) * 15 % (13 * 60))
        item = activity(
            f"{prefix}-{n:05d}",
            start.isoformat(),
            (start + timedelta(minutes=90)).isoformat(),
            site=site,
            title=f"Aktivitet {n % 50}",
            category=BUSY_DAY_CATEGORIES[n % 3],
        )
        if n % 7 == 0:
            item["status"] = "cancelled"
        items.append(item)
    evening = first - timedelta(hours=10)
    night_end = evening + timedelta(hours=4)
    overnight = activity(f"{prefix}-overnight", evening.isoformat(), night_end.isoformat(),
                         site=site, category="walk")  # fmt: skip
    items.append(overnight)
    return items


@pytest.fixture
def make_feed(tmp_path):
    """Write a feed document to a file and return its path: ``make_feed(doc, name=...)``."""

    def write(document: dict, name: str = "feed.json") -> Path:
        path = tmp_path / name
        path.write_bytes(feed_bytes(document))
        return path

    return write


@pytest.fixture
def central(tmp_path):
    """The reference central server (torg_central) on 127.0.0.1, serving an empty feed and
    keeping what it is sent in its own SQLite file; shut down after the test."""
    from torg_central.server import serve

    feed_path = tmp_path / "feed.json"
    feed_path.write_text(json.dumps({"version": 1, "activities": []}))
    server = serve(feed_path, db_path=tmp_path / "central.db")
    yield server
    server.shutdown()
