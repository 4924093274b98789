"""Read an iCalendar file (Google, Outlook, Exchange, Apple, Thunderbird) into records.

One :class:`~sync.records.Activity` per series (VEVENT UID) and one
:class:`~sync.records.Occurrence` per time it happens inside the window, expanded with
``recurring-ical-events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides).

Choices a reader would otherwise guess at:

- Each series is expanded on its own, so one broken VEVENT (bad DTSTART, bad RRULE, a TZID
  nobody can resolve, end before start) is skipped with a reason and the rest still parse.
- Floating times (no TZID, no ``Z``) are read as Europe/Oslo wall time. ``X-WR-TIMEZONE`` is
  applied first (the ``x-wr-timezone`` package), so Google's floating-by-default files work.
- An unknown TZID is *not* guessed as Oslo: the event is skipped. A VTIMEZONE in the file is
  used even with a custom TZID (Outlook's "(UTC-05:00) Eastern Time (US & Canada)"), wherever
  in the file it stands, and Windows zone names are resolved by icalendar's mapping. Only
  the file's own VTIMEZONEs count: icalendar's process-wide cache is emptied per file.
- An event may have several RRULE lines: they are expanded as their union (RFC 5545).
- Several occurrences of one series at one start (an override moved onto another date's
  time) are all kept, numbered by ``Occurrence.seq``.
- No DTEND and no DURATION: an all-day event lasts one day and a timed event has zero length,
  as RFC 5545 §3.6.1 says; ``Activity.end`` is then ``None`` for the timed case.
- A cancelled occurrence (STATUS:CANCELLED on the series or on an override) is kept and
  flagged ``status="cancelled"`` so the screen can say so, instead of silently vanishing.
- A calendar without a single VEVENT is refused (``empty``): a feed that suddenly comes back
  empty is more likely broken than truly empty, and refusing keeps the last good snapshot.
- Each series costs what the window holds, not what lies between its DTSTART and the window:
  RRULEs finer than every 15 minutes are refused before rie sees them, DTSTART is moved up to
  just before the window where that keeps every date, rie is asked for the window only, and
  dateutil walks inside the budget of :mod:`torg_kiosk.sync.recurrence_limits`. A series past
  a limit is skipped whole, with the reason.
- Every text (SUMMARY, DESCRIPTION, LOCATION, ORGANIZER) goes through
  :func:`torg_kiosk.base.safe_text.safe_text` with the feed's caps, so a calendar reaches the
  screen as clean as a feed. A URL with a character a link may not have, or longer than the
  cap, is left out rather than repaired (a repaired link points somewhere else).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import icalendar
import recurring_ical_events
import x_wr_timezone
from dateutil.rrule import rrulestr

from torg_kiosk.base.clock import OSLO, local_midnight
from torg_kiosk.base.safe_text import LOG_QUOTE_LIMIT, for_log, safe_text
from torg_kiosk.base.schema import text_caps
from torg_kiosk.store.records import (
    Activity,
    FeedRefused,
    Occurrence,
    ParsedSource,
    Skipped,
    Window,
)
from torg_kiosk.sync.recurrence import (
    ExpansionBudget,
    RecurrenceError,
    reanchored,
    refuse_too_fine,
)
from torg_kiosk.sync.recurrence_limits import HORIZON_YEARS, MAX_PER_SERIES, WalkPastHorizon

log = logging.getLogger(__name__)

#: More occurrences than this for one series inside the window is a runaway series: skipped.
MAX_OCCURRENCES_PER_SERIES = MAX_PER_SERIES
#: … and more than this in total is a runaway file: the series past it are skipped.
MAX_OCCURRENCES_TOTAL = 50_000

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_CAPS = text_caps()
#: How each text property is cleaned: multi-line or not, and the feed's cap it shares.
_TEXT_RULES = {
    "SUMMARY": (False, "text"),
    "DESCRIPTION": (True, "text"),
    "LOCATION": (False, "room"),
    "ORGANIZER": (False, "organizer"),
}
_BOM = "\ufeff"

#: Words in CATEGORIES that point to one of the feed's categories (matched as substrings of
#: the lower-cased category text, first match wins).
_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("exercise", ("trim", "trening", "fitness", "yoga", "dans", "exercise", "gym", "sport")),
    ("digital-help", ("data", "digital", "pc-hjelp", "mobil", "computer")),
    ("language", ("språk", "sprak", "norsk", "language")),
    ("walk", ("tur", "gåtur", "walk")),
    ("children", ("barn", "children", "kids", "familie")),
    ("culture", ("teater", "musikk", "konsert", "kultur", "kunst", "culture", "music")),
    ("health", ("helse", "health")),
    ("learning", ("kurs", "foredrag", "læring", "learning", "lecture")),
    ("social", ("kafé", "kafe", "sosial", "social", "treff")),
    ("service", ("innbyggerservice", "tjeneste", "service")),
)


def sniff_ical(data: bytes) -> bool:
    """Whether ``data`` looks like an iCalendar file (BOM and leading blank lines allowed)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head[:15].upper() == b"BEGIN:VCALENDAR"


