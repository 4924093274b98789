"""A ScreenManager that makes each screen on first use, so the first frame waits for Home only.

A screen's module (and so its ``.kv``) is imported when the screen is first made. The app
asks for Home at once and for the rest after the first frame (:meth:`LazyScreens.make_next`,
one per frame), so by the time a visitor taps a button the screen behind it is ready.
"""

from __future__ import annotations

import importlib

from kivy.uix.screenmanager import Screen, ScreenManager


class LazyScreens(ScreenManager):
    """``classes`` maps a screen name to ``"module:ClassName"``; the first one is shown first."""

    def __init__(self, classes: dict[str, str], **kwargs):
        self._classes = dict(classes)
        super().__init__(**kwargs)

    def get_screen(self, name: str) -> Screen:
        """The screen ``name``, made now if it is one of ours and not made yet."""
        if name in self._classes and not self.has_screen(name):
            self.add_widget(self._make(name))
        return super().get_screen(name)

    @property
    def unmade(self) -> list[str]:
        """Names of the screens not made yet, in the order given."""
        return [name for name in self._classes if not self.has_screen(name)]

    def make_next(self) -> bool:
        """Make the next screen not made yet; False when every screen exists."""
        remaining = self.unmade
        if remaining:
            self.get_screen(remaining[0])
        return len(remaining) > 1

    def _make(self, name: str) -> Screen:
        module, class_name = self._classes[name].split(":")
        return getattr(importlib.import_module(module), class_name)(name=name)
