"""EN 301 549 clause 5 on the real widget tree: target sizes, gaps, large text, contrast.

Every screen (and the language picker and the idle warning) at 1920×1080 and 1080×1920, in
normal and in large-text mode, in Norwegian and again in Arabic (another font with other
line metrics, English fallback texts that are longer, and a mirrored layout). Sizes in
millimetres become pixels through :func:`torg_kiosk.domain.accessibility.panel_for_window`: the
configured panel's physical size, never the DPI the system reports.
"""

from __future__ import annotations

import pytest
from conftest import walk
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from test_layout import ancestry, clipped, inside, overlaps, show_screen, shown_labels

from torg_kiosk.base.colour import contrast_ratio
from torg_kiosk.base.settings import PanelConfig
from torg_kiosk.domain import accessibility
from torg_kiosk.domain.accessibility import Rect, check_large_text, check_targets, panel_for_window
from torg_kiosk.ui import theme

SCREENS = ("home", "today", "activity", "week", "contact", "rooms")
SIZES = ((1920, 1080), (1080, 1920))
PANEL = PanelConfig(width_mm=527, height_mm=296, width_px=1920, height_px=1080)


# --- The density of a window on the configured panel (no window needed) -------------------


def test_a_full_size_landscape_window_has_the_panels_own_density():
    seen = panel_for_window(PANEL, 1920, 1080)
    # 1080 / 296 = 3.649 px/mm is (just) denser than 1920 / 527 = 3.643.
    assert accessibility.px_per_mm(seen) == pytest.approx(1080 / 296)
    assert accessibility.min_target_px(seen) == 43  # 11.6 mm × 3.649 px/mm = 42.3
    assert accessibility.min_gap_px(seen) == 8
    assert accessibility.large_text_font_size(seen) == 38


def test_a_portrait_window_turns_the_panel_round():
    seen = panel_for_window(PANEL, 1080, 1920)
    assert (seen.width_mm, seen.height_mm) == (296, 527)
    # 1080 / 296 = 3.649 px/mm is the denser axis.
    assert accessibility.px_per_mm(seen) == pytest.approx(1080 / 296)
    assert accessibility.min_target_px(seen) == 43


def test_a_smaller_window_shown_on_the_same_panel_needs_fewer_pixels():
    seen = panel_for_window(PANEL, 1280, 800)
    assert accessibility.px_per_mm(seen) == pytest.approx(800 / 296)
    assert accessibility.min_target_px(seen) == 32


# --- The real widget tree ----------------------------------------------------------------


@pytest.fixture(params=(False, True), ids=("normal", "large"))
def large_text(request, ui):
    ui.app.large_text = request.param
    ui.frames(3)
    yield request.param
    ui.app.large_text = False
    ui.frames(3)


def visible(widget) -> bool:
    if any(p.opacity == 0 or getattr(p, "disabled", False) for p in ancestry(widget)):
        return False
    if widget.width <= 0 or widget.height <= 0:
        return False
    scroller = next((p for p in ancestry(widget) if isinstance(p, ScrollView)), None)
    return scroller is None or inside(widget, scroller)


def touch_targets(root) -> list[Rect]:
    rects = []
    for widget in walk(root):
        if isinstance(widget, ButtonBehavior) and visible(widget):
            x, y = widget.to_window(*widget.pos)
            name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}".strip()
            rects.append(Rect(x, y, widget.width, widget.height, name))
    return rects


def check_tree(ui, root, size, large: bool) -> list[str]:
    problems = [str(p) for p in check_targets(touch_targets(root), seen_panel(ui, size))]
    labels = list(shown_labels(root))
    problems += [f"{label.text[:40]!r}: {clipped(label)}" for label in labels if clipped(label)]
    problems += [
        f"{label.text[:40]!r}: shortened to {drawn_text(label)!r}"
        for label in labels
        if shortened(label)
    ]
    for index, first in enumerate(labels):
        for second in labels[index + 1 :]:
            if first in ancestry(second) or second in ancestry(first):
                continue
            if overlaps(first, second):
                problems.append(f"{first.text[:30]!r} overlaps {second.text[:30]!r}")
    if large:
        # The size the core label renders with: what is drawn, not only what is asked for.
        sizes = {f"{label.text[:30]!r}": label._label.options["font_size"] for label in labels}
        problems += [str(p) for p in check_large_text(sizes, seen_panel(ui, size))]
    return problems


ELLIPSES = ("...", "…")


def drawn_text(label) -> str:
    """The text the core label laid out, after Kivy's ``shorten`` (if it cut anything)."""
    lines = getattr(label._label, "_cached_lines", None) or []
    return "\n".join("".join(word.text for word in line.words) for line in lines)


