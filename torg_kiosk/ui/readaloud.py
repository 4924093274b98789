"""Read aloud: the "Les opp" button speaks the visible screen's main content with espeak-ng.

Each screen says what to read with ``spoken_text(language) -> str`` (the default reads the
screen's visible labels top to bottom). Any touch anywhere stops the speech, so a second tap
on the button starts again from the beginning. A language without an espeak-ng voice
(Somali) is never read with a wrong voice: the bottom bar says so instead.
"""

from __future__ import annotations

from kivy.app import App
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from torg_kiosk.domain.speech import Speaker, SpeakOutcome, no_voice_message


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
    """Reads the current screen; stops on any touch; reports languages without a voice."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker
        self.last_outcome: SpeakOutcome | None = None
        self.last_text = ""

    def start(self) -> None:
        Window.bind(on_touch_down=self._on_touch_down)

    def stop(self) -> None:
        Window.unbind(on_touch_down=self._on_touch_down)
        self.speaker.stop()

    def _on_touch_down(self, _window, _touch) -> bool:
        # Any touch interrupts; the touch itself still goes on to the widgets.
        self.speaker.stop()
        App.get_running_app().readaloud_notice = ""
        return False

    def read(self, screen: Widget, language: str) -> str:
        """Start reading ``screen``; returns the notice to show ("" when reading started)."""
        self.last_text = screen.spoken_text(language)
        self.last_outcome = self.speaker.speak(self.last_text, language)
        if self.last_outcome is SpeakOutcome.NO_VOICE:
            return no_voice_message(language)
        return ""
