"""Shared widgets: labels that shape Arabic, big buttons, the bottom bar, the language picker.

The page buttons, the pattern and the QR code live in kiosk.ui.paging, .patterns and .qr;
widgets.kv styles them all.
"""

from __future__ import annotations

import re
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.text import LabelBase
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    NumericProperty,
    StringProperty,
)
from kivy.resources import resource_find
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.utils import escape_markup, get_hex_from_color

from torg_kiosk.domain.bidi import display_text, has_rtl
from torg_kiosk.domain.i18n import LANGUAGES, font_for, language
from torg_kiosk.ui.a11y import AccessButtons, LargeText  # noqa: F401 (kv uses AccessButtons)

ROBOTO = tuple(resource_find(f"data/fonts/Roboto-{face}.ttf") for face in ("Regular", "Bold"))


def font_family(code: str) -> str:
    """The Kivy font name of ``code``'s regular+bold pair (``bold: True`` picks the bold file)."""
    return f"kiosk-{code}"


def font_files(code: str) -> tuple[str, str]:
    """(regular, bold) font files the screen draws ``code`` with.

    Arabic: the merged Noto Sans Arabic + Latin of :func:`torg_kiosk.domain.i18n.font_for`
    (Kivy cannot fall back between fonts, and Arabic lines carry Latin names and times). Latin and
    Cyrillic: Kivy's own Roboto, which covers nb, nn, en, uk, pl and so. Noto Sans covers
    them too, but its line box is 1.36 em against Roboto's 1.17, and the screens' fixed row
    heights (checked by tests/ui/test_layout.py) are drawn for Roboto.
    """
    if language(code).rtl:
        return font_for(code)
    return ROBOTO


def register_language_fonts() -> None:
    """One Kivy font family per language, so a label switches script by its ``font_name``."""
    for lang in LANGUAGES:
        regular, bold = font_files(lang.code)
        LabelBase.register(font_family(lang.code), fn_regular=regular, fn_bold=bold)


register_language_fonts()

_MIRRORED = {"left": "right", "right": "left"}
ELLIPSIS = "…"
_MARKUP_EDGES = re.compile(r"^((?:\[[a-z]+(?:=[^\]]*)?\])*)(.*?)((?:\[/[a-z]+\])*)$", re.S)
# Text is measured against the wrap width less this share, so Kivy never rewraps a line we
# made (its own measure may differ by a pixel).
_WRAP_SLACK = 0.98


def text_width(label: Label) -> float:
    """Pixels ``label``'s text takes on one line, in its font and size, as it will draw it.

    Measured apart from the label, so a size computed from it never feeds back into itself.
    """
    probe = CoreLabel(font_size=label.font_size, font_name=label.font_name, bold=label.bold)
    return probe.get_extents(display_text(label.text, label.rtl))[0]


def _unescape_markup(text: str) -> str:
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


class BidiLabel(LargeText, Label):
    """A label that draws Arabic joined and right to left (Kivy does neither by itself).

    ``text`` stays the logical text (what tests and read-aloud see); only the core label gets
    :func:`torg_kiosk.domain.bidi.display_text`. With ``rtl`` (the screen is in Arabic) the label is
    right-aligned and shortened from the left, where an Arabic line ends.

    Wrapping: Kivy wraps *after* the text was reordered, which would put the lines of an
    Arabic paragraph in the wrong order. So a wrapping label with Arabic text breaks its
    lines itself, on the logical text, measured with its own font, and reorders each line.
    """

    rtl = BooleanProperty(False)

    def on_rtl(self, *_args) -> None:
        self._trigger_texture()

    def texture_update(self, *largs):
        self._mirror_options()
        text = self.text
        if not has_rtl(text):
            return super().texture_update(*largs)
        if not self.markup:
            self._label.text = self._visual(text)
            return super().texture_update(*largs)
        # Markup: reorder what lies between the outer tags ([s]title[/s]), keep the tags.
        opening, inner, closing = _MARKUP_EDGES.match(text).groups()
        visual = escape_markup(self._visual(_unescape_markup(inner)))
        self._draw_markup(f"{opening}{visual}{closing}")

    def _mirror_options(self) -> None:
        options = self._label.options
        options["halign"] = _MIRRORED.get(self.halign, self.halign) if self.rtl else self.halign
        shorten_from = self.shorten_from
        options["shorten_from"] = (
            _MIRRORED.get(shorten_from, shorten_from) if self.rtl else shorten_from
        )

    def _draw_markup(self, markup: str) -> None:
        """Draw ``markup`` (already in visual order) instead of :attr:`text`."""
        colour = get_hex_from_color(self.disabled_color if self.disabled else self.color)
        self._label.text = f"[color={colour}]{markup}[/color]"
        self.texture = None
        self._label.refresh()
        self.texture = self._label.texture
        self.texture_size = list(self.texture.size) if self.texture else [0, 0]
        self.refs, self.anchors = self._label.refs, self._label.anchors
        self.is_shortened = self._label.is_shortened

    def _visual(self, text: str) -> str:
        width = self.text_size[0]
        if width and not self.shorten and self.max_lines != 1:
            # Kivy resolves a new font_name (the language changed) only when it renders:
            # measured before that, the lines would be broken in the old language's font.
            self._label.resolve_font_name()
            budget = (width - self.padding[0] - self.padding[2]) * _WRAP_SLACK
            text = "\n".join(self._wrap(line, budget) for line in text.split("\n"))
        return display_text(text, self.rtl)

    def _wrap(self, line: str, budget: float) -> str:
        lines, current = [], ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and self._label.get_extents(display_text(candidate, self.rtl))[0] > budget:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return "\n".join(lines)


