"""Arabic text made ready for Kivy, which draws glyphs one by one, left to right.

Kivy's text providers neither join Arabic letters nor reorder right-to-left runs. So before a
label gets its text, :func:`display_text` picks the joined form of every Arabic letter
(arabic-reshaper, Unicode presentation forms) and then puts the characters in visual order
(python-bidi, the Unicode bidirectional algorithm), so Latin runs — times like ``10:15``,
names like ``Heggedal`` — keep their own left-to-right order inside the Arabic line.

Reorder a label's text per *line*: the algorithm works on paragraphs, and Kivy wraps after
we reorder, so a long Arabic sentence in a wrapping label breaks into lines in the wrong order.
Keep Arabic labels to one line, or split the lines before calling this (explicit ``\\n`` line
breaks are handled one by one here).
"""

from __future__ import annotations

import re
from functools import cache

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan …, and the Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Arabic, Hebrew …)."""
    return bool(_RTL.search(text))


def display_text(text: str, rtl_context: bool) -> str:
    """``text`` as Kivy should draw it: joined Arabic letters in left-to-right visual order.

    ``rtl_context`` says the screen is in a right-to-left language: a line then reads from
    the right even when it starts with a Latin word (``BankID …``). Text without any
    right-to-left letter is returned unchanged, whatever the context.
    """
    if not has_rtl(text):
        return text
    direction = "R" if rtl_context else None
    return "\n".join(_display_line(line, direction) for line in text.split("\n"))


def _display_line(line: str, direction: str | None) -> str:
    if not has_rtl(line):
        return line
    from bidi import get_display

    return get_display(_reshaper().reshape(line), base_dir=direction)


@cache
def _reshaper():
    """Made on the first right-to-left text: a screen in Norwegian never pays for its import
    (arabic-reshaper loads fontTools)."""
    from arabic_reshaper import ArabicReshaper

    # Harakat are dropped: Kivy would draw each vowel mark as a glyph of its own, beside it.
    return ArabicReshaper(configuration={"delete_harakat": True, "support_ligatures": True})
