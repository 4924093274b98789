"""What the activity's QR code carries: the occurrence, the way a phone takes it along."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.test_present import occurrence
from torg_kiosk.domain.take_along import short_link, take_along, vevent


def test_an_event_url_gets_the_occurrences_date_and_the_visitors_language():
    view = occurrence()
    along = take_along(
        _with_doc(view, event_url="https://www.asker.kommune.no/a/babysang/?x=1"), "uk"
    )
    assert along.payload == "https://www.asker.kommune.no/a/babysang/?x=1&date=2026-12-03&lang=uk"
    assert along.short == "asker.kommune.no/a/babysang/"
    assert along.caption == "Скануйте, щоб відкрити захід на телефоні"


def test_a_required_registration_is_the_code_and_the_caption_says_sign_up():
    view = occurrence(registration_required=True, registration_url="https://example.org/pamelding/")
    along = take_along(view, "nb")
    assert (along.payload, along.caption, along.short) == (
        "https://example.org/pamelding/",
        "Skann for å melde deg på",
        "example.org/pamelding/",
    )


def test_without_a_link_for_the_occurrence_the_code_is_a_calendar_event():
    along = take_along(occurrence(title="Babysang, for de minste"), "nb")
    assert along.caption == "Skann for å legge den i kalenderen"
    assert along.payload == "\n".join(
        [
            "BEGIN:VEVENT",
            "SUMMARY:Babysang\\, for de minste",
            "DTSTART:20261203T100000Z",
            "DTEND:20261203T110000Z",
            "LOCATION:Biblioteket",
            "URL:https://example.org/babysang",
            "END:VEVENT",
        ]
    )
    assert along.short == "example.org/babysang"


def test_a_cancelled_occurrence_has_no_code():
    assert take_along(occurrence(status="cancelled"), "nb") is None


def test_a_long_link_is_printed_short():
    assert short_link("https://www.example.org/" + "a" * 100).endswith("…")
    assert len(short_link("https://www.example.org/" + "a" * 100)) == 48


def test_the_vevent_is_one_line_per_property():
    assert "\n\n" not in vevent(occurrence(title="To\nlinjer"), "nb")


def _with_doc(view, **fields):
    doc = json.loads(view.doc_json)
    doc.update(fields)
    return replace(view, doc_json=json.dumps(doc))


def test_a_4000_character_title_makes_a_code_a_phone_can_read():
    """Regression (the fault matrix's 4000-character title): the whole title in a VEVENT was
    more than a QR code holds, and drawing it ended the kiosk on the activity screen."""
    import qrcode

    title = " ".join(["Strikkekafé"] * 400)[:4000]
    along = take_along(occurrence(title=title, url=None), "nb")
    summary = next(line for line in along.payload.splitlines() if line.startswith("SUMMARY:"))
    assert len(summary) <= len("SUMMARY:") + 120
    assert summary.endswith("Strikkekafé…")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(along.payload)
    code.make(fit=True)
    assert code.version <= 15
