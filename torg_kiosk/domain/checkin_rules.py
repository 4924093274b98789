"""The check-in rules, as data: what a scanned text means at this door, now.

One pure function, :func:`judge`, in the spirit of pretix's check-in service: the time, the
keys, the revocation list, the door (the activity the staff chose) and what this kiosk has
recorded come in; a :class:`Verdict` with a machine-readable ``code`` comes out. No disk, no
clock, no network: the desk (:mod:`torg_kiosk.domain.checkin`) gathers what it needs in memory
beforehand, so a scan never waits for the schedule database.

The order is pretix's offline order: is it a ticket at all, is the signature good, is it
revoked, is it for this torg and this activity, is it for today and for now, is the activity
on, has it been used, is there room. The first rule that refuses decides.

Tones: ``green`` lets the person in; ``amber`` asks staff to look (the same person twice, an
early arrival, a full room that staff may open with one tap); ``red`` refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain import i18n
from torg_kiosk.domain.i18n import N_
from torg_kiosk.domain.tickets import (
    BadSignature,
    NotATicket,
    Ticket,
    TicketKeys,
    read_ticket,
)

GREEN, AMBER, RED = "green", "amber", "red"

ACCEPTED = "accepted"
FORCED = "forced"
WALK_IN = "walk_in"
UNDONE = "undone"
ALREADY_CHECKED_IN = "already_checked_in"
OTHER_ACTIVITY = "other_activity"
OTHER_SITE = "other_site"
NOT_TODAY = "not_today"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
REVOKED = "revoked"
UNKNOWN_KEY = "unknown_key"
NOT_A_TICKET = "not_a_ticket"
CANCELLED = "cancelled"
FULL = "full"
NOTHING_TO_UNDO = "nothing_to_undo"


@dataclass(frozen=True)
class Rule:
    """One outcome: its tone and its sentence (a bokmål msgid with ``{placeholders}``)."""

    code: str
    tone: str
    message: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(ACCEPTED, GREEN, N_("Sjekket inn")),
        Rule(FORCED, GREEN, N_("Sjekket inn likevel (over kapasitet)")),
        Rule(WALK_IN, GREEN, N_("+1 uten billett registrert")),
        Rule(UNDONE, AMBER, N_("Angret: siste innsjekking er fjernet")),
        Rule(NOTHING_TO_UNDO, AMBER, N_("Ingen innsjekking å angre")),
        Rule(ALREADY_CHECKED_IN, AMBER, N_("Allerede sjekket inn kl. {time}")),
        Rule(OTHER_ACTIVITY, RED, N_("Billetten gjelder en annen aktivitet: {activity}")),
        Rule(OTHER_SITE, RED, N_("Billetten gjelder et annet innbyggertorg")),
        Rule(NOT_TODAY, RED, N_("Billetten gjelder {date}, ikke i dag")),
        Rule(NOT_YET_VALID, AMBER, N_("Billetten gjelder først fra kl. {time}")),
        Rule(EXPIRED, RED, N_("Billetten gjaldt til kl. {time}")),
        Rule(REVOKED, RED, N_("Billetten er trukket tilbake")),
        Rule(UNKNOWN_KEY, RED, N_("Ukjent eller falsk billett")),
        Rule(NOT_A_TICKET, RED, N_("Dette er ikke en billett")),
        Rule(CANCELLED, RED, N_("Aktiviteten er avlyst")),
        Rule(FULL, AMBER, N_("Fullt: {count} av {capacity}. Trykk for å slippe inn likevel")),
    )
}
#: Outcomes that put a person in the room (and in the count).
ADMITTING = frozenset({ACCEPTED, FORCED, WALK_IN})


@dataclass(frozen=True)
class Door:
    """The occurrence staff are checking people in to, as the rules need it (in memory)."""

    site: str
    activity_id: str
    day: date
    start: datetime
    end: datetime
    title: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False
    capacity: int | None = None

    @property
    def occurrence(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True)
class Verdict:
    """What the rules decided. ``values`` fill the message's placeholders."""

    code: str
    ticket: Ticket | None = None
    values: dict[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def tone(self) -> str:
        return self.rule.tone

    @property
    def admits(self) -> bool:
        return self.code in ADMITTING

    @property
    def can_override(self) -> bool:
        """Staff may let the person in anyway with one tap (recorded as forced)."""
        return self.code == FULL

    def message(self, language: str) -> str:
        return i18n.tr(self.rule.message, language, **self.values)


#: When this ticket was checked in here before (and not undone), or None.
CheckedInAt = Callable[[str], datetime | None]


def judge(
    text: str,
    *,
    door: Door,
    now: datetime,
    keys: TicketKeys,
    revoked: frozenset[str] | set[str],
    checked_in_at: CheckedInAt,
    count: int,
    activity_titles: Callable[[int], str | None] = lambda _tag: None,
) -> Verdict:
    """The verdict on ``text`` (what the scanner typed) at ``door`` at ``now``.

    ``count`` is how many are checked in already; ``activity_titles`` names the activity a
    ticket for another activity is for, from its tag, when the kiosk knows it.
    """
    try:
        ticket = read_ticket(text, keys)
    except NotATicket:
        return Verdict(NOT_A_TICKET)
    except BadSignature:
        return Verdict(UNKNOWN_KEY)
    if ticket.ticket_id in revoked:
        return Verdict(REVOKED, ticket)
    if not ticket.is_for_site(door.site):
        return Verdict(OTHER_SITE, ticket)
    if not ticket.is_for_activity(door.activity_id):
        name = activity_titles(ticket.activity_tag) or "?"
        return Verdict(OTHER_ACTIVITY, ticket, {"activity": name})
    local_now = now.astimezone(OSLO)
    if ticket.day != local_now.date():
        return Verdict(NOT_TODAY, ticket, {"date": ticket.day.strftime("%d.%m.%Y")})
    if local_now < ticket.valid_from:
        return Verdict(NOT_YET_VALID, ticket, {"time": clock_text(ticket.valid_from)})
    if local_now >= ticket.valid_until:
        return Verdict(EXPIRED, ticket, {"time": clock_text(ticket.valid_until)})
    if door.cancelled:
        return Verdict(CANCELLED, ticket)
    before = checked_in_at(ticket.ticket_id)
    if before is not None:
        return Verdict(ALREADY_CHECKED_IN, ticket, {"time": clock_text(before)})
    if door.capacity is not None and count >= door.capacity:
        return Verdict(FULL, ticket, {"count": str(count), "capacity": str(door.capacity)})
    return Verdict(ACCEPTED, ticket)


def clock_text(moment: datetime) -> str:
    """``10:02`` in Oslo time."""
    return moment.astimezone(OSLO).strftime("%H:%M")


def count_text(count: int, capacity: int | None, language: str) -> str:
    """*12 av 20 sjekket inn*, or *12 sjekket inn* where there is no capacity."""
    if capacity is None:
        return i18n.tr(N_("{count} sjekket inn"), language, count=count)
    return i18n.tr(N_("{count} av {capacity} sjekket inn"), language, count=count,
                   capacity=capacity)  # fmt: skip


#: How close to its start an activity counts as the one staff most likely want.
SOON = timedelta(minutes=45)


def door_order(doors: list[Door], now: datetime) -> list[Door]:
    """Today's doors for the chooser: running ones first, then the next ones, then the past."""

    def rank(door: Door) -> tuple:
        if door.start - SOON <= now < door.end:
            group = 0
        elif now < door.start:
            group = 1
        else:
            group = 2
        start = door.start.timestamp()
        return (group, start if group < 2 else -start, door.activity_id)

    return sorted(doors, key=rank)
