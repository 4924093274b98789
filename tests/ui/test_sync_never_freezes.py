"""A sync that hangs holds only its own thread: the screen keeps answering touches."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from torg_kiosk.base.settings import FeedConfig
from torg_kiosk.services import sync_loop

#: A screen switch counts as prompt when it shows within this many frames of the release.
PROMPT_FRAMES = 3


class HangingFeed(BaseHTTPRequestHandler):
    """Accepts the request, then says nothing until the test lets go."""

    arrived = threading.Event()
    release = threading.Event()

    def do_GET(self):
        HangingFeed.arrived.set()
        HangingFeed.release.wait(120)
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def hanging_server():
    HangingFeed.arrived.clear()
    HangingFeed.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), HangingFeed)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.json"
    HangingFeed.release.set()
    server.shutdown()
    server.server_close()


def tap_and_count_frames(ui, widget, screen_name: str) -> int:
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    for frame in range(1, 50):
        ui.frames(1)
        if ui.app.manager.current == screen_name:
            return frame
    return 50


def test_the_screen_answers_touches_while_the_sync_hangs(ui, kiosk_config, hanging_server):
    ui.resize(1920, 1080)
    ui.app.go_home()
    ui.frames()
    hanging = replace(kiosk_config, feed=FeedConfig(url=hanging_server, central_url=""))
    ui.app.run_sync(sync_loop(hanging, ui.app.site, ui.app.now))
    try:
        ui.wait_until(HangingFeed.arrived.is_set, what="the sync to reach the hanging server")
        for _ in range(5):
            home = ui.app.manager.get_screen("home")
            assert tap_and_count_frames(ui, home.ids.today_button, "today") <= PROMPT_FRAMES
            bar = ui.screen.ids.bar
            assert tap_and_count_frames(ui, bar.ids.home_button, "home") <= PROMPT_FRAMES
        assert ui.app.sync.busy.is_set()  # still waiting on the server the whole time
        assert ui.screen.ids.site_name.text == "Heggedal innbyggertorg"
    finally:
        HangingFeed.release.set()
        ui.app.run_sync(sync_loop(kiosk_config, ui.app.site, ui.app.now))
