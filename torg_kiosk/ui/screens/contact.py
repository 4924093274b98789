"""Snakk med kommunen: how to reach innbyggerservice until video calls exist."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from torg_kiosk.domain import present
from torg_kiosk.ui.screens.base import KioskScreen


class ContactScreen(KioskScreen):
    staffed = StringProperty("")

    def speech_script(self, language: str):
        """When the staff are in, and the number to call."""
        from torg_kiosk.domain import read_aloud

        return read_aloud.contact_script(self.app.site, self.app.now(), language)

    def refresh(self) -> None:
        app = self.app
        hours = app.site.innbyggerservice.staffed_hours
        self.staffed = present.staffed_text(hours, app.now(), app.language)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
