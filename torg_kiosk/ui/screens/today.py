"""Today: every activity of the day at this torg, with category filters.

A day can hold tens of thousands of activities, so the list holds a window of them
(:mod:`torg_kiosk.domain.day_rows`): the RecycleView gets the cards around what is shown,
and the rows above and below the window are its layout's padding, so the list is as tall as
the whole day and scrolls, pages and shows its bar as one. The window is read on the day
reader's thread and follows the scroll position; a refresh reads only when the data or the
minute moved, and then builds one window of cards, never the whole day.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from torg_kiosk.domain import paging, present
from torg_kiosk.domain.day_rows import WINDOW_ROWS, DayAnswer, DayReader, DayRequest, DayRows
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.icons import category_icon
from torg_kiosk.store.database import StoreError
from torg_kiosk.ui.screens.base import KioskScreen
from torg_kiosk.ui.widgets import QuietButton


class CategoryButton(QuietButton):
    category = StringProperty("")


class TodayScreen(KioskScreen):
    title = StringProperty("")
    empty_text = StringProperty("")
    category = StringProperty("")  # "" is Alle
    #: Rows of the day above and below the cards the list holds (drawn as padding).
    rows_before = NumericProperty(0)
    rows_after = NumericProperty(0)
    #: How many activities the list has, in the chosen category.
    total = NumericProperty(0)
    #: A read is on its way; the rows on screen are the ones before it.
    loading = BooleanProperty(False)
    #: Cards handed to the list so far: what refreshes cost, for tests and benchmarks.
    cards_built = NumericProperty(0)

    _reader: DayReader | None = None
    _latest: DayRequest | None = None
    _shown: DayRows | None = None
    # What the rows shown (or asked for) were read with: a refresh with the same reads nothing.
    _stamp: tuple | None = None

    def speech_script(self, language: str):
        """How many activities today, then each as the list shows them."""
        from torg_kiosk.domain import read_aloud

        app = self.app
        if app.schedule is None or not app.has_programme:
            return None
        now = app.now()
        items = app.schedule.today(app.site.id, now, category=self.category or None)
        return read_aloud.today_script(items, now, language)

    _filters_shown = None

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        self._trigger_follow = Clock.create_trigger(self._follow_view, -1)
        self.ids.rows.bind(scroll_y=self._trigger_follow, height=self._trigger_follow)
        # Made after the first frame, before anyone taps: the reader counts the day and
        # finds its categories now, so the first visit waits only for its page.
        if self._has_programme():
            self._load(around_current=True)

    def on_pre_enter(self, *_args) -> None:
        self._load(around_current=True)

    def on_deactivate(self) -> None:
        self.category = ""

    def choose_category(self, category: str) -> None:
        self.category = category
        self._load(around_current=True)

    def refresh(self) -> None:
        """Show the current data; reads only if the data, the minute or the words changed.

        It keeps the visitor's place: only opening Today and choosing a category scroll to
        the first running or upcoming activity (a sync landing must not move their page).
        """
        if self._stamp is not None and self._stamp == self._stamp_now():
            return
        self._load(around_current=False)

    # -- asking ------------------------------------------------------------------------------

    def _stamp_now(self) -> tuple | None:
        app = self.app
        schedule = app.schedule
        if schedule is None:
            return None
        now = app.now()
        return (schedule.path, schedule.schedule_version(), now.replace(second=0, microsecond=0),
                app.language, app.site.id, self.category, app.programme_notice)  # fmt: skip

    def _has_programme(self) -> bool:
        return self.app.schedule is not None and self.app.has_programme

    def _load(self, *, around_current: bool) -> None:
        app = self.app
        now, language = app.now(), app.language
        today_word = tr(N_("I dag"), language)
        self.title = f"{today_word} – {present.day_text(now.date(), language)}"
        if not self._has_programme():
            # None to read, or none yet: say why, as Home, the week and the status line do.
            self._stamp = self._latest = self._shown = None
            self.loading = False
            self._show_cards([], first=0, total=0)
            self.empty_text = app.programme_notice
            self._fill_filters([], language)
            return
        self._stamp = self._stamp_now()
        first = None if around_current else self._window_wanted()
        self._ask(first)

    def _ask(self, first: int | None, *, following: bool = False) -> None:
        """Ask the reader for a window from row ``first`` (None: around the current one).

        ``following``: the same list scrolled on, so a row held can be paged on from.
        """
        app = self.app
        shown = self._shown
        anchor = None
        if following and shown is not None and first is not None:
            anchor = shown.anchor_for(first) if shown.category == self.category else None
        now = app.now()
        request = DayRequest(
            db_path=app.schedule.path,
            site=app.site.id,
            day=now.date(),
            category=self.category,
            now=now,
            language=app.language,
            first=first,
            size=self._window_size(),
            anchor=anchor,
        )
        if self._reader is None:
            self._reader = DayReader(self._delivered_on_reader)
        self._latest = request
        self.loading = True
        self._reader.request(request)

    def _delivered_on_reader(self, request: DayRequest, rows: DayAnswer) -> None:
        # Runs on the reader's thread: hand over to the UI thread and do nothing else here.
        Clock.schedule_once(lambda _dt: self._delivered(request, rows))

    # -- showing -----------------------------------------------------------------------------

    def _delivered(self, request: DayRequest, rows: DayAnswer) -> None:
        if request is not self._latest:
            return  # a newer request is on its way
        self.loading = False
        if isinstance(rows, StoreError):
            self.app.schedule_failed(rows)  # the app says it and redraws this screen
            return
        if rows is None:
            self._stamp = None  # the read failed: the next refresh asks again
            return
        self._shown = rows
        if rows.category != self.category:
            self.category = rows.category
        language = request.language
        self._fill_filters(rows.categories, language)
        self._show_cards(rows.cards, first=rows.first, total=rows.total)
        self.empty_text = rows.empty_text
        if rows.current is not None:
            # Two frames: the RecycleView lays its rows out in the frame after the data.
            current = rows.current
            Clock.schedule_once(lambda _dt: Clock.schedule_once(lambda _dt: self._show(current)))
        else:
            self._trigger_follow()

    def _show_cards(self, cards: list[dict], *, first: int, total: int) -> None:
        self.total = total
        self.rows_before = first
        self.rows_after = max(0, total - first - len(cards))
        self.ids.rows.data = cards
        self.cards_built += len(cards)

    def _show(self, index: int) -> None:
        """Scroll so row ``index`` of the day is at the top (or the list at its end)."""
        layout = self.ids.row_layout
        offset = paging.row_offset(index, layout.default_size[1], layout.spacing)
        self.ids.paged.show_offset(offset)

    # -- following the scroll ----------------------------------------------------------------

    def _row_step(self) -> float:
        layout = self.ids.row_layout
        return layout.default_size[1] + layout.spacing

    def _rows_in_view(self) -> tuple[int, int]:
        rv = self.ids.rows
        return paging.rows_in_view(rv.viewport_size[1], rv.height, rv.scroll_y, self._row_step())

    def _window_size(self) -> int:
        # Room for a page above and a page below what is shown, however tall the screen.
        return max(WINDOW_ROWS, 3 * self._rows_in_view()[1] + 2)

    def _window_wanted(self) -> int:
        first_shown, shown = self._rows_in_view()
        return paging.window_around(first_shown, shown, int(self.total), self._window_size())

    def _follow_view(self, *_args) -> None:
        """Read another window when the rows shown come near the edge of the one held."""
        shown = self._shown
        if shown is None or self._latest is None:
            return
        if self.loading and self._latest.first is None:
            return  # Today is opening at the current activity: that read decides the place
        first_shown, count = self._rows_in_view()
        total = int(self.total)
        held = paging.window_covers(
            shown.first, len(shown.cards), first_shown, count, total, margin=count
        )
        if held:
            return
        wanted = paging.window_around(first_shown, count, total, self._window_size())
        if self.loading and self._latest.first == wanted:
            return
        self._ask(wanted, following=True)

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
