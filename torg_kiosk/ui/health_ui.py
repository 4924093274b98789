"""The screen's own health: systemd's watchdog, the visual watchdog, pictures of Home, and
the heartbeat's start.

- :class:`~torg_kiosk.ui.frame_watchdog.FrameWatchdog` answers systemd (READY, WATCHDOG).
- **Visual watchdog**: once a minute, while Home shows its clock, the frame just drawn is
  read back (in ``on_flip``, before the swap, when the back buffer holds it) and compared on
  a worker thread with the previous one. When the minute on the clock has moved on and the
  picture has not, twice in a row, the screen is stuck: ``watchdog_frozen`` in the journal
  and ``frames_stuck`` in the heartbeat, until the picture moves again. Not while resting.
- **Pictures of Home** for the fleet page: every :data:`PICTURE_SECONDS`, only while Home is
  the screen, nothing is open over it (a language picker, the idle warning) and the screen
  is on (not resting, not in a call); scaled to :data:`PICTURE_SIDE` and JPEG-encoded on
  the worker thread, then posted to the :class:`~torg_kiosk.base.health_board.HealthBoard`.
- The heartbeat's thread starts after the first frame, like the sync's.

The only work on the UI thread is one ``glReadPixels`` a minute.
"""

from __future__ import annotations

import hashlib
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

from torg_kiosk.base.clock import utc_text
from torg_kiosk.base.health_board import IN_CALL, ON, RESTING, ScreenPicture
from torg_kiosk.base.journal import event
from torg_kiosk.ui.frame_watchdog import FrameWatchdog

log = logging.getLogger(__name__)

LOOK_SECONDS = 60
PICTURE_SECONDS = 240
#: The picture's longer side in pixels, and the most bytes it may take (its base64 must fit
#: the uploads' 64 KiB limit with the rest of the body).
PICTURE_SIDE = 480
PICTURE_MAX_BYTES = 40_000
#: Looks in a row with the minute moved on and the picture not, before the screen is stuck.
STUCK_AFTER = 2


class VisualWatchdog:
    """Decides from (minute shown, picture hash) pairs whether the screen is stuck."""

    def __init__(self, stuck_after: int = STUCK_AFTER):
        self.stuck_after = stuck_after
        self._last: tuple[str, bytes] | None = None
        self.unchanged = 0
        self.stuck = False

    def look(self, minute: str, digest: bytes) -> bool | None:
        """Record one look; True/False when the stuck state changes, else None."""
        last, self._last = self._last, (minute, digest)
        if last is None:
            return None
        if digest != last[1]:
            self.unchanged = 0
            if self.stuck:
                self.stuck = False
                return False
            return None
        if minute != last[0]:
            self.unchanged += 1
        if not self.stuck and self.unchanged >= self.stuck_after:
            self.stuck = True
            return True
        return None

    def forget(self) -> None:
        """Start afresh (after resting, a language switch, another screen)."""
        self._last = None
        self.unchanged = 0


class KioskHealth:
    """Everything above, for one app; ``start()`` in ``on_start``, ``stop()`` in ``on_stop``."""

    def __init__(
        self, app, *, look_seconds: float = LOOK_SECONDS, picture_seconds: float = PICTURE_SECONDS
    ):
        self.app = app
        self.board = app.services.board
        self.frames = FrameWatchdog(app.services.notifier)
        self.visual = VisualWatchdog()
        self.look_seconds = look_seconds
        self.picture_seconds = picture_seconds
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screen-health")
        self._want: set[str] = set()
        self._events = []
        self._last_picture_at = float("-inf")
        self._heartbeat = None

    def start(self) -> None:
        self.frames.start()
        Window.bind(on_flip=self._on_flip)
        self._events.append(Clock.schedule_interval(self._ask_for_look, self.look_seconds))
        Window.bind(on_flip=self._after_first_frame)

    def _after_first_frame(self, *_args) -> None:
        Window.unbind(on_flip=self._after_first_frame)
        heartbeat = getattr(self.app.services, "heartbeat", None)
        if heartbeat is not None:
            self._heartbeat = heartbeat.start()

    def stop(self) -> None:
        self.frames.stop()
        Window.unbind(on_flip=self._on_flip)
        Window.unbind(on_flip=self._after_first_frame)
        for scheduled in self._events:
            scheduled.cancel()
        self._events.clear()
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        self._worker.shutdown(wait=True, cancel_futures=True)

    # -- when to look -------------------------------------------------------------------------

    def home_is_showing(self) -> bool:
        manager = self.app.manager
        nothing_over_it = len(Window.children) <= 1  # a ModalView is a second window child
        return (
            manager is not None
            and manager.current == "home"
            and nothing_over_it
            and self.board.read().screen == ON
        )

    def screen_state(self) -> None:
        """Post ``in_call`` while a call's screen shows (its name starts with ``call``), else
        ``on``; resting is the resting controller's to post."""
        board, manager = self.board, self.app.manager
        if board.read().screen == RESTING or manager is None:
            return
        in_call = manager.current.startswith("call")
        board.post(screen=IN_CALL if in_call else ON)

    def _ask_for_look(self, _dt=None) -> None:
        self.screen_state()
        if not self.home_is_showing():
            self.visual.forget()
            return
        self._want.add("look")
        if Clock.get_boottime() - self._last_picture_at >= self.picture_seconds:
            self._want.add("picture")
        Window.canvas.ask_update()

    def look_now(self, *, picture: bool = False) -> None:
        """Ask for a look (and a picture) at the next frame: for tests and the soak."""
        self._want.add("look")
        if picture:
            self._want.add("picture")
        Window.canvas.ask_update()

    # -- reading the frame back ---------------------------------------------------------------

    def _on_flip(self, *_args) -> None:
        if not self._want or not self.home_is_showing():
            self._want.clear()
            return
        wanted, self._want = self._want, set()
        width, height = (int(side) for side in Window.size)
        pixels = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
        minute = self.app.now().strftime("%Y-%m-%d %H:%M")
        if "picture" in wanted:
            self._last_picture_at = Clock.get_boottime()
        self._worker.submit(self._examine, pixels, width, height, minute, "picture" in wanted)

    def _examine(self, pixels: bytes, width: int, height: int, minute: str, picture: bool):
        """On the worker thread: hash the frame, and make the picture if one was asked for."""
        digest = hashlib.blake2b(pixels, digest_size=16).digest()
        jpeg = _jpeg(pixels, width, height) if picture else None
        Clock.schedule_once(lambda _dt: self._examined(minute, digest, jpeg))

    def _examined(self, minute: str, digest: bytes, jpeg: bytes | None) -> None:
        if jpeg is not None:
            self.board.post(picture=ScreenPicture(jpeg, utc_text(datetime.now(UTC))))
        change = self.visual.look(minute, digest)
        if change is True:
            self.board.post(frames_stuck=True)
            event(
                log,
                "watchdog_frozen",
                "The screen's picture stopped changing although its clock should have moved on.",
                level=logging.ERROR,
                minute=minute,
            )
        elif change is False:
            self.board.post(frames_stuck=False)
            event(log, "watchdog_recovered", minute=minute)


def _jpeg(pixels: bytes, width: int, height: int) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGBA", (width, height), pixels).convert("RGB")
    image = image.transpose(Image.FLIP_TOP_BOTTOM)
    scale = PICTURE_SIDE / max(width, height)
    image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))))
    for quality in (70, 50, 35):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= PICTURE_MAX_BYTES:
            break
    return out.getvalue()
