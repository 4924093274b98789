"""Line pictograms for the call topics, drawn with Kivy's own lines: no icon font to ship.

Each icon is a list of strokes in a unit square (0..1, y up); :class:`TopicIcon` scales them
to its size and draws them in its colour with round ends, so they stay sharp at any size.
"""

from __future__ import annotations

import math

from kivy.graphics import Color, Line
from kivy.properties import ListProperty, StringProperty
from kivy.uix.widget import Widget


def _circle(cx: float, cy: float, r: float, steps: int = 28, start: float = 0.0,
            end: float = 360.0) -> list[float]:  # fmt: skip
    points = []
    for index in range(steps + 1):
        angle = math.radians(start + (end - start) * index / steps)
        points += [cx + r * math.cos(angle), cy + r * math.sin(angle)]
    return points


def _heart() -> list[float]:
    points = []
    for index in range(41):
        t = 2 * math.pi * index / 40
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points += [0.5 + x / 36, 0.52 + y / 36]
    return points


#: name → strokes, each a flat list of x, y in the unit square.
ICONS: dict[str, list[list[float]]] = {
    "house": [
        [0.12, 0.5, 0.5, 0.86, 0.88, 0.5],
        [0.22, 0.58, 0.22, 0.14, 0.78, 0.14, 0.78, 0.58],
        [0.42, 0.14, 0.42, 0.38, 0.58, 0.38, 0.58, 0.14],
    ],
    "heart": [_heart(), [0.3, 0.5, 0.42, 0.5, 0.48, 0.62, 0.55, 0.38, 0.6, 0.5, 0.7, 0.5]],
    "school": [
        [0.5, 0.24, 0.12, 0.36, 0.12, 0.8, 0.5, 0.68, 0.88, 0.8, 0.88, 0.36, 0.5, 0.24],
        [0.5, 0.24, 0.5, 0.68],
    ],
    "receipt": [
        [
            0.24,
            0.88,
            0.76,
            0.88,
            0.76,
            0.12,
            0.67,
            0.18,
            0.58,
            0.12,
            0.5,
            0.18,
            0.42,
            0.12,
            0.33,
            0.18,
            0.24,
            0.12,
            0.24,
            0.88,
        ],
        [0.34, 0.7, 0.66, 0.7],
        [0.34, 0.55, 0.66, 0.55],
        [0.34, 0.4, 0.52, 0.4],
    ],
    "coins": [
        _circle(0.4, 0.42, 0.26),
        _circle(0.62, 0.6, 0.26, start=-60, end=170),
        [0.4, 0.3, 0.4, 0.54],
    ],
    "briefcase": [
        [0.12, 0.18, 0.88, 0.18, 0.88, 0.66, 0.12, 0.66, 0.12, 0.18],
        [0.38, 0.66, 0.38, 0.78, 0.62, 0.78, 0.62, 0.66],
        [0.12, 0.46, 0.88, 0.46],
    ],
    "question": [
        _circle(0.5, 0.5, 0.4),
        [*_circle(0.5, 0.6, 0.13, steps=16, start=160, end=-60), 0.5, 0.47, 0.5, 0.4],
        _circle(0.5, 0.28, 0.012, steps=6),
    ],
}


class TopicIcon(Widget):
    """Draws :data:`ICONS` ``[icon]`` in ``colour``, as large as fits its size."""

    icon = StringProperty("")
    colour = ListProperty([0, 0, 0, 1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, icon=self._redraw, colour=self._redraw)

    def _redraw(self, *_args) -> None:
        self.canvas.clear()
        side = min(self.width, self.height)
        x0, y0 = self.center_x - side / 2, self.center_y - side / 2
        with self.canvas:
            Color(*self.colour)
            for stroke in ICONS.get(self.icon, ()):
                points = [
                    (x0 if index % 2 == 0 else y0) + value * side
                    for index, value in enumerate(stroke)
                ]
                Line(points=points, width=max(1.5, side * 0.045), cap="round", joint="round")
