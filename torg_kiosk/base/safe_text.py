"""Text from outside — feeds, calendars, later the ticket scanner — made safe once, at the edge.

Every string a parser takes from a source goes through :func:`safe_text` before it becomes a
record. What comes out can be drawn by Kivy, passed to espeak-ng, put in a QR code, written
to SQLite and to the journal without a second thought:

- **Valid Unicode.** JSON may spell a lone surrogate (``"\\ud800"``), which no UTF-8 encoder
  takes: Kivy, ``print`` and the log handlers raise ``UnicodeEncodeError`` on it. A lone
  surrogate becomes U+FFFD (the replacement character) and the record is kept: one bad
  character is no reason to hide an activity, and the U+FFFD shows where the damage is.
  A pair written as two escapes is joined into the one character it spells.
- **No control characters**: NUL, the rest of C0 and DEL and C1 (U+0080–U+009F) are removed.
  A NUL cuts a C string (Kivy's text renderer, a subprocess's argv), the others are invisible
  or drawn as boxes. Newline and tab stay in multi-line fields (descriptions, announcements);
  CR LF, a lone CR and U+2028/U+2029 become a newline there. In one-line fields (titles,
  rooms, names) a newline or tab becomes a space.
- **No bidi embedding, override or isolate controls** (U+202A–U+202E, U+2066–U+2069), balanced
  or not. The kiosk orders right-to-left text itself (:mod:`torg_kiosk.domain.bidi`), line by
  line, with the direction of the screen's language, and Kivy draws every character it is
  given as a glyph. An override inside feed text would reverse the kiosk's own words around
  it (a time, a room) and an unbalanced one spills over the rest of the line; balancing them
  would keep a feature the screen cannot show. The implicit marks (LRM U+200E, RLM U+200F,
  ALM U+061C) carry no state and stay, as do the joiners ZWJ/ZWNJ that scripts and emoji need.
- **At most** ``max_length`` **characters.** Longer text is cut where a character ends (never
  between a letter and its combining marks) and ends in "…". The feed's caps are the schema's
  ``maxLength`` (:func:`torg_kiosk.base.schema.text_caps`), so a calendar gets the same ones.

:func:`safe_text` reports what it changed in ``notes`` so the parser can log it with the record
id; :func:`for_log` shortens a value quoted in a log line.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
ELLIPSIS = "…"
#: Characters of a quoted value a log line keeps (a bad record may carry megabytes).
LOG_QUOTE_LIMIT = 200

# C0 except tab and newline, DEL, C1; CR, U+2028, U+2029 are line ends, handled on their own.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI_CONTROL = "\u202a-\u202e\u2066-\u2069"
_SURROGATE = "\ud800-\udfff"
#: Everything a clean string never holds; one search tells whether there is work to do.
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI_CONTROL}{_SURROGATE}\r\u2028\u2029]")
_REMOVED = re.compile(f"[{_CONTROL}{_BIDI_CONTROL}]+")
_LINE_END = re.compile("\r\n?|[\u2028\u2029]")
_BLANKS = re.compile("[\n\t]")
_ANY_SURROGATE = re.compile(f"[{_SURROGATE}]")


def safe_text(
    value: str,
    *,
    multiline: bool = False,
    max_length: int | None = None,
    notes: list[str] | None = None,
) -> str:
    """``value`` as text every part of the kiosk may trust (see the module docstring).

    Leading and trailing whitespace is stripped. ``notes`` (if given) gets one short phrase
    per kind of change, e.g. ``"2 control characters removed"``, for the caller to log.
    """
    text = value
    if _UNSAFE.search(text):
        text = _repaired(text, multiline, notes)
    elif not multiline and ("\n" in text or "\t" in text):
        text = _BLANKS.sub(" ", text)
    text = text.strip()
    if max_length is not None and len(text) > max_length:
        if notes is not None:
            notes.append(f"cut from {len(text)} to {max_length} characters")
        text = shortened(text, max_length)
    return text


def _repaired(text: str, multiline: bool, notes: list[str] | None) -> str:
    if _ANY_SURROGATE.search(text):
        # UTF-16 joins the pairs and marks each lone half; decoding replaces those with U+FFFD.
        before = text
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        lone = text.count(REPLACEMENT) - before.count(REPLACEMENT)
        if notes is not None and lone:
            notes.append(f"{_count(lone, 'lone surrogate')} replaced with U+FFFD")
    text = _LINE_END.sub("\n", text)
    removed = sum(len(match) for match in _REMOVED.findall(text))
    if removed:
        text = _REMOVED.sub("", text)
        if notes is not None:
            notes.append(f"{_count(removed, 'control character')} removed")
    if not multiline:
        text = _BLANKS.sub(" ", text)
    return text


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def shortened(text: str, max_length: int) -> str:
    """``text`` cut to at most ``max_length`` characters, ending in "…" when it was cut.

    The cut never falls between a character and the combining marks or joiner after it.
    """
    if len(text) <= max_length:
        return text
    end = max(max_length - len(ELLIPSIS), 0)
    while 0 < end < len(text) and _attaches_to_previous(text[end]):
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


def _attaches_to_previous(char: str) -> bool:
    return bool(unicodedata.combining(char)) or char in "\u200c\u200d\ufe0e\ufe0f"


def for_log(value: object, limit: int = LOG_QUOTE_LIMIT) -> str:
    """``value`` quoted for a log line: safe, one line, at most ``limit`` characters of it.

    A longer one ends in ``… (N characters)``, so a 5 MB bad value costs one short line.
    """
    if isinstance(value, str):
        text = value
    else:
        try:
            text = repr(value)
        except RecursionError:
            return "(a value nested too deeply to show)"
    length = len(text)
    text = safe_text(text[: limit * 2]) if length > limit else safe_text(text)
    if length > limit:
        return f"{text[:limit]}… ({length} characters)"
    return text
