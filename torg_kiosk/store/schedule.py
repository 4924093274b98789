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

import json
import operator
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from torg_kiosk.base.clock import OSLO, local_midnight, parse_utc_text, utc_text
from torg_kiosk.store.database import BUSY_TIMEOUT_SECONDS, is_damage, reading, storage_error
from torg_kiosk.store.day_list import LONG, DayList, DayQuery, register_functions
from torg_kiosk.store.schema import OCCURRENCES, SYNC_STATUS

# The views lived here first; present and the tests still import them from here.
from torg_kiosk.store.views import AnnouncementView as AnnouncementView
from torg_kiosk.store.views import ClosureView as ClosureView
from torg_kiosk.store.views import DataFreshness as DataFreshness
from torg_kiosk.store.views import OccurrenceView as OccurrenceView
from torg_kiosk.store.views import SourceStatus as SourceStatus
from torg_kiosk.store.views import in_language as in_language
from torg_kiosk.store.views import shown_text as shown_text

_SELECT_OCCURRENCES = f"SELECT {OCCURRENCES.column_list} FROM occurrences"
_OccurrenceRow = OCCURRENCES.row_type
_IN_KEY_ORDER = operator.itemgetter(
    *(OCCURRENCES.columns.index(name) for name in ("start", "source", "activity_id", "seq"))
)


class ScheduleNotReady(Exception):
    """The file is there but holds no schedule yet: the first sync is still creating it (or
    it is empty). Ask again after the next sync."""


class Schedule:
    """Read-only questions about the stored schedule. Cheap to create; one per thread.

    ``immutable`` is True when the file could only be opened as an unchanging file (see
    :meth:`open`): the owner then opens it again once a sync could write.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, *, immutable=False):
        self._conn = conn
        self.path = path if path is not None else _database_path(conn)
        self.immutable = immutable
        register_functions(conn)
        # (source, activity id) → (category, document). Activities change only when a sync
        # commits, which moves PRAGMA data_version; until then a day's list needs no join.
        self._activities: dict[tuple[str, str], tuple[str, str]] = {}
        self._data_version: int | None = None
        # Whether rows of more than one source are stored, as of _sources_version.
        self._many_sources = False
        self._sources_version: int | None = None
        self._schedule_version: tuple = ()
        self._schedule_checked: int | None = None

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

    @reading
    def data_version(self) -> int:
        """A number that moves whenever a sync has committed since it was last read.

        ``PRAGMA data_version`` of this connection: compare it only with itself, never with
        another connection's.
        """
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    @reading
    def schedule_version(self) -> tuple:
        """A value that changes when what is on the schedule may have changed.

        Every sync commits (it records when it last asked), which moves :meth:`data_version`;
        only a new snapshot or one expanded for a new window changes the activities. Both
        leave their mark in a source's status (``last_change``, ``window_first``, the
        counts), so this reads that small table when the data version moved, and a screen
        that compares it rebuilds nothing after a sync that found nothing new.
        """
        version = self.data_version()
        if version != self._schedule_checked:
            rows = self._tuples(
                "SELECT source, last_change, window_first, activities, occurrences "
                "FROM sync_status ORDER BY source",
                (),
            )
            self._schedule_version = tuple(rows)
            self._schedule_checked = version
        return self._schedule_version

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

    @reading
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

    @reading
    def day_list(
        self,
        site: str,
        day: date,
        *,
        category: str | None = None,
        without_cancelled: bool = False,
    ) -> DayList:
        """The day's list at ``site`` to be read a page at a time: :class:`DayList`.

        The same rows in the same order as :meth:`on_day`, which reads them all at once.
        """
        query = DayQuery(site, day, category, without_cancelled)
        return DayList(self._conn, query, many_sources=self._holds_many_sources(), path=self.path)

    @reading
    def _holds_many_sources(self) -> bool:
        version = self.data_version()
        if version != self._sources_version:
            # min and max of the primary key's first column: two seeks, not a scan.
            low, high = self._conn.execute(
                "SELECT min(source), max(source) FROM activities"
            ).fetchone()
            self._many_sources = low != high
            self._sources_version = version
        return self._many_sources

    def now_and_next(
        self, site: str, now: datetime, *, upcoming: int = 2, running: int | None = None
    ) -> tuple[list[OccurrenceView], list[OccurrenceView]]:
        """(running now, the next ``upcoming`` later today). Cancelled ones are left out.

        ``running`` caps the first list (a screen shows a few lines); None gives them all.
        """
        local = now.astimezone(OSLO)
        day = self.day_list(site, local.date(), without_cancelled=True)
        on_now = day.running(now, running if running is not None else 2**62)
        return on_now, day.starting_after(now, upcoming)

    def days_ahead(
        self, site: str, now: datetime, days: int = 7, *, per_day: int | None = None
    ) -> dict[date, list]:
        """The next ``days`` local days starting today, each with its occurrences.

        ``per_day`` keeps only the first that many of each day (ask :meth:`day_list` how many
        there are in all).
        """
        first = now.astimezone(OSLO).date()
        result = {}
        for n in range(days):
            day = first + timedelta(days=n)
            if per_day is None:
                result[day] = self.on_day(site, day)
            else:
                result[day] = self.day_list(site, day).page_after(None, per_day)
        return result

    def next_day_with_activities(
        self, site: str, now: datetime, *, within_days: int = 14, first: int = 1
    ) -> tuple[date, list[OccurrenceView]] | None:
        """The first day after today that has something on (for a kind empty-day answer),
        with its first ``first`` activities that are not cancelled."""
        today = now.astimezone(OSLO).date()
        for n in range(1, within_days + 1):
            day = today + timedelta(days=n)
            items = self.day_list(site, day, without_cancelled=True).page_after(None, first)
            if items:
                return day, items
        return None

    def categories(self, site: str, day: date) -> list[str]:
        return self.day_list(site, day).categories()

    @reading
    def occurrence(self, key: str) -> OccurrenceView | None:
        source, activity_id, start, *seq = key.split("|", 3)
        rows = self._tuples(
            f"{_SELECT_OCCURRENCES} WHERE source = ? AND activity_id = ? AND start = ? AND seq = ?",
            (source, activity_id, int(start), int(seq[0]) if seq else 0),
        ).fetchall()
        return self._views(rows)[0] if rows else None

    # -- announcements and status ------------------------------------------------------------

    @reading
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

    @reading
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

    @reading
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

    @reading
    def ticket_keys(self) -> list[tuple[str, str]]:
        """(kid, public key) of every stored ticket key, from every source."""
        rows = self._conn.execute("SELECT kid, public_key FROM ticket_keys ORDER BY kid")
        return [(kid, key) for kid, key in rows]

    @reading
    def revoked_tickets(self) -> set[str]:
        """Every revoked ticket id, from every source."""
        return {row[0] for row in self._conn.execute("SELECT ticket_id FROM revoked_tickets")}

    @reading
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
