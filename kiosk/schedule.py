"""What is on: the screen's read API over the local store (no Kivy, no network).

Every question takes ``now`` (aware) from the caller, so tests and demos pin the clock. Days
are Europe/Oslo calendar days, computed from local midnights, so the 23- and 25-hour days of
the DST switches and activities that cross midnight come out right.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

from sync.records import OSLO, local_midnight, parse_utc_text, utc_text
from sync.store import open_readonly

#: An occurrence that started up to this long before a day began may still run into it.
LONGEST_OVERNIGHT = timedelta(days=1)


@dataclass(frozen=True)
class OccurrenceView:
    """One occurrence, ready for a screen: local times, texts per language."""

    source: str
    activity_id: str
    site: str
    start: datetime  # aware, Europe/Oslo
    end: datetime  # aware, Europe/Oslo
    all_day: bool
    category: str
    status: str
    doc_json: str  # the activity in feed v1 shape; decoded on first use
    title_override_json: str | None = None  # an iCalendar override's own title
    room_override: str | None = None

    @cached_property
    def _doc(self) -> dict:
        return json.loads(self.doc_json)

    @cached_property
    def title(self) -> dict[str, str]:
        if self.title_override_json:
            return json.loads(self.title_override_json)
        return self._doc.get("title") or {}

    @property
    def description(self) -> dict[str, str]:
        return self._doc.get("description") or {}

    @property
    def room(self) -> str | None:
        return self.room_override or self._doc.get("room")

    @property
    def organizer(self) -> str | None:
        return self._doc.get("organizer")

    @property
    def url(self) -> str | None:
        return self._doc.get("url")

    @property
    def registration_required(self) -> bool:
        return bool((self._doc.get("registration") or {}).get("required"))

    @property
    def registration_capacity(self) -> int | None:
        return (self._doc.get("registration") or {}).get("capacity")

    @property
    def registration_url(self) -> str | None:
        return (self._doc.get("registration") or {}).get("url")

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def key(self) -> str:
        """Identifies this occurrence across refreshes (for the detail screen)."""
        return f"{self.source}|{self.activity_id}|{int(self.start.timestamp())}"

    @property
    def link(self) -> str | None:
        """Where the visitor's phone should go: registration when required, else the page."""
        if self.registration_required and self.registration_url:
            return self.registration_url
        return self.url or self.registration_url

    def is_running(self, now: datetime) -> bool:
        return self.start <= now < self.end and not self.all_day

    def is_past(self, now: datetime) -> bool:
        return self.end <= now

    def text(self, field: str, language: str) -> tuple[str, bool]:
        """(text, fell_back): the text in ``language``, else Norwegian with fell_back=True."""
        values: dict[str, str] = getattr(self, field)
        if values.get(language):
            return values[language], False
        if language == "nn" and values.get("nb"):
            return values["nb"], True
        return values.get("nb") or next(iter(values.values()), ""), language != "nb"


@dataclass(frozen=True)
class AnnouncementView:
    id: str
    site: str | None
    text: dict[str, str]
    valid_until: datetime | None


@dataclass(frozen=True)
class SourceStatus:
    source: str
    kind: str | None
    last_attempt: datetime | None
    last_success: datetime | None
    last_change: datetime | None
    activities: int
    skipped: int
    last_error: str | None

    @property
    def ok(self) -> bool:
        return self.last_error is None and self.last_success is not None


@dataclass(frozen=True)
class DataFreshness:
    """How old the data on screen is: the line *Oppdatert 10:42* or *Uten nett — …*."""

    last_success: datetime | None  # newest success over all sources (local time)
    age: timedelta | None
    failing: tuple[str, ...]  # sources whose last attempt failed

    def is_stale(self, limit: timedelta = timedelta(hours=1)) -> bool:
        return self.age is None or self.age > limit or bool(self.failing)


_OCCURRENCE_COLUMNS = """
    o.source, o.activity_id, o.site, o.start, o."end", o.all_day, a.category, o.status,
    a.doc, o.title AS title_override, o.room AS room_override
"""


