"""A long description (the feed allows 4000 characters) pages with ▲ Opp / ▼ Ned on Activity.

Nothing may run off the screen, nobody has to swipe, and the QR code stays in view.
"""

from __future__ import annotations

import pytest
from conftest import walk
from kivy.core.window import Window
from test_accessibility_ui import check_tree, visible
from test_layout import show_screen

from torg_kiosk.domain import present
from torg_kiosk.ui.screens import activity

SIZES = ((1920, 1080), (1080, 1920))

PARAGRAPH = (
    "Strikkekafeen er et uformelt treffsted for alle som liker å strikke, hekle eller bare "
    "prate. Ta med det du holder på med, eller lær noe nytt: erfarne strikkere viser deg "
    "gjerne hvordan. Vi har garn og pinner til utlån, kaffe og te står klart, og du trenger "
    "ikke melde deg på. Barnevogn og rullator kommer fint inn gjennom hovedinngangen."
)
#: Nine paragraphs, about 3 000 characters: far more than a screen holds at 32 px.
LONG = "\n\n".join(f"{number}. {PARAGRAPH}" for number in range(1, 10))


@pytest.fixture
def long_description(monkeypatch):
    real_detail = present.detail

    def detail_with_a_long_description(occurrence, language):
        shown = real_detail(occurrence, language)
        return {**shown, "description": LONG}

    monkeypatch.setattr(activity.present, "detail", detail_with_a_long_description)
    return LONG


def show_activity(ui, size):
    show_screen(ui, size, "activity")
    ui.screen.refresh()
    ui.frames(8)
    return ui.screen


def on_screen(widget) -> bool:
    x, y = widget.to_window(*widget.pos)
    return (
        x >= -1
        and y >= -1
        and x + widget.width <= Window.width + 1
        and (y + widget.height <= Window.height + 1)
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_description_pages_and_the_qr_code_stays_on_screen(ui, long_description, size):
    screen = show_activity(ui, size)
    assert len(screen.description) > 2500
    pages, scroll = screen.ids.description_pages, screen.ids.description_scroll
    up, down = pages.ids.up_button, pages.ids.down_button
    ui.screenshot(f"{size[0]}x{size[1]}-activity-long")

    # Everything a visitor sees lies inside the window; the text scrolls inside its own area.
    shown = [w for w in walk(screen) if visible(w)]
    assert [w for w in shown if not on_screen(w)] == []
    assert on_screen(scroll) and scroll.height > 100
    qr = screen.ids.qr
    assert screen.link and visible(qr) and on_screen(qr)
    assert check_tree(ui, screen, size, large=False) == []

    # The text is taller than its area, so the buttons are there: down on, up off.
    assert screen.ids.description.height > scroll.height
    assert pages.buttons_shown and visible(down) and up.disabled
    assert scroll.scroll_y == 1.0

    positions = [scroll.scroll_y]
    for _ in range(30):
        if down.disabled:
            break
        ui.tap(down)
        positions.append(scroll.scroll_y)
    assert down.disabled and not up.disabled
    assert positions[-1] == pytest.approx(0.0)
    assert len(positions) >= 3, "a 3 000-character text should take more than two pages"
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == len(positions)
    # Paging never moved the QR code or pushed anything off the screen.
    assert visible(qr) and on_screen(qr)

    for _ in range(30):
        if up.disabled:
            break
        ui.tap(up)
    assert scroll.scroll_y == pytest.approx(1.0) and up.disabled and not down.disabled


def test_another_activity_opens_at_the_top_of_its_description(ui, long_description):
    screen = show_activity(ui, (1920, 1080))
    pages = screen.ids.description_pages
    ui.tap(pages.ids.down_button)
    assert screen.ids.description_scroll.scroll_y < 1.0
    screen.refresh()
    ui.frames(4)
    assert screen.ids.description_scroll.scroll_y == 1.0
    assert pages.ids.up_button.disabled


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_short_description_shows_no_page_buttons(ui, size):
    screen = show_activity(ui, size)
    pages = screen.ids.description_pages
    assert screen.ids.description.height <= screen.ids.description_scroll.height
    assert not pages.buttons_shown
    assert not visible(pages.ids.up_button) and not visible(pages.ids.down_button)
