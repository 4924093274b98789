"""The records every source format is parsed into, and the store writes.

A parser (``torg_kiosk.sync.formats.feed_v1``, ``torg_kiosk.sync.formats.ical``) turns the bytes
of one source into a :class:`ParsedSource`. Nothing here touches the network or the database,
and every instant is timezone-aware: parsers convert to UTC before building an
:class:`Occurrence`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from torg_kiosk.base.clock import OSLO, local_midnight

#: Occurrences are expanded from this many days before ``now`` …
WINDOW_DAYS_BEFORE = 1
#: … to this many days after it.
WINDOW_DAYS_AFTER = 14


@dataclass(frozen=True, slots=True)
class Window:
    """The span of local days whose occurrences are stored: ``first`` to ``last`` inclusive."""

    first: date
    last: date
    #: Start of the first day and of the day after the last one, aware (Europe/Oslo).
    start: datetime = field(init=False, compare=False)
    end: datetime = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: every activity of a feed is compared with these.
        object.__setattr__(self, "start", local_midnight(self.first))
        object.__setattr__(self, "end", local_midnight(self.last + timedelta(days=1)))

    @classmethod
    def around(cls, now: datetime, tz: ZoneInfo = OSLO) -> Window:
        today = now.astimezone(tz).date()
        return cls(
            today - timedelta(days=WINDOW_DAYS_BEFORE), today + timedelta(days=WINDOW_DAYS_AFTER)
        )


@dataclass(frozen=True, slots=True)
class Registration:
    required: bool = False
    capacity: int | None = None
    url: str | None = None


@dataclass(slots=True)
class Activity:
    """One activity as the feed describes it (a series, or a single event).

    ``title`` and ``description`` map a language code (``nb``, ``en``, …) to text.
    """

    id: str
    site: str
    title: dict[str, str]
    start: datetime | date
    end: datetime | date | None = None
    description: dict[str, str] = field(default_factory=dict)
    category: str = "other"
    room: str | None = None
    organizer: str | None = None
    url: str | None = None
    registration: Registration = field(default_factory=Registration)
    status: str = "scheduled"
    rrule: str | None = None
    updated_at: str | None = None
    #: Starts (aware) of occurrences that do not happen / are cancelled but still shown.
    exdates: tuple[datetime, ...] = ()
    cancelled: tuple[datetime, ...] = ()
    #: The activity as feed v1 JSON text, when the parser has it verbatim (stored as is).
    doc: str | None = None

    def as_feed_record(self) -> dict:
        """The activity in feed v1 shape (what the store keeps as its document)."""
        record: dict = {
            "id": self.id,
            "site": self.site,
            "title": self.title,
            "start": self.start.isoformat(),
        }
        optional = {
            "end": self.end.isoformat() if self.end is not None else None,
            "description": self.description or None,
            "category": self.category,
            "room": self.room,
            "organizer": self.organizer,
            "url": self.url,
            "status": self.status,
            "rrule": self.rrule,
            "updated_at": self.updated_at,
        }
        record.update({key: value for key, value in optional.items() if value is not None})
        if self.exdates:
            record["exdates"] = [instant.isoformat() for instant in self.exdates]
        if self.cancelled:
            record["cancelled"] = [instant.isoformat() for instant in self.cancelled]
        registration = self.registration
        if registration.required or registration.capacity or registration.url:
            record["registration"] = {"required": registration.required}
            if registration.capacity:
                record["registration"]["capacity"] = registration.capacity
            if registration.url:
                record["registration"]["url"] = registration.url
        return record

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(slots=True)
class Occurrence:
    """One concrete time an activity happens, inside the stored window.

    ``start``/``end`` are aware datetimes (any zone; the store keeps Unix time). For an
    all-day event they are the local midnights (Europe/Oslo) of its first day and of the day
    after its last, and ``all_day`` is true, so one query serves both kinds.
    """

    activity_id: str
    site: str
    start: datetime
    end: datetime
    all_day: bool = False
    status: str = "scheduled"
    #: Per-occurrence changes (a RECURRENCE-ID override): room, title … that differ.
    title: dict[str, str] | None = None
    room: str | None = None
    #: 0, or 1, 2 … for a further occurrence of the same series at the same start.
    seq: int = 0


@dataclass(slots=True)
class Announcement:
    id: str
    site: str | None
    text: dict[str, str]
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@dataclass(slots=True)
class Closure:
    """Days a torg (``site`` None: every torg), or only the ``services`` named, is closed."""

    id: str
    site: str | None
    dates: list[date]
    services: list[str] | None = None
    text: dict[str, str] | None = None


@dataclass(slots=True)
class TicketKey:
    kid: str
    public_key: str
    algorithm: str = "Ed25519"


@dataclass(slots=True)
class Skipped:
    """A record that was left out, and why (logged, counted in the sync status)."""

    record_id: str
    reason: str


@dataclass(slots=True)
class ParsedSource:
    activities: list[Activity] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)
    ticket_keys: list[TicketKey] = field(default_factory=list)
    revoked_tickets: list[str] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)

    @classmethod
    def merge(cls, chunks: Iterable[ParsedSource]) -> ParsedSource:
        """One ParsedSource holding every record of ``chunks``, in order."""
        whole = cls()
        for chunk in chunks:
            whole.activities += chunk.activities
            whole.occurrences += chunk.occurrences
            whole.announcements += chunk.announcements
            whole.ticket_keys += chunk.ticket_keys
            whole.revoked_tickets += chunk.revoked_tickets
            whole.sites += chunk.sites
            whole.skipped += chunk.skipped
            whole.closures += chunk.closures
        return whole


class FeedRefused(Exception):
    """The source as a whole is not usable: the last good snapshot stays.

    ``code`` is machine-readable (``not_json``, ``unknown_version``, ``truncated``, ``empty``,
    ``shrunk``, ``absurd_dates``, ``not_ical`` …); the message is a sentence for a person.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
