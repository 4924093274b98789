"""``torg-kiosk``: start the lobby screen.

Configuration is read and checked before Kivy is imported, so a mistake ends with one clear
line on stderr and exit code 2 instead of a window or a traceback.
"""

from __future__ import annotations

import os
import sys

from torg_kiosk.base.clock import ArgumentError
from torg_kiosk.base.settings import ConfigError
from torg_kiosk.kiosk_args import parse_args
from torg_kiosk.services import build_app, build_services, kiosk_config

EXIT_BAD_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        kiosk, site = kiosk_config(args)
    except (ArgumentError, ConfigError) as error:
        print(f"torg-kiosk: {error}", file=sys.stderr)
        return EXIT_BAD_CONFIG

    # Kivy reads these when it is first imported: a private home (its config.ini and logs
    # stay with the kiosk's data) and no parsing of our own command line.
    os.environ.setdefault("KIVY_HOME", str(kiosk.data_dir / "kivy-home"))
    try:
        os.makedirs(os.environ["KIVY_HOME"], exist_ok=True)
    except OSError as error:
        print(
            f"torg-kiosk: cannot create the folder {os.environ['KIVY_HOME']}: {error}. "
            "Check data_dir in kiosk.toml (or --data) and the kiosk user's permissions.",
            file=sys.stderr,
        )
        return EXIT_BAD_CONFIG
    os.environ["KIVY_NO_ARGS"] = "1"
    from torg_kiosk.ui.bootstrap import configure_kivy

    configure_kivy(windowed=args.windowed, size=args.size)
    app = build_app(build_services(kiosk, site, now=args.now), windowed=args.windowed)
    if args.screenshot:
        from torg_kiosk.ui.snapshot import screenshot_when_ready

        screenshot_when_ready(app, args.screenshot.absolute())
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
