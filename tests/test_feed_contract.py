"""The feed v1 contract: the schema, the demo feed and docs/feed.md agree with each other.

``sync/schema/feed-v1.schema.json`` is the single source of truth; these tests keep the embedded
demo feed valid against it and the documentation complete with respect to it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import SITES
from torg_kiosk.base.schema import text_caps

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO / "torg_kiosk" / "base" / "schema" / "feed-v1.schema.json"
DEMO_FEED_PATH = REPO / "torg_kiosk" / "assets" / "demo" / "feed.json"
DOC_PATH = REPO / "docs" / "feed.md"
GENERATOR = REPO / "tools" / "make_demo_feed.py"

EIGHT_SITES = set(SITES)  # the eight torg, named once in tests/conftest.py
MONDAY_TO_SATURDAY = ("MO", "TU", "WE", "TH", "FR", "SA")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


SCHEMA = load_json(SCHEMA_PATH)
DEMO = load_json(DEMO_FEED_PATH)


def definition_validator(name: str) -> Draft202012Validator:
    """A validator for one ``$defs`` entry, resolving its ``$ref``s inside the real schema."""
    registry = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
    return Draft202012Validator({"$ref": f"{SCHEMA['$id']}#/$defs/{name}"}, registry=registry)


def errors(validator: Draft202012Validator, instance: object) -> list[str]:
    return [error.message for error in validator.iter_errors(instance)]


def weekdays(activity: dict) -> set[str]:
    """The BYDAY weekdays of a weekly rule (the demo feed uses only those)."""
    match = re.search(r"BYDAY=([A-Z,]+)", activity.get("rrule", ""))
    assert match, f"{activity['id']}: the demo feed should use weekly BYDAY rules"
    return set(match.group(1).split(","))


def scheduled_activities() -> list[dict]:
    return [a for a in DEMO["activities"] if a["status"] == "scheduled"]


# The schema itself


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


# The demo feed against the schema


def test_demo_feed_is_valid_at_top_level():
    assert errors(Draft202012Validator(SCHEMA), DEMO) == []


@pytest.mark.parametrize("activity", DEMO["activities"], ids=lambda a: a["id"])
def test_every_demo_activity_is_valid(activity):
    assert errors(definition_validator("activity"), activity) == []


@pytest.mark.parametrize("announcement", DEMO["announcements"], ids=lambda a: a["id"])
def test_every_demo_announcement_is_valid(announcement):
    assert errors(definition_validator("announcement"), announcement) == []


def test_demo_feed_has_three_to_five_announcements_both_global_and_site_specific():
    announcements = DEMO["announcements"]
    assert 3 <= len(announcements) <= 5
    assert any(a.get("site") is None for a in announcements)
    assert any(a.get("site") in EIGHT_SITES for a in announcements)


def test_demo_feed_ids_are_unique():
    ids = [a["id"] for a in DEMO["activities"]] + [a["id"] for a in DEMO["announcements"]]
    assert len(ids) == len(set(ids))


def test_demo_ticket_key_is_a_32_byte_ed25519_public_key():
    from base64 import urlsafe_b64decode

    (key,) = DEMO["ticket_keys"]
    raw = urlsafe_b64decode(key["public_key"] + "=" * (-len(key["public_key"]) % 4))
    assert key["algorithm"] == "Ed25519"
    assert len(raw) == 32


# The demo feed as a realistic week


def test_demo_feed_lists_all_eight_torg():
    assert {site["id"] for site in DEMO["sites"]} == EIGHT_SITES
    assert all(site["name"].endswith("innbyggertorg") for site in DEMO["sites"])


def test_demo_site_ids_match_the_site_config_files():
    config_names = {path.stem for path in (REPO / "torg_kiosk" / "config" / "sites").glob("*.toml")}
    assert config_names == EIGHT_SITES


def test_every_demo_activity_belongs_to_a_listed_site():
    assert {a["site"] for a in DEMO["activities"]} == EIGHT_SITES


def test_every_torg_has_at_least_five_series():
    series = defaultdict(int)
    for activity in DEMO["activities"]:
        series[activity["site"]] += 1
    assert {site: count for site, count in series.items() if count < 5} == {}


@pytest.mark.parametrize("weekday", MONDAY_TO_SATURDAY)
def test_something_happens_on_each_weekday_at_every_torg(weekday):
    sites_with_something = {a["site"] for a in scheduled_activities() if weekday in weekdays(a)}
    assert sites_with_something == EIGHT_SITES


@pytest.mark.parametrize("weekday", MONDAY_TO_SATURDAY)
@pytest.mark.parametrize("clock", ["10:15", "12:30", "18:30"])
def test_morning_midday_and_evening_have_something_running_somewhere(weekday, clock):
    running = [
        a["id"]
        for a in scheduled_activities()
        if weekday in weekdays(a) and a["start"][11:16] <= clock < a["end"][11:16]
    ]
    assert running, f"nothing runs at {clock} on {weekday} at any torg"


def test_every_demo_activity_has_a_link_for_the_qr_code():
    without_link = [
        a["id"]
        for a in DEMO["activities"]
        if not a.get("url") and not a.get("registration", {}).get("url")
    ]
    assert without_link == []


def test_demo_feed_has_the_exceptions_the_screenshots_rely_on():
    cancelled_days = {c[:10] for a in DEMO["activities"] for c in a.get("cancelled", [])}
    exdate_days = {e[:10] for a in DEMO["activities"] for e in a.get("exdates", [])}
    assert {"2026-12-03", "2026-12-08"} <= cancelled_days
    assert {"2026-12-24", "2026-12-31"} <= exdate_days
    assert [a["id"] for a in DEMO["activities"] if a["status"] == "cancelled"] != []


# The documentation against the schema


@pytest.mark.parametrize("definition", ["activity", "announcement", "ticket_key", "registration"])
def test_feed_doc_mentions_every_property_of(definition):
    doc = DOC_PATH.read_text(encoding="utf-8")
    if definition == "registration":
        properties = SCHEMA["$defs"]["activity"]["properties"]["registration"]["properties"]
    else:
        properties = SCHEMA["$defs"][definition]["properties"]
    missing = [name for name in properties if f"`{name}`" not in doc]
    assert missing == [], f"docs/feed.md does not describe {definition} fields {missing}"


def test_feed_doc_mentions_every_top_level_property_and_category():
    doc = DOC_PATH.read_text(encoding="utf-8")
    names = (
        list(SCHEMA["properties"]) + SCHEMA["$defs"]["activity"]["properties"]["category"]["enum"]
    )
    assert [name for name in names if f"`{name}`" not in doc] == []


# The schema rejects what it should

VALID_ACTIVITY = {
    "id": "borgen-seniortrim",
    "site": "borgen",
    "title": {"nb": "Seniortrim", "en": "Exercise for seniors"},
    "category": "exercise",
    "start": "2026-09-08T10:00:00+02:00",
    "end": "2026-09-08T11:00:00+02:00",
    "rrule": "FREQ=WEEKLY;BYDAY=TU,TH",
    "status": "scheduled",
}


def test_the_hand_written_valid_activity_is_accepted():
    # Guards the rejection tests below: each must fail for its own reason only.
    assert errors(definition_validator("activity"), VALID_ACTIVITY) == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"title": {"en": "Exercise for seniors"}}, id="missing-nb-title"),
        pytest.param({"title": {"nb": ""}}, id="empty-nb-title"),
        pytest.param({"start": "2026-09-08T10:00:00"}, id="start-without-offset"),
        pytest.param({"end": "2026-09-08 11:00"}, id="end-not-rfc3339"),
        pytest.param({"category": "sport"}, id="unknown-category"),
        pytest.param({"colour": "red"}, id="unknown-property"),
        pytest.param({"status": "postponed"}, id="unknown-status"),
        pytest.param({"rrule": "RRULE:FREQ=WEEKLY"}, id="rrule-with-prefix"),
        pytest.param({"site": "Asker Sentrum"}, id="bad-site-id"),
        pytest.param({"registration": {"capacity": 10}}, id="registration-without-required"),
        pytest.param({"url": "https://example.no/\u0000.asker.no"}, id="url-with-nul"),
        pytest.param({"url": "https://example.no/\u202egnp.exe"}, id="url-with-bidi-override"),
        pytest.param({"room": "r" * 201}, id="room-over-its-cap"),
    ],
)
def test_the_schema_rejects_a_broken_activity(change):
    assert errors(definition_validator("activity"), {**VALID_ACTIVITY, **change}) != []


def test_the_schema_rejects_an_activity_without_an_end():
    activity = {k: v for k, v in VALID_ACTIVITY.items() if k != "end"}
    assert errors(definition_validator("activity"), activity) != []


def test_the_schema_refuses_another_version():
    assert errors(Draft202012Validator(SCHEMA), {**DEMO, "version": 2}) != []


# The generator


def test_generator_reproduces_the_committed_demo_feed_byte_for_byte(tmp_path):
    output = tmp_path / "feed.json"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--output", str(output)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert output.read_bytes() == DEMO_FEED_PATH.read_bytes(), (
        "assets/demo/feed.json is out of date: run python tools/make_demo_feed.py and commit it"
    )


def test_feed_doc_states_the_caps_the_schema_has():
    text = DOC_PATH.read_text(encoding="utf-8").split("### Text:", 1)[1].split("\n## ", 1)[0]
    caps = text_caps()
    assert f"`title`,\n`description` or announcement `text` at most **{caps['text']}**" in text
    assert (
        f"`room` and `organizer` **{caps['room']}**" in text and caps["organizer"] == caps["room"]
    )
    assert f"site\n`name` **{caps['site_name']}**" in text
    assert f"a `url` **{caps['url']}**" in text
