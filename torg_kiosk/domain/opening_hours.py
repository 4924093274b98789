"""What is open at a torg, and when: one rule for every hour the screen states.

No Kivy, no database. Every screen that says whether the torg, innbyggerservice, the library
or the caseworkers of the video call are open asks this module, so two screens cannot
disagree for the same torg and minute.

The rule, for one *service* of one torg on one local day:

1. its **weekly hours** from the site file: ``"torg"`` is ``[opening_hours]``,
   ``"innbyggerservice"`` is ``[innbyggerservice] staffed_hours``, any other key is the
   ``kind`` of a ``[[services]]`` entry (``"library"``, ``"cafe"`` …);
2. **closed on Norwegian public holidays** (New Year's Day, Maundy Thursday, Good Friday,
   Easter Sunday and Monday, 1 May, Ascension Day, 17 May, Whit Sunday and Monday, Christmas
   Day, Boxing Day): see :func:`holiday_on`;
3. **closed on the eves the kommune closes** (Christmas Eve and New Year's Eve,
   :data:`KOMMUNE_CLOSED_EVES`);
4. **closed on a feed closure's dates** (:class:`Closure`, the feed's ``closures``): the
   whole torg, or only the services it names.

Holidays and eves close the torg and every service in it. Hours are local wall time in the
site's zone (Europe/Oslo): 09:00 is 09:00 on both sides of a DST change. An end time is
exclusive: at 16:00 a torg open 09:00–16:00 is closed.

The API::

    state_at(site, now, closures)                  # the torg itself
    service_state(site, "innbyggerservice", now, closures)
    hours_state(hours, now, closures, service=…)   # hours not in the site file (caseworkers)
    day_hours(site, service, day, closures)        # one day, with why it is closed
    week_hours(site, service, first_day, closures) # seven days of that, for a week list
    closures_from(schedule.closures(site.id))      # the feed's closures, from the store

Each state is one of :class:`Open` (``until``), :class:`Closed` (closed now, but the day has
hours: before opening, at lunch, after closing; ``opens_at``) and :class:`ClosedToday` (no
hours at all today: a closed weekday, a holiday, a closure; ``opens_at`` and ``reason``).
``opens_at`` is ``None`` when nothing opens within :data:`LOOK_AHEAD_DAYS`.

The holiday dates are the ``holidays`` library's (Norway, without its "every Sunday is a
holiday" option). Importing that library costs the first frame some 130 ms, so the years
:data:`BUNDLED_YEARS` are read from ``assets/holidays/no.json`` (written by
``tools/make_holidays.py``; a test checks it against the library), and only a year outside
them imports the library.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from torg_kiosk.base.resources import asset
from torg_kiosk.base.settings import OpeningHours, SiteConfig
from torg_kiosk.base.toml_config import DayRanges
from torg_kiosk.domain.i18n import N_

__all__ = [
    "INNBYGGERSERVICE",
    "KOMMUNE_CLOSED_EVES",
    "LOOK_AHEAD_DAYS",
    "TORG",
    "Closed",
    "ClosedReason",
    "ClosedToday",
    "Closure",
    "DayHours",
    "HoursState",
    "Open",
    "UnknownService",
    "closed_reason",
    "closures_from",
    "day_hours",
    "holiday_on",
    "hours_of",
    "hours_state",
    "service_keys",
    "service_state",
    "state_at",
    "week_hours",
]

#: The service key of the torg's own opening hours.
TORG = "torg"
#: The service key of the kommune's staffed desk (``[innbyggerservice] staffed_hours``).
INNBYGGERSERVICE = "innbyggerservice"
#: How far ahead ``opens_at`` is looked for (a closure can be long: two weeks of summer).
LOOK_AHEAD_DAYS = 31
HOLIDAY_TABLE = asset("holidays", "no.json")
#: The years ``assets/holidays/no.json`` holds (``tools/make_holidays.py`` writes them).
BUNDLED_YEARS = tuple(range(2024, 2046))

#: Days that are not public holidays but on which Asker kommune's service points are closed,
#: (month, day) → the bokmål name (a msgid). Other early closings come as feed closures.
KOMMUNE_CLOSED_EVES: dict[tuple[int, int], str] = {
    (12, 24): N_("Julaften"),
    (12, 31): N_("Nyttårsaften"),
}

#: The holidays library's English names (``language="en_US"``) → the bokmål msgid shown.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": N_("1. nyttårsdag"),
    "Maundy Thursday": N_("Skjærtorsdag"),
    "Good Friday": N_("Langfredag"),
    "Easter Sunday": N_("1. påskedag"),
    "Easter Monday": N_("2. påskedag"),
    "Labor Day": N_("Arbeidernes dag"),
    "Ascension Day": N_("Kristi himmelfartsdag"),
    "Constitution Day": N_("Grunnlovsdag"),
    "Pentecost": N_("1. pinsedag"),
    "Whit Sunday": N_("1. pinsedag"),
    "Pentecost Monday": N_("2. pinsedag"),
    "Whit Monday": N_("2. pinsedag"),
    "Christmas Day": N_("1. juledag"),
    "Second Day of Christmas": N_("2. juledag"),
    "Boxing Day": N_("2. juledag"),
}


class UnknownService(KeyError):
    """A service key this torg's site file does not define."""

    def __init__(self, site: SiteConfig, service: str):
        known = ", ".join(service_keys(site))
        super().__init__(
            f"{site.id} has no service {service!r}: use one of {known} "
            f"(the kinds of its [[services]] in sites/{site.id}.toml)."
        )


