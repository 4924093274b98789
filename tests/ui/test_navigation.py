"""A visitor's walk through the screens with real touches, on the demo feed at 2026-12-03 10:15."""

from __future__ import annotations

from datetime import timedelta

from torg_kiosk.domain.present import clock_text
from torg_kiosk.ui.app import SCREENS
from torg_kiosk.ui.lazy_screens import LazyScreens
from torg_kiosk.ui.widgets import OccurrenceRow


def visible_rows(ui) -> dict[str, OccurrenceRow]:
    rows = ui.app.manager.get_screen("today").ids.rows
    return {view.title: view for view in rows.layout_manager.children}


def test_a_fresh_data_folder_says_it_is_fetching_the_programme(ui):
    assert ui.status_before_first_sync == "Henter program …"


def test_home_shows_the_torg_the_time_and_what_is_on_now(ui):
    ui.app.go_home()
    ui.frames()
    home = ui.screen
    assert home.ids.site_name.text == "Heggedal innbyggertorg"
    # The pinned clock ticks from 10:15 as the session goes on: the time it shows now (or a
    # minute ago, if the minute turned just now).
    now = ui.app.now()
    assert home.clock_text in (clock_text(now), clock_text(now - timedelta(minutes=1)))
    assert home.clock_text.startswith("10:")
    assert home.date_text == "torsdag 3. desember"
    now_rows = {row.title: row for row in home.ids.now_box.children if hasattr(row, "title")}
    assert "Innbyggerservice på skjerm" in now_rows
    # Cancelled but due at 10:30: the people who came for it look at Home.
    assert now_rows["Formiddagstreff"].label == "AVLYST"
    assert now_rows["Formiddagstreff"].cancelled
    services = {line.name: line.hours for line in home.ids.services_box.children}
    assert services["Bibliotek"] == "til 16"  # open now, until 16
    assert services["Nærmiljøsentral"] == "stengt i dag"
    assert ui.app.status_text.startswith("Oppdatert ")


def test_home_today_activity_back_home_with_real_touches(ui):
    ui.app.go_home()
    ui.frames()
    ui.tap(ui.screen.ids.today_button)
    assert ui.app.manager.current == "today"

    rows = visible_rows(ui)
    assert {"Formiddagstreff", "Babysang", "Leksehjelp", "Strikkekafé"} <= set(rows)
    assert rows["Formiddagstreff"].marker == "AVLYST"
    assert rows["Formiddagstreff"].cancelled
    assert rows["Innbyggerservice på skjerm"].marker == "Nå"

    ui.tap(rows["Babysang"])
    assert ui.app.manager.current == "activity"
    activity = ui.screen
    assert activity.title == "Babysang"
    assert activity.when == "torsdag 3. desember  11:00–12:00"
    assert activity.link.startswith("https://")

    ui.tap(activity.ids.bar.ids.back_button)
    assert ui.app.manager.current == "today"
    ui.tap(ui.screen.ids.bar.ids.home_button)
    assert ui.app.manager.current == "home"


def test_a_cancelled_activity_says_avlyst_on_its_own_screen(ui):
    ui.app.go_home()
    ui.frames()
    ui.tap(ui.screen.ids.today_button)
    ui.tap(visible_rows(ui)["Formiddagstreff"])
    activity = ui.screen
    assert activity.cancelled
    assert "AVLYST" in activity.ids.cancelled_banner.text
    assert activity.ids.cancelled_banner.opacity == 1
    ui.tap(activity.ids.bar.ids.home_button)
    assert ui.app.manager.current == "home"


def test_a_category_filter_shows_only_that_category(ui):
    ui.app.go_home()
    ui.frames()
    ui.tap(ui.screen.ids.today_button)
    buttons = {button.text: button for button in ui.screen.ids.filters.children}
    assert list(buttons)[-1] == "Alle"
    ui.tap(buttons["Barn"])
    assert set(visible_rows(ui)) == {"Babysang"}
    ui.tap(ui.screen.ids.bar.ids.home_button)


def test_english_changes_the_words_on_the_buttons(ui):
    ui.app.go_home()
    ui.frames()
    ui.tap(ui.screen.ids.language_button)
    from kivy.core.window import Window

    picker = Window.children[0]
    ui.tap(picker.ids.en_button)
    assert ui.screen.ids.today_button.text == "Today's activities"
    assert ui.screen.date_text == "Thursday 3 December"
    ui.app.choose_language("nb")
    ui.frames()
    assert ui.screen.ids.today_button.text == "Dagens aktiviteter"


def test_week_call_and_contact_screens_open_from_home(ui):
    ui.app.go_home()
    ui.frames()
    ui.tap(ui.screen.ids.week_button)
    assert ui.app.manager.current == "week"
    headings = [row.get("text") for row in ui.screen.ids.rows.data if "text" in row]
    assert headings[:2] == ["torsdag 3. desember", "fredag 4. desember"]
    ui.tap(ui.screen.ids.bar.ids.home_button)
    # At 10:15 on a Thursday a caseworker can answer: the button starts a video call.
    ui.tap(ui.screen.ids.contact_button)
    assert ui.app.manager.current == "call_topic"
    ui.show("contact")
    assert ui.screen.ids.phone.text == "+47 66\u00a090\u00a000\u00a000"
    assert ui.screen.staffed == "Innbyggerservice er her nå, til 14:00."
    ui.tap(ui.screen.ids.bar.ids.home_button)
    assert ui.app.manager.current == "home"


def test_an_empty_day_answers_kindly_with_what_is_on_next(ui):
    from datetime import datetime

    from torg_kiosk.base.clock import OSLO

    pinned = ui.app.now
    sunday = datetime(2026, 12, 6, 12, 0, tzinfo=OSLO)
    ui.app.now = lambda: sunday
    try:
        ui.app.go_home()
        ui.frames()
        ui.tap(ui.screen.ids.today_button)
        today = ui.screen
        assert today.ids.rows.data == []
        assert today.empty_text.startswith(
            "I dag er det ingen aktiviteter her. Neste: mandag 7. desember – "
        )
        assert today.ids.empty.text == today.empty_text
    finally:
        ui.app.now = pinned
        ui.app.go_home()
        ui.frames()


def test_every_screen_is_ready_soon_after_the_first_frame(ui):
    # Home is made before the first frame, the others one a frame after it.
    assert ui.app.manager.unmade == []
    assert sorted(ui.app.manager.screen_names) == sorted(SCREENS)


def test_a_screen_is_made_on_its_first_use_and_only_once(ui):
    screens = LazyScreens({name: SCREENS[name] for name in ("week", "contact")})
    assert screens.unmade == ["week", "contact"]
    week = screens.get_screen("week")
    assert screens.get_screen("week") is week
    assert screens.current == "week"  # the first one made is the one shown
    assert screens.unmade == ["contact"]
    assert screens.make_next() is False  # that was the last one
    assert screens.unmade == []
