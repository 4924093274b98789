"""One bad character must never take the lobby screens down: feed and calendar text is made
safe when it is parsed, a bad record is skipped on its own, and a log line stays short.

The feeds are written here as JSON *text*, because the trouble is in how they are spelled:
``"\\ud800"`` is six characters in the file, a lone surrogate once decoded.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import orjson
import pytest

from tests.conftest import PINNED_NOW, activity, feed
from torg_kiosk.store import snapshots as store
from torg_kiosk.store.records import Window
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.formats import feed_v1
from torg_kiosk.sync.formats.feed_v1 import parse_feed
from torg_kiosk.sync.formats.ical import parse_ical
from torg_kiosk.sync.pipeline import Source, sync_source

WINDOW = Window.around(PINNED_NOW)
TODAY = "2026-12-03"


def today_at(hour: int, id: str, **fields) -> dict:
    return activity(id, f"{TODAY}T{hour:02d}:00:00+01:00", f"{TODAY}T{hour + 1:02d}:00:00+01:00",
                    **fields)  # fmt: skip


def feed_text(activities: list[dict], *, spelled: dict[str, str], **top) -> bytes:
    """A feed document whose string values ``"KEY"`` are replaced by the JSON text given for
    them, exactly as spelled (escapes and all)."""
    text = json.dumps({**feed(activities), **top}, ensure_ascii=False)
    for key, json_text in spelled.items():
        assert f'"{key}"' in text
        text = text.replace(f'"{key}"', json_text)
    return text.encode("utf-8")


def parse(body: bytes):
    return parse_feed(body, window=WINDOW, now=PINNED_NOW)


def by_id(parsed) -> dict:
    return {a.id: a for a in parsed.activities}


def skipped(parsed) -> dict[str, str]:
    return {s.record_id: s.reason for s in parsed.skipped}


# Issue 1: a lone surrogate escape


def test_a_lone_surrogate_escape_is_stored_as_the_replacement_character(fresh_db, caplog):
    body = feed_text([today_at(11, "babysang", title="TITLE"), today_at(12, "good")],
                     spelled={"TITLE": '"Babysang \\ud800"'})  # fmt: skip
    parsed = parse(body)
    assert by_id(parsed)["babysang"].title["nb"] == "Babysang \ufffd"
    assert "babysang" in caplog.text and "lone surrogate" in caplog.text

    store.replace_snapshot(fresh_db, store.SourceMeta("t", "feed", "-"), parsed, now=PINNED_NOW,
                           window=WINDOW)  # fmt: skip
    # The stored document is the cleaned record: it decodes (orjson refuses lone surrogates)
    # and encodes as UTF-8, so the offline re-expansion and the screen can use it.
    for doc in store.stored_documents(fresh_db, "t"):
        assert orjson.loads(doc)["title"]["nb"].encode("utf-8")
    assert "\\ud800" not in "".join(store.stored_documents(fresh_db, "t"))


def test_a_proper_surrogate_pair_escape_is_the_character_it_spells():
    body = feed_text(
        [today_at(11, "smile", title="TITLE")], spelled={"TITLE": '"Smil \\ud83d\\ude00"'}
    )
    assert by_id(parse(body))["smile"].title["nb"] == "Smil \U0001f600"


def test_a_lone_surrogate_in_a_link_skips_the_record_with_a_sentence(caplog):
    body = feed_text([today_at(11, "link", url="URL"), today_at(12, "good")],
                     spelled={"URL": '"https://example.no/\\udc00"'})  # fmt: skip
    parsed = parse(body)
    assert list(by_id(parsed)) == ["good"]
    assert "lone surrogate" in skipped(parsed)["activity link"]


def test_the_feed_stays_usable_offline_the_next_day(tmp_path, fresh_db):
    """Regression: the re-expansion for a new day failed as 'internal' and the window stuck."""
    daily = activity("daily", "2026-12-01T11:00:00+01:00", "2026-12-01T12:00:00+01:00",
                     title="TITLE", site="heggedal", rrule="FREQ=DAILY")  # fmt: skip
    served = tmp_path / "feed.json"
    served.write_bytes(feed_text([daily], spelled={"TITLE": '"Babysang \\ud800"'}))
    source = Source("central", "feed", str(served))
    assert sync_source(fresh_db, source, now=PINNED_NOW).outcome == "updated"

    served.unlink()  # no network the next day
    tomorrow = PINNED_NOW + timedelta(days=1)
    result = sync_source(fresh_db, source, now=tomorrow)
    assert result.outcome == "failed"
    status = store.source_status(fresh_db, "central")
    assert status["window_first"] == Window.around(tomorrow).first.isoformat()
    assert status["last_error_code"] != "internal"
    [item] = Schedule.open(tmp_path / "kiosk.db").today("heggedal", tomorrow)
    assert item.text("title", "nb")[0] == "Babysang \ufffd"


def test_a_document_an_older_kiosk_stored_with_a_lone_surrogate_is_read_safely(tmp_path, fresh_db):
    """A kiosk updated while it holds such a record must show it, and move its window, before
    the next sync replaces it (the sync may not come: no network, or 304 Not Modified)."""
    daily = activity("daily", "2026-12-01T11:00:00+01:00", "2026-12-01T12:00:00+01:00",
                     title="Babysang", site="heggedal", rrule="FREQ=DAILY")  # fmt: skip
    parsed = parse(feed_text([daily], spelled={}))
    # As the older parser stored it: the record's JSON text exactly as the feed spelled it.
    parsed.activities[0].doc = json.dumps(daily).replace('"Babysang"', '"Babysang \\ud800"')
    store.replace_snapshot(fresh_db, store.SourceMeta("central", "feed", "gone.json"), parsed,
                           now=PINNED_NOW, window=WINDOW)  # fmt: skip
    [item] = Schedule.open(tmp_path / "kiosk.db").today("heggedal", PINNED_NOW)
    assert item.text("title", "nb")[0] == "Babysang \ufffd"

    tomorrow = PINNED_NOW + timedelta(days=1)
    sync_source(fresh_db, Source("central", "feed", "gone.json"), now=tomorrow)
    assert store.source_status(fresh_db, "central")["last_error_code"] != "internal"
    moved = Schedule.open(tmp_path / "kiosk.db").today("heggedal", tomorrow)
    assert [item.activity_id for item in moved] == ["daily"]


# Issue 2: a NUL in a title


def test_a_nul_in_a_title_is_removed_not_where_the_title_ends():
    body = feed_text([today_at(11, "strikk", title="TITLE")],
                     spelled={"TITLE": '"Strikkekafé\\u0000 for alle"'})  # fmt: skip
    assert by_id(parse(body))["strikk"].title["nb"] == "Strikkekafé for alle"


def test_control_and_bidi_characters_are_removed_from_every_text_of_a_record():
    body = feed_text(
        [today_at(11, "x", title="TITLE", room="ROOM", organizer="ORG", description="DESC")],
        spelled={
            "TITLE": '"Kaffe\\u202e og\\u0007 prat"',
            "ROOM": '"Salen\\u0085"',
            "ORG": '"\\u2067Frivillig\\u2069sentralen"',
            "DESC": '{"nb": "Linje 1\\r\\nLinje\\t2\\u001b[0m", "en": "\\u0000"}',
        },
    )
    record = by_id(parse(body))["x"]
    assert record.title == {"nb": "Kaffe og prat", "en": "Activity x"}
    assert (record.room, record.organizer) == ("Salen", "Frivilligsentralen")
    # Newline and tab stay in a description; a language left empty is left out.
    assert record.description == {"nb": "Linje 1\nLinje\t2[0m"}


def test_a_title_with_nothing_left_after_cleaning_is_skipped_and_the_rest_kept():
    body = feed_text([today_at(11, "empty", title="TITLE"), today_at(12, "good")],
                     spelled={"TITLE": '"\\u0000\\u202e "'})  # fmt: skip
    parsed = parse(body)
    assert list(by_id(parsed)) == ["good"]
    assert "title/nb has no text left" in skipped(parsed)["activity empty"]


def test_announcement_texts_and_site_names_are_made_safe_too():
    body = feed_text(
        [today_at(12, "good")],
        spelled={"ANN": '"Stengt\\u0000 i dag\\ud800"', "SITE": '"Heggedal\\u0000 torg"'},
        announcements=[{"id": "ann", "text": {"nb": "ANN"}}],
        sites=[{"id": "heggedal", "name": "SITE"}],
    )
    parsed = parse(body)
    assert parsed.announcements[0].text == {"nb": "Stengt i dag\ufffd"}
    assert parsed.sites == [{"id": "heggedal", "name": "Heggedal torg"}]


def test_kivy_markup_in_feed_text_is_kept_as_written():
    """Markup is the screen's business: it shows it literally (escape_markup in the kv)."""
    record = by_id(parse(feed_text([today_at(11, "m", title="[b]Fet[/b] &bl;")], spelled={})))["m"]
    assert record.title["nb"] == "[b]Fet[/b] &bl;"


