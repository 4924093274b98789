"""One real kiosk app per test session, on a virtual display.

Kivy can create one window per process, so the app is built once here and the tests switch
screens and window sizes within it. Run with ``xvfb-run -a -s "-screen 0 1920x1920x24"``
(the screen must hold the largest window, 1080×1920, or pixels outside it read back black).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

# Kivy reads these when it is first imported, which must happen after this point.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="torg-kivy-home-")
os.environ["KIVY_LOG_MODE"] = "PYTHON"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ.pop("TORG_KIOSK_DATA", None)

from torg_kiosk.ui.bootstrap import configure_kivy

configure_kivy(windowed=True, size=(1920, 1080))

import logging  # noqa: E402

from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.widget import Widget  # noqa: E402

from torg_kiosk.base.clock import OSLO  # noqa: E402
from torg_kiosk.base.settings import load_kiosk_config, load_site  # noqa: E402
from torg_kiosk.services import build_app, build_services  # noqa: E402
from torg_kiosk.ui.app import KioskApp  # noqa: E402


class KivyLog(logging.Handler):
    """Every record Kivy logs from the start of the session (``KIVY_LOG_MODE=PYTHON`` sends
    them to the ``kivy`` logger): tests look for warnings Kivy only logs."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


#: Installed before the app is built, so it holds what the start-up logged too.
KIVY_LOG = KivyLog()
logging.getLogger("kivy").addHandler(KIVY_LOG)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "screenshots"
PINNED_NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
SIZES = ((1920, 1080), (1080, 1920), (1280, 800))


class Driver:
    """Drives the real app frame by frame: taps, waits, window sizes, screenshots."""

    def __init__(self, app: KioskApp):
        self.app = app

    def frames(self, count: int = 3) -> None:
        for _ in range(count):
            EventLoop.idle()
        # Today reads its rows on a thread of its own: once they are in, as many frames again
        # to lay them out, so a test sees the rows its taps asked for on any machine.
        if getattr(self.screen, "loading", False):
            self.wait_until(lambda: not self.screen.loading, what="the screen's rows")
            for _ in range(count):
                EventLoop.idle()

    def wait_until(self, condition, timeout: float = 20.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what or condition}")
            EventLoop.idle()
            time.sleep(0.01)

    def tap(self, widget: Widget) -> None:
        """A real touch at the widget's centre, in window coordinates; fires on release."""
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        touch.touch_up()
        self.frames(2)

    def resize(self, width: int, height: int) -> None:
        Window.size = (width, height)
        self.wait_until(lambda: tuple(Window.size) == (width, height), what="the window size")
        # The X server needs a moment to hand the resized surface back; until then frames
        # read back black.
        for _ in range(10):
            self.frames(1)
            time.sleep(0.02)

    def show(self, name: str) -> None:
        self.app.go_home()
        if name != "home":
            self.app.go(name)
        self.frames(6)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.frames(3)
        # Draw into the back buffer and read it before the swap: after a swap its content
        # is undefined (it came back black now and then under Xvfb).
        Window.dispatch("on_draw")
        written = Path(Window.screenshot(name=str(SCREENSHOTS / f"{name}.png")))
        Window.dispatch("on_flip")
        final = SCREENSHOTS / f"{name}.png"
        written.replace(final)
        return final

    @property
    def screen(self):
        return self.app.manager.current_screen


@pytest.fixture
def arabic(ui):
    """The app in Arabic (right to left) for one test, back in Norsk after it."""
    ui.app.choose_language("ar")
    ui.frames(4)
    yield
    ui.app.choose_language("nb")
    ui.frames(4)


def walk(widget: Widget):
    """Every widget under ``widget``, itself included."""
    yield widget
    for child in widget.children:
        yield from walk(child)


@pytest.fixture(scope="session")
def kiosk_config(tmp_path_factory):
    data = tmp_path_factory.mktemp("kiosk-data")
    return replace(load_kiosk_config(), site="heggedal", data_dir=data)


@pytest.fixture(scope="session")
def ui(kiosk_config) -> Driver:
    """The app on the demo feed at the pinned time, after its first sync has landed."""
    services = build_services(kiosk_config, load_site("heggedal"), now=PINNED_NOW)
    app = build_app(services, windowed=True)
    app._run_prepare()  # App.run() without its blocking main loop: the tests drive frames
    # The privacy timer runs on a stopped clock here, so a slow machine can never pop up the
    # idle warning in the middle of another test; tests/ui/test_idle_ui.py drives its own.
    app.idle.clock = lambda: 0.0
    driver = Driver(app)
    driver.status_before_first_sync = app.status_text
    driver.wait_until(
        lambda: app.schedule is not None and app.status_text.startswith("Oppdatert"),
        what="the first sync to land on the screen",
    )
    driver.frames(10)
    yield driver
    app.sync.stop()
    app.stop()
