"""Feed v1 (JSON): bytes in, validated records and expanded occurrences out.

The document is walked one value at a time with :meth:`json.JSONDecoder.raw_decode` over a
window of decoded text, and the ``activities`` array one activity at a time, so a
100,000-activity feed never exists as one big Python tree or one big string: memory stays
flat, and the store takes the records in chunks inside one transaction.

Every activity and announcement is checked against its definition in
``base/schema/feed-v1.schema.json`` (compiled once with jsonschema-rs). A bad one is skipped
with its id and reason; a document that fails as a whole raises :class:`FeedRefused`.

Every text a record brings (titles, descriptions, rooms, organizers, announcement texts, site
names) then goes through :func:`torg_kiosk.base.safe_text.safe_text`: what the parser hands on
is valid Unicode without control characters, so the screen, speech and logs can trust it.
A record nested too deeply for the JSON decoder is skipped like any other bad record.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache

import jsonschema_rs
import orjson

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.safe_text import LOG_QUOTE_LIMIT, for_log, safe_text
from torg_kiosk.base.schema import load_feed_schema, text_caps
from torg_kiosk.base.settings import demo_feed_path
from torg_kiosk.store.records import (
    Activity,
    Announcement,
    Closure,
    FeedRefused,
    Occurrence,
    ParsedSource,
    Registration,
    Skipped,
    TicketKey,
    Window,
)
from torg_kiosk.sync.recurrence import ExpansionBudget, RecurrenceError, expand

log = logging.getLogger(__name__)

SUPPORTED_VERSION = 1
#: Dates outside these years are taken as a broken feed, not as a schedule.
EARLIEST_YEAR = 2000
LATEST_YEARS_AHEAD = 5

NO_REGISTRATION = Registration()

_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_decoder = json.JSONDecoder()
# The JSON of one value, for stepping over a value too deeply nested to decode.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|[^"\[\]{}]+')
# An "id" among the first keys of a record, before anything nested (for naming a deep record).
_LEADING_ID = re.compile(r'\{[^\[\]{}]*?"id"\s*:\s*"([A-Za-z0-9][A-Za-z0-9._:-]{0,127})"')
#: Bytes decoded at a time: the feed is walked through a window, never decoded whole.
DECODE_WINDOW = 1 << 20
#: Activities handed to the store at a time (memory stays flat however big the feed is).
CHUNK_SIZE = 2000


@cache
def _validator(definition: str) -> jsonschema_rs.Validator:
    schema = load_feed_schema()
    return jsonschema_rs.validator_for(
        {"$schema": schema["$schema"], "$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    )


class TooDeep:
    """Stands in for a value nested too deeply to decode (``[[[[…]]]]``); a record that is one
    is skipped with :attr:`reason`, and the walk goes on after it."""

    __slots__ = ("id",)

    def __init__(self, record_id: str | None):
        self.id = record_id

    @property
    def reason(self) -> str:
        return (
            "the record is nested more deeply than any feed v1 record can be (arrays or "
            "objects inside each other hundreds of levels deep); it was not read"
        )

    def __repr__(self) -> str:
        return "(a value nested too deeply to read)"


class _Cursor:
    """Walks a JSON document in bytes, decoding a window at a time (UTF-8, BOM allowed).

    Why our own cursor and not ijson: ``benchmarks/bench_feed_parse.py`` measured both, on
    a 2-core machine shared with other work, so the times are ranges over three runs (wall
    time when it was quiet, CPU time when it was not). ``ijson.items(f, "activities.item",
    use_float=True)`` on its C backend (yajl2_c, ijson 3.6) against this cursor:

    ============================  =================  =================
    ijson / cursor                30,000 (15 MB)     100,000 (50 MB)
    ============================  =================  =================
    time, the activities only     1.02-1.11          1.10-1.24
    peak RSS                      41 / 45 MB (0.91)  75 / 79 MB (0.95)
    the walk's own RSS            0.8 / 4.7 MB       0.8 / 4.7 MB
    + the activity's text         1.14-1.27          1.18-1.30
    the whole document, 1 pass    3.1-3.4            3.0-3.4
    ============================  =================  =================

    In seconds, on 30,000: 0.21 s for both, as the issue found (0.20 / 0.21 s). The
    cursor's ~4 MB is its 1 MiB decoded window. On the activities alone ijson is as fast
    within about 10 % and smaller; but that is not all the parser does. ``iter_feed``
    needs each activity's text as the feed has it (the store keeps it as the document;
    ijson gives values only; ``orjson.dumps`` of each is the row "+ the activity's text"),
    and it reads the whole document in one pass with its sections in any order (the
    version may come last). ``ijson.items`` reads one prefix per pass; one pass over every
    section means ijson's event stream built up in Python, three times slower. It would
    also mean telling a truncated feed from a broken one by yajl's error texts. So the
    cursor stays, and ijson is no dependency of the kiosk.
    """

    def __init__(self, data: bytes):
        self._data = data
        self._next_byte = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._text = ""
        self._pos = 0

    def _more(self) -> bool:
        """Decode the next window onto the unread text; False at the end of the data."""
        if self._next_byte >= len(self._data):
            return False
        chunk = self._data[self._next_byte : self._next_byte + DECODE_WINDOW]
        try:
            decoded = self._utf8.decode(chunk, self._next_byte + len(chunk) >= len(self._data))
        except UnicodeDecodeError as error:
            raise FeedRefused(
                "bad_encoding",
                f"The feed is not UTF-8 text (bad byte near position "
                f"{self._next_byte + error.start}).",
            ) from None
        self._next_byte += len(chunk)
        self._text = self._text[self._pos :] + decoded
        self._pos = 0
        return True

    def peek(self) -> str | None:
        """The next non-blank character, or None at the end of the document."""
        while True:
            self._pos = _WS.match(self._text, self._pos).end()
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return None

    def expect(self, char: str) -> None:
        found = self.peek()
        if found is None:
            raise FeedRefused(
                "truncated", "The feed ends in the middle of the document; it was probably cut off."
            )
        if found != char:
            raise FeedRefused(
                "not_json", f"The feed is not valid JSON: expected {char!r}, found {found!r}."
            )
        self._pos += 1

    def value(self) -> object:
        return self.value_and_text()[0]

    def value_and_text(self) -> tuple[object, str]:
        """The next value, and its JSON text exactly as the document has it."""
        # Fast path: the value starts right here and ends inside the decoded window.
        start, text = self._pos, self._text
        try:
            value, end = _decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            pass
        except RecursionError:
            return self._too_deep(), ""
        else:
            if end < len(text):
                self._pos = end
                return value, text[start:end]
        return self._value_and_text_carefully()

    def _value_and_text_carefully(self) -> tuple[object, str]:
        if self.peek() is None:
            raise FeedRefused("truncated", "The feed ends where a value should be; it was cut off.")
        while True:
            try:
                value, end = _decoder.raw_decode(self._text, self._pos)
            except RecursionError:
                return self._too_deep(), ""
            except json.JSONDecodeError as error:
                # A value cut by the window's edge: decode more and try again.
                # (A literal like "tr|ue" or an escape like "\\u00|e5" fails a few characters
                # before the edge.)
                at_edge = error.pos >= len(self._text) - 16 or error.msg.startswith("Unterminated")
                if at_edge and self._more():
                    continue
                if at_edge:
                    raise FeedRefused(
                        "truncated", "The feed ends in the middle of a value; it was cut off."
                    ) from None
                raise FeedRefused("not_json", f"The feed is not valid JSON: {error.msg}.") from None
            if end >= len(self._text) and self._more():
                continue  # a number may go on in the next window
            start, self._pos = self._pos, end
            return value, self._text[start:end]

    def _too_deep(self) -> TooDeep:
        """Step over the (array or object) value that starts here without decoding it."""
        self.peek()
        head = self._text[self._pos : self._pos + 4096]
        leading_id = _LEADING_ID.match(head)
        depth, at = 0, self._pos
        while True:
            token = _JSON_TOKEN.match(self._text, at)
            if token is None or token.end() >= len(self._text):
                # The value goes on past the decoded window (or a string is cut by its edge).
                offset = at - self._pos
                if self._more():
                    at = self._pos + offset
                    continue
                if token is None:
                    raise FeedRefused(
                        "truncated", "The feed ends in the middle of a value; it was cut off."
                    )
            char = token.group()[0]
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            at = token.end()
            if depth <= 0:
                self._pos = at
                return TooDeep(leading_id.group(1) if leading_id else None)

    def items(self) -> Iterator[tuple[object, str]]:
        """The elements of the array that starts here, one at a time, with their text."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value_and_text()
            # Fast path: the separator and the blanks around it, all inside the window.
            separator = _SEPARATOR.match(self._text, self._pos)
            if separator and separator.end() < len(self._text):
                self._pos = separator.end()
                if separator.group(1) == "]":
                    return
                continue
            if self.peek() == "]":
                self._pos += 1
                return
            self.expect(",")


