"""Each torg's own decorative pattern, drawn low-contrast in a band that carries no text."""

from __future__ import annotations

import math

from kivy.graphics import Color, Ellipse, Line, Mesh
from kivy.properties import ListProperty, StringProperty
from kivy.uix.widget import Widget

from torg_kiosk.ui.identity import IDENTITY_DRAWERS


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
    # Each torg's own picture (torg_kiosk.ui.identity); the abstract patterns below stay
    # for site files written before them.
    **IDENTITY_DRAWERS,
    "hills": _draw_hills,
    "waves": _draw_waves,
    "fjord": _draw_waves,
    "boats": _draw_waves,
    "dots": _draw_dots,
    "leaves": _draw_dots,
    "stripes": _draw_stripes,
    "grid": _draw_grid,
}
