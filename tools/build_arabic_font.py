"""Build assets/fonts/NotoSansArabicLatin-{Regular,Bold}.ttf: Noto Sans Arabic + Latin.

Kivy draws a label with one font file and no fallback, and an Arabic line carries Latin
names, times and "BankID". Noto Sans Arabic has no Latin letters, so this merges it with the
Latin (and punctuation) part of Noto Sans. Both are under the SIL Open Font License 1.1 with
no reserved font name; the result is renamed so it is never mistaken for an upstream font.

    python tools/build_arabic_font.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger, Options
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "torg_kiosk" / "assets" / "fonts"
FAMILY = "Noto Sans Arabic Latin"
# Basic Latin to Latin Extended-B, general punctuation (– — …), the euro sign.
LATIN = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]
# Vertical metrics (units per em 1000). Noto Sans Arabic's (1374 / -738) make room for
# stacked Quranic marks, and Kivy spaces lines by ascent + descent, so wrapped Latin text in
# Arabic came out double-spaced and one-line labels needed 1.6 em where the Latin screens
# (Roboto, 1.2 em) need 1.2. These give Latin lines Roboto's spacing and still hold É (944)
# and g (-240). A glyph that reaches further (Arabic ي to -463, lam-alef ligatures to 1106)
# is not clipped: SDL_ttf, which Kivy draws with, makes that one line's texture taller.
ASCENT = 960
DESCENT = -250


def _latin_part(path: Path, out: Path) -> None:
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LATIN)
    subsetter.subset(font)
    font.save(out)


def _rename(font: TTFont, style: str) -> None:
    names = {1: FAMILY, 2: style, 3: f"{FAMILY} {style}", 4: f"{FAMILY} {style}",
             6: f"NotoSansArabicLatin-{style}"}  # fmt: skip
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]


def _set_line_metrics(font: TTFont) -> None:
    """Give hhea, OS/2 typo and OS/2 win the same, tighter ascent and descent."""
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, DESCENT, 0
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, -DESCENT
    os2.fsSelection |= 1 << 7  # USE_TYPO_METRICS: renderers agree on the typo values


def build(style: str) -> Path:
    """Merge the Arabic and Latin fonts of ``style`` ("Regular" or "Bold"); return the path."""
    with tempfile.TemporaryDirectory() as tmp:
        latin = Path(tmp) / "latin.ttf"
        _latin_part(FONTS / f"NotoSans-{style}.ttf", latin)
        # The Arabic font comes first: where both have a glyph (digits, space) it wins.
        merged = Merger(options=Options(drop_tables=["vhea", "vmtx"])).merge(
            [str(FONTS / f"NotoSansArabic-{style}.ttf"), str(latin)]
        )
    _rename(merged, style)
    _set_line_metrics(merged)
    out = FONTS / f"NotoSansArabicLatin-{style}.ttf"
    merged.save(out)
    return out


def main() -> int:
    for style in ("Regular", "Bold"):
        print(f"Wrote {build(style).relative_to(FONTS.parents[1])}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
