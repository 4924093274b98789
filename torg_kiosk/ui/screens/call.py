"""The call: *Kobler deg til …*, then the strip beside the browser.

Before the browser is up the whole screen says *Kobler deg til …* with *Avbryt*. Once it is,
the browser covers the left part (the top in portrait) and the strip on the right (left in
Arabic, along the bottom in portrait) stays: how the
request stands (queue place and wait, or *En saksbehandler kommer*), *Fortsett på mobilen*
with the visitor's meeting link as a QR, and *Avslutt*.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from torg_kiosk.calls.session import CONNECTING, IN_CALL, CallUpdate
from torg_kiosk.calls.words import connecting_text, standing_text
from torg_kiosk.ui.call_flow import STRIP_HEIGHT, STRIP_WIDTH
from torg_kiosk.ui.screens.base import KioskScreen


class CallScreen(KioskScreen):
    headline = StringProperty("")
    detail = StringProperty("")
    mobile_url = StringProperty("")
    #: The browser is open (the button says Avslutt rather than Avbryt).
    in_call = BooleanProperty(False)
    strip_width = STRIP_WIDTH
    strip_height = STRIP_HEIGHT

    def refresh(self) -> None:
        update = self.app.call_flow.last_update
        if update is None:
            self.in_call = False
            self.mobile_url = ""
            self.headline = connecting_text(self.app.language)
            self.detail = ""
        else:
            self.show_update(update)

    def show_update(self, update: CallUpdate) -> None:
        self.in_call = update.phase in (CONNECTING, IN_CALL)
        if update.mobile_url:
            self.mobile_url = update.mobile_url
        self.headline, self.detail = standing_text(update.standing, self.app.language)

    def end_call(self) -> None:
        """*Avbryt* or *Avslutt*: home at once; the session closes the browser behind it."""
        self.app.call_flow.end_call()
        self.app.go_home()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
