"""What the screen says: dates, hours, cards, the status line, the empty day, in Norwegian."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import OpeningHours, load_site
from torg_kiosk.domain import present
from torg_kiosk.domain.i18n import translator
from torg_kiosk.domain.status import NETWORK_CODES, kiosk_status
from torg_kiosk.store.schedule import DataFreshness, OccurrenceView

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
REPO = Path(__file__).resolve().parents[1]
CLOSED = ()


def occurrence(
    title="Babysang", start=(11, 0), end=(12, 0), titles=None, **changes
) -> OccurrenceView:
    start_at = changes.pop("start_at", NOW.replace(hour=start[0], minute=start[1]))
    end_at = changes.pop("end_at", NOW.replace(hour=end[0], minute=end[1]))
    doc = {
        "title": titles or {"nb": title, "en": "Baby song"},
        "description": {"nb": "Sang og rim."},
        "room": changes.pop("room", "Biblioteket"),
        "organizer": changes.pop("organizer", "Asker bibliotek"),
        "url": changes.pop("url", "https://example.org/babysang"),
        "registration": {
            "required": changes.pop("registration_required", False),
            "capacity": changes.pop("registration_capacity", None),
            "url": changes.pop("registration_url", None),
        },
    }
    fields = {
        "source": "demo",
        "activity_id": "heggedal-babysang",
        "site": "heggedal",
        "start_ts": int(start_at.timestamp()),
        "end_ts": int(end_at.timestamp()),
        "all_day": False,
        "category": "children",
        "status": "scheduled",
        "doc_json": json.dumps(doc),
    }
    fields.update(changes)
    return OccurrenceView(**fields)


def hours(*days) -> OpeningHours:
    return OpeningHours(tuple(days) + (CLOSED,) * (7 - len(days)))


def test_a_day_is_written_the_norwegian_way():
    assert present.day_text(date(2026, 12, 3)) == "torsdag 3. desember"
    assert present.day_text(date(2026, 12, 3), "en") == "Thursday 3 December"


def test_times_have_two_digit_hours_and_minutes():
    assert present.clock_text(NOW) == "10:15"
    assert present.clock_text(time(9, 5)) == "09:05"


def test_the_torg_name_is_left_off_its_own_services():
    site = load_site("heggedal")
    names = [present.service_name(s, site.name) for s in site.services]
    assert "Bibliotek" in names and "Kafeen på torget" in names


def test_a_card_has_time_title_place_and_category():
    card = present.card(occurrence(), NOW, "nb")
    assert card["time_text"] == "11:00–12:00"
    assert card["title"] == "Babysang"
    assert card["place"] == "Biblioteket · Asker bibliotek"
    assert card["category_text"] == "Barn"
    assert card["marker"] == ""
    assert not card["past"] and not card["running"] and not card["cancelled"]


def test_a_running_occurrence_is_marked_now():
    card = present.card(occurrence(start=(10, 0), end=(11, 0)), NOW)
    assert card["running"] and card["marker"] == "Nå"


def test_a_cancelled_occurrence_is_marked_with_the_word_avlyst():
    card = present.card(occurrence(start=(10, 0), end=(11, 0), status="cancelled"), NOW)
    assert card["cancelled"] and card["marker"] == "AVLYST"
    assert not card["running"]  # a cancelled one is never "now"


def test_a_past_occurrence_is_marked_past():
    assert present.card(occurrence(start=(8, 0), end=(9, 0)), NOW)["past"]


def test_the_card_falls_back_to_norwegian_for_a_missing_language():
    card = present.card(occurrence(title="Strikkekafé"), NOW, "en")
    assert card["title"] == "Baby song"
    only_nb = occurrence(titles={"nb": "Strikkekafé"})
    assert present.card(only_nb, NOW, "en")["title"] == "Strikkekafé"


def test_registration_with_places():
    shown = occurrence(registration_required=True, registration_capacity=20)
    assert present.registration_text(shown) == "Påmelding kreves – 20 plasser"
    assert present.registration_text(occurrence()) == "Ingen påmelding – bare kom"


def test_the_status_line_says_when_the_data_was_updated():
    fresh = DataFreshness(NOW - timedelta(minutes=3), timedelta(minutes=3), ())
    assert present.status_line(fresh, NOW) == f"Oppdatert {present.clock_text(fresh.last_success)}"


def test_the_status_line_says_offline_with_data_from_yesterday():
    yesterday = datetime(2026, 12, 2, 21, 0, tzinfo=OSLO)
    stale = DataFreshness(yesterday, NOW - yesterday, ("central",), ("connection",))
    assert present.status_line(stale, NOW) == "Uten nett — viser data fra i går 21:00"


def test_the_status_line_before_any_data_says_it_is_fetching():
    assert present.status_line(None, NOW) == "Henter program …"
    assert present.status_line(DataFreshness(None, None, ()), NOW) == "Henter program …"


TEN_AGO = NOW - timedelta(minutes=10)


def failing(*codes: str, data_from=TEN_AGO) -> DataFreshness:
    age = NOW - data_from if data_from else None
    return DataFreshness(data_from, age, tuple(f"source-{c}" for c in codes), codes)


@pytest.mark.parametrize(
    ("freshness", "storage", "line"),
    [
        (failing("connection"), None, "Uten nett — viser data fra {t}"),
        (failing("timeout", data_from=None), None, "Uten nett — prøver igjen snart"),
        (failing("http_status"), None, "Nytt program avvist — viser data fra {t}"),
        (failing("not_json"), None, "Nytt program avvist — viser data fra {t}"),
        (failing("cut_off", data_from=None), None, "Programmet ble avvist — prøver igjen snart"),
        (failing("disk_full"), None, "Lagringsfeil — viser data fra {t}"),
        (failing(), "database_busy", "Lagringsfeil — viser data fra {t}"),
        (failing("connection"), "read_only", "Lagringsfeil — viser data fra {t}"),
        (None, "needs_rebuild", "Lagringsfeil — programmet er ikke tilgjengelig"),
        (failing(data_from=None), None, "Henter program …"),
    ],
)
def test_the_status_line_tells_network_refused_feed_storage_and_first_fetch_apart(
    freshness, storage, line
):
    """Regression: every failure was *Uten nett*, also a refused feed and a locked disk."""
    status = kiosk_status(freshness, storage_problem=storage)
    expected = line.format(t=present.clock_text(TEN_AGO))
    assert present.status_line(status, NOW) == expected


def test_old_data_with_no_failure_to_blame_is_not_called_offline():
    old = NOW - timedelta(hours=3)
    assert present.status_line(DataFreshness(old, NOW - old, ()), NOW) == (
        f"Viser data fra {present.clock_text(old)}"
    )


CANNOT_FETCH = "Programmet kan ikke hentes akkurat nå."
NOT_AVAILABLE = "Programmet er ikke tilgjengelig akkurat nå."


@pytest.mark.parametrize(
    ("status", "notice"),
    [
        (kiosk_status(None), "Henter program …"),
        (kiosk_status(failing("connection", data_from=None)), CANNOT_FETCH),
        (kiosk_status(failing("not_a_feed", data_from=None)), NOT_AVAILABLE),
        (kiosk_status(None, storage_problem="needs_rebuild"), NOT_AVAILABLE),
    ],
)
def test_where_the_programme_would_be_the_screen_says_why_it_is_not(status, notice):
    assert present.programme_notice(status) == notice


def test_every_code_the_fetch_gives_for_an_unreachable_server_counts_as_no_network():
    """The codes the screen calls *Uten nett* are codes the HTTP client really gives."""
    client = (REPO / "torg_kiosk" / "sync" / "http_client.py").read_text(encoding="utf-8")
    for code in NETWORK_CODES:
        assert f'"{code}"' in client
    assert '"cut_off"' in client and "cut_off" not in NETWORK_CODES


def test_an_empty_day_tells_what_is_on_next():
    friday = date(2026, 12, 4)
    knitting = occurrence(title="Strikkekafé", start=(11, 0), end=(13, 0))
    knitting = replace(knitting, start_ts=knitting.start_ts + 24 * 3600)
    assert present.empty_day_text((friday, [knitting])) == (
        "I dag er det ingen aktiviteter her. Neste: fredag 4. desember – Strikkekafé 11:00"
    )
    assert present.empty_day_text(None) == "I dag er det ingen aktiviteter her."


def test_now_and_next_lines_put_running_first():
    running = occurrence(title="Innbyggerservice", start=(9, 0), end=(15, 0))
    lines = present.now_and_next_lines([running], [occurrence()])
    assert [(line["label"], line["time_text"], line["title"]) for line in lines] == [
        ("Nå", "til 15:00", "Innbyggerservice"),
        ("Snart", "11:00", "Babysang"),
    ]


def test_dates_and_categories_in_ukrainian_and_arabic():
    assert present.day_text(date(2026, 12, 3), "uk") == "четвер, 3 грудня"
    assert present.category_text("exercise", "en") == "Exercise"
    assert present.category_text("no-such-category", "nb") == "Annet"
    assert present.category_text("exercise", "ar") == translator("ar").pgettext(
        "category", "Trening"
    )


def test_a_card_in_english_marks_a_title_the_feed_has_only_in_norwegian():
    only_nb = occurrence(titles={"nb": "Strikkekafé"})
    assert present.card(only_nb, NOW, "en")["fallback_note"] == "Shown in Norwegian"
    assert present.card(occurrence(), NOW, "en")["fallback_note"] == ""
    assert present.card(only_nb, NOW, "nb")["fallback_note"] == ""


def test_the_detail_marks_a_description_shown_in_norwegian():
    assert present.detail(occurrence(), "en")["fallback_note"] == "Shown in Norwegian"
    assert present.detail(occurrence(), "nb")["fallback_note"] == ""


def test_a_phone_number_wraps_only_after_its_country_code():
    assert present.phone_text("+47 66 90 00 00") == "+47 66\u00a090\u00a000\u00a000"
    assert present.phone_text("66 90 00 00") == "66\u00a090\u00a000\u00a000"
    assert present.phone_text(" +4766900000 ") == "+4766900000"
