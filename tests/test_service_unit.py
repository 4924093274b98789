"""kiosk.service and its display variants pass ``systemd-analyze verify``, and say what a
lobby machine needs: a notify service with a watchdog, start limits that work, no restart
loop on a configuration mistake, hardening.

``verify`` checks that ExecStart exists and reads the units a unit pulls in, so each test
builds a throwaway root: systemd's own units (copied from this machine's
``/usr/lib/systemd/system``, as a real root has them), the unit under ``etc/``, and a stand-in
executable where the program would be (the install test runs verify on the real install).
An unknown key or a key in the wrong section is only a warning to systemd (exit 0), so the
tests also require verify to print nothing.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNIT = REPO / "kiosk.service"
VARIANTS = {"x11": REPO / "tools/systemd/x11.conf", "cage": REPO / "tools/systemd/cage.conf"}
PROGRAM = "opt/torg-kiosk/bin/torg-kiosk"


def make_root(root: Path, unit_text: str, drop_in: Path | None = None) -> Path:
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    (units / "kiosk.service").write_text(unit_text)
    if drop_in is not None:
        (units / "kiosk.service.d").mkdir()
        shutil.copy(drop_in, units / "kiosk.service.d/display.conf")
    for program in (PROGRAM, "usr/bin/cage"):
        (root / program).parent.mkdir(parents=True, exist_ok=True)
        (root / program).write_text("#!/bin/sh\n")
        (root / program).chmod(0o755)
    return root


def verify(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", "kiosk.service"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def sections(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string(text)
    return parser


@pytest.mark.parametrize("variant", ["kmsdrm", "x11", "cage"])
def test_the_unit_and_each_display_variant_pass_systemd_analyze_verify(tmp_path, variant):
    root = make_root(tmp_path, UNIT.read_text(), VARIANTS.get(variant))
    done = verify(root)
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == "", "verify warned"


def test_verify_catches_a_start_limit_in_the_service_section(tmp_path):
    """The mistake the old unit made: systemd ignores it there, and says so."""
    text = UNIT.read_text().replace("[Service]\n", "[Service]\nStartLimitIntervalSec=300\n", 1)
    done = verify(make_root(tmp_path, text))
    assert "Unknown key 'StartLimitIntervalSec' in section [Service]" in done.stderr


def test_verify_catches_a_missing_program(tmp_path):
    root = make_root(tmp_path, UNIT.read_text())
    (root / PROGRAM).unlink()
    assert "is not executable" in verify(root).stderr


def test_it_is_a_notify_service_with_a_watchdog_and_restarts_except_after_a_config_mistake():
    unit = sections(UNIT.read_text())
    service = unit["Service"]
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert int(service["WatchdogSec"]) >= 10
    assert service["Restart"] == "always"
    assert service["RestartPreventExitStatus"] == "2"
    assert {"StartLimitIntervalSec", "StartLimitBurst"} <= set(unit["Unit"])
    assert not {"StartLimitIntervalSec", "StartLimitBurst"} & set(service)


def test_it_runs_as_its_own_unprivileged_user_on_kms_drm_with_the_hardening_a_kiosk_allows():
    service = sections(UNIT.read_text())["Service"]
    assert service["User"] == "torg-kiosk" and service["Group"] == "torg-kiosk"
    text = UNIT.read_text()
    assert "Environment=SDL_VIDEODRIVER=kmsdrm" in text
    for setting in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                    "PrivateTmp=yes", "ReadWritePaths=/var/lib/torg-kiosk",
                    "StateDirectory=torg-kiosk"):  # fmt: skip
        assert setting in text.splitlines()
    # What a kiosk cannot allow: its devices, and the call browser's sandbox and JIT.
    for setting in ("PrivateDevices=yes", "RestrictNamespaces=yes", "MemoryDenyWriteExecute=yes"):
        assert setting not in text.splitlines()


def test_the_cage_variant_lets_the_kiosk_under_the_compositor_ping_the_watchdog():
    cage = sections(VARIANTS["cage"].read_text())["Service"]
    assert cage["NotifyAccess"] == "all"
    assert cage["UnsetEnvironment"] == "WATCHDOG_PID"
    assert "Environment=SDL_VIDEODRIVER=wayland" in VARIANTS["cage"].read_text()
