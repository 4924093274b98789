"""QR codes as a matrix of modules (no Kivy): what the screen draws for a link to take along."""

from __future__ import annotations

#: The blank margin a scanner needs around the code, in modules (ISO/IEC 18004 asks for 4).
QUIET_ZONE_MODULES = 4


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules for ``data``, quiet zone included (True = dark)."""
    import qrcode  # here, not at the top: the first frame (Home) draws no QR code

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=1,
        border=QUIET_ZONE_MODULES,
    )
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()