def parse_feed(
    data: bytes, *, window: Window, now: datetime, accept_demo_keys: bool = False
) -> ParsedSource:
    """Parse and validate a whole feed v1 document into one :class:`ParsedSource`."""
    return ParsedSource.merge(
        iter_feed(data, window=window, now=now, accept_demo_keys=accept_demo_keys)
    )


def iter_feed(
    data: bytes,
    *,
    window: Window,
    now: datetime,
    chunk_size: int = CHUNK_SIZE,
    accept_demo_keys: bool = False,
) -> Iterator[ParsedSource]:
    """Parse a feed v1 document as a stream of :class:`ParsedSource` chunks.

    Each chunk holds up to ``chunk_size`` activities with their occurrences (and whatever else
    was read meanwhile). A :class:`FeedRefused` may come after chunks were yielded (a wrong
    version at the end, a truncated document): the consumer must treat everything it got as
    one transaction and throw it all away then.

    Demo ticket keys (see :func:`_demo_key_reason`) are skipped unless ``accept_demo_keys``:
    only the bundled demo feed may bring them.
    """
    cursor = _Cursor(data)
    if cursor.peek() is None:
        raise FeedRefused("empty", "The feed is empty (no bytes).")
    state = _FeedState(window=window, now=now)
    seen_keys: set[str] = set()
    cursor.expect("{")
    if cursor.peek() == "}":
        cursor.expect("}")
    else:
        while True:
            key = cursor.value()
            if not isinstance(key, str):
                raise FeedRefused("not_json", "The feed is not valid JSON: a key is not a string.")
            cursor.expect(":")
            seen_keys.add(key)
            if key == "activities":
                # The version may come after the activities; it is checked when it comes.
                for item, raw in cursor.items():
                    state.add_activity(item, raw)
                    if len(state.chunk.activities) >= chunk_size:
                        yield state.take_chunk()
                state.finish_activities()
            else:
                if key in _RECORD_LISTS and cursor.peek() == "[":
                    # Item by item, so one record nested too deeply is skipped on its own.
                    value = [item for item, _text in cursor.items()]
                else:
                    value = cursor.value()
                if key == "version":
                    _check_version(value)
                else:
                    _read_small_part(key, value, state.chunk, now, accept_demo_keys)
            if cursor.peek() == "}":
                cursor.expect("}")
                break
            cursor.expect(",")
    if cursor.peek() is not None:
        raise FeedRefused("not_json", "The feed has extra data after the end of the document.")
    if "version" not in seen_keys:
        raise FeedRefused("unknown_version", "The feed has no 'version'; expected version 1.")
    if "activities" not in seen_keys:
        raise FeedRefused("not_a_feed", "The feed has no 'activities' list.")
    yield state.take_chunk()


