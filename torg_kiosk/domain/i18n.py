"""The screen's languages: gettext catalogs, date words and the font each script needs.

No Kivy here. The source language of every msgid is Norwegian bokmål, the screen's default,
so the ``nb`` catalog is (almost) identity and a missing translation shows bokmål.

Wiring a screen::

    from torg_kiosk.domain.i18n import N_, tr
    tr(N_("Dagens aktiviteter"), lang)           # "Today's activities" for lang="en"
    tr(N_("Oppdatert {time}"), lang, time="10:42")

Categories are msgids with the gettext context ``"category"`` (see :func:`category_name`), so
"Språk" the category and "Språk" a button can be translated differently.

Catalogs live in ``assets/locale/<code>/LC_MESSAGES/kiosk.{po,mo}``; ``tools/i18n.py`` extracts,
updates, compiles and checks them (see docs/translations.md). Weekday and month names are
CLDR's, as Babel has them, written by ``tools/i18n.py compile`` to
``assets/locale/calendar.json``: reading Babel's locale data costs a start-up some 40 ms.
"""

from __future__ import annotations

import gettext
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from torg_kiosk.base import languages
from torg_kiosk.base.resources import asset

LOCALE_DIR = asset("locale")
#: Each language's weekday names (Monday first) and month names, as they stand in a date.
CALENDAR_NAMES = asset("locale", "calendar.json")
FONT_DIR = asset("fonts")
DOMAIN = "kiosk"
CATEGORY_CONTEXT = "category"
#: A .po newer than its .mo by more than this was edited after the .mo was compiled. Less is
#: one checkout writing both (git writes kiosk.mo, then kiosk.po): the committed .mo is then
#: current (tests/test_i18n.py checks it), and compiling the .po again costs every start.
CHECKOUT_SLACK_SECONDS = 2.0


@dataclass(frozen=True)
class Language:
    """One language the visitor can choose.

    ``espeak_voice`` is the espeak-ng voice for read-aloud, or None when espeak-ng has none
    (the screen then says so). ``fallback`` is the language whose catalog fills gaps before
    the bokmål source text does.
    """

    code: str
    native_name: str
    rtl: bool = False
    espeak_voice: str | None = None
    fallback: str | None = None


LANGUAGES: tuple[Language, ...] = (
    Language("nb", "Norsk", espeak_voice="nb"),
    # espeak-ng has no nynorsk voice; the bokmål voice reads nynorsk understandably.
    Language("nn", "Nynorsk", espeak_voice="nb", fallback="nb"),
    Language("en", "English", espeak_voice="en-gb"),
    Language("uk", "Українська", espeak_voice="uk"),
    Language("pl", "Polski", espeak_voice="pl"),
    Language("so", "Soomaali"),
    Language("ar", "العربية", rtl=True, espeak_voice="ar"),
)
DEFAULT = languages.DEFAULT
#: The same codes as :data:`torg_kiosk.base.languages.CODES`, which the config checks against.
CODES = tuple(language.code for language in LANGUAGES)
_BY_CODE = {language.code: language for language in LANGUAGES}

#: Feed category → its bokmål name, the msgid (context ``"category"``).
CATEGORY_MSGIDS = {
    "exercise": "Trening",
    "digital-help": "Digital hjelp",
    "language": "Språk",
    "culture": "Kultur",
    "children": "Barn",
    "walk": "Tur",
    "social": "Sosialt",
    "learning": "Læring",
    "health": "Helse",
    "service": "Innbyggerservice",
    "other": "Annet",
}

# How a long date is written in each language: "torsdag 3. desember", "Thursday 3 December".
# CLDR pattern letters: EEEE the weekday, d the day of the month, MMMM the month.
LONG_DATE_PATTERNS = {
    "nb": "EEEE d. MMMM",
    "nn": "EEEE d. MMMM",
    "en": "EEEE d MMMM",
    "uk": "EEEE, d MMMM",
    "pl": "EEEE, d MMMM",
    "so": "EEEE, d MMMM",
    "ar": "EEEE، d MMMM",
}

# Regular and bold face per script. Arabic uses a merged font (Noto Sans Arabic plus the Latin
# of Noto Sans, built by tools/build_arabic_font.py) because Kivy draws a label with one font
# and Arabic lines carry Latin names and times.
_LATIN_FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
_FONTS = {"ar": ("NotoSansArabicLatin-Regular.ttf", "NotoSansArabicLatin-Bold.ttf")}


