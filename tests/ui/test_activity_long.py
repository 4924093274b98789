"""A long description (the feed allows 4000 characters) pages with ▲ Opp / ▼ Ned on Activity.

Nothing may run off the screen, nobody has to swipe, and the QR code stays in view.
"""

from __future__ import annotations

import pytest
from conftest import walk
from kivy.core.window import Window
from test_accessibility_ui import check_tree, drawn_text, large_text, visible  # noqa: F401
from test_layout import line_height

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
    """A scheduled activity: a cancelled one has no QR code to keep on screen."""
    ui.resize(*size)
    ui.show("today")
    scheduled = next(row for row in ui.screen.ids.rows.data if not row["cancelled"])
    ui.app.show_activity(scheduled["key"])
    ui.frames(6)
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


def test_a_refresh_keeps_the_page_and_another_activity_opens_at_the_top(ui, long_description):
    """Regression: every refresh (the 20 s tick, each sync) jumped the reader to the top."""
    screen = show_activity(ui, (1920, 1080))
    pages = screen.ids.description_pages
    ui.tap(pages.ids.down_button)
    paged = screen.ids.description_scroll.scroll_y
    assert paged < 1.0
    screen.refresh()
    ui.frames(4)
    assert screen.ids.description_scroll.scroll_y == pytest.approx(paged)

    screen._opened_key = ""  # as if the visitor had opened another activity
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


# --- A title as long as the contract allows (4000 characters) ---------------------------

#: Words of every length, 4000 characters in all; the last word says where the title ends.
LONG_TITLE = ("Strikkekafé og språkprat for alle generasjoner " * 90)[:3990].rstrip() + " SLUTTORD"


@pytest.fixture
def long_title(monkeypatch):
    real_detail = present.detail

    def detail_with_a_long_title(occurrence, language):
        return {**real_detail(occurrence, language), "title": LONG_TITLE}

    monkeypatch.setattr(activity.present, "detail", detail_with_a_long_title)
    return LONG_TITLE


def below(upper, lower) -> bool:
    """``upper`` ends above where ``lower`` starts (window coordinates, y up)."""
    return upper.to_window(*upper.pos)[1] >= lower.to_window(lower.x, lower.top)[1] - 1


@pytest.fixture(params=("nb", "ar"))
def language(request, ui):
    ui.app.choose_language(request.param)
    ui.frames(4)
    yield request.param
    ui.app.choose_language("nb")
    ui.frames(4)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_4000_character_title_stays_on_screen_above_the_description(
    ui,
    long_title,
    language,
    large_text,  # noqa: F811 (the fixture imported above)
    size,
):
    """Regression: the title ran off the top of the screen and under the page buttons."""
    screen = show_activity(ui, size)
    name = f"{size[0]}x{size[1]}-activity-long-title-{language}{'-large' if large_text else ''}"
    ui.screenshot(name)
    title, pages = screen.ids.title, screen.ids.description_pages
    assert screen.title == LONG_TITLE  # the screen has it whole; the label shows the start
    assert title.cut and on_screen(title)
    assert below(title, screen.ids.when) and below(screen.ids.when, pages)
    lines = title.texture_size[1] / line_height(title)
    assert round(lines) <= activity.MAX_TITLE_LINES
    assert check_tree(ui, screen, size, large=large_text) == []


def test_the_shortened_title_ends_in_an_ellipsis_and_is_whole_in_the_description(ui, long_title):
    screen = show_activity(ui, (1920, 1080))
    title = screen.ids.title
    drawn = drawn_text(title)
    assert drawn.endswith("…") and "SLUTTORD" not in drawn
    assert LONG_TITLE.startswith(drawn[:-1].replace("\n", " ").rstrip())
    description = screen.ids.description.text
    assert description.startswith(LONG_TITLE + "\n\n") and description.endswith(screen.description)
    # The page buttons reach the end of the whole title.
    assert screen.ids.description_pages.buttons_shown


def test_a_shortened_arabic_title_ends_in_the_ellipsis_at_its_left(ui, monkeypatch, arabic):
    """Arabic reads from the right: the logical end of the last line is its left edge."""
    arabic_title = "مرحبا بكم في ساحة المواطنين " * 150
    real_detail = present.detail

    def detail_with_an_arabic_title(occurrence, language):
        return {**real_detail(occurrence, language), "title": arabic_title}

    monkeypatch.setattr(activity.present, "detail", detail_with_an_arabic_title)
    screen = show_activity(ui, (1920, 1080))
    ui.screenshot("1920x1080-activity-long-arabic-title-ar")
    title = screen.ids.title
    assert title.cut
    last_line = drawn_text(title).split("\n")[-1].strip()
    assert last_line.startswith("…") and not last_line.endswith("…")


def test_a_title_that_fits_is_shown_whole_and_not_repeated_below(ui):
    screen = show_activity(ui, (1920, 1080))
    assert not screen.ids.title.cut
    assert not drawn_text(screen.ids.title).endswith("…")
    assert screen.ids.description.text == screen.description


@pytest.mark.parametrize("length", [20, 4000], ids=["short", "shortened"])
def test_kivy_markup_in_a_title_is_drawn_as_written(ui, monkeypatch, length):
    """Feed text is not markup: ``[b]`` is shown, not obeyed, also when the title is cut."""
    title_text = ("[b]Fet[/b] [color=ff0000]rød[/color] &bl; " * 200)[:length].rstrip()
    real_detail = present.detail

    def detail_with_markup(occurrence, language):
        return {**real_detail(occurrence, language), "title": title_text}

    monkeypatch.setattr(activity.present, "detail", detail_with_markup)
    screen = show_activity(ui, (1920, 1080))
    title = screen.ids.title
    assert title.cut == (length > 20)
    assert drawn_text(title).replace("\n", " ").startswith("[b]Fet[/b] [color=ff")
