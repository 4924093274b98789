"""The visitor's way to a caseworker on screen: topic → language → interpreter → the call.

:class:`CallFlow` is made on the first tap on *Snakk med kommunen* (the app's
:meth:`~torg_kiosk.ui.app.KioskApp.talk_to_the_kommune`). It keeps the visitor's choices,
starts a :class:`~torg_kiosk.calls.session.CallSession` (which works on threads of its
own: nothing here waits on the network), and brings each of its updates to the UI thread
with ``Clock.schedule_once``. While the browser has the visitor the privacy timer is paused;
the privacy reset ends a call screen nobody is in front of (registered as the visitor's
``call``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from torg_kiosk.calls.browser import BrowserLauncher
from torg_kiosk.calls.browser import Window as BrowserWindow
from torg_kiosk.calls.desk import CallChoice, CallDesk, kiosk_id
from torg_kiosk.calls.hours import can_call_now
from torg_kiosk.calls.session import CONNECTING, ENDED, FALLBACK, CallSession, CallUpdate
from torg_kiosk.store.database import StoreError

log = logging.getLogger(__name__)

#: The languages a caseworker speaks without an interpreter.
NORWEGIAN = ("nb", "nn")
#: The strip beside the browser: the call's status, the QR for the phone, Avslutt.
STRIP_WIDTH = 560
#: In portrait the strip runs along the bottom, this high.
STRIP_HEIGHT = 760
#: Why the fallback is shown (the contact screen's notice).
OUTSIDE_HOURS = "outside_hours"


class CallFlow:
    def __init__(self, app):
        self.app = app
        self.config = app.services.calls
        self.central_url = app.kiosk.feed.central_url
        self.launcher = self._launcher() if self.config is not None else None
        self.topic = ""
        self.language = ""
        self.interpreter = False
        self.session: CallSession | None = None
        self.last_update: CallUpdate | None = None

    def _launcher(self) -> BrowserLauncher:
        browser = self.config.browser
        root = browser.profile_root or Path(self.app.kiosk.data_dir) / "call-profiles"
        return BrowserLauncher(
            browser.command,
            profile_root=root,
            max_seconds=self.config.max_call_minutes * 60,
            failed_start_seconds=browser.failed_start_seconds,
        )

    # -- the visitor's choices -----------------------------------------------------------

    def can_call(self) -> bool:
        return self.config is not None and can_call_now(
            self.config, self.app.site.id, self.app.now(), self._closures()
        )

    def _closures(self) -> tuple:
        """The feed's closures for this torg (a closure of ``caseworkers`` ends the calls
        for its days); none when the schedule cannot be read."""
        try:
            return self.app.closures()
        except StoreError as problem:
            self.app.schedule_failed(problem)
            return ()

    def begin(self) -> None:
        """*Snakk med kommunen*: the topics, or the booking when nobody can answer now."""
        self.forget()
        if not self.can_call():
            self.show_fallback(OUTSIDE_HOURS)
            return
        self.app.go("call_topic")

    def choose_topic(self, topic: str) -> None:
        self.topic = topic
        self.app.go("call_language")

    def choose_language(self, language: str) -> None:
        self.language = language
        if language in NORWEGIAN:
            self.interpreter = False
            self.start_call()
        else:
            self.app.go("call_interpreter")

    def choose_interpreter(self, wanted: bool) -> None:
        self.interpreter = wanted
        self.start_call()

    # -- the call ------------------------------------------------------------------------

    def start_call(self) -> None:
        self.end_call()
        self.last_update = None
        self.session = CallSession(
            config=self.config,
            desk=CallDesk(self.central_url) if self.central_url else None,
            launcher=self.launcher,
            site_id=self.app.site.id,
            display_name=self.app.site.name,
            kiosk=kiosk_id(self.app.site.id),
            choice=CallChoice(self.topic, self.language, self.interpreter),
            window=self.browser_window(),
            now=self.app.now,
            on_update=self._update_on_worker,
        )
        self.app.go("call")
        self.session.start()

    def browser_window(self) -> BrowserWindow:
        """The window less the strip (on the right; on the left in Arabic; at the bottom in
        portrait), in screen pixels."""
        width, height = (int(v) for v in Window.size)
        left, top = int(getattr(Window, "left", 0) or 0), int(getattr(Window, "top", 0) or 0)
        if self.app.portrait:
            strip = round(STRIP_HEIGHT * self.app.u)
            return BrowserWindow(left, top, width, max(240, height - strip))
        strip = round(STRIP_WIDTH * self.app.u)
        x = left + (strip if self.app.rtl else 0)
        return BrowserWindow(x, top, max(320, width - strip), height)

    def end_call(self) -> None:
        """*Avbryt* / *Avslutt*: the browser closes and the request is withdrawn."""
        if self.session is not None and not self.session.finished:
            self.session.end()

    def stop(self, timeout: float = 5.0) -> None:
        """The app is ending: end a call in progress and wait (up to ``timeout`` seconds)
        until its browser's whole process group is gone. The browser's watcher is a daemon
        thread: without this wait the program could exit before it ends the browser, and
        the browser would stay on screen without a kiosk behind it."""
        session = self.session
        self.end_call()
        if session is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            browser = session.browser
            if browser is not None:
                if not browser.wait(max(0.0, deadline - time.monotonic())):
                    log.warning("The call's browser did not end within %s s", timeout)
                return
            if session.finished:
                return  # ended before a browser was started
            time.sleep(0.05)

    def _update_on_worker(self, update: CallUpdate) -> None:
        session = self.session
        Clock.schedule_once(lambda _dt: self._update(session, update))

    def _update(self, session: CallSession, update: CallUpdate) -> None:
        if session is not self.session:
            return  # an older call's last word
        self.last_update = update
        if update.phase == CONNECTING:
            self.app.idle.pause()  # the browser has the visitor now
        elif update.phase in (FALLBACK, ENDED):
            self.app.idle.resume()
        if update.phase == FALLBACK:
            self.show_fallback(update.reason)
        elif update.phase == ENDED:
            if self.app.manager.current == "call":
                self.app.go_home()
        else:
            self.app.manager.get_screen("call").show_update(update)

    def show_fallback(self, reason: str) -> None:
        contact = self.app.manager.get_screen("contact")
        contact.reason = reason
        if self.app.manager.current != "contact":
            self.app.go("contact")
        else:
            contact.refresh()

    def forget(self) -> None:
        """The privacy reset: end a call nobody is in front of, drop the choices."""
        self.end_call()
        self.session = None
        self.last_update = None
        self.topic = self.language = ""
        self.interpreter = False
        if self.app.manager.has_screen("contact"):
            self.app.manager.get_screen("contact").reason = ""
        self.app.idle.resume()