# Issue 6: deep nesting, long values in log lines

DEEP = "[" * 10_000 + '"x]]]{\\""' + "]" * 10_000


@pytest.mark.parametrize("where", ["organizer", "description"])
@pytest.mark.parametrize("window", [feed_v1.DECODE_WINDOW, 4096], ids=["1MiB", "4KiB"])
def test_a_record_nested_too_deeply_is_skipped_on_its_own(monkeypatch, where, window):
    monkeypatch.setattr(feed_v1, "DECODE_WINDOW", window)
    value = {"organizer": "DEEP"} if where == "organizer" else {"description": {"nb": "DEEP"}}
    body = feed_text([today_at(11, "deep", **value), today_at(12, "good")],
                     spelled={"DEEP": DEEP})  # fmt: skip
    parsed = parse(body)
    assert list(by_id(parsed)) == ["good"]
    assert "nested" in skipped(parsed)["activity deep"]


def test_deep_nesting_in_an_announcement_or_an_unknown_key_skips_only_that():
    body = feed_text(
        [today_at(12, "good")],
        spelled={"DEEP": DEEP},
        announcements=[
            {"id": "ann-deep", "text": {"nb": "DEEP"}},
            {"id": "ann", "text": {"nb": "ok"}},
        ],
        revoked_tickets=["DEEP", "t-1"],
        extension="DEEP",
    )
    parsed = parse(body)
    assert list(by_id(parsed)) == ["good"]
    assert [a.id for a in parsed.announcements] == ["ann"]
    assert parsed.revoked_tickets == ["t-1"]
    assert "nested" in skipped(parsed)["announcement ann-deep"]


