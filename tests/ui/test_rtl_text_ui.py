"""Arabic screens draw mixed text in reading order: Latin titles cut at their logical end,
the language marker whole, time ranges from their start, page arrows on the reading side."""

from __future__ import annotations

import re

from conftest import walk
from test_layout import show_screen
from test_rtl_ui import window_x

from torg_kiosk.domain import present
from torg_kiosk.domain.bidi import display_text
from torg_kiosk.ui.paging import PageArrow, PageButton
from torg_kiosk.ui.widgets import OccurrenceRow, RowDetailLabel

LONG_LATIN_TITLE = "Datahjelp for seniorer – hjelp med skjema, BankID og e-post på biblioteket"


def drawn(label) -> str:
    """What the core label draws, without the colour markup a markup label wraps it in."""
    return re.sub(r"\[/?color[^\]]*\]", "", label._label.text)


def top_row_with(ui, title_part: str) -> OccurrenceRow:
    rows = [w for w in walk(ui.screen) if isinstance(w, OccurrenceRow) and title_part in w.title]
    assert rows, f"no row with {title_part!r}"
    return rows[0]


def test_a_latin_title_on_the_arabic_today_list_keeps_its_first_word(ui, arabic):
    show_screen(ui, (1080, 1920), "today")
    item = ui.app.schedule.today(ui.app.site.id, ui.app.now())[0]
    card = present.card(item, ui.app.now(), "ar")
    ui.screen.ids.rows.data = [dict(card, title=LONG_LATIN_TITLE)]
    ui.frames(6)
    row = top_row_with(ui, "Datahjelp")
    title = next(w for w in walk(row) if getattr(w, "text", "") == LONG_LATIN_TITLE)
    shown = drawn(title)
    assert shown.startswith("Datahjelp"), shown
    assert shown.endswith("…"), shown
    assert title.is_shortened


def test_the_shown_in_english_marker_is_never_cut_by_a_long_place(ui, arabic):
    show_screen(ui, (1080, 1920), "today")
    item = ui.app.schedule.today(ui.app.site.id, ui.app.now())[0]
    card = present.card(item, ui.app.now(), "ar")
    note = present.fallback_note("en", "ar")
    ui.screen.ids.rows.data = [
        dict(card, fallback_note=note, place="Store sal i andre etasje · Asker frivilligsentral")
    ]
    ui.frames(6)
    detail = next(w for w in walk(ui.screen) if isinstance(w, RowDetailLabel) and w.text)
    assert detail.text.startswith(note)
    # The logical start of the line, drawn whole: the cut falls in the place, after it.
    assert display_text(note, True) in drawn(detail)


def test_the_activity_screen_in_arabic_reads_eleven_to_twelve(ui, arabic):
    show_screen(ui, (1920, 1080), "today")
    babysang = next(row for row in ui.screen.ids.rows.data if row["time_text"] == "11:00–12:00")
    ui.app.show_activity(babysang["key"])
    ui.frames(6)
    when = ui.screen.ids.when
    assert "11:00–12:00" in drawn(when)
    assert "12:00–11:00" not in drawn(when)


def test_in_arabic_the_page_arrow_stands_right_of_its_word(ui, arabic):
    show_screen(ui, (1920, 1080), "today")
    button = next(w for w in walk(ui.screen) if isinstance(w, PageButton))
    ui.frames(4)
    arrow = next(w for w in button.children if isinstance(w, PageArrow))
    word = next(w for w in button.children if getattr(w, "text", ""))
    assert window_x(arrow)[0] >= window_x(word)[1] - 1
    ui.app.choose_language("nb")
    ui.frames(6)
    assert window_x(arrow)[1] <= window_x(word)[0] + 1
