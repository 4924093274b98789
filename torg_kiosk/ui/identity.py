"""Each torg's own picture band: vector art drawn from what the place is.

Drawn with Kivy's vector instructions in one colour (the accent at low alpha, so the
contrast rules still hold for the text below it; the band carries no text). Every drawer
takes the band's box (x, y, width, height) and repeats its motif along the width, so the
band fits any window. tests/ui/test_identity_bands.py renders the eight and checks that
no two share more than half their pixels.
"""

from __future__ import annotations

import math

from kivy.graphics import Ellipse, Line, Mesh, Rectangle, Triangle


def _polygon(points: list[tuple[float, float]]) -> None:
    """A filled convex polygon (a fan from its first point)."""
    vertices = []
    for px, py in points:
        vertices += [px, py, 0, 0]
    Mesh(vertices=vertices, indices=list(range(len(points))), mode="triangle_fan")


def draw_tofte(x, y, width, height):
    """Tofte: the fjord's waves in front, and the library's shelf of books above them."""
    for row in range(2):
        base = y + height * (0.14 + 0.18 * row)
        points = []
        for step in range(97):
            px = x + width * step / 96
            points += [px, base + height * 0.06 * math.sin(step / 3 + row * 1.3)]
        Line(points=points, width=max(1.2, height * 0.03))
    shelf = y + height * 0.5
    Rectangle(pos=(x, shelf), size=(width, height * 0.04))
    px, book = x + height * 0.2, 0
    while px < x + width:
        if book % 9 == 8:  # a gap between the groups of books
            px += height * 0.6
        else:
            book_width = height * (0.12 + 0.04 * (book % 3))
            book_height = height * (0.3 + 0.06 * ((book * 5) % 4))
            Rectangle(pos=(px, shelf + height * 0.04), size=(book_width, book_height))
            px += book_width + height * 0.04
        book += 1