def parse_ical(
    data: bytes,
    *,
    site: str,
    window: Window,
    default_category: str = "other",
    source_label: str = "",
    budget: ExpansionBudget | None = None,
) -> ParsedSource:
    """Parse one iCalendar source for ``site``; raise :class:`FeedRefused` if it is not one.

    ``budget`` is what expanding its series may cost (by default the limits of
    :mod:`torg_kiosk.sync.recurrence_limits`, with :data:`MAX_OCCURRENCES_TOTAL` in all).
    """
    label = source_label or "the iCalendar source"
    calendars = _read_calendars(data, label)
    budget = budget or ExpansionBudget(max_occurrences=MAX_OCCURRENCES_TOTAL)
    run = _Run(site, window, default_category, ParsedSource(), budget)
    result = run.result
    seen_ids: set[str] = set()
    event_count = 0
    for calendar in calendars:
        timezones = calendar.walk("VTIMEZONE")
        for series_id, events in _group_by_series(calendar.walk("VEVENT")):
            event_count += len(events)
            if series_id in seen_ids:
                _skip(result, series_id, "another series in this calendar has the same UID.")
                continue
            seen_ids.add(series_id)
            _read_series(run, series_id, events, timezones)
    if event_count == 0:
        raise FeedRefused(
            "empty",
            f"{label} is a calendar without any events. The last good schedule is kept; "
            "check that the calendar is shared and not emptied by mistake.",
        )
    return result


def _read_calendars(data: bytes, label: str) -> list[icalendar.Calendar]:
    text = data.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        log.warning("%s is not valid UTF-8: unreadable bytes were replaced with '\ufffd'.", label)
    text = text.lstrip(_BOM).lstrip()
    if not text[:15].upper() == "BEGIN:VCALENDAR":
        raise FeedRefused(
            "not_ical",
            f"{label} is not an iCalendar file (it does not start with BEGIN:VCALENDAR). "
            "Check the calendar address: it may point to a web page or a login form.",
        )
    # Lone CRs (old Mac files, fuzzed input) would otherwise glue lines together.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # icalendar keeps every VTIMEZONE it has read in one cache for the whole process, first
    # definition wins: a custom TZID from another calendar (or another version of this one)
    # would be used for this file. Choosing the provider again starts an empty cache.
    icalendar.use_zoneinfo()
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError …
        raise FeedRefused(
            "not_ical",
            f"{label} could not be read as iCalendar ({error}). "
            "Check that the calendar exports a valid .ics file.",
        ) from error
    if not calendars:
        raise FeedRefused(
            "not_ical",
            f"{label} holds no complete calendar (END:VCALENDAR is missing, so the download "
            "may have been cut off). The last good schedule is kept; try again later.",
        )
    return [_standardised(calendar) for calendar in calendars]


