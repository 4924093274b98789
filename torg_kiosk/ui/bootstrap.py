"""Kivy settings that must be in place before the window exists (kiosk hardening)."""

from __future__ import annotations

from kivy.config import Config


def configure_kivy(*, windowed: bool, size: tuple[int, int] | None) -> None:
    """Fullscreen without cursor, Escape and F1 harmless, no multitouch dots on right-click.

    Call before anything imports ``kivy.core.window``. Nothing is written to the config file:
    the settings live in the code so a stray ``config.ini`` cannot undo them.
    """
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "multisamples", "0")
    if windowed:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "show_cursor", "1")
        Config.set("graphics", "resizable", "1")
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
    if size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
