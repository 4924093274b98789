"""Signed ticket QR codes: a 120-character token that any kiosk verifies offline.

A ticket says: this key (``kid``) vouches that ticket ``T-xxxxxxxx`` admits one person to
activity A at torg S on day D, between two times of that day. The token is 13 bytes of payload
and a 64-byte Ed25519 signature, written as one number in base 36 (``0-9A-Z``, 120 characters):

- base 36 uses only digits and capital letters, so the QR code is in *alphanumeric* mode
  (5.5 bits a character), and a USB keyboard-wedge scanner types it right on any keyboard
  layout (punctuation sits on other keys in a Norwegian layout than in an American one);
- the signature alone is 64 bytes, so the payload names the key, the torg and the activity
  by short tags (truncated SHA-256 of their ids) instead of spelling them out. The kiosk
  knows the ids and computes the same tags; the signature covers the tags.

The layout, bit by bit, with a worked example, is in docs/tickets.md. Nothing here reads the
clock or the disk: verification takes the keys and ``now`` from the caller.
"""

from __future__ import annotations

import base64
import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from torg_kiosk.base.clock import OSLO, local_midnight

FORMAT_VERSION = 1
TOKEN_LENGTH = 120
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAYLOAD_BYTES = 13
SIGNATURE_BYTES = 64
#: Signed before the payload, so a signature made for something else never passes as a ticket.
SIGNING_CONTEXT = b"torg-ticket/1\x00"
#: Day 0 of the date field.
EPOCH = date(2024, 1, 1)
QUARTER = timedelta(minutes=15)

#: (name, bits), most significant first: 104 bits, the 13 payload bytes.
FIELDS = (
    ("version", 4),
    ("key_tag", 8),
    ("ticket", 32),
    ("site_tag", 12),
    ("activity_tag", 20),
    ("day", 14),
    ("valid_from", 7),  # quarter hours after the day's local midnight (0 = 00:00)
    ("valid_until", 7),  # the same; 127 = 07:45 the next morning
)
assert sum(bits for _, bits in FIELDS) == PAYLOAD_BYTES * 8
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_LIMIT = 1 << ((PAYLOAD_BYTES + SIGNATURE_BYTES) * 8)

#: The demo key's seed. Public on purpose: anyone can sign demo tickets, so a kiosk accepts
#: the demo key only from its bundled demo feed (see docs/feed.md, *Ticket key*).
DEMO_KEY_SEED = b"torg-kiosk demo key"
DEMO_KEY_ID = "demo-2026"


class NotATicket(ValueError):
    """The text is not a ticket token at all (wrong length, characters or version)."""


class TicketRangeError(ValueError):
    """A ticket cannot say this (a day before 2024 or after 2068, a time outside the day)."""


def _tag(kind: str, value: str, bits: int) -> int:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


def key_tag(kid: str) -> int:
    return _tag("key", kid, 8)


def site_tag(site: str) -> int:
    return _tag("site", site, 12)


def activity_tag(activity_id: str) -> int:
    return _tag("activity", activity_id, 20)


def ticket_text(number: int) -> str:
    """The ticket id as people, logs and the revocation list write it: ``T-3F9A01C2``."""
    return f"T-{number:08X}"


def ticket_number(text: str) -> int:
    """The 32-bit number of a ticket id written ``T-3F9A01C2``."""
    if len(text) != 10 or not text.startswith("T-"):
        raise ValueError(f"{text!r} is not a ticket id; they look like T-3F9A01C2")
    return int(text[2:], 16)


@dataclass(frozen=True)
class Ticket:
    """What a token says, its signature checked (see :func:`read_ticket`)."""

    kid: str
    number: int
    site_tag: int
    activity_tag: int
    day: date
    valid_from: datetime  # aware, Europe/Oslo
    valid_until: datetime

    @property
    def ticket_id(self) -> str:
        return ticket_text(self.number)

    def is_for_site(self, site: str) -> bool:
        return self.site_tag == site_tag(site)

    def is_for_activity(self, activity_id: str) -> bool:
        return self.activity_tag == activity_tag(activity_id)


@dataclass(frozen=True)
class SigningKey:
    """A private key and the id the feed knows its public key by."""

    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_key_text(self) -> str:
        return public_key_text(self.private_key.public_key())


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32 bytes, base64url without padding: the feed's ``public_key``."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_key_from_text(text: str) -> Ed25519PublicKey:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def demo_signing_key() -> SigningKey:
    """The demo feed's key (tools/make_demo_feed.py publishes its public half)."""
    seed = hashlib.sha256(DEMO_KEY_SEED).digest()
    return SigningKey(DEMO_KEY_ID, Ed25519PrivateKey.from_private_bytes(seed))


class TicketKeys:
    """The public keys a kiosk accepts, by kid: the feed's, and this kiosk's own."""

    def __init__(self, keys: Iterable[tuple[str, str]] = ()):
        self._by_tag: dict[int, list[tuple[str, Ed25519PublicKey]]] = {}
        self.kids: list[str] = []
        for kid, text in keys:
            try:
                public = public_key_from_text(text)
            except ValueError:
                continue  # the feed's schema checked its form; a bad point is no key
            self._by_tag.setdefault(key_tag(kid), []).append((kid, public))
            self.kids.append(kid)

    def candidates(self, tag: int) -> list[tuple[str, Ed25519PublicKey]]:
        return self._by_tag.get(tag, [])


