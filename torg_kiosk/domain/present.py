"""What the screen says, as plain data: no Kivy here, so every sentence is testable.

Screens turn schedule objects into dicts with :func:`card` (one RecycleView row) and ask the
other functions here for the sentences around them, in the visitor's language. The words come
from the gettext catalogs through :mod:`torg_kiosk.domain.i18n`; every msgid is the bokmål
text, marked ``_("…")`` where it is written so ``tools/i18n.py extract`` finds it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from torg_kiosk.base.settings import OpeningHours, Service
from torg_kiosk.domain import status as kinds
from torg_kiosk.domain.i18n import N_, category_name, long_date, time_text, tr, weekday_name
from torg_kiosk.domain.status import KioskStatus, kiosk_status
from torg_kiosk.store.schedule import DataFreshness, OccurrenceView, in_language


def clock_text(moment: datetime | time) -> str:
    """``10:15``, in every language (see :func:`torg_kiosk.domain.i18n.time_text`)."""
    return time_text(moment, "nb")


def day_text(day: date, language: str = "nb") -> str:
    """``torsdag 3. desember`` (English: ``Thursday 3 December``)."""
    return long_date(day, language)


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
        return tr(N_("stengt i dag"), language)
    return ", ".join(f"{hour_text(start)}–{hour_text(end)}" for start, end in ranges)


def service_line(service: Service, day: date, language: str = "nb") -> str:
    """``Heggedal bibliotek 10–16`` or ``Kafeen på torget stengt i dag``."""
    return f"{service.name.get(language)} {hours_text(service.opening_hours, day, language)}"


def service_name(service: Service, site_name: str, language: str = "nb") -> str:
    """The service's name without the torg's place name the header already shows.

    ``Heggedal bibliotek`` at Heggedal innbyggertorg → ``Bibliotek``; the place name at the
    end, where other languages put it (``Бібліотека Heggedal``, ``مكتبة Heggedal``), too.
    """
    name = service.name.get(language)
    place = site_name.split()[0] if site_name else ""
    if place and name.casefold().startswith(place.casefold() + " "):
        rest = name[len(place) + 1 :]
        return rest[:1].upper() + rest[1:]
    if place and name.casefold().endswith(" " + place.casefold()):
        return name[: -len(place) - 1]
    return name


def category_text(category: str, language: str = "nb") -> str:
    return category_name(category, language)


def place_text(occurrence: OccurrenceView) -> str:
    """``Biblioteket · Asker bibliotek``: where, and who runs it."""
    return " · ".join(part for part in (occurrence.room, occurrence.organizer) if part)


def registration_text(occurrence: OccurrenceView, language: str = "nb") -> str:
    if not occurrence.registration_required:
        return tr(N_("Ingen påmelding – bare kom"), language)
    if occurrence.registration_capacity:
        return tr(
            N_("Påmelding kreves – {count} plasser"),
            language,
            count=occurrence.registration_capacity,
        )
    return tr(N_("Påmelding kreves"), language)


#: The marker per language a text fell back to, in the visitor's language.
_SHOWN_IN = {
    "nb": N_("Vises på norsk"),
    "nn": N_("Vises på nynorsk"),
    "en": N_("Vises på engelsk"),
}


def fallback_note(shown_language: str | bool, language: str) -> str:
    """The small marker beside text that is not in the visitor's language: *Vises på
    engelsk*, *Vises på norsk*; "" when it is in their language.

    ``shown_language`` is the language the text is shown in (or, from older callers, True
    for "fell back to Norwegian"). A bokmål reader shown nynorsk (and the other way round)
    is told too: the two are written differently.
    """
    if shown_language is True:
        shown_language = "nb"
    if not shown_language or shown_language == language:
        return ""
    if shown_language == "nb" and language == "nn":
        return tr(N_("Vises på bokmål"), language)
    return tr(_SHOWN_IN.get(shown_language, N_("Vises på et annet språk")), language)


def card(occurrence: OccurrenceView, now: datetime, language: str = "nb") -> dict:
    """One row of a list: every field a row widget shows, already in words."""
    title, shown_in = occurrence.shown("title", language)
    running = occurrence.is_running(now) and not occurrence.cancelled
    if occurrence.cancelled:
        marker = tr(N_("AVLYST"), language)
    elif running:
        marker = tr(N_("Nå"), language)
    else:
        marker = ""
    return {
        "key": occurrence.key,
        "time_text": span_text(occurrence.start, occurrence.end),
        "title": title,
        "place": place_text(occurrence),
        "category_text": category_text(occurrence.category, language),
        "fallback_note": fallback_note(shown_in, language),
        "marker": marker,
        "running": running,
        "past": occurrence.is_past(now),
        "cancelled": occurrence.cancelled,
    }


def detail(occurrence: OccurrenceView, language: str = "nb") -> dict:
    """Everything the activity screen shows about one occurrence."""
    title, title_shown_in = occurrence.shown("title", language)
    description, description_shown_in = occurrence.shown("description", language)
    # The marker names the language of the title, or of a description that fell back further.
    shown_in = title_shown_in
    if title_shown_in == language and description and description_shown_in != language:
        shown_in = description_shown_in
    return {
        "key": occurrence.key,
        "title": title,
        "day": day_text(occurrence.start.date(), language),
        "time_text": span_text(occurrence.start, occurrence.end),
        "room": occurrence.room or "",
        "organizer": occurrence.organizer or "",
        "category_text": category_text(occurrence.category, language),
        "description": description,
        "fallback_note": fallback_note(shown_in, language),
        "registration": registration_text(occurrence, language),
        "cancelled": occurrence.cancelled,
        "link": occurrence.link or "",
    }


#: The status line per kind of status: (with a programme on screen, without one).
_STATUS_LINES = {
    kinds.NO_NETWORK: (
        N_("Uten nett — viser data fra {when}"),
        N_("Uten nett — prøver igjen snart"),
    ),
    kinds.FEED_REFUSED: (
        N_("Nytt program avvist — viser data fra {when}"),
        N_("Programmet ble avvist — prøver igjen snart"),
    ),
    kinds.STORAGE: (
        N_("Lagringsfeil — viser data fra {when}"),
        N_("Lagringsfeil — programmet er ikke tilgjengelig"),
    ),
    kinds.STALE: (N_("Viser data fra {when}"), N_("Henter program …")),
}


def status_line(
    status: KioskStatus | DataFreshness | None, now: datetime, language: str = "nb"
) -> str:
    """``Oppdatert 10:42``, ``Uten nett — viser data fra i går 21:00``, ``Lagringsfeil — …``.

    ``status`` is a :class:`~torg_kiosk.domain.status.KioskStatus`, or the schedule's
    freshness alone (None: no schedule yet), which is read the same way.
    """
    if not isinstance(status, KioskStatus):
        status = kiosk_status(status)
    when = status.data_from
    if status.kind == kinds.OK and when is not None:
        return tr(N_("Oppdatert {time}"), language, time=clock_text(when))
    if status.kind not in _STATUS_LINES:
        return tr(N_("Henter program …"), language)
    with_data, without = _STATUS_LINES[status.kind]
    if when is None:
        return tr(without, language)
    return tr(with_data, language, when=_when_text(when, now, language))


def programme_notice(status: KioskStatus, language: str = "nb") -> str:
    """What stands where the programme would be while there is none to show."""
    if status.kind == kinds.FETCHING:
        return tr(N_("Henter program …"), language)
    if status.kind == kinds.NO_NETWORK:
        return tr(N_("Programmet kan ikke hentes akkurat nå."), language)
    return tr(N_("Programmet er ikke tilgjengelig akkurat nå."), language)


def _when_text(when: datetime, now: datetime, language: str) -> str:
    """``21:00`` today, ``i går 21:00``, else ``25.11. 21:00``: short, because the status
    line shares its row with the buttons (the day's name and month would not fit there)."""
    today = now.date()
    if when.date() == today:
        day = ""
    elif when.date() == today - timedelta(days=1):
        day = tr(N_("i går"), language) + " "
    else:
        day = tr(N_("{day}.{month}."), language, day=when.day, month=when.month) + " "
    return f"{day}{clock_text(when)}"


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
                "label": tr(N_("Nå"), language),
                "time_text": tr(N_("til {time}"), language, time=clock_text(occurrence.end)),
                "title": title,
                "place": occurrence.room or "",
            }
        )
    for occurrence in upcoming:
        title, _ = occurrence.text("title", language)
        rows.append(
            {
                "key": occurrence.key,
                "label": tr(N_("Snart"), language),
                "time_text": clock_text(occurrence.start),
                "title": title,
                "place": occurrence.room or "",
            }
        )
    return rows


