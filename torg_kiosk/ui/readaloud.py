"""Read aloud: the "Les opp" button speaks the visible screen's main content with espeak-ng.

A screen with ``speech_script(language)`` (Home, Today, an activity, Contact) is read from
its view models (:mod:`torg_kiosk.domain.read_aloud`): a short summary, then the items, as
SSML so every phrase has its own language's voice. The first tap reads what fits in about
20 seconds; the button then says *Les mer* and the next tap reads the rest. Other screens
read their visible labels top to bottom (``spoken_text``).

The parts are spoken one after the other, and the row being read (``app.reading_key``, the
part's key) is outlined on the screen. While it speaks the bottom bar says *Leser opp …*
and the button *Stopp opplesing*; any
touch anywhere stops it (that touch does not start it again). When espeak-ng could not be
heard (no sound device: it exits 0 and only complains on stderr), the bar says so in words
and the log has why. A language without an espeak-ng voice (Somali) is never read with a
wrong voice: the bar says so instead.
"""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from torg_kiosk.domain.i18n import tr
from torg_kiosk.domain.read_aloud import (
    READING_NOTICE,
    SOUND_FAILED_NOTICE,
    Script,
    first_reading,
    more_reading,
    ssml,
)
from torg_kiosk.domain.speech import Speaker, SpeakOutcome, no_voice_message

log = logging.getLogger(__name__)

#: How often the screen looks whether espeak-ng has finished.
POLL_SECONDS = 0.3


def visible_text(root: Widget, skip: tuple[type, ...] = ()) -> str:
    """The text of every visible label under ``root``, top to bottom and left to right."""
    found = []

    def walk(widget: Widget) -> None:
        if widget.opacity == 0 or isinstance(widget, skip):
            return
        # Button words are not content; a button's label is what the finger finds, not reads.
        is_button = isinstance(widget, ButtonBehavior)
        if isinstance(widget, Label) and not is_button and widget.text.strip():
            x, y = widget.to_window(widget.x, widget.top)
            found.append((-round(y), round(x), widget.text.strip()))
        for child in widget.children:
            walk(child)

    walk(root)
    lines = []
    for _y, _x, text in sorted(found):
        if text not in lines:
            lines.append(text)
    return ".\n".join(lines)


class ReadAloud:
    """Reads the current screen; stops on any touch; says when it cannot be heard."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker
        self.last_outcome: SpeakOutcome | None = None
        self.last_text = ""
        self._more = None
        self._more_screen = None
        #: The touch going on now stopped the speech: its release starts nothing.
        self._stopped_by_this_touch = False
        self._poll = None
        self._language = "nb"
        #: The parts of the reading still to speak, after the one being spoken.
        self._queue = []

    def start(self) -> None:
        Window.bind(on_touch_down=self._on_touch_down, on_touch_up=self._on_touch_up)

    def stop(self) -> None:
        Window.unbind(on_touch_down=self._on_touch_down, on_touch_up=self._on_touch_up)
        self.speaker.stop()

    def _on_touch_down(self, _window, _touch) -> bool:
        # Any touch interrupts; the touch itself still goes on to the widgets.
        app = App.get_running_app()
        if self.speaker.is_speaking:
            self._stopped_by_this_touch = True
        self.speaker.stop()
        self._finished(app)
        app.readaloud_notice = ""
        return False

    def _on_touch_up(self, _window, _touch) -> bool:
        # After the widgets had the release (the button's on_release runs inside it).
        Clock.schedule_once(self._touch_over, 0)
        return False

    def _touch_over(self, _dt) -> None:
        self._stopped_by_this_touch = False

    def read(self, screen: Widget, language: str) -> str:
        """Start reading ``screen``; returns the notice to show."""
        app = App.get_running_app()
        if self._stopped_by_this_touch:
            self._stopped_by_this_touch = False
            return ""  # this tap was *Stopp opplesing*
        self._language = language
        script_of = getattr(screen, "speech_script", None)
        script = script_of(language) if script_of is not None else None
        if script is None:
            self._more = None
            self.last_text = screen.spoken_text(language)
            self.last_outcome = self.speaker.speak(self.last_text, language)
        else:
            if self._more is not None and self._more_screen is screen:
                reading, self._more = self._more, None
            else:
                reading, rest = first_reading(script), more_reading(script)
                self._more = rest if rest.parts else None
                self._more_screen = screen
            self.last_text = reading.text
            # One part at a time, so the screen can mark the item being read.
            self._queue = list(reading.parts)
            self.last_outcome = self._speak_next(app)
        app.more_to_read = self._more is not None
        if self.last_outcome is SpeakOutcome.NO_VOICE:
            return no_voice_message(language)
        if self.last_outcome is not SpeakOutcome.STARTED:
            return ""
        app.reading = True
        if self._poll is None:
            self._poll = Clock.schedule_interval(self._check, POLL_SECONDS)
        return tr(READING_NOTICE, language)

    def _speak_next(self, app) -> SpeakOutcome:
        """Start the next part of the reading, and mark its row (``app.reading_key``)."""
        part = self._queue.pop(0)
        app.reading_key = part.key
        return self.speaker.speak_ssml(ssml(Script((part,)), self._language), self._language)

    def forget(self, *_args) -> None:
        """Another screen, or the visitor left: nothing more to read from the last one."""
        self._more = None
        App.get_running_app().more_to_read = False

    def _check(self, _dt) -> None:
        if self.speaker.is_speaking:
            return
        app = App.get_running_app()
        failure = self.speaker.failure()
        if not failure and self._queue:
            if self._speak_next(app) is SpeakOutcome.STARTED:
                return
            failure = self.speaker.failure() or "espeak-ng did not start for the next part"
        self._finished(app)
        if failure:
            log.error("Read-aloud could not be heard: %s", failure)
            app.readaloud_notice = tr(SOUND_FAILED_NOTICE, self._language)
        elif app.readaloud_notice == tr(READING_NOTICE, self._language):
            app.readaloud_notice = ""

    def _finished(self, app) -> None:
        self._queue = []
        app.reading = False
        app.reading_key = ""
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