def _standardised(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """Apply X-WR-TIMEZONE (Google's calendar-wide zone) to floating and UTC times."""
    if "X-WR-TIMEZONE" not in calendar:
        return calendar
    try:
        return x_wr_timezone.to_standard(calendar)
    except Exception as error:
        log.warning("X-WR-TIMEZONE %r ignored: %s", str(calendar["X-WR-TIMEZONE"]), error)
        return calendar


def _group_by_series(events: list) -> list[tuple[str, list]]:
    """Pair each activity id with its VEVENTs: the series first, then its overrides."""
    groups: dict[str, list] = {}
    for event in events:
        series_id = _series_id(event)
        if "UID" not in event:
            # Without a UID nothing links two events; twins with one start and title get -2, -3.
            base, n = series_id, 1
            while series_id in groups:
                n += 1
                series_id = f"{base}-{n}"
        groups.setdefault(series_id, []).append(event)
    for members in groups.values():
        members.sort(key=lambda event: "RECURRENCE-ID" in event)
    return list(groups.items())


def _series_id(event) -> str:
    uid = str(event.get("UID", "")).strip()
    if uid and _ID_PATTERN.match(uid):
        return uid
    if not uid:
        # No UID: the start and the title are what stays the same between two downloads.
        start = event.get("DTSTART")
        uid = f"{start.to_ical().decode() if start is not None else ''}|{event.get('SUMMARY', '')}"
    return "ical-" + hashlib.sha1(uid.encode("utf-8", "replace")).hexdigest()[:16]


@dataclass(slots=True)
class _Run:
    """What every series of one parse shares: where it goes and how much it may still cost."""

    site: str
    window: Window
    default_category: str
    result: ParsedSource
    budget: ExpansionBudget


def _read_series(run: _Run, series_id: str, events: list, timezones: list) -> None:
    result = run.result
    good = []
    for event in events:
        try:
            problem = _problem_with(event)
        except Exception as error:  # a check that trips must skip this series, not the file
            problem = f"the event could not be checked ({error})."
        if problem is None:
            good.append(event)
            continue
        override = event.get("RECURRENCE-ID")
        if override is not None and good:
            # A broken override: the series stays, that one date shows as originally planned.
            _skip(result, f"{series_id}@{override.to_ical().decode()}", problem)
        else:
            _skip(result, series_id, problem)
            return
    master = good[0]
    if "RECURRENCE-ID" in master:
        log.info("Series %s has overrides but no main event; showing the overrides.", series_id)
    try:
        activity = _activity(master, series_id, run.site, run.default_category)
        occurrences = _expand(run, good, timezones, activity)
    except RecurrenceError as error:
        _skip(result, series_id, f"{error}.")
        return
    except Exception as error:  # one series must never stop the others
        _skip(result, series_id, f"the event could not be expanded into dates ({error}).")
        return
    result.activities.append(activity)
    result.occurrences.extend(occurrences)


def _problem_with(event) -> str | None:
    """A sentence saying why this VEVENT cannot be used, or ``None`` if it can."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "DURATION"):
        prop = event.get(name)
        if prop is None:
            if name == "DTSTART":
                return "the event has no start time (DTSTART)."
            continue
        try:
            value = prop.dt
        except Exception as error:
            return f"the event's {name} cannot be read ({error})."
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        if tzid and isinstance(value, datetime) and value.tzinfo is None:
            return f"the event's time zone {tzid!r} is unknown and not described in the file."
    for name in ("EXDATE", "RDATE"):
        props = event.get(name, [])
        for prop in props if isinstance(props, list) else [props]:
            try:
                prop.dts  # noqa: B018 - reading it is the check
            except Exception as error:
                return f"the event's {name} cannot be read ({error})."
    rrule = _without_empty_rules(event)
    if rrule is not None:
        try:
            _check_rrule(event, rrule)
        except RecurrenceError as error:
            return f"the repeat rule (RRULE) is not used: {error}."
        except Exception as error:
            return f"the repeat rule (RRULE) cannot be read ({error})."
    start, end = event["DTSTART"].dt, _end_of(event)
    if end is not None and _as_comparable(end) < _as_comparable(start):
        return "the event ends before it starts."
    return None


def _without_empty_rules(event):
    """The event's RRULE (one, or a list when it has several: RFC 5545 allows it, and they
    are expanded as the union), with empty ones removed from the event.

    Calendar Labs writes an empty "RRULE:" on one-off holidays: it means no repetition.
    """
    rrule = event.get("RRULE")
    if rrule is None:
        return None
    rules = [rule for rule in (rrule if isinstance(rrule, list) else [rrule]) if rule.to_ical()]
    if len(rules) == (len(rrule) if isinstance(rrule, list) else 1):
        return rrule
    del event["RRULE"]
    for rule in rules:
        event.add("RRULE", rule)
    return event.get("RRULE")


def _check_rrule(event, rrule) -> None:
    """Raise if the rule repeats too often or dateutil cannot read it (rie would fail later,
    for the whole query)."""
    rules = rrule if isinstance(rrule, list) else [rrule]
    start = event["DTSTART"].dt
    if not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day)
    for rule in rules:
        text = rule.to_ical().decode()
        refuse_too_fine(text)
        # UNTIL in UTC with a naive start trips dateutil; the check is about syntax only.
        text = re.sub(r"UNTIL=[0-9TZ]+", "UNTIL=20991231", text)
        rrulestr(text, dtstart=start.replace(tzinfo=None))


def _end_of(event) -> datetime | date | None:
    if "DTEND" in event:
        return event["DTEND"].dt
    if "DURATION" in event:
        return event["DTSTART"].dt + event["DURATION"].dt
    return None


def _as_comparable(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        return local_midnight(value)
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _activity(event, series_id: str, site: str, default_category: str) -> Activity:
    start = event["DTSTART"].dt
    end = _end_of(event)
    if end is None and not isinstance(start, datetime):
        end = start + timedelta(days=1)
    rrule = event.get("RRULE")
    return Activity(
        id=series_id,
        site=site,
        title={"nb": _text(event, "SUMMARY", series_id) or "(uten tittel)"},
        description={"nb": d} if (d := _text(event, "DESCRIPTION", series_id)) else {},
        start=_to_oslo(start),
        end=_to_oslo(end) if end is not None else None,
        category=_category(event, default_category),
        room=_text(event, "LOCATION", series_id),
        organizer=_organizer(event, series_id),
        url=_link(event, series_id),
        status=_status(event),
        rrule=(rrule[0] if isinstance(rrule, list) else rrule).to_ical().decode()
        if rrule
        else None,
    )


def _to_oslo(value: datetime | date) -> datetime | date:
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=OSLO)
    return value.astimezone(OSLO)


def _text(event, name: str, series_id: str | None = None) -> str | None:
    """The property's text made safe, or None; what was cleaned is logged for ``series_id``."""
    value = event.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return _safe(str(value), name, series_id) if value is not None else None


