"""Staff mode's door: a PIN pad (no keyboard on a kiosk), the lockout in words."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.domain.staff import wait_in_words
from torg_kiosk.ui.screens.base import KioskScreen

MAX_DIGITS = 12
PROBLEMS = {
    "no_pin": N_("Personalmodus er ikke satt opp på denne skjermen (staff.pin_hash)."),
    "bad_pin": N_("PIN-koden i oppsettet er skadet. Lag den på nytt med torg-tickets pin-hash."),
}


class StaffPinScreen(KioskScreen):
    _countdown = None
    entered = StringProperty("")
    message = StringProperty("")
    busy = BooleanProperty(False)
    locked = BooleanProperty(False)

    @property
    def staff(self):
        return self.app.staff

    def refresh(self) -> None:
        problem = self.staff.configured_problem
        if problem:
            self.message = tr(PROBLEMS[problem], self.app.language)
            self.locked = True
            return
        self._show_lock()

    def on_activate(self) -> None:
        self.entered = ""

    def on_deactivate(self) -> None:
        self.entered = ""
        self.message = ""

    def press(self, digit: str) -> None:
        if self.locked or self.busy or len(self.entered) >= MAX_DIGITS:
            return
        self.entered += digit

    def erase(self) -> None:
        self.entered = self.entered[:-1]

    def submit(self) -> None:
        if self.locked or self.busy or not self.entered:
            return
        self.busy = True
        pin, self.entered = self.entered, ""
        self.staff.submit_pin(pin, self._answered)

    def cancel(self) -> None:
        self.entered = ""
        self.app.go_home()

    def _answered(self, result, seconds_locked: float) -> None:
        self.busy = False
        if result is True:
            self.message = ""
            return
        if seconds_locked > 0:
            self._show_lock()
            return
        self.message = tr(N_("Feil PIN-kode. Prøv igjen."), self.app.language)

    def _show_lock(self) -> None:
        """Show the lockout counting down in words; clear it once the pad opens again."""
        left = self.staff.lock.seconds_left(self.staff.monotonic())
        was_locked, self.locked = self.locked, left > 0
        if self.locked:
            self.message = wait_in_words(left, self.app.language)
            if self._countdown is None:
                self._countdown = Clock.schedule_interval(lambda _dt: self._show_lock(), 1)
            return
        if self._countdown is not None:
            self._countdown.cancel()
            self._countdown = None
        if was_locked:
            self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
