"""Opening hours, holidays and closures: one rule for what is open at a torg, and when.

The clocks are pinned to days where it goes wrong if anything does: Christmas Eve, Easter
Monday, 17 May (a Sunday in 2026), an ordinary Sunday, just after closing, and the two DST
days (2026-03-29 and 2026-10-25). Tofte is open Mon–Wed 09–16, Thu 09–19, Fri 09–15,
Sat 10–14, never on Sunday; Asker sentrum also on Sundays 12–16.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import OpeningHours, load_all_sites, load_site
from torg_kiosk.domain import opening_hours as oh
from torg_kiosk.domain.opening_hours import (
    INNBYGGERSERVICE,
    Closed,
    ClosedToday,
    Closure,
    Open,
    day_hours,
    holiday_on,
    hours_state,
    service_state,
    state_at,
    week_hours,
)

TOFTE = load_site("tofte")
ASKER = load_site("asker-sentrum")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


# -- ordinary days --------------------------------------------------------------------------


def test_open_on_a_weekday_says_until_when():
    assert state_at(TOFTE, oslo(2026, 12, 1, 10, 15)) == Open(until=oslo(2026, 12, 1, 16))


def test_before_opening_it_is_closed_and_opens_later_today():
    assert state_at(TOFTE, oslo(2026, 12, 1, 7, 45)) == Closed(opens_at=oslo(2026, 12, 1, 9))


def test_at_closing_time_it_is_closed_and_opens_tomorrow():
    # The end of a range is exclusive: at 16:00 sharp the door is shut.
    assert state_at(TOFTE, oslo(2026, 12, 1, 16, 0)) == Closed(opens_at=oslo(2026, 12, 2, 9))
    assert state_at(TOFTE, oslo(2026, 12, 1, 15, 59)) == Open(until=oslo(2026, 12, 1, 16))


def test_after_closing_on_saturday_it_opens_on_monday():
    assert state_at(TOFTE, oslo(2026, 12, 5, 14, 30)) == Closed(opens_at=oslo(2026, 12, 7, 9))


def test_a_sunday_without_hours_is_closed_today_and_opens_monday():
    state = state_at(TOFTE, oslo(2026, 12, 6, 11, 0))
    assert state == ClosedToday(opens_at=oslo(2026, 12, 7, 9), reason=None)


def test_a_torg_open_on_sundays_is_open_on_an_ordinary_sunday():
    # The holidays library counts every Sunday as a holiday unless told not to.
    assert holiday_on(date(2026, 12, 6)) is None
    assert state_at(ASKER, oslo(2026, 12, 6, 13, 0)) == Open(until=oslo(2026, 12, 6, 16))


# -- holidays and eves --------------------------------------------------------------------------


def test_christmas_eve_closes_every_torg_and_every_service():
    now = oslo(2026, 12, 24, 10, 0)  # a Thursday, Tofte's long day
    for site in load_all_sites().values():
        for service in oh.service_keys(site):
            state = service_state(site, service, now)
            assert isinstance(state, ClosedToday), (site.id, service, state)
            if oh.hours_of(site, service).on(now.date()):
                assert state.reason == oh.ClosedReason("eve", name="Julaften")


def test_after_christmas_tofte_opens_on_the_first_working_day():
    # 25 and 26 December are holidays, the 27th a Sunday.
    state = state_at(TOFTE, oslo(2026, 12, 24, 10, 0))
    assert state.opens_at == oslo(2026, 12, 28, 9)
    # Asker sentrum opens on Sundays, so on the 27th.
    assert state_at(ASKER, oslo(2026, 12, 24, 10, 0)).opens_at == oslo(2026, 12, 27, 12)


def test_new_years_eve_is_closed_and_new_years_day_too():
    state = state_at(TOFTE, oslo(2026, 12, 31, 12, 0))
    assert state == ClosedToday(
        opens_at=oslo(2027, 1, 2, 10), reason=oh.ClosedReason("eve", name="Nyttårsaften")
    )


def test_easter_monday_has_no_weekday_hours():
    now = oslo(2026, 4, 6, 10, 0)
    assert state_at(TOFTE, now) == ClosedToday(
        opens_at=oslo(2026, 4, 7, 9), reason=oh.ClosedReason("holiday", name="2. påskedag")
    )
    assert isinstance(service_state(TOFTE, "library", now), ClosedToday)
    assert isinstance(service_state(TOFTE, INNBYGGERSERVICE, now), ClosedToday)


def test_the_whole_easter_is_found():
    names = {holiday_on(date(2026, 4, day)) for day in (2, 3, 5, 6)}
    assert names == {"Skjærtorsdag", "Langfredag", "1. påskedag", "2. påskedag"}
    assert holiday_on(date(2026, 4, 4)) is None  # Easter Saturday is not a public holiday


def test_17_may_closes_even_a_torg_open_on_sundays():
    now = oslo(2026, 5, 17, 13, 0)  # a Sunday in 2026
    assert state_at(ASKER, now) == ClosedToday(
        opens_at=oslo(2026, 5, 18, 8), reason=oh.ClosedReason("holiday", name="Grunnlovsdag")
    )


def test_the_day_before_a_holiday_has_its_ordinary_hours():
    assert state_at(TOFTE, oslo(2026, 5, 13, 10, 0)) == Open(until=oslo(2026, 5, 13, 16))


# -- daylight saving time ------------------------------------------------------------------------


def test_spring_forward_sunday_opens_at_twelve_summer_time():
    now = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, just after the switch
    state = state_at(ASKER, now)
    assert state == Closed(opens_at=oslo(2026, 3, 29, 12))
    assert state.opens_at.utcoffset() == timedelta(hours=2)
    assert state_at(ASKER, oslo(2026, 3, 29, 15, 59)) == Open(until=oslo(2026, 3, 29, 16))


def test_fall_back_sunday_keeps_wall_time_hours():
    state = state_at(ASKER, datetime(2026, 10, 25, 11, 30, tzinfo=UTC))  # 12:30 CET
    assert state == Open(until=oslo(2026, 10, 25, 16))
    assert state.until.utcoffset() == timedelta(hours=1)


def test_closed_over_the_switch_opens_at_nine_on_the_new_offset():
    state = state_at(TOFTE, oslo(2026, 3, 28, 20, 0))  # Saturday, winter time
    assert state.opens_at == oslo(2026, 3, 30, 9)
    assert state.opens_at.astimezone(UTC) == datetime(2026, 3, 30, 7, tzinfo=UTC)


# -- feed closures -------------------------------------------------------------------------------


def test_a_feed_closure_for_the_whole_torg_closes_it_and_its_services():
    closure = Closure("tofte-maling", frozenset({date(2026, 12, 2)}), site="tofte")
    now = oslo(2026, 12, 2, 11, 0)
    state = state_at(TOFTE, now, [closure])
    assert state == ClosedToday(
        opens_at=oslo(2026, 12, 3, 9), reason=oh.ClosedReason("closure", closure=closure)
    )
    assert isinstance(service_state(TOFTE, "library", now, [closure]), ClosedToday)


def test_a_closure_naming_a_service_closes_only_that_service():
    closure = Closure(
        "kurs", frozenset({date(2026, 12, 2)}), site="tofte", services=frozenset({"library"})
    )
    now = oslo(2026, 12, 2, 11, 0)
    assert isinstance(service_state(TOFTE, "library", now, [closure]), ClosedToday)
    assert state_at(TOFTE, now, [closure]) == Open(until=oslo(2026, 12, 2, 16))


def test_a_closure_for_another_torg_changes_nothing_here():
    closure = Closure("x", frozenset({date(2026, 12, 2)}), site="borgen")
    assert state_at(TOFTE, oslo(2026, 12, 2, 11, 0), [closure]) == Open(oslo(2026, 12, 2, 16))


def test_a_closure_for_every_torg_closes_this_one():
    closure = Closure("strike", frozenset({date(2026, 12, 2)}), site=None)
    assert isinstance(state_at(TOFTE, oslo(2026, 12, 2, 11, 0), [closure]), ClosedToday)


def test_the_opening_after_a_closure_skips_the_closed_days():
    days = frozenset(date(2026, 12, 1) + timedelta(days=n) for n in range(3))
    closure = Closure("x", days)
    assert state_at(TOFTE, oslo(2026, 11, 30, 17, 0), [closure]).opens_at == oslo(2026, 12, 4, 9)


# -- the shape of the rule -------------------------------------------------------------------------


def test_adjoining_ranges_are_open_until_the_end_of_the_last():
    two = ((time(9), time(12)), (time(12), time(16)))
    hours = OpeningHours((two,) * 7)
    assert hours_state(hours, oslo(2026, 12, 1, 10, 0)) == Open(until=oslo(2026, 12, 1, 16))


def test_a_lunch_break_is_closed_and_opens_after_it():
    split = ((time(9), time(11, 30)), (time(12, 30), time(16)))
    hours = OpeningHours((split,) * 7)
    assert hours_state(hours, oslo(2026, 12, 1, 12, 0)) == Closed(oslo(2026, 12, 1, 12, 30))


def test_hours_that_never_open_have_no_opening_time():
    hours = OpeningHours(((),) * 7)
    assert hours_state(hours, oslo(2026, 12, 1, 12, 0)) == ClosedToday(opens_at=None)


def test_hours_from_elsewhere_follow_the_same_holidays_and_named_closures():
    caseworkers = OpeningHours((((time(9), time(15)),),) * 7)
    closure = Closure("x", frozenset({date(2026, 12, 2)}), services=frozenset({"video-call"}))
    now = oslo(2026, 12, 2, 10, 0)
    assert isinstance(hours_state(caseworkers, now, [closure], service="video-call"), ClosedToday)
    assert isinstance(hours_state(caseworkers, now, [closure], service="other"), Open)
    assert isinstance(hours_state(caseworkers, oslo(2026, 12, 25, 10)), ClosedToday)


def test_a_week_of_hours_names_the_closed_days():
    week = week_hours(TOFTE, INNBYGGERSERVICE, date(2026, 12, 21))
    assert [len(day.ranges) for day in week] == [1, 1, 1, 0, 0, 0, 0]
    assert [day.closed.name if day.closed else None for day in week] == [
        *(None, None, None, "Julaften", "1. juledag"),
        None,  # 26 Dec is a holiday, but innbyggerservice has no Saturday hours anyway
        None,
    ]


def test_day_hours_of_an_ordinary_day_are_the_weekly_ones():
    assert day_hours(TOFTE, "library", date(2026, 12, 3)).ranges == ((time(10), time(19)),)


def test_an_unknown_service_says_which_there_are():
    with pytest.raises(oh.UnknownService, match="torg, innbyggerservice, library"):
        service_state(TOFTE, "swimming-pool", oslo(2026, 12, 1, 10))


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        state_at(TOFTE, datetime(2026, 12, 1, 10))


# -- the holiday table --------------------------------------------------------------------------


def test_the_bundled_holiday_table_is_what_the_holidays_library_says():
    bundled = json.loads(oh.HOLIDAY_TABLE.read_text(encoding="utf-8"))["years"]
    assert sorted(bundled) == [str(year) for year in oh.BUNDLED_YEARS]
    for year in oh.BUNDLED_YEARS:
        assert bundled[str(year)] == oh.holidays_from_library(year), (
            f"{year}: run python tools/make_holidays.py"
        )


def test_every_holiday_name_the_library_gives_has_a_bokmal_name():
    for year in (*oh.BUNDLED_YEARS, 2060):
        for name in oh.holidays_from_library(year).values():
            assert all(part in oh.HOLIDAY_NAMES for part in name.split("; ")), name


def test_a_year_outside_the_table_asks_the_library():
    assert holiday_on(date(2060, 4, 19)) == "2. påskedag"  # Easter 2060 is 18 April
    assert holiday_on(date(2060, 12, 24)) is None
