"""Staff mode: choose today's activity (the running one first), and the attendance view."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.domain.checkin_rules import count_text, door_order
from torg_kiosk.domain.clock_warning import clock_warning
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.present import span_text
from torg_kiosk.store.schedule import in_language
from torg_kiosk.ui.clock_warning_ui import ClockWarningBanner  # noqa: F401  (used in the kv)
from torg_kiosk.ui.screens.base import KioskScreen


class DoorRow(ButtonBehavior, BoxLayout):
    """One of today's activities: time, title, count; a tap opens it for scanning."""

    door = ObjectProperty(None, allownone=True)
    time_text = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")
    running = BooleanProperty(False)
    cancelled = BooleanProperty(False)
    tappable = BooleanProperty(True)


class _TodayList(KioskScreen):
    """Today's doors with their counts, read on the check-in worker."""

    empty = StringProperty("")
    total = NumericProperty(0)
    #: The desk's verdict on the kiosk's clock; the kv shows a warning when it is not trusted.
    clock_trust = ObjectProperty(None, allownone=True)
    warning_for = staticmethod(clock_warning)
    _shown: tuple = ()

    @property
    def staff(self):
        return self.app.staff

    def refresh(self) -> None:
        self.staff.refresh_material(lambda _m: self._read_counts())

    def on_deactivate(self) -> None:
        # Gone when the screen is next shown: no row from an earlier visit can be tapped.
        self.ids.rows.clear_widgets()
        self._shown = ()

    def _read_counts(self) -> None:
        from torg_kiosk.domain.checkin import admitted_counts

        material = self.staff.material
        doors = door_order(list(material.doors), self.app.now()) if material else []

        def count():
            return admitted_counts(self.staff.opened().outbox, doors)

        self.staff.run(count, lambda counts: self._show(doors, counts))

    def _show(self, doors, counts) -> None:
        if isinstance(counts, Exception):
            counts = {}
        self.clock_trust = self.staff.clock_trust
        language, now = self.app.language, self.app.now()
        rows = self.ids.rows
        running = [door.start <= now < door.end for door in doors]
        shown = (language, tuple(doors), tuple(sorted(counts.items())), tuple(running))
        if shown == self._shown and rows.children:
            return  # the same rows: rebuilding them could swallow a tap in progress
        self._shown = shown
        rows.clear_widgets()
        self.total = sum(counts.values())
        for door in doors:
            title, _fell_back = in_language(door.title, language)
            rows.add_widget(DoorRow(
                door=door,
                time_text=span_text(door.start, door.end),
                title=title or door.activity_id,
                count=count_text(counts.get((door.activity_id, door.occurrence), 0),
                                 door.capacity, language),
                running=door.start <= now < door.end,
                cancelled=door.cancelled,
                tappable=self.tappable,
                on_release=self.chosen,
            ))  # fmt: skip
        self.empty = "" if doors else tr(N_("Ingen aktiviteter her i dag."), language)

    tappable = True

    def chosen(self, row: DoorRow) -> None:
        """A row was tapped."""


class StaffChooseScreen(_TodayList):
    def chosen(self, row: DoorRow) -> None:
        self.staff.activity()
        self.app.manager.get_screen("staff_scan").open_door(row.door)


class StaffAttendanceScreen(_TodayList):
    tappable = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
