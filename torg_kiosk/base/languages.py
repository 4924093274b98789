"""The languages the screen has, by code: the values ``language`` in ``kiosk.toml`` may take.

The base layer cannot import the domain, where each language's name, voice and font live
(:data:`torg_kiosk.domain.i18n.LANGUAGES`); this list is what the two agree on, and a test
checks that they do.
"""

from __future__ import annotations

#: Every language the screen can show, in the order of the language menu.
CODES = ("nb", "nn", "en", "uk", "pl", "so", "ar")
#: Norwegian bokmål: the source language of every text, and the screen's default.
DEFAULT = "nb"

#: The two written Norwegians: each is the other's first fallback.
NORWEGIAN = ("nb", "nn")
#: The language most visitors who chose neither Norwegian read next (every demo activity
#: and every site text has it).
BRIDGE = "en"


def fallback_order(language: str) -> tuple[str, ...]:
    """The languages to look for a text in, best first, for a visitor who chose ``language``.

    The one rule for feed text and site texts: bokmål and nynorsk fall back to each other,
    then English; any other language falls back to English before Norwegian, because a
    newcomer who chose Arabic or Polish reads English far more often than bokmål.
    """
    if language in NORWEGIAN:
        other = NORWEGIAN[1 - NORWEGIAN.index(language)]
        return (language, other, BRIDGE)
    return (language, BRIDGE, *NORWEGIAN)


def pick_text(texts, language: str) -> tuple[str, str]:
    """``(text, shown_language)`` from ``texts`` (language code → text) by
    :func:`fallback_order`; then any language there is; ``("", language)`` when none.

    ``shown_language`` differs from ``language`` when the text fell back: the screen then
    says which language is shown.
    """
    for code in fallback_order(language):
        if texts.get(code):
            return texts[code], code
    for code, text in texts.items():
        if text:
            return text, code
    return "", language
