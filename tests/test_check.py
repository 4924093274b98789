"""``torg-kiosk check``: each problem on its line with how to fix it; the exit code says
whether the kiosk can run. Real ``torg-kiosk check`` processes, a real reference central
server on 127.0.0.1 for the feed and the uploads, real data folders; the display is the
virtual one the tests run on (``tools/test.sh``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from torg_central.server import serve
from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.store.outbox import Outbox

REPO = Path(__file__).resolve().parents[1]
DEMO_FEED = REPO / "torg_kiosk/assets/demo/feed.json"


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    with serve(DEMO_FEED, db_path=tmp_path_factory.mktemp("central") / "central.db") as server:
        yield server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config_folder(tmp_path: Path, *, feed: str = "", central: str = "", edit=("", "")) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), folder)
    text = (folder / "kiosk.toml").read_text()
    text = text.replace('url = ""', f'url = "{feed}"', 1)
    text = text.replace('central_url = ""', f'central_url = "{central}"')
    (folder / "kiosk.toml").write_text(text.replace(*edit))
    return folder


def check(config: Path, data: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TORG_KIOSK_")}
    environ |= {"TORG_KIOSK_CONFIG": str(config), "TORG_KIOSK_DATA": str(data), **env}
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk", "check"],
        cwd=REPO, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def line(result: subprocess.CompletedProcess, what: str) -> str:
    found = [text for text in result.stdout.splitlines() if f" {what}: " in text[:30]]
    assert found, result.stdout
    return found[0]


def fix_after(result: subprocess.CompletedProcess, what: str) -> str:
    lines = result.stdout.splitlines()
    follows = lines[lines.index(line(result, what)) + 1]
    assert follows.strip().startswith("fix: "), result.stdout
    return follows


@pytest.mark.ui
def test_a_ready_machine_passes_with_feed_and_central_reachable(tmp_path, central):
    config = config_folder(tmp_path, feed=f"{central.url}/feed.json", central=central.url)
    result = check(config, tmp_path / "data")
    assert result.returncode == 0, result.stdout
    assert line(result, "configuration").startswith("ok ")
    assert line(result, "display").startswith("ok    display: X display")
    assert line(result, "fonts").startswith("ok ")
    assert line(result, "data").startswith("ok ")
    assert line(result, "feed") == f"ok    feed: {central.url}/feed.json answers"
    assert line(result, "central") == f"ok    central: {central.url}/api/heartbeats answers"
    assert line(result, "clock").startswith("ok ")
    assert result.stdout.rstrip().endswith("warning(s)).")


@pytest.mark.ui
def test_an_unreachable_feed_is_a_warning_the_kiosk_runs_offline(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    result = check(config_folder(tmp_path, feed=f"{dead}/feed.json", central=dead), tmp_path)
    assert result.returncode == 0
    assert line(result, "feed").startswith("warn  feed:")
    assert "offline on its stored data" in fix_after(result, "feed")
    assert line(result, "central").startswith("warn  central:")


def test_a_configuration_mistake_is_named_with_its_file_and_the_kiosk_cannot_run(tmp_path):
    config = config_folder(tmp_path, edit=("warning_seconds = 20", 'warning_seconds = "soon"'))
    result = check(config, tmp_path)
    assert result.returncode == 1
    assert line(result, "configuration").startswith("FAIL  configuration:")
    assert "kiosk.toml" in line(result, "configuration")
    assert "torg-kiosk check again" in fix_after(result, "configuration")
    assert "cannot run here" in result.stdout


def test_an_x_display_that_does_not_answer_stops_the_kiosk(tmp_path):
    result = check(config_folder(tmp_path), tmp_path, SDL_VIDEODRIVER="x11", DISPLAY=":4242")
    assert result.returncode == 1
    assert line(result, "display") == (
        "FAIL  display: The X display :4242 does not answer (/tmp/.X11-unix/X4242)."
    )
    assert "xhost +SI:localuser:torg-kiosk" in fix_after(result, "display")


def test_x11_without_a_display_variable_stops_the_kiosk(tmp_path):
    environ_without_display = {"SDL_VIDEODRIVER": "x11", "DISPLAY": ""}
    result = check(config_folder(tmp_path), tmp_path, **environ_without_display)
    assert result.returncode == 1
    assert "DISPLAY is not set" in line(result, "display")


@pytest.mark.ui
def test_a_data_folder_that_cannot_be_made_stops_the_kiosk(tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where the data folder should be")
    result = check(config_folder(tmp_path), tmp_path / "not-a-folder" / "data")
    assert result.returncode == 1
    assert line(result, "data").startswith("FAIL  data:")
    assert "is a file, not a folder" in line(result, "data")


@pytest.mark.ui
def test_a_clock_behind_the_stored_checkins_is_a_warning_with_the_reason(tmp_path):
    data = tmp_path / "data"
    outbox = Outbox.open(data / "outbox.db")
    outbox.add("checkin", {"ticket": "T-1"}, now=datetime.now(UTC) + timedelta(days=3))
    outbox.close()
    result = check(config_folder(tmp_path), data)
    assert result.returncode == 0
    assert "earlier than the newest stored check-in" in line(result, "clock")
    assert line(result, "clock").startswith("warn  clock:")
