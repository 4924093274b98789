"""Snakk med kommunen: how to reach innbyggerservice until video calls exist."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from torg_kiosk.domain import present
from torg_kiosk.ui.screens.base import KioskScreen


class ContactScreen(KioskScreen):
    staffed = StringProperty("")

    def refresh(self) -> None:
        app = self.app
        hours = app.site.innbyggerservice.staffed_hours
        self.staffed = present.staffed_text(hours, app.now(), app.language)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