_RECORD_LISTS = frozenset({"announcements", "sites", "ticket_keys", "revoked_tickets", "closures"})


def _check_version(version: object) -> None:
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise FeedRefused(
            "unknown_version",
            f"The feed says version {version!r}; this kiosk reads version {SUPPORTED_VERSION}. "
            "Update the kiosk or ask the central side for a version 1 feed.",
        )


def _read_small_part(
    key: str, value: object, parsed: ParsedSource, now: datetime, accept_demo_keys: bool
) -> None:
    if key == "announcements":
        if not isinstance(value, list):
            raise FeedRefused("not_a_feed", "The feed's 'announcements' is not a list.")
        validate = _validator("announcement")
        for item in value:
            record_id = _record_id(item)
            try:
                _check(validate, item)
                parsed.announcements.append(_announcement(item))
            except ValueError as error:
                _skip(parsed, f"announcement {record_id}", str(error))
    elif key == "closures":
        if not isinstance(value, list):
            raise FeedRefused("not_a_feed", "The feed's 'closures' is not a list.")
        validate = _validator("closure")
        for item in value:
            try:
                _check(validate, item)
                parsed.closures.append(_closure(item))
            except ValueError as error:
                _skip(parsed, f"closure {_record_id(item)}", str(error))
    elif key == "sites":
        validate = _validator("site")
        for item in value if isinstance(value, list) else []:
            try:
                _check(validate, item)
                parsed.sites.append({"id": item["id"], "name": _site_name(item["name"])})
            except ValueError as error:
                _skip(parsed, f"site {_record_id(item)}", str(error))
    elif key == "ticket_keys":
        validate = _validator("ticket_key")
        for item in value if isinstance(value, list) else []:
            try:
                _check(validate, item)
                demo = None if accept_demo_keys else _demo_key_reason(item)
                if demo:
                    raise ValueError(demo)
                parsed.ticket_keys.append(TicketKey(item["kid"], item["public_key"]))
            except ValueError as error:
                _skip(parsed, f"ticket key {_record_id(item, 'kid')}", str(error))
    elif key == "revoked_tickets":
        validate = _validator("id")
        for item in value if isinstance(value, list) else []:
            try:
                _check(validate, item)
                parsed.revoked_tickets.append(item)
            except ValueError:
                _skip(parsed, "revoked ticket", f"{for_log(item)} is not a ticket id")
    elif key == "generated_at" and not isinstance(value, str):
        raise FeedRefused("not_a_feed", "The feed's 'generated_at' is not a date-time.")
    # Unknown top-level keys are ignored: a newer central side may add fields.


