"""Today: every activity of the day at this torg, with category filters."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk import present
from kiosk.i18n import N_
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import QuietButton


class CategoryButton(QuietButton):
    category = StringProperty("")


class TodayScreen(KioskScreen):
    title = StringProperty("")
    empty_text = StringProperty("")
    category = StringProperty("")  # "" is Alle

    def on_deactivate(self) -> None:
        self.category = ""

    def choose_category(self, category: str) -> None:
        self.category = category
        self.refresh()

    def refresh(self) -> None:
        app = self.app
        now, language, site = app.now(), app.language, app.site.id
        today_word = present.text(N_("I dag"), language)
        self.title = f"{today_word} – {present.day_text(now.date(), language)}"
        schedule = app.schedule
        if schedule is None:
            self.ids.rows.data = []
            self.empty_text = present.text(N_("Henter program …"), language)
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
        options = [("", present.text(N_("Alle"), language))] + [
            (category, present.category_text(category, language)) for category in categories
        ]
        for category, label in options:
            box.add_widget(
                CategoryButton(category=category, text=label, selected=category == self.category)
            )


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
