"""Each torg its own: the eight picture bands are drawn, and no two look alike.

Each band is rendered offscreen (a Kivy Fbo in the session's real GL context) at the size
of Home's band on a landscape panel; its drawn pixels are compared with every other band's.
Two bands that share more than half their pixels (intersection over union) would read as
one pattern from the door.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from conftest import SCREENSHOTS
from kivy.graphics import ClearBuffers, ClearColor, Color, Fbo
from PIL import Image

from torg_kiosk.base.settings import load_all_sites
from torg_kiosk.ui.patterns import PATTERN_DRAWERS

BAND = (1920, 88)
MAX_SHARED = 0.5


def render(pattern: str) -> bytes:
    fbo = Fbo(size=BAND)
    with fbo:
        ClearColor(0, 0, 0, 0)
        ClearBuffers()
        Color(0.1, 0.1, 0.1, 1)
        PATTERN_DRAWERS[pattern](0, 0, *BAND)
    fbo.draw()
    return fbo.pixels


def drawn_pixels(pixels: bytes) -> set[int]:
    return {index for index in range(0, len(pixels) // 4) if pixels[index * 4 + 3] > 0}


@pytest.fixture(scope="module")
def bands(ui) -> dict[str, set[int]]:
    sites = load_all_sites()
    found = {}
    SCREENSHOTS.mkdir(exist_ok=True)
    sheet = Image.new("RGBA", (BAND[0], BAND[1] * len(sites)), "white")
    for row, (site_id, site) in enumerate(sorted(sites.items())):
        pixels = render(site.theme.pattern)
        found[site_id] = drawn_pixels(pixels)
        picture = Image.frombytes("RGBA", BAND, pixels).transpose(Image.FLIP_TOP_BOTTOM)
        sheet.alpha_composite(picture, (0, row * BAND[1]))
    sheet.save(SCREENSHOTS / "identity-bands.png")  # for a person to look at
    return found


def test_every_torg_has_a_picture_of_its_own(bands):
    patterns = {site.theme.pattern for site in load_all_sites().values()}
    assert len(patterns) == 8


def test_every_band_draws_something_and_leaves_room(bands):
    total = BAND[0] * BAND[1]
    for site_id, pixels in bands.items():
        assert 0.05 * total < len(pixels) < 0.8 * total, (site_id, len(pixels) / total)


def test_no_two_bands_share_more_than_half_their_pixels(bands):
    too_alike = []
    for (first, a), (second, b) in combinations(sorted(bands.items()), 2):
        shared = len(a & b) / len(a | b)
        if shared > MAX_SHARED:
            too_alike.append(f"{first} and {second} share {shared:.0%}")
    assert too_alike == []
