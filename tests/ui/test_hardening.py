"""A visitor cannot leave the kiosk: Escape and F1 do nothing, closing the window is refused."""

from __future__ import annotations

from kivy.base import EventLoop
from kivy.config import Config
from kivy.core.window import Window

ESCAPE, F1 = 27, 282


def test_escape_and_f1_do_not_quit_or_open_settings(ui):
    ui.app.go_home()
    for key in (ESCAPE, F1):
        Window.dispatch("on_keyboard", key, 0, "", [])
        ui.frames()
    assert EventLoop.status not in ("stopped", "closed")
    assert not EventLoop.stopping
    assert ui.app.manager.current == "home"
    assert ui.app._app_settings is None  # the settings panel was never built
    assert Config.get("kivy", "exit_on_escape") == "0"


def test_right_click_makes_no_multitouch_dots():
    assert "disable_multitouch" in Config.get("input", "mouse")


def test_a_fullscreen_kiosk_refuses_to_close(ui):
    ui.app.windowed = False
    try:
        assert ui.app._on_request_close() is True
    finally:
        ui.app.windowed = True
