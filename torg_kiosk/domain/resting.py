"""Resting outside opening hours: when the screen rests, when it wakes, what the calm closed
page says.

The torg's hours come from :mod:`torg_kiosk.domain.opening_hours` (holidays, eves and feed
closures included), never from a rule of this module's own. The screen rests while the torg
is closed and nobody has touched it for ``idle_seconds``; a touch wakes it, and it rests
again after the same idle time; the opening wakes it for the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.opening_hours import HoursState, Open
from torg_kiosk.domain.present import clock_text, day_text

#: At least this long without a touch before a closed torg's screen rests (and again after a
#: touch woke it). Longer than the privacy timer, which has gone home by then.
REST_AFTER_IDLE_SECONDS = 120


@dataclass(frozen=True)
class RestDecision:
    rest: bool
    #: The next opening (aware), while closed; None when open or nothing opens soon.
    until: datetime | None


def rest_decision(
    state: HoursState,
    now: datetime,
    last_touch: datetime | None,
    idle_seconds: float = REST_AFTER_IDLE_SECONDS,
) -> RestDecision:
    """Whether the screen should rest at ``now``, given the torg's hours state."""
    if isinstance(state, Open):
        return RestDecision(False, None)
    recently_touched = last_touch is not None and now - last_touch < timedelta(seconds=idle_seconds)
    return RestDecision(not recently_touched, state.opens_at)


@dataclass(frozen=True)
class ClosedPage:
    title: str
    opens: str
    hint: str


def closed_page(
    site_name: str, opens_at: datetime | None, now: datetime, language: str
) -> ClosedPage:
    """The words of the calm closed page, in ``language``."""
    if opens_at is None:
        opens = ""
    elif opens_at.date() == now.date():
        opens = tr(N_("Åpner igjen kl. {time}"), language, time=clock_text(opens_at))
    else:
        opens = tr(N_("Åpner igjen {day} kl. {time}"), language,
                   day=day_text(opens_at.date(), language), time=clock_text(opens_at))  # fmt: skip
    return ClosedPage(
        title=tr(N_("{site} er stengt nå"), language, site=site_name),
        opens=opens,
        hint=tr(N_("Trykk på skjermen for å se programmet"), language),
    )
