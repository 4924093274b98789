"""Any text a feed or a calendar can bring goes through parse → store → screen → speech.

Hypothesis writes the text: any Unicode, lone surrogates included, with NUL, the other control
characters, bidi controls, combining marks and Kivy markup mixed in. It goes into real feed
bytes (surrogates as the six-character JSON escapes) and into real iCalendar bytes, is parsed,
stored in a real SQLite file, read back, turned into the screen's sentences by
``domain.present`` and into the text the speaker would pass to espeak-ng. Nothing may raise,
and every string that comes out must encode as UTF-8 and hold no control character (newline
and tab only where a field may have them).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.safe_text import safe_text
from torg_kiosk.domain import present
from torg_kiosk.domain.speech import spoken
from torg_kiosk.store import snapshots as store
from torg_kiosk.store.database import open_db
from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.formats.feed_v1 import parse_feed
from torg_kiosk.sync.formats.ical import parse_ical

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
WINDOW = Window.around(NOW)
SITE = "heggedal"
LANGUAGES = ("nb", "en", "ar")
EXAMPLES = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TROUBLE = [
    "\x00", "\x07", "\x1b", "\t", "\n", "\r", "\r\n", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c", "\u200c", "\u200d", "\ufeff", "\ufffd",
    "\u0301", "\u0308", "\u064e", "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d\ude00",
    "[b]", "[/b]", "[color=ff0000]", "&bl;", "&amp;", "\\", '"', ";", ",", "مرحبا", "Ærø",
]  # fmt: skip
#: Any code point at all (surrogates too), and the troublemakers above far more often.
TEXT = st.lists(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
    | st.sampled_from(TROUBLE),
    max_size=30,
).map("".join)

ONE_LINE, MULTI_LINE = "", "\n\t"


def problems(text: str, allowed: str = ONE_LINE) -> list[str]:
    """What is wrong with a string the screen, speech or a log gets: nothing, we hope."""
    text.encode("utf-8")  # raises for a lone surrogate
    return [
        f"U+{ord(char):04X}"
        for char in text
        if (unicodedata.category(char) in ("Cc", "Cs") and char not in allowed)
        or "\u202a" <= char <= "\u202e"
        or "\u2066" <= char <= "\u2069"
    ]


def check_everything_shown(schedule: Schedule) -> int:
    """Read every occurrence today back and put it through every sentence and the speaker.
    Returns how many there were."""
    items = schedule.today(SITE, NOW)
    for language in LANGUAGES:
        for item in items:
            card = present.card(item, NOW, language)
            detail = present.detail(item, language)
            for name in ("title", "place", "fallback_note", "marker"):
                assert problems(card[name]) == [], name
            for name in ("title", "room", "organizer", "link"):
                assert problems(detail[name]) == [], name
            assert problems(detail["description"], MULTI_LINE) == []
            # What the activity screen reads aloud, and what espeak-ng gets of it.
            parts = (detail["title"], detail["day"], detail["room"], detail["description"])
            assert problems(spoken(".\n".join(parts)), MULTI_LINE) == []
        for row in present.now_and_next_lines(items, items, language):
            assert problems(row["title"]) == [] and problems(row["place"]) == []
        for announcement in schedule.announcements(SITE, NOW):
            assert (
                problems(present.announcement_text(announcement.text, language), MULTI_LINE) == []
            )
    assert problems(schedule.site_name(SITE) or "") == []
    return len(items)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One real database file for all examples: each replaces the source's snapshot whole."""
    path = tmp_path_factory.mktemp("properties") / "kiosk.db"
    database = open_db(path)
    database.schedule = Schedule.open(path)  # the screen's own read-only connection
    yield database
    database.schedule.close()
    database.conn.close()


def feed_bytes(document: dict, *, escaped: bool) -> bytes:
    """The feed as bytes: everything non-ASCII as JSON escapes (lone surrogates then appear
    as ``\\ud800``, six characters), or as raw UTF-8 when the text allows it."""
    if escaped:
        return json.dumps(document, ensure_ascii=True).encode("ascii")
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@EXAMPLES
@given(
    title=TEXT, title_en=TEXT, description=TEXT, room=TEXT, organizer=TEXT, announcement=TEXT,
    site_name=TEXT, escaped=st.booleans(),
)  # fmt: skip
def test_any_feed_text_comes_out_safe_everywhere(
    db, title, title_en, description, room, organizer, announcement, site_name, escaped
):
    record = {
        "id": "prop-1",
        "site": SITE,
        "title": {"nb": title or "x", "en": title_en},
        "description": {"nb": description or "x", "ar": description},
        "room": room,
        "organizer": organizer,
        "category": "social",
        "start": "2026-12-03T11:00:00+01:00",
        "end": "2026-12-03T12:00:00+01:00",
        "status": "scheduled",
    }
    document = {
        "version": 1,
        "generated_at": "2026-12-01T06:00:00+01:00",
        "sites": [{"id": SITE, "name": site_name or "x"}],
        "activities": [record],
        "announcements": [{"id": "ann-1", "site": SITE, "text": {"nb": announcement or "x"}}],
    }
    try:
        body = feed_bytes(document, escaped=escaped)
    except UnicodeEncodeError:  # a lone surrogate has no raw UTF-8 form: escape it
        body = feed_bytes(document, escaped=True)
    parsed = parse_feed(body, window=WINDOW, now=NOW)
    store.replace_snapshot(db, store.SourceMeta("prop", "feed", "-"), parsed, now=NOW,
                           window=WINDOW)  # fmt: skip
    # Skipped only when the bokmål title has nothing left once made safe.
    assert check_everything_shown(db.schedule) == (1 if safe_text(title or "x") else 0)
    for skipped in parsed.skipped:
        assert problems(skipped.record_id) == [] and problems(skipped.reason) == []


def ical_text(text: str) -> str:
    """``text`` as an iCalendar TEXT value (RFC 5545 §3.3.11 escapes; CR as a line break)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


@EXAMPLES
@given(summary=TEXT, description=TEXT, location=TEXT, organizer=TEXT)
def test_any_calendar_text_comes_out_safe_everywhere(db, summary, description, location, organizer):
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//torg-kiosk//properties//NB",
        "BEGIN:VEVENT", "UID:prop-ical", "DTSTART;TZID=Europe/Oslo:20261203T110000",
        "DTEND;TZID=Europe/Oslo:20261203T120000",
        f"SUMMARY:{ical_text(summary)}", f"DESCRIPTION:{ical_text(description)}",
        f"LOCATION:{ical_text(location)}",
        f'ORGANIZER;CN="{organizer.replace(chr(34), "")}":mailto:x@example.no',
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    # Surrogates reach the bytes as what a broken exporter writes (CESU-8 style); NUL raw.
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8", "surrogatepass")
    try:
        parsed = parse_ical(body, site=SITE, window=WINDOW)
    except FeedRefused:
        # A control character can break iCalendar's own syntax (a parameter value may not
        # hold one): the whole calendar is refused as designed, nothing stored.
        return
    store.replace_snapshot(db, store.SourceMeta("prop", "ical", "-"), parsed, now=NOW,
                           window=WINDOW)  # fmt: skip
    assert check_everything_shown(db.schedule) == 1
