"""torg-kiosk installs as a program: ``pip install .`` into a fresh virtual environment, then
``torg-sync`` and ``torg-kiosk`` work from any folder, with no checkout beside them.

The checkout's files (tracked and new, not ignored) are copied to a temporary folder first, so
the build sees exactly what a clone would hold and writes nothing into the checkout. pip takes
the dependencies from its cache or PyPI (~25 s with a warm cache; a wheel built once and
installed with ``--no-index`` was not needed at that speed). The commands run from another
temporary folder, with the environment of a person at a shell: no ``PYTHONPATH``, no test
settings, the checkout's .venv not on ``PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image

from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.base.settings import SYSTEM_CONFIG_DIR, load_site

pytestmark = [pytest.mark.slow, pytest.mark.ui]

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-12-03T10:15"
#: What the checkout holds besides the program: none of it belongs in the installed package.
NOT_INSTALLED = ("tests", "benchmarks", "tools", "central", "torg_central", "docs")


def checkout_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def person_env() -> dict[str, str]:
    drop = ("KIVY_", "TORG_KIOSK_", "PYTHON")
    env = {name: value for name, value in os.environ.items() if not name.startswith(drop)}
    venv_bin = str(REPO / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    return env


def run(command: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, cwd=cwd, env=person_env(), capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment holding ``pip install .`` of the checkout."""
    if (SYSTEM_CONFIG_DIR / "kiosk.toml").exists():
        pytest.skip(f"{SYSTEM_CONFIG_DIR} configures this machine; the test needs the defaults")
    root = tmp_path_factory.mktemp("install")
    source = root / "torg-kiosk"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root)
    bin_dir = root / "venv" / "bin"
    run([str(bin_dir / "pip"), "install", "-q", "."], cwd=source, timeout=600)
    return bin_dir


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working folder that is not the checkout, nor inside it."""
    folder = tmp_path / "lobby"
    folder.mkdir()
    return folder


def installed_files(bin_dir: Path, cwd: Path) -> list[PurePosixPath]:
    script = "import importlib.metadata as m, json; print(json.dumps([str(f) for f in m.files('torg-kiosk')]))"  # noqa: E501
    done = run([str(bin_dir / "python"), "-c", script], cwd=cwd)
    return [PurePosixPath(name) for name in json.loads(done.stdout)]


def test_the_program_comes_from_the_virtual_environment(installed, elsewhere):
    done = run([str(installed / "python"), "-c", "import torg_kiosk; print(torg_kiosk.__file__)"],
               cwd=elsewhere)  # fmt: skip
    assert Path(done.stdout.strip()).is_relative_to(installed.parent)


def test_every_file_of_the_package_in_the_checkout_is_installed(installed, elsewhere):
    """Fonts, .mo files, sounds, the demo feed, the schema, kv files, the config: all of it."""
    files = set(installed_files(installed, elsewhere))
    package = [PurePosixPath(name) for name in checkout_files() if name.startswith("torg_kiosk/")]
    assert [str(name) for name in package if name not in files] == []
    kinds = {name.suffix for name in package}
    assert {".ttf", ".mo", ".wav", ".json", ".kv", ".toml"} <= kinds


def test_nothing_but_the_package_is_installed(installed, elsewhere):
    tops = {name.parts[0] for name in installed_files(installed, elsewhere)}
    assert tops <= {"torg_kiosk", "torg_kiosk-0.1.0.dist-info", ".."}, tops
    site_packages = next((installed.parent / "lib").glob("python3*/site-packages"))
    assert [name for name in NOT_INSTALLED if (site_packages / name).exists()] == []


def test_torg_sync_once_then_today_from_another_folder(installed, elsewhere):
    once = run([str(installed / "torg-sync"), "once", "--now", NOW], cwd=elsewhere)
    assert once.stdout.startswith("demo: updated — ")
    assert (elsewhere / "var" / "kiosk.db").is_file()  # data_dir = "var", from the working folder
    today = run([str(installed / "torg-sync"), "today", "--site", "heggedal", "--now", NOW],
                cwd=elsewhere)  # fmt: skip
    lines = today.stdout.splitlines()
    assert lines[0] == "Heggedal innbyggertorg — 2026-12-03"
    assert len(lines) > 3 and all(line[:2].isdigit() for line in lines[1:]), today.stdout


def test_torg_kiosk_draws_the_home_screen_from_another_folder(installed, elsewhere):
    run([str(installed / "torg-sync"), "once", "--now", NOW], cwd=elsewhere)
    done = run(
        [str(installed / "torg-kiosk"), "--site", "heggedal", "--windowed", "--size", "1280x800",
         "--now", NOW, "--screenshot", "out.png"],
        cwd=elsewhere,
    )  # fmt: skip
    assert f"saved {elsewhere / 'out.png'}" in done.stdout
    image = Image.open(elsewhere / "out.png").convert("RGB")
    assert image.size == (1280, 800)
    colours = Counter(image.getdata())
    assert len(colours) > 50  # text, theme and pattern, not a blank frame
    (red, green, blue), _count = colours.most_common(1)[0]
    background = load_site("heggedal", bundled_config_dir()).theme.background
    assert f"#{red:02x}{green:02x}{blue:02x}" == background  # Heggedal's own theme
