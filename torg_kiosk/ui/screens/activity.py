"""Activity: everything about one occurrence, and a QR code to take it along."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from torg_kiosk.domain import present
from torg_kiosk.ui.screens.base import KioskScreen


class ActivityScreen(KioskScreen):
    key = StringProperty("")
    title = StringProperty("")
    when = StringProperty("")
    room = StringProperty("")
    organizer = StringProperty("")
    category_text = StringProperty("")
    registration = StringProperty("")
    description = StringProperty("")
    fallback_note = StringProperty("")
    link = StringProperty("")
    cancelled = BooleanProperty(False)

    def refresh(self) -> None:
        schedule = self.app.schedule
        occurrence = schedule.occurrence(self.key) if (schedule and self.key) else None
        if occurrence is None:
            self.title, self.when, self.link, self.fallback_note = "", "", "", ""
            return
        shown = present.detail(occurrence, self.app.language)
        self.title = shown["title"]
        self.when = f"{shown['day']}  {shown['time_text']}"
        self.room = shown["room"]
        self.organizer = shown["organizer"]
        self.category_text = shown["category_text"]
        self.registration = shown["registration"]
        self.description = shown["description"]
        self.fallback_note = shown["fallback_note"]
        self.cancelled = shown["cancelled"]
        self.link = shown["link"]  # the QR redraws only when the link changes
        self.ids.description_pages.show_offset(0)  # a new activity opens at its first page

    def spoken_text(self, language: str) -> str:
        """Title, time, room and description; "AVLYST" first when it is cancelled."""
        banner = self.ids.cancelled_banner.text if self.cancelled else ""
        parts = (banner, self.title, self.when, self.room, self.description)
        return ".\n".join(part for part in parts if part.strip())


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
