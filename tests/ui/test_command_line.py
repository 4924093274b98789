"""``torg-kiosk`` arguments, and a bad configuration ending in one clear line and exit 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime

import pytest

from torg_kiosk.base.clock import OSLO, ArgumentError, make_clock
from torg_kiosk.kiosk_args import parse_args

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def run_kiosk(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


def test_the_development_arguments_are_understood():
    args = parse_args(["--site", "heggedal", "--windowed", "--size", "1920x1080"])
    assert (args.site, args.windowed, args.size) == ("heggedal", True, (1920, 1080))


def test_now_is_local_oslo_time():
    assert parse_args(["--now", "2026-12-03T10:15"]).now == datetime(
        2026, 12, 3, 10, 15, tzinfo=OSLO
    )


def test_a_pinned_clock_keeps_ticking_from_where_it_was_pinned():
    start = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
    clock = make_clock(start)
    first = clock()
    time.sleep(0.05)
    assert start <= first < clock()


@pytest.mark.parametrize("argv", [["--size", "big"], ["--now", "tomorrow"]])
def test_a_bad_argument_is_refused_with_an_example(argv):
    with pytest.raises(ArgumentError, match=r"e\.g\."):
        parse_args(argv)


def test_an_unknown_site_ends_with_one_line_and_exit_2(tmp_path):
    result = run_kiosk("--site", "atlantis", "--data", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "atlantis" in lines[0] and "Traceback" not in result.stderr


def test_a_broken_config_file_ends_with_one_line_and_exit_2(tmp_path):
    (tmp_path / "sites").mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text('site = "heggedal"\nlanguage = \n')
    result = run_kiosk("--config", str(config), "--data", str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "kiosk.toml" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_calls_toml_ends_with_one_line_naming_it_and_exit_2(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "torg_kiosk" / "config", config)
    calls = config / "calls.toml"
    calls.write_text(calls.read_text().replace('provider = "jitsi"', 'provider = "skype"'))
    result = run_kiosk("--config", str(config / "kiosk.toml"), "--data", str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "calls.toml: provider is 'skype'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_size_ends_with_exit_2_before_any_window(tmp_path):
    result = run_kiosk("--size", "huge", "--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "torg-kiosk: --size 'huge' is not a size. Write it as WIDTHxHEIGHT, e.g. --size 1920x1080."
    )


def broken_config_folder(tmp_path):
    """A deployment's config folder whose Heggedal site file has a colour that is not one."""
    folder = tmp_path / "etc"
    shutil.copytree(REPO_ROOT / "torg_kiosk" / "config", folder)
    site = folder / "sites" / "heggedal.toml"
    site.write_text(site.read_text().replace('accent = "#6b4d00"', 'accent = "brown"'))
    return folder


def test_the_site_file_is_read_beside_the_given_config(tmp_path):
    folder = broken_config_folder(tmp_path)
    result = run_kiosk("--config", str(folder / "kiosk.toml"), "--site", "heggedal",
                       "--data", str(tmp_path))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"torg-kiosk: {folder}/sites/heggedal.toml: theme.accent is 'brown', "
        "expected a colour like '#1a5fb4'."
    ]


def test_the_site_file_is_read_from_the_folder_in_torg_kiosk_config(tmp_path):
    folder = broken_config_folder(tmp_path)
    result = run_kiosk("--site", "heggedal", "--data", str(tmp_path),
                       env={**os.environ, "TORG_KIOSK_CONFIG": str(folder)})  # fmt: skip
    assert result.returncode == 2
    assert "heggedal.toml: theme.accent is 'brown'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
