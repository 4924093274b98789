"""The call request and its answers: the kiosk's side of the call queue (docs/uploads.md).

A call request goes to the central side **at once**, not through the outbox: nobody waits
for a call an hour later. It is sent with the uploads' rules (one record per nonce, the same
body on every attempt), retried inside a short deadline so a request that was stored but
whose answer was lost is still stored once. Then the kiosk asks how it stands
(``GET /api/calls/<nonce>``) until the call ends, and withdraws it
(``POST /api/calls/<nonce>/cancel``) when the visitor leaves.
"""

from __future__ import annotations

import platform
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from torg_kiosk.base.clock import utc_text

if TYPE_CHECKING:
    from torg_kiosk.sync.http_client import HttpClient

#: Short: the visitor is standing at the screen. The whole request, retries included, must
#: fit inside the 5 s after which the screen shows the fallback.
DESK_LIMITS = {
    "connect_timeout": 1.0, "read_timeout": 1.5, "deadline": 3.5, "max_bytes": 64 * 1024,
    "retries": 4, "backoff": 0.15,
}  # fmt: skip
#: The states a call request can be in on the central side.
STATES = ("waiting", "taken", "cancelled", "expired", "ended")


@dataclass(frozen=True)
class CallChoice:
    """What the visitor chose: no personal data, only ids and a yes/no."""

    topic: str
    language: str
    interpreter: bool


@dataclass(frozen=True)
class CallStanding:
    """How a call request stands: ``state`` (one of :data:`STATES`), the place in the queue
    (1 is next), how many wait in all, and the central side's estimate in minutes."""

    state: str
    position: int | None = None
    waiting: int | None = None
    estimate_minutes: int | None = None

    @classmethod
    def from_json(cls, data: dict) -> CallStanding:
        state = data.get("state")
        if state not in STATES:
            raise ValueError(f"unknown call state {state!r}")

        def number(name: str) -> int | None:
            value = data.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(state, number("position"), number("waiting"), number("estimate_minutes"))


class DeskError(Exception):
    """The central side could not be reached, or refused; ``code`` is the HTTP client's."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def kiosk_id(site_id: str) -> str:
    """The machine's id in uploads: its host name (no person's name is in it)."""
    return platform.node() or site_id


def call_request(
    *, site_id: str, choice: CallChoice, host_url: str, provider: str, now: datetime,
    kiosk: str, nonce: str | None = None,
) -> dict:  # fmt: skip
    """The body of one call request (the same on every attempt)."""
    return {
        "nonce": nonce or secrets.token_urlsafe(16),
        "kiosk": kiosk,
        "site": site_id,
        "requested_at": utc_text(now),
        "topic": choice.topic,
        "language": choice.language,
        "interpreter": choice.interpreter,
        "host_url": host_url,
        "provider": provider,
    }


class CallDesk:
    """The central side's call queue at ``central_url`` (``[feed] central_url``)."""

    def __init__(self, central_url: str, client: HttpClient | None = None):
        # Imported when a call is made, not at start-up: requests and urllib3 cost the
        # first frame (tests/test_startup_imports.py).
        from torg_kiosk.sync.http_client import HttpClient, HttpLimits

        self.base = central_url.rstrip("/")
        self.client = client or HttpClient(
            HttpLimits(**DESK_LIMITS),
            server="central server",
            meanwhile="The kiosk offers the booking QR.",
        )

    def request(self, body: dict) -> None:
        """Send the request; returns once the central side has stored it (201 or 200)."""
        self._call(lambda: self.client.post_json(f"{self.base}/api/calls", body))

    def standing(self, nonce: str) -> CallStanding:
        import orjson

        answer = self._call(lambda: self.client.get(f"{self.base}/api/calls/{nonce}"))
        try:
            return CallStanding.from_json(orjson.loads(bytes(answer.body)))
        except (orjson.JSONDecodeError, ValueError, AttributeError) as error:
            raise DeskError(
                "bad_answer", f"The central side's answer was not a call: {error}"
            ) from error

    def cancel(self, nonce: str) -> None:
        """Withdraw the request (or end a taken call); saying it twice is harmless."""
        self._call(lambda: self.client.post_json(f"{self.base}/api/calls/{nonce}/cancel", {}))

    def close(self) -> None:
        self.client.close()

    @staticmethod
    def _call(send):
        from torg_kiosk.sync.http_client import HttpError

        try:
            return send()
        except HttpError as error:
            raise DeskError(error.code, error.message) from error
