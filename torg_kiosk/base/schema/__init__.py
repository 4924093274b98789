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
