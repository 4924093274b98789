"""The feed v1 parser: whole-document refusals, per-record skips, expansion."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.sync.formats.feed_v1 import parse_feed

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
WINDOW = Window.around(NOW)


def activity(**changes):
    record = {
        "id": "hgd-trim",
        "site": "heggedal",
        "title": {"nb": "Seniortrim", "en": "Senior exercise"},
        "category": "exercise",
        "start": "2026-09-01T10:00:00+02:00",
        "end": "2026-09-01T11:00:00+02:00",
        "rrule": "FREQ=WEEKLY;BYDAY=TH",
        "status": "scheduled",
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def feed(*activities, **top):
    document = {"version": 1, "generated_at": "2026-12-01T06:00:00+01:00"}
    document["activities"] = list(activities)
    document.update(top)
    return json.dumps(document).encode()


def starts(parsed):
    return [o.start.astimezone(OSLO).strftime("%m-%d %H:%M") for o in parsed.occurrences]


def test_weekly_series_expands_in_oslo_wall_time_after_the_dst_switch():
    parsed = parse_feed(feed(activity()), window=WINDOW, now=NOW)
    # Started in summer time (+02:00); in December it is still 10:00 local.
    assert starts(parsed) == ["12-03 10:00", "12-10 10:00", "12-17 10:00"]


def test_exdate_removes_and_cancelled_flags_an_occurrence():
    parsed = parse_feed(
        feed(
            activity(exdates=["2026-12-10T10:00:00+01:00"], cancelled=["2026-12-03T10:00:00+01:00"])
        ),
        window=WINDOW,
        now=NOW,
    )
    assert starts(parsed) == ["12-03 10:00", "12-17 10:00"]
    assert [o.status for o in parsed.occurrences] == ["cancelled", "scheduled"]


def test_a_bad_record_is_skipped_with_its_id_and_reason_and_the_rest_kept():
    bad = activity(id="no-nb-title", title={"en": "Only English"})
    parsed = parse_feed(feed(bad, activity()), window=WINDOW, now=NOW)
    assert [a.id for a in parsed.activities] == ["hgd-trim"]
    assert parsed.skipped[0].record_id == "activity no-nb-title"
    assert "nb" in parsed.skipped[0].reason


def test_end_before_start_and_duplicate_ids_are_skipped():
    backwards = activity(id="backwards", end="2026-09-01T09:00:00+02:00")
    parsed = parse_feed(feed(activity(), activity(), backwards), window=WINDOW, now=NOW)
    reasons = {s.record_id: s.reason for s in parsed.skipped}
    assert "twice" in reasons["activity hgd-trim"]
    assert "before start" in reasons["activity backwards"]
    assert len(parsed.activities) == 1


def test_an_impossible_date_is_skipped_not_fatal():
    parsed = parse_feed(
        feed(activity(id="month13", start="2026-13-01T10:00:00+01:00"), activity()),
        window=WINDOW,
        now=NOW,
    )
    assert [s.record_id for s in parsed.skipped] == ["activity month13"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (b"<html><body>Log in to the hotel wifi</body></html>", "not_json"),
        (feed(activity())[:-40], "truncated"),
        (feed(activity()).replace(b'"version": 1', b'"version": 2'), "unknown_version"),
        (json.dumps({"activities": []}).encode(), "unknown_version"),
        (json.dumps({"version": 1}).encode(), "not_a_feed"),
        (feed(activity()) + b" {}", "not_json"),
        ('{"version": 1, "activities": []}'.encode("utf-16"), "bad_encoding"),
    ],
)
def test_a_document_that_fails_as_a_whole_is_refused_with_a_code(body, code):
    with pytest.raises(FeedRefused) as refused:
        parse_feed(body, window=WINDOW, now=NOW)
    assert refused.value.code == code
    assert refused.value.message.endswith(".")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'[{"version": 1, "activities": []}]', "the document is an array"),
        (b"null", "the document is null"),
        (b'"a feed"', "the document is a string"),
        (b'{"version": 1, "activities": null}', "'activities' is null"),
        (b'{"version": 1, "activities": {"id": "x"}}', "'activities' is an object"),
        (b'{"version": 1, "activities": "none today"}', "'activities' is a string"),
        (b'{"version": 1, "activities": [], "sites": {"holmen": {}}}', "'sites' is an object"),
        (b'{"version": 1, "activities": [], "announcements": null}', "'announcements' is null"),
        (b'{"version": 1, "activities": [], "ticket_keys": 3}', "'ticket_keys' is a number"),
    ],
)
def test_valid_json_of_the_wrong_shape_is_called_so_not_invalid_json(body, said):
    with pytest.raises(FeedRefused) as refused:
        parse_feed(body, window=WINDOW, now=NOW)
    assert refused.value.code == "not_a_feed"
    assert refused.value.message.startswith("The feed is valid JSON but not a feed: ")
    assert said in refused.value.message
    assert "\n" not in refused.value.message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[1, 2,, 3]", "not_json"),  # looks like the wrong shape, but is not JSON at all
        (b"[1, 2] []", "not_json"),  # data after the document
        (b'[{"version": 1}', "truncated"),
        (b'{"version": 1, "activities": {"id": }}', "not_json"),
    ],
)
def test_broken_json_of_the_wrong_shape_is_still_called_broken(body, code):
    with pytest.raises(FeedRefused) as refused:
        parse_feed(body, window=WINDOW, now=NOW)
    assert refused.value.code == code
    assert "valid JSON but" not in refused.value.message


def test_a_huge_top_level_array_is_walked_not_held():
    body = b"[" + b",".join([b'{"id": "x", "title": {"nb": "' + b"y" * 200 + b'"}}'] * 30_000)
    with pytest.raises(FeedRefused) as refused:
        parse_feed(body + b"]", window=WINDOW, now=NOW)
    assert refused.value.code == "not_a_feed"


def test_version_may_come_after_the_activities():
    body = json.dumps({"activities": [activity()], "version": 1}).encode()
    assert len(parse_feed(body, window=WINDOW, now=NOW).activities) == 1
    with pytest.raises(FeedRefused, match="version 7"):
        parse_feed(body.replace(b'"version": 1', b'"version": 7'), window=WINDOW, now=NOW)


def test_mostly_absurd_dates_refuse_the_whole_feed():
    old = [activity(id=f"old-{n}", start="1970-01-01T10:00:00+01:00",
                    end="1970-01-01T11:00:00+01:00") for n in range(3)]  # fmt: skip
    with pytest.raises(FeedRefused) as refused:
        parse_feed(feed(*old, activity()), window=WINDOW, now=NOW)
    assert refused.value.code == "absurd_dates"


def test_utf8_bom_is_accepted():
    parsed = parse_feed(b"\xef\xbb\xbf" + feed(activity()), window=WINDOW, now=NOW)
    assert len(parsed.activities) == 1


def test_announcements_keys_and_revocations_are_read_and_bad_ones_skipped():
    body = feed(
        activity(),
        announcements=[
            {"id": "a1", "text": {"nb": "Stengt julaften"}, "valid_until": "2027-01-01T00:00:00Z"},
            {"id": "a2", "text": {}},
        ],
        ticket_keys=[{"kid": "k1", "public_key": "A" * 42 + "E"}],
        revoked_tickets=["t-1"],
    )
    parsed = parse_feed(body, window=WINDOW, now=NOW)
    assert [a.id for a in parsed.announcements] == ["a1"]
    assert [s.record_id for s in parsed.skipped] == ["announcement a2"]
    assert [k.kid for k in parsed.ticket_keys] == ["k1"]
    assert parsed.revoked_tickets == ["t-1"]


def test_a_tiny_decode_window_gives_the_same_result_as_a_big_one(monkeypatch):
    """Values cut by the window's edge (strings, numbers, multi-byte letters) are read whole."""
    from torg_kiosk.sync.formats import feed_v1

    body = (Path(__file__).parents[1] / "torg_kiosk" / "assets" / "demo" / "feed.json").read_bytes()
    whole = parse_feed(body, window=WINDOW, now=NOW, accept_demo_keys=True)
    monkeypatch.setattr(feed_v1, "DECODE_WINDOW", 7)
    windowed = parse_feed(body, window=WINDOW, now=NOW, accept_demo_keys=True)
    assert windowed == whole
    assert len(whole.activities) > 50 and not whole.skipped


def test_chunks_hold_at_most_chunk_size_activities():
    from torg_kiosk.sync.formats.feed_v1 import iter_feed

    body = feed(*(activity(id=f"a{n}") for n in range(25)))
    sizes = [len(c.activities) for c in iter_feed(body, window=WINDOW, now=NOW, chunk_size=10)]
    assert sizes == [10, 10, 5]
