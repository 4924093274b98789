"""*Lag noe selv / Start an activity*: the torg's rooms, when each is free this week, and how
to book one. Made on first use (ui.lazy_screens)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.domain import rooms
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.ui.screens.base import KioskScreen


class RoomCard(BoxLayout):
    """One room: name, size, equipment, access, the week's free times, how to book."""

    name = StringProperty("")
    facts = StringProperty("")
    access = StringProperty("")
    days = ListProperty([])
    booking_url = StringProperty("")
    booking_text = StringProperty("")


class RoomsScreen(KioskScreen):
    def refresh(self) -> None:
        app = self.app
        now, language = app.now(), app.language
        box = self.ids.rooms_box
        box.clear_widgets()
        for room in app.site.rooms:
            if room.calendar is not None and app.schedule is not None:
                week = rooms.week(app.schedule, app.site, room, now, app.closures())
                days = [rooms.day_line(day, now.date(), language) for day in week]
            else:
                days = [tr(N_("Spør i skranken om når rommet er ledig."), language)]
            booking = (
                tr(N_("Skann for å bestille rommet"), language)
                if room.booking_url
                else (
                    tr(
                        N_("Bestill i skranken eller ring {phone}."),
                        language,
                        phone=app.site.innbyggerservice.phone,
                    )
                )
            )
            box.add_widget(
                RoomCard(
                    name=room.name.get(language),
                    facts=tr(N_("Plass til {count}"), language, count=room.capacity)
                    + " · "
                    + room.equipment.get(language),
                    access=room.accessibility.get(language),
                    days=days,
                    booking_url=room.booking_url or "",
                    booking_text=booking,
                )
            )


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
