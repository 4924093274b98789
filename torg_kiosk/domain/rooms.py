"""*Lag noe selv*: the torg's rooms, and when each is free in the coming week.

No Kivy. A room's bookings come from its booking calendar, synced like any iCalendar source
into the store under the room's own site id (``Room.schedule_site``), so they never show in
the programme. Free is what lies inside the torg's opening hours (the one rule:
holidays and closures included) and outside every booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from torg_kiosk.base.settings import Room, SiteConfig
from torg_kiosk.domain import opening_hours as oh
from torg_kiosk.domain.hours_view import day_name
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.present import hour_text

DAYS = 7


@dataclass(frozen=True)
class FreeDay:
    day: date
    #: Free spans (aware datetimes) inside the opening hours; empty: taken or closed.
    free: tuple[tuple[datetime, datetime], ...]
    closed: bool


def week(schedule, site: SiteConfig, room: Room, now: datetime, closures=()) -> list[FreeDay]:
    """The room's free spans for :data:`DAYS` days from today (from ``now`` on today)."""
    closures = tuple(closures)
    days = []
    for offset in range(DAYS):
        day = now.date() + timedelta(days=offset)
        hours = oh.day_hours(site, oh.TORG, day, closures).ranges
        spans = [
            (datetime.combine(day, start, now.tzinfo), datetime.combine(day, end, now.tzinfo))
            for start, end in hours
        ]
        busy = [
            (view.start, view.end)
            for view in schedule.on_day(room.schedule_site(site.id), day)
            if not view.cancelled
        ]
        free = []
        for start, end in spans:
            start = max(start, now) if offset == 0 else start
            for taken_start, taken_end in sorted(busy):
                if taken_end <= start or taken_start >= end:
                    continue
                if taken_start > start:
                    free.append((start, taken_start))
                start = max(start, taken_end)
            if start < end:
                free.append((start, end))
        free = [(a, b) for a, b in free if b - a >= timedelta(minutes=30)]
        days.append(FreeDay(day, tuple(free), closed=not hours))
    return days


def day_line(free_day: FreeDay, today: date, language: str) -> str:
    """``i morgen: ledig 08:30–10, 11–16`` / ``mandag: opptatt`` / ``fredag: stengt``."""
    name = day_name(free_day.day, today, language)
    if free_day.closed:
        state = tr(N_("stengt"), language)
    elif not free_day.free:
        state = tr(N_("opptatt"), language)
    else:
        spans = ", ".join(
            f"{hour_text(a.timetz().replace(tzinfo=None))}–{hour_text(b.timetz().replace(tzinfo=None))}"
            for a, b in free_day.free
        )
        state = tr(N_("ledig {spans}"), language, spans=spans)
    return f"{name[:1].upper()}{name[1:]}: {state}"