def _safe(text: str, name: str, series_id: str | None) -> str | None:
    multiline, cap = _TEXT_RULES[name]
    notes: list[str] = []
    text = safe_text(text, multiline=multiline, max_length=_CAPS[cap], notes=notes)
    if notes and series_id is not None:
        log.warning("Calendar event %s: %s cleaned: %s", series_id, name, "; ".join(notes))
    return text or None


def _link(event, series_id: str) -> str | None:
    value = event.get("URL")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    link = str(value).strip()
    if link and safe_text(link) == link and " " not in link and len(link) <= _CAPS["url"]:
        return link
    log.warning("Calendar event %s: URL %s left out: not a usable link", series_id, for_log(link))
    return None


def _organizer(event, series_id: str) -> str | None:
    organizer = event.get("ORGANIZER")
    if organizer is None:
        return None
    name = organizer.params.get("CN") if hasattr(organizer, "params") else None
    if name and (cleaned := _safe(str(name), "ORGANIZER", series_id)):
        return cleaned
    address = re.sub(r"^mailto:", "", str(organizer).strip(), flags=re.IGNORECASE)
    return _safe(address, "ORGANIZER", series_id)


def _category(event, default: str) -> str:
    words = []
    properties = event.get("CATEGORIES")
    for prop in properties if isinstance(properties, list) else [properties]:
        if prop is None:
            continue
        words.extend(str(cat).lower() for cat in getattr(prop, "cats", [prop]))
    for category, keys in _CATEGORY_WORDS:
        if any(key in word for word in words for key in keys):
            return category
    return default


def _status(event) -> str:
    return "cancelled" if str(event.get("STATUS", "")).upper() == "CANCELLED" else "scheduled"


