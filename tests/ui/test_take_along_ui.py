"""The activity's QR code, read off a screenshot with a real decoder (zxing-cpp): it carries
the occurrence, says what it does, prints its link, and a cancelled one has none.
Heggedal, Thursday 3 December 2026 (the demo feed)."""

from __future__ import annotations

from datetime import UTC

import zxingcpp
from PIL import Image

from tests.ui.test_navigation import visible_rows


def open_activity(ui, title: str):
    ui.show("today")
    ui.tap(visible_rows(ui)[title])
    assert ui.app.manager.current == "activity"
    ui.frames(4)
    return ui.screen


def decoded(ui, name: str) -> list[str]:
    shot = ui.screenshot(name)
    return [code.text for code in zxingcpp.read_barcodes(Image.open(shot))]


def test_a_page_for_the_occurrence_carries_its_date_and_the_visitors_language(ui):
    screen = open_activity(ui, "Babysang")
    [payload] = decoded(ui, "activity-qr-event-url-1920x1080")
    assert payload == (
        "https://www.asker.kommune.no/aktiviteter/heggedal-babysang/?date=2026-12-03&lang=nb"
    )
    # Babysang needs sign-up in the demo (the walk-in sign-up's example): its page is where.
    assert screen.ids.qr_caption.text == "Skann for å melde deg på"
    assert screen.ids.qr_short_link.text == "asker.kommune.no/aktiviteter/heggedal-babysang/"
    ui.app.choose_language("en")
    ui.frames(4)
    try:
        [payload] = decoded(ui, "activity-qr-event-url-en-1920x1080")
        assert payload.endswith("&lang=en")
        assert screen.ids.qr_caption.text == "Scan to sign up"
    finally:
        ui.app.choose_language("nb")
        ui.frames(4)


def test_an_activity_without_a_page_for_its_date_goes_into_the_phones_calendar(ui):
    today = ui.app.schedule.today(ui.app.site.id, ui.app.now())
    occurrence = next(
        view
        for view in today
        if not (view.registration_required or view.event_url or view.cancelled or view.all_day)
    )
    ui.app.go_home()
    ui.app.show_activity(occurrence.key)
    ui.frames(4)
    screen = ui.screen
    [payload] = decoded(ui, "activity-qr-vevent-1920x1080")
    lines = payload.splitlines()
    assert lines[0] == "BEGIN:VEVENT" and lines[-1] == "END:VEVENT"
    assert f"SUMMARY:{occurrence.title['nb']}" in lines
    assert f"DTSTART:{occurrence.start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert payload == screen.link
    assert screen.ids.qr_caption.text == "Skann for å legge den i kalenderen"


def test_a_required_registration_is_the_code_and_the_caption_says_so(ui):
    schedule = ui.app.schedule
    week = schedule.days_ahead(ui.app.site.id, ui.app.now())
    occurrence = next(
        view
        for views in week.values()
        for view in views
        if view.registration_required
        and view.registration_url
        and not view.cancelled
        and not view.event_url
    )
    ui.app.go_home()
    ui.app.show_activity(occurrence.key)
    ui.frames(4)
    [payload] = decoded(ui, "activity-qr-registration-1920x1080")
    assert payload == occurrence.registration_url
    assert ui.screen.ids.qr_caption.text == "Skann for å melde deg på"


def test_a_cancelled_occurrence_shows_no_code(ui):
    screen = open_activity(ui, "Formiddagstreff")
    assert screen.cancelled and screen.link == ""
    assert decoded(ui, "activity-qr-cancelled-1920x1080") == []