def shortened(label) -> bool:
    """Kivy's ``shorten`` cut the text to fit ("Seniorse..."): a reader loses the word.

    Kivy's own flag, and (in case a core label forgets to set it) a drawn text that ends in
    an ellipsis the full text has not. A widget class whose shortening is meant (the full
    text is one tap away) says so with ``may_shorten = True``.
    """
    if getattr(label, "may_shorten", False):
        return False
    if label.is_shortened:
        return True
    drawn = drawn_text(label).rstrip()
    return drawn.endswith(ELLIPSES) and not label.text.rstrip().endswith(ELLIPSES)


def seen_panel(ui, size) -> PanelConfig:
    return panel_for_window(ui.app.kiosk.panel, *size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", SCREENS)
def test_every_screen_meets_the_size_gap_and_text_rules(ui, large_text, size, name):
    show_screen(ui, size, name)
    ui.frames(4)
    if large_text:
        ui.screenshot(f"{size[0]}x{size[1]}-{name}-large")
    problems = check_tree(ui, ui.screen, size, large_text)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", SCREENS)
def test_every_screen_in_arabic_meets_the_size_gap_and_text_rules(
    ui, arabic, large_text, size, name
):
    show_screen(ui, size, name)
    ui.frames(4)
    assert ui.app.rtl
    ui.screenshot(f"ar-{size[0]}x{size[1]}-{name}{'-large' if large_text else ''}-a11y")
    problems = check_tree(ui, ui.screen, size, large_text)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_language_picker_meets_the_rules(ui, large_text, size):
    show_screen(ui, size, "home")
    ui.app.open_language_picker()
    ui.frames(6)
    picker = next(child for child in Window.children if isinstance(child, ModalView))
    try:
        assert check_tree(ui, picker, size, large_text) == []
    finally:
        picker.dismiss(animation=False)
        ui.frames(3)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_large_text_is_one_tap_away_and_back(ui, size):
    show_screen(ui, size, "today")
    button = ui.screen.ids.bar.ids.access_buttons.ids.large_button
    assert button.text == "Stor tekst"
    ui.tap(button)
    assert ui.app.large_text
    floor = accessibility.large_text_font_size(seen_panel(ui, size))
    assert ui.app.text_floor == floor == 38
    assert button.text == "Vanlig tekst"
    assert min(label.font_size for label in shown_labels(ui.screen)) >= floor
    ui.tap(button)
    assert not ui.app.large_text
    assert min(label.font_size for label in shown_labels(ui.screen)) < floor


def test_labels_draw_only_theme_colours_the_contrast_rules_cover(ui):
    app = ui.app
    assert accessibility.theme_contrast_problems(app.site.theme, app.site.id) == []
    allowed = {
        tuple(round(c, 3) for c in app.c_text[:3]),
        tuple(round(c, 3) for c in app.c_muted[:3]),
        tuple(round(c, 3) for c in app.c_accent[:3]),
        tuple(round(c, 3) for c in app.c_accent_text[:3]),
        tuple(round(c, 3) for c in app.c_cancelled[:3]),
        # The caption under the QR code sits on the code's own white quiet zone.
        (0.1, 0.1, 0.1),
    }
    assert contrast_ratio("#1a1a1a", "#ffffff") >= 4.5
    for name in SCREENS:
        show_screen(ui, (1920, 1080), name)
        for label in shown_labels(ui.screen):
            assert tuple(round(c, 3) for c in label.color[:3]) in allowed, (name, label.text)
            assert label.color[3] == 1, (name, label.text)


def test_the_pattern_is_drawn_at_the_alpha_the_contrast_rules_assume(ui):
    assert ui.app.c_pattern == theme.rgba(ui.app.site.theme.accent, accessibility.PATTERN_ALPHA)


def test_a_pressed_button_is_drawn_in_exactly_the_pressed_colour(ui):
    show_screen(ui, (1920, 1080), "home")
    button = ui.screen.ids.today_button
    button.state = "down"
    try:
        shot = ui.screenshot("1920x1080-pressed-button")
    finally:
        button.state = "normal"
    from PIL import Image

    x, y = button.to_window(button.x + 12, button.y + 12)
    pixel = Image.open(shot).convert("RGB").getpixel((int(x), int(Window.height - y)))
    expected = accessibility.pressed(ui.app.site.theme.accent)
    want = tuple(int(expected[i : i + 2], 16) for i in (1, 3, 5))
    assert all(abs(a - b) <= 2 for a, b in zip(pixel, want, strict=True)), (pixel, want)
