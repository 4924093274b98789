"""The walk-in sign-up, *Meld meg på*: a ticket from this kiosk, within the activity's places.

No name or phone number: the visitor photographs a QR code (the ticket, signed with this
kiosk's own key) and shows it at the door. Each ticket issued is a ``signup`` record in the
outbox (durable before the QR is shown, uploaded like the check-ins), so the places left are
the capacity minus the central count from the feed (``registration.taken``) minus the
tickets this kiosk issued since. A full activity offers its waiting-list link instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from torg_kiosk.base.clock import utc_text
from torg_kiosk.domain import i18n
from torg_kiosk.domain.i18n import N_
from torg_kiosk.domain.present import span_text
from torg_kiosk.domain.tickets import SigningKey, TicketKeys, issue_ticket, read_ticket
from torg_kiosk.store.outbox import Outbox

SIGNUP_KIND = "signup"
#: A walk-in ticket opens the door this long before the start (or from when it is issued).
EARLY = timedelta(minutes=30)

OPEN, FULL, UNAVAILABLE = "open", "full", "unavailable"


@dataclass(frozen=True)
class SignupOffer:
    """Whether a ticket can be issued now: ``state``, ``places_left`` (None: no limit)."""

    state: str
    places_left: int | None = None
    waiting_list_url: str = ""


def issued_here(outbox: Outbox, view) -> int:
    """How many tickets this kiosk issued for the occurrence ``view``."""
    day = view.start.date().isoformat()
    return len(outbox.about_occurrence(SIGNUP_KIND, view.activity_id, day))


def signup_offer(view, issued: int, now: datetime) -> SignupOffer:
    """What *Meld meg på* can do for ``view`` (an OccurrenceView) with ``issued`` here."""
    if view.cancelled or view.is_past(now) or not view.registration_required:
        return SignupOffer(UNAVAILABLE)
    capacity = view.registration_capacity
    if capacity is None:
        return SignupOffer(OPEN)
    left = capacity - view.places_taken - issued
    if left <= 0:
        return SignupOffer(FULL, 0, view.registration_url or "")
    return SignupOffer(OPEN, left)


def issue_walk_in_ticket(outbox: Outbox, key: SigningKey, kiosk: str, view, now: datetime) -> str:
    """Sign a ticket for ``view`` and record it in the outbox (on disk before it is shown)."""
    token = issue_ticket(
        key,
        activity_id=view.activity_id,
        site=view.site,
        day=view.start.date(),
        # From now (the visitor is at the torg already) or half an hour before the start.
        valid_from=max(min(now, view.start - EARLY), _midnight_of(view.start)),
        valid_until=view.end,
    )
    ticket = read_ticket(token, TicketKeys([(key.kid, key.public_key_text)]))
    outbox.add(SIGNUP_KIND, {
        "kiosk": kiosk, "site": view.site, "ticket": ticket.ticket_id,
        "activity": view.activity_id, "occurrence": view.start.date().isoformat(),
        "issued_at": utc_text(now), "key": key.kid,
    }, now=now)  # fmt: skip
    return token


def _midnight_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def when_in_words(view, language: str) -> str:
    """*torsdag 3. desember, kl. 11:00–12:00*: the day and time, for the photo."""
    return i18n.tr(N_("{day}, kl. {time}"), language,
                   day=i18n.long_date(view.start.date(), language),
                   time=span_text(view.start, view.end))  # fmt: skip


def places_text(offer: SignupOffer, language: str) -> str:
    if offer.state == FULL:
        return i18n.tr(N_("Aktiviteten er full. Skann koden for venteliste."), language)
    if offer.places_left is None:
        return ""
    return i18n.tr(N_("Ledige plasser: {count}"), language, count=offer.places_left)
