"""One day's list at one torg, read a page at a time: what a screen needs for a long day.

A day can hold tens of thousands of activities (a big feed, a broken calendar). Nothing here
reads the whole day into Python: :class:`DayList` answers *how many*, *which categories*,
*where is the first one still on* and *these rows*, each as one SQL statement, and the rows
come a page at a time, by keyset (after a row's key) or by position. The order is the one
:meth:`torg_kiosk.store.schedule.Schedule.on_day` gives: all-day ones first, then by start.

The list is read in two segments so both can follow the primary key (site, start, source,
activity_id) without sorting: the all-day ones, which start at a local midnight no later than
the day's own (``records.Occurrence``), then everything else. The same activity from two
sources at the same time is shown once, from the source whose id sorts first (as ``on_day``
does); that check runs only while the database holds more than one source.

Cost: a page is an index seek and ``limit`` rows; a count or a position scans the day's
index range once (a few milliseconds for 50,000 rows), and joins the activities only for a
category filter, the category list or the duplicate check (some 100 ms for 50,000 rows).
Those belong on a worker thread when a day is big (``torg_kiosk.domain.day_rows``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from torg_kiosk.base.clock import local_midnight
from torg_kiosk.store.database import reading
from torg_kiosk.store.views import OccurrenceView

#: Seconds in the longest "short" occurrence: a day's rows are read by a range scan from this
#: long before the day; one that began earlier (a weekend course, a two-week exhibition) is
#: found through the partial index occurrences_long, which moves the scan's start back to it.
LONG = 86400

ALL_DAY, TIMED = 0, 1


class RowKey(NamedTuple):
    """Where a row stands in a day's order; rows sort by it."""

    segment: int  # ALL_DAY or TIMED
    start: int
    source: str
    activity_id: str
    seq: int = 0


@dataclass(frozen=True)
class DayQuery:
    """Which list: a torg, a local day, and optionally one category or no cancelled ones."""

    site: str
    day: date
    category: str | None = None
    without_cancelled: bool = False


# The feed's nb title, or an iCalendar override's: what "the same activity" is compared by.
_TITLE = (
    "CASE WHEN {o}.title IS NOT NULL THEN coalesce(json_extract({o}.title, '$.nb'), '') "
    "ELSE coalesce(json_extract({a}.doc, '$.title.nb'), '') END"
)
_COLUMNS = (
    'o.source, o.activity_id, o.site, o.start, o."end", o.all_day, o.status, o.title, o.room, '
    "coalesce(a.category, 'other'), coalesce(a.doc, '{}'), o.seq"
)
_JOIN = "LEFT JOIN activities AS a ON a.source = o.source AND a.id = o.activity_id"
_ORDER = "ORDER BY o.start, o.source, o.activity_id, o.seq"


def casefold(text):
    """SQL ``casefold(text)``: Python's, so duplicates compare as ``on_day`` compares them."""
    return text.casefold() if isinstance(text, str) else text


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("casefold", 1, casefold, deterministic=True)


