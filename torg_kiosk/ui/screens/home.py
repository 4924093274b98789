"""Home: the torg's name and character, the clock, now & next, the building, the big buttons."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from torg_kiosk.domain import hours_view, now_next, present
from torg_kiosk.domain import notices as notices_of
from torg_kiosk.domain.bidi import display_text
from torg_kiosk.ui.screens.base import KioskScreen
from torg_kiosk.ui.widgets import HeadingLabel, MirrorBox, WrapLabel, text_width

#: A visitor reads a few lines at a glance; more would push the buttons off a small screen.
MAX_NOW_ROWS = 3
#: In large-text mode each row is taller; two still leave room for the buttons.
MAX_NOW_ROWS_LARGE_TEXT = 2
#: Portrait with large text ("tight"): the services card takes the full width and the
#: announcements go below it, so now & next keeps one row.
MAX_NOW_ROWS_TIGHT = 1
#: Portrait: titles sized for 2 m take room; rows that do not fit give way (_fit_body).
MAX_NOW_ROWS_PORTRAIT = 3
#: A service's hours take at most this share of its line beside the name; longer ones go
#: under it (Somali *xiran hadda, wuxuu furmayaa 10*), so the name is never squeezed out.
HOURS_SHARE = 0.45
#: Announcements read per refresh: closures first, the rest take turns (a feed can hold more).
MAX_ANNOUNCEMENTS = 50


class NowRow(ButtonBehavior, BoxLayout):
    """One line of *now & next*; tap opens the activity."""

    key = StringProperty("")
    label = StringProperty("")
    time_text = StringProperty("")
    title = StringProperty("")
    place = StringProperty("")
    #: Called off: *AVLYST* in the cancelled colour, with the cancelled mark.
    cancelled = BooleanProperty(False)
    #: Lines the title may take before its ellipsis.
    title_lines = NumericProperty(2)


class NowPlace(HeadingLabel):
    """A *now & next* row's room and language marker: wraps, and only past two lines ends
    in "…" (a tap on the row opens the activity, which shows them whole)."""


class NowTitle(HeadingLabel):
    """A *now & next* title: wraps to two lines, and only a longer one ends in "…"
    (``may_shorten``: a tap on the row opens the activity with the whole title)."""


class HomeScreen(KioskScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    #: The torg's own hours now (*Åpent nå — til 16:00*) and innbyggerservice's, from the
    #: one rule every screen uses (domain.hours_view).
    torg_hours = StringProperty("")
    torg_open = BooleanProperty(False)
    staffed = StringProperty("")
    staffed_now = BooleanProperty(False)
    #: Portrait and large text at once: the kv stacks the cards.
    tight = BooleanProperty(False)
    #: Large text: the torg's hours take the greeting's place in the header.
    hours_in_header = BooleanProperty(False)
    #: The torg's character sentence; the first thing in the header to give way when the
    #: cards below need its room (see _fit_body).
    show_character = BooleanProperty(True)
    #: There are announcements; and whether their card is shown (a card of rotating
    #: announcements only gives way last when the cards need its room, see _fit_body).
    has_notices = BooleanProperty(False)
    #: The date under the clock (landscape); gives way after the character sentence.
    show_date = BooleanProperty(True)
    #: Innbyggerservice's hours in the services card; the last thing to give way.
    show_staffed = BooleanProperty(True)
    #: The bottom bar's status under its buttons (they leave it no room beside them).
    bar_stacked = BooleanProperty(False)
    #: Large text on a landscape screen: the announcements stand under now & next.
    notices_left = BooleanProperty(False)
    show_notices = BooleanProperty(True)
    #: The torg name's font size when it must be drawn smaller to fit; 0: as designed.
    name_font_size = NumericProperty(0)

    _ticker = None
    _spare = None
    _fit_again = None
    #: What gave way for the cards to fit (see _fit_body), last first to come back.
    _given_way: list | None = None
    #: The kinds of step undone since the last reset (each comes back once).
    _undone: set | None = None
    _rotation = None
    _shown = None
    _rotating_label = None
    #: The announcements that take turns, the one whose turn it is, and the pause control.
    rotating = ListProperty([])
    turn = NumericProperty(0)
    notices_paused = BooleanProperty(False)
    #: What an empty *now & next* says: where the next thing on is.
    _nothing_more = ""

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        # Held here, not only in ids (a weak proxy): out of the tree in landscape, it must live.
        self._spare = self.ids.body_spare.__self__
        # Held here too: the card moves between two parents (_place_notices).
        self._notices_card = self.ids.notices_card.__self__
        self._services_row = self.ids.services_card.parent
        self.app.bind(portrait=self._update_tight, large_text=self._update_tight)
        self._update_tight()
        fit_name = Clock.create_trigger(self._fit_site_name)
        self.ids.site_name.bind(width=fit_name, text=fit_name, font_name=fit_name)
        self.app.bind(u=fit_name, text_zoom=fit_name)
        self._watch_notices()
        self._watch_now_rows()
        fit_words = Clock.create_trigger(self._fit_button_words)
        for button in self._main_buttons():
            button.bind(width=fit_words, text=fit_words, font_name=fit_words)
        self.app.bind(text_zoom=fit_words, u=fit_words)
        stack_bar = Clock.create_trigger(self._stack_bar)
        self.ids.bottom_bar.bind(width=stack_bar)
        self.ids.access_buttons.bind(width=stack_bar)
        self.ids.status_label.bind(text=stack_bar, font_size=stack_bar)

    def _fit_site_name(self, *_args) -> None:
        """The torg's name is never shortened: drawn smaller (to 0.55 of its size) when the
        header is too narrow for it."""
        label = self.ids.site_name
        designed = 66 * self.app.u
        zoom = self.app.text_zoom  # large text draws every size this much larger (LargeText)
        probe = CoreLabel(font_size=designed * zoom, font_name=label.font_name, bold=True)
        width = probe.get_extents(display_text(label.text, label.rtl))[0]
        room = label.width - label.padding[0] - label.padding[2]
        # A little slack: the label draws with its own rounding (a name exactly as wide as
        # the room was shortened).
        if width <= room * 0.97 or room <= 1:
            self.name_font_size = 0
        else:
            self.name_font_size = max(designed * 0.55, designed * room / width * 0.97)

    def _main_buttons(self):
        ids = self.ids
        return (ids.today_button, ids.week_button, ids.contact_button, ids.language_button)

    def _fit_button_words(self, *_args) -> None:
        """A main button's words wrap but are never cut: where one word is wider than the
        button's room at the size it draws (Somali *Toddobaadkan* in large text), the
        button's words are drawn smaller until it fits."""
        designed = 38 * self.app.u  # BigButton's size in widgets.kv
        drawn = designed * self.app.text_zoom
        for button in self._main_buttons():
            room = button.text_size[0] - button.padding[0] - button.padding[2]
            probe = CoreLabel(font_size=drawn, font_name=button.font_name, bold=True)
            widest = max((probe.get_extents(word)[0] for word in button.text.split()), default=0)
            scale = 1.0 if room <= 1 or widest <= room * 0.97 else room * 0.97 / widest
            if abs(button.font_size - designed * scale * self.app.text_zoom) > 0.5:
                button.font_size = designed * scale

    def _stack_bar(self, *_args) -> None:
        bar, buttons, status = self.ids.bottom_bar, self.ids.access_buttons, self.ids.status_label
        room = bar.width - bar.padding[0] - bar.padding[2] - bar.spacing
        # Beside the buttons the status may take two lines, so half its width must fit.
        self.bar_stacked = bar.width > 1 and room - buttons.width < text_width(status) / 2 + 8

    def _place_notices(self) -> None:
        """Large text, landscape: the announcements card under now & next (the services
        take the rest of the width, in two columns); else beside the services."""
        card = self._notices_card
        self.notices_left = self.app.large_text and not self.app.portrait
        column, right = self.ids.left_column.__self__, self._services_row
        target, index = (column, 1) if self.notices_left else (right, 0)
        if card.parent is target:
            return
        if card.parent is not None:
            card.parent.remove_widget(card)
        target.add_widget(card, index=index)

    def _place_spare(self) -> None:
        # Not in landscape (it would cost the row a spacing); in portrait it is the last to
        # give way when the cards need its spacing (_give_way).
        wanted = self.app.portrait
        spare, body = self._spare, self.ids.body.__self__
        if wanted and spare.parent is None:
            body.add_widget(spare)  # last: under the cards
        elif not wanted and spare.parent is body:
            body.remove_widget(spare)

    def _reset_give_way(self) -> None:
        """Everything that gave way (_fit_body, _trim_notices) shown again, to be judged
        anew on the next layout."""
        self.show_character = self.show_notices = self.show_date = self.show_staffed = True
        self._given_way = []
        self._undone = set()
        self._place_spare()

    def _something_gave_way(self) -> bool:
        shown = (self.show_character, self.show_notices, self.show_date, self.show_staffed)
        return bool(self._given_way) or not all(shown)

    def _update_tight(self, *_args) -> None:
        self._place_notices()
        self.tight = self.app.portrait and self.app.large_text
        self.hours_in_header = self.app.large_text
        self._reset_give_way()
        # More room or less (how many now & next rows fit depends on it too): built again.
        self._shown = None
        if self.app.schedule is not None:
            self.refresh()

    def on_activate(self) -> None:
        # What gave way was judged on the sizes of the last time Home was laid out (it may
        # have been in another orientation, size or language): judged again now it shows.
        if self._something_gave_way():
            self._shown = None
            if self.app.schedule is not None:
                self.refresh()
        self._ticker = Clock.schedule_interval(lambda _dt: self.update_clock(), 1)
        self._rotation = Clock.schedule_interval(self._rotate, notices_of.ROTATE_SECONDS)

    def on_deactivate(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        if self._rotation is not None:
            self._rotation.cancel()
            self._rotation = None

    def update_clock(self) -> None:
        now = self.app.now()
        self.clock_text = present.clock_text(now)
        self.date_text = present.day_text(now.date(), self.app.language)

    def refresh(self) -> None:
        app = self.app
        now, language = app.now(), app.language
        self.update_clock()
        schedule = app.schedule
        closures = app.closures()
        if schedule is None or not app.has_programme:
            now_rows: list[dict] | None = None
            notices = notices_of.arrange(app.site, now, closures, (), language)
        else:
            if self.tight:
                limit = MAX_NOW_ROWS_TIGHT
            elif app.portrait and not app.large_text:
                limit = MAX_NOW_ROWS_PORTRAIT
            else:
                limit = MAX_NOW_ROWS_LARGE_TEXT if app.large_text else MAX_NOW_ROWS
            # Only what can be shown is read: a day of 50,000 activities costs as little.
            day = schedule.day_list(app.site.id, now.date())
            nearest = day.running(now, 2 * limit) + day.starting_after(now, 2 * limit)
            now_rows = now_next.rows(nearest, now, language)[:limit]
            if not now_rows:
                following = schedule.next_day_with_activities(app.site.id, now)
                self._nothing_more = now_next.next_day_text(following, now, language)
            announcements = schedule.announcements(app.site.id, now)[:MAX_ANNOUNCEMENTS]
            notices = notices_of.arrange(app.site, now, closures, announcements, language)
        torg = hours_view.torg_line(app.site, now, closures, language)
        staffed = hours_view.staffed_line(app.site, now, closures, language)
        self.torg_hours, self.torg_open = torg.text, torg.open
        self.staffed, self.staffed_now = staffed.text, staffed.open
        services = [
            {
                "name": present.service_name(service, app.site.name, language),
                "hours": row["hours"],
                "closed": row["closed"],
            }
            for service, row in zip(
                app.site.services,
                hours_view.service_rows(app.site, now, closures, language),
                strict=True,
            )
        ]
        # Widgets are rebuilt only when what they say changed: a refresh every few seconds
        # (or a visitor going back and forth) then costs a few small queries, no layout.
        shown = (language, now_rows, self._nothing_more, services, notices, app.programme_notice)
        if shown == self._shown:
            return
        self._shown = shown
        self._reset_give_way()
        self._fill_now_and_next(now_rows, language)
        self._fill_services(services)
        self._fill_notices(notices)

    def speech_script(self, language: str):
        """The torg, whether it is open, then now & next (torg_kiosk.domain.read_aloud)."""
        from torg_kiosk.domain import read_aloud

        app = self.app
        running, upcoming = [], []
        if app.schedule is not None and app.has_programme:
            running, upcoming = app.schedule.now_and_next(app.site.id, app.now())
        return read_aloud.home_script(
            app.site, running, upcoming, app.now(), language, app.closures()
        )

    def _fill_now_and_next(self, rows: list[dict] | None, language: str) -> None:
        box = self.ids.now_box
        box.clear_widgets()
        if rows is None:
            # No programme yet (being fetched) or none to read: say which, as the status does.
            box.add_widget(WrapLabel(text=self.app.programme_notice))
            return
        for row in rows:
            box.add_widget(NowRow(**row))
        if not rows:
            box.add_widget(WrapLabel(text=self._nothing_more))

    def _fill_services(self, services: list[dict]) -> None:
        box = self.ids.services_box
        box.clear_widgets()
        for service in services:
            box.add_widget(ServiceLine(**service))

    def _fill_notices(self, notices: notices_of.Notices) -> None:
        """The pinned notices, whole; then the turn of one of the others."""
        box = self.ids.notices_box
        box.clear_widgets()
        for text in notices.pinned:
            box.add_widget(NoticeLabel(text=text, pinned=True))
        self.rotating = list(notices.rotating)
        if self.rotating:
            self.turn %= len(self.rotating)
            box.add_widget(NoticeLabel(text=self.rotating[self.turn]))
            self._rotating_label = box.children[0]
        self.has_notices = bool(notices.pinned or notices.rotating)

    def next_notice(self) -> None:
        """The next rotating notice's turn (every ROTATE_SECONDS unless paused)."""
        if len(self.rotating) < 2 or self._rotating_label is None:
            return
        self.turn = (self.turn + 1) % len(self.rotating)
        self._rotating_label.text = self.rotating[self.turn]

    def toggle_notice_pause(self) -> None:
        self.notices_paused = not self.notices_paused

    def _rotate(self, _dt) -> None:
        if not self.notices_paused:
            self.next_notice()

    def _watch_notices(self) -> None:
        trigger = Clock.create_trigger(self._trim_notices)
        card = self.ids.notices_card
        card.bind(height=trigger, minimum_height=trigger)
        self.ids.body.bind(height=trigger)
        self.ids.now_card.bind(height=trigger)

    def _watch_now_rows(self) -> None:
        trigger = self._fit_again = Clock.create_trigger(self._fit_body)
        body = self.ids.body
        body.bind(height=trigger)
        for child in body.children:
            child.bind(height=trigger)
        self.ids.now_card.bind(height=trigger)
        self.ids.notices_card.bind(height=trigger)
        self.ids.services_card.bind(height=trigger)

    def _body_overflow(self) -> float:
        """How many pixels the body's cards need beyond their room (0 or less: they fit).
        Landscape: the tallest card beside the others; portrait: the cards stacked."""
        body = self.ids.body
        room = body.height - body.padding[1] - body.padding[3]
        if self.app.portrait:
            stacked = [child for child in body.children if child.size_hint_y is None]
            needed = sum(child.height for child in stacked) + body.spacing * (len(stacked) - 1)
        else:
            # Rotating announcements give way on their own (_trim_notices); pinned ones
            # under now & next (large text) still take their height there.
            left = self.ids.now_card.height
            if self.notices_left and self.show_notices and self.has_notices:
                left += self.ids.left_column.spacing + self.ids.notices_card.height
            needed = max(left, self.ids.services_card.height)
        return needed - room

    def _fit_body(self, *_args) -> None:
        """While the cards are taller than their room (titles sized to be read from the door,
        two-line titles, long translations, large text), give way one step at a time: the
        rotating announcement (portrait; never a pinned one), now & next rows after the
        first, then the torg's character sentence (its name and hours stay). Services and
        pinned announcements never give way.

        Each step is undone (the last that fits first) when the room it needs is free again:
        a height seen in the middle of a layout can make a step look needed that is not."""
        overflow = self._body_overflow()
        if overflow > 1:
            self._give_way()
            # Looked at again next frame: a step need not change a height that is watched
            # (the spare widget leaving changes only the body's minimum).
            self._fit_again()
        else:
            # The last step that fits the free room comes back (an earlier, smaller one may
            # fit where a later, larger one does not).
            # Each kind comes back once per layout (so two steps can never take turns).
            for index in range(len(self._given_way) - 1, -1, -1):
                step = self._given_way[index]
                if step[0] in self._undone:
                    continue
                if -overflow >= self._room_to_undo(step) + 2:
                    self._undone.add(step[0])
                    self._undo(self._given_way.pop(index))
                    self._fit_again()
                    break

    def _give_way(self) -> None:
        # The widgets, not ids' weak proxies: ``is`` compares them with a parent.
        box, notices = self.ids.now_box.__self__, self.ids.notices_box.__self__
        label = self._rotating_label
        rotating_shown = label is not None and label.parent is notices
        if self.app.portrait and rotating_shown and len(notices.children) > 1:
            step = ("notice", label, notices.children.index(label))
            notices.remove_widget(label)
        elif len(box.children) > 1:
            row = box.children[0]
            step = ("row", row, 0)
            box.remove_widget(row)
        elif self.show_character:
            step = ("character", None, 0)
            self.show_character = False
        elif not self.app.portrait and self.show_date:
            step = ("date", None, 0)
            self.show_date = False
        elif self.app.portrait and self.show_notices and self._only_rotating():
            step = ("notices", None, 0)
            self.show_notices = False
        elif self.show_staffed:
            # Innbyggerservice's hours (Contact and the call button say them too).
            step = ("staffed", None, 0)
            self.show_staffed = False
        elif any(row.title_lines > 1 for row in box.children):
            # Now & next titles on one line (a tap on the row shows them whole).
            step = ("titles", None, 0)
            for row in box.children:
                row.title_lines = 1
        elif self.app.portrait and self._spare.parent is not None:
            # Last: the spare widget under the cards (it costs the column one spacing).
            step = ("spare", None, 0)
            self._spare.parent.remove_widget(self._spare)
        else:
            return
        self._given_way.append(step)

    def _only_rotating(self) -> bool:
        """The announcements card holds no pinned notice (only ones that take turns)."""
        box, label = self.ids.notices_box, self._rotating_label
        return all(child is label for child in box.children)

    def _room_to_undo(self, step) -> float:
        kind, widget, _index = step
        if kind == "character":
            return self.ids.character.texture_size[1]
        if kind == "notices":
            return self.ids.notices_card.minimum_height + self.ids.body.spacing
        if kind == "date":
            return self.ids.date.font_size * 1.35
        if kind == "staffed":
            return self.ids.staffed_home.texture_size[1] + self.ids.services_card.spacing
        if kind == "spare":
            return self.ids.body.spacing
        if kind == "titles":
            return sum(row.ids.title.one_line_height() for row in self.ids.now_box.children)
        box = self.ids.notices_box if kind == "notice" else self.ids.now_box
        return widget.height + box.spacing

    def _undo(self, step) -> None:
        kind, widget, index = step
        if kind == "character":
            self.show_character = True
        elif kind == "notices":
            self.show_notices = True
        elif kind == "date":
            self.show_date = True
        elif kind == "staffed":
            self.show_staffed = True
        elif kind == "spare":
            self._place_spare()
        elif kind == "titles":
            for row in self.ids.now_box.children:
                row.title_lines = 2
        elif kind == "notice":
            self.ids.notices_box.add_widget(widget, index=index)
        else:
            self.ids.now_box.add_widget(widget, index=index)

    def _trim_notices(self, *_args) -> None:
        """Landscape: while the card is taller than its room, the rotating notice gives way;
        when only rotating notices are there, the card does, and comes back once it fits
        (it is measured whole even while hidden). A pinned notice (a closure) never goes.

        Longer texts (an English fallback sentence on two lines, large text) would otherwise
        push the card down over the big buttons.
        """
        if self.app.portrait:
            return
        # The widgets, not ids' weak proxies: ``is`` compares them with a parent.
        card, box = self.ids.notices_card, self.ids.notices_box.__self__
        room = card.parent.height
        if self.notices_left:  # under now & next: what the column leaves
            room -= self.ids.now_card.height + self.ids.left_column.spacing
        label = self._rotating_label
        rotating_shown = label is not None and label.parent is box
        pinned = len(box.children) - (1 if rotating_shown else 0)
        if card.minimum_height > room + 1:
            if rotating_shown and pinned:
                box.remove_widget(label)
            elif not pinned and self.show_notices:
                self.show_notices = False
        elif not self.show_notices and card.minimum_height <= room - 2:
            self.show_notices = True


class ServiceLine(MirrorBox):
    """A service's name and where its hours stand now (``til 16``, ``stengt nå, åpner 10``,
    ``stengt nå``, ``stengt i dag``); muted unless it is open now."""

    name = StringProperty("")
    hours = StringProperty("")
    closed = BooleanProperty(False)
    #: The hours under the name: they would take more than :data:`HOURS_SHARE` of the line.
    stacked = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        trigger = Clock.create_trigger(self._choose_stacking)
        self.bind(width=trigger)
        self.ids.hours_label.bind(text_width=trigger)
        self.ids.service_name.bind(font_size=trigger, text=trigger, font_name=trigger)
        self._choose_stacking()

    def _choose_stacking(self, *_args) -> None:
        """The hours go under the name when they would take more than HOURS_SHARE of the
        line, or when the name and the hours do not fit side by side on one line."""
        if self.width <= 1:
            return
        hours = self.ids.hours_label.text_width + 8
        name = text_width(self.ids.service_name)
        self.stacked = hours > self.width * HOURS_SHARE or name + hours + self.spacing > self.width


class NoticeTurns(MirrorBox):
    """While notices take turns: a pause button and which one is shown (*2 / 3*)."""

    home = ObjectProperty(None, allownone=True)
    shown = BooleanProperty(False)
    paused = BooleanProperty(False)
    turn = NumericProperty(0)
    total = NumericProperty(0)


class NoticeLabel(WrapLabel):
    """One notice, wrapped; a pinned one (a closure in the coming days) in bold."""

    pinned = BooleanProperty(False)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
