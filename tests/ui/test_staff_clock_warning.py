"""Staff see a warning when the kiosk's clock cannot be trusted, in the real window.

Each test gives staff mode a data folder of its own: a copy of the session's schedule
(kiosk.db, so today's activities are there) and an outbox. The app's clock is the session's
pinned Thursday 3 December 10:15. A check-in stored at 13:15 that day, three hours *later*
than the clock says now, means the clock went backwards (a reboot without network, a bad
battery clock): staff mode says so on the activity list, on the attendance view and at the
door. With only earlier check-ins it says nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.ui.test_staff_checkin import PIN_HASH, Monotonic, into_staff_mode, open_door, tap_until
from torg_kiosk.base.settings import StaffConfig
from torg_kiosk.checkin_wiring import CheckinServices
from torg_kiosk.store.outbox import Outbox
from torg_kiosk.ui.staff_mode import StaffMode

pytestmark = pytest.mark.ui

BACKWARDS_NB = (
    "Klokka på denne skjermen har gått bakover. Innsjekkinger kan få feil tid. "
    "Si fra til IT-støtte."
)
BACKWARDS_EN = (
    "The clock on this screen has gone backwards. Check-ins may get the wrong time. "
    "Tell IT support."
)


def staff_mode_with_a_checkin_at(ui, kiosk_config, tmp_path, offset: timedelta) -> StaffMode:
    """Staff mode over its own data folder whose outbox holds one check-in stored at the
    app's clock + ``offset``."""
    app = ui.app
    data = tmp_path / "data"
    data.mkdir()
    with (
        contextlib.closing(sqlite3.connect(kiosk_config.data_dir / "kiosk.db")) as source,
        contextlib.closing(sqlite3.connect(data / "kiosk.db")) as copy,
    ):
        source.backup(copy)
    outbox = Outbox.open(data / "outbox.db")
    outbox.add("checkin", {"ticket": "T-earlier-session", "result": "accepted"},
               now=app.now() + offset)  # fmt: skip
    outbox.close()
    config = replace(
        kiosk_config,
        data_dir=data,
        staff=StaffConfig(pin_hash=PIN_HASH, idle_seconds=120, kiosk_id="heggedal-clock"),
        feed=replace(kiosk_config.feed, central_url=""),
    )
    return StaffMode(app, CheckinServices(config, app.now), monotonic=Monotonic())


@pytest.fixture
def staff_with(ui, kiosk_config, tmp_path):
    """Make staff mode with a stored check-in at an offset from now; put back afterwards."""
    app = ui.app
    ui.resize(1920, 1080)
    ui.show("home")
    site_name = app.manager.get_screen("home").ids.site_name
    before = app.staff
    made: list[StaffMode] = []

    def make(offset: timedelta) -> StaffMode:
        before.unwatch_long_press(site_name)
        mode = staff_mode_with_a_checkin_at(ui, kiosk_config, tmp_path, offset)
        mode.watch_long_press(site_name)
        app.staff = mode
        made.append(mode)
        return mode

    yield make
    for mode in made:
        mode.leave()
        mode.unwatch_long_press(site_name)
        mode.stop()
    app.staff = before
    before.watch_long_press(site_name)
    app.choose_language("nb")
    ui.show("home")


def warning(ui) -> str:
    return ui.screen.ids.clock_warning.text


def test_a_clock_behind_the_newest_checkin_is_a_warning_on_every_staff_screen(ui, staff_with):
    staff = staff_with(timedelta(hours=3))
    into_staff_mode(ui, staff)
    ui.wait_until(lambda: warning(ui), what="the clock warning on the activity list")
    assert warning(ui) == BACKWARDS_NB
    assert staff.clock_trust.code == "behind_checkin"
    banner = ui.screen.ids.clock_warning
    assert banner.height > 40 and banner.opacity == 1
    shot = ui.screenshot("staff-clock-warning")
    assert shot.stat().st_size > 0

    ui.app.choose_language("en")  # the warning follows the screen's language
    ui.frames(4)
    assert warning(ui) == BACKWARDS_EN
    ui.app.choose_language("nb")
    ui.frames(4)

    tap_until(ui, ui.screen.ids.attendance,
              lambda: ui.app.manager.current == "staff_attendance", "attendance")  # fmt: skip
    ui.wait_until(lambda: warning(ui) == BACKWARDS_NB, what="the warning on attendance")
    ui.tap(ui.screen.ids.back)
    ui.wait_until(lambda: ui.app.manager.current == "staff_choose", what="the activity list")
    ui.wait_until(lambda: len(ui.screen.ids.rows.children) > 0, what="today's activities")
    open_door(ui, "heggedal-babysang")
    ui.wait_until(lambda: warning(ui) == BACKWARDS_NB, what="the warning at the door")
    ui.screenshot("staff-scan-clock-warning")


def test_a_clock_after_every_stored_checkin_shows_no_warning(ui, staff_with):
    staff = staff_with(-timedelta(hours=3))
    into_staff_mode(ui, staff)
    ui.wait_until(lambda: staff.clock_trust is not None, what="the desk's look at the clock")
    ui.frames(4)
    assert staff.clock_trust.trusted
    assert warning(ui) == ""
    assert ui.screen.ids.clock_warning.height == 0
    open_door(ui, "heggedal-babysang")
    ui.frames(4)
    assert warning(ui) == ""


def test_switched_to_arabic_the_warning_wraps_in_reading_order(ui, staff_with):
    # The label breaks Arabic lines itself and Kivy must not break them again: measured in
    # the font the language had before the switch (Roboto), the first line came out too
    # long, and Kivy's second wrap put its start under its end.
    staff = staff_with(timedelta(hours=3))
    ui.resize(1080, 1920)
    try:
        into_staff_mode(ui, staff)
        ui.wait_until(lambda: warning(ui), what="the clock warning")
        ui.app.choose_language("ar")
        ui.frames(6)
        label = ui.screen.ids.clock_warning.ids.label
        made = label._label.text.split("\n")  # the lines the label broke, in visual order
        assert len(made) == 2
        drawn = label._label._cached_lines
        assert len(drawn) == len(made), "Kivy wrapped the lines again"
        ui.screenshot("staff-clock-warning-ar-portrait")
    finally:
        ui.app.choose_language("nb")
        ui.resize(1920, 1080)
