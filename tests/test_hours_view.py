"""What the screens say about hours, in words, on the days where it goes wrong if anything
does: Christmas Eve, Easter Monday, 17 May, a Sunday, after closing, and the DST days.

Tofte: open Mon–Wed 09–16, Thu 09–19, Fri 09–15, Sat 10–14; innbyggerservice Mon–Wed and
Fri 10–14, Thu 10–18; the library Mon–Wed 10–16, Thu 10–19, Fri 10–15, Sat 10–14.
Heggedal opens at 08:30; Asker sentrum also on Sundays 12–16.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import load_site
from torg_kiosk.domain.hours_view import day_name, service_rows, staffed_line, torg_line
from torg_kiosk.domain.opening_hours import Closure

TOFTE = load_site("tofte")
HEGGEDAL = load_site("heggedal")
ASKER = load_site("asker-sentrum")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def says(site, now, language="nb", closures=()) -> tuple[str, str]:
    return torg_line(site, now, closures, language).text, staffed_line(
        site, now, closures, language
    ).text


def test_an_ordinary_morning_says_open_until_and_who_is_here():
    assert says(TOFTE, oslo(2026, 12, 1, 10, 15)) == (
        "Åpent nå — til 16:00",
        "Innbyggerservice er her nå, til 14:00.",
    )


def test_after_closing_it_names_tomorrow_and_its_time():
    assert says(HEGGEDAL, oslo(2026, 12, 1, 17, 0)) == (
        "Stengt nå — åpner i morgen kl. 08:30",
        "Innbyggerservice er her torsdag 10–14.",  # Heggedal's staff come Tue and Thu
    )


def test_before_opening_it_names_today():
    assert says(TOFTE, oslo(2026, 12, 3, 7, 0)) == (
        "Stengt nå — åpner i dag kl. 09:00",
        "Innbyggerservice er her i dag 10–18.",
    )


def test_a_sunday_is_closed_today_and_opens_on_monday():
    assert says(TOFTE, oslo(2026, 12, 6, 12, 0)) == (
        "Stengt i dag — åpner i morgen kl. 09:00",
        "Innbyggerservice er her i morgen 10–14.",
    )


def test_christmas_eve_names_the_eve_and_the_first_working_day():
    assert says(TOFTE, oslo(2026, 12, 24, 10, 0)) == (
        "Stengt i dag (Julaften) — åpner mandag kl. 09:00",
        "Innbyggerservice er stengt i dag (Julaften). Neste gang: mandag 10–14.",
    )


def test_easter_monday_has_no_weekday_hours():
    assert says(TOFTE, oslo(2026, 4, 6, 11, 0)) == (
        "Stengt i dag (2. påskedag) — åpner i morgen kl. 09:00",
        "Innbyggerservice er stengt i dag (2. påskedag). Neste gang: i morgen 10–14.",
    )


def test_17_may_closes_asker_sentrum_on_its_sunday_too():
    assert says(ASKER, oslo(2026, 5, 17, 13, 0))[0] == (
        "Stengt i dag (Grunnlovsdag) — åpner i morgen kl. 08:00"
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 29, 10, 30, tzinfo=UTC), "Åpent nå — til 16:00"),  # 12:30 CEST
        (datetime(2026, 10, 25, 14, 30, tzinfo=UTC), "Åpent nå — til 16:00"),  # 15:30 CET
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Stengt nå — åpner i dag kl. 12:00"),
    ],
)
def test_the_dst_sundays_keep_wall_time(now, expected):
    assert torg_line(ASKER, now.astimezone(OSLO), (), "nb").text == expected


def test_in_english_and_arabic():
    assert says(TOFTE, oslo(2026, 12, 24, 10, 0), "en") == (
        "Closed today (Christmas Eve) — opens Monday at 09:00",
        "Citizen service is closed today (Christmas Eve). Next time: Monday 10–14.",
    )
    assert torg_line(TOFTE, oslo(2026, 12, 1, 10, 0), (), "ar").text == "مفتوح الآن — حتى 16:00"


def test_a_feed_closure_of_innbyggerservice_is_said_without_a_holiday_name():
    closure = Closure(
        "kurs", frozenset({date(2026, 12, 1)}), services=frozenset({"innbyggerservice"})
    )
    assert says(TOFTE, oslo(2026, 12, 1, 11, 0), closures=[closure]) == (
        "Åpent nå — til 16:00",
        "Innbyggerservice er stengt i dag. Neste gang: i morgen 10–14.",
    )


def test_service_rows_say_over_and_not_yet_and_are_only_highlighted_while_open():
    def rows(now):
        return [
            (row["kind"], row["hours"], row["closed"]) for row in service_rows(TOFTE, now, (), "nb")
        ]

    assert rows(oslo(2026, 12, 1, 11, 0)) == [
        ("library", "til 16", False),
        ("volunteer-centre", "til 14", False),
    ]
    assert rows(oslo(2026, 12, 1, 9, 30)) == [
        ("library", "stengt nå, åpner 10", True),
        ("volunteer-centre", "stengt nå, åpner 10", True),
    ]
    assert rows(oslo(2026, 12, 1, 16, 30)) == [
        ("library", "stengt nå", True),
        ("volunteer-centre", "stengt nå", True),
    ]
    assert rows(oslo(2026, 12, 24, 11, 0)) == [
        ("library", "stengt i dag", True),
        ("volunteer-centre", "stengt i dag", True),
    ]


def test_days_are_named_as_a_visitor_reads_them():
    today = date(2026, 12, 3)
    assert day_name(today, today, "nb") == "i dag"
    assert day_name(date(2026, 12, 4), today, "nb") == "i morgen"
    assert day_name(date(2026, 12, 7), today, "nb") == "mandag"
    assert day_name(date(2026, 12, 10), today, "nb") == "torsdag 10. desember"
