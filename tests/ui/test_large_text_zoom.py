"""Large text is a zoom of the whole type scale (issue 13), not a floor under small text.

Every text level of every screen but Home (which has tests of its own) draws at least
1.4 times its normal size in large-text mode, so the hierarchy keeps its ratios; the
EN 301 549 5.1.4 capital height (7.3 mm on the configured panel) stays the floor. Each
label is compared with itself (the same place on the screen) in normal and in large text.
The screens reflow rather than spill: nothing clipped or overlapping on the screens the
every-language walk does not cover, and nothing pushed off the screen in the languages with
the longest lines and in Arabic.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import walk
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.recyclelayout import RecycleLayout
from test_accessibility_ui import check_tree, seen_panel, visible
from test_every_language_walk import settle
from test_layout import SLACK

from torg_kiosk.domain.accessibility import check_large_text
from torg_kiosk.ui.a11y import LARGE_TEXT_ZOOM, LargeText, MovesToRow

SIZES = ((1920, 1080), (1080, 1920))
#: Every screen a visitor or the staff can reach, but Home.
SCREENS = (
    "today",
    "week",
    "activity",
    "contact",
    "rooms",
    "signup",
    "call_topic",
    "call_language",
    "call_interpreter",
    "call",
    "closed",
    "staff_pin",
    "staff_choose",
    "staff_scan",
    "staff_attendance",
)
#: Screens the every-language walk and test_call_ui.py do not check in large text.
CHECKED_HERE = (
    "rooms",
    "closed",
    "signup",
    "staff_pin",
    "staff_choose",
    "staff_scan",
    "staff_attendance",
)
LEAST_GROWTH = 1.4


def open_screen(ui, name: str) -> None:
    app = ui.app
    app.go_home()
    settle(2)
    if name == "activity":
        app.go("today")
        ui.frames(4)
        app.show_activity(ui.screen.ids.rows.data[0]["key"])
    else:
        app.go(name)
    ui.frames(6)


def text_levels(screen) -> dict[str, tuple[str, list[float]]]:
    """The font sizes of every label with text that large text zooms, by its place: the
    classes from the screen down to it, each with its number among its siblings of that
    class (screens build some rows anew on a refresh). The rows of a list are one place (a
    list draws each row with whichever of its recycled views, and fewer of them in large
    text); a widget that moves between the bar's rows (MovesToRow) is a place of its own."""
    levels: dict[str, tuple[str, list[float]]] = {}

    def visit(widget, path: str) -> None:
        if isinstance(widget, LargeText) and widget.text.strip():
            levels.setdefault(path, (widget.text[:30], []))[1].append(widget.font_size)
        seen: Counter[str] = Counter()
        for child in reversed(widget.children):
            name = type(child).__name__
            number = "" if isinstance(widget, RecycleLayout) else f"#{seen[name]}"
            seen[name] += 1
            if isinstance(child, MovesToRow):
                visit(child, name)
            else:
                visit(child, f"{path}/{name}{number}")

    visit(screen, type(screen).__name__)
    return levels


def levels_in_both_sizes(ui, screen, frames: int = 6):
    """``screen``'s text levels (text_levels) in normal text, then in large text."""
    before = text_levels(screen)
    ui.app.large_text = True
    ui.frames(frames)
    after = text_levels(screen)
    ui.app.large_text = False
    ui.frames(4)
    return before, after


def grown_too_little(name: str, before: dict, after: dict, keys) -> list[str]:
    """The levels among ``keys`` whose smallest large size is under LEAST_GROWTH times
    their largest normal one."""
    found = []
    for key in keys:
        text, normal = before[key]
        large = after[key][1]
        if min(large) < LEAST_GROWTH * max(normal):
            found.append(f"{name}: {text!r} {max(normal):g} → {min(large):g} px")
    return found


@pytest.fixture
def normal_text(ui):
    ui.app.large_text = False
    yield
    ui.app.large_text = False
    ui.resize(1920, 1080)
    ui.app.go_home()
    ui.frames(3)


