"""tools/install.sh in a throwaway root: twice the same command, then uninstall, then purge.

The root starts as a Debian system's account files (``etc/passwd``, ``group``, ``shadow``,
``gshadow``, with the groups a Debian machine has) and nothing else. The script runs as it
would on a lobby machine, with ``--root``: it builds a wheel from a copy of this checkout,
makes a real virtual environment and pip-installs the wheel into it (the dependencies come
from pip's cache or PyPI), creates the user with ``useradd --prefix``, and enables the unit
with ``systemctl --root``. What ``--root`` leaves out: Debian packages (apt-get) and
starting the service, which need the real machine.

The script creates users and chowns files, so it needs root; this test runs as root or not
at all (the reason is printed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
INSTALL = REPO / "tools" / "install.sh"
ORIGIN = "https://meet.example.no"

if os.geteuid() != 0:
    pytest.skip(
        "tools/install.sh creates a user and chowns files: run as root", allow_module_level=True
    )


def debian_accounts(root: Path) -> None:
    etc = root / "etc"
    etc.mkdir(parents=True)
    groups = {"root": 0, "audio": 29, "video": 44, "input": 101, "render": 102}
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (etc / "shadow").write_text("root:*:19000:0:99999:7:::\n")
    (etc / "group").write_text("".join(f"{name}:x:{gid}:\n" for name, gid in groups.items()))
    (etc / "gshadow").write_text("".join(f"{name}:*::\n" for name in groups))


def install(root: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(INSTALL), "--root", str(root), *args],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def tree(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: type, mode, owner, size, time and content hash."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            content = os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            content = None
        entries[str(path.relative_to(root))] = (
            stat.filemode(info.st_mode), info.st_uid, info.st_gid, info.st_size,
            info.st_mtime_ns if not stat.S_ISDIR(info.st_mode) else None, content,
        )  # fmt: skip
    return entries


def account(root: Path, name: str) -> list[str] | None:
    for line in (root / "etc/passwd").read_text().splitlines():
        if line.split(":")[0] == name:
            return line.split(":")
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("lobby-root")
    debian_accounts(root)
    first = install(root, "--meeting-origin", f"{ORIGIN}/asker-torg")
    return root, first


def test_it_creates_an_unprivileged_user_in_the_device_groups(installed):
    root, _ = installed
    user = account(root, "torg-kiosk")
    assert user is not None and int(user[2]) < 1000, "a system user"
    assert user[5:] == ["/var/lib/torg-kiosk", "/usr/sbin/nologin"]
    members = {line.split(":")[0]: line.split(":")[3].split(",")
               for line in (root / "etc/group").read_text().splitlines()}  # fmt: skip
    for group in ("video", "render", "input", "audio"):
        assert "torg-kiosk" in members[group]


def test_the_program_is_a_pip_install_in_its_own_venv_not_a_checkout(installed):
    root, _ = installed
    venv = root / "opt/torg-kiosk"
    shown = subprocess.run([venv / "bin/python", "-m", "pip", "show", "-f", "torg-kiosk"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert f"Location: {venv}/lib/" in shown
    assert "Editable project location" not in shown
    assert "tests/" not in shown and "central/" not in shown
    version = subprocess.run([venv / "bin/torg-sync", "--help"], capture_output=True, text=True)
    assert version.returncode == 0


def test_configuration_and_data_live_where_the_unit_expects_them(installed):
    root, _ = installed
    uid, gid = (int(x) for x in account(root, "torg-kiosk")[2:4])
    kiosk_toml = (root / "etc/torg-kiosk/kiosk.toml").read_text()
    assert 'data_dir = "/var/lib/torg-kiosk"' in kiosk_toml
    assert (root / "etc/torg-kiosk/sites/tofte.toml").is_file()
    data = (root / "var/lib/torg-kiosk").stat()
    assert (data.st_uid, data.st_gid, stat.S_IMODE(data.st_mode)) == (uid, gid, 0o750)


def test_the_ticket_key_is_ed25519_readable_by_the_kiosk_user_only(installed):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    root, _ = installed
    uid = int(account(root, "torg-kiosk")[2])
    key_file = root / "var/lib/torg-kiosk/ticket-key.pem"
    info = key_file.stat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (uid, 0o600)
    assert isinstance(load_pem_private_key(key_file.read_bytes(), None), Ed25519PrivateKey)
    assert b"PUBLIC KEY" in (root / "var/lib/torg-kiosk/ticket-key.pub.pem").read_bytes()


def test_the_browser_may_use_camera_and_microphone_for_the_meeting_origin_only(installed):
    root, _ = installed
    policy = json.loads((root / "etc/chromium/policies/managed/torg-kiosk-calls.json").read_text())
    assert policy == {"VideoCaptureAllowedUrls": [ORIGIN], "AudioCaptureAllowedUrls": [ORIGIN]}


def test_the_unit_is_enabled_and_passes_verify_against_the_real_install(installed, tmp_path):
    root, _ = installed
    wants = root / "etc/systemd/system/multi-user.target.wants/kiosk.service"
    assert os.readlink(wants) == "/etc/systemd/system/kiosk.service"
    check = tmp_path / "root"
    shutil.copytree(root, check, symlinks=True)
    shutil.copytree("/usr/lib/systemd/system", check / "usr/lib/systemd/system", symlinks=True)
    done = subprocess.run(["systemd-analyze", "verify", f"--root={check}", "kiosk.service"],
                          capture_output=True, text=True)  # fmt: skip
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_running_it_again_changes_nothing(installed):
    root, first = installed
    assert "nothing to change" not in first.stdout
    before = tree(root)
    again = install(root)  # the same machine, the same command (the origin is remembered)
    assert "install: nothing to change" in again.stdout, again.stdout
    assert tree(root) == before


def test_uninstall_keeps_configuration_key_and_data_then_purge_removes_them(installed):
    root, _ = installed
    (root / "var/lib/torg-kiosk/outbox.db").write_bytes(b"check-ins not sent yet")
    done = install(root, "--uninstall")
    assert "kept /etc/torg-kiosk" in done.stdout
    for gone in ("opt/torg-kiosk", "etc/systemd/system/kiosk.service",
                 "etc/systemd/system/multi-user.target.wants/kiosk.service",
                 "etc/chromium/policies/managed/torg-kiosk-calls.json"):  # fmt: skip
        assert not os.path.lexists(root / gone), gone
    assert (root / "var/lib/torg-kiosk/outbox.db").read_bytes() == b"check-ins not sent yet"
    assert (root / "var/lib/torg-kiosk/ticket-key.pem").is_file()
    assert account(root, "torg-kiosk") is not None

    install(root, "--uninstall", "--purge")
    assert not (root / "var/lib/torg-kiosk").exists()
    assert not (root / "etc/torg-kiosk").exists()
    assert account(root, "torg-kiosk") is None
    assert "torg-kiosk" not in (root / "etc/group").read_text()
