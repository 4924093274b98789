"""What a provider is asked for and what it gives back: a meeting with two links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class MeetingRequest:
    """A meeting for one visitor at one torg.

    ``display_name`` is the torg's name ("Heggedal innbyggertorg"), never the visitor's;
    ``language`` the language of the conversation (a screen code: ``nb``, ``uk`` …);
    ``ends_at`` when the meeting may end at the latest (the maximum call length).
    """

    site_id: str
    display_name: str
    language: str
    ends_at: datetime


@dataclass(frozen=True)
class Meeting:
    """``visitor_url`` opens on the kiosk; ``host_url`` goes to the caseworker (in the call
    request); ``mobile_url`` is the visitor's link for their own phone (the QR)."""

    visitor_url: str
    host_url: str
    mobile_url: str
    provider: str

    @property
    def origin(self) -> str:
        """``https://meet.example.no``: what the browser grants camera and microphone to."""
        return url_origin(self.visitor_url)


class ProviderError(Exception):
    """A meeting could not be made. ``code`` is for programs, the message for a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Provider(Protocol):
    name: str

    def create_meeting(self, request: MeetingRequest) -> Meeting: ...

    def origins(self) -> tuple[str, ...]:
        """Every origin a visitor's meeting can open on (for the browser policy)."""
        ...


def url_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-case, the port only when one is given."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{host}{port}"
