"""What is on next, across days: for the closed page and for a day with nothing left on.

No Kivy. Reads the schedule (``Schedule.on_day``) for the coming days and words each row
with the day named as a visitor reads it (*i dag*, *i morgen*, *mandag*).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from torg_kiosk.domain.hours_view import day_name
from torg_kiosk.domain.i18n import time_text
from torg_kiosk.store.schedule import OccurrenceView

#: How far ahead the closed page looks for something on.
LOOK_AHEAD_DAYS = 14


def next_activities(
    schedule, site_id: str, now: datetime, *, count: int = 3, days: int = LOOK_AHEAD_DAYS
) -> list[OccurrenceView]:
    """The next ``count`` activities that start after ``now``, not cancelled, in start order."""
    found: list[OccurrenceView] = []
    today = now.date()
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        for view in schedule.on_day(site_id, day):
            if view.start > now and not view.cancelled and view.start.date() == day:
                found.append(view)
                if len(found) == count:
                    return found
    return found


def row(view: OccurrenceView, now: datetime, language: str) -> dict:
    """``{"key", "when": "i morgen 10:00", "title", "place"}`` for one activity."""
    title, _ = view.text("title", language)
    when = f"{day_name(view.start.date(), now.date(), language)} {time_text(view.start, language)}"
    return {"key": view.key, "when": when, "title": title, "place": view.room or ""}