@dataclass(frozen=True)
class Closure:
    """Days a torg, or some of its services, are closed: a feed's ``closures`` record.

    ``site`` ``None`` is every torg; ``services`` ``None`` is the torg and all its services,
    else only the keys named (``"torg"``, ``"innbyggerservice"``, ``"library"`` …).
    ``text`` is the notice per language (may be empty).
    """

    id: str
    dates: frozenset[date]
    site: str | None = None
    services: frozenset[str] | None = None
    text: Mapping[str, str] | None = None

    def closes(self, site_id: str, service: str, day: date) -> bool:
        return (
            day in self.dates
            and (self.site is None or self.site == site_id)
            and (self.services is None or service in self.services)
        )


@dataclass(frozen=True)
class ClosedReason:
    """Why a day has no hours although its weekday has: ``kind`` is ``"holiday"``,
    ``"eve"`` or ``"closure"``. ``name`` is a bokmål msgid (holidays, eves); a closure
    carries its ``closure`` (its text may be the notice)."""

    kind: str
    name: str | None = None
    closure: Closure | None = None


@dataclass(frozen=True)
class Open:
    """Open now, until ``until`` (aware, the site's zone; adjoining ranges count as one)."""

    until: datetime


@dataclass(frozen=True)
class Closed:
    """Closed now, but the day has hours (not yet open, a break, or already closed).
    ``opens_at``: the next opening, today or later; ``None`` if none is near."""

    opens_at: datetime | None


@dataclass(frozen=True)
class ClosedToday:
    """No hours at all today. ``reason`` ``None``: this weekday has none."""

    opens_at: datetime | None
    reason: ClosedReason | None = None


HoursState = Open | Closed | ClosedToday


@dataclass(frozen=True)
class DayHours:
    """One local day of one service: its ranges after holidays and closures.
    ``closed`` says why ``ranges`` is empty on a day whose weekday has hours."""

    day: date
    ranges: DayRanges
    closed: ClosedReason | None = None


def closures_from(views: Iterable) -> tuple[Closure, ...]:
    """The store's closures (``Schedule.closures(site)``, each a ``ClosureView``) as
    :class:`Closure` for the functions here."""
    return tuple(
        Closure(
            id=view.id,
            dates=frozenset(view.dates),
            site=view.site,
            services=frozenset(view.services) if view.services is not None else None,
            text=view.text,
        )
        for view in views
    )


# -- the site's services ----------------------------------------------------------------------


def service_keys(site: SiteConfig) -> tuple[str, ...]:
    """``("torg", "innbyggerservice", <each service kind>…)`` for this torg."""
    kinds = dict.fromkeys(service.kind for service in site.services)
    return (TORG, INNBYGGERSERVICE, *kinds)


def hours_of(site: SiteConfig, service: str) -> OpeningHours:
    """The weekly hours of a service key (see the module docstring)."""
    if service == TORG:
        return site.opening_hours
    if service == INNBYGGERSERVICE:
        return site.innbyggerservice.staffed_hours
    for entry in site.services:
        if entry.kind == service:
            return entry.opening_hours
    raise UnknownService(site, service)


# -- the rule -----------------------------------------------------------------------------------


def state_at(site: SiteConfig, now: datetime, closures: Iterable[Closure] = ()) -> HoursState:
    """Is the torg itself open at ``now`` (aware)? Until when, or when does it open?"""
    return service_state(site, TORG, now, closures)


def service_state(
    site: SiteConfig, service: str, now: datetime, closures: Iterable[Closure] = ()
) -> HoursState:
    """The state of one service of this torg at ``now``; ``service`` as in :func:`hours_of`."""
    return hours_state(hours_of(site, service), now, closures, site_id=site.id, service=service)


