"""One visitor's call, from the last choice to Home, on threads of its own.

:meth:`CallSession.start` returns at once; the screen hears how the call goes through
``on_update`` (called on a worker thread: the screen hands it to its own thread). The steps:

1. the provider makes the meeting;
2. the call request goes to the central side (:class:`~torg_kiosk.calls.desk.CallDesk`);
3. the browser opens the meeting (:class:`~torg_kiosk.calls.browser.BrowserLauncher`);
4. every ``poll_seconds`` the central side is asked how the call stands (queue place,
   answered) until the call ends.

Steps 1 and 2 must be done within ``answer_seconds``: if not (the provider or the central
side cannot be reached, or is slow), the visitor gets the fallback (:data:`FALLBACK`) and a
request that lands later is withdrawn. A browser that cannot start or dies at once is a
fallback too, with its own reason. Whatever ends the call (the visitor leaving the meeting,
*Avslutt* or *Avbryt* on the kiosk, the privacy reset, the maximum length, the central side
expiring the request) withdraws the request, once, and ends with :data:`ENDED`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from torg_kiosk.calls.browser import BROWSER_FAILED, BrowserCall, BrowserLauncher, Window
from torg_kiosk.calls.config import CallsConfig
from torg_kiosk.calls.desk import CallChoice, CallDesk, CallStanding, DeskError, call_request
from torg_kiosk.calls.meeting import Meeting, MeetingRequest, ProviderError

log = logging.getLogger(__name__)

CONNECTING = "connecting"
#: The browser is open; ``standing`` says how the request stands.
IN_CALL = "in_call"
FALLBACK = "fallback"
ENDED = "ended"
#: Why the fallback: the provider or central side did not answer in time, or refused; the
#: browser could not start; nobody answered before the request expired.
UNREACHABLE = "unreachable"
NO_BROWSER = "no_browser"
NOBODY_ANSWERED = "nobody_answered"


@dataclass(frozen=True)
class CallUpdate:
    phase: str
    standing: CallStanding | None = None
    reason: str = ""
    mobile_url: str = ""


class CallSession:
    def __init__(
        self,
        *,
        config: CallsConfig,
        desk: CallDesk | None,
        launcher: BrowserLauncher,
        site_id: str,
        display_name: str,
        kiosk: str,
        choice: CallChoice,
        window: Window,
        now: Callable[[], datetime],
        on_update: Callable[[CallUpdate], None],
    ):
        self.config = config
        self.desk = desk
        self.launcher = launcher
        self.site_id = site_id
        self.display_name = display_name
        self.kiosk = kiosk
        self.choice = choice
        self.window = window
        self.now = now
        self._on_update = on_update
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connected = False
        self._finished = False
        self.nonce: str | None = None
        self._requested = False
        self._withdrawn = False
        self._nobody_answered = False
        self.meeting: Meeting | None = None
        self.browser: BrowserCall | None = None
        self._timer: threading.Timer | None = None

    # -- the screen's side ------------------------------------------------------------------

    def start(self) -> None:
        self._timer = threading.Timer(self.config.answer_seconds, self._too_slow)
        self._timer.daemon = True
        self._timer.start()
        threading.Thread(target=self._run, name="call-session", daemon=True).start()

    def end(self) -> None:
        """The kiosk ends the call (*Avbryt*, *Avslutt*, the privacy reset); returns at once."""
        self._stop.set()
        browser = self.browser
        if browser is not None:
            browser.end()  # its on_end finishes the call
        else:
            self._finish(ENDED, "ended_on_kiosk")

    @property
    def finished(self) -> bool:
        return self._finished

    # -- the worker -------------------------------------------------------------------------

    def _run(self) -> None:
        if self.desk is None:
            self._finish(FALLBACK, UNREACHABLE)
            return
        try:
            started = self.now()
            self.meeting = self.config.provider.create_meeting(
                MeetingRequest(
                    site_id=self.site_id,
                    display_name=self.display_name,
                    language=self.choice.language,
                    ends_at=started + timedelta(minutes=self.config.max_call_minutes),
                )
            )
            body = call_request(
                site_id=self.site_id,
                choice=self.choice,
                host_url=self.meeting.host_url,
                provider=self.meeting.provider,
                now=started,
                kiosk=self.kiosk,
            )
            self.nonce = body["nonce"]
            # From here the central side may hold the request, even if no answer comes back.
            self._requested = True
            self.desk.request(body)
        except (ProviderError, DeskError) as error:
            log.warning("The call could not be set up: %s", error)
            self._finish(FALLBACK, UNREACHABLE)
            if self._requested:
                # A request whose answers were lost may still have been stored: take it
                # back, so no caseworker answers a call nobody is waiting for.
                self._withdraw()
            return
        with self._lock:
            if self._finished or self._stop.is_set():
                late = True
            else:
                self._connected = True
                late = False
        if late:
            self._withdraw()
            self._finish(ENDED, "ended_on_kiosk")
            return
        self._timer.cancel()
        self._emit(CallUpdate(CONNECTING, mobile_url=self.meeting.mobile_url))
        self.browser = self.launcher.launch(self.meeting.visitor_url, self.window, self._ended)
        if self.browser is None:
            return  # _ended has run with browser_failed
        if self._stop.is_set():
            self.browser.end()
        self._poll()

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                standing = self.desk.standing(self.nonce)
            except DeskError as error:
                log.info("The call's standing could not be read: %s", error.message)
            else:
                if standing.state == "expired":
                    self._nobody_answered = True
                    self._stop.set()
                    self.browser.end()
                    return
                if standing.state in ("cancelled", "ended"):
                    self.browser.end()
                    return
                self._emit(CallUpdate(IN_CALL, standing, mobile_url=self.meeting.mobile_url))
            self._stop.wait(self.config.poll_seconds)

    def _ended(self, _browser: BrowserCall, reason: str) -> None:
        self._stop.set()
        if reason == BROWSER_FAILED:
            self._finish(FALLBACK, NO_BROWSER)
        elif self._nobody_answered:
            self._finish(FALLBACK, NOBODY_ANSWERED)
        else:
            self._finish(ENDED, reason)

    def _too_slow(self) -> None:
        with self._lock:
            if self._connected or self._finished:
                return
        log.warning("The call was not set up within %s s; offering the booking instead.",
                    self.config.answer_seconds)  # fmt: skip
        self._stop.set()
        self._finish(FALLBACK, UNREACHABLE)

    def _finish(self, phase: str, reason: str) -> None:
        with self._lock:
            if self._finished:
                return
            self._finished = True
        if self._timer is not None:
            self._timer.cancel()
        self._emit(CallUpdate(phase, reason=reason))
        if self._requested:
            threading.Thread(target=self._withdraw, name="call-withdraw", daemon=True).start()

    def _withdraw(self) -> None:
        """Take the request back (a taken call: end it). Only a withdrawal the central side
        confirmed counts: one that found no request yet (the request still on its way) is
        tried again when the request lands. A failure is only logged: the central side
        expires what it is not told about."""
        with self._lock:
            if self.nonce is None or self._withdrawn:
                return
        try:
            self.desk.cancel(self.nonce)
        except DeskError as error:
            log.warning("The call request could not be withdrawn: %s", error.message)
            return
        with self._lock:
            self._withdrawn = True

    def _emit(self, update: CallUpdate) -> None:
        try:
            self._on_update(update)
        except Exception:
            log.exception("The screen failed to take a call update")
