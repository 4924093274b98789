"""The QR code widget: a link the visitor takes along on their phone."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import StringProperty
from kivy.uix.image import Image

from torg_kiosk.domain.qr import qr_matrix


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