class WrapLabel(BidiLabel):
    """Wraps to its width and grows to fit its text (for vertical stacks)."""


class HeadingLabel(WrapLabel):
    """A wrapping heading of at most :attr:`max_shown_lines` lines.

    A longer text (the feed allows a 4000-character title) is cut after the last word that
    fits and ends in "…" at its logical end, which in Arabic is the left of the last line.
    :attr:`cut` says it was, so the screen can show the whole text where it scrolls.
    """

    max_shown_lines = NumericProperty(0)  # 0: no limit
    cut = BooleanProperty(False)
    #: For tests/ui/test_accessibility_ui.py: this ellipsis is by design (the whole text is
    #: shown elsewhere on the screen).
    may_shorten = True

    def on_max_shown_lines(self, *_args) -> None:
        self._trigger_texture()

    def one_line_height(self) -> float:
        """The height of one line of this label's text, in its font and size."""
        return self._label.get_extents("Åg")[1]

    def texture_update(self, *largs):
        lines = self._lines_to_show()
        self.cut = lines is not None
        if lines is None:
            return super().texture_update(*largs)
        self._mirror_options()
        visual = display_text("\n".join(lines), self.rtl)
        if self.markup:
            opening, _inner, closing = _MARKUP_EDGES.match(self.text).groups()
            return self._draw_markup(f"{opening}{escape_markup(visual)}{closing}")
        self._label.text = visual
        return Label.texture_update(self, *largs)

    def _lines_to_show(self) -> list[str] | None:
        """The logical lines to draw when the text needs more than the limit, else None."""
        width = self.text_size[0]
        if not self.max_shown_lines or not width or not self.text.strip():
            return None
        text = self.text
        if self.markup:
            text = _unescape_markup(_MARKUP_EDGES.match(text).group(2))
        budget = (width - self.padding[0] - self.padding[2]) * _WRAP_SLACK
        limit = int(self.max_shown_lines)
        lines: list[str] = []
        for line in self._lines(text, budget):
            lines.append(line)
            if len(lines) > limit:
                break
        else:
            return None
        kept = lines[:limit]
        kept[-1] = self._with_ellipsis(kept[-1], budget)
        return kept

    def _width(self, text: str) -> float:
        return self._label.get_extents(display_text(text, self.rtl))[0]

    def _lines(self, text: str, budget: float):
        """``text`` wrapped at words into lines that fit ``budget``; a word too long for a
        line of its own is broken between characters."""
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if self._width(candidate) <= budget:
                    current = candidate
                    continue
                if current:
                    yield current
                current = word
                while len(current) > 1 and self._width(current) > budget:
                    fits = self._fitting_prefix(current, budget)
                    yield current[:fits]
                    current = current[fits:]
            yield current

    def _fitting_prefix(self, text: str, budget: float) -> int:
        low, high = 1, len(text)  # the first character always goes, or nothing moves on
        while low < high:
            middle = (low + high + 1) // 2
            if self._width(text[:middle]) <= budget:
                low = middle
            else:
                high = middle - 1
        return low

    def _with_ellipsis(self, line: str, budget: float) -> str:
        line = line.rstrip()
        while line and self._width(line + ELLIPSIS) > budget:
            line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
            line = line.rstrip()
        return line + ELLIPSIS


