"""Activity: everything about one occurrence, and a QR code to take it along."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import AliasProperty, BooleanProperty, StringProperty

from torg_kiosk.domain import present
from torg_kiosk.domain.take_along import take_along
from torg_kiosk.ui.screens.base import KioskScreen

#: The most lines the title takes; a longer one ends in "…" and is shown whole at the top of
#: the description. Fewer when the description would have no room left (see _fit_title).
MAX_TITLE_LINES = 3
#: Lines of the description that stay in view beside or above its page buttons.
MIN_DESCRIPTION_LINES = 3


class ActivityScreen(KioskScreen):
    key = StringProperty("")
    title = StringProperty("")
    when = StringProperty("")
    room = StringProperty("")
    organizer = StringProperty("")
    category_text = StringProperty("")
    registration = StringProperty("")
    #: The activity needs signing up for (the registration line's icon says which).
    registration_required = BooleanProperty(False)
    description = StringProperty("")
    fallback_note = StringProperty("")
    #: What the QR code carries (domain.take_along): a link, or a VEVENT; "" for none.
    link = StringProperty("")
    #: What the code does (*Skann for å melde deg på*) and the link printed under it.
    qr_caption = StringProperty("")
    short_link = StringProperty("")
    cancelled = BooleanProperty(False)
    #: *Meld meg på* is offered: the activity needs registration and has not ended.
    can_sign_up = BooleanProperty(False)
    #: The title label had to shorten the title (set by the label, see activity.kv).
    title_cut = BooleanProperty(False)

    def _get_shown_description(self) -> str:
        if not self.title_cut:
            return self.description
        return f"{self.title}\n\n{self.description}" if self.description else self.title

    #: What the scrolling area shows: the description, after the whole title if it was cut.
    shown_description = AliasProperty(
        _get_shown_description, bind=("title", "description", "title_cut"), cache=True
    )

    def refresh(self) -> None:
        schedule = self.app.schedule
        occurrence = schedule.occurrence(self.key) if (schedule and self.key) else None
        if occurrence is None:
            self.title, self.when, self.link, self.fallback_note = "", "", "", ""
            self.can_sign_up = False
            self.qr_caption, self.short_link = "", ""
            return
        shown = present.detail(occurrence, self.app.language)
        self.title = shown["title"]
        self.when = f"{shown['day']}  {shown['time_text']}"
        self.room = shown["room"]
        self.organizer = shown["organizer"]
        self.category_text = shown["category_text"]
        self.registration = shown["registration"]
        self.registration_required = shown["registration_required"]
        self.description = shown["description"]
        self.fallback_note = shown["fallback_note"]
        self.cancelled = shown["cancelled"]
        self.can_sign_up = (
            occurrence.registration_required
            and not occurrence.cancelled
            and not occurrence.is_past(self.app.now())
            and getattr(self.app, "staff", None) is not None
        )
        along = take_along(occurrence, self.app.language)
        # The QR redraws only when its payload changes; a cancelled one has none.
        self.link = along.payload if along else ""
        self.qr_caption = along.caption if along else ""
        self.short_link = along.short if along else ""
        if self.key != self._opened_key:
            # A new activity opens at its first page; a refresh of the same one (the clock
            # tick, a sync) leaves the visitor where they were reading.
            self._opened_key = self.key
            self.ids.description_pages.show_offset(0)

    def sign_up(self) -> None:
        self.app.manager.get_screen("signup").key = self.key
        self.app.go("signup")

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        self._opened_key = ""
        self._trigger_fit_title = Clock.create_trigger(self._fit_title, -1)
        pages = self.ids.description_pages
        self.ids.title.bind(height=self._trigger_fit_title, font_size=self._trigger_fit_title)
        pages.bind(height=self._trigger_fit_title)
        pages.ids.pager.bind(minimum_height=self._trigger_fit_title)
        self.app.bind(portrait=self._trigger_fit_title)

    def _fit_title(self, *_args) -> None:
        """As many title lines (1 to MAX_TITLE_LINES) as leave the description its page
        buttons and MIN_DESCRIPTION_LINES of text.

        The description area takes the height the column has left, so its height plus the
        title's is the same however many lines the title shows: the answer does not move
        when the title changes because of it.
        """
        title, pages = self.ids.title, self.ids.description_pages
        buttons, text = pages.ids.pager.minimum_height, MIN_DESCRIPTION_LINES * pages.overlap
        # Landscape: the buttons stand beside the text; portrait: under it.
        needed = buttons + text if self.app.portrait else max(buttons, text)
        room = pages.height + title.height - needed
        title.max_shown_lines = max(1, min(MAX_TITLE_LINES, int(room // title.one_line_height())))

    def on_leave(self, *args) -> None:
        super().on_leave(*args)
        self._opened_key = ""  # the next visit opens at the first page, even of this activity

    def speech_script(self, language: str):
        """Title, day and time, room, registration, description."""
        from torg_kiosk.domain import read_aloud

        schedule = self.app.schedule
        occurrence = schedule.occurrence(self.key) if (schedule and self.key) else None
        return read_aloud.activity_script(occurrence, language) if occurrence else None

    def spoken_text(self, language: str) -> str:
        """Title, time, room and description; "AVLYST" first when it is cancelled."""
        banner = self.ids.cancelled_banner.text if self.cancelled else ""
        parts = (banner, self.title, self.when, self.room, self.description)
        return ".\n".join(part for part in parts if part.strip())


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
