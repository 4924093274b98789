"""Now & next and the notices on the real window (Heggedal, Thursday 3 December 10:15)."""

from __future__ import annotations

from datetime import datetime

from tests.ui.conftest import walk
from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain import notices


def test_a_cancelled_activity_due_soon_is_on_home_with_the_word_and_the_mark(ui):
    ui.show("home")
    rows = [row for row in ui.screen.ids.now_box.children if hasattr(row, "cancelled")]
    called_off = [row for row in rows if row.cancelled]
    assert [(row.label, row.time_text, row.title) for row in called_off] == [
        ("AVLYST", "10:30", "Formiddagstreff")
    ]
    marks = [w for w in walk(called_off[0]) if type(w).__name__ == "CancelledMark"]
    assert marks and marks[0].width > 0 and marks[0].opacity == 1
    ui.screenshot("home-cancelled-1920x1080")


def test_the_rotating_notices_take_turns_and_pause(ui):
    ui.show("home")
    home = ui.screen
    assert len(home.rotating) >= 2, home.rotating
    shown = home._rotating_label.text
    home.next_notice()
    ui.frames(2)
    assert home._rotating_label.text != shown
    assert home.ids.notice_turns.ids.count.text == f"{home.turn + 1} / {len(home.rotating)}"
    ui.tap(home.ids.notice_turns.ids.pause)
    assert home.notices_paused and home.ids.notice_turns.ids.pause.text == "Fortsett"
    before = home._rotating_label.text
    home._rotate(notices.ROTATE_SECONDS)
    assert home._rotating_label.text == before, "paused: no turn"
    ui.tap(home.ids.notice_turns.ids.pause)
    assert not home.notices_paused


def test_christmas_week_pins_the_closed_days_above_the_others(ui):
    app = ui.app
    real = app.now
    app.now = lambda: datetime(2026, 12, 21, 11, 0, tzinfo=OSLO)
    try:
        app.go_home()
        app.refresh_all()
        ui.frames(4)
        box = app.manager.get_screen("home").ids.notices_box
        first = box.children[-1]  # children are last-added first
        assert first.pinned
        assert first.text == (
            "Torget er stengt: torsdag (Julaften), fredag (1. juledag), lørdag (2. juledag)."
        )
        ui.screenshot("home-christmas-week-1920x1080")
    finally:
        app.now = real
        app.refresh_all()
        ui.frames(4)