def hours_state(
    hours: OpeningHours,
    now: datetime,
    closures: Iterable[Closure] = (),
    *,
    site_id: str = "",
    service: str = TORG,
) -> HoursState:
    """The state at ``now`` of any weekly hours under the same holidays and closures.

    For hours that do not come from the site file (the caseworkers behind the video call):
    pass ``site_id`` and a ``service`` key so feed closures naming it apply.
    """
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass a timezone-aware one")
    closures = tuple(closures)
    zone = hours.timezone
    local = now.astimezone(zone)
    today = _day_hours(hours, local.date(), closures, site_id, service)
    for start, end in _instants(today, zone):
        if start <= local < end:
            return Open(until=_open_until(hours, end, closures, site_id, service))
    opens_at = _next_opening(hours, local, closures, site_id, service)
    if not today.ranges:
        return ClosedToday(opens_at=opens_at, reason=today.closed)
    return Closed(opens_at=opens_at)


def day_hours(
    site: SiteConfig, service: str, day: date, closures: Iterable[Closure] = ()
) -> DayHours:
    """One local day of a service: the ranges it is open, or why it is closed."""
    return _day_hours(hours_of(site, service), day, tuple(closures), site.id, service)


def week_hours(
    site: SiteConfig, service: str, first_day: date, closures: Iterable[Closure] = ()
) -> list[DayHours]:
    """Seven days from ``first_day``, each as :func:`day_hours` gives it."""
    closures = tuple(closures)
    return [day_hours(site, service, first_day + timedelta(days=n), closures) for n in range(7)]


def closed_reason(
    day: date, closures: Iterable[Closure] = (), *, site_id: str = "", service: str = TORG
) -> ClosedReason | None:
    """Why ``day`` is closed whatever its weekday (holiday, eve, closure), or ``None``."""
    name = holiday_on(day)
    if name is not None:
        return ClosedReason("holiday", name=name)
    eve = KOMMUNE_CLOSED_EVES.get((day.month, day.day))
    if eve is not None:
        return ClosedReason("eve", name=eve)
    for closure in closures:
        if closure.closes(site_id, service, day):
            return ClosedReason("closure", closure=closure)
    return None


def holiday_on(day: date) -> str | None:
    """The bokmål name (a msgid) of the Norwegian public holiday on ``day``, or ``None``.

    Sundays are not holidays here: a torg open on Sundays is open on an ordinary Sunday.
    """
    return _holidays_of(day.year).get(day)


# -- inside ---------------------------------------------------------------------------------------


def _day_hours(
    hours: OpeningHours,
    day: date,
    closures: tuple[Closure, ...],
    site_id: str,
    service: str,
) -> DayHours:
    weekly = hours.on(day)
    if not weekly:
        return DayHours(day, ())
    reason = closed_reason(day, closures, site_id=site_id, service=service)
    if reason is not None:
        return DayHours(day, (), reason)
    return DayHours(day, weekly)


def _instants(day: DayHours, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.combine(day.day, start, zone), datetime.combine(day.day, end, zone))
        for start, end in day.ranges
    ]


def _open_until(
    hours: OpeningHours,
    end: datetime,
    closures: tuple[Closure, ...],
    site_id: str,
    service: str,
) -> datetime:
    """``end``, carried on through ranges that start exactly when the last one ends."""
    zone = hours.timezone
    while True:
        day = _day_hours(hours, end.date(), closures, site_id, service)
        following = _instants(day, zone)
        later = [stop for start, stop in following if start == end and stop > end]
        if not later:
            return end
        end = later[0]


def _next_opening(
    hours: OpeningHours,
    local: datetime,
    closures: tuple[Closure, ...],
    site_id: str,
    service: str,
) -> datetime | None:
    zone = hours.timezone
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for start, _ in _instants(_day_hours(hours, day, closures, site_id, service), zone):
            if start > local:
                return start
    return None


@cache
def _holidays_of(year: int) -> dict[date, str]:
    entries = _bundled_holidays().get(str(year)) or holidays_from_library(year)
    # Two holidays on one day (1 May and Ascension Day in 2008) come as "A; B": the first names it.
    return {
        date.fromisoformat(day): HOLIDAY_NAMES[name.split("; ")[0]] for day, name in entries.items()
    }


@cache
def _bundled_holidays() -> dict[str, dict[str, str]]:
    return json.loads(HOLIDAY_TABLE.read_text(encoding="utf-8"))["years"]


def holidays_from_library(year: int) -> dict[str, str]:
    """``{"2026-04-06": "Easter Monday", …}`` from the ``holidays`` library (Norway, no
    Sundays, English names): what ``assets/holidays/no.json`` holds per year."""
    from holidays.countries.norway import Norway  # ~130 ms: only for years not bundled

    found = Norway(years=year, include_sundays=False, language="en_US")
    return {day.isoformat(): name for day, name in sorted(found.items())}
