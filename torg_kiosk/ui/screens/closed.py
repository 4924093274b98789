"""The calm page outside opening hours: closed, when it opens, how to reach the kommune now,
what is on next. A touch anywhere shows the normal screens (Home) until the visit is over.

Made on first use (ui.lazy_screens): the app shows it from Home while the torg is closed and
no visitor has touched the screen since the last visit ended (``KioskApp.closed_page_due``).
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty

from torg_kiosk.domain import hours_view, upcoming
from torg_kiosk.ui.screens.base import KioskScreen
from torg_kiosk.ui.widgets import MirrorBox

#: Where anyone can reach the kommune at any hour.
KOMMUNE_WEB = "www.asker.kommune.no"


class ClosedScreen(KioskScreen):
    torg_hours = StringProperty("")
    staffed = StringProperty("")
    web = StringProperty(KOMMUNE_WEB)
    #: The next activities: ``{"when": "i morgen 10:00", "title": …, "place": …}``.
    next_rows = ListProperty([])

    def refresh(self) -> None:
        app = self.app
        now, language, closures = app.now(), app.language, app.closures()
        self.torg_hours = hours_view.torg_line(app.site, now, closures, language).text
        self.staffed = hours_view.staffed_line(app.site, now, closures, language).text
        rows = []
        if app.schedule is not None:
            views = upcoming.next_activities(app.schedule, app.site.id, now)
            rows = [upcoming.row(view, now, language) for view in views]
        self.next_rows = rows

    def on_next_rows(self, _screen, rows: list[dict]) -> None:
        box = self.ids.closed_next
        box.clear_widgets()
        for row in rows:
            box.add_widget(ClosedNextRow(when=row["when"], title=row["title"], place=row["place"]))

    def on_touch_up(self, touch) -> bool:
        if self.collide_point(*touch.pos):
            self.app.closed_page_dismissed()
            return True
        return super().on_touch_up(touch)


class ClosedNextRow(MirrorBox):
    """One coming activity: *i morgen 10:00*, its title and room."""

    when = StringProperty("")
    title = StringProperty("")
    place = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
