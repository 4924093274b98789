"""Jitsi Meet on the kommune's own server.

Not the public meet.jit.si: it ends embedded anonymous calls after five minutes. The room
name carries 128 random bits, so nobody finds a call by guessing. Everything else rides in
the URL's hash, which Jitsi reads as ``config.<key>=<JSON>`` and ``userInfo.<key>=<JSON>``
(only keys on its allow-list count; the rest are dropped without a word, so each key here is
one Jitsi honours):

- ``config.prejoinConfig.enabled=false``: straight into the call, no "join" page to puzzle over
  (``prejoinPageEnabled`` is the retired name);
- ``userInfo.displayName``: the torg's name, never the visitor's;
- ``config.defaultLanguage``: the language of the conversation, where Jitsi has it;
- ``config.toolbarButtons``: only microphone, camera, hang up;
- ``config.lobby.autoKnock=true``: the visitor knocks at once, and the caseworker (the room's
  moderator, logged in on the kommune's server) lets them in. The lobby itself is switched
  on by the server for these rooms (prosody's ``muc_lobby_rooms``; see docs/uploads.md).
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import quote

from torg_kiosk.base.toml_config import Section
from torg_kiosk.calls.meeting import Meeting, MeetingRequest, url_origin

NAME = "jitsi"
#: The visitor's buttons: nothing to share a screen, record, chat or invite with.
TOOLBAR_BUTTONS = ("microphone", "camera", "hangup")
#: Jitsi's UI languages for the screen's codes; a language it lacks falls back to English.
JITSI_LANGUAGES = {"nb": "nb", "nn": "nb", "en": "en", "uk": "uk", "pl": "pl", "ar": "ar"}
ROOM_RANDOM_BYTES = 16


class JitsiProvider:
    name = NAME

    def __init__(self, base_url: str, room_prefix: str = "torg"):
        self.base_url = base_url.rstrip("/")
        self.room_prefix = room_prefix

    def origins(self) -> tuple[str, ...]:
        return (url_origin(self.base_url),)

    def room_name(self, site_id: str) -> str:
        """``torg-heggedal-<32 hex digits>``: readable for the caseworker, unguessable."""
        return f"{self.room_prefix}-{site_id}-{secrets.token_hex(ROOM_RANDOM_BYTES)}"

    def create_meeting(self, request: MeetingRequest) -> Meeting:
        room = f"{self.base_url}/{self.room_name(request.site_id)}"
        visitor = {
            "config.prejoinConfig.enabled": False,
            "config.defaultLanguage": JITSI_LANGUAGES.get(request.language, "en"),
            "config.toolbarButtons": list(TOOLBAR_BUTTONS),
            "config.lobby.autoKnock": True,
            "config.disableDeepLinking": True,
            "userInfo.displayName": request.display_name,
        }
        mobile = {"config.defaultLanguage": visitor["config.defaultLanguage"]}
        return Meeting(
            visitor_url=f"{room}#{hash_config(visitor)}",
            host_url=room,
            mobile_url=f"{room}#{hash_config(mobile)}",
            provider=NAME,
        )


def hash_config(values: dict[str, object]) -> str:
    """``key=<JSON, percent-encoded>&…`` as Jitsi parses its URL hash."""
    return "&".join(
        f"{key}={quote(json.dumps(value, ensure_ascii=False), safe='')}"
        for key, value in values.items()
    )


def from_config(section: Section, _context) -> JitsiProvider:
    section.only(("base_url", "room_prefix"))
    return JitsiProvider(
        section.url("base_url"),
        section.string("room_prefix", "torg", pattern=r"[a-z0-9][a-z0-9-]{0,31}"),
    )
