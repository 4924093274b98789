"""Every value kiosk.toml accepts starts the kiosk; every value it refuses is one line and exit 2.

The boundary values of each numeric setting (its smallest and largest, and one past each) and
every value of each enumerated one, each tried through the real command line: ``torg-kiosk
--screenshot`` in a subprocess, on the virtual display. Regression: ``warning_seconds = 12``
passed the check, then the idle timer refused it and the kiosk died with a traceback and exit
1, restarting forever under systemd.

A kiosk start costs ~2 s, so each start tries one accepted value from each group of settings
that do not act on each other (the sync, the panel, the idle timer, the language).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from itertools import zip_longest
from pathlib import Path

import pytest

from torg_kiosk.base.languages import CODES

pytestmark = [pytest.mark.slow, pytest.mark.ui]

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "torg_kiosk" / "config"
NOW = "2026-12-03T10:15"

#: The smallest and the largest value kiosk.toml accepts, per setting, in groups.
RANGES = {
    "sync": {
        "sync_interval_minutes": (1, 24 * 60),
        "sync_jitter_seconds": (0, 3600),
        "busy_timeout_seconds": (1, 300),
    },
    "panel": {
        "panel.width_mm": (50, 5000),
        "panel.height_mm": (50, 5000),
        "panel.width_px": (320, 16384),
        "panel.height_px": (240, 16384),
    },
    "idle": {
        # WCAG 2.2.1: time to read, and at least 20 seconds to react to the warning.
        "idle.timeout_seconds": (30, 3600),
        # At most timeout_seconds - 1; the shipped timeout is 90.
        "idle.warning_seconds": (20, 89),
    },
    # How long staff mode stays open without a touch or a scan.
    "staff": {"staff.idle_seconds": (20, 3600)},
}
#: Every language the screen has is accepted, and nothing else.
REFUSED_LANGUAGES = ("xx", "NB", "nb-NO", "")


def accepted_groups() -> list[list[tuple[str, object]]]:
    groups = [
        [(key, value) for key, (low, high) in settings.items() for value in (low, high)]
        for settings in RANGES.values()
    ]
    return [*groups, [("language", code) for code in CODES]]


def kiosk_starts() -> list[dict[str, object]]:
    """One dict of settings per start: the n-th accepted value of every group."""
    return [
        dict(setting for setting in start if setting is not None)
        for start in zip_longest(*accepted_groups())
    ]


def refused_values() -> list[tuple[str, object]]:
    numeric = [
        (key, value)
        for settings in RANGES.values()
        for key, (low, high) in settings.items()
        for value in (low - 1, high + 1)
    ]
    return numeric + [("language", code) for code in REFUSED_LANGUAGES]


def describe(settings: dict[str, object]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in settings.items())


def toml_value(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def write_config(folder: Path, settings: dict[str, object]) -> Path:
    """The shipped kiosk.toml with ``settings`` (dotted keys) changed, next to the shipped sites."""
    config = tomllib.loads((SHIPPED / "kiosk.toml").read_text(encoding="utf-8"))
    for dotted, value in settings.items():
        *tables, key = dotted.split(".")
        table = config
        for name in tables:
            table = table[name]
        table[key] = value
    lines = [
        f"{key} = {toml_value(value)}"
        for key, value in config.items()
        if not isinstance(value, dict)
    ]
    for name, table in config.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]"] + [
                f"{key} = {toml_value(value)}" for key, value in table.items()
            ]
    folder.mkdir(parents=True)
    (folder / "kiosk.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "sites").symlink_to(SHIPPED / "sites")
    return folder / "kiosk.toml"


@pytest.fixture(scope="module")
def synced_data(tmp_path_factory) -> Path:
    """A data folder with the demo feed already synced, so each start shows data at once."""
    data = tmp_path_factory.mktemp("synced-data")
    subprocess.run(
        [sys.executable, "-m", "torg_kiosk.sync.cli", "--data", str(data), "once", "--now", NOW],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return data


def start_kiosk(config: Path, data: Path, picture: Path) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TORG_KIOSK")}
    env["KIVY_HOME"] = str(data / "kivy-home")
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk", "--config", str(config), "--data", str(data),
         "--windowed", "--size", "1280x800", "--now", NOW, "--screenshot", str(picture)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("setting", refused_values(), ids=lambda s: f"{s[0]}={s[1]!r}")
def test_a_refused_value_is_one_line_and_exit_2(setting, tmp_path, synced_data):
    key, value = setting
    config = write_config(tmp_path / "config", {key: value})
    picture = tmp_path / "kiosk.png"
    done = start_kiosk(config, synced_data, picture)
    assert done.returncode == 2, done.stderr[-2000:]
    [line] = done.stderr.splitlines()
    assert line.startswith("torg-kiosk: ") and f"{key} is " in line
    assert not picture.exists()


@pytest.mark.parametrize("settings", kiosk_starts(), ids=describe)
def test_accepted_values_start_the_kiosk(settings, tmp_path, synced_data):
    config = write_config(tmp_path / "config", settings)
    picture = tmp_path / "kiosk.png"
    done = start_kiosk(config, synced_data, picture)
    assert done.returncode == 0, done.stderr[-3000:]
    assert picture.stat().st_size > 0


def test_the_walk_covers_every_numeric_and_enumerated_setting():
    """A new setting in kiosk.toml must join RANGES (or be a text, like the feed URLs)."""
    shipped = tomllib.loads((SHIPPED / "kiosk.toml").read_text(encoding="utf-8"))
    numeric = {
        f"{name}.{key}" if isinstance(table, dict) else name
        for name, table in shipped.items()
        for key, value in (table.items() if isinstance(table, dict) else [(name, table)])
        if isinstance(value, int | float)
    }
    walked = {key for settings in RANGES.values() for key in settings}
    assert numeric == walked
    assert {key for start in kiosk_starts() for key in start} == walked | {"language"}
