"""*Meld meg på*: a ticket to photograph, or the waiting list when the activity is full."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from torg_kiosk.domain import signup
from torg_kiosk.domain.i18n import N_, tr
from torg_kiosk.ui.screens.base import KioskScreen


class SignupScreen(KioskScreen):
    _issuing = False
    _made_for = ""
    key = StringProperty("")
    title = StringProperty("")
    when = StringProperty("")
    places = StringProperty("")
    #: What the QR code holds: the ticket, or the waiting-list link when full.
    code = StringProperty("")
    full = BooleanProperty(False)
    message = StringProperty("")

    def refresh(self) -> None:
        schedule = self.app.schedule
        view = schedule.occurrence(self.key) if (schedule and self.key) else None
        if view is None or self.app.staff is None:
            self.forget()
            return
        language = self.app.language
        self.title = view.text("title", language)[0]
        self.when = signup.when_in_words(view, language)
        if (self.code and self._made_for == self.key) or self._issuing:
            return  # the ticket on screen stays until the visitor leaves
        self.code, self._issuing, self._made_for = "", True, self.key
        self.message = tr(N_("Lager billetten …"), language)
        staff, now = self.app.staff, self.app.now()

        def issue():
            opened = staff.opened()
            offer = signup.signup_offer(view, signup.issued_here(opened.outbox, view), now)
            if offer.state != signup.OPEN or opened.key is None:
                return offer, ""
            token = signup.issue_walk_in_ticket(opened.outbox, opened.key,
                                                staff.services.kiosk_id, view, now)  # fmt: skip
            return signup.signup_offer(view, signup.issued_here(opened.outbox, view), now), token

        staff.run(issue, self._show)

    def _show(self, result) -> None:
        self._issuing = False
        language = self.app.language
        if isinstance(result, Exception):
            self.message = tr(N_("Påmeldingen virker ikke akkurat nå. Spør personalet."), language)
            return
        offer, token = result
        self.full = offer.state == signup.FULL
        self.places = signup.places_text(offer, language)
        if token:
            self.code = token
            self.message = tr(N_("Ta bilde av koden med mobilen. Den er billetten din."), language)
        elif self.full:
            self.code = offer.waiting_list_url
            self.message = ""
        else:
            self.message = tr(N_("Påmeldingen virker ikke akkurat nå. Spør personalet."), language)

    def done(self) -> None:
        self.forget()
        self.app.go_back()

    def forget(self) -> None:
        """Drop the ticket on screen (the privacy reset calls this too)."""
        self.code, self.title, self.when, self.places, self.message = "", "", "", "", ""
        self.full = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
