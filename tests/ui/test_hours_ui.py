"""The hours on the real window: Home, Contact and the closed page say the same, on the days
where it goes wrong if anything does (Heggedal: open Mon–Thu 08:30–16, Wed to 19, Fri to 15,
Sat 10–14; innbyggerservice Tue and Thu 10–14).

The app's clock is pinned for each case and put back after it.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from torg_kiosk.base.clock import OSLO


@contextmanager
def clock_at(ui, moment: datetime):
    app = ui.app
    real = app.now
    app.now = lambda: moment
    try:
        app.closed_page_back()
        app.go_home()
        app.refresh_all()
        ui.frames(4)
        yield
    finally:
        app.now = real
        app.closed_page_back()
        app.go_home()
        app.refresh_all()
        ui.frames(4)


def what_the_screens_say(ui) -> dict[str, tuple[str, str]]:
    """(torg's hours, innbyggerservice's) as each screen shows them, read off the labels."""
    app = ui.app
    closed = app.manager.get_screen("closed")
    closed.refresh()
    ui.frames(2)
    said = {"closed page": (closed.ids.closed_hours.text, closed.ids.closed_staffed.text)}
    app.closed_page_dismissed()
    app.refresh_all()
    ui.frames(3)
    home = app.manager.get_screen("home")
    said["home"] = (home.ids.torg_hours.text, home.ids.staffed_home.text)
    app.go("contact")
    ui.frames(3)
    said["contact"] = (said["home"][0], app.manager.get_screen("contact").ids.staffed.text)
    return said


CASES = [
    (
        datetime(2026, 12, 24, 10, 0, tzinfo=OSLO),
        "Stengt i dag (Julaften) — åpner mandag kl. 08:30",
        "Innbyggerservice er stengt i dag (Julaften). Neste gang: tirsdag 10–14.",
    ),
    (
        datetime(2026, 4, 6, 11, 0, tzinfo=OSLO),
        "Stengt i dag (2. påskedag) — åpner i morgen kl. 08:30",
        "Innbyggerservice er her i morgen 10–14.",  # no staff on Mondays anyway
    ),
    (
        datetime(2026, 5, 17, 12, 0, tzinfo=OSLO),
        "Stengt i dag — åpner i morgen kl. 08:30",  # a Sunday: no hours anyway
        "Innbyggerservice er her tirsdag 10–14.",
    ),
    (
        datetime(2026, 12, 6, 12, 0, tzinfo=OSLO),
        "Stengt i dag — åpner i morgen kl. 08:30",
        "Innbyggerservice er her tirsdag 10–14.",
    ),
    (
        datetime(2026, 12, 3, 16, 30, tzinfo=OSLO),
        "Stengt nå — åpner i morgen kl. 08:30",
        "Innbyggerservice er her tirsdag 10–14.",
    ),
    (
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC).astimezone(OSLO),  # 03:30 CEST, a Sunday
        "Stengt i dag — åpner i morgen kl. 08:30",
        "Innbyggerservice er her tirsdag 10–14.",
    ),
    (
        datetime(2026, 10, 27, 9, 30, tzinfo=UTC).astimezone(OSLO),  # the Tuesday after
        "Åpent nå — til 16:00",
        "Innbyggerservice er her nå, til 14:00.",
    ),
]


@pytest.mark.parametrize(("moment", "torg", "staffed"), CASES, ids=lambda c: str(c)[:16])
def test_home_contact_and_the_closed_page_say_the_same(ui, moment, torg, staffed):
    with clock_at(ui, moment):
        said = what_the_screens_say(ui)
    assert said == {
        "closed page": (torg, staffed),
        "home": (torg, staffed),
        "contact": (torg, staffed),
    }


def test_outside_opening_hours_the_screen_rests_on_the_closed_page_until_touched(ui):
    evening = datetime(2026, 12, 3, 19, 30, tzinfo=OSLO)
    with clock_at(ui, evening):
        assert ui.app.manager.current == "closed"
        page = ui.screen
        assert page.ids.closed_hours.text == "Stengt nå — åpner i morgen kl. 08:30"
        assert page.ids.closed_phone.text == "Ring +47 66 90 00 00"
        assert page.ids.closed_web.text == "eller gå til www.asker.kommune.no"
        shown = [(row.when, row.title) for row in reversed(page.ids.closed_next.children)]
        assert shown and all(when.startswith(("i dag", "i morgen")) for when, _ in shown)
        ui.screenshot("closed-page-1920x1080")
        ui.tap(page.ids.closed_hours)
        assert ui.app.manager.current == "home"
        ui.app.refresh_all()  # a status tick: the visitor asked for the normal screens
        ui.frames(2)
        assert ui.app.manager.current == "home"
        ui.screenshot("home-closed-1920x1080")
        ui.app.idle.visitor.forget_visitor()  # the visit is over
        ui.frames(2)
        assert ui.app.manager.current == "closed"
