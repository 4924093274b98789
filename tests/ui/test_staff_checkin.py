"""Staff check-in through the real window, end to end, with real parts.

A visitor's walk-in ticket QR is shown on screen, taken from the window's pixels and decoded
by zxing-cpp, typed into the window as a scanner's keystrokes (Kivy keyboard events), judged
and recorded in the real outbox, and uploaded to the reference central server on 127.0.0.1.
The staff idle timer and the PIN lockout run on a pinned monotonic clock; the wall clock is
the session's pinned 2026-12-03 10:15 at Heggedal.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
import requests
import zxingcpp
from kivy.core.window import Window
from PIL import Image

from tests.conftest import DEMO_FEED
from tests.ui.conftest import walk
from torg_central.devserver import serve
from torg_kiosk.base.settings import StaffConfig
from torg_kiosk.checkin_wiring import CheckinServices
from torg_kiosk.domain.staff import hash_pin
from torg_kiosk.domain.tickets import demo_signing_key, issue_ticket
from torg_kiosk.ui.staff_mode import StaffMode

pytestmark = pytest.mark.ui

PIN = "2468"
PIN_HASH = hash_pin(PIN)


class Monotonic:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    with serve(DEMO_FEED, db_path=tmp_path_factory.mktemp("central") / "central.db") as server:
        yield server


@pytest.fixture
def staff(ui, kiosk_config, central):
    """Staff mode with a PIN and uploads to the reference server, on a pinned monotonic clock."""
    app = ui.app
    ui.resize(1920, 1080)
    ui.show("home")
    config = replace(
        kiosk_config,
        staff=StaffConfig(pin_hash=PIN_HASH, idle_seconds=120, kiosk_id="heggedal-test"),
        feed=replace(kiosk_config.feed, central_url=central.url),
    )
    clock = Monotonic()
    site_name = app.manager.get_screen("home").ids.site_name
    before = app.staff
    before.unwatch_long_press(site_name)
    mode = StaffMode(app, CheckinServices(config, app.now), monotonic=clock)
    mode.watch_long_press(site_name)
    app.staff = mode
    mode.start_uploads()
    yield mode
    mode.leave()
    mode.unwatch_long_press(site_name)
    mode.stop()
    app.staff = before
    before.watch_long_press(site_name)
    ui.show("home")


def tap_until(ui, widget, condition, what: str) -> None:
    """Tap ``widget`` until ``condition()``: on a machine this loaded a frame can take long
    enough for a touch to land before the widget is laid out (each tap is a real one)."""
    for _attempt in range(3):
        ui.tap(widget)
        try:
            ui.wait_until(condition, timeout=5, what=what)
            return
        except AssertionError:
            ui.frames(5)
    ui.wait_until(condition, what=what)


def press(ui, key: str) -> None:
    pad = ui.screen.ids.pad
    button = next(b for b in pad.children if getattr(b, "text", None) == key)
    ui.tap(button)


def enter_pin(ui, pin: str) -> None:
    for digit in pin:
        press(ui, digit)
    ui.tap(ui.screen.ids.ok)


def type_like_a_scanner(text: str, gap: float = 0.003) -> None:
    """Keystrokes through the window, a few milliseconds apart, then Enter."""
    for char in text:
        Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
        Window.dispatch("on_key_up", ord(char.lower()), 0)
        time.sleep(gap)
    Window.dispatch("on_key_down", 13, 40, None, [])
    Window.dispatch("on_key_up", 13, 40)


def into_staff_mode(ui, staff) -> None:
    staff.open_pin_pad()
    ui.frames(4)
    enter_pin(ui, PIN)
    ui.wait_until(lambda: ui.app.manager.current == "staff_choose", what="the activity list")
    ui.wait_until(lambda: len(ui.screen.ids.rows.children) > 0, what="today's activities")


def open_door(ui, activity_id: str) -> None:
    rows = ui.screen.ids.rows.children
    row = next(r for r in rows if r.door.activity_id == activity_id)
    tap_until(ui, row, lambda: ui.app.manager.current == "staff_scan", "the scan screen")
    ui.frames(4)


def uploaded(central) -> list[dict]:
    return requests.get(f"{central.url}/api/uploads", params={"kind": "checkins"},
                        timeout=10).json()  # fmt: skip


def test_a_three_second_press_on_the_torgs_name_opens_the_pin_pad(ui, staff):
    from kivy.tests.common import UnitTestTouch

    name = ui.app.manager.get_screen("home").ids.site_name
    touch = UnitTestTouch(*name.to_window(*name.center))
    touch.touch_down()
    started = time.monotonic()
    while time.monotonic() - started < 2.5:
        ui.frames(1)
    assert ui.app.manager.current == "home", "not yet: a tap or a short press does nothing"
    while time.monotonic() - started < 3.4:
        ui.frames(1)
    touch.touch_up()
    ui.frames(3)
    assert ui.app.manager.current == "staff_pin"
    assert "•" not in ui.screen.ids.dots.text


def test_five_wrong_pins_lock_the_pad_with_the_wait_in_words_and_it_opens_again(ui, staff):
    staff.open_pin_pad()
    ui.frames(4)
    for attempt in range(5):
        enter_pin(ui, "1111")
        ui.wait_until(lambda: ui.screen.message, what="the answer to a wrong PIN")
        if attempt < 4:
            assert ui.screen.message == "Feil PIN-kode. Prøv igjen."
            ui.screen.message = ""
    assert ui.screen.message == "For mange feil. Prøv igjen om 30 sekunder."
    assert ui.screen.locked
    enter_pin(ui, PIN)  # even the right PIN is not checked while locked
    ui.frames(10)
    assert ui.app.manager.current == "staff_pin"
    ui.screenshot("staff-pin-locked")

    staff.monotonic.now += 31
    ui.wait_until(lambda: not ui.screen.locked, what="the lock to open")
    enter_pin(ui, "1111")  # the sixth wrong PIN doubles the wait
    ui.wait_until(lambda: ui.screen.locked, what="the longer lock")
    assert ui.screen.message == "For mange feil. Prøv igjen om ett minutt."
    staff.monotonic.now += 61
    ui.wait_until(lambda: not ui.screen.locked, what="the lock to open again")
    enter_pin(ui, PIN)
    ui.wait_until(lambda: ui.app.manager.current == "staff_choose", what="staff mode")


def test_a_walk_in_ticket_shown_on_screen_is_scanned_recorded_and_uploaded(ui, staff, central):
    # The visitor: Babysang needs registration; 9 of 12 places are taken centrally.
    app = ui.app
    ui.wait_until(lambda: app.schedule is not None, what="the schedule")
    [babysang] = [v for v in app.schedule.today("heggedal", app.now())
                  if v.activity_id == "heggedal-babysang"]  # fmt: skip
    app.show_activity(babysang.key)
    ui.frames(6)
    assert ui.screen.can_sign_up
    ui.tap(ui.screen.ids.sign_up)
    ui.wait_until(lambda: app.manager.current == "signup" and ui.screen.code, what="a ticket")
    assert ui.screen.places == "Ledige plasser: 2"
    assert ui.screen.when == "torsdag 3. desember, kl. 11:00–12:00"
    shot = ui.screenshot("staff-signup-ticket")
    [found] = zxingcpp.read_barcodes(Image.open(shot))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    token = found.text
    assert token == ui.screen.code and len(token) == 120
    ui.tap(ui.screen.ids.done)

    # The door: staff mode, Babysang, the decoded text typed like a scanner.
    into_staff_mode(ui, staff)
    shown = [row.door.activity_id for row in reversed(ui.screen.ids.rows.children)]
    # Running now first, then about to start, then later.
    assert shown[:3] == ["heggedal-innbyggerservice-skjerm", "heggedal-formiddagstreff",
                         "heggedal-babysang"]  # fmt: skip
    open_door(ui, "heggedal-babysang")
    screen = ui.screen
    assert screen.count_line == "0 av 12 sjekket inn"
    ui.screenshot("staff-scan-waiting")
    type_like_a_scanner(token)
    ui.wait_until(lambda: screen.tone, what="the verdict")
    assert (screen.tone, screen.reason) == ("green", "Sjekket inn")
    assert screen.count_line == "1 av 12 sjekket inn"
    ui.screenshot("staff-scan-green")

    def babysang_uploads():
        return [u for u in uploaded(central) if u["body"]["activity"] == "heggedal-babysang"]

    ui.wait_until(babysang_uploads, what="the upload to the reference server")
    [record] = babysang_uploads()
    assert record["body"]["result"] == "accepted"
    assert record["body"]["kiosk"] == "heggedal-test"
    assert record["body"]["key"].startswith("kiosk-"), "signed with this kiosk's own key"
    ui.wait_until(lambda: "Alt er lastet opp" in screen.upload_line, what="the upload line")

    # The same ticket again: amber, with the time of the first scan.
    ui.tap(screen.ids.verdict)
    type_like_a_scanner(token)
    ui.wait_until(lambda: screen.tone, what="the second verdict")
    assert screen.tone == "amber"
    # The session's clock starts at 10:15 and runs: the time of the first scan, in words.
    assert re.fullmatch(r"Allerede sjekket inn kl\. 10:[0-5]\d", screen.reason), screen.reason


def test_a_person_typing_slowly_is_not_a_scan(ui, staff):
    into_staff_mode(ui, staff)
    open_door(ui, "heggedal-formiddagstreff")
    type_like_a_scanner("HELLO12345", gap=0.2)
    ui.frames(10)
    assert ui.screen.tone == ""
    assert ui.screen.capture.last_dropped == "slow"


@pytest.mark.parametrize(
    ("make", "tone", "reason"),
    [
        (lambda: "https://www.asker.kommune.no/", "red", "Dette er ikke en billett"),
        (lambda: forged(ticket()), "red", "Ukjent eller falsk billett"),
        (
            lambda: ticket("heggedal-strikkekafe"),
            "red",
            "Billetten gjelder en annen aktivitet: Strikkekafé",
        ),
        (
            lambda: ticket("tofte-seniortrim", site="tofte"),
            "red",
            "Billetten gjelder et annet innbyggertorg",
        ),
        (lambda: ticket(number=1), "red", "Billetten er trukket tilbake"),
        # Formiddagstreff is cancelled today in the demo feed.
        (lambda: ticket(), "red", "Aktiviteten er avlyst"),
    ],
    ids=["not-a-ticket", "forged", "another-activity", "another-torg", "revoked", "cancelled"],
)
def test_a_refused_scan_is_shown_red_with_its_reason(ui, staff, make, tone, reason):
    into_staff_mode(ui, staff)
    open_door(ui, "heggedal-formiddagstreff")
    type_like_a_scanner(make())
    ui.wait_until(lambda: ui.screen.tone, what="the verdict")
    assert (ui.screen.tone, ui.screen.reason) == (tone, reason)
    if reason.startswith("Billetten gjelder en annen"):
        ui.screenshot("staff-scan-red")


def forged(token: str) -> str:
    """One character changed, as a copier or a forger would."""
    return token[:50] + ("A" if token[50] != "A" else "B") + token[51:]


def ticket(activity="heggedal-formiddagstreff", site="heggedal", number=None) -> str:
    from datetime import date

    return issue_ticket(demo_signing_key(), activity_id=activity, site=site,
                        day=date(2026, 12, 3), number=number)  # fmt: skip


def test_full_is_amber_and_one_tap_lets_the_person_in_as_forced(ui, staff, central):
    into_staff_mode(ui, staff)
    door = next(d for d in staff.material.doors if d.activity_id == "heggedal-leksehjelp")
    screen = ui.app.manager.get_screen("staff_scan")
    screen.open_door(replace(door, capacity=1))
    ui.wait_until(lambda: ui.app.manager.current == "staff_scan", what="the scan screen")
    ui.frames(4)
    ui.tap(screen.ids.walk_in)
    ui.wait_until(lambda: screen.tone == "green", what="+1")
    assert screen.reason == "+1 uten billett registrert"
    ui.tap(screen.ids.verdict)
    type_like_a_scanner(ticket("heggedal-leksehjelp", number=0x77))
    ui.wait_until(lambda: screen.tone, what="the verdict")
    assert (screen.tone, screen.can_override) == ("amber", True), screen.reason
    ui.screenshot("staff-scan-full")
    ui.tap(screen.ids.override)
    ui.wait_until(lambda: screen.reason.startswith("Sjekket inn likevel"), what="forced")
    assert screen.tone == "green"
    assert screen.count_line == "2 av 1 sjekket inn"

    ui.tap(screen.ids.verdict)
    ui.tap(screen.ids.undo)
    ui.wait_until(lambda: screen.tone == "amber", what="undo")
    assert screen.reason == "Angret: siste innsjekking er fjernet"
    assert screen.count_line == "1 av 1 sjekket inn"


def test_staff_mode_leaves_itself_after_its_idle_time(ui, staff):
    into_staff_mode(ui, staff)
    staff.monotonic.now += 119
    staff.tick()
    assert staff.active
    from kivy.tests.common import UnitTestTouch

    corner = UnitTestTouch(8, 8)  # a touch anywhere (or a scan) starts the time again
    corner.touch_down()
    corner.touch_up()
    assert ui.app.manager.current == "staff_choose"
    ui.app.refresh_all()  # the screen's own refreshes do not
    staff.monotonic.now += 119
    staff.tick()
    assert staff.active
    staff.monotonic.now += 1
    staff.tick()
    ui.frames(3)
    assert not staff.active and ui.app.manager.current == "home"


def test_the_visitor_privacy_reset_ends_staff_mode(ui, staff):
    into_staff_mode(ui, staff)
    ui.app.idle._reset()
    ui.frames(3)
    assert not staff.active and ui.app.manager.current == "home"


def test_the_attendance_view_lists_todays_activities_with_their_counts(ui, staff):
    into_staff_mode(ui, staff)
    attendance = ui.screen.ids.attendance
    tap_until(ui, attendance, lambda: ui.app.manager.current == "staff_attendance", "attendance")
    ui.wait_until(lambda: len(ui.screen.ids.rows.children) > 0, what="the rows")

    def texts():
        return [w.text for w in walk(ui.screen) if hasattr(w, "text")]

    # The counts come from the check-in worker after the rows: wait for them, do not race.
    ui.wait_until(lambda: any("sjekket inn" in text for text in texts()), what="the counts")
    ui.screenshot("staff-attendance")