def _quarters(moment: datetime, day: date, *, round_up: bool) -> int:
    # In UTC: two times in one zone subtract as wall clocks, which a DST day gets wrong.
    offset = moment.astimezone(UTC) - local_midnight(day).astimezone(UTC)
    count = offset / QUARTER
    value = math.ceil(count) if round_up else math.floor(count)
    if not 0 <= value <= 127:
        raise TicketRangeError(
            f"{moment:%Y-%m-%d %H:%M} is outside what a ticket for {day} can say "
            "(00:00 that day to 07:45 the next morning)."
        )
    return value


def issue_ticket(
    key: SigningKey,
    *,
    activity_id: str,
    site: str,
    day: date,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    number: int | None = None,
) -> str:
    """A signed token for one person at ``activity_id`` on ``day`` (default: all that day).

    ``valid_from`` is rounded down and ``valid_until`` up to a quarter hour. ``number`` is the
    ticket's 32-bit id (random when left out; :func:`ticket_text` writes it).
    """
    days = (day - EPOCH).days
    if not 0 <= days < 1 << 14:
        raise TicketRangeError(f"A ticket can name a day from {EPOCH} to 2068, not {day}.")
    start = valid_from or local_midnight(day)
    end = valid_until or local_midnight(day + timedelta(days=1))
    values = {
        "version": FORMAT_VERSION,
        "key_tag": key_tag(key.kid),
        "ticket": secrets.randbits(32) if number is None else number,
        "site_tag": site_tag(site),
        "activity_tag": activity_tag(activity_id),
        "day": days,
        "valid_from": _quarters(start, day, round_up=False),
        "valid_until": _quarters(end, day, round_up=True),
    }
    if values["valid_until"] <= values["valid_from"]:
        raise TicketRangeError("A ticket's valid_until must come after its valid_from.")
    packed = 0
    for name, bits in FIELDS:
        value = values[name]
        if not 0 <= value < 1 << bits:
            raise TicketRangeError(f"{name} = {value} does not fit in {bits} bits.")
        packed = packed << bits | value
    payload = packed.to_bytes(PAYLOAD_BYTES, "big")
    signature = key.private_key.sign(SIGNING_CONTEXT + payload)
    return _base36(int.from_bytes(payload + signature, "big"))


def _base36(number: int) -> str:
    digits = []
    for _ in range(TOKEN_LENGTH):
        number, digit = divmod(number, 36)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def split_token(text: str) -> tuple[dict[str, int], bytes, bytes]:
    """(fields, payload, signature) of a token, unverified; :class:`NotATicket` if it is none.

    Letters may come in either case (a scanner with Caps Lock on types them small); spaces
    and line ends around it are ignored.
    """
    text = text.strip().upper()
    if len(text) != TOKEN_LENGTH:
        raise NotATicket(f"a ticket has {TOKEN_LENGTH} characters, this has {len(text)}")
    number = 0
    for ch in text:
        digit = _VALUE.get(ch)
        if digit is None:
            raise NotATicket("a ticket has only the digits 0-9 and the letters A-Z")
        number = number * 36 + digit
    if number >= _LIMIT:
        raise NotATicket("the text is too large a number to be a ticket")
    raw = number.to_bytes(PAYLOAD_BYTES + SIGNATURE_BYTES, "big")
    payload, signature = raw[:PAYLOAD_BYTES], raw[PAYLOAD_BYTES:]
    packed = int.from_bytes(payload, "big")
    fields: dict[str, int] = {}
    for name, bits in reversed(FIELDS):
        fields[name] = packed & ((1 << bits) - 1)
        packed >>= bits
    if fields["version"] != FORMAT_VERSION:
        raise NotATicket(f"ticket format {fields['version']} is not one this kiosk knows")
    return fields, payload, signature


class BadSignature(ValueError):
    """A ticket-shaped token that no accepted key signed: an unknown key, or forged."""


def read_ticket(text: str, keys: TicketKeys) -> Ticket:
    """The ticket ``text`` holds, its signature checked against ``keys``.

    Raises :class:`NotATicket` for text that is no ticket, :class:`BadSignature` for one that
    no key in ``keys`` signed. Validity in time, revocation and the rules come after
    (``domain.checkin_rules``).
    """
    fields, payload, signature = split_token(text)
    message = SIGNING_CONTEXT + payload
    for kid, public in keys.candidates(fields["key_tag"]):
        try:
            public.verify(signature, message)
        except InvalidSignature:
            continue
        day = EPOCH + timedelta(days=fields["day"])
        midnight = local_midnight(day)
        return Ticket(
            kid=kid,
            number=fields["ticket"],
            site_tag=fields["site_tag"],
            activity_tag=fields["activity_tag"],
            day=day,
            valid_from=_at(midnight, fields["valid_from"]),
            valid_until=_at(midnight, fields["valid_until"]),
        )
    raise BadSignature("no key this kiosk knows signed this ticket")


def _at(midnight: datetime, quarters: int) -> datetime:
    # Through UTC, so a quarter hour past a DST switch is a real quarter hour later.
    return (midnight.astimezone(UTC) + quarters * QUARTER).astimezone(OSLO)
