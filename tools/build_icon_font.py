"""Subset Material Icons (Apache-2.0, Debian's fonts-material-design-icons-iconfont) to the
icons the screen uses: torg_kiosk/assets/icons/MaterialIcons-Kiosk.ttf.

    apt-get install fonts-material-design-icons-iconfont
    python tools/build_icon_font.py

The names and code points are torg_kiosk.domain.icons.ICONS; run again when one is added.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from torg_kiosk.domain.icons import ICONS  # noqa: E402

SOURCE = Path("/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf")
TARGET = ROOT / "torg_kiosk" / "assets" / "icons" / "MaterialIcons-Kiosk.ttf"


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: apt-get install fonts-material-design-icons-iconfont")
        return 1
    options = subset.Options()
    options.layout_features = []  # code points only, no ligatures
    options.name_IDs = ["*"]
    font = subset.load_font(str(SOURCE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in ICONS.values()])
    subsetter.subset(font)
    subset.save_font(font, str(TARGET), options)
    print(f"Wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes, {len(ICONS)} icons)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