def test_the_zoom_is_one_and_a_half():
    assert LARGE_TEXT_ZOOM == 1.5


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_text_level_grows_at_least_1_4_times_in_large_text(ui, normal_text, size):
    ui.resize(*size)
    too_small: list[str] = []
    for name in SCREENS:
        open_screen(ui, name)
        before, after = levels_in_both_sizes(ui, ui.app.manager.get_screen(name))
        assert before, f"{name} shows no text"
        gone = [before[key][0] for key in set(before) - set(after)]
        assert gone == [], f"{name}: texts gone in large text"
        too_small += grown_too_little(name, before, after, before)
    assert too_small == [], "\n".join(too_small)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_label_keeps_the_capital_height_floor_in_large_text(ui, normal_text, size):
    ui.resize(*size)
    ui.app.large_text = True
    settle(10)
    problems: list[str] = []
    for name in SCREENS:
        open_screen(ui, name)
        sizes = {
            f"{name}: {label.text[:30]!r}": label._label.options["font_size"]
            for label in walk(ui.screen)
            if isinstance(label, LargeText) and label.text.strip()
        }
        problems += [str(problem) for problem in check_large_text(sizes, seen_panel(ui, size))]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", CHECKED_HERE)
def test_screens_outside_the_walk_reflow_in_large_text(ui, normal_text, size, name):
    ui.resize(*size)
    ui.app.large_text = True
    settle(10)
    open_screen(ui, name)
    ui.screenshot(f"{size[0]}x{size[1]}-{name}-zoomed")
    problems = check_tree(ui, ui.screen, size, large=True)
    assert problems == [], "\n".join(problems)


#: Screens a visitor reads, and the languages with the longest lines and the other script.
ON_SCREEN = ("today", "week", "activity", "contact", "rooms", "closed", "call_topic")
LANGUAGES = ("nb", "so", "uk", "ar")


def off_screen(screen) -> list[str]:
    """Labels and buttons not wholly inside the window (a column pushed over its top, a
    row of buttons wider than the screen): nothing to overlap there, but nothing to read."""
    width, height = Window.size
    found = []
    for widget in walk(screen):
        if not isinstance(widget, (Label, ButtonBehavior)) or not visible(widget):
            continue
        if isinstance(widget, Label) and not widget.text.strip():
            continue
        x, y = widget.to_window(*widget.pos)
        if (
            x < -SLACK
            or y < -SLACK
            or x + widget.width > width + SLACK
            or (y + widget.height > height + SLACK)
        ):
            name = getattr(widget, "text", "")[:30] or type(widget).__name__
            found.append(f"{name!r} at ({x:.0f}, {y:.0f}), {widget.width:.0f}×{widget.height:.0f}")
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_everything_stays_on_the_screen_in_large_text(ui, normal_text, size):
    ui.resize(*size)
    ui.app.large_text = True
    settle(10)
    problems: list[str] = []
    try:
        for language in LANGUAGES:
            ui.app.choose_language(language)
            for name in ON_SCREEN:
                open_screen(ui, name)
                problems += [f"{language} {name}: {p}" for p in off_screen(ui.screen)]
    finally:
        ui.app.choose_language("nb")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_text_level_on_home_grows_at_least_1_4_times_in_large_text(ui, normal_text, size):
    # Home gives way in large text (the greeting's place takes the hours; the character,
    # the date, a card of rotating notices may go: HomeScreen._fit_body), so only what it
    # shows in both sizes is compared. The torg's name is drawn smaller rather than cut
    # where it is wider than its room, so it is measured where it fits: in landscape.
    ui.resize(*size)
    app = ui.app
    app.go_home()
    ui.frames(8)
    before, after = levels_in_both_sizes(ui, app.manager.get_screen("home"), frames=12)
    name = app.site.name[:30]
    compared = [
        key
        for key, (text, _sizes) in before.items()
        if key in after and not (text == name and size[1] > size[0])
    ]
    assert len(compared) >= 15  # the clock, now & next, the services, the buttons, the bar …
    too_small = grown_too_little("home", before, after, compared)
    assert too_small == [], "\n".join(too_small)
