"""Resting outside opening hours, with a pinned clock: the screen rests, a touch wakes it, it
rests again after idle, and the opening wakes it for the day. Heggedal (Thursday 08:30-16:00,
Friday 08:30-15:00) on the real app; the hours come from domain.opening_hours.

Under Xvfb there is no DPMS (the real ``xset q`` says so), no vcgencmd and no cec-client, so
the kiosk picks the dim closed page: :func:`choose_display_power` finds nothing here, and
the controller is built the way the app builds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from PIL import Image

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.display_power import choose_display_power
from torg_kiosk.base.health_board import ON, RESTING
from torg_kiosk.ui.resting_ui import ClosedPage


class SteppedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def evening(ui):
    """The app at Thursday 20:00 (closed since 16:00), its clock moved only by the test."""
    app = ui.app
    real_now = app.now
    clock = SteppedClock(datetime(2026, 12, 3, 20, 0, tzinfo=OSLO))
    app.now = clock
    app.resting.last_touch = None
    ui.show("today")  # a visitor left it here
    yield clock
    app.resting.wake("test over")
    app.now = real_now
    app.resting.last_touch = None
    ui.show("home")


def test_this_virtual_display_has_no_way_to_switch_off_so_the_page_dims(ui):
    assert choose_display_power() == []
    assert ui.app.resting.power == []


def test_closed_and_idle_the_screen_rests_on_a_calm_dim_page(ui, evening):
    app, board = ui.app, ui.app.services.board
    app.resting.check()
    ui.frames(4)
    assert app.resting.resting
    assert app.manager.current == "home", "resting goes home first"
    assert any(isinstance(child, ClosedPage) for child in Window.children)
    page = app.resting.page
    assert page.title == "Heggedal innbyggertorg er stengt nå"
    assert page.opens == "Åpner igjen fredag 4. desember kl. 08:30"
    assert board.read().screen == RESTING
    assert board.read().resting_until == "2026-12-04T07:30:00Z"

    shot = Image.open(ui.screenshot("resting-closed-page")).convert("L")
    histogram = shot.histogram()
    dark = sum(histogram[:20]) / sum(histogram)
    assert dark > 0.95, "almost all of the screen is black"
    assert max(i for i, count in enumerate(histogram) if count) <= 160, "no bright pixel"


def test_a_touch_wakes_it_without_pressing_what_is_underneath_then_it_rests_after_idle(ui, evening):
    app, board = ui.app, ui.app.services.board
    app.resting.check()
    ui.frames(2)
    assert app.resting.resting
    # Over the Today button of Home: the wake must not open Today.
    x, y = app.manager.get_screen("home").ids.today_button.to_window(
        *app.manager.get_screen("home").ids.today_button.center
    )
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    ui.frames(1)
    touch.touch_up()
    ui.frames(3)
    assert not app.resting.resting
    assert board.read().screen == ON
    assert app.manager.current == "home"

    evening.now += timedelta(seconds=app.resting.idle_seconds - 5)
    app.resting.check()
    assert not app.resting.resting, "still within the idle time after the touch"

    evening.now += timedelta(seconds=10)
    app.resting.check()
    assert app.resting.resting, "rests again after idle"


def test_the_opening_wakes_it_for_the_day(ui, evening):
    app, board = ui.app, ui.app.services.board
    app.resting.check()
    assert app.resting.resting
    evening.now = datetime(2026, 12, 4, 8, 29, tzinfo=OSLO)
    app.resting.check()
    assert app.resting.resting, "a minute before the opening"
    evening.now = datetime(2026, 12, 4, 8, 30, tzinfo=OSLO)
    app.resting.check()
    ui.frames(2)
    assert not app.resting.resting
    assert board.read().screen == ON and board.read().resting_until is None
    assert not any(isinstance(child, ClosedPage) for child in Window.children)


def test_while_open_it_never_rests_however_long_nobody_touches_it(ui, evening):
    evening.now = datetime(2026, 12, 3, 10, 0, tzinfo=OSLO)
    for _ in range(5):
        evening.now += timedelta(hours=1)
        if evening.now.hour >= 16:
            break
        ui.app.resting.check()
        assert not ui.app.resting.resting


def test_the_closed_page_speaks_the_language_on_screen(ui, evening):
    ui.app.choose_language("en")
    try:
        ui.app.resting.check()
        assert ui.app.resting.page.opens == "Opens again Friday 4 December at 08:30"
    finally:
        ui.app.resting.wake("test")
        ui.app.choose_language("nb")