def draw_heggedal(x, y, width, height):
    """Heggedal: rolling hills, and benches of the senior centre on their tops."""
    steps = 64
    vertices = []
    for step in range(steps + 1):
        px = x + width * step / steps
        top = y + height * (0.35 + 0.2 * math.sin(step / steps * math.pi * 6))
        vertices += [px, y, 0, 0, px, top, 0, 0]
    Mesh(vertices=vertices, indices=list(range(len(vertices) // 4)), mode="triangle_strip")
    period = width / 3
    for hill in range(3):
        cx = x + period * (hill + 0.25)
        seat = y + height * 0.6
        Rectangle(pos=(cx - height * 0.3, seat), size=(height * 0.6, height * 0.06))
        Rectangle(pos=(cx - height * 0.3, seat + height * 0.18), size=(height * 0.6, height * 0.05))
        for leg in (-0.26, 0.22):
            Rectangle(
                pos=(cx + height * leg, seat - height * 0.14), size=(height * 0.04, height * 0.14)
            )


def draw_borgen(x, y, width, height):
    """Borgen: the café's cups with steam rising, one after the other."""
    gap = height * 1.6
    px = x + height * 0.3
    while px + height < x + width:
        cup_w, cup_h = height * 0.5, height * 0.42
        base = y + height * 0.12
        _polygon(
            [
                (px, base + cup_h),
                (px + cup_w, base + cup_h),
                (px + cup_w * 0.85, base),
                (px + cup_w * 0.15, base),
            ]
        )
        Line(
            ellipse=(px + cup_w * 0.8, base + cup_h * 0.3, cup_h * 0.5, cup_h * 0.5, 0, 180),
            width=max(1.2, height * 0.035),
        )
        Rectangle(pos=(px - cup_w * 0.2, base - height * 0.06), size=(cup_w * 1.4, height * 0.05))
        for wisp in range(2):
            sx = px + cup_w * (0.35 + 0.3 * wisp)
            points = []
            for step in range(13):
                t = step / 12
                points += [
                    sx + height * 0.06 * math.sin(t * math.pi * 2),
                    base + cup_h + height * (0.06 + 0.3 * t),
                ]
            Line(points=points, width=max(1.2, height * 0.025))
        px += gap


def draw_spikkestad(x, y, width, height):
    """Spikkestad: the railway, rails over sleepers, and the end-station buffer."""
    rail_low, rail_high = y + height * 0.3, y + height * 0.6
    for rail in (rail_low, rail_high):
        Rectangle(pos=(x, rail), size=(width, height * 0.05))
    px = x
    while px < x + width:
        Rectangle(pos=(px, y + height * 0.18), size=(height * 0.12, height * 0.58))
        px += height * 0.45
    # The buffer stop at the end of the line.
    Rectangle(pos=(x + width - height * 0.5, y + height * 0.2), size=(height * 0.12, height * 0.6))


def draw_slemmestad(x, y, width, height):
    """Slemmestad: the cement works' sheds and chimneys, smoke drifting."""
    period = height * 3.2
    px = x
    while px < x + width:
        shed_h = height * 0.35
        Rectangle(pos=(px, y), size=(height * 1.6, shed_h))
        Triangle(
            points=[
                px,
                y + shed_h,
                px + height * 0.8,
                y + shed_h + height * 0.2,
                px + height * 1.6,
                y + shed_h,
            ]
        )
        chimney_x = px + height * 2.0
        Rectangle(pos=(chimney_x, y), size=(height * 0.2, height * 0.7))
        for puff in range(3):
            radius = height * (0.06 + 0.03 * puff)
            Line(
                circle=(
                    chimney_x + height * (0.2 + 0.25 * puff),
                    y + height * (0.78 + 0.04 * puff),
                    radius,
                ),
                width=max(1.2, height * 0.025),
            )
        px += period


def draw_saetre(x, y, width, height):
    """Sætre: the harbour, sailing boats moored on the water line."""
    water = y + height * 0.15
    Rectangle(pos=(x, water - height * 0.04), size=(width, height * 0.04))
    px = x + height * 0.3
    while px + height < x + width:
        hull_w = height * 0.9
        _polygon(
            [
                (px, water + height * 0.18),
                (px + hull_w, water + height * 0.18),
                (px + hull_w * 0.8, water),
                (px + hull_w * 0.15, water),
            ]
        )
        mast = px + hull_w * 0.45
        Rectangle(pos=(mast, water + height * 0.18), size=(height * 0.04, height * 0.62))
        Triangle(
            points=[
                mast + height * 0.06, water + height * 0.26,
                mast + height * 0.06, water + height * 0.78,
                mast + height * 0.42, water + height * 0.26,
            ]
        )  # fmt: skip
        px += height * 1.9


def draw_holmen(x, y, width, height):
    """Holmen: the beach, a sun over parasols and a line of sand."""
    Rectangle(pos=(x, y), size=(width, height * 0.1))
    Ellipse(pos=(x + width - height * 1.2, y + height * 0.45), size=(height * 0.45, height * 0.45))
    px = x + height * 0.5
    while px + height < x + width - height * 1.4:
        pole_top = y + height * 0.62
        Rectangle(pos=(px, y + height * 0.1), size=(height * 0.04, height * 0.52))
        Ellipse(
            pos=(px - height * 0.42, pole_top - height * 0.22),
            size=(height * 0.88, height * 0.44),
            angle_start=-90,
            angle_end=90,
        )
        px += height * 2.3


def draw_asker_sentrum(x, y, width, height):
    """Asker sentrum: the town square, its paving stones laid in a running bond."""
    stone_h = height * 0.2
    stone_w = height * 0.42
    gap = height * 0.06
    row = 0
    py = y + gap
    while py + stone_h <= y + height:
        px = x - (stone_w / 2 if row % 2 else 0)
        while px < x + width:
            Rectangle(pos=(px, py), size=(stone_w, stone_h))
            px += stone_w + gap
        py += stone_h + gap
        row += 1


#: The torg's pattern name (``theme.pattern`` in its site file) → its drawer.
IDENTITY_DRAWERS = {
    "fjord-library": draw_tofte,
    "hills-senior-centre": draw_heggedal,
    "cafe": draw_borgen,
    "railway": draw_spikkestad,
    "cement-works": draw_slemmestad,
    "harbour": draw_saetre,
    "beach": draw_holmen,
    "town-square": draw_asker_sentrum,
}
