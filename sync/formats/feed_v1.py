"""Feed v1 (JSON): bytes in, validated records and expanded occurrences out.

The document is walked one top-level value at a time with :meth:`json.JSONDecoder.raw_decode`,
and the ``activities`` array one activity at a time, so a 100,000-activity feed never exists
as one big Python tree: memory stays flat and each activity is validated, expanded and
dropped before the next one is read.

Every activity and announcement is checked against its definition in
``sync/schema/feed-v1.schema.json`` (compiled once with fastjsonschema). A bad one is skipped
with its id and reason; a document that fails as a whole raises :class:`FeedRefused`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

import fastjsonschema

from sync.records import (
    OSLO,
    Activity,
    Announcement,
    FeedRefused,
    Occurrence,
    ParsedSource,
    Registration,
    Skipped,
    TicketKey,
    Window,
)
from sync.recurrence import RecurrenceError, expand

log = logging.getLogger(__name__)

SUPPORTED_VERSION = 1
#: Dates outside these years are taken as a broken feed, not as a schedule.
EARLIEST_YEAR = 2000
LATEST_YEARS_AHEAD = 5

_WS = " \t\n\r"
_decoder = json.JSONDecoder()


def load_schema() -> dict:
    return json.loads(resources.files("sync.schema").joinpath("feed-v1.schema.json").read_text())


@cache
def _validator(definition: str) -> Callable[[object], object]:
    schema = load_schema()
    return fastjsonschema.compile({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _expect(text: str, pos: int, char: str) -> int:
    pos = _skip_ws(text, pos)
    if pos >= len(text):
        raise FeedRefused(
            "truncated", "The feed ends in the middle of the document; it was probably cut off."
        )
    if text[pos] != char:
        raise FeedRefused(
            "not_json",
            f"The feed is not valid JSON: expected {char!r} at character {pos}, "
            f"found {text[pos]!r}.",
        )
    return pos + 1


def _decode_value(text: str, pos: int) -> tuple[object, int]:
    pos = _skip_ws(text, pos)
    try:
        return _decoder.raw_decode(text, pos)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) - 1 or "Unterminated" in error.msg:
            raise FeedRefused(
                "truncated", "The feed ends in the middle of a value; it was probably cut off."
            ) from None
        raise FeedRefused(
            "not_json", f"The feed is not valid JSON: {error.msg} at character {error.pos}."
        ) from None


def _iter_array(text: str, pos: int, end: list[int]) -> Iterator[object]:
    """Yield the elements of the JSON array at ``pos``; append the position after it to ``end``."""
    pos = _expect(text, pos, "[")
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == "]":
        end.append(pos + 1)
        return
    while True:
        value, pos = _decode_value(text, pos)
        yield value
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise FeedRefused("truncated", "The feed ends inside a list; it was probably cut off.")
        if text[pos] == "]":
            end.append(pos + 1)
            return
        pos = _expect(text, pos, ",")


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FeedRefused(
            "bad_encoding", f"The feed is not UTF-8 text (bad byte at position {error.start})."
        ) from None


def parse_feed(data: bytes, *, window: Window, now: datetime) -> ParsedSource:
    """Parse and validate a feed v1 document; expand occurrences inside ``window``.

    Raises :class:`FeedRefused` when the document as a whole cannot be trusted.
    """
    text = _decode_text(data)
    del data
    if not text.strip():
        raise FeedRefused("empty", "The feed is empty (no bytes).")
    parsed = ParsedSource()
    seen_keys: set[str] = set()
    version = None
    pos = _expect(text, 0, "{")
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == "}":
        pos += 1
    else:
        while True:
            key, pos = _decode_value(text, pos)
            if not isinstance(key, str):
                raise FeedRefused("not_json", "The feed is not valid JSON: a key is not a string.")
            pos = _expect(text, pos, ":")
            seen_keys.add(key)
            if key == "activities":
                # The version may come after the activities; it is checked when it comes.
                pos = _read_activities(text, pos, parsed, window, now)
            else:
                value, pos = _decode_value(text, pos)
                if key == "version":
                    version = value
                    _check_version(version)
                else:
                    _read_small_part(key, value, parsed, now)
            pos = _skip_ws(text, pos)
            if pos >= len(text):
                raise FeedRefused(
                    "truncated", "The feed ends before the document closes; it was cut off."
                )
            if text[pos] == "}":
                pos += 1
                break
            pos = _expect(text, pos, ",")
    if _skip_ws(text, pos) != len(text):
        raise FeedRefused("not_json", "The feed has extra data after the end of the document.")
    if "version" not in seen_keys:
        raise FeedRefused("unknown_version", "The feed has no 'version'; expected version 1.")
    if "activities" not in seen_keys:
        raise FeedRefused("not_a_feed", "The feed has no 'activities' list.")
    return parsed


def _check_version(version: object) -> None:
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise FeedRefused(
            "unknown_version",
            f"The feed says version {version!r}; this kiosk reads version {SUPPORTED_VERSION}. "
            "Update the kiosk or ask the central side for a version 1 feed.",
        )


def _read_small_part(key: str, value: object, parsed: ParsedSource, now: datetime) -> None:
    if key == "announcements":
        if not isinstance(value, list):
            raise FeedRefused("not_a_feed", "The feed's 'announcements' is not a list.")
        validate = _validator("announcement")
        for item in value:
            record_id = _record_id(item)
            try:
                validate(item)
                parsed.announcements.append(_announcement(item))
            except (fastjsonschema.JsonSchemaValueException, ValueError) as error:
                _skip(parsed, f"announcement {record_id}", _reason(error))
    elif key == "sites":
        validate = _validator("site")
        for item in value if isinstance(value, list) else []:
            try:
                validate(item)
                parsed.sites.append({"id": item["id"], "name": item["name"]})
            except fastjsonschema.JsonSchemaValueException as error:
                _skip(parsed, f"site {_record_id(item)}", _reason(error))
    elif key == "ticket_keys":
        validate = _validator("ticket_key")
        for item in value if isinstance(value, list) else []:
            try:
                validate(item)
                parsed.ticket_keys.append(TicketKey(item["kid"], item["public_key"]))
            except fastjsonschema.JsonSchemaValueException as error:
                _skip(parsed, f"ticket key {_record_id(item, 'kid')}", _reason(error))
    elif key == "revoked_tickets":
        for item in value if isinstance(value, list) else []:
            if isinstance(item, str) and item:
                parsed.revoked_tickets.append(item)
            else:
                _skip(parsed, "revoked ticket", f"{item!r} is not a ticket id")
    elif key == "generated_at" and not isinstance(value, str):
        raise FeedRefused("not_a_feed", "The feed's 'generated_at' is not a date-time.")
    # Unknown top-level keys are ignored: a newer central side may add fields.


def _read_activities(
    text: str, pos: int, parsed: ParsedSource, window: Window, now: datetime
) -> int:
    validate = _validator("activity")
    ids: set[str] = set()
    earliest = datetime(EARLIEST_YEAR, 1, 1, tzinfo=OSLO)
    latest = now + timedelta(days=366 * LATEST_YEARS_AHEAD)
    absurd = 0
    count = 0
    end: list[int] = []
    for item in _iter_array(text, pos, end):
        count += 1
        record_id = _record_id(item)
        try:
            validate(item)
            if record_id in ids:
                raise ValueError("the id appears twice in the feed; the first one is kept")
            activity = _activity(item)
            if not earliest <= activity.start <= latest:
                absurd += 1
                raise ValueError(f"start {item['start']} is outside {EARLIEST_YEAR}…+5 years")
            occurrences = _occurrences(activity, item, window)
        except (fastjsonschema.JsonSchemaValueException, ValueError, RecurrenceError) as error:
            _skip(parsed, f"activity {record_id}", _reason(error))
            continue
        ids.add(record_id)
        parsed.activities.append(activity)
        parsed.occurrences.extend(occurrences)
    if count and absurd > count // 2:
        raise FeedRefused(
            "absurd_dates",
            f"{absurd} of {count} activities have dates before {EARLIEST_YEAR} or more than "
            f"{LATEST_YEARS_AHEAD} years ahead; the feed looks broken and was not used.",
        )
    return end[0]


def _record_id(item: object, key: str = "id") -> str:
    if isinstance(item, dict) and isinstance(item.get(key), str):
        return item[key][:128]
    return "(no id)"


def _reason(error: Exception) -> str:
    if isinstance(error, fastjsonschema.JsonSchemaValueException):
        return f"{error.message} (rule: {error.rule})"
    return str(error)


def _skip(parsed: ParsedSource, record_id: str, reason: str) -> None:
    log.warning("skipped %s: %s", record_id, reason)
    parsed.skipped.append(Skipped(record_id, reason))


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:  # the schema forbids this; be safe anyway
        raise ValueError(f"{text} has no UTC offset")
    return value


def _activity(item: dict) -> Activity:
    start = _instant(item["start"])
    end = _instant(item["end"])
    if end < start:
        raise ValueError(f"end {item['end']} is before start {item['start']}")
    registration = item.get("registration") or {}
    return Activity(
        id=item["id"],
        site=item["site"],
        title=item["title"],
        description=item.get("description") or {},
        category=item["category"],
        start=start,
        end=end,
        room=item.get("room"),
        organizer=item.get("organizer"),
        url=item.get("url"),
        registration=Registration(
            required=registration.get("required", False),
            capacity=registration.get("capacity"),
            url=registration.get("url"),
        ),
        status=item["status"],
        rrule=item.get("rrule"),
        updated_at=item.get("updated_at"),
    )


def _occurrences(activity: Activity, item: dict, window: Window) -> list[Occurrence]:
    start: datetime = activity.start  # type: ignore[assignment]
    duration = activity.end - start  # type: ignore[operator]
    local_start = start.astimezone(OSLO).replace(tzinfo=None)
    exdates = {_local_naive(text) for text in item.get("exdates", ())}
    cancelled = {_local_naive(text) for text in item.get("cancelled", ())}
    starts = expand(local_start, activity.rrule, duration, window)
    status = activity.status
    result = []
    for naive in starts:
        if naive in exdates:
            continue
        occurrence_start = naive.replace(tzinfo=OSLO)
        result.append(
            Occurrence(
                activity_id=activity.id,
                site=activity.site,
                start=occurrence_start,
                end=occurrence_start + duration,
                status="cancelled" if naive in cancelled else status,
            )
        )
    return result


def _local_naive(text: str) -> datetime:
    return _instant(text).astimezone(OSLO).replace(tzinfo=None)


def _announcement(item: dict) -> Announcement:
    valid_from = _instant(item["valid_from"]) if item.get("valid_from") else None
    valid_until = _instant(item["valid_until"]) if item.get("valid_until") else None
    if valid_from and valid_until and valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")
    return Announcement(
        id=item["id"],
        site=item.get("site"),
        text=item["text"],
        valid_from=valid_from,
        valid_until=valid_until,
    )


def sniff_feed(data: bytes) -> bool:
    """True when the bytes look like a JSON object (the cheap check before a real parse)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")
