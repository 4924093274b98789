"""The check-in rules: one test per outcome, in the order they are applied; a pinned clock.

The rules are a pure function (no disk, no clock), so these run in microseconds; the 10,000
scanner strings of the property test go through the same function.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.checkin_rules import (
    AMBER,
    GREEN,
    RED,
    RULES,
    Door,
    count_text,
    door_order,
    judge,
)
from torg_kiosk.domain.i18n import CODES
from torg_kiosk.domain.signing_keys import write_new_key
from torg_kiosk.domain.tickets import (
    ALPHABET,
    TOKEN_LENGTH,
    TicketKeys,
    demo_signing_key,
    issue_ticket,
)

NOW = datetime(2026, 12, 3, 11, 5, tzinfo=OSLO)
DAY = date(2026, 12, 3)
KEY = demo_signing_key()
KEYS = TicketKeys([(KEY.kid, KEY.public_key_text)])
DOOR = Door(
    site="tofte",
    activity_id="tofte-seniortrim",
    day=DAY,
    start=datetime(2026, 12, 3, 11, 0, tzinfo=OSLO),
    end=datetime(2026, 12, 3, 12, 0, tzinfo=OSLO),
    title={"nb": "Seniortrim"},
    capacity=20,
)


def ticket(**changes) -> str:
    fields = dict(
        activity_id="tofte-seniortrim",
        site="tofte",
        day=DAY,
        valid_from=datetime(2026, 12, 3, 10, 30, tzinfo=OSLO),
        valid_until=datetime(2026, 12, 3, 12, 30, tzinfo=OSLO),
        number=0x3F9A01C2,
    )
    fields.update(changes)
    return issue_ticket(fields.pop("key", KEY), **fields)


def verdict(text: str, *, door=DOOR, now=NOW, revoked=frozenset(), before=None, count=0,
            titles=None):  # fmt: skip
    return judge(
        text,
        door=door,
        now=now,
        keys=KEYS,
        revoked=revoked,
        checked_in_at=lambda _ticket: before,
        count=count,
        activity_titles=(titles or {}).get,
    )


def test_a_good_ticket_at_its_door_in_its_time_is_accepted():
    result = verdict(ticket())
    assert (result.code, result.tone, result.admits) == ("accepted", GREEN, True)
    assert result.ticket.ticket_id == "T-3F9A01C2"
    assert result.message("nb") == "Sjekket inn"


def test_text_that_is_no_ticket():
    result = verdict("https://www.asker.kommune.no/")
    assert (result.code, result.tone, result.admits) == ("not_a_ticket", RED, False)
    assert result.message("en") == "This is not a ticket"


def test_a_ticket_signed_with_an_unknown_key_or_forged(tmp_path):
    stranger = write_new_key(tmp_path / "k.pem")
    assert verdict(ticket(key=stranger)).code == "unknown_key"
    good = ticket()
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert verdict(forged).code == "unknown_key"


def test_a_revoked_ticket_even_with_a_good_signature():
    result = verdict(ticket(), revoked={"T-3F9A01C2"})
    assert (result.code, result.tone) == ("revoked", RED)


def test_a_ticket_for_another_torg():
    assert verdict(ticket(site="borgen")).code == "other_site"


def test_a_ticket_for_another_activity_names_it_when_known():
    from torg_kiosk.domain.tickets import activity_tag

    result = verdict(ticket(activity_id="tofte-sjakk"),
                     titles={activity_tag("tofte-sjakk"): "Sjakk"})  # fmt: skip
    assert result.code == "other_activity"
    assert result.message("nb") == "Billetten gjelder en annen aktivitet: Sjakk"
    unknown = verdict(ticket(activity_id="somewhere-else"))
    assert unknown.message("nb").endswith(": ?")


def test_a_ticket_for_another_day_says_which():
    result = verdict(ticket(day=date(2026, 12, 4), valid_from=None, valid_until=None))
    assert result.code == "not_today"
    assert result.message("nb") == "Billetten gjelder 04.12.2026, ikke i dag"


def test_a_ticket_shown_too_early_is_amber_with_its_time():
    result = verdict(ticket(), now=datetime(2026, 12, 3, 10, 29, tzinfo=OSLO))
    assert (result.code, result.tone) == ("not_yet_valid", AMBER)
    assert result.message("nb") == "Billetten gjelder først fra kl. 10:30"


def test_a_ticket_past_its_time_has_expired():
    at_the_end = datetime(2026, 12, 3, 12, 30, tzinfo=OSLO)
    result = verdict(ticket(), now=at_the_end)
    assert (result.code, result.tone) == ("expired", RED)
    assert result.message("nb") == "Billetten gjaldt til kl. 12:30"
    assert verdict(ticket(), now=at_the_end - timedelta(seconds=1)).code == "accepted"


def test_a_cancelled_activity_admits_nobody():
    from dataclasses import replace

    assert verdict(ticket(), door=replace(DOOR, cancelled=True)).code == "cancelled"


def test_already_checked_in_shows_the_oslo_time_of_the_first_scan():
    first = datetime(2026, 12, 3, 10, 2, tzinfo=OSLO)
    assert verdict(ticket(), before=first).message("nb") == "Allerede sjekket inn kl. 10:02"


def test_a_full_activity_is_amber_and_staff_may_override():
    result = verdict(ticket(), count=20)
    assert (result.code, result.tone, result.can_override) == ("full", AMBER, True)
    assert result.message("nb").startswith("Fullt: 20 av 20.")
    assert verdict(ticket(), count=19).code == "accepted"


def test_without_a_capacity_nothing_is_ever_full():
    from dataclasses import replace

    assert verdict(ticket(), door=replace(DOOR, capacity=None), count=10_000).code == "accepted"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # A revoked ticket for another torg: revoked wins (checked first).
        ({"site": "borgen"}, {"revoked": {"T-3F9A01C2"}}, "revoked"),
        # Another activity on another day: the activity is named first.
        (
            {"activity_id": "x", "day": date(2026, 12, 4), "valid_from": None, "valid_until": None},
            {},
            "other_activity",
        ),
        # Used before and full: "already" is what staff need to hear.
        ({}, {"before": NOW, "count": 20}, "already_checked_in"),
    ],
)
def test_the_first_rule_that_refuses_decides(first, second, expected):
    assert verdict(ticket(**first), **second).code == expected


def test_every_message_is_translated_in_every_language():
    values = {"time": "10:02", "date": "04.12.2026", "activity": "Sjakk", "count": "3",
              "capacity": "20"}  # fmt: skip
    from torg_kiosk.domain.i18n import tr

    for rule in RULES.values():
        bokmal = tr(rule.message, "nb", **values)
        for code in CODES:
            text = tr(rule.message, code, **values)
            assert text, (rule.code, code)
            if code not in ("nb", "nn"):
                assert text != bokmal, f"{rule.code} is not translated to {code}"


def test_the_count_reads_12_av_20():
    assert count_text(12, 20, "nb") == "12 av 20 sjekket inn"
    assert count_text(12, None, "nb") == "12 sjekket inn"
    assert count_text(12, 20, "en") == "12 of 20 checked in"


def test_the_running_activity_comes_first_in_the_chooser():
    def door(activity, start_hour, end_hour):
        return Door("tofte", activity, DAY, datetime(2026, 12, 3, start_hour, 0, tzinfo=OSLO),
                    datetime(2026, 12, 3, end_hour, 0, tzinfo=OSLO))  # fmt: skip

    doors = [
        door("morning", 8, 9),
        door("later", 14, 15),
        door("now", 11, 12),
        door("next", 12, 13),
    ]
    assert [d.activity_id for d in door_order(doors, NOW)] == ["now", "next", "later", "morning"]


# -- 10,000 random and mutated scanner strings ---------------------------------------------

GOOD = ticket()


@st.composite
def scanner_strings(draw) -> str:
    kind = draw(st.sampled_from(["random", "alphabet", "mutated", "cut", "doubled"]))
    if kind == "random":
        return draw(st.text(max_size=300))
    if kind == "alphabet":
        return draw(st.text(alphabet=ALPHABET + ALPHABET.lower() + " \r\n\t",
                            min_size=TOKEN_LENGTH - 2, max_size=TOKEN_LENGTH + 2))  # fmt: skip
    if kind == "mutated":
        chars = list(GOOD)
        positions = draw(st.sets(st.integers(0, TOKEN_LENGTH - 1), min_size=1, max_size=4))
        for position in positions:
            replacement = draw(st.sampled_from(ALPHABET))
            if replacement == GOOD[position]:
                replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % 36]
            chars[position] = replacement
        return "".join(chars)
    if kind == "cut":
        return GOOD[: draw(st.integers(0, TOKEN_LENGTH - 1))]
    return GOOD + draw(st.text(alphabet=ALPHABET, min_size=1, max_size=5))


@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(scanner_strings())
def test_no_random_or_mutated_scanner_string_crashes_or_checks_anyone_in(text):
    result = verdict(text)
    assert result.code in ("not_a_ticket", "unknown_key"), (text, result.code)
    assert not result.admits
    assert result.message("nb")
