"""The no-clipping walk in every language, at every torg, in both orientations and both
text sizes: 7 × 8 × 2 × 2 combinations of five screens, in the one app of the session.

The window is turned twice and large text switched four times; the torg and the language
are switched in-process (``KioskApp.use_site``, ``choose_language``), which costs a redraw,
not a new window. Each screen is checked with the rules of test_accessibility_ui.py: target
sizes and gaps, nothing clipped, nothing shortened that may not be, no overlaps, and in
large-text mode the EN 301 549 5.1.4 capital height. Every problem is collected, so one run
lists them all.
"""

from __future__ import annotations

from conftest import SCREENSHOTS
from kivy.clock import Clock
from test_accessibility_ui import check_tree

from torg_kiosk.base.settings import load_all_sites
from torg_kiosk.domain.i18n import CODES

ORIENTATIONS = ((1920, 1080), (1080, 1920))
SCREENS = ("home", "today", "activity", "week", "contact")


def settle(count: int = 10) -> None:
    """Run the clock (layouts, label textures) without drawing: the checks read the widget
    tree, and a frame's swap under Xvfb costs more than the layout itself."""
    frame_rate, Clock._max_fps = Clock._max_fps, 0  # no waiting for the next frame's time
    try:
        for _ in range(count):
            Clock.tick()
    finally:
        Clock._max_fps = frame_rate


def show(ui, name: str) -> bool:
    """Show ``name``; the activity screen shows the torg's first cancelled activity, else its
    first one. False when there is nothing to show (a torg with no activity today)."""
    app = ui.app
    app.go_home()
    if name == "activity":
        app.go("today")
        settle(2)
        rows = ui.screen.ids.rows.data
        if not rows:
            return False
        pick = next((row for row in rows if row["cancelled"]), rows[0])
        app.show_activity(pick["key"])
    elif name != "home":
        app.go(name)
    if name == "today":
        # Today reads its rows (and finds its categories) on a thread of its own: the checks
        # need the filter buttons it builds when they arrive, not the ones before.
        ui.wait_until(lambda: not ui.screen.loading, what="today's rows")
    # Home's cards settle in a few rounds (lines measured, then one step at a time of what
    # gives way for them, each a layout pass: see HomeScreen._fit_body).
    settle(48 if name == "home" else 10)
    return True


def walk_all(ui, sites, orientations) -> tuple[list[str], int]:
    """(every problem found, how many screens were checked)."""
    home_site = ui.app.site
    problems: list[str] = []
    checked = 0
    # The same moment for every combination, however long the walk takes.
    running_clock, pinned = ui.app.now, ui.app.now()
    ui.app.now = lambda: pinned
    try:
        for size in orientations:
            ui.resize(*size)
            for large in (False, True):
                ui.app.large_text = large
                settle(10)
                for site_id, site in sites.items():
                    ui.app.use_site(site)
                    for language in CODES:
                        ui.app.choose_language(language)
                        for name in SCREENS:
                            if not show(ui, name):
                                continue
                            checked += 1
                            where = (
                                f"{site_id} {language} {size[0]}x{size[1]} "
                                f"{'large' if large else 'normal'} {name}"
                            )
                            found = check_tree(ui, ui.screen, size, large)
                            problems += [f"{where}: {problem}" for problem in found]
    finally:
        ui.app.now = running_clock
        ui.app.large_text = False
        ui.app.use_site(home_site)
        ui.app.choose_language("nb")
        ui.resize(1920, 1080)
        ui.app.go_home()
        ui.frames(4)
    return problems, checked


def test_no_text_is_clipped_in_any_language_torg_orientation_or_text_size(ui):
    sites = load_all_sites()
    assert len(sites) == 8 and len(CODES) == 7
    problems, checked = walk_all(ui, sites, ORIENTATIONS)
    SCREENSHOTS.mkdir(exist_ok=True)  # the list, for a person to read next to the pictures
    (SCREENSHOTS / "every-language-walk.txt").write_text("\n".join(problems), encoding="utf-8")
    assert checked >= 2 * 2 * 8 * 7 * 4
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