class _FeedState:
    """What the walk over the activities has seen so far, and the chunk being filled."""

    def __init__(self, *, window: Window, now: datetime):
        self.window = window
        self.budget = ExpansionBudget()
        self.validate = _validator("activity")
        self.ids: set[str] = set()
        self.earliest = datetime(EARLIEST_YEAR, 1, 1, tzinfo=OSLO)
        self.latest = now + timedelta(days=366 * LATEST_YEARS_AHEAD)
        self.absurd = 0
        self.count = 0
        self.chunk = ParsedSource()

    def take_chunk(self) -> ParsedSource:
        chunk, self.chunk = self.chunk, ParsedSource()
        return chunk

    def add_activity(self, item: object, raw: str) -> None:
        self.count += 1
        record_id = _record_id(item)
        try:
            _check(self.validate, item)
            if record_id in self.ids:
                raise ValueError("the id appears twice in the feed; the first one is kept")
            activity = activity_from_record(item, raw)
            if not self.earliest <= activity.start <= self.latest:
                self.absurd += 1
                raise ValueError(f"start {item['start']} is outside {EARLIEST_YEAR}…+5 years")
            occurrences = occurrences_of(activity, self.window, self.budget)
        except (ValueError, RecurrenceError) as error:
            _skip(self.chunk, f"activity {record_id}", str(error))
            return
        self.ids.add(record_id)
        self.chunk.activities.append(activity)
        self.chunk.occurrences.extend(occurrences)

    def finish_activities(self) -> None:
        if self.count and self.absurd > self.count // 2:
            raise FeedRefused(
                "absurd_dates",
                f"{self.absurd} of {self.count} activities have dates before {EARLIEST_YEAR} or "
                f"more than {LATEST_YEARS_AHEAD} years ahead; the feed looks broken and was "
                "not used.",
            )


def _demo_key_reason(key: dict) -> str | None:
    """Why a (valid) ticket key must not be trusted here, or None.

    A demo key's private key is published (tools/make_demo_feed.py derives it from a public
    seed), so anyone can sign tickets with it: it is marked ``"demo": true``, and the bundled
    demo feed's key is also known by its value, in case a copy lost the mark.
    """
    if key.get("demo") is True:
        return (
            "it is marked demo: its private key is public, so anyone can sign tickets with it. "
            "Only the bundled demo feed may bring a demo key"
        )
    if key["public_key"].rstrip("=") in _bundled_demo_public_keys():
        return (
            "it is the bundled demo feed's key without its demo mark: its private key is "
            "public, so anyone can sign tickets with it. Only the bundled demo feed may bring it"
        )
    return None


