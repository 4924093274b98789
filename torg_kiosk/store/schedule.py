"""What is on: the screen's read API over the local store (no Kivy, no network).

Every question takes ``now`` (aware) from the caller, so tests and demos pin the clock. Days
are Europe/Oslo calendar days, computed from local midnights, so the 23- and 25-hour days of
the DST switches and activities that cross midnight come out right.

Whatever the file does, a question raises nothing but a
:class:`~torg_kiosk.store.database.StoreError` saying what it means:
:class:`~torg_kiosk.store.database.ScheduleNeedsRebuild` for a damaged file (the next sync
sets it aside and builds a new one), another kind for a disk that fails.
"""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

from torg_kiosk.base.clock import OSLO, local_midnight, parse_utc_text, utc_text
from torg_kiosk.store.database import BUSY_TIMEOUT_SECONDS, is_damage, storage_error
from torg_kiosk.store.rows import decode_document
from torg_kiosk.store.schema import OCCURRENCES, SYNC_STATUS

#: Seconds in the longest "short" occurrence: a day's list finds the short ones by a range
#: scan from this long before the day, the longer ones through the index occurrences_long.
LONG = 86400


@dataclass(frozen=True)
class OccurrenceView:
    """One occurrence, ready for a screen: local times, texts per language."""

    source: str
    activity_id: str
    site: str
    start_ts: int  # Unix seconds; .start and .end are the aware Europe/Oslo datetimes
    end_ts: int
    all_day: bool
    category: str
    status: str
    doc_json: str  # the activity in feed v1 shape; decoded on first use
    title_override_json: str | None = None  # an iCalendar override's own title
    room_override: str | None = None

    @cached_property
    def start(self) -> datetime:
        return datetime.fromtimestamp(self.start_ts, OSLO)

    @cached_property
    def end(self) -> datetime:
        return datetime.fromtimestamp(self.end_ts, OSLO)

    @cached_property
    def _doc(self) -> dict:
        return decode_document(self.doc_json)

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

    seq: int = 0  # 1, 2 … for a further occurrence of the same series at the same start

    @property
    def key(self) -> str:
        """Identifies this occurrence across refreshes (for the detail screen)."""
        if self.seq:
            return f"{self.source}|{self.activity_id}|{self.start_ts}|{self.seq}"
        return f"{self.source}|{self.activity_id}|{self.start_ts}"

    @property
    def link(self) -> str | None:
        """Where the visitor's phone should go: registration when required, else the page."""
        if self.registration_required and self.registration_url:
            return self.registration_url
        return self.url or self.registration_url

    def continues_from_before(self, day: date) -> bool:
        """Began on an earlier local day than ``day``: a later day of a longer event, shown
        with *fortsetter til …*."""
        return self.start.date() < day

    def is_running(self, now: datetime) -> bool:
        return self.start <= now < self.end and not self.all_day

    def is_past(self, now: datetime) -> bool:
        return self.end <= now

    def text(self, field: str, language: str) -> tuple[str, bool]:
        """(text, fell_back): the text in ``language``, else Norwegian with fell_back=True."""
        return in_language(getattr(self, field), language)


def in_language(values: dict[str, str], language: str) -> tuple[str, bool]:
    """Feed text in the visitor's ``language``, else in bokmål (then whatever there is).

    Returns (text, fell_back); ``fell_back`` asks the screen for a small *Vises på norsk*.
    """
    if values.get(language):
        return values[language], False
    return values.get("nb") or next(iter(values.values()), ""), language != "nb"


@dataclass(frozen=True)
class AnnouncementView:
    id: str
    site: str | None
    text: dict[str, str]
    valid_until: datetime | None


@dataclass(frozen=True)
class ClosureView:
    """A feed's closure: whole local days a torg (``site`` None: every torg), or only the
    ``services`` named (None: the torg and all its services), is closed; ``text`` the notice."""

    id: str
    site: str | None
    dates: tuple[date, ...]
    services: tuple[str, ...] | None
    text: dict[str, str] | None


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
    last_error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.last_error is None and self.last_success is not None


