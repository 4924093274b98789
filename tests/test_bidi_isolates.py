"""Left-to-right runs inside Arabic text are isolated, and shortening cuts the logical end.

UAX #9 treats the digits of "11:00–12:00" as right-to-left neighbours, so in an Arabic line
the range came out as "12:00–11:00" (the activity screen did, the list did not). Wrapping
each left-to-right run in LRI … PDI keeps it whole; the isolates themselves are never drawn.
"""

from __future__ import annotations

import re

from torg_kiosk.domain.bidi import LRI, PDI, display_text, isolate_ltr_runs, shorten_logical

ARABIC_DAY = "الخميس 3 ديسمبر"
CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_a_time_range_after_an_arabic_date_reads_from_its_start_time():
    shown = display_text(f"{ARABIC_DAY}  11:00–12:00", rtl_context=True)
    assert "11:00–12:00" in shown
    assert "12:00–11:00" not in shown
    # Drawn left to right: the range is at the left, where the Arabic line ends.
    assert shown.startswith("11:00–12:00")


def test_a_latin_title_inside_arabic_keeps_its_word_order():
    shown = display_text("نشاط: Datahjelp – hjelp med skjema", rtl_context=True)
    assert "Datahjelp – hjelp med skjema" in shown


def test_the_isolates_steer_the_algorithm_but_are_never_drawn():
    assert isolate_ltr_runs("مكتبة Heggedal") == f"مكتبة {LRI}Heggedal{PDI}"
    shown = display_text("مكتبة Heggedal، 10–16", rtl_context=True)
    assert not CONTROLS.search(shown)


def test_text_without_arabic_is_left_as_it_is():
    assert display_text("11:00–12:00", rtl_context=True) == "11:00–12:00"
    assert isolate_ltr_runs("Heggedal") == f"{LRI}Heggedal{PDI}"  # only used on Arabic lines


def fits_in(characters: int):
    return lambda text: len(text) <= characters


def test_shortening_keeps_the_logical_start_of_a_latin_title():
    title = "Datahjelp – hjelp med skjema"
    short = shorten_logical(title, fits_in(20))
    assert short.startswith("Datahjelp")
    assert short.endswith("…")
    assert len(short) <= 20


def test_shortening_keeps_the_first_letters_of_arabic_text():
    text = "معروض بالإنجليزية  ·  المكتبة"
    short = shorten_logical(text, fits_in(12))
    assert short.startswith("معروض")
    assert short.endswith("…")


def test_text_that_fits_is_not_shortened():
    assert shorten_logical("Babysang", fits_in(20)) == "Babysang"
