"""``torg-kiosk check``: can this machine run the kiosk, and if not, what to do about it.

Looks at the configuration and the machine the way the service will meet them: the display
the SDL driver needs, the fonts, a sound device, the browser for calls and its policy, the
data folder, the feed and the central side, and the clock. Each finding is one line, and
each problem a second line saying how to fix it. The exit code says whether the kiosk can
run: 0 (warnings allowed: it runs, with less), 1 (something stops it). No Kivy is imported,
so it works over ssh, on a machine whose screen is dark.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from torg_kiosk.base.clock_trust import assess_clock
from torg_kiosk.base.settings import ConfigError, KioskConfig, load_kiosk_config, load_site

OK, WARN, FAIL = "ok", "warn", "FAIL"
#: Where tools/install.sh writes the browser's permission for the meeting service.
BROWSER_POLICY = Path("/etc/chromium/policies/managed/torg-kiosk-calls.json")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
#: Below this much free space on the data folder's disk, syncs and check-ins may soon fail.
LOW_DISK_BYTES = 200 * 1024 * 1024
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
EXIT_CAN_RUN, EXIT_CANNOT_RUN = 0, 1


@dataclass(frozen=True)
class Finding:
    what: str
    level: str  # OK | WARN | FAIL
    text: str
    fix: str = ""


def ok(what: str, text: str) -> Finding:
    return Finding(what, OK, text)


def warn(what: str, text: str, fix: str) -> Finding:
    return Finding(what, WARN, text, fix)


def fail(what: str, text: str, fix: str) -> Finding:
    return Finding(what, FAIL, text, fix)


# -- the checks -------------------------------------------------------------------------------


def check_display(environ: Mapping[str, str], dev: Path = Path("/dev")) -> Finding:
    driver = environ.get("SDL_VIDEODRIVER", "")
    if driver == "kmsdrm" or (not driver and not _has_window_system(environ)):
        cards = sorted((dev / "dri").glob("card*"))
        usable = [card for card in cards if os.access(card, os.R_OK | os.W_OK)]
        if usable:
            return ok("display", f"KMS/DRM through {usable[0]}")
        if cards:
            return fail(
                "display",
                f"{cards[0]} exists but this user may not use it.",
                "Add the kiosk user to the groups video and render "
                "(usermod -aG video,render torg-kiosk), then log in again.",
            )
        return fail(
            "display",
            "No display: no X or Wayland display is set and there is no /dev/dri/card* for "
            "KMS/DRM.",
            "Enable the graphics driver (on a Raspberry Pi: dtoverlay=vc4-kms-v3d in "
            "config.txt), or start the kiosk in an X session (DISPLAY) or under cage.",
        )
    if driver == "wayland" or (not driver and environ.get("WAYLAND_DISPLAY")):
        name = environ.get("WAYLAND_DISPLAY", "wayland-0")
        path = Path(environ.get("XDG_RUNTIME_DIR", "/run/user/0")) / name
        if _can_connect(path):
            return ok("display", f"Wayland display {path}")
        return fail(
            "display",
            f"The Wayland display {path} does not answer.",
            "Start the kiosk inside cage (tools/systemd/cage.conf), or set "
            "WAYLAND_DISPLAY and XDG_RUNTIME_DIR to the compositor's.",
        )
    display = environ.get("DISPLAY", "")
    if not display:
        return fail(
            "display",
            f"SDL_VIDEODRIVER={driver} but DISPLAY is not set.",
            "Set DISPLAY=:0 (tools/systemd/x11.conf does), or use KMS/DRM.",
        )
    number = display.rpartition(":")[2].split(".")[0]
    if display.startswith(":") and number.isdigit():
        path = Path(f"/tmp/.X11-unix/X{number}")
        if not _can_connect(path):
            return fail(
                "display",
                f"The X display {display} does not answer ({path}).",
                "Start the X session first, and let the kiosk user in: "
                "xhost +SI:localuser:torg-kiosk.",
            )
    return ok("display", f"X display {display}")


def _has_window_system(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _can_connect(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def check_fonts() -> Finding:
    from torg_kiosk.base.languages import CODES
    from torg_kiosk.domain.i18n import font_for

    files = {Path(path) for code in CODES for path in font_for(code)}
    kivy = importlib.util.find_spec("kivy")
    if kivy is not None and kivy.submodule_search_locations:
        kivy_fonts = Path(next(iter(kivy.submodule_search_locations))) / "data" / "fonts"
        files |= {kivy_fonts / f"Roboto-{face}.ttf" for face in ("Regular", "Bold")}
    bad = [path for path in sorted(files) if not _is_font(path)]
    if bad:
        return fail(
            "fonts",
            f"{len(bad)} font file(s) missing or damaged: {bad[0]}",
            "Install the program again (tools/install.sh): its fonts ship with it.",
        )
    return ok("fonts", f"{len(files)} font files for all seven languages")


def _is_font(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(4) in FONT_MAGIC
    except OSError:
        return False


def check_audio(config: KioskConfig, dev: Path = Path("/dev")) -> Finding:
    player = config.idle.tone_player.split()[0] if config.idle.tone_player.strip() else ""
    if player and not shutil.which(player):
        return fail(
            "audio",
            f"The tone player {player!r} (idle.tone_player) is not installed.",
            f'Install it, or set tone_player = "" in {config.config_dir}/kiosk.toml '
            "to let the kiosk play the tone itself.",
        )
    outputs = sorted((dev / "snd").glob("pcmC*D*p"))
    if not outputs:
        return warn(
            "audio",
            "No sound output device (/dev/snd/pcm…p): the idle warning is "
            "silent and nothing is read aloud.",
            "Connect speakers or a screen with sound (HDMI), and check aplay -l.",
        )
    if not any(os.access(device, os.R_OK | os.W_OK) for device in outputs):
        return warn(
            "audio",
            f"{outputs[0]} exists but this user may not use it.",
            "Add the kiosk user to the group audio (usermod -aG audio torg-kiosk).",
        )
    if not shutil.which("espeak-ng"):
        return warn(
            "audio",
            "espeak-ng is not installed: the read-aloud button has no voice.",
            "apt-get install espeak-ng",
        )
    return ok("audio", f"sound output {outputs[0].name}")


def check_browser(policy: Path = BROWSER_POLICY) -> Finding:
    browser = next((name for name in BROWSERS if shutil.which(name)), None)
    if browser is None:
        return warn(
            "calls",
            "No browser for video calls (chromium): the call button cannot open a call.",
            "apt-get install chromium",
        )
    if not policy.is_file():
        return warn(
            "calls",
            f"{browser} is there, but {policy} is missing: the call would "
            "ask the visitor for camera and microphone permission.",
            "Run tools/install.sh --meeting-origin https://… (the call service).",
        )
    return ok("calls", f"{browser}, with the policy {policy}")


def check_data_folder(config: KioskConfig) -> Finding:
    from torg_kiosk.store.database import storage_problem

    folder = config.data_dir
    problem = storage_problem(folder / "kiosk.db")
    if problem is not None:
        return fail(
            "data",
            str(problem),
            "tools/install.sh makes /var/lib/torg-kiosk right for "
            "the kiosk user; another folder is data_dir in kiosk.toml.",
        )
    probe = folder if folder.exists() else folder.parent
    free = shutil.disk_usage(probe).free if probe.exists() else 0
    if probe.exists() and free < LOW_DISK_BYTES:
        return warn(
            "data",
            f"Only {free // 2**20} MB free on the disk of {folder}.",
            "Free some space: syncs and check-ins need room.",
        )
    return ok("data", f"{folder} can be written ({free // 2**20} MB free)")


def check_reachable(what: str, url: str, *, path: str = "", probe=None) -> Finding:
    """Any HTTP answer from ``url`` counts: the question is only whether it can be reached."""
    if not url:
        label = "the embedded demo feed" if what == "feed" else "uploads stay in the outbox"
        return ok(what, f"not configured: {label}")
    if not url.startswith(("http://", "https://")):
        local = Path(url.removeprefix("file://"))
        if local.is_file():
            return ok(what, f"the file {local}")
        return fail(what, f"{url} does not exist.", "Fix the url in kiosk.toml ([feed]).")
    target = url.rstrip("/") + path
    probe = probe or _http_probe
    problem = probe(target)
    if problem is None:
        return ok(what, f"{target} answers")
    return warn(
        what,
        problem,
        "The kiosk works offline on its stored data meanwhile. Check the "
        "network (ip route, ping the server) and the url in kiosk.toml ([feed]).",
    )


def _http_probe(url: str) -> str | None:
    from torg_kiosk.sync.http_client import HttpClient, HttpError, HttpLimits

    # A small cap: a feed that is too large to read whole here still answered.
    limits = HttpLimits(
        connect_timeout=3, read_timeout=5, deadline=8, retries=0, max_bytes=64 * 1024
    )
    with HttpClient(limits) as client:
        try:
            client.get(url, accept=range(200, 600))
        except HttpError as error:
            if error.code in ("too_large", "http_status"):
                return None
            return error.message
    return None


def check_clock(config: KioskConfig, now: Callable[[], datetime]) -> Finding:
    from torg_kiosk.store.clock_evidence import read_clock_evidence

    trust = assess_clock(now(), read_clock_evidence(config.data_dir))
    if not trust.trusted:
        return warn("clock", trust.reason, "Check-ins record the warning until it is right.")
    synced = _ntp_synchronized()
    if synced is False:
        return warn(
            "clock",
            "The clock is plausible, but NTP has not synchronized it.",
            "timedatectl set-ntp true; check that the network lets NTP through.",
        )
    return ok("clock", f"{now().astimezone(UTC):%Y-%m-%d %H:%M} UTC, plausible")


def _ntp_synchronized() -> bool | None:
    if not shutil.which("timedatectl"):
        return None
    try:
        answer = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=3,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = answer.stdout.strip()
    return {"yes": True, "no": False}.get(value) if answer.returncode == 0 else None


# -- running them -----------------------------------------------------------------------------


def run_checks(
    config_path: Path | None,
    *,
    site: str | None = None,
    data: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Finding]:
    try:
        config = load_kiosk_config(config_path)
        if site:
            config = replace(config, site=site)
        if data:
            config = replace(config, data_dir=data.absolute())
        torg = load_site(config.site, config.config_dir)
    except ConfigError as error:
        return [
            fail(
                "configuration",
                str(error),
                "Fix the file and line it names, then run "
                "torg-kiosk check again. The kiosk does not start until then (exit 2).",
            )
        ]
    return [
        ok("configuration", f"{config.config_dir / 'kiosk.toml'}: {torg.name} ({config.site})"),
        check_display(environ),
        check_fonts(),
        check_audio(config),
        check_browser(),
        check_data_folder(config),
        check_reachable("feed", config.feed.url),
        check_reachable("central", config.feed.central_url, path="/api/heartbeats"),
        check_clock(config, now),
    ]


def report(findings: list[Finding]) -> tuple[str, int]:
    lines = []
    for finding in findings:
        lines.append(f"{finding.level:<5} {finding.what}: {finding.text}")
        if finding.fix:
            lines.append(f"      fix: {finding.fix}")
    failures = sum(finding.level == FAIL for finding in findings)
    warnings = sum(finding.level == WARN for finding in findings)
    if failures:
        lines.append(f"The kiosk cannot run here: {failures} problem(s) to fix.")
        return "\n".join(lines), EXIT_CANNOT_RUN
    lines.append(f"The kiosk can run here ({warnings} warning(s)).")
    return "\n".join(lines), EXIT_CAN_RUN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="torg-kiosk check",
        description="Check the configuration and this machine; exit 0 if the kiosk can run.",
    )
    parser.add_argument("--config", type=Path, help="path to kiosk.toml")
    parser.add_argument("--site", help="check for this torg instead of kiosk.toml's")
    parser.add_argument("--data", type=Path, help="data folder (overrides data_dir)")
    args = parser.parse_args(argv)
    text, code = report(run_checks(args.config, site=args.site, data=args.data))
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
