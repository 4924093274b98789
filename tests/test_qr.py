"""The QR matrix the screen draws: a real decoder reads it back (the UI test reads the pixels)."""

from PIL import Image
from pyzbar.pyzbar import decode

from torg_kiosk.domain.qr import QUIET_ZONE_MODULES, qr_matrix

LINK = "https://www.asker.kommune.no/innbyggertorg/heggedal/babysang/"


def render(matrix, scale=8) -> Image.Image:
    size = len(matrix)
    image = Image.new("L", (size * scale, size * scale), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return image


def test_the_matrix_decodes_back_to_the_link():
    assert [symbol.data.decode() for symbol in decode(render(qr_matrix(LINK)))] == [LINK]


def test_the_quiet_zone_is_four_blank_modules_on_every_side():
    matrix = qr_matrix(LINK)
    zone = QUIET_ZONE_MODULES
    assert zone == 4
    for row in matrix[:zone] + matrix[-zone:]:
        assert not any(row)
    for row in matrix:
        assert not any(row[:zone]) and not any(row[-zone:])