class DayList:
    """The occurrences of ``query`` in the screen's order; cheap to make, holds no rows.

    ``many_sources``: the database holds rows of more than one source, so duplicates must be
    looked for. Every answer reads the database as it is at that moment.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        query: DayQuery,
        *,
        many_sources: bool,
        path: Path | None = None,
    ):
        self._conn = conn
        #: The database file, for the errors: every answer raises a StoreError, not sqlite3's.
        self.path = path
        self.query = query
        self._many_sources = many_sources
        self._day_start = int(local_midnight(query.day).timestamp())
        self._day_end = int(local_midnight(query.day + timedelta(days=1)).timestamp())
        self._scan_start: int | None = None

    # -- questions -------------------------------------------------------------------------

    @reading
    def count(self) -> int:
        return sum(self._count(segment) for segment in (ALL_DAY, TIMED))

    @reading
    def categories(self) -> list[str]:
        """The categories of the day's activities, sorted (the filter chips)."""
        found: set[str] = set()
        for segment in (ALL_DAY, TIMED):
            sql, params = self._sql(segment, "DISTINCT coalesce(a.category, 'other')", join=True)
            found.update(category for (category,) in self._conn.execute(sql, params))
        return sorted(found)

    @reading
    def page_after(self, key: RowKey | None, limit: int) -> list[OccurrenceView]:
        """Up to ``limit`` rows after the row at ``key`` (from the first row when None)."""
        return self._page(key, limit, include_key=False)

    @reading
    def page_at(self, offset: int, limit: int) -> list[OccurrenceView]:
        """Up to ``limit`` rows from position ``offset`` (0 is the first row).

        The rows before ``offset`` are walked past by their keys alone (no activity joined
        unless a filter needs it); :meth:`page_after` from a known key walks past nothing.
        """
        key = self._key_at(offset)
        return self._page(key, limit, include_key=True) if key is not None else []

    @reading
    def position(self, key: RowKey) -> int:
        """How many rows come before the row at ``key``."""
        before = self._count(key.segment, before=key)
        return before + (self._count(ALL_DAY) if key.segment == TIMED else 0)

    @reading
    def position_of_first_current(self, now: datetime) -> int:
        """Where the first row that has not ended by ``now`` stands (0 when all have)."""
        ends_later = ('o."end" > ?', (int(now.timestamp()),))
        for segment in (ALL_DAY, TIMED):
            found = self._keys(segment, 1, extras=[ends_later])
            if found:
                return self.position(found[0])
        return 0

    @reading
    def running(self, now: datetime, limit: int) -> list[OccurrenceView]:
        """Up to ``limit`` timed rows running at ``now``, by start."""
        stamp = int(now.timestamp())
        extra = ('o.all_day = 0 AND o."end" > ?', (stamp,))
        return self._rows(TIMED, limit, extras=[extra], until=stamp)

    @reading
    def starting_after(self, now: datetime, limit: int) -> list[OccurrenceView]:
        """Up to ``limit`` timed rows that start after ``now``, by start."""
        stamp = int(now.timestamp())
        return self._rows(TIMED, limit, extras=[("o.start > ?", (stamp,))], since=stamp)

    def key_of(self, view: OccurrenceView) -> RowKey:
        segment = ALL_DAY if view.all_day and view.start_ts <= self._day_start else TIMED
        return RowKey(segment, view.start_ts, view.source, view.activity_id, view.seq)

    # -- SQL -------------------------------------------------------------------------------

    @property
    def _earliest(self) -> int:
        """The earliest start a row of the day can have: a day before it, or the start of an
        occurrence longer than a day that began before that and still runs into the day (the
        partial index occurrences_long finds it; the scans then start from there)."""
        if self._scan_start is None:
            earliest = self._day_start - LONG
            longest = self._conn.execute(
                'SELECT min(start) FROM occurrences WHERE site = ? AND "end" > ? '
                f'AND "end" - start > {LONG} AND +start < ?',
                (self.query.site, self._day_start, earliest),
            ).fetchone()[0]
            self._scan_start = earliest if longest is None else longest
        return self._scan_start

    def _page(self, key: RowKey | None, limit: int, *, include_key: bool) -> list[OccurrenceView]:
        rows: list[OccurrenceView] = []
        for segment in (ALL_DAY, TIMED):
            if key is not None and key.segment > segment:
                continue
            extras, since = [], None
            if key is not None and key.segment == segment:
                compare = ">=" if include_key else ">"
                extras.append(_beyond(compare, key))
                since = key.start
            rows += self._rows(segment, limit - len(rows), extras=extras, since=since)
            if len(rows) >= limit:
                break
        return rows

    def _key_at(self, offset: int) -> RowKey | None:
        all_day = self._count(ALL_DAY)
        if offset < all_day:
            found = self._keys(ALL_DAY, 1, offset=offset)
        else:
            found = self._keys(TIMED, 1, offset=offset - all_day)
        return found[0] if found else None

    def _count(self, segment: int, *, before: RowKey | None = None) -> int:
        extras, until = [], None
        if before is not None:
            extras.append(_beyond("<", before))
            until = before.start
        sql, params = self._sql(segment, "count(*)", extras=extras, until=until)
        return self._conn.execute(sql, params).fetchone()[0]

    def _keys(
        self, segment: int, limit: int, *, offset: int = 0, extras: list = ()
    ) -> list[RowKey]:
        sql, params = self._sql(segment, "o.start, o.source, o.activity_id, o.seq", extras=extras)
        sql += f" {_ORDER} LIMIT ? OFFSET ?"
        rows = self._conn.execute(sql, (*params, limit, offset)).fetchall()
        return [RowKey(segment, *tuple(row)) for row in rows]

    def _rows(
        self,
        segment: int,
        limit: int,
        *,
        extras: list[tuple[str, tuple]] = (),
        since: int | None = None,
        until: int | None = None,
    ) -> list[OccurrenceView]:
        if limit <= 0:
            return []
        sql, params = self._sql(
            segment, _COLUMNS, join=True, extras=extras, since=since, until=until
        )
        cursor = self._conn.cursor()
        cursor.row_factory = None
        return [_view(row) for row in cursor.execute(f"{sql} {_ORDER} LIMIT ?", (*params, limit))]

    def _sql(
        self,
        segment: int,
        what: str,
        *,
        join: bool = False,
        extras: list[tuple[str, tuple]] = (),
        since: int | None = None,
        until: int | None = None,
    ) -> tuple[str, list]:
        """``SELECT what`` over one segment of the day, with every filter of the query.

        ``since``/``until`` narrow the starts (inclusive) so the index range is as short as
        the question: SQLite takes its range from plain comparisons, not from row values.
        """
        query = self.query
        if segment == ALL_DAY:
            # An all-day row starts at a local midnight: this day's, or an earlier one's.
            last, bound = self._day_start, "<="
            where = ["o.all_day = 1"]
        else:
            last, bound = self._day_end, "<"
            where = [f"NOT (o.all_day = 1 AND o.start <= {self._day_start})"]
        if until is not None and until < last:
            last, bound = until, "<="
        first = max(self._earliest, since) if since is not None else self._earliest
        params: list = [query.site, first, last, self._day_start, self._day_start]
        # Touching the day: still running at its start, or (of no length, such as a holiday
        # marker with DTEND = DTSTART at midnight) starting in it.
        where.insert(
            0,
            f'o.site = ? AND o.start >= ? AND o.start {bound} ? AND (o."end" > ? OR o.start >= ?)',
        )
        if query.without_cancelled:
            where.append("o.status != 'cancelled'")
        needs_join = join
        if query.category:
            where.append("coalesce(a.category, 'other') = ?")
            params.append(query.category)
            needs_join = True
        for sql, values in extras:
            where.append(sql)
            params.extend(values)
        if self._many_sources:
            where.append(self._no_earlier_duplicate())
            params.append(self._day_start)
            if query.category:
                params.append(query.category)
            needs_join = True
        sql = f"SELECT {what} FROM occurrences AS o {_JOIN if needs_join else ''} WHERE "
        return sql + " AND ".join(where), params

    def _no_earlier_duplicate(self) -> str:
        """No row of a source that sorts first has the same start and title.

        A cancelled twin counts too, as in ``on_day``: when the feed says an activity is off,
        the calendar's copy of it is not shown as on.
        """
        category = " AND coalesce(da.category, 'other') = ?" if self.query.category else ""
        return (
            "NOT EXISTS (SELECT 1 FROM occurrences AS d "
            "LEFT JOIN activities AS da ON da.source = d.source AND da.id = d.activity_id "
            'WHERE d.site = o.site AND d.start = o.start AND d.source < o.source AND d."end" > ?'
            f"{category} AND casefold({_TITLE.format(o='d', a='da')}) = "
            f"casefold({_TITLE.format(o='o', a='a')}))"
        )


def _beyond(compare: str, key: RowKey) -> tuple[str, tuple]:
    return f"(o.start, o.source, o.activity_id, o.seq) {compare} (?, ?, ?, ?)", tuple(key[1:])


def _view(row: tuple) -> OccurrenceView:
    (source, activity_id, site, start, end, all_day, status, title, room, category, doc, seq) = row
    return OccurrenceView(
        source=source,
        activity_id=activity_id,
        site=site,
        start_ts=start,
        end_ts=end,
        all_day=bool(all_day),
        category=category,
        status=status,
        doc_json=doc,
        title_override_json=title,
        room_override=room,
        seq=seq,
    )
