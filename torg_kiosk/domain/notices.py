"""Home's notices: what changes today or the next days first, and never cut; the rest take
turns in one place.

No Kivy. *Pinned* are the closures of the coming :data:`PINNED_DAYS` days: the feed's own
closure notices, and one line naming the days the torg is closed for a holiday or an eve
(a Sunday it is closed anyway is no news). The feed's other announcements *rotate*: one at a
time, each for :data:`ROTATE_SECONDS` (never less than :data:`MIN_ROTATE_SECONDS`, time to
read it), with a pause control on the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from torg_kiosk.base.settings import SiteConfig
from torg_kiosk.domain import opening_hours as oh
from torg_kiosk.domain.hours_view import day_name
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.store.schedule import in_language

#: Closures this many days ahead (today included) are pinned.
PINNED_DAYS = 7
#: Each rotating notice stays this long…
ROTATE_SECONDS = 8
#: … and never less than this (WCAG 2.2.2: moving content a reader can pause, at a pace
#: that lets a slow reader finish).
MIN_ROTATE_SECONDS = 5


@dataclass(frozen=True)
class Notices:
    pinned: tuple[str, ...]
    rotating: tuple[str, ...]


def arrange(
    site: SiteConfig,
    now: datetime,
    closures: Iterable[oh.Closure],
    announcements: Iterable,
    language: str,
) -> Notices:
    """``announcements``: the schedule's (``AnnouncementView``: ``.text`` per language)."""
    closures = tuple(closures)
    today = now.date()
    days = [today + timedelta(days=n) for n in range(PINNED_DAYS)]
    pinned = []
    for closure in closures:
        if closure.text and any(day in closure.dates for day in days):
            pinned.append(in_language(dict(closure.text), language)[0])
    named = []
    for day in days:
        if not site.opening_hours.on(day):
            continue
        reason = oh.closed_reason(day, closures, site_id=site.id)
        if reason is not None and reason.name:
            named.append(f"{day_name(day, today, language)} ({tr(reason.name, language)})")
    if named:
        pinned.insert(0, tr(N_("Torget er stengt: {days}."), language, days=", ".join(named)))
    rotating = tuple(in_language(notice.text, language)[0] for notice in announcements)
    return Notices(tuple(pinned), rotating)
