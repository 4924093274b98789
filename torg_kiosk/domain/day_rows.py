"""Today's rows, read off the screen's thread: a window of cards, the count, the filters.

A day can hold tens of thousands of activities. The screen never holds them all: it asks a
:class:`DayReader` for a window of :data:`WINDOW_ROWS` cards (:func:`present.card` dicts)
around what it shows, and draws the rows above and below the window as empty space, so
the list is as tall as the whole day and scrolls and pages as one.

The reader runs on a thread of its own with its own read connection (counting and filtering
a big day takes SQLite tens of milliseconds). It works on the newest request only: one that
a newer request overtook before it began is dropped. Each answer goes to ``deliver``, which
the screen makes hop back to its own thread (``Clock.schedule_once``). No Kivy here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from torg_kiosk.domain import present
from torg_kiosk.store.database import StoreError
from torg_kiosk.store.day_list import RowKey
from torg_kiosk.store.schedule import Schedule, ScheduleNotReady

log = logging.getLogger(__name__)

#: Cards a screen holds at a time: a few pages around what it shows. The most a refresh
#: builds (a screen taller than a third of this asks for more).
WINDOW_ROWS = 40


@dataclass(frozen=True)
class Anchor:
    """A row the screen holds: its position, its key, and the data it was read from."""

    position: int
    key: RowKey
    version: tuple


@dataclass(frozen=True)
class DayRequest:
    """Which rows a screen wants, and how to say them.

    ``first`` is the position of the first row of the window, or None for a window around
    the first activity that has not ended by ``now`` (where Today opens). ``anchor``, the
    position and key of a row the screen holds, lets the reader page on from that row by
    key instead of walking to ``first`` from the top; it holds only while the data is the
    one that row was read from (its ``version``).
    """

    db_path: Path
    site: str
    day: date
    category: str  # "" is every category
    now: datetime
    language: str
    first: int | None
    size: int = WINDOW_ROWS
    anchor: Anchor | None = None


@dataclass(frozen=True)
class DayRows:
    """A window of the day: ``cards[0]`` is row ``first`` of ``total``."""

    request: DayRequest
    #: The category shown: the request's, or "" when that one is no longer on the day.
    category: str
    total: int
    first: int
    cards: list[dict]
    keys: list[RowKey]
    categories: list[str]
    #: Where the first activity not yet over stands (asked for with ``first=None``).
    current: int | None
    #: What the screen says instead of rows when the day (in this category) is empty.
    empty_text: str = ""
    #: The reader's :meth:`Schedule.schedule_version` when it read these rows.
    version: tuple = ()

    def anchor_for(self, position: int) -> Anchor | None:
        """The anchor for a window starting at ``position``: the row just above it, if held."""
        index = position - 1 - self.first
        if 0 <= index < len(self.keys):
            return Anchor(position - 1, self.keys[index], self.version)
        return None


@dataclass
class _Counts:
    """What a day's list costs a scan to know, kept until the schedule changes."""

    version: tuple
    totals: dict[tuple[str, date, str], int] = field(default_factory=dict)
    categories: dict[tuple[str, date], list[str]] = field(default_factory=dict)


class DayWindows:
    """Reads windows of days from one Schedule; remembers counts until its data changes.

    Used by one thread at a time (the reader's); tests call :meth:`read` directly.
    """

    def __init__(self, schedule: Schedule):
        self.schedule = schedule
        self._counts = _Counts(version=("never read",))

    def read(self, request: DayRequest) -> DayRows:
        schedule = self.schedule
        version = schedule.schedule_version()
        if version != self._counts.version:
            self._counts = _Counts(version)
        counts = self._counts
        site, day, category = request.site, request.day, request.category
        if (site, day) not in counts.categories:
            counts.categories[(site, day)] = schedule.day_list(site, day).categories()
        categories = counts.categories[(site, day)]
        if category and category not in categories:
            category = ""  # gone with the last sync: the screen goes back to all of them
        day_list = schedule.day_list(site, day, category=category or None)
        if (site, day, category) not in counts.totals:
            counts.totals[(site, day, category)] = day_list.count()
        total = counts.totals[(site, day, category)]

        current = None
        first = request.first
        if first is None:
            current = day_list.position_of_first_current(request.now)
            first = current - min(2, request.size // 4)
        first = max(0, min(first, total - request.size))
        anchor = request.anchor
        if anchor is not None and anchor.position == first - 1 and anchor.version == version:
            views = day_list.page_after(anchor.key, request.size)
        else:
            views = day_list.page_at(first, request.size)
        cards = [present.card(view, request.now, request.language) for view in views]
        empty_text = ""
        if total == 0:
            upcoming = schedule.next_day_with_activities(site, request.now)
            empty_text = present.empty_day_text(upcoming, request.language)
        return DayRows(
            request=request,
            category=category,
            total=total,
            first=first,
            cards=cards,
            keys=[day_list.key_of(view) for view in views],
            categories=categories,
            current=current,
            empty_text=empty_text,
            version=version,
        )


#: What a read gives the screen: the rows; the storage problem that kept them from being
#: read; or None (nothing to read yet, or a failure that was logged: ask again later).
DayAnswer = DayRows | StoreError | None
Deliver = Callable[[DayRequest, DayAnswer], None]


class DayReader:
    """A thread that answers :class:`DayRequest` s, newest first, with :class:`DayRows`.

    ``deliver(request, answer)`` is called on the reader's thread with a :data:`DayAnswer`:
    the rows; a :class:`~torg_kiosk.store.database.StoreError` when the schedule could not
    be read (not logged here: the screen's owner says it once); None when the file holds no
    schedule yet or the read failed otherwise (logged; the screen asks again later).
    """

    def __init__(self, deliver: Deliver, *, name: str = "torg-day-rows"):
        self._deliver = deliver
        self._name = name
        self._wake = threading.Condition()
        self._pending: DayRequest | None = None
        self._closed = False
        self._thread: threading.Thread | None = None
        self._windows: DayWindows | None = None

    def request(self, request: DayRequest) -> None:
        """Read ``request`` as soon as the thread is free; drops an unstarted older one."""
        with self._wake:
            self._pending = request
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    break
                request, self._pending = self._pending, None
            self._deliver(request, self._read(request))
        if self._windows is not None:
            self._windows.schedule.close()

    def _read(self, request: DayRequest) -> DayRows | StoreError | None:
        try:
            windows = self._windows
            if windows is None or windows.schedule.path != request.db_path:
                self._drop_windows()
                self._windows = windows = DayWindows(Schedule.open(request.db_path))
            return windows.read(request)
        except StoreError as problem:
            # The screen's owner says it, once, and has the file checked.
            self._drop_windows()
            return problem
        except ScheduleNotReady as not_yet:
            log.info("%s", not_yet)
            return None
        except Exception:  # the screen must outlive a bad read; it asks again later
            log.exception("reading %s on %s failed", request.site, request.day)
            self._drop_windows()
            return None

    def _drop_windows(self) -> None:
        if self._windows is not None:
            self._windows.schedule.close()
            self._windows = None