def empty_day_text(next_day: tuple[date, list[OccurrenceView]] | None, language: str = "nb") -> str:
    """The kind answer on a day with nothing on: what is on next, if we know."""
    if not next_day:
        return tr(N_("I dag er det ingen aktiviteter her."), language)
    day, items = next_day
    first = items[0]
    title, _ = first.text("title", language)
    return tr(
        N_("I dag er det ingen aktiviteter her. Neste: {day} – {title} {time}"),
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
            return tr(N_("Innbyggerservice er her nå, til {time}."), language, time=clock_text(end))
    later = [(start, end) for start, end in hours.on(today) if start > current]
    if later:
        spans = ", ".join(f"{hour_text(s)}–{hour_text(e)}" for s, e in later)
        return tr(N_("Innbyggerservice er her i dag {hours}."), language, hours=spans)
    days = []
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        ranges = hours.on(day)
        if ranges:
            spans = ", ".join(f"{hour_text(s)}–{hour_text(e)}" for s, e in ranges)
            days.append(f"{weekday_name(day, language)} {spans}")
    if not days:
        return tr(N_("Innbyggerservice har ingen faste dager her."), language)
    and_word = tr(N_("og"), language)
    joined = days[0] if len(days) == 1 else ", ".join(days[:-1]) + f" {and_word} "
    if len(days) > 1:
        joined += days[-1]
    return tr(N_("Innbyggerservice er på torget {days}."), language, days=joined)


def announcement_text(texts: dict[str, str], language: str = "nb") -> str:
    return in_language(texts, language)[0]
