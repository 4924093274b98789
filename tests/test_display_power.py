"""Turning the display off and on: which way a machine has, and the commands each way runs.

The command lines of vcgencmd (a Raspberry Pi's firmware) and cec-client (a television) are
checked with a recording runner: neither program nor the hardware behind it is here. DPMS is
asked of the real X server of the test run (Xvfb, which has no DPMS extension).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from torg_kiosk.base.display_power import cec, choose_display_power, dpms, has_dpms, vcgencmd


class Recorder:
    def __init__(self, returncode: int = 0):
        self.calls: list[tuple[list[str], str | None]] = []
        self.returncode = returncode

    def __call__(self, argv, *, input=None, **_kwargs):
        self.calls.append((argv, input))
        return subprocess.CompletedProcess(argv, self.returncode, "", "")


@pytest.mark.ui
def test_xvfb_has_no_dpms_and_xset_exiting_0_is_not_taken_for_it():
    assert os.environ.get("DISPLAY"), "run under tools/test.sh (xvfb-run)"
    assert has_dpms(os.environ) is False


def test_without_a_display_or_any_tool_the_kiosk_only_dims():
    assert choose_display_power({}, which=lambda _name: None) == []


def test_a_pi_with_a_television_uses_both_its_firmware_and_cec():
    found = choose_display_power({}, which=lambda name: f"/usr/bin/{name}", run=Recorder())
    assert [way.name for way in found] == ["vcgencmd", "cec"]


def test_the_override_picks_one_way_or_none():
    assert [w.name for w in choose_display_power({"TORG_KIOSK_DISPLAY_POWER": "cec"})] == ["cec"]
    assert choose_display_power({"TORG_KIOSK_DISPLAY_POWER": "none"},
                                which=lambda name: f"/usr/bin/{name}") == []  # fmt: skip


def test_the_commands_of_each_way():
    runner = Recorder()
    assert vcgencmd(runner).off() and vcgencmd(runner).on()
    assert cec(runner).off() and cec(runner).on()
    assert dpms(runner).off() and dpms(runner).on()
    assert runner.calls == [
        (["vcgencmd", "display_power", "0"], None),
        (["vcgencmd", "display_power", "1"], None),
        (["cec-client", "-s", "-d", "1"], "standby 0\n"),
        (["cec-client", "-s", "-d", "1"], "on 0\n"),
        (["xset", "dpms", "force", "off"], None),
        (["xset", "dpms", "force", "on"], None),
        (["xset", "-dpms"], None),
        (["xset", "s", "off"], None),
    ]


def test_a_failing_or_missing_command_is_false_not_an_exception():
    assert vcgencmd(Recorder(returncode=255)).off() is False

    def missing(argv, **_kwargs):
        raise FileNotFoundError(argv[0])

    assert cec(missing).on() is False
