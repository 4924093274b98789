"""The choices before a call: what it is about, the language, whether an interpreter.

One class for the three steps; the screen's name says which (``call_topic``,
``call_language``, ``call_interpreter``). The buttons are made from the call config and
the languages in Python; a tap hands the choice to the app's
:class:`~torg_kiosk.ui.call_flow.CallFlow`.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.calls.topics import BY_ID as TOPICS
from torg_kiosk.domain.i18n import LANGUAGES, N_, tr
from torg_kiosk.domain.i18n import language as language_info
from torg_kiosk.ui.icons import TopicIcon  # noqa: F401 (the kv draws it)
from torg_kiosk.ui.screens.base import KioskScreen

TITLES = {
    "call_topic": N_("Hva gjelder det?"),
    "call_language": N_("Hvilket språk vil du snakke?"),
    "call_interpreter": N_("Trenger du tolk?"),
}
HINTS = {
    "call_topic": N_("Velg det som passer best. Du kan forklare mer i samtalen."),
    "call_language": N_("Saksbehandleren snakker norsk. På andre språk kan kommunen skaffe tolk."),
    "call_interpreter": N_("Kommunen skaffer en tolk som er med i samtalen. Det er gratis."),
}


class ChoiceButton(ButtonBehavior, BoxLayout):
    """One choice: an icon (or none) and its text; ``value`` is what the flow gets."""

    value = StringProperty("")
    text = StringProperty("")
    icon = StringProperty("")
    #: The font family the text is drawn in (a language named in itself uses its own).
    font_family = StringProperty("")
    selected = BooleanProperty(False)


class CallChoiceScreen(KioskScreen):
    title = StringProperty("")
    hint = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.buttons: dict[str, ChoiceButton] = {}
        self._shown: list[tuple[str, str, str, str]] | None = None

    def refresh(self) -> None:
        app = self.app
        self.title = tr(TITLES[self.name], app.language)
        self.hint = tr(HINTS[self.name], app.language)
        options = self.options()
        if options == self._shown:
            return  # the same buttons as last time: a tap shows the screen without building
        self._shown = options
        grid = self.ids.options
        grid.clear_widgets()
        self.buttons = {}
        for value, text, icon, family in options:
            button = ChoiceButton(value=value, text=text, icon=icon, font_family=family)
            button.bind(on_release=lambda b: self.choose(b.value))
            self.buttons[value] = button
            grid.add_widget(button)

    def options(self) -> list[tuple[str, str, str, str]]:
        """(value, text, icon, font family) for each button of this step."""
        app = self.app
        if self.name == "call_topic":
            return [
                (topic, tr(TOPICS[topic].msgid, app.language), TOPICS[topic].icon, "")
                for topic in app.call_flow.config.topics
            ]
        if self.name == "call_language":
            return [(lang.code, lang.native_name, "", f"kiosk-{lang.code}") for lang in LANGUAGES]
        spoken = language_info(app.call_flow.language or app.language).native_name
        return [
            ("yes", tr(N_("Ja, jeg vil ha tolk ({language})"), app.language, language=spoken),
             "", ""),
            ("no", tr(N_("Nei, takk"), app.language), "", ""),
        ]  # fmt: skip

    def choose(self, value: str) -> None:
        flow = self.app.call_flow
        if self.name == "call_topic":
            flow.choose_topic(value)
        elif self.name == "call_language":
            flow.choose_language(value)
        else:
            flow.choose_interpreter(value == "yes")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
