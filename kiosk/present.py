"""What the screen says, as plain data: no Kivy here, so every sentence is testable.

Screens turn schedule objects into dicts with :func:`card` (one RecycleView row) and ask the
other functions here for the Norwegian (or English) sentences around them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk.schedule import DataFreshness, OccurrenceView
from kiosk.settings import OpeningHours, Service

LANGUAGES = (("nb", "Norsk"), ("en", "English"))

WEEKDAYS = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "nb": (
        *("januar", "februar", "mars", "april", "mai", "juni", "juli"),
        *("august", "september", "oktober", "november", "desember"),
    ),
    "en": (
        *("January", "February", "March", "April", "May", "June", "July"),
        *("August", "September", "October", "November", "December"),
    ),
}

CATEGORIES = {
    "nb": {
        "exercise": "Trening",
        "digital-help": "Digital hjelp",
        "language": "Språk",
        "culture": "Kultur",
        "children": "Barn",
        "walk": "Tur",
        "social": "Sosialt",
        "learning": "Læring",
        "health": "Helse",
        "service": "Innbyggerservice",
        "other": "Annet",
    },
    "en": {
        "exercise": "Exercise",
        "digital-help": "Digital help",
        "language": "Language",
        "culture": "Culture",
        "children": "Children",
        "walk": "Walks",
        "social": "Social",
        "learning": "Learning",
        "health": "Health",
        "service": "Citizen service",
        "other": "Other",
    },
}

#: The screen's fixed words. Norwegian first; a language missing a word falls back to it.
STRINGS = {
    "nb": {
        "today_button": "Dagens aktiviteter",
        "week_button": "Denne uka",
        "contact_button": "Snakk med kommunen",
        "language_button": "Språk / Language",
        "home": "Hjem",
        "back": "Tilbake",
        "all": "Alle",
        "now": "Nå",
        "next": "Snart",
        "cancelled": "AVLYST",
        "today_title": "I dag",
        "week_title": "Neste sju dager",
        "in_house": "I huset i dag",
        "notices": "Beskjeder",
        "now_and_next": "Nå og snart",
        "nothing_now": "Ingen aktiviteter akkurat nå.",
        "nothing_more_today": "Ikke mer på programmet i dag.",
        "closed_today": "stengt i dag",
        "loading": "Henter program …",
        "updated": "Oppdatert {time}",
        "offline": "Uten nett — viser data fra {when}",
        "no_data": "Fant ikke noe program ennå. Vi prøver igjen snart.",
        "empty_day": "I dag er det ingen aktiviteter her.",
        "empty_day_next": "I dag er det ingen aktiviteter her. Neste: {day} – {title} {time}",
        "empty_week_day": "Ingen aktiviteter",
        "scan_to_take": "Skann med mobilen for å ta det med deg",
        "registration_required": "Påmelding kreves",
        "registration_places": "Påmelding kreves – {count} plasser",
        "no_registration": "Ingen påmelding – bare kom",
        "until": "til {time}",
        "contact_title": "Snakk med kommunen",
        "contact_intro": "Innbyggerservice hjelper deg med skjema, BankID og spørsmål "
        "til kommunen.",
        "staff_here_now": "Innbyggerservice er her nå, til {time}.",
        "staff_later_today": "Innbyggerservice er her i dag {hours}.",
        "staff_this_week": "Innbyggerservice er på torget {days}.",
        "staff_never": "Innbyggerservice har ingen faste dager her.",
        "call_us": "Ring oss",
        "scan_to_book": "Skann for å bestille et digitalt møte",
        "language_title": "Velg språk",
        "close": "Lukk",
        "yesterday": "i går",
        "and": "og",
    },
    "en": {
        "today_button": "Today's activities",
        "week_button": "This week",
        "contact_button": "Talk to the kommune",
        "language_button": "Språk / Language",
        "home": "Home",
        "back": "Back",
        "all": "All",
        "now": "Now",
        "next": "Soon",
        "cancelled": "CANCELLED",
        "today_title": "Today",
        "week_title": "The next seven days",
        "in_house": "In the building today",
        "notices": "Notices",
        "now_and_next": "Now and next",
        "nothing_now": "Nothing on right now.",
        "nothing_more_today": "Nothing more on today.",
        "closed_today": "closed today",
        "loading": "Fetching the programme …",
        "updated": "Updated {time}",
        "offline": "Offline — showing data from {when}",
        "no_data": "No programme found yet. We will try again soon.",
        "empty_day": "There are no activities here today.",
        "empty_day_next": "There are no activities here today. Next: {day} – {title} {time}",
        "empty_week_day": "No activities",
        "scan_to_take": "Scan with your phone to take it with you",
        "registration_required": "Registration required",
        "registration_places": "Registration required – {count} places",
        "no_registration": "No registration – just come",
        "until": "until {time}",
        "contact_title": "Talk to the kommune",
        "contact_intro": "Citizen service helps you with forms, BankID and questions for the "
        "kommune.",
        "staff_here_now": "Citizen service staff are here now, until {time}.",
        "staff_later_today": "Citizen service staff are here today {hours}.",
        "staff_this_week": "Citizen service staff are at the torg {days}.",
        "staff_never": "Citizen service has no regular days here.",
        "call_us": "Call us",
        "scan_to_book": "Scan to book a digital meeting",
        "language_title": "Choose language",
        "close": "Close",
        "yesterday": "yesterday",
        "and": "and",
    },
}


def text(key: str, language: str, **values: object) -> str:
    """The screen's word ``key`` in ``language`` (else Norwegian), with ``values`` filled in."""
    words = STRINGS.get(language, STRINGS["nb"])
    return words.get(key, STRINGS["nb"][key]).format(**values)


