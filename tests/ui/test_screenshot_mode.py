"""``torg-kiosk --screenshot``: what tools/run-kiosk.sh does on a machine without a display."""

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def test_screenshot_mode_saves_the_populated_home_screen_and_exits(tmp_path):
    picture = tmp_path / "kiosk.png"
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home")}
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk", "--site", "tofte", "--windowed", "--size", "1280x800",
         "--data", str(tmp_path / "data"), "--now", "2026-12-03T10:15",
         "--screenshot", str(picture)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"saved {picture}" in done.stdout
    image = Image.open(picture).convert("RGB")
    assert image.size == (1280, 800)
    # A real screen, not a black or empty frame: many distinct colours (text, theme, pattern).
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 50
