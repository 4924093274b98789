"""Staff mode on screen: the hidden way in, the PIN, the check-in worker, the way out.

A 3-second press on the torg's name on Home opens the PIN pad. Every piece of work that
touches a file or takes time (the PIN's scrypt, opening the outbox, a scan's durable write,
reading today's activities from kiosk.db) runs on one check-in worker thread, in order; the
answer comes back to the UI thread with ``Clock.schedule_once``. The worker keeps its own
read-only :class:`Schedule`, so the screen's never crosses threads.

Staff mode leaves itself after ``[staff] idle_seconds`` without a touch or a scan, and on the
visitor privacy reset (it is registered as one of the things a visitor leaves behind).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from torg_kiosk.domain.staff import PinLock, StaffIdle, check_pin_hash

log = logging.getLogger(__name__)

LONG_PRESS_SECONDS = 3.0
TICK_SECONDS = 1.0
STAFF_SCREENS = ("staff_pin", "staff_choose", "staff_scan", "staff_attendance")


class StaffMode:
    """Owned by the app (``app.staff``); screens call it, it calls the worker."""

    def __init__(self, app, services, *, monotonic: Callable[[], float] = time.monotonic):
        self.app = app
        self.services = services  # a torg_kiosk.checkin_wiring.CheckinServices
        self.monotonic = monotonic
        self.lock = PinLock()
        self.active = False
        self.idle: StaffIdle | None = None
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="checkin")
        self.material = None
        #: The desk's last verdict on the kiosk's clock (a ClockTrust; None: not looked yet),
        #: shown to staff as a warning when it is not trusted.
        self.clock_trust = None
        self.upload_state = (0, None)  # (waiting, last upload instant)
        self._press = None
        self._schedule = None
        self._ticker = Clock.schedule_interval(lambda _dt: self.tick(), TICK_SECONDS)
        Window.bind(on_touch_down=self._touched)

    def _touched(self, _window, _touch) -> bool:
        # Any touch in staff mode is staff at work; the touch goes on to the widgets.
        if self.active and self.idle is not None:
            self.idle.activity(self.monotonic())
        return False

    # -- the worker ---------------------------------------------------------------------------

    def run(self, work: Callable[[], object], then: Callable[[object], None]) -> None:
        """``work()`` on the check-in worker, then ``then(result)`` on the UI thread."""

        def job():
            try:
                result = work()
            except Exception as error:  # shown, not raised into the thread pool's void
                log.exception("check-in work failed")
                result = error
            Clock.schedule_once(lambda _dt: then(result))

        self.worker.submit(job)

    def opened(self):
        return self.services.open()

    # -- the way in ---------------------------------------------------------------------------

    def watch_long_press(self, widget) -> None:
        """A 3-second press on ``widget`` (the torg's name on Home) opens the PIN pad."""
        widget.bind(on_touch_down=self._press_down, on_touch_up=self._press_up)

    def unwatch_long_press(self, widget) -> None:
        widget.unbind(on_touch_down=self._press_down, on_touch_up=self._press_up)

    def _press_down(self, widget, touch) -> bool:
        if widget.collide_point(*touch.pos):
            self._cancel_press()
            self._press = Clock.schedule_once(lambda _dt: self.open_pin_pad(), LONG_PRESS_SECONDS)
        return False

    def _press_up(self, _widget, _touch) -> bool:
        self._cancel_press()
        return False

    def _cancel_press(self) -> None:
        if self._press is not None:
            self._press.cancel()
            self._press = None

    def open_pin_pad(self) -> None:
        self._press = None
        self.app.go("staff_pin")

    @property
    def configured_problem(self) -> str:
        """Why staff mode cannot open here ("" when it can), as a sentence for staff."""
        stored = self.services.pin_hash
        if not stored:
            return "no_pin"
        try:
            check_pin_hash(stored)
        except ValueError:
            return "bad_pin"
        return ""

    def submit_pin(self, pin: str, then: Callable[[bool | None, float], None]) -> None:
        """Check ``pin`` on the worker (scrypt takes ~0.1 s); ``then(result, seconds_locked)``."""
        now = self.monotonic()
        stored = self.services.pin_hash

        def check():
            return self.lock.try_pin(pin, stored, now)

        def answer(result):
            if result is True:
                self.enter()
            then(result, self.lock.seconds_left(self.monotonic()))

        self.run(check, answer)

    def enter(self) -> None:
        self.active = True
        self.idle = StaffIdle(self.services.config.staff.idle_seconds, self.monotonic())
        self.refresh_material(lambda _m: None)
        self.app.go("staff_choose")

    def leave(self) -> None:
        """Out of staff mode, to Home; the open door is closed (its check-ins stay)."""
        was_active = self.active
        self.active = False
        self.idle = None
        if was_active and self.services.outbox is not None:
            self.run(lambda: self.opened().desk.close(), lambda _r: None)
        if self.app.manager.current in STAFF_SCREENS:
            self.app.go_home()

    def activity(self) -> None:
        """A touch or a scan: staff are still here (the visitor idle timer hears it too)."""
        if self.idle is not None:
            self.idle.activity(self.monotonic())
        guard = getattr(self.app, "idle", None)
        if guard is not None:
            guard.timer.touched(guard.clock())

    def tick(self) -> None:
        if self.active and self.idle is not None and self.idle.expired(self.monotonic()):
            log.info("staff mode ended after %s s without a touch or a scan", self.idle.seconds)
            self.leave()

    # -- what the rules know ------------------------------------------------------------------

    def refresh_material(self, then: Callable[[object], None]) -> None:
        """Read today's activities and the ticket lists again (after a sync, on entry)."""
        from torg_kiosk.domain.checkin import material_from_schedule

        app = self.app
        site, now = app.site.id, app.now()

        def read():
            opened = self.opened()
            schedule = self._worker_schedule()
            own = [(opened.key.kid, opened.key.public_key_text)] if opened.key else []
            if schedule is None:
                from torg_kiosk.domain.checkin import TicketMaterial
                from torg_kiosk.domain.tickets import TicketKeys

                material = TicketMaterial(keys=TicketKeys(own))
            else:
                material = material_from_schedule(schedule, site, now, own)
            opened.desk.use(material)
            self.clock_trust = opened.desk.clock_trust(now)
            return material

        def keep(material):
            if not isinstance(material, Exception):
                self.material = material
            then(material)

        self.run(read, keep)

    def _worker_schedule(self):
        """The worker's own read-only Schedule (opened on first use, on the worker)."""
        from torg_kiosk.store.database import StoreError
        from torg_kiosk.store.schedule import Schedule, ScheduleNotReady
        from torg_kiosk.sync.loop import database_path

        if self._schedule is None:
            path = database_path(self.services.config)
            try:
                self._schedule = Schedule.open(Path(path))
            except (ScheduleNotReady, StoreError) as problem:
                log.info("check-in: no schedule to read yet (%s)", problem)
                return None
        return self._schedule

    def schedule_changed(self) -> None:
        """A sync finished: the rules get the new programme and lists when staff use them."""
        if self.active:
            self.refresh_material(lambda _m: self.app.refresh_all())

    # -- uploads ------------------------------------------------------------------------------

    def start_uploads(self) -> None:
        """Start the uploader (when ``central_url`` is set); called after the first frame."""

        def start():
            self.services.start_uploads(on_round=self._upload_round_on_worker)
            return self._upload_state()

        self.run(start, self._keep_upload_state)

    def _upload_round_on_worker(self, _round) -> None:
        state = self._upload_state()
        Clock.schedule_once(lambda _dt: self._keep_upload_state(state))

    def _upload_state(self):
        outbox = self.services.outbox
        if outbox is None:
            return (0, None)
        return (outbox.pending_count(), outbox.last_sent_at())

    def _keep_upload_state(self, state) -> None:
        if isinstance(state, tuple):
            self.upload_state = state
            screen = self.app.manager.current_screen
            if self.app.manager.current == "staff_scan":
                screen.show_upload_state()

    def stop(self) -> None:
        self._ticker.cancel()
        Window.unbind(on_touch_down=self._touched)
        self.services.stop()
        self.worker.shutdown(wait=False, cancel_futures=True)
