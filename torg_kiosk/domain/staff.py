"""Staff mode without the screen: the PIN, the lockout after wrong PINs, the staff idle timer.

The PIN is kept only as a salted scrypt hash in kiosk.toml (``[staff] pin_hash``, made with
``torg-tickets pin-hash``): ``scrypt$<n>$<r>$<p>$<salt>$<hash>``, salt and hash base64url.
Five wrong PINs in a row lock the PIN pad for 30 s, and each further wrong PIN doubles the
wait (to at most an hour); the wait is shown in words. Times are monotonic seconds handed in,
so tests pin them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from torg_kiosk.domain import i18n
from torg_kiosk.domain.i18n import N_

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FREE_TRIES = 5
FIRST_LOCKOUT = 30.0
LONGEST_LOCKOUT = 3600.0
#: Staff mode ends after this long without a touch or a scan (kiosk.toml may change it).
DEFAULT_STAFF_IDLE_SECONDS = 120


class PinHashError(ValueError):
    """``pin_hash`` in the config is not a hash this kiosk can check."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The ``pin_hash`` line for ``pin`` (a new random salt each time)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)  # fmt: skip
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_pin_hash(stored: str) -> None:
    """Raise :class:`PinHashError` saying what is wrong with a configured ``pin_hash``."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinHashError(
            "staff.pin_hash must be a line made by `torg-tickets pin-hash`, "
            "scrypt$16384$8$1$<salt>$<hash>"
        )
    try:
        n, r, p = map(int, parts[1:4])
        _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        raise PinHashError(
            "staff.pin_hash is damaged; make it again with torg-tickets pin-hash"
        ) from None
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise PinHashError("staff.pin_hash has scrypt parameters this kiosk does not accept")


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` is the PIN ``stored`` (a ``pin_hash``) was made from."""
    check_pin_hash(stored)
    _, n, r, p, salt, expected = stored.split("$")
    n, r, p = int(n), int(r), int(p)
    want = _unb64(expected)
    memory = 256 * n * r + 2**20
    digest = hashlib.scrypt(
        pin.encode(), salt=_unb64(salt), n=n, r=r, p=p, dklen=len(want), maxmem=memory
    )
    return hmac.compare_digest(digest, want)


@dataclass
class PinLock:
    """Counts wrong PINs and says how long the pad stays locked."""

    failures: int = 0
    locked_until: float = 0.0

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.locked_until - now)

    def try_pin(self, pin: str, stored: str, now: float) -> bool | None:
        """True: the right PIN (the count starts again); False: wrong; None: locked, unchecked."""
        if self.seconds_left(now) > 0:
            return None
        if pin_matches(pin, stored):
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= FREE_TRIES:
            wait = min(FIRST_LOCKOUT * 2 ** (self.failures - FREE_TRIES), LONGEST_LOCKOUT)
            self.locked_until = now + wait
        return False


def wait_in_words(seconds: float, language: str) -> str:
    """*Prøv igjen om 30 sekunder* / *om 2 minutter*: the lockout, said as a person would."""
    seconds = max(1, round(seconds))
    if seconds < 60:
        return i18n.tr(N_("For mange feil. Prøv igjen om {count} sekunder."), language,
                       count=seconds)  # fmt: skip
    minutes = -(-seconds // 60)
    if minutes == 1:
        return i18n.tr(N_("For mange feil. Prøv igjen om ett minutt."), language)
    return i18n.tr(N_("For mange feil. Prøv igjen om {count} minutter."), language,
                   count=minutes)  # fmt: skip


class StaffIdle:
    """Staff mode's own short idle timer: every touch or scan is activity."""

    def __init__(self, seconds: float, now: float):
        self.seconds = seconds
        self.last = now

    def activity(self, now: float) -> None:
        self.last = now

    def expired(self, now: float) -> bool:
        return now - self.last >= self.seconds
