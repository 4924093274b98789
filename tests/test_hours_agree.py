"""No contradiction: for every torg and every quarter hour of a week, what the screens state
about the torg's and innbyggerservice's hours agrees with the rule and with itself.

Home, Contact and the closed page state hours only through ``hours_view.torg_line`` and
``hours_view.staffed_line`` (tests/ui/test_hours_ui.py reads the real window to check they
show the same). Here every statement is read back as a person would read it — open or
closed, until when, opening when — and checked against the rule at the quarter hours
between: *til 16:00* holds until 16:00 and not after; *åpner i morgen kl. 08:30* means
closed until then and open then; and a quarter later the screens say the same, unless the
moment they named has come. The week is Christmas week 2026 (ordinary days, Christmas Eve,
two holidays, a Sunday), and the week of the spring DST switch.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import load_all_sites
from torg_kiosk.domain import opening_hours as oh
from torg_kiosk.domain.hours_view import service_rows, staffed_line, torg_line
from torg_kiosk.domain.i18n import long_date, weekday_name

SITES = load_all_sites()
WEEKS = (date(2026, 12, 21), date(2026, 3, 23))
QUARTER = timedelta(minutes=15)


def quarters(monday: date, days: int = 7) -> list[datetime]:
    """Every quarter hour of ``days`` local days (23 or 25 hours on the DST days)."""
    start = datetime.combine(monday, time(0), OSLO).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=days), time(0), OSLO).astimezone(UTC)
    count = int((end - start) / QUARTER)
    return [(start + n * QUARTER).astimezone(OSLO) for n in range(count)]


def named_day(text: str, today: date) -> date:
    """The day a statement names: i dag, i morgen, a weekday within the week, or a date."""
    if text == "i dag":
        return today
    if text == "i morgen":
        return today + timedelta(days=1)
    for offset in range(2, oh.LOOK_AHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        if (weekday_name(day, "nb") if offset < 7 else long_date(day, "nb")) == text:
            return day
    raise AssertionError(f"no day called {text!r} after {today}")


class Timeline:
    """Whether a service is open at each quarter hour of the week and the week after."""

    def __init__(self, site, service: str, monday: date):
        self.moments = quarters(monday, days=14)
        self.index = {moment: n for n, moment in enumerate(self.moments)}
        self.open = [
            isinstance(oh.service_state(site, service, moment), oh.Open) for moment in self.moments
        ]
        self.site, self.service = site, service

    def holds_until(self, now: datetime, named: datetime, is_open: bool) -> None:
        """Open (or closed) from ``now`` until ``named``, and the other way at ``named``."""
        at = oh.service_state(self.site, self.service, named)
        assert isinstance(at, oh.Open) != is_open, (now, named)
        first = self.index[now]
        last = self.index.get(named, len(self.moments))
        assert set(self.open[first:last]) == {is_open}, (now, named)


def read_torg(text: str, now: datetime) -> tuple[bool, datetime | None]:
    """(open, the moment named): ``til 16:00`` or ``åpner <day> kl. 08:30``."""
    if match := re.fullmatch(r"Åpent nå — til (\d\d):(\d\d)", text):
        return True, datetime.combine(now.date(), time(int(match[1]), int(match[2])), OSLO)
    if match := re.search(r"åpner (.+) kl\. (\d\d):(\d\d)$", text):
        day = named_day(match[1], now.date())
        return False, datetime.combine(day, time(int(match[2]), int(match[3])), OSLO)
    assert text in {"Stengt nå", "Stengt i dag"}, text
    return False, None


def read_staffed(text: str, now: datetime) -> tuple[bool, date | None, str | None]:
    """(here now, the day named, the hours named) of innbyggerservice's sentence."""
    if match := re.fullmatch(r"Innbyggerservice er her nå, til (\d\d:\d\d)\.", text):
        return True, now.date(), match[1]
    if match := re.search(
        r"(?:er her|Neste gang:) (.+?) ((?:\d\d(?::\d\d)?–\d\d(?::\d\d)?(?:, )?)+)\.$", text
    ):
        return False, named_day(match[1], now.date()), match[2]
    assert text == "Innbyggerservice har ingen faste dager her.", text
    return False, None, None


@pytest.mark.parametrize("monday", WEEKS, ids=str)
@pytest.mark.parametrize("site_id", sorted(SITES))
def test_every_quarter_hour_of_a_week_the_torgs_hours_agree(site_id, monday):
    site = SITES[site_id]
    timeline = Timeline(site, oh.TORG, monday)
    said_before: tuple[bool, datetime | None] | None = None
    for now in quarters(monday):
        line = torg_line(site, now, (), "nb")
        is_open, named = read_torg(line.text, now)
        assert is_open == line.open == timeline.open[timeline.index[now]], (now, line)
        if named is not None:
            # Everything up to the moment named is as said; at it, the other way round.
            timeline.holds_until(now, named, is_open)
        if said_before is not None and said_before[1] is not None and now < said_before[1]:
            assert (is_open, named) == said_before, f"{now}: {line.text} after {said_before}"
        said_before = (is_open, named)


@pytest.mark.parametrize("monday", WEEKS, ids=str)
@pytest.mark.parametrize("site_id", sorted(SITES))
def test_every_quarter_hour_of_a_week_innbyggerservice_is_stated_alike(site_id, monday):
    site = SITES[site_id]
    timeline = Timeline(site, oh.INNBYGGERSERVICE, monday)
    for now in quarters(monday):
        line = staffed_line(site, now, (), "nb")
        here, day, hours = read_staffed(line.text, now)
        state = oh.service_state(site, oh.INNBYGGERSERVICE, now)
        assert here == line.open == isinstance(state, oh.Open), (now, line.text)
        if day is None:
            continue
        opening = state.until if here else state.opens_at
        timeline.holds_until(now, opening, here)
        if here:
            assert hours == f"{state.until:%H:%M}", (now, line.text)
        else:
            assert state.opens_at.date() == day, (now, line.text)
            ranges = oh.day_hours(site, oh.INNBYGGERSERVICE, day).ranges
            assert ranges, (now, line.text)  # never a day the rule says is closed
            assert f"{opening:%H}" in hours, (now, line.text)


@pytest.mark.parametrize("site_id", sorted(SITES))
def test_a_service_is_highlighted_exactly_while_it_is_open(site_id):
    site = SITES[site_id]
    for now in quarters(WEEKS[0]):
        for service, row in zip(site.services, service_rows(site, now, (), "nb"), strict=True):
            state = oh.service_state(site, service.kind, now)
            assert row["closed"] == (not isinstance(state, oh.Open)), (now, service.kind, row)