def _lang(language: str) -> str:
    return language if language in WEEKDAYS else "nb"


def clock_text(moment: datetime | time) -> str:
    """``10:15``."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def day_text(day: date, language: str = "nb") -> str:
    """``torsdag 3. desember`` (English: ``Thursday 3 December``)."""
    lang = _lang(language)
    weekday = WEEKDAYS[lang][day.weekday()]
    month = MONTHS[lang][day.month - 1]
    dot = "." if lang == "nb" else ""
    return f"{weekday} {day.day}{dot} {month}"


def hour_text(moment: time) -> str:
    """``10`` on the hour, else ``08:30``: how opening hours are written on a door."""
    return f"{moment.hour:02d}" if moment.minute == 0 else clock_text(moment)


def span_text(start: datetime, end: datetime) -> str:
    """``10:30–12:30``."""
    return f"{clock_text(start)}–{clock_text(end)}"


def hours_text(hours: OpeningHours, day: date, language: str = "nb") -> str:
    """``10–16``, ``08:30–12, 13–15`` or ``stengt i dag``."""
    ranges = hours.on(day)
    if not ranges:
        return text("closed_today", language)
    return ", ".join(f"{hour_text(start)}–{hour_text(end)}" for start, end in ranges)


def service_line(service: Service, day: date, language: str = "nb") -> str:
    """``Heggedal bibliotek 10–16`` or ``Kafeen på torget stengt i dag``."""
    return f"{service.name.get(language)} {hours_text(service.opening_hours, day, language)}"


def service_name(service: Service, site_name: str, language: str = "nb") -> str:
    """The service's name without the torg's place name the header already shows.

    ``Heggedal bibliotek`` at Heggedal innbyggertorg → ``Bibliotek``.
    """
    name = service.name.get(language)
    place = site_name.split()[0] if site_name else ""
    if place and name.casefold().startswith(place.casefold() + " "):
        rest = name[len(place) + 1 :]
        return rest[:1].upper() + rest[1:]
    return name


def category_text(category: str, language: str = "nb") -> str:
    names = CATEGORIES[_lang(language)]
    return names.get(category, names["other"])


def place_text(occurrence: OccurrenceView) -> str:
    """``Biblioteket · Asker bibliotek``: where, and who runs it."""
    return " · ".join(part for part in (occurrence.room, occurrence.organizer) if part)


def registration_text(occurrence: OccurrenceView, language: str = "nb") -> str:
    if not occurrence.registration_required:
        return text("no_registration", language)
    if occurrence.registration_capacity:
        return text("registration_places", language, count=occurrence.registration_capacity)
    return text("registration_required", language)


def card(occurrence: OccurrenceView, now: datetime, language: str = "nb") -> dict:
    """One row of a list: every field a row widget shows, already in words."""
    title, _ = occurrence.text("title", language)
    running = occurrence.is_running(now) and not occurrence.cancelled
    if occurrence.cancelled:
        marker = text("cancelled", language)
    elif running:
        marker = text("now", language)
    else:
        marker = ""
    return {
        "key": occurrence.key,
        "time_text": span_text(occurrence.start, occurrence.end),
        "title": title,
        "place": place_text(occurrence),
        "category_text": category_text(occurrence.category, language),
        "marker": marker,
        "running": running,
        "past": occurrence.is_past(now),
        "cancelled": occurrence.cancelled,
    }


def detail(occurrence: OccurrenceView, language: str = "nb") -> dict:
    """Everything the activity screen shows about one occurrence."""
    title, _ = occurrence.text("title", language)
    description, _ = occurrence.text("description", language)
    return {
        "key": occurrence.key,
        "title": title,
        "day": day_text(occurrence.start.date(), language),
        "time_text": span_text(occurrence.start, occurrence.end),
        "room": occurrence.room or "",
        "organizer": occurrence.organizer or "",
        "category_text": category_text(occurrence.category, language),
        "description": description,
        "registration": registration_text(occurrence, language),
        "cancelled": occurrence.cancelled,
        "link": occurrence.link or "",
    }


def status_line(freshness: DataFreshness | None, now: datetime, language: str = "nb") -> str:
    """``Oppdatert 10:42`` or ``Uten nett — viser data fra i går 21:00``."""
    if freshness is None or freshness.last_success is None:
        return text("loading", language)
    when = freshness.last_success
    if not freshness.is_stale():
        return text("updated", language, time=clock_text(when))
    today = now.date()
    if when.date() == today:
        day = ""
    elif when.date() == today - timedelta(days=1):
        day = text("yesterday", language) + " "
    else:
        day = day_text(when.date(), language) + " "
    return text("offline", language, when=f"{day}{clock_text(when)}")


def now_and_next_lines(
    running: list[OccurrenceView],
    upcoming: list[OccurrenceView],
    language: str = "nb",
) -> list[dict]:
    """Rows for the home screen's *now & next*: label, time and title, most urgent first."""
    rows = []
    for occurrence in running:
        title, _ = occurrence.text("title", language)
        rows.append(
            {
                "key": occurrence.key,
                "label": text("now", language),
                "time_text": text("until", language, time=clock_text(occurrence.end)),
                "title": title,
                "place": occurrence.room or "",
            }
        )
    for occurrence in upcoming:
        title, _ = occurrence.text("title", language)
        rows.append(
            {
                "key": occurrence.key,
                "label": text("next", language),
                "time_text": clock_text(occurrence.start),
                "title": title,
                "place": occurrence.room or "",
            }
        )
    return rows


