"""Whereby, common in Norwegian kommuner: a room made per call through its REST API.

``POST <api_url>/meetings`` with the API key as a bearer token and a body with ``endDate``
(the maximum call length from now), ``fields: ["hostRoomUrl"]`` (so the answer carries the
caseworker's link), ``roomMode: "normal"`` (two people) and ``isLocked: true`` (the visitor
knocks; the host lets them in). The answer has ``meetingId``, ``roomUrl``, ``hostRoomUrl``,
``startDate``, ``endDate``.

The visitor's room URL gets Whereby's URL parameters: ``displayName`` (the torg's name, at
most 100 characters), ``lang``, ``minimal``, ``skipMediaPermissionPrompt`` (the browser policy
has granted camera and microphone already), ``precallReview=off`` and ``leaveButton=on``.

The API key is read from a file (``api_key_file``, e.g. ``/etc/torg-kiosk/whereby-api-key``,
readable by the kiosk's user only) or an environment variable (``api_key_env``) when a
meeting is made, never from git and never logged.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

from torg_kiosk.base.clock import utc_text
from torg_kiosk.base.toml_config import Section
from torg_kiosk.calls.meeting import Meeting, MeetingRequest, ProviderError, url_origin

NAME = "whereby"
DEFAULT_API_URL = "https://api.whereby.dev/v1"
DEFAULT_KEY_ENV = "TORG_KIOSK_WHEREBY_API_KEY"
MAX_DISPLAY_NAME = 100
#: Whereby's interface languages among the screen's; the others get English.
WHEREBY_LANGUAGES = {"nb": "nb", "nn": "nb", "en": "en", "pl": "pl"}


class WherebyProvider:
    name = NAME

    def __init__(
        self,
        *,
        api_url: str,
        room_origin: str,
        key_file: Path | None,
        key_env: str,
        room_name_prefix: str,
        http,
        environ=os.environ,
    ):
        self.api_url = api_url.rstrip("/")
        self.room_origin = url_origin(room_origin)
        self.key_file = key_file
        self.key_env = key_env
        self.room_name_prefix = room_name_prefix
        self._http = http
        self._environ = environ

    def origins(self) -> tuple[str, ...]:
        return (self.room_origin,)

    def api_key(self) -> str:
        """The key from the environment variable, else the file; a ProviderError if neither."""
        key = self._environ.get(self.key_env, "").strip()
        if not key and self.key_file is not None:
            try:
                key = self.key_file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ProviderError(
                    "no_api_key",
                    f"The Whereby API key file {self.key_file} cannot be read "
                    f"({error.strerror}). Put the key there (readable by the kiosk only) or "
                    f"in ${self.key_env}.",
                ) from error
        if not key:
            raise ProviderError(
                "no_api_key",
                f"No Whereby API key: set ${self.key_env} or write it to api_key_file.",
            )
        return key

    def meeting_body(self, request: MeetingRequest) -> dict:
        return {
            "endDate": utc_text(request.ends_at),
            "fields": ["hostRoomUrl"],
            "roomNamePrefix": self.room_name_prefix,
            "roomMode": "normal",
            "isLocked": True,
        }

    def create_meeting(self, request: MeetingRequest) -> Meeting:
        import orjson  # with the HTTP client, on the first call rather than at start-up

        from torg_kiosk.sync.http_client import HttpError

        headers = {"Authorization": f"Bearer {self.api_key()}"}
        client = self._http()
        try:
            answer = client.post_json(
                f"{self.api_url}/meetings", self.meeting_body(request), headers=headers
            )
        except HttpError as error:
            raise ProviderError(
                "unreachable", f"Whereby could not make a meeting: {error.message}"
            ) from error
        finally:
            client.close()
        try:
            created = orjson.loads(bytes(answer.body))
            room_url, host_url = created["roomUrl"], created["hostRoomUrl"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise ProviderError(
                "bad_answer", "Whereby answered without roomUrl and hostRoomUrl."
            ) from error
        if url_origin(room_url) != self.room_origin:
            raise ProviderError(
                "wrong_origin",
                f"Whereby's room is on {url_origin(room_url)}, but the browser may use camera "
                f"and microphone on {self.room_origin} only: set room_origin to the kommune's "
                "Whereby address and write the browser policy again.",
            )
        language = WHEREBY_LANGUAGES.get(request.language, "en")
        visitor = {
            "displayName": request.display_name[:MAX_DISPLAY_NAME],
            "lang": language,
            "minimal": "",
            "skipMediaPermissionPrompt": "",
            "precallReview": "off",
            "leaveButton": "on",
        }
        return Meeting(
            visitor_url=f"{room_url}?{urlencode(visitor)}".replace("=&", "&"),
            host_url=host_url,
            mobile_url=f"{room_url}?{urlencode({'lang': language})}",
            provider=NAME,
        )


def from_config(section: Section, context) -> WherebyProvider:
    section.only(("api_url", "room_origin", "api_key_file", "api_key_env", "room_name_prefix"))
    key_file = section.string("api_key_file", "")
    return WherebyProvider(
        api_url=section.url("api_url", allow_empty=True) or DEFAULT_API_URL,
        room_origin=section.url("room_origin"),
        key_file=(context.config_dir / key_file) if key_file else None,
        key_env=section.string("api_key_env", DEFAULT_KEY_ENV, pattern=r"[A-Z_][A-Z0-9_]*"),
        room_name_prefix=section.string("room_name_prefix", "torg", pattern=r"[a-z0-9-]{1,39}"),
        http=context.http,
        environ=context.environ,
    )