def language(code: str) -> Language:
    """The :class:`Language` for ``code``; an unknown code gives the default language."""
    return _BY_CODE.get(code, _BY_CODE[DEFAULT])


def catalog_path(code: str, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _load(code: str) -> gettext.NullTranslations:
    """The compiled catalog of ``code``; compiled in memory from the .po if the .mo is
    missing or older than an edit of the .po, so the screen never shows stale text."""
    mo, po = catalog_path(code), catalog_path(code, ".po")
    if mo.exists() and (
        not po.exists() or po.stat().st_mtime - mo.stat().st_mtime <= CHECKOUT_SLACK_SECONDS
    ):
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if po.exists():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as stream:
            catalog = read_po(stream, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


@cache
def translator(code: str) -> gettext.NullTranslations:
    """The translations for ``code`` with ``gettext``, ``ngettext``, ``pgettext``, ``npgettext``.

    Gaps fall back along the language's ``fallback`` (nn → nb), then to the msgid itself.
    An unknown code gives the default language.
    """
    lang = language(code)
    translations = _load(lang.code)
    if lang.fallback:
        translations.add_fallback(translator(lang.fallback))
    return translations


def tr(msgid: str, code: str, **values: object) -> str:
    """``msgid`` (a bokmål text, marked ``_()`` or ``N_()`` where it is written) in ``code``,
    with ``values`` filled in; a missing translation shows bokmål.

    The one translate helper of the screen: Python calls it directly and kv through
    ``app.tr(_('Hjem'), app.language)``.
    """
    translated = translator(code).gettext(msgid)
    return translated.format(**values) if values else translated


def category_name(category: str, code: str) -> str:
    """``Trening`` / ``Exercise`` for the feed category ``exercise``; unknown → "other"."""
    msgid = CATEGORY_MSGIDS.get(category, CATEGORY_MSGIDS["other"])
    return translator(code).pgettext(CATEGORY_CONTEXT, msgid)


@cache
def _calendar_names() -> dict[str, dict[str, list[str]]]:
    return json.loads(CALENDAR_NAMES.read_text(encoding="utf-8"))


def weekday_name(day: date, code: str) -> str:
    """``torsdag``, ``Thursday``, ``четвер``, ``الخميس``."""
    return _calendar_names()[language(code).code]["weekdays"][day.weekday()]


def month_name(day: date, code: str) -> str:
    """The month as it stands in a date: ``desember``, ``грудня`` (genitive where needed)."""
    return _calendar_names()[language(code).code]["months"][day.month - 1]


_DATE_FIELD = re.compile("EEEE|MMMM|d")


def long_date(day: date, code: str) -> str:
    """``torsdag 3. desember``, ``Thursday 3 December``, ``четвер, 3 грудня``."""
    fields = {"EEEE": weekday_name(day, code), "MMMM": month_name(day, code), "d": str(day.day)}
    pattern = LONG_DATE_PATTERNS[language(code).code]
    return _DATE_FIELD.sub(lambda field: fields[field.group()], pattern)


def time_text(moment: time | datetime, code: str) -> str:
    """``10:15`` in every language: the 24-hour clock is what the torg's signs use, and
    Latin digits keep times identical on the Arabic screen."""
    del code  # same in every language, kept so callers need not know that
    return f"{moment.hour:02d}:{moment.minute:02d}"


def font_for(code: str) -> tuple[str, str]:
    """(regular, bold) font file paths that cover every letter of ``code``'s catalog."""
    regular, bold = _FONTS.get(language(code).code, _LATIN_FONTS)
    return str(FONT_DIR / regular), str(FONT_DIR / bold)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here (gettext's ``N_``)."""
    return message


#: Texts the screen needs that no source file spells out yet (read-aloud, the idle warning,
#: text size, the language chooser). Marked so extraction keeps them in the catalogs.
EXTRA_MESSAGES = (
    N_("Les opp"),
    N_("Stopp opplesing"),
    N_("Språk / Language"),
    N_("Stor tekst"),
    N_("Vanlig tekst"),
    N_("Er du fortsatt her?"),
    N_("Skjermen starter på nytt om {seconds} sekunder."),
    N_("Mer tid"),
    N_("Avslutt"),
    N_("Hjem"),
    N_("Tilbake"),
    N_("Opplesing finnes ikke på dette språket."),
    N_("Vises på norsk"),
    N_("Pause"),
    N_("Fortsett"),
)
