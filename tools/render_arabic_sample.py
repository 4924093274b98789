"""Render mixed Arabic/Latin lines with Kivy's own text provider into a PNG, to look at.

    xvfb-run -a python tools/render_arabic_sample.py [out.png]

It draws each sample twice: as given (what Kivy does unaided: loose letters, wrong order) and
through kiosk.bidi.display_text (joined letters, right-to-left, Latin runs intact).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kivy.core.text import Label as CoreLabel  # noqa: E402
from kivy.core.window import Window  # noqa: E402, F401  (a texture needs a GL context)
from PIL import Image  # noqa: E402

from torg_kiosk.domain.bidi import display_text  # noqa: E402
from torg_kiosk.domain.i18n import font_for, translator  # noqa: E402

SAMPLES = (
    "Språkkafé – مقهى اللغة 10:15",
    "مقهى اللغة في Heggedal من 10:15 حتى 12:00",
    translator("ar").gettext("Innbyggerservice er her nå, til {time}.").format(time="15:30"),
)


def _render(text: str, font: str) -> Image.Image:
    label = CoreLabel(text=text, font_name=font, font_size=40, color=(0, 0, 0, 1))
    label.refresh()
    texture = label.texture
    return Image.frombytes("RGBA", texture.size, texture.pixels)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "screenshots" / "arabic_sample.png"
    regular, _bold = font_for("ar")
    lines = [
        _render(t, regular) for sample in SAMPLES for t in (sample, display_text(sample, True))
    ]
    width = max(line.width for line in lines) + 40
    sheet = Image.new("RGBA", (width, sum(line.height + 16 for line in lines) + 24), "white")
    y = 12
    for line in lines:
        # Right-align, as an RTL screen would.
        sheet.alpha_composite(line, (width - 20 - line.width, y))
        y += line.height + 16
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.convert("RGB").save(out)
    print(f"Wrote {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