@cache
def _bundled_demo_public_keys() -> frozenset[str]:
    document = json.loads(demo_feed_path().read_bytes())
    return frozenset(
        key["public_key"].rstrip("=")
        for key in document.get("ticket_keys", [])
        if key.get("demo") is True
    )


def _check(validator: jsonschema_rs.Validator, item: object) -> None:
    """Raise ValueError with the first schema violation as a readable reason."""
    if isinstance(item, TooDeep):
        raise ValueError(item.reason)
    try:
        if validator.is_valid(item):
            return
        error = next(iter(validator.iter_errors(item)))
    except UnicodeEncodeError:
        # jsonschema-rs cannot match a pattern against a string with a lone surrogate.
        raise ValueError(
            "a value checked by pattern (an id, a time, a link …) holds a lone surrogate "
            "escape (\\ud800–\\udfff), which is not a character"
        ) from None
    except ValueError as error:  # "Recursion limit reached": deep, but not too deep to decode
        raise ValueError(
            f"the record cannot be checked ({error}); is it nested too deeply?"
        ) from None
    where = "/".join(str(part) for part in error.instance_path) or "the record"
    raise ValueError(f"{where}: {_schema_message(error)}")


def _schema_message(error: jsonschema_rs.ValidationError) -> str:
    """The validator's sentence, with the bad value it quotes in front cut to a log's length."""
    message = error.message
    try:
        quoted = orjson.dumps(error.instance).decode()
    except (orjson.JSONEncodeError, RecursionError):  # too deep, or a lone surrogate
        quoted = ""
    if quoted and message.startswith(quoted):
        message = for_log(quoted) + message[len(quoted) :]
    return for_log(message, limit=2 * LOG_QUOTE_LIMIT)


def _record_id(item: object, key: str = "id") -> str:
    if isinstance(item, dict) and isinstance(item.get(key), str):
        return safe_text(item[key], max_length=128) or "(no id)"
    if isinstance(item, TooDeep) and item.id:
        return item.id
    return "(no id)"


def _skip(parsed: ParsedSource, record_id: str, reason: str) -> None:
    reason = for_log(reason, limit=2 * LOG_QUOTE_LIMIT)
    log.warning("skipped %s: %s", record_id, reason)
    parsed.skipped.append(Skipped(record_id, reason))


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:  # the schema forbids this; be safe anyway
        raise ValueError(f"{text} has no UTC offset")
    return value


def activity_from_record(item: dict, raw: str | None = None) -> Activity:
    """An :class:`Activity` from a (validated) feed v1 record; ``raw`` is its JSON text.

    Its texts are made safe here (:func:`_safe_texts`); when that changes any, the stored
    document is the cleaned record, not ``raw``.
    """
    cleaned = _safe_texts(item)
    if cleaned is not item:
        item, raw = cleaned, orjson.dumps(cleaned).decode()
    start = _instant(item["start"])
    end = _instant(item["end"])
    if end < start:
        raise ValueError(f"end {item['end']} is before start {item['start']}")
    registration = item.get("registration")
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
        )
        if registration
        else NO_REGISTRATION,
        status=item["status"],
        rrule=item.get("rrule"),
        updated_at=item.get("updated_at"),
        exdates=tuple(map(_instant, item["exdates"])) if "exdates" in item else (),
        cancelled=tuple(map(_instant, item["cancelled"])) if "cancelled" in item else (),
        doc=raw,
    )


_CAPS = text_caps()


