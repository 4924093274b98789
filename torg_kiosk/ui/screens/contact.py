"""How to reach innbyggerservice: the phone and a QR to book a digital meeting.

It is also the video call's fallback (*Bestill et digitalt møte*): ``reason`` (set by the call
flow) says why no call is offered now, outside the caseworkers' hours or when the call
could not be made.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty

from torg_kiosk.calls.words import fallback_notice
from torg_kiosk.domain import hours_view
from torg_kiosk.ui.screens.base import KioskScreen


class ContactScreen(KioskScreen):
    staffed = StringProperty("")
    #: Why the call is not offered (a key of calls.words.FALLBACK_NOTICES), or "".
    reason = StringProperty("")
    notice = StringProperty("")

    def speech_script(self, language: str):
        """When the staff are in, and the number to call."""
        from torg_kiosk.domain import read_aloud

        return read_aloud.contact_script(
            self.app.site, self.app.now(), language, self.app.closures()
        )

    def refresh(self) -> None:
        app = self.app
        self.notice = fallback_notice(self.reason, app.language)
        line = hours_view.staffed_line(app.site, app.now(), app.closures(), app.language)
        self.staffed = line.text


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
