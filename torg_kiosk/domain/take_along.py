"""What the activity's QR code carries: this occurrence, to take along on a phone.

No Kivy. In order of preference:

1. the feed's ``event_url`` for the activity, with ``date=`` (the occurrence's Oslo date)
   and ``lang=`` (the visitor's language): a page for this very occurrence;
2. the registration link, when registration is required: *Meld deg på*;
3. the occurrence as an iCalendar ``VEVENT`` (RFC 5545; phone cameras offer to add it to the
   calendar): *Legg i kalenderen*.

A cancelled occurrence gets no code at all: nothing to take along. The caption says what
the code does; ``short`` is the link as printed under the code (no ``https://``), so a
visitor without a camera app can type it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.store.schedule import OccurrenceView

#: A printed link longer than this is cut with "…" (the code itself carries all of it).
SHORT_LINK_CHARACTERS = 48
#: The longest title or room a VEVENT code carries: the feed allows 4000 characters, a QR
#: code a phone reads from the lobby holds a few hundred (a longer one would not even draw).
VEVENT_TEXT_CHARACTERS = 120


@dataclass(frozen=True)
class TakeAlong:
    payload: str
    caption: str
    short: str


def take_along(occurrence: OccurrenceView, language: str) -> TakeAlong | None:
    """The QR code's payload, caption and printed link; ``None`` for a cancelled one."""
    if occurrence.cancelled:
        return None
    if occurrence.event_url:
        link = with_query(
            occurrence.event_url, date=occurrence.start.date().isoformat(), lang=language
        )
        if occurrence.registration_required:
            caption = tr(N_("Skann for å melde deg på"), language)
        else:
            caption = tr(N_("Skann for å åpne aktiviteten på mobilen"), language)
        return TakeAlong(link, caption, short_link(link))
    if occurrence.registration_required and occurrence.registration_url:
        link = occurrence.registration_url
        return TakeAlong(link, tr(N_("Skann for å melde deg på"), language), short_link(link))
    caption = tr(N_("Skann for å legge den i kalenderen"), language)
    return TakeAlong(vevent(occurrence, language), caption, short_link(occurrence.url or ""))


def with_query(url: str, **values: str) -> str:
    """``url`` with ``values`` as query parameters (replacing any of the same name)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key not in values]
    query += list(values.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def short_link(url: str) -> str:
    """``asker.kommune.no/aktiviteter/babysang/`` for printing: no scheme, no ``www.``, no
    query (the code carries the date and language; a typed address finds the page)."""
    if not url:
        return ""
    parts = urlsplit(url)
    text = parts.netloc.removeprefix("www.") + parts.path
    if len(text) > SHORT_LINK_CHARACTERS:
        text = text[: SHORT_LINK_CHARACTERS - 1] + "…"
    return text


def vevent(occurrence: OccurrenceView, language: str) -> str:
    """This occurrence as a ``BEGIN:VEVENT`` … ``END:VEVENT`` text (times in UTC)."""
    title, _ = occurrence.text("title", language)
    lines = ["BEGIN:VEVENT", f"SUMMARY:{_escaped(_capped(title))}"]
    if occurrence.all_day:
        lines.append(f"DTSTART;VALUE=DATE:{occurrence.start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{occurrence.end:%Y%m%d}")
    else:
        lines.append(f"DTSTART:{occurrence.start.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        lines.append(f"DTEND:{occurrence.end.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    if occurrence.room:
        lines.append(f"LOCATION:{_escaped(_capped(occurrence.room))}")
    if occurrence.url:
        lines.append(f"URL:{occurrence.url}")
    lines.append("END:VEVENT")
    return "\n".join(lines)


def _capped(text: str) -> str:
    """``text`` cut to :data:`VEVENT_TEXT_CHARACTERS` at a word, ending in "…"."""
    if len(text) <= VEVENT_TEXT_CHARACTERS:
        return text
    cut = text[: VEVENT_TEXT_CHARACTERS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def _escaped(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped; one line."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
