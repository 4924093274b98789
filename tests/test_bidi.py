"""Arabic as Kivy must draw it: joined letters, visual right-to-left order, Latin runs intact."""

from __future__ import annotations

from torg_kiosk.domain.bidi import display_text, has_rtl

MIXED = "Språkkafé – مقهى اللغة 10:15"


def _presentation_forms(text: str) -> list[str]:
    return [char for char in text if 0xFE70 <= ord(char) <= 0xFEFF]


def test_arabic_letters_become_their_joined_presentation_forms():
    shown = display_text(MIXED, rtl_context=True)
    arabic = [char for char in shown if "\u0600" <= char <= "\u06ff"]
    assert arabic == []
    assert len(_presentation_forms(shown)) == len("مقهىاللغة")


def test_in_a_right_to_left_line_the_latin_runs_stay_intact_and_read_from_the_right():
    shown = display_text(MIXED, rtl_context=True)
    # Drawn left to right: the time first, the Norwegian word last (it is read first).
    assert shown.startswith("10:15 ")
    assert shown.endswith(" – Språkkafé")


def test_arabic_words_are_reversed_into_visual_order():
    shown = display_text("مقهى", rtl_context=True)
    # The last letter (alef maksura, final form) is drawn leftmost.
    assert shown == "\ufef0\ufeec\ufed8\ufee3"


def test_a_place_name_and_times_inside_an_arabic_sentence_keep_their_order():
    shown = display_text("مقهى اللغة في Heggedal من 10:15 حتى 12:00", rtl_context=True)
    assert shown.index("12:00") < shown.index("10:15") < shown.index("Heggedal")
    assert "Heggedal" in shown


def test_pure_latin_text_is_returned_unchanged_in_either_context():
    for text in ("Heggedal 10:15", "Språkkafé – Tofte", "Українська", ""):
        assert display_text(text, rtl_context=True) is text
        assert display_text(text, rtl_context=False) is text


def test_each_line_is_reordered_on_its_own():
    shown = display_text("Heggedal\nمقهى", rtl_context=True)
    assert shown == "Heggedal\n\ufef0\ufeec\ufed8\ufee3"


def test_vowel_marks_are_dropped_because_kivy_would_draw_them_beside_their_letter():
    shown = display_text("عالٍ", rtl_context=True)
    assert "\u064d" not in shown
    assert shown == display_text("عال", rtl_context=True)


def test_right_to_left_letters_are_recognised():
    assert has_rtl(MIXED)
    assert not has_rtl("Heggedal 10:15 Polski")
