"""Week: the next seven days at this torg, day by day, compact."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.domain import present
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.ui.screens.base import KioskScreen
from torg_kiosk.ui.widgets import LineLabel

#: A week is an overview: a busy day shows its first this many, then how many more there are.
ROWS_PER_DAY = 30


class WeekDayHeading(LineLabel):
    """``fredag 4. desember``."""


class WeekRow(ButtonBehavior, BoxLayout):
    key = StringProperty("")
    time_text = StringProperty("")
    title = StringProperty("")
    marker = StringProperty("")
    cancelled = BooleanProperty(False)

    def open_activity(self) -> None:
        if self.key:
            App.get_running_app().show_activity(self.key)


class WeekScreen(KioskScreen):
    def refresh(self) -> None:
        app = self.app
        now, language = app.now(), app.language
        schedule = app.schedule
        if schedule is None or not app.has_programme:
            self.ids.rows.data = [{"viewclass": "WeekDayHeading", "text": app.programme_notice}]
            return
        rows: list[dict] = []
        days = schedule.days_ahead(app.site.id, now, per_day=ROWS_PER_DAY)
        for day, items in days.items():
            rows.append({"viewclass": "WeekDayHeading", "text": present.day_text(day, language)})
            for item in items:
                shown = present.card(item, now, language, day)
                continues = item.continues_from_before(day)
                if item.cancelled:
                    marker = tr(N_("AVLYST"), language)
                else:
                    marker = tr(N_("fortsetter"), language) if continues else ""
                rows.append(
                    {
                        "viewclass": "WeekRow",
                        "key": shown["key"],
                        "time_text": "" if continues else present.clock_text(item.start),
                        "title": shown["title"],
                        "marker": marker,
                        "cancelled": item.cancelled,
                    }
                )
            if len(items) == ROWS_PER_DAY:
                more = schedule.day_list(app.site.id, day).count() - ROWS_PER_DAY
                if more > 0:
                    rows.append(
                        {
                            "viewclass": "WeekRow",
                            "key": "",
                            "time_text": "",
                            "title": tr(N_("og {count} til"), language, count=more),
                            "marker": "",
                            "cancelled": False,
                        }
                    )
            if not items:
                rows.append(
                    {
                        "viewclass": "WeekRow",
                        "key": "",
                        "time_text": "",
                        "title": tr(N_("Ingen aktiviteter"), language),
                        "marker": "",
                        "cancelled": False,
                    }
                )
        self.ids.rows.data = rows


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