def empty_day_text(next_day: tuple[date, list[OccurrenceView]] | None, language: str = "nb") -> str:
    """The kind answer on a day with nothing on: what is on next, if we know."""
    if not next_day:
        return text("empty_day", language)
    day, items = next_day
    first = items[0]
    title, _ = first.text("title", language)
    return text(
        "empty_day_next",
        language,
        day=day_text(day, language),
        title=title,
        time=clock_text(first.start),
    )


def staffed_text(hours: OpeningHours, now: datetime, language: str = "nb") -> str:
    """When innbyggerservice staff are in: now, later today, or which days this week."""
    today = now.date()
    current = now.time().replace(tzinfo=None)
    for start, end in hours.on(today):
        if start <= current < end:
            return text("staff_here_now", language, time=clock_text(end))
    later = [(start, end) for start, end in hours.on(today) if start > current]
    if later:
        spans = ", ".join(f"{hour_text(s)}–{hour_text(e)}" for s, e in later)
        return text("staff_later_today", language, hours=spans)
    days = []
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        ranges = hours.on(day)
        if ranges:
            spans = ", ".join(f"{hour_text(s)}–{hour_text(e)}" for s, e in ranges)
            days.append(f"{WEEKDAYS[_lang(language)][day.weekday()]} {spans}")
    if not days:
        return text("staff_never", language)
    joined = days[0] if len(days) == 1 else ", ".join(days[:-1]) + f" {text('and', language)} "
    if len(days) > 1:
        joined += days[-1]
    return text("staff_this_week", language, days=joined)


def announcement_text(texts: dict[str, str], language: str = "nb") -> str:
    return texts.get(language) or texts.get("nb") or next(iter(texts.values()), "")
