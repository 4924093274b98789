"""Shared widgets: big buttons, labels that never clip, the bottom bar, QR codes, the pattern."""

from __future__ import annotations

import math
import re
from pathlib import Path

import qrcode
from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import LabelBase
from kivy.graphics import Color, Ellipse, Line, Mesh
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.resources import resource_find
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup, get_hex_from_color

from kiosk import accessibility, paging
from kiosk.bidi import display_text, has_rtl
from kiosk.i18n import LANGUAGES, font_for, language
from kiosk.ui import theme
from kiosk.ui.a11y import AccessButtons, LargeText  # noqa: F401 (kv uses AccessButtons)

QUIET_ZONE_MODULES = 4
ROBOTO = tuple(resource_find(f"data/fonts/Roboto-{face}.ttf") for face in ("Regular", "Bold"))


def font_family(code: str) -> str:
    """The Kivy font name of ``code``'s regular+bold pair (``bold: True`` picks the bold file)."""
    return f"kiosk-{code}"


def font_files(code: str) -> tuple[str, str]:
    """(regular, bold) font files the screen draws ``code`` with.

    Arabic: the merged Noto Sans Arabic + Latin of :func:`kiosk.i18n.font_for` (Kivy cannot
    fall back between fonts, and Arabic lines carry Latin names and times). Latin and
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
_MARKUP_EDGES = re.compile(r"^((?:\[[a-z]+(?:=[^\]]*)?\])*)(.*?)((?:\[/[a-z]+\])*)$", re.S)
# Text is measured against the wrap width less this share, so Kivy never rewraps a line we
# made (its own measure may differ by a pixel).
_WRAP_SLACK = 0.98


def _unescape_markup(text: str) -> str:
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


class BidiLabel(LargeText, Label):
    """A label that draws Arabic joined and right to left (Kivy does neither by itself).

    ``text`` stays the logical text (what tests and read-aloud see); only the core label gets
    :func:`kiosk.bidi.display_text`. With ``rtl`` (the screen is in Arabic) the label is
    right-aligned and shortened from the left, where an Arabic line ends.

    Wrapping: Kivy wraps *after* the text was reordered, which would put the lines of an
    Arabic paragraph in the wrong order. So a wrapping label with Arabic text breaks its
    lines itself, on the logical text, measured with its own font, and reorders each line.
    """

    rtl = BooleanProperty(False)

    def on_rtl(self, *_args) -> None:
        self._trigger_texture()

    def texture_update(self, *largs):
        options = self._label.options
        options["halign"] = _MIRRORED.get(self.halign, self.halign) if self.rtl else self.halign
        shorten_from = self.shorten_from
        options["shorten_from"] = (
            _MIRRORED.get(shorten_from, shorten_from) if self.rtl else shorten_from
        )
        text = self.text
        if not has_rtl(text):
            return super().texture_update(*largs)
        if not self.markup:
            self._label.text = self._visual(text)
            return super().texture_update(*largs)
        # Markup: reorder what lies between the outer tags ([s]title[/s]), keep the tags.
        opening, inner, closing = _MARKUP_EDGES.match(text).groups()
        visual = escape_markup(self._visual(_unescape_markup(inner)))
        colour = get_hex_from_color(self.disabled_color if self.disabled else self.color)
        self._label.text = f"[color={colour}]{opening}{visual}{closing}[/color]"
        self.texture = None
        self._label.refresh()
        self.texture = self._label.texture
        self.texture_size = list(self.texture.size) if self.texture else [0, 0]
        self.refs, self.anchors = self._label.refs, self._label.anchors
        self.is_shortened = self._label.is_shortened

    def _visual(self, text: str) -> str:
        width = self.text_size[0]
        if width and not self.shorten and self.max_lines != 1:
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


class LineLabel(BidiLabel):
    """One line; too-long text ends in an ellipsis instead of spilling over."""


class RowDetailLabel(LineLabel):
    """A list row's place line: may be shortened, because a tap on the row shows it whole.

    ``may_shorten`` tells tests/ui/test_accessibility_ui.py that this ellipsis is by design.
    """

    may_shorten = True


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
    """One activity in a list (a :func:`kiosk.present.card` dict); tap opens it."""

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

    The buttons are made from :data:`kiosk.i18n.LANGUAGES`, so a new catalog needs no kv.
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


class PageArrow(Widget):
    """A filled triangle pointing ``up`` or ``down``, drawn (Roboto has no ▲ ▼ glyphs)."""

    direction = OptionProperty("down", options=("up", "down"))
    colour = ListProperty([0, 0, 0, 1])


class PageButton(ButtonBehavior, BoxLayout):
    """An arrow and a word (▲ Opp, ▼ Ned), never the arrow alone; fires on release.

    Disabled (nothing more that way) it stays in its place, drawn in
    :func:`kiosk.accessibility.disabled` text colour with a faint border.
    """

    direction = OptionProperty("down", options=("up", "down"))
    text = StringProperty("")
    disabled_colour = ListProperty([0.5, 0.5, 0.5, 1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        site = getattr(app, "site", None)
        if site is not None:
            t = site.theme
            self.disabled_colour = theme.rgba(accessibility.disabled(t.text, t.surface))


class PagedList(BoxLayout):
    """A scrolling list with page buttons, so nobody has to swipe (swiping still works).

    The list (a ``ScrollView``/``RecycleView`` given as the kv child) comes first; the
    buttons sit at its right edge in landscape and under it in portrait. A page is the
    viewport less ``overlap`` (one row), so the reader keeps their place. The buttons follow
    the list: content, window size or text size change, and they are enabled again or not.
    """

    scroller = ObjectProperty(None, allownone=True)
    overlap = NumericProperty(0)
    can_go_up = BooleanProperty(False)
    can_go_down = BooleanProperty(False)
    #: Leave out the buttons (and their room) while everything fits: for a text that is
    #: usually short (an activity's description) rather than a list that usually is long.
    hide_when_fits = BooleanProperty(False)
    buttons_shown = BooleanProperty(True)

    def __init__(self, **kwargs):
        self._trigger_update = Clock.create_trigger(self.update_buttons, -1)
        super().__init__(**kwargs)

    def add_widget(self, widget, *args, **kwargs):
        if isinstance(widget, ScrollView):
            # The kv rule's buttons were added first; the list goes before them.
            super().add_widget(widget, index=len(self.children))
            self.scroller = widget
            return
        super().add_widget(widget, *args, **kwargs)

    def on_scroller(self, _instance, scroller) -> None:
        if scroller is not None:
            scroller.bind(
                scroll_y=self._trigger_update,
                size=self._trigger_update,
                viewport_size=self._trigger_update,
            )
            self._trigger_update()

    def _heights(self) -> tuple[float, float]:
        """(content height, viewport height) of the list."""
        scroller = self.scroller
        return scroller.viewport_size[1], scroller.height

    def update_buttons(self, *_args) -> None:
        if self.scroller is None:
            return
        self._show(paging.where(*self._heights(), self.scroller.scroll_y), move=False)

    def page_down(self) -> None:
        self._show(paging.page_down(*self._heights(), self.scroller.scroll_y, self.overlap))

    def page_up(self) -> None:
        self._show(paging.page_up(*self._heights(), self.scroller.scroll_y, self.overlap))

    def show_offset(self, offset: float) -> None:
        """Scroll so the content ``offset`` pixels below its top is at the top of the list."""
        self._show(paging.show_offset(*self._heights(), offset))

    def _show(self, page: paging.Page, move: bool = True) -> None:
        scroller = self.scroller
        if move and scroller.scroll_y != page.scroll_y:
            effect = scroller.effect_y
            if effect is not None:
                effect.velocity = 0  # a swipe still gliding must not carry the page away
            scroller.scroll_y = page.scroll_y
            # The next swipe starts from here, not from where the last swipe ended.
            scroller._update_effect_y_bounds()
        self.can_go_up = page.can_go_up
        self.can_go_down = page.can_go_down
        self.buttons_shown = not self.hide_when_fits or page.can_go_up or page.can_go_down


class PatternBand(Widget):
    """The torg's own pattern, drawn low-contrast in a band that carries no text."""

    pattern = StringProperty("hills")
    colour = ListProperty([0, 0, 0, 0.1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, pattern=self._draw, colour=self._draw)

    def _draw(self, *_args) -> None:
        self.canvas.clear()
        if self.width <= 1 or self.height <= 1:
            return
        with self.canvas:
            Color(*self.colour)
            drawer = PATTERN_DRAWERS.get(self.pattern, _draw_dots)
            drawer(self.x, self.y, self.width, self.height)


def _draw_hills(x, y, width, height):
    for layer, (scale, phase) in enumerate(((1.0, 0.0), (0.7, 1.7), (0.45, 3.1))):
        vertices = []
        steps = 64
        for step in range(steps + 1):
            px = x + width * step / steps
            wave = math.sin(step / steps * math.pi * (2 + layer) + phase)
            top = y + height * scale * (0.55 + 0.35 * wave)
            vertices += [px, y, 0, 0, px, top, 0, 0]
        Mesh(vertices=vertices, indices=list(range(len(vertices) // 4)), mode="triangle_strip")


def _draw_waves(x, y, width, height):
    rows = 3
    for row in range(rows):
        base = y + height * (row + 0.5) / rows
        points = []
        steps = 96
        for step in range(steps + 1):
            px = x + width * step / steps
            points += [px, base + height * 0.12 * math.sin(step / 6 + row)]
        Line(points=points, width=max(1.5, height * 0.03))


def _draw_dots(x, y, width, height):
    radius = height * 0.1
    gap = radius * 3.2
    row = 0
    py = y + radius * 1.5
    while py + radius <= y + height:  # whole dots only: nothing spills into the text below
        px = x + (gap if row % 2 else gap / 2)
        while px + radius <= x + width:
            Ellipse(pos=(px - radius, py - radius), size=(radius * 2, radius * 2))
            px += gap * 1.5
        py += gap
        row += 1


def _draw_stripes(x, y, width, height):
    gap = height * 0.6
    px = x - height
    while px < x + width:
        Line(points=[px, y, px + height, y + height], width=max(1.5, height * 0.05))
        px += gap


def _draw_grid(x, y, width, height):
    gap = height / 3
    px = x
    while px <= x + width:
        Line(points=[px, y, px, y + height], width=1.2)
        px += gap
    py = y
    while py <= y + height:
        Line(points=[x, py, x + width, py], width=1.2)
        py += gap


PATTERN_DRAWERS = {
    "hills": _draw_hills,
    "waves": _draw_waves,
    "fjord": _draw_waves,
    "boats": _draw_waves,
    "dots": _draw_dots,
    "leaves": _draw_dots,
    "stripes": _draw_stripes,
    "grid": _draw_grid,
}


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules for ``data``, quiet zone included (True = dark)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=1,
        border=QUIET_ZONE_MODULES,
    )
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_texture(data: str) -> Texture:
    """Black on white, one texel per module; shown with nearest filtering so edges stay sharp."""
    matrix = qr_matrix(data)
    size = len(matrix)
    # Kivy textures start at the bottom row, so the rows go in reversed.
    pixels = bytearray()
    for row in reversed(matrix):
        for dark in row:
            pixels += b"\x00\x00\x00" if dark else b"\xff\xff\xff"
    texture = Texture.create(size=(size, size), colorfmt="rgb")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    texture.blit_buffer(bytes(pixels), colorfmt="rgb", bufferfmt="ubyte")
    return texture


class QRCode(Image):
    """Shows ``data`` as a QR code; empty data shows nothing."""

    data = StringProperty("")

    def on_data(self, _instance, value: str) -> None:
        self.texture = qr_texture(value) if value else None
        self.opacity = 1 if value else 0


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
