"""Text from outside made safe once, at the edge: what torg_kiosk.base.safe_text lets through."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torg_kiosk.base.safe_text import ELLIPSIS, for_log, safe_text, shortened

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def unsafe_characters(text: str, *, multiline: bool) -> list[str]:
    """Characters a safe text never holds: controls (but newline and tab where allowed),
    surrogates, bidi embedding/override/isolate controls."""
    allowed = "\n\t" if multiline else ""
    return [
        char
        for char in text
        if (unicodedata.category(char) in ("Cc", "Cs") and char not in allowed)
        or char in BIDI_CONTROLS
        or char in "\u2028\u2029"
    ]


def test_clean_text_comes_back_unchanged():
    assert safe_text("Seniortrim på Tofte – kl. 10") == "Seniortrim på Tofte – kl. 10"


def test_a_lone_surrogate_becomes_the_replacement_character():
    assert safe_text("Babysang \ud800") == "Babysang \ufffd"
    assert safe_text("\udfffA") == "\ufffdA"


def test_a_surrogate_pair_written_as_two_escapes_becomes_its_character():
    assert safe_text("Smil \ud83d\ude00") == "Smil \U0001f600"


def test_nul_and_the_other_control_characters_are_removed():
    assert safe_text("Strikk\x00kafé\x07\x1b[31m\x7f\x85\x9f") == "Strikkkafé[31m"


def test_a_one_line_field_turns_newlines_and_tabs_into_spaces():
    assert safe_text("Yoga\nfor\talle\r\nkl. 10") == "Yoga for alle kl. 10"


def test_a_multi_line_field_keeps_newlines_and_tabs_and_unifies_line_ends():
    text = "Linje 1\r\nLinje 2\rLinje 3\u2028Linje 4\u2029\tslutt"
    assert safe_text(text, multiline=True) == "Linje 1\nLinje 2\nLinje 3\nLinje 4\n\tslutt"


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_every_bidi_embedding_override_and_isolate_control_is_removed(control):
    assert safe_text(f"Kaffe {control}وقهوة{control} kl. 10") == "Kaffe وقهوة kl. 10"


def test_the_bidi_marks_and_the_joiners_stay():
    text = "\u200fمرحبا\u200e Asker \u061c ZWNJ\u200cZWJ\u200d"
    assert safe_text(text) == text


def test_combining_marks_stay():
    assert safe_text("Cafe\u0301 A\u030a") == "Cafe\u0301 A\u030a"


def test_blanks_at_the_ends_are_stripped():
    assert safe_text("  \x00 Yoga \t") == "Yoga"


def test_a_text_over_its_cap_ends_in_an_ellipsis_within_the_cap():
    cut = safe_text("a" * 5000, max_length=4000)
    assert len(cut) == 4000 and cut.endswith(ELLIPSIS)


def test_a_cut_never_separates_a_letter_from_its_combining_mark():
    text = "e\u0301" * 10
    cut = shortened(text, 6)
    assert len(cut) <= 6 and cut.endswith(ELLIPSIS)
    assert not unicodedata.combining(cut[0])
    assert cut[:-1] == "e\u0301" * (len(cut[:-1]) // 2)


def test_notes_say_what_was_changed():
    notes: list[str] = []
    safe_text("a\x00b\x01\ud800" + "x" * 50, max_length=20, notes=notes)
    assert notes == [
        "1 lone surrogate replaced with U+FFFD",
        "2 control characters removed",
        "cut from 53 to 20 characters",
    ]


def test_a_value_quoted_in_a_log_line_is_cut_and_says_how_long_it_was():
    quoted = for_log("L" * 5_000_000)
    assert quoted == "L" * 200 + "… (5000000 characters)"


def test_a_value_too_deep_to_repr_is_named_not_printed():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert for_log(deep) == "(a value nested too deeply to show)"


@settings(max_examples=200, deadline=None)
@given(text=st.text(), multiline=st.booleans(), cap=st.none() | st.integers(1, 50))
def test_any_text_comes_out_encodable_and_without_unsafe_characters(text, multiline, cap):
    safe = safe_text(text, multiline=multiline, max_length=cap)
    safe.encode("utf-8")
    assert unsafe_characters(safe, multiline=multiline) == []
    assert cap is None or len(safe) <= cap
    assert safe_text(safe, multiline=multiline, max_length=cap) == safe  # once is enough


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"])))
def test_text_without_anything_unsafe_only_loses_its_outer_blanks(text):
    text = "".join(char for char in text if char not in BIDI_CONTROLS)
    assert safe_text(text) == text.strip()
