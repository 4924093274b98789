"""Any other meeting service (a Teams web link, a kommune's own): two URL templates.

``visitor`` and ``host`` (and optionally ``mobile``) are URLs with placeholders filled in per
call, each percent-encoded: ``{room}`` (128 random bits as 32 hex digits), ``{site}``,
``{language}``, ``{display_name}``. The scheme and host must be fixed text: the browser
policy grants camera and microphone to that origin only.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from torg_kiosk.base.toml_config import Section
from torg_kiosk.calls.meeting import Meeting, MeetingRequest, url_origin

NAME = "url-template"
PLACEHOLDERS = ("room", "site", "language", "display_name")


class UrlTemplateProvider:
    name = NAME

    def __init__(self, visitor: str, host: str, mobile: str = ""):
        self.visitor = visitor
        self.host = host
        self.mobile = mobile or visitor

    def origins(self) -> tuple[str, ...]:
        return (url_origin(self.visitor),)

    def create_meeting(self, request: MeetingRequest) -> Meeting:
        values = {
            "room": secrets.token_hex(16),
            "site": request.site_id,
            "language": request.language,
            "display_name": request.display_name,
        }
        return Meeting(
            visitor_url=fill(self.visitor, values),
            host_url=fill(self.host, values),
            mobile_url=fill(self.mobile, values),
            provider=NAME,
        )


def fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: quote(values[match.group(1)], safe=""), template)


def from_config(section: Section, _context) -> UrlTemplateProvider:
    section.only(("visitor", "host", "mobile"))
    templates = {}
    for key in ("visitor", "host", "mobile"):
        if key == "mobile" and key not in section.data:
            continue
        value = section.url(key)
        unknown = set(re.findall(r"\{(\w+)\}", value)) - set(PLACEHOLDERS)
        if unknown or "{" in value.split("/")[2]:
            raise section.error(
                key, value, f"a URL with a fixed host and only {{{'}, {'.join(PLACEHOLDERS)}}}"
            )
        templates[key] = value
    return UrlTemplateProvider(templates["visitor"], templates["host"], templates.get("mobile", ""))