class Schedule:
    """Read-only questions about the stored schedule. Cheap to create; one per thread."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    @classmethod
    def open(cls, db_path: Path | str) -> Schedule:
        return cls(open_readonly(db_path))

    def close(self) -> None:
        self._conn.close()

    # -- occurrences ------------------------------------------------------------------------

    def on_day(self, site: str, day: date, *, category: str | None = None) -> list[OccurrenceView]:
        """Everything at ``site`` that touches the local day ``day``, in start order."""
        day_start = local_midnight(day)
        day_end = local_midnight(day + timedelta(days=1))
        sql = (
            f"SELECT {_OCCURRENCE_COLUMNS} FROM occurrences o "
            "JOIN activities a ON a.source = o.source AND a.id = o.activity_id "
            'WHERE o.site = ? AND o.start >= ? AND o.start < ? AND o."end" > ? '
        )
        params: list[object] = [
            site,
            int((day_start - LONGEST_OVERNIGHT).timestamp()),
            int(day_end.timestamp()),
            int(day_start.timestamp()),
        ]
        if category:
            sql += "AND a.category = ? "
            params.append(category)
        sql += "ORDER BY o.all_day DESC, o.start, o.activity_id"
        views = [_view(row) for row in self._conn.execute(sql, params)]
        return _without_duplicates(views)

    def today(
        self, site: str, now: datetime, *, category: str | None = None
    ) -> list[OccurrenceView]:
        return self.on_day(site, now.astimezone(OSLO).date(), category=category)

    def now_and_next(
        self, site: str, now: datetime, *, upcoming: int = 2
    ) -> tuple[list[OccurrenceView], list[OccurrenceView]]:
        """(running now, the next ``upcoming`` later today). Cancelled ones are left out."""
        todays = [o for o in self.today(site, now) if not o.cancelled and not o.all_day]
        running = [o for o in todays if o.is_running(now)]
        later = [o for o in todays if o.start > now][:upcoming]
        return running, later

    def days_ahead(self, site: str, now: datetime, days: int = 7) -> dict[date, list]:
        """The next ``days`` local days starting today, each with its occurrences."""
        first = now.astimezone(OSLO).date()
        return {
            first + timedelta(days=n): self.on_day(site, first + timedelta(days=n))
            for n in range(days)
        }

    def next_day_with_activities(
        self, site: str, now: datetime, *, within_days: int = 14
    ) -> tuple[date, list[OccurrenceView]] | None:
        """The first day after today that has something on (for a kind empty-day answer)."""
        today = now.astimezone(OSLO).date()
        for n in range(1, within_days + 1):
            day = today + timedelta(days=n)
            items = [o for o in self.on_day(site, day) if not o.cancelled]
            if items:
                return day, items
        return None

    def categories(self, site: str, day: date) -> list[str]:
        return sorted({o.category for o in self.on_day(site, day)})

    def occurrence(self, key: str) -> OccurrenceView | None:
        source, activity_id, start = key.split("|", 2)
        row = self._conn.execute(
            f"SELECT {_OCCURRENCE_COLUMNS} FROM occurrences o "
            "JOIN activities a ON a.source = o.source AND a.id = o.activity_id "
            "WHERE o.source = ? AND o.activity_id = ? AND o.start = ?",
            (source, activity_id, int(start)),
        ).fetchone()
        return _view(row) if row else None

    # -- announcements and status ------------------------------------------------------------

    def announcements(self, site: str, now: datetime) -> list[AnnouncementView]:
        stamp = utc_text(now)
        rows = self._conn.execute(
            "SELECT id, site, text, valid_until FROM announcements "
            "WHERE (site IS NULL OR site = ?) AND (valid_from IS NULL OR valid_from <= ?) "
            "AND (valid_until IS NULL OR valid_until > ?) ORDER BY site IS NULL, valid_from, id",
            (site, stamp, stamp),
        )
        return [
            AnnouncementView(
                id=row["id"],
                site=row["site"],
                text=json.loads(row["text"]),
                valid_until=_local(row["valid_until"]),
            )
            for row in rows
        ]

    def sync_status(self) -> list[SourceStatus]:
        rows = self._conn.execute("SELECT * FROM sync_status ORDER BY source")
        return [
            SourceStatus(
                source=row["source"],
                kind=row["kind"],
                last_attempt=_local(row["last_attempt"]),
                last_success=_local(row["last_success"]),
                last_change=_local(row["last_change"]),
                activities=row["activities"],
                skipped=row["skipped"],
                last_error=row["last_error"],
            )
            for row in rows
        ]

    def freshness(self, now: datetime) -> DataFreshness:
        statuses = self.sync_status()
        successes = [s.last_success for s in statuses if s.last_success]
        newest = max(successes) if successes else None
        return DataFreshness(
            last_success=newest,
            age=(now - newest) if newest else None,
            failing=tuple(s.source for s in statuses if s.last_error),
        )

    def site_name(self, site: str) -> str | None:
        row = self._conn.execute("SELECT name FROM sites WHERE id = ? LIMIT 1", (site,)).fetchone()
        return row["name"] if row else None


def _local(text: str | None) -> datetime | None:
    return parse_utc_text(text).astimezone(OSLO) if text else None


def _view(row: sqlite3.Row) -> OccurrenceView:
    return OccurrenceView(
        source=row[0],
        activity_id=row[1],
        site=row[2],
        start=datetime.fromtimestamp(row[3], OSLO),
        end=datetime.fromtimestamp(row[4], OSLO),
        all_day=bool(row[5]),
        category=row[6],
        status=row[7],
        doc_json=row[8],
        title_override_json=row[9],
        room_override=row[10],
    )


def _without_duplicates(views: list[OccurrenceView]) -> list[OccurrenceView]:
    """The same activity from two sources at the same time is shown once (first source wins).

    Within one source nothing is merged: two groups may well meet at the same time under the
    same name in different rooms.
    """
    if len({view.source for view in views}) < 2:
        return views
    first_source: dict[tuple[str, datetime], str] = {}
    result = []
    for view in views:
        marker = (view.title.get("nb", "").casefold(), view.start)
        if first_source.setdefault(marker, view.source) != view.source:
            continue
        result.append(view)
    return result
