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
