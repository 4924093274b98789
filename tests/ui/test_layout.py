"""Every screen at 1920×1080, 1080×1920 and 1280×800: no clipped or overlapping text."""

from __future__ import annotations

import pytest
import zxingcpp
from conftest import SIZES, walk
from kivy.core.text import Label as CoreLabel
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from PIL import Image

SCREENS = ("home", "today", "activity", "week", "contact")
#: Sub-pixel rounding of texture sizes.
SLACK = 1


def show_screen(ui, size, name):
    ui.resize(*size)
    if name == "activity":
        ui.show("today")
        cancelled = next(row for row in ui.screen.ids.rows.data if row["cancelled"])
        ui.app.show_activity(cancelled["key"])
    else:
        ui.show(name)
    ui.frames(6)


def shown_labels(screen):
    """Labels a visitor can see whole: with text, not hidden, not scrolled partly out of view.

    A list row half under the edge of its scrolling area is cut off by the list's own
    clipping; that is scrolling, not overlap.
    """
    for widget in walk(screen):
        if not isinstance(widget, Label) or not widget.text.strip():
            continue
        if any(parent.opacity == 0 for parent in ancestry(widget)):
            continue
        scroller = next((p for p in ancestry(widget) if isinstance(p, ScrollView)), None)
        if scroller is not None and not inside(widget, scroller):
            continue
        yield widget


def inside(widget, area) -> bool:
    x, y = widget.to_window(*widget.pos)
    ax, ay = area.to_window(*area.pos)
    return (
        x >= ax - SLACK
        and y >= ay - SLACK
        and x + widget.width <= ax + area.width + SLACK
        and y + widget.height <= ay + area.height + SLACK
    )


def ancestry(widget):
    while widget is not None:
        yield widget
        parent = widget.parent
        widget = parent if parent is not widget else None


def line_height(label) -> float:
    """The height one line of this label's text needs, unconstrained."""
    probe = CoreLabel(
        text="Åg", font_size=label.font_size, bold=label.bold, font_name=label.font_name
    )
    probe.refresh()
    return probe.texture.size[1]


def clipped(label) -> str | None:
    tex_w, tex_h = label.texture_size
    if label.text_size[1] is not None and label.height + SLACK < line_height(label):
        return f"one line needs {line_height(label):.0f} px, has {label.height:.0f}"
    if label.text_size[0] is not None and tex_w > label.width + SLACK:
        return f"{tex_w:.0f} px wide in {label.width:.0f}"
    if label.text_size[1] is not None and tex_h > label.height + SLACK:
        return f"{tex_h:.0f} px high in {label.height:.0f}"
    return None


def overlaps(a, b) -> bool:
    ax, ay = a.to_window(*a.pos)
    bx, by = b.to_window(*b.pos)
    return (
        ax + SLACK < bx + b.width
        and bx + SLACK < ax + a.width
        and ay + SLACK < by + b.height
        and by + SLACK < ay + a.height
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", SCREENS)
def test_every_label_fits_and_none_overlap(ui, size, name):
    show_screen(ui, size, name)
    ui.screenshot(f"{size[0]}x{size[1]}-{name}")
    labels = list(shown_labels(ui.screen))
    assert labels
    problems = [f"{label.text[:40]!r}: {clipped(label)}" for label in labels if clipped(label)]
    assert problems == []
    # Labels inside the window, and no two texts drawn on top of each other.
    for label in labels:
        x, y = label.to_window(*label.pos)
        assert x >= -SLACK and y >= -SLACK, label.text
        assert x + label.width <= size[0] + SLACK, label.text
        assert y + label.height <= size[1] + SLACK, label.text
    for index, first in enumerate(labels):
        for second in labels[index + 1 :]:
            if first in ancestry(second) or second in ancestry(first):
                continue
            assert not overlaps(first, second), (first.text[:40], second.text[:40])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_qr_code_on_the_activity_screen_reads_back_as_its_link(ui, size):
    # A scheduled one: a cancelled occurrence has no code (tests/ui/test_take_along_ui.py).
    ui.resize(*size)
    ui.show("today")
    scheduled = next(row for row in ui.screen.ids.rows.data if not row["cancelled"])
    ui.app.show_activity(scheduled["key"])
    ui.frames(6)
    link = ui.screen.link
    assert link
    shot = ui.screenshot(f"{size[0]}x{size[1]}-activity-qr")
    # zxing-cpp, not zbar: zbar guesses Shift-JIS for UTF-8 text ("på" in a VEVENT's SUMMARY).
    found = [code.text for code in zxingcpp.read_barcodes(Image.open(shot))]
    assert found == [link]
    assert ui.screen.ids.qr.height >= 300
