"""Home's *now & next*, as rows: what runs now, what was due and is cancelled, what starts
soon, what comes later today, and on an empty day where the next thing is.

No Kivy. The people who came for a cancelled activity look at Home, so a cancellation due
now or within :data:`SOON` is on Home with the word *AVLYST* (the screen adds its icon).
*Snart* is only for what starts within :data:`SOON`; later today is *Senere i dag 18:00*.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from torg_kiosk.domain.hours_view import day_name
from torg_kiosk.domain.i18n import N_, time_text, tr
from torg_kiosk.domain.present import fallback_note
from torg_kiosk.store.schedule import OccurrenceView

#: What starts within this is *Snart*; a cancellation due within it is shown on Home.
SOON = timedelta(hours=2)


def rows(todays: list[OccurrenceView], now: datetime, language: str) -> list[dict]:
    """The rows, most urgent first: running, cancelled and due, soon, later today.

    Each is ``{"key", "label", "time_text", "title", "place", "cancelled"}``. All-day
    events are left out (they are on Today), as are cancelled ones not due soon.
    """
    timed = [view for view in todays if not view.all_day and view.end > now]
    running = [v for v in timed if not v.cancelled and v.start <= now]
    called_off = [v for v in timed if v.cancelled and v.start <= now + SOON]
    soon = [v for v in timed if not v.cancelled and now < v.start <= now + SOON]
    later = [
        v
        for v in timed
        if not v.cancelled and v.start > now + SOON and v.start.date() == now.date()
    ]
    found = []
    for view in running:
        until = tr(N_("til {time}"), language, time=time_text(view.end, language))
        found.append(_row(view, tr(N_("Nå"), language), until, language))
    for view in called_off:
        found.append(
            _row(view, tr(N_("AVLYST"), language), time_text(view.start, language), language)
        )
    for view in soon:
        found.append(
            _row(view, tr(N_("Snart"), language), time_text(view.start, language), language)
        )
    for view in later:
        found.append(
            _row(view, tr(N_("Senere i dag"), language), time_text(view.start, language), language)
        )
    return found


def next_day_text(next_day: tuple | None, now: datetime, language: str) -> str:
    """On a day with nothing (more) on: *Ikke mer i dag. Neste: mandag 10:00 Seniortrim*."""
    if not next_day:
        return tr(N_("Ikke mer på programmet i dag."), language)
    day, items = next_day
    starting = [view for view in items if view.start.date() == day] or items
    first = next((view for view in starting if not view.all_day), starting[0])
    title, _ = first.text("title", language)
    return tr(
        N_("Ikke mer i dag. Neste: {day} {time} {title}"),
        language,
        day=day_name(day, now.date(), language),
        time=time_text(first.start, language),
        title=title,
    )


def _row(view: OccurrenceView, label: str, when: str, language: str) -> dict:
    title, shown_in = view.shown("title", language)
    # The small marker when the title is in another language than the visitor's (Vises på
    # engelsk), after the room: the row's last line, so it is never what pushes a title out.
    note = fallback_note(shown_in, language)
    return {
        "key": view.key,
        "label": label,
        "time_text": when,
        "title": title,
        "place": "  ·  ".join(part for part in (view.room or "", note) if part),
        "cancelled": view.cancelled,
    }
