"""What the screen reads: plain, immutable views of stored rows (no SQL here).

:class:`OccurrenceView` is one occurrence with its activity's document, decoded only when a
screen asks for a field; the others describe announcements and how fresh the data is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.languages import pick_text
from torg_kiosk.store.rows import decode_document


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
    seq: int = 0  # 1, 2 … for a further occurrence of the same series at the same start

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
    def event_url(self) -> str | None:
        """The feed's page for one occurrence (the kiosk adds date and lang)."""
        return self._doc.get("event_url")

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
    def places_taken(self) -> int:
        """Places the central side says are taken on this occurrence's day (feed ``taken``)."""
        taken = (self._doc.get("registration") or {}).get("taken") or {}
        return int(taken.get(self.start.date().isoformat(), 0))

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

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
        """(text, fell_back): see :func:`in_language`."""
        return in_language(getattr(self, field), language)

    def shown(self, field: str, language: str) -> tuple[str, str]:
        """(text, the language it is in): see :func:`shown_text`."""
        return shown_text(getattr(self, field), language)


def shown_text(values: dict[str, str], language: str) -> tuple[str, str]:
    """Feed text for a visitor who chose ``language``, and the language it is shown in.

    The rule of :func:`torg_kiosk.base.languages.fallback_order`, the same as for the site
    texts: nb ↔ nn, then English; any other language English first, then Norwegian.
    """
    return pick_text(values, language)


def in_language(values: dict[str, str], language: str) -> tuple[str, bool]:
    """(text, fell_back) by :func:`shown_text`; ``fell_back`` asks the screen for the small
    marker that says which language is shown (*Vises på engelsk*)."""
    text, shown = shown_text(values, language)
    return text, bool(text) and shown != language


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
