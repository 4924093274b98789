"""The layout settles: no widget's size feeds back into itself, at start or later.

Kivy logs ``CRITICAL [Clock] Warning, too much iteration done before the next frame`` when
layout and texture events keep scheduling each other past ``Clock.max_iteration`` within one
frame: a feedback loop, paid for in start-up time and in frames that show a half-done layout.

Regression: the word on the page buttons (▲ Opp / ▼ Ned) was a LineLabel whose class rule
ties ``text_size`` to its size, while the button made its width follow its texture: the
label grew by 4 px an iteration, some 40 iterations, on every start (logged with
``BidiLabel.texture_update`` and ``PageButton.do_layout`` events).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import KIVY_LOG, REPO_ROOT
from test_layout import show_screen

from torg_kiosk.ui.app import SCREENS

FEEDBACK_LOOP = "too much iteration"
SIZES = ((1920, 1080), (1080, 1920))


def feedback_loops(messages) -> list[str]:
    return [message[:300] for message in messages if FEEDBACK_LOOP in message]


def test_the_start_on_the_demo_feed_logs_no_feedback_loop(ui):
    # The session's app started at 1920×1080 in bokmål and has made every screen since.
    assert ui.app.manager.unmade == []
    assert feedback_loops(record.getMessage() for record in KIVY_LOG.records) == []


@pytest.mark.parametrize("language", ["nb", "ar"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_settles_in_either_orientation_text_size_and_script(ui, size, large, language):
    seen = len(KIVY_LOG.records)
    try:
        ui.app.choose_language(language)
        ui.app.large_text = large
        for name in SCREENS:
            show_screen(ui, size, name)
        logged = [record.getMessage() for record in KIVY_LOG.records[seen:]]
        assert feedback_loops(logged) == []
    finally:
        ui.app.large_text = False
        ui.app.choose_language("nb")
        ui.frames(4)


def test_a_start_in_portrait_and_arabic_logs_no_feedback_loop(tmp_path):
    """A real start (its own process, Kivy's log on stderr) in the other orientation and script."""
    config = tmp_path / "kiosk.toml"
    bundled = REPO_ROOT / "torg_kiosk" / "config"
    config.write_text(
        (bundled / "kiosk.toml").read_text().replace('language = "nb"', 'language = "ar"')
    )
    (tmp_path / "sites").symlink_to(bundled / "sites")  # kiosk.toml looks beside itself
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home"), "KIVY_LOG_MODE": "KIVY"}
    env.pop("KIVY_NO_CONSOLELOG", None)
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk", "--config", str(config), "--site", "heggedal",
         "--windowed", "--size", "1080x1920", "--data", str(tmp_path / "data"),
         "--now", "2026-12-03T10:15", "--screenshot", str(tmp_path / "start.png")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[Window" in done.stderr  # Kivy's log is there to be read
    assert feedback_loops(done.stderr.splitlines()) == []
