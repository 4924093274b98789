"""A source's records as database rows: plain tuples in the column order of ``schema``.

The feed parser's child process (sync.subprocess_parse) builds these and pipes them to the
process that writes; tuples pickle small and fast. Every row is built with its table's
:attr:`~torg_kiosk.store.schema.Table.make_row`, by column name, so the order lives only in
the schema. This module needs no SQLite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import orjson

from torg_kiosk.base.clock import utc_text
from torg_kiosk.base.safe_text import safe_text
from torg_kiosk.store.records import Activity, Occurrence, ParsedSource, Skipped
from torg_kiosk.store.schema import (
    ACTIVITIES,
    ANNOUNCEMENTS,
    CLOSURES,
    OCCURRENCES,
    REVOKED_TICKETS,
    SITES,
    TICKET_KEYS,
)

_activity_row = ACTIVITIES.make_row
_occurrence_row = OCCURRENCES.make_row
_announcement_row = ANNOUNCEMENTS.make_row
_site_row = SITES.make_row
_ticket_key_row = TICKET_KEYS.make_row
_revoked_ticket_row = REVOKED_TICKETS.make_row
_closure_row = CLOSURES.make_row


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def decode_document(doc: str) -> dict:
    """A stored activity document (feed v1 JSON) as a dict, every string valid Unicode.

    The parsers make text safe before it is stored (:mod:`torg_kiosk.base.safe_text`). A
    kiosk that ran an older version may still hold a document with a lone surrogate escape
    (``"\\ud800"``), which orjson refuses and Kivy cannot draw; that one is read with
    :mod:`json` and its strings made safe, until the next sync stores the record clean.
    """
    try:
        return orjson.loads(doc)
    except orjson.JSONDecodeError:
        return _made_safe(json.loads(doc))


def _made_safe(value):
    if isinstance(value, str):
        return safe_text(value, multiline=True)
    if isinstance(value, dict):
        return {key: _made_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_made_safe(item) for item in value]
    return value


@dataclass
class RowChunk:
    """A chunk of one source's records as database rows: cheap to send between processes."""

    activities: list[tuple]
    occurrences: list[tuple]
    announcements: list[tuple]
    sites: list[tuple]
    ticket_keys: list[tuple]
    revoked_tickets: list[tuple]
    skipped: int
    first_skipped: Skipped | None
    closures: list[tuple] = field(default_factory=list)


def activity_row(source: str, activity: Activity) -> tuple:
    doc = activity.doc if activity.doc is not None else _dumps(activity.as_feed_record())
    return _activity_row(
        source=source,
        id=activity.id,
        site=activity.site,
        category=activity.category,
        status=activity.status,
        doc=doc,
    )


def occurrence_row(source: str, occurrence: Occurrence) -> tuple:
    return _occurrence_row(
        source=source,
        activity_id=occurrence.activity_id,
        site=occurrence.site,
        start=int(occurrence.start.timestamp()),
        end=int(occurrence.end.timestamp()),
        all_day=int(occurrence.all_day),
        status=occurrence.status,
        title=_dumps(occurrence.title) if occurrence.title else None,
        room=occurrence.room,
        seq=occurrence.seq,
    )


def rows_of(source: str, chunk: ParsedSource) -> RowChunk:
    return RowChunk(
        activities=[activity_row(source, a) for a in chunk.activities],
        occurrences=[occurrence_row(source, o) for o in chunk.occurrences],
        announcements=[
            _announcement_row(
                source=source,
                id=a.id,
                site=a.site,
                text=_dumps(a.text),
                valid_from=utc_text(a.valid_from) if a.valid_from else None,
                valid_until=utc_text(a.valid_until) if a.valid_until else None,
            )
            for a in chunk.announcements
        ],
        sites=[_site_row(source=source, id=s["id"], name=s["name"]) for s in chunk.sites],
        ticket_keys=[
            _ticket_key_row(
                source=source, kid=k.kid, public_key=k.public_key, algorithm=k.algorithm
            )
            for k in chunk.ticket_keys
        ],
        revoked_tickets=[
            _revoked_ticket_row(source=source, ticket_id=t) for t in chunk.revoked_tickets
        ],
        skipped=len(chunk.skipped),
        first_skipped=chunk.skipped[0] if chunk.skipped else None,
        closures=[
            _closure_row(
                source=source,
                id=c.id,
                site=c.site,
                dates=_dumps(sorted(day.isoformat() for day in c.dates)),
                services=_dumps(c.services) if c.services is not None else None,
                text=_dumps(c.text) if c.text else None,
            )
            for c in chunk.closures
        ],
    )
