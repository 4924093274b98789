"""The kiosk application: window, theme, navigation and data refresh.

It is handed its services (:class:`torg_kiosk.services.KioskServices`: config, site, clock,
the schedule, the sync loop, the speaker) and builds none of them. It builds what is on
screen: Home before the first frame, the other screens and the sync's thread after it.

The screen starts, and stays up, whatever the disk does. A schedule it cannot read (damaged,
on a failing disk) is dropped with one line in the log: the screen goes on with what the
config gives (the torg's name, hours, services, contacts), says the programme is not
available, and asks the sync to check the file, which sets a damaged one aside and builds it
anew; the next sync's file is read again.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.screenmanager import NoTransition

import torg_kiosk.ui.kv_guard  # noqa: F401  (before any widget is made; see the module)
from torg_kiosk.domain import i18n, opening_hours, present, viewing_distance
from torg_kiosk.domain.i18n import CODES, DEFAULT
from torg_kiosk.domain.i18n import language as language_info
from torg_kiosk.domain.status import KioskStatus, kiosk_status
from torg_kiosk.store.codes import STORAGE_CODES
from torg_kiosk.store.database import StoreError
from torg_kiosk.store.problem_note import read_note
from torg_kiosk.ui import a11y, theme
from torg_kiosk.ui.health_ui import KioskHealth
from torg_kiosk.ui.idle_ui import guard_for
from torg_kiosk.ui.lazy_screens import LazyScreens
from torg_kiosk.ui.readaloud import ReadAloud
from torg_kiosk.ui.resting_ui import RestingController
from torg_kiosk.ui.widgets import LanguagePicker, font_family, font_files

if TYPE_CHECKING:
    from torg_kiosk.store.schedule import Schedule
    from torg_kiosk.sync.loop import SyncLoop

log = logging.getLogger(__name__)

BENCH_ENV = "TORG_KIOSK_BENCH"
FIRST_FRAME_MARKER = "torg-kiosk: first frame"
#: New data and clock-minute ticks are gathered into one redraw at most this often.
REFRESH_COALESCE_SECONDS = 0.3
STATUS_TICK_SECONDS = 20
FIRST_SYNC_DELAY_SECONDS = 3
#: Every screen, by name: ``"module:class"``; each is made on first use (Home at once).
SCREENS = {
    "home": "torg_kiosk.ui.screens.home:HomeScreen",
    "today": "torg_kiosk.ui.screens.today:TodayScreen",
    "activity": "torg_kiosk.ui.screens.activity:ActivityScreen",
    "week": "torg_kiosk.ui.screens.week:WeekScreen",
    "contact": "torg_kiosk.ui.screens.contact:ContactScreen",
    "call_topic": "torg_kiosk.ui.screens.call_choice:CallChoiceScreen",
    "call_language": "torg_kiosk.ui.screens.call_choice:CallChoiceScreen",
    "call_interpreter": "torg_kiosk.ui.screens.call_choice:CallChoiceScreen",
    "call": "torg_kiosk.ui.screens.call:CallScreen",
    "closed": "torg_kiosk.ui.screens.closed:ClosedScreen",
    "staff_pin": "torg_kiosk.ui.screens.staff_pin:StaffPinScreen",
    "staff_choose": "torg_kiosk.ui.screens.staff_choose:StaffChooseScreen",
    "staff_scan": "torg_kiosk.ui.screens.staff_scan:StaffScanScreen",
    "staff_attendance": "torg_kiosk.ui.screens.staff_choose:StaffAttendanceScreen",
    "signup": "torg_kiosk.ui.screens.signup:SignupScreen",
    "rooms": "torg_kiosk.ui.screens.rooms:RoomsScreen",
}


class KioskApp(App):
    # The type scale: one design pixel (at 1920×1080) in window pixels.
    u = NumericProperty(1.0)
    portrait = BooleanProperty(False)
    language = StringProperty("nb")
    # Follow ``language`` (see on_language): every label binds these in kv.
    rtl = BooleanProperty(False)
    font_name = StringProperty(font_family(DEFAULT))
    font_bold = StringProperty(font_files(DEFAULT)[1])
    status_text = StringProperty("")
    #: Whether a programme has ever arrived (else screens show :attr:`programme_notice`).
    has_programme = BooleanProperty(False)
    #: What stands where the programme would be while there is none: *Henter program …*,
    #: *Programmet er ikke tilgjengelig akkurat nå.* …
    programme_notice = StringProperty("")
    # Large-text mode (kiosk.ui.a11y): labels never draw below text_floor (0 when off).
    large_text = BooleanProperty(False)
    text_floor = NumericProperty(0)
    #: Large-text mode is a zoom of the whole type scale: every label draws at this many
    #: times its designed size (and never below text_floor). 1 when off.
    text_zoom = NumericProperty(1)
    #: Font sizes legible from where people read them (torg_kiosk.domain.viewing_distance),
    #: from the configured panel: Home's now & next titles from 2 m, list titles from 1 m.
    home_title_px = NumericProperty(0)
    list_title_px = NumericProperty(0)
    # Shown in the bottom bar instead of the status line, e.g. "no voice for this language".
    readaloud_notice = StringProperty("")
    #: A caseworker can take a video call now: Home offers *Snakk med kommunen*, else
    #: *Bestill et digitalt møte* (see :meth:`talk_to_the_kommune`).
    calls_open = BooleanProperty(True)
    #: Read-aloud is speaking (the button says *Stopp opplesing*), or has more of this
    #: screen to read on the next tap (*Les mer*); see torg_kiosk.ui.readaloud.
    reading = BooleanProperty(False)
    more_to_read = BooleanProperty(False)
    #: The key of the row being read aloud now ("" when none): that row is outlined.
    reading_key = StringProperty("")
    # rebind: kv rules that read through it (app.site.name) follow a new torg (use_site).
    site = ObjectProperty(None, rebind=True)

    c_background = ListProperty([1, 1, 1, 1])
    c_surface = ListProperty([1, 1, 1, 1])
    c_text = ListProperty([0, 0, 0, 1])
    c_muted = ListProperty([0.3, 0.3, 0.3, 1])
    c_accent = ListProperty([0, 0, 0.5, 1])
    c_accent_text = ListProperty([1, 1, 1, 1])
    c_cancelled = ListProperty([0.6, 0, 0, 1])
    c_pattern = ListProperty([0, 0, 0, 0.1])
    c_line = ListProperty([0, 0, 0, 0.2])

    def __init__(self, *, services, windowed: bool = False, **kwargs):
        """``services``: a :class:`torg_kiosk.services.KioskServices` (not imported here: the
        screen does not know how its services are made)."""
        super().__init__(**kwargs)
        self.services = services
        self.kiosk = services.config
        self.site = services.site
        self.now = services.clock
        self.windowed = windowed
        self.language = self.kiosk.language if self.kiosk.language in CODES else DEFAULT
        self.schedule: Schedule | None = None
        #: The sync loop running now (see :meth:`run_sync`); None before the first frame.
        self.sync: SyncLoop | None = None
        self.manager: LazyScreens | None = None
        #: The code of a storage problem the last sync met (the database could not say it);
        #: until this kiosk's first sync, the one a sync before it noted (torg-sync, or this
        #: kiosk before a restart), so the screen says it from the first frame.
        self._sync_problem: str | None = _storage_problem_noted(self.kiosk.data_dir)
        #: The code of the problem the screen met reading the schedule, until a sync is done.
        self._read_problem: str | None = None
        self._store_errors = _StoreErrorsKeepTheScreen(self)
        #: The read problem the sync was last asked to check the file for (asked once each).
        self._check_asked_for: str | None = None
        self._history: list[str] = []
        self._call_flow = None
        #: A visitor touched the closed page: the normal screens until the visit is over.
        self._closed_page_dismissed = False
        self._first_frame_done = False
        self._refresh_trigger = Clock.create_trigger(
            lambda _dt: self.refresh_if_changed(), REFRESH_COALESCE_SECONDS
        )
        #: (schedule, its data version, the minute, the notice) at the last screen refresh.
        self._refreshed: tuple | None = None
        self.use_kivy_settings = False

    # -- building ----------------------------------------------------------------------------

    def build(self):
        self.title = self.site.name
        for name, value in theme.colours(self.site.theme).items():
            setattr(self, name, value)
        Window.clearcolor = self.c_background
        if not self.windowed:
            Window.show_cursor = False
        Window.bind(size=self._on_window_size, on_request_close=self._on_request_close)
        Window.bind(on_keyboard=self._on_keyboard)
        self._on_window_size(Window, Window.size)
        if os.environ.get(BENCH_ENV) == "1":
            Window.bind(on_flip=self._report_first_frame)
        ExceptionManager.add_handler(self._store_errors)

        self._open_schedule()
        self.manager = LazyScreens(SCREENS, transition=NoTransition())
        self.manager.get_screen("home")
        self.update_status()
        Clock.schedule_interval(lambda _dt: self._refresh_trigger(), STATUS_TICK_SECONDS)
        self.read_aloud = ReadAloud(self.services.speaker)
        self.idle = guard_for(self, self.services.speaker)
        self.idle.visitor.register("call", lambda: self._call_flow and self._call_flow.forget())
        self.staff = None
        return self.manager

    def on_start(self) -> None:
        self.refresh_all()
        self.read_aloud.start()
        self.manager.bind(current=self.read_aloud.forget)
        self.idle.start()
        self.health = KioskHealth(self)
        self.health.start()
        self.resting = RestingController(self)
        self.resting.start()
        Window.bind(on_flip=self._after_first_frame)

    def _after_first_frame(self, *_args) -> None:
        """What the first frame did not need: the sync's thread, then the other screens."""
        Window.unbind(on_flip=self._after_first_frame)
        self._first_frame_done = True
        self.run_sync(self.services.sync)
        self._start_staff_mode()
        Clock.schedule_once(self._make_next_screen)

    def _make_next_screen(self, _dt) -> None:
        # One screen a frame, so the clock on Home keeps ticking while they are made.
        if self.manager.make_next():
            Clock.schedule_once(self._make_next_screen)

    def _start_staff_mode(self) -> None:
        """Staff check-in (ui.staff_mode): the long press on the torg's name, the uploads."""
        checkin = getattr(self.services, "checkin", None)
        if checkin is None:
            return
        from torg_kiosk.ui.staff_mode import StaffMode

        self.staff = StaffMode(self, checkin)
        self.staff.watch_long_press(self.manager.get_screen("home").ids.site_name)
        self.idle.visitor.register("staff", lambda: self.staff and self.staff.leave())
        self.idle.visitor.register("ticket", lambda: self.manager.get_screen("signup").forget())
        self.staff.start_uploads()

    def on_stop(self) -> None:
        if self._call_flow is not None:
            self._call_flow.stop()  # no browser outlives the kiosk
        self.health.stop()
        self.resting.stop()
        if self.sync:
            self.sync.stop()
        if self.staff:
            self.staff.stop()
        if self._store_errors in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self._store_errors)

    def open_settings(self, *_args):
        """F1 opens nothing on a kiosk."""
        return False

    #: :func:`torg_kiosk.domain.i18n.tr` for kv, which writes ``app.tr(_('Hjem'), app.language)``:
    #: naming ``app.language`` makes Kivy evaluate the text again when the visitor picks
    #: another language.
    tr = staticmethod(i18n.tr)

    def on_language(self, _app, code: str) -> None:
        # The font and direction change with the language, before any text is redrawn.
        self.rtl = language_info(code).rtl
        self.font_name = font_family(code)
        self.font_bold = font_files(code)[1]

    def sized(self, value, _portrait: bool):
        """``value``; for kv sizes whose size_hint switches with the orientation.

        A fixed size is overwritten by the layout while size_hint is set. Naming
        ``app.portrait`` in the kv expression makes Kivy apply the size again when the
        orientation flips, even though ``app.u`` stays the same (1920×1080 ↔ 1080×1920).
        """
        return value

    # -- window ------------------------------------------------------------------------------

    def _on_window_size(self, _window, size) -> None:
        width, height = size
        self.u = theme.unit_scale(width, height)
        self.portrait = height > width
        seen = a11y.screen_panel(self.kiosk.panel, size)
        self.home_title_px = viewing_distance.font_px(viewing_distance.HOME_TITLES, seen)
        self.list_title_px = viewing_distance.font_px(viewing_distance.LIST_TITLES, seen)
        self.on_large_text(self, self.large_text)

    # -- accessibility -----------------------------------------------------------------------

    def on_large_text(self, _app, large: bool) -> None:
        self.text_floor = a11y.large_text_floor(self.kiosk.panel, Window.size) if large else 0
        self.text_zoom = a11y.LARGE_TEXT_ZOOM if large else 1
        if self.manager is not None:
            self.refresh_all()

    def toggle_large_text(self) -> None:
        self.large_text = not self.large_text

    def read_screen_aloud(self) -> None:
        self.readaloud_notice = self.read_aloud.read(self.manager.current_screen, self.language)

    def _on_request_close(self, *_args, **_kwargs) -> bool:
        # Returning True refuses: a kiosk is closed by its service manager, not by a visitor.
        return not self.windowed

    def _on_keyboard(self, _window, key, *_args) -> bool:
        escape, f1 = 27, 282
        return key in (escape, f1)

    def _report_first_frame(self, *_args) -> None:
        Window.unbind(on_flip=self._report_first_frame)
        print(FIRST_FRAME_MARKER, flush=True)

    # -- navigation --------------------------------------------------------------------------

    def go(self, name: str) -> None:
        """Show screen ``name``; Tilbake returns to the current one."""
        current = self.manager.current
        if current != name:
            self._history.append(current)
        self.manager.current = name

    def go_back(self) -> None:
        self.manager.current = self._history.pop() if self._history else "home"

    def go_home(self) -> None:
        self._history.clear()
        self.manager.current = "home"

    # -- the closed page ---------------------------------------------------------------------

    def closed_page_due(self) -> bool:
        """The torg is closed (the one rule) and no visitor has asked for the normal screens."""
        if self._closed_page_dismissed:
            return False
        state = opening_hours.state_at(self.site, self.now(), self.closures())
        return not isinstance(state, opening_hours.Open)

    def closed_page_dismissed(self) -> None:
        """A touch on the closed page: Home, and the normal screens until the visit is over."""
        self._closed_page_dismissed = True
        self.go_home()

    def closed_page_back(self) -> None:
        """The visit is over (the privacy timer): the closed page may show again."""
        self._closed_page_dismissed = False
        self._show_the_page_the_hours_ask_for()

    def _show_the_page_the_hours_ask_for(self) -> None:
        """Home ↔ the closed page as the torg closes and opens; other screens are a visit."""
        if self.manager is None or not self._first_frame_done:
            return
        current = self.manager.current
        if current == "home" and self.closed_page_due():
            self.manager.current = "closed"
        elif current == "closed" and not self.closed_page_due():
            self.manager.current = "home"

    def show_activity(self, key: str) -> None:
        self.manager.get_screen("activity").key = key
        if self.manager.current == "activity":
            self.manager.get_screen("activity").refresh()
        else:
            self.go("activity")

    @property
    def call_flow(self):
        """The video call's flow (torg_kiosk.ui.call_flow), made on first use."""
        if self._call_flow is None:
            from torg_kiosk.ui.call_flow import CallFlow

            self._call_flow = CallFlow(self)
        return self._call_flow

    def talk_to_the_kommune(self) -> None:
        """Home's *Snakk med kommunen* (or *Bestill et digitalt møte* outside hours)."""
        self.call_flow.begin()

    def use_site(self, site) -> None:
        """Show another torg (a :class:`~torg_kiosk.base.settings.SiteConfig`): its name,
        texts, colours and programme. For a machine moved to another torg, and for tests
        that walk all eight in one window."""
        self.site = site
        self.title = site.name
        for name, value in theme.colours(site.theme).items():
            setattr(self, name, value)
        Window.clearcolor = self.c_background
        self.refresh_all()

    def open_language_picker(self) -> None:
        LanguagePicker().open()

    def choose_language(self, language: str) -> None:
        self.language = language
        self.refresh_all()

    # -- data --------------------------------------------------------------------------------

    def _open_schedule(self) -> None:
        """Take the read side: once the sync has created the database, and again after each
        sync (the opener keeps the one it has while it is good)."""
        opener = self.services.open_schedule
        self.schedule = opener()
        problem = getattr(opener, "problem", None) or getattr(opener, "disk_problem", None)
        self._read_problem = problem.code if problem is not None else None

    def schedule_failed(self, problem: StoreError) -> None:
        """The schedule could not be read: show what the config gives, and have it checked.

        Never raises: it runs inside Kivy's exception handling too.
        """
        forget = getattr(self.services.open_schedule, "forget", None)
        if forget is not None:
            forget(problem)  # logs it, once
        else:
            log.error("%s", problem)
        self.schedule = None
        self._read_problem = problem.code
        # Once per problem: a file the sync cannot rebuild (a read-only disk) would otherwise
        # be checked again after every round.
        if self.sync is not None and str(problem) != self._check_asked_for:
            self._check_asked_for = str(problem)
            self.sync.check_database_soon()
        self._refresh_trigger()

    def closures(self) -> tuple:
        """The feed's closures for this torg, for the opening hours rule (none without a
        schedule: the holidays still count). A StoreError goes to the caller's guard."""
        if self.schedule is None:
            return ()
        return opening_hours.closures_from(self.schedule.closures(self.site.id))

    def _has_data(self) -> bool:
        return self.status().has_programme

    def status(self) -> KioskStatus:
        """What the status line says, from the schedule, the last sync and the read side."""
        freshness = None
        if self.schedule is not None:
            try:
                freshness = self.schedule.freshness(self.now())
            except StoreError as problem:
                self.schedule_failed(problem)
        return kiosk_status(freshness, storage_problem=self._read_problem or self._sync_problem)

    def run_sync(self, loop: SyncLoop) -> None:
        """Stop the sync loop running now, if any, and run ``loop`` on its own thread."""
        if self.sync:
            self.sync.stop()
        self.sync = loop.start(
            on_done=self._sync_finished_on_worker,
            # With stored data on screen the first sync can wait for the first frames;
            # with none, the screen says "Henter program …" and syncs at once.
            first_delay_seconds=FIRST_SYNC_DELAY_SECONDS if self._has_data() else 0,
        )

    def _sync_finished_on_worker(self, results: list) -> None:
        # Runs on the sync thread: hand over to the UI thread and do nothing else here.
        Clock.schedule_once(lambda _dt: self._sync_finished(results))

    def _sync_finished(self, results: list) -> None:
        codes = [getattr(result, "code", None) for result in results]
        self._sync_problem = next((code for code in codes if code in STORAGE_CODES), None)
        self._open_schedule()
        self._refresh_trigger()
        if self.staff:
            self.staff.schedule_changed()

    def update_status(self) -> None:
        status = self.status()
        self.has_programme = status.has_programme
        self.status_text = present.status_line(status, self.now(), self.language)
        self.programme_notice = present.programme_notice(status, self.language)
        if self.manager is not None:
            self.calls_open = self.call_flow.can_call()

    def refresh_all(self) -> None:
        """Redraw the status line and the visible screen with the current data."""
        self.update_status()
        try:
            self._show_the_page_the_hours_ask_for()
        except StoreError as problem:
            self.schedule_failed(problem)
        self._refreshed = self._data_and_minute()
        if self.manager and self.manager.current_screen:
            self.refresh_screen(self.manager.current_screen)

    def refresh_if_changed(self) -> None:
        """The clock's and the sync's refresh: the status line, and the visible screen only
        if the schedule changed (``PRAGMA data_version`` moved and a source stored something
        new) or the minute moved since the last one. Every 20 s with nothing new, or a sync
        that found nothing new, costs a few small queries and no rebuild. A change of what
        stands where the programme would be (:attr:`programme_notice`) redraws it too."""
        self.update_status()
        if self._data_and_minute() == self._refreshed:
            return
        self.refresh_all()

    def _data_and_minute(self) -> tuple:
        schedule = self.schedule
        version = None
        if schedule is not None:
            try:
                version = schedule.schedule_version()
            except StoreError as problem:
                self.schedule_failed(problem)
                schedule = None
        minute = self.now().replace(second=0, microsecond=0)
        return id(schedule), version, minute, self.has_programme, self.programme_notice

    def refresh_screen(self, screen) -> None:
        """``screen.refresh()``; a schedule that cannot be read is dropped and the screen
        drawn again without it."""
        try:
            screen.refresh()
        except StoreError as problem:
            self.schedule_failed(problem)
            self.update_status()
            screen.refresh()


def _storage_problem_noted(data_dir) -> str | None:
    """The storage problem's code in the note a sync left (``sync-problem.json``), if any."""
    note = read_note(data_dir)
    return note.code if note is not None and note.code in STORAGE_CODES else None


class _StoreErrorsKeepTheScreen(ExceptionHandler):
    """Kivy's last line: a StoreError from a read no guard above caught (a tap that filters
    a list, say) drops the schedule instead of ending the app."""

    def __init__(self, app: KioskApp):
        super().__init__()
        self.app = app

    def handle_exception(self, inst):
        if isinstance(inst, StoreError):
            self.app.schedule_failed(inst)
            return ExceptionManager.PASS
        return ExceptionManager.RAISE