def test_nesting_deep_enough_to_trouble_the_validator_skips_the_record():
    body = feed_text([today_at(11, "deep", organizer="DEEP"), today_at(12, "good")],
                     spelled={"DEEP": "[" * 400 + "]" * 400})  # fmt: skip
    parsed = parse(body)
    assert list(by_id(parsed)) == ["good"]
    assert "nested" in skipped(parsed)["activity deep"]


def test_a_skip_warning_quotes_at_most_200_characters_of_a_huge_value(caplog):
    huge = "L" * 5_000_000
    parsed = parse(feed_text([today_at(11, "long", title=huge), today_at(12, "good")], spelled={}))
    reason = skipped(parsed)["activity long"]
    # 200 characters of the quoted value ('"' and 199 L), then how long the quoted value was.
    assert 'title/nb: "' + "L" * 199 + "… (5000002 characters) is longer than 4000" in reason
    [line] = [r.getMessage() for r in caplog.records if "skipped activity long" in r.getMessage()]
    assert len(line) < 600


def test_a_4000_character_title_is_within_the_contract_and_kept():
    title = "Lang tittel " * 333 + "slut"
    assert len(title) == 4000
    assert by_id(parse(feed_text([today_at(11, "t", title=title)], spelled={})))["t"].title["nb"]


# iCalendar: the same rules at the text extraction

DECEMBER = Window.around(PINNED_NOW)


def ical(*lines: str) -> bytes:
    event = ["BEGIN:VEVENT", "UID:kafe", "DTSTART;TZID=Europe/Oslo:20261203T110000",
             "DTEND;TZID=Europe/Oslo:20261203T120000", *lines, "END:VEVENT"]  # fmt: skip
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//NB", *event,
                        "END:VCALENDAR"]) + "\r\n"  # fmt: skip
    return text.encode("utf-8")


def test_calendar_texts_lose_control_and_bidi_characters(caplog):
    parsed = parse_ical(
        ical("SUMMARY:Strikk\x00kafé\u202e", "DESCRIPTION:Linje 1\\nLinje\x072",
             "LOCATION:Salen\x85", "ORGANIZER;CN=\u2066Frivillig\u2069:mailto:f@example.no"),
        site="tofte", window=DECEMBER,
    )  # fmt: skip
    [record] = parsed.activities
    assert record.title == {"nb": "Strikkkafé"}
    assert record.description == {"nb": "Linje 1\nLinje2"}
    assert (record.room, record.organizer) == ("Salen", "Frivillig")
    assert "kafe" in caplog.text and "control character" in caplog.text


def test_calendar_text_over_the_feed_cap_is_cut_with_an_ellipsis():
    [record] = parse_ical(ical("SUMMARY:" + "a" * 9000), site="tofte", window=DECEMBER).activities
    assert len(record.title["nb"]) == 4000 and record.title["nb"].endswith("…")


def test_a_calendar_link_with_a_control_character_is_left_out():
    parsed = parse_ical(ical("SUMMARY:Kafé", "URL:https://example.no/\x00x"), site="tofte",
                        window=DECEMBER)  # fmt: skip
    assert parsed.activities[0].url is None


@pytest.fixture(autouse=True)
def _warnings_are_captured(caplog):
    caplog.set_level(logging.WARNING)
