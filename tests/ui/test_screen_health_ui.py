"""The screen watches itself: pictures of Home for the fleet page (only of Home, only with
nothing over it), and the visual watchdog that notices when the picture stops changing
while the clock should have moved on. The real app on the virtual display.
"""

from __future__ import annotations

import io
from datetime import timedelta

from conftest import SCREENSHOTS
from kivy.core.window import Window
from PIL import Image

from torg_kiosk.base.health_board import ON, RESTING
from torg_kiosk.ui.health_ui import PICTURE_MAX_BYTES, PICTURE_SIDE
from torg_kiosk.ui.widgets import LanguagePicker


def picture_after_look(ui, *, picture: bool = True):
    before = ui.app.services.board.read().picture
    ui.app.health.look_now(picture=picture)
    ui.frames(4)
    ui.app.health._worker.submit(lambda: None).result(timeout=10)  # the worker is done
    ui.frames(2)
    after = ui.app.services.board.read().picture
    return after if after is not before else None


def test_a_picture_of_home_is_small_jpeg_of_what_is_on_screen(ui):
    ui.show("home")
    shot = picture_after_look(ui)
    assert shot is not None
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "home-picture-for-the-fleet-page.jpg").write_bytes(shot.jpeg)
    image = Image.open(io.BytesIO(shot.jpeg))
    width, height = Window.size
    assert image.format == "JPEG" and max(image.size) == PICTURE_SIDE
    assert abs(image.width / image.height - width / height) < 0.01, "the screen's proportions"
    assert len(shot.jpeg) <= PICTURE_MAX_BYTES, "its base64 fits the 64 KiB upload limit"
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the screen, not a blank buffer"
    ui.app.health.visual.forget()


def test_no_picture_is_taken_of_another_screen(ui):
    ui.show("today")
    assert picture_after_look(ui) is None
    ui.show("home")


def test_no_picture_is_taken_while_something_is_open_over_home(ui):
    ui.show("home")
    picker = LanguagePicker()
    picker.open()
    ui.frames(4)
    try:
        assert picture_after_look(ui) is None
    finally:
        picker.dismiss()
        ui.frames(4)


def test_no_picture_is_taken_while_the_screen_rests(ui):
    ui.show("home")
    board = ui.app.services.board
    board.post(screen=RESTING)
    try:
        assert picture_after_look(ui) is None
    finally:
        board.post(screen=ON)


def test_a_picture_that_stops_changing_while_the_minutes_pass_is_reported_and_cleared(ui):
    ui.show("home")
    app, home = ui.app, ui.screen
    board = app.services.board
    real_now, real_update = app.now, home.update_clock
    minutes = [0]
    app.now = lambda: real_now() + timedelta(minutes=minutes[0])
    home.update_clock = lambda: None  # the clock on screen stops being redrawn
    app.health.visual.forget()
    try:
        for _ in range(3):
            picture_after_look(ui, picture=False)
            minutes[0] += 1
        assert board.read().frames_stuck, "two looks a minute apart with the same picture"

        home.update_clock = real_update
        home.update_clock()
        ui.frames(3)
        picture_after_look(ui, picture=False)
        assert not board.read().frames_stuck, "cleared as soon as the picture moves again"
    finally:
        app.now, home.update_clock = real_now, real_update
        board.post(frames_stuck=False)
        app.health.visual.forget()


def test_the_heartbeat_hears_in_call_while_a_call_screen_shows(ui):
    from kivy.uix.screenmanager import Screen

    from torg_kiosk.base.health_board import IN_CALL

    manager, board = ui.app.manager, ui.app.services.board
    probe = Screen(name="call_probe")  # stands for the call's screens (their names start so)
    manager.add_widget(probe)
    try:
        manager.current = "call_probe"
        ui.frames(2)
        ui.app.health.screen_state()
        assert board.read().screen == IN_CALL
        assert picture_after_look(ui) is None, "never a picture during a call"
    finally:
        ui.show("home")
        manager.remove_widget(probe)
    ui.app.health.screen_state()
    assert board.read().screen == ON
