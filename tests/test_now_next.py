"""Home's now & next and its notices: cancellations due soon on Home, *Snart* only within two
hours, *Senere i dag* after, an empty day pointing to the next one; closures first and whole,
the rest taking turns. The clock is Thursday 3 December 2026, 10:15."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests.test_present import NOW, occurrence
from torg_kiosk.base.settings import load_site
from torg_kiosk.domain import notices, now_next, present
from torg_kiosk.domain.opening_hours import Closure

TOFTE = load_site("tofte")


def labels(rows) -> list[tuple[str, str, str]]:
    return [(row["label"], row["time_text"], row["title"]) for row in rows]


def test_running_first_then_what_is_called_off_then_soon_then_later_today():
    todays = [
        occurrence("Seniortrim", start=(10, 0), end=(11, 0)),
        occurrence("Formiddagstreff", start=(10, 30), end=(12, 30), status="cancelled"),
        occurrence("Babysang", start=(11, 0), end=(12, 0)),
        occurrence("Strikkekafé", start=(18, 0), end=(20, 30)),
        occurrence("Bridge", start=(19, 0), end=(22, 0), status="cancelled"),
    ]
    rows = now_next.rows(todays, NOW, "nb")
    assert labels(rows) == [
        ("Nå", "til 11:00", "Seniortrim"),
        ("AVLYST", "10:30", "Formiddagstreff"),
        ("Snart", "11:00", "Babysang"),
        ("Senere i dag", "18:00", "Strikkekafé"),
    ]  # the bridge evening is cancelled but not due soon: it is on Today, not Home
    assert [row["cancelled"] for row in rows] == [False, True, False, False]


def test_a_cancelled_activity_that_should_be_running_now_is_on_home():
    rows = now_next.rows(
        [occurrence("Lesestund", start=(10, 0), end=(10, 45), status="cancelled")], NOW, "en"
    )
    assert labels(rows) == [("CANCELLED", "10:00", "Baby song")]


def test_soon_means_within_two_hours():
    rows = now_next.rows(
        [
            occurrence("A", start=(12, 15), end=(13, 0)),
            occurrence("B", start=(12, 30), end=(13, 0)),
        ],
        NOW,
        "nb",
    )
    assert [row["label"] for row in rows] == ["Snart", "Senere i dag"]


def test_past_and_all_day_ones_are_not_now_and_next():
    rows = now_next.rows(
        [
            occurrence("Morgen", start=(8, 0), end=(9, 0)),
            occurrence("Utstilling", start=(0, 0), end=(23, 59), all_day=True),
        ],
        NOW,
        "nb",
    )
    assert rows == []


def test_an_empty_day_points_to_the_next_day_with_something_on():
    monday = date(2026, 12, 7)
    seniortrim = occurrence(
        "Seniortrim",
        start_at=NOW.replace(day=7, hour=10, minute=0),
        end_at=NOW.replace(day=7, hour=11, minute=0),
    )
    assert now_next.next_day_text((monday, [seniortrim]), NOW, "nb") == (
        "Ikke mer i dag. Neste: mandag 10:00 Seniortrim"
    )
    tomorrow = (date(2026, 12, 4), [seniortrim])
    assert now_next.next_day_text(tomorrow, NOW, "en").startswith(
        "Nothing more today. Next: tomorrow"
    )
    assert now_next.next_day_text(None, NOW, "nb") == "Ikke mer på programmet i dag."


@dataclass
class Announcement:
    text: dict


def test_closures_of_the_coming_days_come_first_and_whole_and_the_rest_take_turns():
    closure = Closure(
        "kurs",
        frozenset({date(2026, 12, 8)}),
        site="tofte",
        services=frozenset({"innbyggerservice"}),
        text={"nb": "Innbyggerservice er stengt tirsdag på grunn av kursdag."},
    )
    later = Closure("later", frozenset({date(2027, 1, 20)}), text={"nb": "Stengt i januar."})
    arranged = notices.arrange(
        TOFTE,
        NOW.replace(day=21),  # Monday 21 December: Christmas Eve is this week
        [closure, later],
        [Announcement({"nb": "Suppe hver onsdag."}), Announcement({"nb": "Brodder til utlån."})],
        "nb",
    )
    assert arranged.pinned == (
        "Torget er stengt: torsdag (Julaften), fredag (1. juledag), lørdag (2. juledag).",
    )
    assert arranged.rotating == ("Suppe hver onsdag.", "Brodder til utlån.")
    soon = notices.arrange(TOFTE, NOW, [closure, later], [], "nb")
    assert soon.pinned == ("Innbyggerservice er stengt tirsdag på grunn av kursdag.",)


def test_notices_never_turn_faster_than_a_reader_can_read():
    assert notices.ROTATE_SECONDS >= notices.MIN_ROTATE_SECONDS >= 5


def test_a_title_in_another_language_says_which_after_the_room():
    """An Arabic reader is shown the English title (the fallback rule), and the row says so
    after the room, as Today's rows and the activity screen do."""
    babysang = occurrence("Babysang", start=(10, 0), end=(11, 0))
    (row,) = now_next.rows([babysang], NOW, "ar")
    assert row["title"] == "Baby song"
    assert row["place"] == "Biblioteket  ·  " + present.fallback_note("en", "ar")
    (row,) = now_next.rows([babysang], NOW, "nb")
    assert (row["title"], row["place"]) == ("Babysang", "Biblioteket")
