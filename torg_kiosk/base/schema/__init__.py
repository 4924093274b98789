"""The feed v1 JSON Schema: the single source of truth for the feed contract (docs/feed.md).

It lives in the base layer because both the parser (``torg_kiosk.sync.formats.feed_v1``) and
the config loader (the category names a site calendar may default to) read it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

SCHEMA_FILE = "feed-v1.schema.json"


@cache
def _schema_text() -> str:
    return resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_feed_schema() -> dict:
    """A fresh copy of the schema as a dict (callers may change it)."""
    return json.loads(_schema_text())


@cache
def feed_categories() -> tuple[str, ...]:
    """Activity categories, read from the schema."""
    schema = load_feed_schema()
    return tuple(schema["$defs"]["activity"]["properties"]["category"]["enum"])


@cache
def text_caps() -> dict[str, int]:
    """The most characters each text of a feed may hold: the schema's ``maxLength``.

    ``text`` is each language of a title, description or announcement. The iCalendar parser
    cuts its texts to the same caps, so every source reaches the screen within them.
    """
    defs = load_feed_schema()["$defs"]
    activity = defs["activity"]["properties"]
    return {
        "text": defs["text"]["properties"]["nb"]["maxLength"],
        "room": activity["room"]["maxLength"],
        "organizer": activity["organizer"]["maxLength"],
        "url": defs["url"]["maxLength"],
        "site_name": defs["site"]["properties"]["name"]["maxLength"],
    }
