"""Today: every activity of the day at this torg, with category filters."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty

from torg_kiosk.domain import paging, present
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.icons import category_icon
from torg_kiosk.ui.screens.base import KioskScreen
from torg_kiosk.ui.widgets import QuietButton


class CategoryButton(QuietButton):
    category = StringProperty("")


class TodayScreen(KioskScreen):
    title = StringProperty("")
    empty_text = StringProperty("")
    category = StringProperty("")  # "" is Alle

    def on_pre_enter(self, *args) -> None:
        super().on_pre_enter(*args)
        self.show_current_later()

    def on_deactivate(self) -> None:
        self.category = ""

    def choose_category(self, category: str) -> None:
        self.category = category
        self.refresh()
        self.show_current_later()

    def show_current_later(self) -> None:
        """Scroll to the first running or upcoming activity once the list has laid out.

        Not on every refresh: a sync landing while someone reads must not move their page.
        """
        # Two frames: the RecycleView lays its rows out in the frame after the data arrives.
        Clock.schedule_once(lambda _dt: Clock.schedule_once(self.show_current, 0), 0)

    def show_current(self, *_args) -> None:
        rows = self.ids.rows.data
        first = next((i for i, row in enumerate(rows) if not row.get("past")), 0)
        layout = self.ids.row_layout
        offset = paging.row_offset(
            first, layout.default_size[1], layout.spacing, padding_top=layout.padding[1]
        )
        self.ids.paged.show_offset(offset)

    def refresh(self) -> None:
        app = self.app
        now, language, site = app.now(), app.language, app.site.id
        today_word = tr(N_("I dag"), language)
        self.title = f"{today_word} – {present.day_text(now.date(), language)}"
        schedule = app.schedule
        if schedule is None:
            self.ids.rows.data = []
            self.empty_text = tr(N_("Henter program …"), language)
            self._fill_filters([], language)
            return
        categories = schedule.categories(site, now.date())
        if self.category not in categories:
            self.category = ""
        self._fill_filters(categories, language)
        items = schedule.today(site, now, category=self.category or None)
        self.ids.rows.data = [present.card(item, now, language) for item in items]
        if items:
            self.empty_text = ""
        else:
            upcoming = schedule.next_day_with_activities(site, now)
            self.empty_text = present.empty_day_text(upcoming, language)

    def speech_script(self, language: str):
        """How many activities today, then each as the list shows them."""
        from torg_kiosk.domain import read_aloud

        app = self.app
        if app.schedule is None:
            return None
        now = app.now()
        items = app.schedule.today(app.site.id, now, category=self.category or None)
        return read_aloud.today_script(items, now, language)

    _filters_shown = None

    def _fill_filters(self, categories: list[str], language: str) -> None:
        shown = (tuple(categories), language)
        if shown == self._filters_shown:
            for button in self.ids.filters.children:
                button.selected = button.category == self.category
            return
        self._filters_shown = shown
        box = self.ids.filters
        box.clear_widgets()
        if not categories:
            return
        options = [("", tr(N_("Alle"), language))] + [
            (category, present.category_text(category, language)) for category in categories
        ]
        for category, label in options:
            box.add_widget(
                CategoryButton(
                    category=category,
                    text=label,
                    icon=category_icon(category) if category else "",
                    selected=category == self.category,
                )
            )


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
