"""The Chromium policy that lets the meeting use the camera and microphone, without a prompt,
on the meeting's origin only.

``VideoCaptureAllowedUrls`` and ``AudioCaptureAllowedUrls`` list URL patterns whose pages get
the camera and microphone without asking; every other page still asks (and on a kiosk nobody
answers). Debian's ``chromium`` reads managed policies from ``/etc/chromium/policies/managed``
(root-owned, so the install writes it)::

    python -m torg_kiosk.calls.policy                 # from the configured provider
    python -m torg_kiosk.calls.policy --dir DIR --origin https://meet.example.no --print
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

POLICY_FILE = "torg-kiosk-calls.json"


def capture_policy(origins: Iterable[str]) -> dict[str, list[str]]:
    allowed = sorted(set(origins))
    return {"VideoCaptureAllowedUrls": allowed, "AudioCaptureAllowedUrls": allowed}


def write_capture_policy(origins: Iterable[str], directory: Path, name: str = POLICY_FILE) -> Path:
    """Write the policy file (readable by all, as Chromium runs as the kiosk's user); the file
    is replaced in one rename, so Chromium never reads half of it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(capture_policy(origins), indent=2) + "\n", encoding="utf-8")
    os.chmod(temporary, 0o644)
    temporary.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m torg_kiosk.calls.policy",
        description="Write the Chromium policy granting camera and microphone to the meeting.",
    )
    parser.add_argument("--config-dir", type=Path, help="folder with calls.toml")
    parser.add_argument("--origin", action="append", help="an origin (instead of the config's)")
    parser.add_argument("--dir", type=Path, help="policy folder (default: from calls.toml)")
    parser.add_argument("--print", action="store_true", help="print the policy, write nothing")
    args = parser.parse_args(argv)

    from torg_kiosk.base.settings import ConfigError, config_dir
    from torg_kiosk.calls.config import load_calls_config

    try:
        config = load_calls_config(args.config_dir or config_dir())
    except ConfigError as error:
        print(f"torg_kiosk.calls.policy: {error}", file=sys.stderr)
        return 2
    origins = args.origin or list(config.provider.origins())
    if args.print:
        print(json.dumps(capture_policy(origins), indent=2))
        return 0
    directory = args.dir or config.browser.policy_dir
    try:
        path = write_capture_policy(origins, directory)
    except OSError as error:
        print(
            f"torg_kiosk.calls.policy: cannot write the policy into {directory} "
            f"({error.strerror}); run it as root, as the install does.",
            file=sys.stderr,
        )
        return 1
    print(f"Wrote {path}: camera and microphone for {', '.join(sorted(set(origins)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
