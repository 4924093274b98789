"""Shared widgets: big buttons, labels that never clip, the bottom bar, QR codes, the pattern."""

from __future__ import annotations

import math
from pathlib import Path

import qrcode
from kivy.app import App
from kivy.graphics import Color, Ellipse, Line, Mesh
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.widget import Widget

QUIET_ZONE_MODULES = 4


class WrapLabel(Label):
    """Wraps to its width and grows to fit its text (for vertical stacks)."""


class LineLabel(Label):
    """One line; too-long text ends in an ellipsis instead of spilling over."""


class BigButton(ButtonBehavior, Label):
    """The main call to action: accent colour, big text, fires on release."""


class QuietButton(ButtonBehavior, Label):
    """A secondary button (filters, Tilbake, Hjem); ``selected`` fills it."""

    selected = BooleanProperty(False)


class Card(BoxLayout):
    """A light surface panel that groups related text."""


class BottomBar(BoxLayout):
    """Tilbake on the left, Hjem on the right: the same place on every screen."""

    status = StringProperty("")


class OccurrenceRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One activity in a list (a :func:`kiosk.present.card` dict); tap opens it."""

    key = StringProperty("")
    time_text = StringProperty("")
    title = StringProperty("")
    place = StringProperty("")
    category_text = StringProperty("")
    marker = StringProperty("")
    running = BooleanProperty(False)
    past = BooleanProperty(False)
    cancelled = BooleanProperty(False)

    def open_activity(self) -> None:
        App.get_running_app().show_activity(self.key)


class LanguagePicker(ModalView):
    """Norsk / English; more languages come later."""

    def choose(self, language: str) -> None:
        App.get_running_app().choose_language(language)
        self.dismiss()


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
