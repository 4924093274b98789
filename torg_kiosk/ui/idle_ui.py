"""The privacy timer on screen: the "Er du fortsatt her?" warning, its tone, and the reset.

:class:`IdleGuard` wires :class:`torg_kiosk.domain.idle.IdleTimer` and
:class:`torg_kiosk.domain.idle.VisitorState` into the app. Every touch anywhere (bound on the
window, before any widget sees it) restarts the timeout; after ``idle.timeout_seconds`` a
warning with a countdown and a big "Mer tid" button appears and a short tone plays; when the
warning runs out the kiosk goes home and forgets the visitor through the resets registered on
:attr:`IdleGuard.visitor`.

The clock is injectable (:attr:`IdleGuard.clock`, monotonic seconds), so tests drive
:meth:`IdleGuard.tick` with a fake time instead of sleeping.
"""

from __future__ import annotations

import logging
import math
import shlex
import struct
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from torg_kiosk.base.resources import asset
from torg_kiosk.base.settings import IdleConfig
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.idle import IdlePhase, IdleTimer, VisitorState

log = logging.getLogger(__name__)

TONE_PATH = asset("sounds", "idle-warning.wav")
TICK_SECONDS = 1
#: Two soft rising notes: noticeable without startling anyone in a quiet library.
TONE_NOTES = ((660.0, 0.18), (880.0, 0.28))
TONE_RATE = 22050
TONE_AMPLITUDE = 0.35


def tone_frames(rate: int = TONE_RATE) -> bytes:
    """The warning tone as 16-bit mono PCM; each note fades in and out so it does not click."""
    frames = bytearray()
    for frequency, seconds in TONE_NOTES:
        count = int(rate * seconds)
        fade = int(rate * 0.02)
        for index in range(count):
            envelope = min(1.0, index / fade, (count - index) / fade)
            sample = TONE_AMPLITUDE * envelope * math.sin(2 * math.pi * frequency * index / rate)
            frames += struct.pack("<h", round(sample * 32767))
    return bytes(frames)


def write_tone(path: Path = TONE_PATH) -> Path:
    """Write the warning tone as a WAV file (the shipped file is made with this)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(TONE_RATE)
        out.writeframes(tone_frames())
    return path


def play_tone(path: Path = TONE_PATH, player: str = "") -> bool:
    """Start the tone and return at once; False (and a log line, no error) when it cannot.

    ``player`` is a command that gets the file's path as its last argument (``idle.tone_player``
    in kiosk.toml, e.g. ``"aplay -q"``); True then means it started. Without one, Kivy's own
    audio plays the file, and False means it has no audio device.
    """
    if not path.is_file():
        log.warning("The idle warning tone %s is missing; showing the warning only.", path)
        return False
    if player:
        return _start_player(shlex.split(player), path)
    try:
        from kivy.core.audio import SoundLoader

        sound = SoundLoader.load(str(path))
        # Kivy's SDL2 loader hands back an empty sound (length 0) when the mixer has no device.
        if sound is None or not sound.length:
            log.info("No audio output for the idle warning tone; showing the warning only.")
            return False
        sound.play()
        return True
    except Exception as error:  # an audio stack without a device must not stop the warning
        log.info("The idle warning tone could not play (%s); showing the warning only.", error)
        return False


def _start_player(command: list[str], path: Path) -> bool:
    try:
        subprocess.Popen(
            [*command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        log.warning(
            "The idle warning tone player %r could not start (%s); showing the warning only. "
            "Check idle.tone_player in kiosk.toml.",
            shlex.join(command),
            error,
        )
        return False
    return True


def countdown_text(seconds: int, language: str) -> str:
    return tr(N_("Skjermen starter på nytt om {seconds} sekunder."), language, seconds=seconds)


class IdleWarning(ModalView):
    """The visible warning: a question, the countdown and a big "Mer tid" button."""

    countdown = StringProperty("")

    def __init__(self, guard: IdleGuard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def more_time(self) -> None:
        self.guard.more_time()


class IdleGuard:
    """Owns the idle timer, the warning popup and the visitor's resets."""

    def __init__(
        self,
        config: IdleConfig,
        *,
        on_reset: Callable[[], object],
        clock: Callable[[], float] = Clock.get_time,
        tone: Callable[[], object] = play_tone,
    ) -> None:
        self.clock = clock
        self.tone = tone
        self.visitor = VisitorState()
        self._on_reset = on_reset
        self.timer = IdleTimer.from_config(
            config, on_warning_started=self._show_warning, on_reset=self._reset
        )
        self.warning: IdleWarning | None = None
        self._ticker = None
        #: During a video call the browser has the visitor, who touches the meeting, not
        #: the kiosk: no warning, no reset (see :meth:`pause`).
        self.paused = False

    def start(self) -> None:
        Window.bind(on_touch_down=self._on_touch_down)
        self._ticker = Clock.schedule_interval(lambda _dt: self.tick(), TICK_SECONDS)

    def stop(self) -> None:
        Window.unbind(on_touch_down=self._on_touch_down)
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    @property
    def warning_shown(self) -> bool:
        return self.warning is not None

    def _on_touch_down(self, _window, _touch) -> bool:
        # Any touch counts as "still here"; returning False lets the touch go on to the widgets.
        self.timer.touched(self.clock())
        if self.warning is not None and self.timer.phase is not IdlePhase.WARNING:
            # Closed on the next frame, so the touch that extended still reaches the popup.
            Clock.schedule_once(lambda _dt: self._close_warning())
        return False

    def pause(self) -> None:
        """Hold the timer (a video call is on); :meth:`resume` starts a fresh timeout."""
        self.paused = True
        self._close_warning()

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self.timer.touched(self.clock())

    def tick(self) -> None:
        """Advance the timer to now and update the countdown; runs once a second."""
        if self.paused:
            return
        self.timer.tick(self.clock())
        if self.warning is not None:
            self._update_countdown()

    def more_time(self) -> None:
        self.timer.extend(self.clock())
        if self.timer.phase is not IdlePhase.WARNING:
            self._close_warning()

    def _update_countdown(self) -> None:
        seconds = self.timer.seconds_left(self.clock()) or 0
        self.warning.countdown = countdown_text(seconds, App.get_running_app().language)

    def _show_warning(self) -> None:
        if self.warning is None:
            self.warning = IdleWarning(self)
            self._update_countdown()
            self.warning.open(animation=False)
        self.tone()

    def _close_warning(self) -> None:
        if self.warning is not None:
            warning, self.warning = self.warning, None
            warning.dismiss(animation=False)

    def _reset(self) -> None:
        self._close_warning()
        self._on_reset()
        for failure in self.visitor.forget_visitor():
            log.error("Could not forget the visitor's %s: %s", failure.name, failure.error)


