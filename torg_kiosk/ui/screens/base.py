"""The small base every screen shares: refresh on the way in, activate/deactivate hooks."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen

from torg_kiosk.ui.readaloud import visible_text
from torg_kiosk.ui.widgets import BottomBar


class KioskScreen(Screen):
    """A screen that redraws its data with :meth:`refresh` whenever it is about to show.

    ``on_activate``/``on_deactivate`` start and stop per-screen timers, so a hidden screen
    costs nothing.
    """

    @property
    def app(self):
        return App.get_running_app()

    def on_pre_enter(self, *_args) -> None:
        self.app.refresh_screen(self)

    def on_enter(self, *_args) -> None:
        self.on_activate()

    def on_leave(self, *_args) -> None:
        self.on_deactivate()

    def refresh(self) -> None:
        """Show the current data; called on entry and when new data arrives."""

    def spoken_text(self, language: str) -> str:
        """What "Les opp" reads: by default every visible text above the bottom bar."""
        return visible_text(self, skip=(BottomBar,))

    def on_activate(self) -> None:
        """The screen is now visible."""

    def on_deactivate(self) -> None:
        """The screen is no longer visible."""
