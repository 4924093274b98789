"""``torg-sync``: sync now, sync forever, show the status, show what is on today.

A thin layer: each command loads the config, opens the store and calls one library function.
Every failure a person can fix is one clear line on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path

from torg_kiosk.base.clock import OSLO, ArgumentError, parse_now
from torg_kiosk.base.settings import (
    ConfigError,
    KioskConfig,
    SiteConfig,
    load_kiosk_config,
    load_site,
)
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.store.snapshots import StoreError, open_db
from torg_kiosk.sync.loop import SyncLoop
from torg_kiosk.sync.pipeline import sync_all
from torg_kiosk.sync.sources import sources_for

EXIT_OK = 0
EXIT_SOURCE_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """Something the person running the command can fix; printed as one line."""


def _parse_now(text: str | None) -> datetime:
    """``--now`` read as torg-kiosk reads it (local Oslo time), or the real time."""
    if not text:
        return datetime.now(OSLO)
    try:
        return parse_now(text)
    except ArgumentError as error:
        raise CliError(str(error)) from None


def _context(args) -> tuple[KioskConfig, SiteConfig, Path]:
    config = load_kiosk_config(Path(args.config) if args.config else None)
    # The site file comes from the folder kiosk.toml was read from, like the list of sites
    # the site was checked against.
    site = load_site(args.site or config.site, config.config_dir)
    data_dir = Path(args.data) if args.data else config.data_dir
    return config, site, data_dir / "kiosk.db"


def _open(db_path: Path):
    try:
        return open_db(db_path)
    except StoreError as error:
        raise CliError(str(error)) from None


def cmd_once(args) -> int:
    config, site, db_path = _context(args)
    db = _open(db_path)
    results = sync_all(
        db, sources_for(config, [site]), now=_parse_now(args.now), accept_shrink=args.accept_shrink
    )
    for result in results:
        print(result.line())
    return EXIT_OK if all(r.ok for r in results) else EXIT_SOURCE_FAILED


def cmd_loop(args) -> int:
    config, site, db_path = _context(args)
    db = _open(db_path)
    sources = sources_for(config, [site])
    loop = SyncLoop(
        lambda: sync_all(db, sources, now=datetime.now(OSLO)),
        interval_seconds=(args.interval or config.sync_interval_minutes) * 60,
        jitter_seconds=config.sync_jitter_seconds,
        rounds=args.rounds,
    )
    # systemd stops a service with SIGTERM: end the wait (or finish the sync under way), exit 0.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: loop.stop())
    loop.run(on_done=_print_results)
    return EXIT_OK


def _print_results(results: list) -> None:
    for result in results:
        print(result.line(), flush=True)


def _schedule(db_path: Path) -> Schedule:
    if not db_path.exists():
        raise CliError(f"No data yet at {db_path}: run 'torg-sync once' first.")
    return Schedule.open(db_path)


def cmd_status(args) -> int:
    _config, _site, db_path = _context(args)
    schedule = _schedule(db_path)
    now = _parse_now(args.now)
    freshness = schedule.freshness(now)
    if freshness.last_success is None:
        print("Last update: never")
    else:
        minutes = int(freshness.age.total_seconds() // 60)
        print(f"Last update: {freshness.last_success:%Y-%m-%d %H:%M} ({minutes} min ago)")
    for status in schedule.sync_status():
        when = f"{status.last_success:%Y-%m-%d %H:%M}" if status.last_success else "never"
        line = f"{status.source}: {status.activities} activities, last success {when}"
        if status.skipped:
            line += f", {status.skipped} skipped"
        if status.last_error:
            line += f" — ERROR: {status.last_error}"
        print(line)
    return EXIT_SOURCE_FAILED if freshness.failing else EXIT_OK


def cmd_today(args) -> int:
    _config, site, db_path = _context(args)
    schedule = _schedule(db_path)
    now = _parse_now(args.now)
    print(f"{site.name} — {now:%Y-%m-%d}")
    items = schedule.today(site.id, now)
    if not items:
        print("Nothing on today.")
    for item in items:
        title, _ = item.text("title", "nb")
        when = "hele dagen" if item.all_day else f"{item.start:%H:%M}–{item.end:%H:%M}"
        flag = "  AVLYST" if item.cancelled else ""
        room = f"  ({item.room})" if item.room else ""
        print(f"{when}  {title}{room}{flag}")
    return EXIT_OK


def _common_options(default: object) -> argparse.ArgumentParser:
    """``--config``, ``--site``, ``--data`` and ``-v``, for before and after the command."""
    options = argparse.ArgumentParser(add_help=False, argument_default=default)
    options.add_argument(
        "--config", help="path to kiosk.toml (default: $TORG_KIOSK_CONFIG/kiosk.toml, "
        "/etc/torg-kiosk/kiosk.toml, else the bundled one)"
    )  # fmt: skip
    options.add_argument("--site", help="torg id (default: the site in kiosk.toml)")
    options.add_argument("--data", help="data folder (default: data_dir in kiosk.toml)")
    options.add_argument("-v", "--verbose", action="store_true", help="log more than problems")
    return options


def build_parser() -> argparse.ArgumentParser:
    """``torg-sync [options] COMMAND [options]``: the common options go on either side.

    The copies after the command default to SUPPRESS, so a value given before the command is
    not overwritten by the subcommand's default; one given after it wins.
    """
    parser = argparse.ArgumentParser(
        prog="torg-sync",
        description="Sync the torg schedule into the local database.",
        parents=[_common_options(None)],
    )
    after = [_common_options(argparse.SUPPRESS)]
    commands = parser.add_subparsers(dest="command", required=True)
    once = commands.add_parser(
        "once", parents=after, help="sync now; exit 0 only if every source succeeded"
    )
    once.add_argument("--now", help="pretend it is this local time (2026-12-03T10:15)")
    once.add_argument(
        "--accept-shrink", action="store_true", help="take a feed even if it shrank or is empty"
    )
    once.set_defaults(handler=cmd_once)
    loop = commands.add_parser("loop", parents=after, help="sync every N minutes, with jitter")
    loop.add_argument("--interval", type=float, help="minutes (default: from kiosk.toml)")
    loop.add_argument("--rounds", type=int, default=0, help="stop after N rounds (0: never)")
    loop.set_defaults(handler=cmd_loop)
    status = commands.add_parser("status", parents=after, help="last update, data age, errors")
    status.add_argument("--now", help="pretend it is this local time")
    status.set_defaults(handler=cmd_status)
    today = commands.add_parser("today", parents=after, help="what is on today at the site")
    today.add_argument("--now", help="pretend it is this local time")
    today.set_defaults(handler=cmd_today)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        # Warnings (each skipped record with its reason, each refused feed) go to stderr, and so
        # to the journal under systemd.
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.handler(args)
    except (CliError, ConfigError) as error:
        print(f"torg-sync: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
