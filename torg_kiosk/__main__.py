"""``torg-kiosk``: start the lobby screen.

Configuration is read and checked before Kivy is imported, so a mistake ends with one clear
line on stderr and exit code 2 instead of a window or a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

from torg_kiosk.base.clock import ArgumentError
from torg_kiosk.base.journal import configure_journal, event
from torg_kiosk.base.settings import ConfigError
from torg_kiosk.base.version import kiosk_version
from torg_kiosk.kiosk_args import parse_args
from torg_kiosk.services import build_app, build_services, calls_config, kiosk_config
from torg_kiosk.store.database import storage_problem

EXIT_BAD_CONFIG = 2
log = logging.getLogger("torg_kiosk")


def kivy_home(data_dir: Path) -> str:
    """``<data_dir>/kivy-home``, or a fresh temporary folder when the data folder cannot
    hold it (read-only, full, not ours): the screen starts whatever the disk does, and says
    so in one line on stderr (the journal)."""
    home = data_dir / "kivy-home"
    # A full disk still lets a folder or an empty file be made: ask the disk itself first.
    problem = storage_problem(home / "config.ini")
    if problem is None:
        try:
            home.mkdir(parents=True, exist_ok=True)
            return str(home)
        except OSError as error:
            problem = error.strerror or str(error)
    fallback = tempfile.mkdtemp(prefix="torg-kiosk-kivy-home-")
    print(
        f"torg-kiosk: Kivy keeps its settings and logs in {fallback} for now, not in {home}: "
        f"{problem}",
        file=sys.stderr,
        flush=True,
    )
    return fallback


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"]:
        from torg_kiosk.check import main as check

        return check(argv[1:])
    try:
        args = parse_args(argv)
        kiosk, site = kiosk_config(args)
        calls = calls_config(kiosk)
    except (ArgumentError, ConfigError) as error:
        print(f"torg-kiosk: {error}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    if "JOURNAL_STREAM" in os.environ:
        # Under systemd: every record, Kivy's too, one line each with its priority.
        os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
        configure_journal()
    event(log, "kiosk_start", version=kiosk_version(), site=kiosk.site,
          video=os.environ.get("SDL_VIDEODRIVER", "default"))  # fmt: skip

    # Kivy reads these when it is first imported: a private home (its config.ini and logs
    # stay with the kiosk's data) and no parsing of our own command line.
    if "KIVY_HOME" not in os.environ:
        os.environ["KIVY_HOME"] = kivy_home(kiosk.data_dir)
    os.environ["KIVY_NO_ARGS"] = "1"
    from torg_kiosk.ui.bootstrap import configure_kivy

    configure_kivy(windowed=args.windowed, size=args.size)
    services = build_services(kiosk, site, now=args.now, calls=calls)
    app = build_app(services, windowed=args.windowed)
    if args.screenshot:
        from torg_kiosk.ui.snapshot import screenshot_when_ready

        screenshot_when_ready(app, args.screenshot.absolute())
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
