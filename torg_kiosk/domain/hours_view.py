"""What every screen says about hours, in words: one function per statement, shared.

Home, Contact and the closed page state the torg's opening hours and innbyggerservice's
staffed hours; they all call :func:`torg_line` and :func:`staffed_line` here, which read
:mod:`torg_kiosk.domain.opening_hours` (the one rule), so no two screens can disagree for
the same torg and minute (tests/test_hours_agree.py walks a week of quarter hours to make
sure). No Kivy.

Days are named as a visitor reads them: *i dag*, *i morgen*, the weekday within a week,
else the date. Times are ``08:30`` in every language, as on the rest of the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from torg_kiosk.base.settings import SiteConfig
from torg_kiosk.domain import opening_hours as oh
from torg_kiosk.domain.i18n import N_, long_date, time_text, tr, weekday_name
from torg_kiosk.domain.opening_hours import Closure, Open
from torg_kiosk.domain.present import hour_text

__all__ = [
    "HoursLine",
    "day_name",
    "opens_text",
    "service_rows",
    "staffed_line",
    "torg_line",
]


@dataclass(frozen=True)
class HoursLine:
    """A sentence about hours, and whether it says *open* (the screen colours it)."""

    text: str
    open: bool


def day_name(day: date, today: date, language: str) -> str:
    """``i dag``, ``i morgen``, ``mandag`` (within a week), else ``mandag 4. januar``."""
    if day == today:
        return tr(N_("i dag"), language)
    if day == today + timedelta(days=1):
        return tr(N_("i morgen"), language)
    if today < day < today + timedelta(days=7):
        return weekday_name(day, language)
    return long_date(day, language)


def opens_text(opens_at: datetime, now: datetime, language: str) -> str:
    """``i dag kl. 12:00``, ``i morgen kl. 08:30``, ``mandag kl. 09:00``."""
    local = opens_at.astimezone(now.tzinfo)
    return tr(
        N_("{day} kl. {time}"),
        language,
        day=day_name(local.date(), now.date(), language),
        time=time_text(local, language),
    )


def torg_line(
    site: SiteConfig, now: datetime, closures: Iterable[Closure], language: str
) -> HoursLine:
    """``Åpent nå — til 16:00``, ``Stengt nå — åpner i morgen kl. 08:30``, ``Stengt i dag``
    (with the holiday's name, and when it opens)."""
    state = oh.state_at(site, now, closures)
    if isinstance(state, Open):
        until = time_text(state.until, language)
        return HoursLine(tr(N_("Åpent nå — til {time}"), language, time=until), True)
    if isinstance(state, oh.Closed):
        if state.opens_at is None:
            return HoursLine(tr(N_("Stengt nå"), language), False)
        when = opens_text(state.opens_at, now, language)
        return HoursLine(tr(N_("Stengt nå — åpner {when}"), language, when=when), False)
    closed = tr(N_("Stengt i dag"), language)
    if state.reason is not None and state.reason.name:
        closed = tr(N_("Stengt i dag ({reason})"), language, reason=tr(state.reason.name, language))
    if state.opens_at is None:
        return HoursLine(closed, False)
    when = opens_text(state.opens_at, now, language)
    return HoursLine(tr(N_("{closed} — åpner {when}"), language, closed=closed, when=when), False)


def staffed_line(
    site: SiteConfig, now: datetime, closures: Iterable[Closure], language: str
) -> HoursLine:
    """When innbyggerservice's staff are at the desk: now, later today, or the next day
    they are (``i morgen``, ``mandag``), after holidays and closures."""
    closures = tuple(closures)
    state = oh.service_state(site, oh.INNBYGGERSERVICE, now, closures)
    if isinstance(state, Open):
        until = time_text(state.until, language)
        return HoursLine(
            tr(N_("Innbyggerservice er her nå, til {time}."), language, time=until), True
        )
    if state.opens_at is None:
        return HoursLine(tr(N_("Innbyggerservice har ingen faste dager her."), language), False)
    opens = state.opens_at.astimezone(now.tzinfo)
    hours = _ranges_text(
        [
            (start, end)
            for start, end in oh.day_hours(site, oh.INNBYGGERSERVICE, opens.date(), closures).ranges
            if end > opens.time().replace(tzinfo=None)
        ]
    )
    if opens.date() == now.date():
        text = tr(N_("Innbyggerservice er her i dag {hours}."), language, hours=hours)
        return HoursLine(text, False)
    day = day_name(opens.date(), now.date(), language)
    if isinstance(state, oh.ClosedToday) and state.reason is not None:
        if state.reason.name:
            reason = tr(state.reason.name, language)
            text = tr(
                N_("Innbyggerservice er stengt i dag ({reason}). Neste gang: {day} {hours}."),
                language,
                reason=reason,
                day=day,
                hours=hours,
            )
        else:
            text = tr(
                N_("Innbyggerservice er stengt i dag. Neste gang: {day} {hours}."),
                language,
                day=day,
                hours=hours,
            )
        return HoursLine(text, False)
    text = tr(N_("Innbyggerservice er her {day} {hours}."), language, day=day, hours=hours)
    return HoursLine(text, False)


def service_rows(
    site: SiteConfig, now: datetime, closures: Iterable[Closure], language: str
) -> list[dict]:
    """One row per service in the building: ``kind``, ``hours`` and ``closed`` (not open
    now: the screen draws it muted, never in the highlight colour).

    ``til 16`` while open; ``stengt nå, åpner 10`` before it opens today; ``stengt nå`` once
    it is over for the day; ``stengt i dag`` on a day without hours. One short line beside
    the name: when the torg itself opens again, the line above the services says.
    """
    closures = tuple(closures)
    rows = []
    for service in site.services:
        state = oh.service_state(site, service.kind, now, closures)
        if isinstance(state, Open):
            hours = tr(N_("til {time}"), language, time=hour_text(state.until.time()))
        elif (
            isinstance(state, oh.Closed)
            and state.opens_at is not None
            and (state.opens_at.astimezone(now.tzinfo).date() == now.date())
        ):
            opens = hour_text(state.opens_at.astimezone(now.tzinfo).time())
            hours = tr(N_("stengt nå, åpner {time}"), language, time=opens)
        elif isinstance(state, oh.Closed):
            hours = tr(N_("stengt nå"), language)
        else:
            hours = tr(N_("stengt i dag"), language)
        closed = not isinstance(state, Open)
        rows.append({"kind": service.kind, "hours": hours, "closed": closed})
    return rows


def _ranges_text(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{hour_text(start)}–{hour_text(end)}" for start, end in ranges)
