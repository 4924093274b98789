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


#: A left-to-right run inside right-to-left text: from a Latin letter or digit to the last
#: one before the next right-to-left letter (names, "Datahjelp – hjelp med skjema",
#: "11:00–12:00"). Isolated, it reads left to right as a whole: without that, the bidi
#: algorithm treats the digits of a time range as right-to-left neighbours and shows
#: "12:00–11:00".
_LTR_RUN = re.compile(
    "[0-9A-Za-z\u00c0-\u024f\u0400-\u04ff]"
    "(?:[^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\n]*"
    "[0-9A-Za-z\u00c0-\u024f\u0400-\u04ff)\u2026])?"
)
#: Left-to-right isolate … pop directional isolate (Unicode 6.3, UAX #9).
LRI, PDI = "\u2066", "\u2069"
#: Invisible direction marks and isolates: they steer the algorithm, and Kivy would draw
#: them as boxes, so they are taken out of what it draws.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolate_ltr_runs(line: str) -> str:
    """``line`` with each left-to-right run wrapped in LRI … PDI (see :data:`_LTR_RUN`)."""
    return _LTR_RUN.sub(lambda run: f"{LRI}{run.group()}{PDI}", line)


def _display_line(line: str, direction: str | None) -> str:
    if not has_rtl(line):
        return line
    from bidi import get_display

    visual = get_display(_reshaper().reshape(isolate_ltr_runs(line)), base_dir=direction)
    return _INVISIBLE.sub("", visual)


def shorten_logical(text: str, fits, ellipsis: str = "\u2026") -> str:
    """The longest start of ``text`` that, ended with ``ellipsis``, ``fits`` (a predicate
    on the logical text); whole words where a word boundary is near.

    Shortening happens at the *logical* end, whatever the direction: a Latin title on the
    Arabic screen keeps its first word, an Arabic one its first letters (drawn at the right).
    """
    if fits(text):
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + ellipsis):
            low = middle
        else:
            high = middle - 1
    kept = text[:low]
    # Back to the last space when that loses less than a third of what was kept.
    space = kept.rfind(" ")
    if space > 0 and space >= len(kept) * 2 // 3 and low < len(text) and text[low] != " ":
        kept = kept[:space]
    # A dash or a dot left dangling before the ellipsis reads as a typo.
    return kept.rstrip(" –-·,:;") + ellipsis


@cache
def _reshaper():
    """Made on the first right-to-left text: a screen in Norwegian never pays for its import
    (arabic-reshaper loads fontTools)."""
    from arabic_reshaper import ArabicReshaper

    # Harakat are dropped: Kivy would draw each vowel mark as a glyph of its own, beside it.
    return ArabicReshaper(configuration={"delete_harakat": True, "support_ligatures": True})