class LineLabel(BidiLabel):
    """One line; too-long text ends in an ellipsis instead of spilling over."""


class RowDetailLabel(LineLabel):
    """A list row's place line: may be shortened, because a tap on the row shows it whole.

    ``may_shorten`` tells tests/ui/test_accessibility_ui.py that this ellipsis is by design.
    """

    may_shorten = True


class WordLabel(BidiLabel):
    """A word or two on one line (▲ *Opp*): kv sets its width from :attr:`text_width`.

    ``width: min(self.text_width + 4, room)`` makes it as wide as its text and no wider than
    the room, shortened with an ellipsis only when the room is too small. (A LineLabel would
    not do: its ``text_size`` follows its size, so a width taken from its texture grows by
    itself, frame after frame.)
    """

    #: The width of :attr:`text` on one line; follows the text, font, size and direction.
    text_width = NumericProperty(0)

    def __init__(self, **kwargs):
        self._trigger_measure = Clock.create_trigger(self._measure, -1)
        super().__init__(**kwargs)
        for name in ("text", "font_size", "font_name", "bold", "rtl"):
            self.fbind(name, self._trigger_measure)
        self._trigger_measure()

    def _measure(self, *_args) -> None:
        self.text_width = text_width(self)


class MirrorBox(BoxLayout):
    """A horizontal BoxLayout that, with ``mirrored`` (kv: ``app.rtl``), lays its children
    out from the right: the first child at the right edge. The children keep their order
    (ids, read-aloud, focus); only their places are reflected.
    """

    mirrored = BooleanProperty(False)

    def on_mirrored(self, *_args) -> None:
        self._trigger_layout()

    def do_layout(self, *largs) -> None:
        super().do_layout(*largs)
        if self.mirrored and self.orientation == "horizontal":
            for child in self.children:
                child.x = self.x + self.right - child.right


class BigButton(ButtonBehavior, BidiLabel):
    """The main call to action: accent colour, big text, fires on release."""


class QuietButton(ButtonBehavior, BidiLabel):
    """A secondary button (filters, Tilbake, Hjem); ``selected`` fills it."""

    selected = BooleanProperty(False)


class Card(BoxLayout):
    """A light surface panel that groups related text."""


class BottomBar(BoxLayout):
    """Tilbake on the left, Hjem on the right: the same place on every screen."""

    status = StringProperty("")


class OccurrenceRow(RecycleDataViewBehavior, ButtonBehavior, MirrorBox):
    """One activity in a list (a :func:`torg_kiosk.domain.present.card` dict); tap opens it."""

    key = StringProperty("")
    time_text = StringProperty("")
    title = StringProperty("")
    place = StringProperty("")
    category_text = StringProperty("")
    fallback_note = StringProperty("")
    marker = StringProperty("")
    running = BooleanProperty(False)
    past = BooleanProperty(False)
    cancelled = BooleanProperty(False)

    def open_activity(self) -> None:
        App.get_running_app().show_activity(self.key)


class LanguageButton(BigButton):
    """One language, named in itself and drawn in its own font (``code`` picks the font)."""

    code = StringProperty("")


class LanguagePicker(ModalView):
    """Every language the screen speaks, each named in itself; one tap switches and closes.

    The buttons are made from :data:`torg_kiosk.domain.i18n.LANGUAGES`, so a new catalog
    needs no kv.
    ``buttons`` maps a language code to its button (tests tap them).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.buttons: dict[str, LanguageButton] = {}
        # ids too (``nb_button`` …), so a test finds a language's button as it finds others.
        grid: GridLayout = self.ids.choices
        for lang in LANGUAGES:
            button = LanguageButton(code=lang.code, text=lang.native_name)
            button.bind(on_release=lambda button: self.choose(button.code))
            self.buttons[lang.code] = button
            self.ids[f"{lang.code}_button"] = button
            grid.add_widget(button)

    def choose(self, language: str) -> None:
        App.get_running_app().choose_language(language)
        self.dismiss()


# The classes widgets.kv styles must exist (and so be known to Kivy's Factory) before it loads.
from torg_kiosk.ui.paging import PageArrow, PageButton, PagedList  # noqa: E402, F401
from torg_kiosk.ui.patterns import PatternBand  # noqa: E402, F401
from torg_kiosk.ui.qr import QRCode  # noqa: E402, F401

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