def _expand(run: _Run, events: list, timezones: list, activity: Activity) -> list[Occurrence]:
    """Occurrences of one series overlapping the window; a runaway series raises.

    Bounded by the window, not by the series' start: the main event's DTSTART is moved up
    to just before the window when that provably keeps every date (see :func:`_moved_up`),
    rie is asked for the window only, and dateutil walks inside the budget.
    """
    window = run.window
    # Floating times are compared as Oslo wall time, so the query uses naive bounds; a day of
    # slack on each side absorbs how rie mixes naive and aware times, the exact cut is ours.
    first = window.start.replace(tzinfo=None) - timedelta(days=1)
    stop = window.end.replace(tzinfo=None) + timedelta(days=1)
    calendar = icalendar.Calendar()
    for component in (*timezones, *(_moved_up(event, first) for event in events)):
        calendar.add_component(component)
    try:
        with run.budget.walking(horizon_year=window.last.year + HORIZON_YEARS):
            components = recurring_ical_events.of(calendar).between(first, stop)
    except WalkPastHorizon:
        raise RecurrenceError(
            f"the repeat rule gives no date in the {HORIZON_YEARS} years after the window; "
            "it looks broken"
        ) from None
    occurrences = []
    for component in components:
        occurrence = _occurrence(component, activity)
        if _overlaps(occurrence, window):
            occurrences.append(occurrence)
    if len(occurrences) > MAX_OCCURRENCES_PER_SERIES:
        raise RecurrenceError(
            f"this series repeats more than {MAX_OCCURRENCES_PER_SERIES} times in the window"
        )
    run.budget.take(len(occurrences))
    occurrences.sort(key=lambda occurrence: occurrence.start)
    _number_same_starts(occurrences)
    return occurrences


def _number_same_starts(occurrences: list[Occurrence]) -> None:
    """Several occurrences of one series at one start (an override moved onto another
    date's time, two RDATEs with different lengths) each keep their own row: 0, 1, 2 …"""
    for before, after in pairwise(occurrences):
        if after.start == before.start:
            after.seq = before.seq + 1


def _moved_up(event, before: datetime):
    """The main event with DTSTART moved up close to ``before``, or ``event`` itself.

    Only when :func:`~torg_kiosk.sync.recurrence.reanchored` shows it gives the same dates
    (one RRULE without COUNT). rie always counts DTSTART itself as a date, so the moved one
    lies far enough before the window to end before it; overrides (RECURRENCE-ID) of dates
    from the window on still match, as the dates are the same.
    """
    rrule = event.get("RRULE")
    if "RECURRENCE-ID" in event or rrule is None or isinstance(rrule, list):
        return event
    start = event["DTSTART"].dt
    end = _end_of(event)
    if end is not None and isinstance(end, datetime) != isinstance(start, datetime):
        return event  # a date start with a date-time end: nothing to gain, much to get wrong
    duration = end - start if end is not None else timedelta(0)
    wall = (
        start.replace(tzinfo=None)
        if isinstance(start, datetime)
        else datetime.combine(start, time.min)
    )
    # Two days more: the event's own time zone may be a day away from Oslo's wall time.
    anchored = reanchored(wall, rrule.to_ical().decode(), before - duration - timedelta(days=2))
    if anchored is None:
        return event
    new_wall, text = anchored
    if isinstance(start, datetime):
        new_start = new_wall.replace(tzinfo=start.tzinfo)
    elif new_wall.time() == time.min:
        new_start = new_wall.date()
    else:
        return event  # an hourly rule on an all-day event: leave it as it is
    moved = event.copy()
    moved["DTSTART"] = icalendar.vDDDTypes(new_start)
    if "DTEND" in event:
        moved["DTEND"] = icalendar.vDDDTypes(event["DTEND"].dt + (new_start - start))
    moved["RRULE"] = icalendar.vRecur.from_ical(text)
    return moved


def _overlaps(occurrence: Occurrence, window: Window) -> bool:
    """Inside the window; a zero-length occurrence counts if it starts inside."""
    if occurrence.start >= window.end:
        return False
    return occurrence.end > window.start or occurrence.start >= window.start


def _occurrence(component, activity: Activity) -> Occurrence:
    start = component["DTSTART"].dt
    end = component["DTEND"].dt if "DTEND" in component else _end_of(component)
    all_day = not isinstance(start, datetime)
    if end is None:
        end = start + timedelta(days=1) if all_day else start
    title = _text(component, "SUMMARY")
    room = _text(component, "LOCATION")
    return Occurrence(
        activity_id=activity.id,
        site=activity.site,
        start=_to_utc(start),
        end=_to_utc(end),
        all_day=all_day,
        status=_status(component),
        title={"nb": title} if title and title != activity.title.get("nb") else None,
        room=room if room != activity.room else None,
    )


def _to_utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        value = local_midnight(value)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=OSLO)
    return value.astimezone(UTC)


def _skip(result: ParsedSource, record_id: str, reason: str) -> None:
    record_id = for_log(record_id)
    reason = for_log(reason, limit=2 * LOG_QUOTE_LIMIT)
    log.warning("Skipped calendar event %s: %s", record_id, reason)
    result.skipped.append(Skipped(record_id, reason))
