"""Snakk med kommunen: how to reach innbyggerservice until video calls exist."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from torg_kiosk.domain import hours_view
from torg_kiosk.ui.screens.base import KioskScreen


class ContactScreen(KioskScreen):
    staffed = StringProperty("")

    def refresh(self) -> None:
        app = self.app
        line = hours_view.staffed_line(app.site, app.now(), app.closures(), app.language)
        self.staffed = line.text


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
