"""The kiosk, started as a real process, on data with the bad characters of the issue.

Regression: with ``"Babysang \\ud800"`` (a lone surrogate escape) on the home screen,
``torg-kiosk`` exited 1 at start (``UnicodeEncodeError`` drawing the title).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.bad_text_feed import NOW, SITE, bad_text_feed
from tests.httpfixtures import Reply, serve_replies
from tests.test_cli import torg_sync, write_config

REPO = Path(__file__).resolve().parents[2]


def test_the_kiosk_starts_and_draws_home_on_a_feed_with_bad_characters(tmp_path):
    feed = Reply(200, bad_text_feed(), {"Content-Type": "application/json"})
    picture = tmp_path / "home.png"
    with serve_replies(feed, feed, feed) as server:
        config = write_config(tmp_path, server.url + "/feed.json")
        once = torg_sync("--config", str(config), "--data", str(tmp_path / "data"), "--site",
                         SITE, "once", "--now", NOW)  # fmt: skip
        assert once.returncode == 0, once.stderr
        env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home")}
        kiosk = subprocess.run(
            [sys.executable, "-m", "torg_kiosk", "--config", str(config), "--site", SITE,
             "--data", str(tmp_path / "data"), "--windowed", "--size", "1280x800",
             "--now", NOW, "--screenshot", str(picture)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert kiosk.returncode == 0, kiosk.stderr[-3000:]
    assert "UnicodeEncodeError" not in kiosk.stderr
    image = Image.open(picture).convert("RGB")
    assert image.size == (1280, 800)
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 50
