"""Every status line the screen can show fits its place, in every language and window size.

The honest status (no network, a refused feed, a storage problem, the first fetch) brought
new sentences; each is drawn on Home and on a screen with the bottom bar, where the status
shares its row with the buttons, and must neither be cut off nor end in an ellipsis.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import SIZES, walk
from test_accessibility_ui import shortened
from test_layout import clipped, show_screen

from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain import present
from torg_kiosk.domain import status as kinds
from torg_kiosk.domain.i18n import CODES
from torg_kiosk.domain.status import KioskStatus

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
#: The longest way a time of the data is said: a whole date (more than a day ago).
LONG_AGO = datetime(2026, 11, 25, 21, 0, tzinfo=OSLO)
STATUSES = [
    KioskStatus(kinds.OK, NOW),
    KioskStatus(kinds.FETCHING),
    *(KioskStatus(kind, when) for kind in (kinds.NO_NETWORK, kinds.FEED_REFUSED, kinds.STORAGE)
      for when in (LONG_AGO, None)),
    KioskStatus(kinds.STALE, LONG_AGO),
]  # fmt: skip


def status_labels(screen, text: str) -> list:
    return [
        widget
        for widget in walk(screen)
        if getattr(widget, "text", None) == text and widget.opacity > 0 and widget.width > 0
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["home", "week"])
def test_every_status_line_fits_in_every_language(ui, size, name):
    show_screen(ui, size, name)
    problems = []
    try:
        for language in CODES:
            ui.app.language = language
            for status in STATUSES:
                text = present.status_line(status, NOW, language)
                for _attempt in range(3):  # the 20 s status tick may put the real one back
                    ui.app.status_text = text
                    ui.frames(2)
                    labels = status_labels(ui.screen, text)
                    if labels:
                        break
                if not labels:
                    problems.append(f"{language}: {text!r} is not shown")
                for label in labels:
                    if shortened(label) or clipped(label):
                        problems.append(f"{language}: {text!r} does not fit ({label.width:.0f} px)")
    finally:
        ui.app.language = "nb"
        ui.app.refresh_all()
        ui.frames(3)
    assert problems == [], "\n".join(problems)