def guard_for(app, speaker) -> IdleGuard:
    """The app's guard, with a reset for everything a visitor can leave behind."""
    default_language = app.language
    player = app.kiosk.idle.tone_player
    guard = IdleGuard(app.kiosk.idle, on_reset=app.go_home, tone=lambda: play_tone(player=player))
    visitor = guard.visitor
    visitor.register("language", lambda: app.choose_language(default_language))
    visitor.register("large_text", lambda: setattr(app, "large_text", False))
    visitor.register("volume", speaker.reset)
    visitor.register("qr", lambda: _forget_activity(app))
    visitor.register("notice", lambda: setattr(app, "readaloud_notice", ""))
    visitor.register("closed_page", app.closed_page_back)
    return guard


def _forget_activity(app) -> None:
    """Drop the activity (and its QR link) the visitor last opened, and any open popup."""
    app.manager.get_screen("activity").key = ""
    app.manager.get_screen("activity").refresh()
    for child in list(Window.children):
        if isinstance(child, ModalView) and not isinstance(child, IdleWarning):
            child.dismiss(animation=False)


Builder.load_string("""
#:import _ torg_kiosk.domain.i18n.N_
#:import Window kivy.core.window.Window

<IdleWarning>:
    size_hint: None, None
    size: min(1000 * app.u, Window.width - 80 * app.u), 620 * app.u
    auto_dismiss: False
    background_color: 0, 0, 0, 0.55
    BoxLayout:
        orientation: 'vertical'
        padding: 56 * app.u, 48 * app.u
        spacing: 36 * app.u
        canvas.before:
            Color:
                rgba: app.c_surface
            RoundedRectangle:
                pos: self.pos
                size: self.size
                radius: [28 * app.u]
        WrapLabel:
            id: question
            text: app.tr(_('Er du fortsatt her?'), app.language)
            font_size: 64 * app.u
            bold: True
            halign: 'center'
        WrapLabel:
            id: countdown
            text: root.countdown
            font_size: 44 * app.u
            halign: 'center'
        Widget:
        BigButton:
            id: more_time
            text: app.tr(_('Mer tid'), app.language)
            font_size: 52 * app.u
            height: 160 * app.u
            on_release: root.more_time()
""")