def _safe_texts(item: dict) -> dict:
    """``item`` with every text made safe (the same dict when nothing needed it).

    Raises ValueError when the bokmål title has no text left: the record is skipped. What was
    changed is logged with the record's id.
    """
    notes: list[str] = []
    changes: dict[str, object] = {}
    title = _safe_languages(item["title"], "title", notes, multiline=False)
    if not title.get("nb"):
        raise ValueError("title/nb has no text left once control characters are removed")
    changes["title"] = title
    if "description" in item:
        description = _safe_languages(item["description"], "description", notes, multiline=True)
        # Without bokmål the text would show nothing to most visitors: leave it out whole.
        changes["description"] = description if description.get("nb") else None
    for name in ("room", "organizer"):
        if name in item:
            here: list[str] = []
            changes[name] = safe_text(item[name], max_length=_CAPS[name], notes=here) or None
            notes += (f"{name}: {note}" for note in here)
    if all(item.get(name) == value for name, value in changes.items()):
        return item
    if notes:
        log.warning("activity %s: text cleaned: %s", item["id"], "; ".join(notes))
    cleaned = {**item, **changes}
    return {name: value for name, value in cleaned.items() if value is not None}


def _safe_languages(texts: dict, field: str, notes: list[str], *, multiline: bool) -> dict:
    """Each language's text made safe; a language left empty is left out."""
    result = {}
    for language, value in texts.items():
        here: list[str] = []
        text = safe_text(value, multiline=multiline, max_length=_CAPS["text"], notes=here)
        notes += (f"{field}/{language}: {note}" for note in here)
        if text:
            result[language] = text
    return result


def _site_name(name: str) -> str:
    notes: list[str] = []
    cleaned = safe_text(name, max_length=_CAPS["site_name"], notes=notes)
    if not cleaned:
        raise ValueError("name has no text left once control characters are removed")
    if notes:
        log.warning("site name %s: text cleaned: %s", for_log(cleaned), "; ".join(notes))
    return cleaned


def occurrences_of(
    activity: Activity, window: Window, budget: ExpansionBudget | None = None
) -> list[Occurrence]:
    """The occurrences of a feed activity that overlap ``window``.

    Also used to expand stored activities again when the day moves on with no network.
    ``budget`` is what the whole feed may still spend on expansion (see
    :mod:`torg_kiosk.sync.recurrence_limits`); :class:`RecurrenceError` says why not.
    """
    start: datetime = activity.start  # type: ignore[assignment]
    if not activity.rrule and (start >= window.end or activity.end <= window.start):
        return []  # most one-off events of a big feed lie outside the window: cheap exit
    duration = activity.end - start  # type: ignore[operator]
    local_start = start.astimezone(OSLO).replace(tzinfo=None)
    exdates = {_local_naive(instant) for instant in activity.exdates}
    cancelled = {_local_naive(instant) for instant in activity.cancelled}
    starts = expand(local_start, activity.rrule, duration, window, budget)
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


def _local_naive(instant: datetime) -> datetime:
    return instant.astimezone(OSLO).replace(tzinfo=None)


def _closure(item: dict) -> Closure:
    text = None
    if item.get("text"):
        notes: list[str] = []
        text = _safe_languages(item["text"], "text", notes, multiline=True)
        if notes:
            log.warning("closure %s: text cleaned: %s", item["id"], "; ".join(notes))
        text = text if text.get("nb") else None
    dates = []
    for value in item["dates"]:
        try:
            dates.append(date.fromisoformat(value))
        except ValueError:
            raise ValueError(f"dates: {value!r} is not a calendar date (YYYY-MM-DD)") from None
    return Closure(
        id=item["id"],
        site=item.get("site"),
        dates=dates,
        services=list(item["services"]) if item.get("services") else None,
        text=text,
    )


def _announcement(item: dict) -> Announcement:
    valid_from = _instant(item["valid_from"]) if item.get("valid_from") else None
    valid_until = _instant(item["valid_until"]) if item.get("valid_until") else None
    if valid_from and valid_until and valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")
    notes: list[str] = []
    text = _safe_languages(item["text"], "text", notes, multiline=True)
    if notes:
        log.warning("announcement %s: text cleaned: %s", item["id"], "; ".join(notes))
    if not text.get("nb"):
        raise ValueError("text/nb has no text left once control characters are removed")
    return Announcement(
        id=item["id"],
        site=item.get("site"),
        text=text,
        valid_from=valid_from,
        valid_until=valid_until,
    )
