"""calls.toml, the caseworker hours and the browser policy's command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.resources import bundled_config_dir
from torg_kiosk.base.toml_config import ConfigError
from torg_kiosk.calls.config import load_calls_config
from torg_kiosk.calls.hours import can_call_now
from torg_kiosk.domain.opening_hours import Closure

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_dir(tmp_path) -> Path:
    shutil.copy(bundled_config_dir() / "calls.toml", tmp_path / "calls.toml")
    return tmp_path


def edit(config_dir: Path, old: str, new: str) -> None:
    path = config_dir / "calls.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def test_a_browser_command_without_the_url_is_refused_naming_the_key(config_dir):
    edit(config_dir, 'command = "chromium --app={url}', 'command = "chromium --app=')
    with pytest.raises(ConfigError, match=r"browser\.command .*\{url\}"):
        load_calls_config(config_dir, environ={})


def test_an_unknown_placeholder_in_the_command_is_refused(config_dir):
    edit(config_dir, "--user-data-dir={profile}", "--user-data-dir={home}")
    with pytest.raises(ConfigError, match="placeholders among"):
        load_calls_config(config_dir, environ={})


def test_an_unknown_topic_is_refused_listing_the_known_ones(config_dir):
    edit(config_dir, '"nav", "other"]', '"nav", "parking"]')
    with pytest.raises(ConfigError, match="building, health, school"):
        load_calls_config(config_dir, environ={})


def test_answer_seconds_cannot_pass_the_five_seconds_a_visitor_waits(config_dir):
    edit(config_dir, "answer_seconds = 4", "answer_seconds = 8")
    with pytest.raises(ConfigError, match="answer_seconds is 8, expected a number from 1 to 5"):
        load_calls_config(config_dir, environ={})


def test_caseworkers_answer_inside_their_hours_and_not_after():
    config = load_calls_config(bundled_config_dir(), environ={})
    assert can_call_now(config, "tofte", at(2026, 12, 3, 10, 15))
    assert not can_call_now(config, "tofte", at(2026, 12, 3, 15, 0))  # the end is exclusive
    assert not can_call_now(config, "tofte", at(2026, 12, 5, 11, 0))  # Saturday


def test_a_torg_with_its_own_hours_keeps_them():
    config = load_calls_config(bundled_config_dir(), environ={})
    wednesday_evening = at(2026, 12, 2, 18, 0)
    assert can_call_now(config, "heggedal", wednesday_evening)
    assert not can_call_now(config, "tofte", wednesday_evening)


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 25), date(2026, 12, 24), date(2027, 3, 25), date(2027, 5, 17)],
    ids=["christmas", "christmas-eve", "maundy-thursday", "constitution-day"],
)
def test_no_calls_on_holidays_and_the_eves_the_kommune_closes(day):
    config = load_calls_config(bundled_config_dir(), environ={})
    assert not can_call_now(config, "heggedal", at(day.year, day.month, day.day, 11, 0))


def test_a_feed_closure_of_the_caseworkers_ends_the_calls_for_its_day():
    config = load_calls_config(bundled_config_dir(), environ={})
    closure = Closure(id="kurs", dates=frozenset({date(2026, 12, 3)}), site="heggedal",
                      services=frozenset({"caseworkers"}), text="")  # fmt: skip
    assert not can_call_now(config, "heggedal", at(2026, 12, 3, 10, 15), [closure])
    assert can_call_now(config, "tofte", at(2026, 12, 3, 10, 15), [closure])


def test_calls_switched_off_are_never_open(config_dir):
    edit(config_dir, "enabled = true", "enabled = false")
    config = load_calls_config(config_dir, environ={})
    assert not can_call_now(config, "heggedal", at(2026, 12, 3, 10, 15))


def test_the_policy_command_writes_the_configured_providers_origin(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk.calls.policy", "--config-dir",
         str(bundled_config_dir()), "--dir", str(tmp_path / "managed")],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "managed" / "torg-kiosk-calls.json").read_text())
    assert written == {
        "VideoCaptureAllowedUrls": ["https://meet.asker-kommune.example"],
        "AudioCaptureAllowedUrls": ["https://meet.asker-kommune.example"],
    }
    assert oct((tmp_path / "managed" / "torg-kiosk-calls.json").stat().st_mode)[-3:] == "644"


def test_the_policy_command_prints_without_writing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk.calls.policy", "--print",
         "--origin", "https://asker.whereby.com", "--dir", str(tmp_path / "none")],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["VideoCaptureAllowedUrls"] == ["https://asker.whereby.com"]
    assert not (tmp_path / "none").exists()
