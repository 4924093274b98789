"""What the screen says, as plain data: no Kivy here, so every sentence is testable.

Screens turn schedule objects into dicts with :func:`card` (one RecycleView row) and ask the
other functions here for the sentences around them, in the visitor's language. The words come
from the gettext catalogs through :mod:`torg_kiosk.domain.i18n`; every msgid is the bokmål
text, marked ``_("…")`` where it is written so ``tools/i18n.py extract`` finds it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from torg_kiosk.base.settings import Service
from torg_kiosk.domain import status as kinds
from torg_kiosk.domain.i18n import N_, category_name, long_date, time_text, tr
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


NO_BREAK_SPACE = "\u00a0"


def phone_text(phone: str) -> str:
    """A phone number as a screen shows it: where it must wrap (very large text), only
    after the country code; the national number's groups keep together (no-break spaces):
    ``+47 66 90 00 00`` → ``+47`` / ``66 90 00 00``, never ``+47 66 90 00`` / ``00``."""
    code, _, national = phone.strip().partition(" ")
    if not code.startswith("+") or not national:
        return phone.strip().replace(" ", NO_BREAK_SPACE)
    return code + " " + national.replace(" ", NO_BREAK_SPACE)


def span_text(start: datetime, end: datetime) -> str:
    """``10:30–12:30``."""
    return f"{clock_text(start)}–{clock_text(end)}"


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


def time_on_day(occurrence: OccurrenceView, day: date, language: str = "nb") -> str:
    """``10:30–12:30``; on a later day of a longer event ``fortsetter til 15:00`` (it ends
    that day) or ``fortsetter til søndag 6. desember``."""
    if not occurrence.continues_from_before(day):
        start, end = occurrence.start, occurrence.end
        if not occurrence.all_day and end.date() > start.date() and end.time() != time(0):
            return f"{clock_text(start)}–{long_date(end.date(), language)} {clock_text(end)}"
        return span_text(start, end)
    end = occurrence.end
    if occurrence.all_day:
        last = (end - timedelta(hours=12)).date()  # the day before the end's midnight
        until = long_date(last, language)
    elif end.date() == day:
        until = clock_text(end)
    else:
        until = f"{long_date(end.date(), language)} {clock_text(end)}"
    return tr(N_("fortsetter til {until}"), language, until=until)


def card(
    occurrence: OccurrenceView, now: datetime, language: str = "nb", day: date | None = None
) -> dict:
    """One row of a list of ``day`` (default: today): every field a row widget shows, in
    words."""
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
        "time_text": time_on_day(occurrence, day or now.date(), language),
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
        "registration_required": bool(occurrence.registration_required),
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


def announcement_text(texts: dict[str, str], language: str = "nb") -> str:
    return in_language(texts, language)[0]