@dataclass(frozen=True)
class DataFreshness:
    """How old the data on screen is: the line *Oppdatert 10:42* or *Uten nett — …*."""

    last_success: datetime | None  # newest success over all sources (local time)
    age: timedelta | None
    failing: tuple[str, ...]  # sources whose last attempt failed
    #: Why they failed: each failing source's ``last_error_code`` (fetch, parser or store).
    error_codes: tuple[str, ...] = ()

    def is_stale(self, limit: timedelta = timedelta(hours=1)) -> bool:
        return self.age is None or self.age > limit or bool(self.failing)


_SELECT_OCCURRENCES = f"SELECT {OCCURRENCES.column_list} FROM occurrences"
_OccurrenceRow = OCCURRENCES.row_type
_IN_KEY_ORDER = operator.itemgetter(
    *(OCCURRENCES.columns.index(name) for name in ("start", "source", "activity_id", "seq"))
)


class ScheduleNotReady(Exception):
    """The file is there but holds no schedule yet: the first sync is still creating it (or
    it is empty). Ask again after the next sync."""


def _reading(method):
    """Any SQLite error in ``method`` comes out as the StoreError it means."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise storage_error(self.path, error) from error

    return read


class Schedule:
    """Read-only questions about the stored schedule. Cheap to create; one per thread.

    ``immutable`` is True when the file could only be opened as an unchanging file (see
    :meth:`open`): the owner then opens it again once a sync could write.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, *, immutable=False):
        self._conn = conn
        self.path = path if path is not None else _database_path(conn)
        self.immutable = immutable
        # (source, activity id) → (category, document). Activities change only when a sync
        # commits, which moves PRAGMA data_version; until then a day's list needs no join.
        self._activities: dict[tuple[str, str], tuple[str, str]] = {}
        self._data_version: int | None = None

    @classmethod
    def open(cls, db_path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Schedule:
        """A read-only connection: the screen never writes schedule data.

        Reading a WAL database needs its ``-shm`` file, which the first reader creates. When
        that cannot be done (a read-only folder or file system, a full disk), the file is
        opened ``immutable``: no ``-shm``, no locks. That is safe there, because no writer
        can work without the ``-shm`` either, so the file cannot change under the screen;
        a copy would cost the disk or memory the file takes (tens of MB). Raises
        :class:`ScheduleNotReady` for a file with no schedule in it yet, and a
        :class:`~torg_kiosk.store.database.StoreError` when it cannot be read at all.
        """
        path = Path(db_path).absolute()
        uri = f"{path.as_uri()}?mode=ro"
        try:
            conn, ready = _connect(uri, busy_timeout)
            immutable = False
        except sqlite3.Error as error:
            if is_damage(error):
                raise storage_error(path, error) from None
            try:
                conn, ready = _connect(f"{uri}&immutable=1", busy_timeout)
            except sqlite3.Error as second:
                raise storage_error(path, second) from None
            immutable = True
        if not ready:
            conn.close()
            raise ScheduleNotReady(f"{path} holds no schedule yet.")
        return cls(conn, path, immutable=immutable)

    def close(self) -> None:
        self._conn.close()

    def _tuples(self, sql: str, params) -> sqlite3.Cursor:
        cursor = self._conn.cursor()
        cursor.row_factory = None  # plain tuples: cheaper than sqlite3.Row for long lists
        return cursor.execute(sql, params)

    def _activity_docs(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._activities.clear()
            self._data_version = version
        missing: dict[str, list[str]] = {}
        for source, activity_id in keys - self._activities.keys():
            missing.setdefault(source, []).append(activity_id)
        for source, ids in missing.items():
            for start in range(0, len(ids), 500):
                batch = ids[start : start + 500]
                marks = ",".join("?" * len(batch))
                sql = (
                    f"SELECT id, category, doc FROM activities WHERE source = ? AND id IN ({marks})"
                )
                for activity_id, category, doc in self._tuples(sql, [source, *batch]):
                    self._activities[(source, activity_id)] = (category, doc)
        return self._activities

    def _views(self, rows: list[tuple]) -> list[OccurrenceView]:
        """Views of rows read with ``_SELECT_OCCURRENCES`` (all columns, in schema order)."""
        rows = list(map(_OccurrenceRow._make, rows))
        docs = self._activity_docs({(row.source, row.activity_id) for row in rows})
        views = []
        for row in rows:
            category, doc = docs.get((row.source, row.activity_id), ("other", "{}"))
            views.append(
                OccurrenceView(
                    source=row.source,
                    activity_id=row.activity_id,
                    site=row.site,
                    start_ts=row.start,
                    end_ts=row.end,
                    all_day=bool(row.all_day),
                    category=category,
                    status=row.status,
                    doc_json=doc,
                    title_override_json=row.title,
                    room_override=row.room,
                    seq=row.seq,
                )
            )
        return views

    # -- occurrences ------------------------------------------------------------------------

    @_reading
    def on_day(self, site: str, day: date, *, category: str | None = None) -> list[OccurrenceView]:
        """Everything at ``site`` that touches the local day ``day``, in start order.

        An occurrence belongs to every day it covers (a Friday–Sunday course is on all three,
        :meth:`OccurrenceView.continues_from_before` says which are later days); one of no
        length, such as a holiday marker at midnight with DTEND = DTSTART, to the day it
        starts in.
        """
        day_start = int(local_midnight(day).timestamp())
        day_end = int(local_midnight(day + timedelta(days=1)).timestamp())
        touches = 'start < ? AND ("end" > ? OR start >= ?)'
        rows = self._tuples(
            f"{_SELECT_OCCURRENCES} WHERE site = ? AND start >= ? AND {touches}",
            (site, day_start - LONG, day_end, day_start, day_start),
        ).fetchall()
        # Longer than a day and begun more than a day before: the partial index has them
        # ("+start" keeps SQLite from scanning the primary key from the site's first row).
        rows += self._tuples(
            f'{_SELECT_OCCURRENCES} WHERE site = ? AND "end" > ? '
            f'AND "end" - start > {LONG} AND +start < ?',
            (site, day_start, day_start - LONG),
        ).fetchall()
        rows.sort(key=_IN_KEY_ORDER)
        views = self._views(rows)
        if category:
            views = [view for view in views if view.category == category]
        views.sort(key=lambda view: not view.all_day)
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

    @_reading
    def occurrence(self, key: str) -> OccurrenceView | None:
        source, activity_id, start, *seq = key.split("|", 3)
        rows = self._tuples(
            f"{_SELECT_OCCURRENCES} WHERE source = ? AND activity_id = ? AND start = ? AND seq = ?",
            (source, activity_id, int(start), int(seq[0]) if seq else 0),
        ).fetchall()
        return self._views(rows)[0] if rows else None

    # -- announcements and status ------------------------------------------------------------

    @_reading
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

    @_reading
    def closures(self, site: str) -> list[ClosureView]:
        """Every closure for ``site`` or for every torg, by id (a short list: no date filter)."""
        try:
            rows = self._conn.execute(
                "SELECT id, site, dates, services, text FROM closures "
                "WHERE site IS NULL OR site = ? ORDER BY id",
                (site,),
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):  # a file the sync has not migrated yet
                return []
            raise
        return [
            ClosureView(
                id=row["id"],
                site=row["site"],
                dates=tuple(date.fromisoformat(day) for day in json.loads(row["dates"])),
                services=tuple(json.loads(row["services"])) if row["services"] else None,
                text=json.loads(row["text"]) if row["text"] else None,
            )
            for row in rows
        ]

    @_reading
    def sync_status(self) -> list[SourceStatus]:
        rows = self._conn.execute(
            f"SELECT {SYNC_STATUS.column_list} FROM sync_status ORDER BY source"
        )
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
                last_error_code=row["last_error_code"],
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
            error_codes=tuple(s.last_error_code for s in statuses if s.last_error_code),
        )

    @_reading
    def site_name(self, site: str) -> str | None:
        row = self._conn.execute("SELECT name FROM sites WHERE id = ? LIMIT 1", (site,)).fetchone()
        return row["name"] if row else None


def _connect(uri: str, busy_timeout: float) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection and whether the file holds a schedule: the first read (which
    makes the ``-shm``) is done here, so :meth:`Schedule.open` sees whether it can be."""
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=busy_timeout)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        found = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_status'"
        ).fetchone()[0]
    except BaseException:
        conn.close()
        raise
    return conn, bool(found)


def _database_path(conn: sqlite3.Connection) -> Path:
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def _local(text: str | None) -> datetime | None:
    return parse_utc_text(text).astimezone(OSLO) if text else None


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
