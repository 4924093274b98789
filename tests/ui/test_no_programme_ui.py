"""Where there is no programme to show, every screen says why, in the status line's words.

Regressions of the issue *One bad character must never take the lobby screens down*: Today
said *Henter program …* (fetching) while the schedule database could not be read, where
Home and the week said the programme was not available; and on a first start Home said
*Ikke mer på programmet i dag* (nothing more today) while the status line said it was still
fetching.

The real app on the demo feed: the states are made the way the app meets them (a read that
failed, a first start with nothing synced yet), and the schedule is taken back afterwards.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from torg_kiosk.domain import status as kinds
from torg_kiosk.store.database import ScheduleNeedsRebuild
from torg_kiosk.ui.readaloud import visible_text

FETCHING = "Henter program …"
NOT_AVAILABLE = "Programmet er ikke tilgjengelig akkurat nå."
NOTHING_MORE_TODAY = "Ikke mer på programmet i dag."


@contextmanager
def no_programme(ui, *, read_problem):
    """The app with no schedule to read: one that failed (``read_problem``) or none yet.

    The sync loop is held off meanwhile, so no round lands a schedule in the middle of the
    test; afterwards the app opens the schedule again as after a sync."""
    app = ui.app
    sync, app.sync = app.sync, None
    try:
        if read_problem is not None:
            app.schedule_failed(read_problem)
        else:
            app.schedule = None
            app._read_problem = app._sync_problem = None
        app.refresh_all()
        ui.frames(3)
        yield app
    finally:
        app.sync = sync
        app._read_problem = None
        app._open_schedule()
        app.refresh_all()
        app.go_home()
        ui.frames(6)
        assert app.schedule is not None and app.has_programme


def shown(ui, name: str) -> str:
    ui.show(name)
    ui.frames(3)
    return visible_text(ui.screen)


@pytest.mark.parametrize("name", ["home", "today", "week"])
def test_a_schedule_that_cannot_be_read_is_said_so_on_every_screen(ui, name):
    damaged = ScheduleNeedsRebuild(
        ui.app.kiosk.data_dir / "kiosk.db", "The schedule database is damaged (a test)."
    )
    with no_programme(ui, read_problem=damaged) as app:
        assert app.status().kind == kinds.STORAGE
        assert app.programme_notice == NOT_AVAILABLE
        text = shown(ui, name)
        assert NOT_AVAILABLE in text
        assert FETCHING not in text and NOTHING_MORE_TODAY not in text
        assert app.status_text.startswith("Lagringsfeil")


@pytest.mark.parametrize("name", ["home", "today", "week"])
def test_on_a_first_start_every_screen_says_the_programme_is_being_fetched(ui, name):
    with no_programme(ui, read_problem=None) as app:
        assert app.status().kind == kinds.FETCHING
        assert app.status_text == FETCHING
        text = shown(ui, name)
        assert FETCHING in text
        assert NOTHING_MORE_TODAY not in text and NOT_AVAILABLE not in text


def test_today_shows_the_rows_again_once_the_schedule_is_back(ui):
    damaged = ScheduleNeedsRebuild(ui.app.kiosk.data_dir / "kiosk.db", "damaged (a test)")
    with no_programme(ui, read_problem=damaged):
        assert NOT_AVAILABLE in shown(ui, "today")
        assert ui.screen.total == 0 and not ui.screen.ids.rows.data
    ui.show("today")
    ui.frames(3)
    assert ui.screen.total > 0 and ui.screen.ids.rows.data
    assert ui.screen.empty_text == ""
