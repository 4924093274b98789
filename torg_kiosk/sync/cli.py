"""``torg-sync``: sync now, sync forever, show the status, show what is on today.

A thin layer: each command loads the config, opens the store and calls one library function.
Every failure a person can fix is one clear line and a non-zero exit, never a traceback:
exit 2 for a mistake in the command or the configuration; exit 1 when a source failed or
the data folder is in trouble (locked, read-only, full, a damaged file), with one line per
source for ``once`` and ``loop``.
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
from torg_kiosk.store.database import StoreError, storage_problem
from torg_kiosk.store.problem_note import read_note
from torg_kiosk.store.schedule import Schedule, ScheduleNotReady
from torg_kiosk.sync.loop import SyncLoop
from torg_kiosk.sync.runner import ScheduleSync
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


def _schedule_sync(args, *, accept_shrink: bool = False) -> ScheduleSync:
    config, site, db_path = _context(args)
    return ScheduleSync(
        db_path,
        sources_for(config, [site]),
        clock=lambda: _parse_now(getattr(args, "now", None)),
        busy_timeout=config.busy_timeout_seconds,
        accept_shrink=accept_shrink,
    )


def cmd_once(args) -> int:
    _parse_now(args.now)  # a bad --now is a usage error before anything is opened
    sync = _schedule_sync(args, accept_shrink=args.accept_shrink)
    try:
        results = sync()
    finally:
        sync.close()
    for result in results:
        print(result.line())
    return EXIT_OK if all(r.ok for r in results) else EXIT_SOURCE_FAILED


def cmd_loop(args) -> int:
    config, _site, _db_path = _context(args)
    sync = _schedule_sync(args)
    loop = SyncLoop(
        sync,
        interval_seconds=(args.interval or config.sync_interval_minutes) * 60,
        jitter_seconds=config.sync_jitter_seconds,
        rounds=args.rounds,
        log_results=False,  # printed by _print_results
    )
    # systemd stops a service with SIGTERM: end the wait (or finish the sync under way), exit 0.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: loop.stop())
    try:
        loop.run(on_done=_print_results)
    finally:
        sync.close()
    return EXIT_OK


def _print_results(results: list) -> None:
    for result in results:
        print(result.line(), flush=True)


def _schedule(db_path: Path) -> Schedule:
    """The read side, or a CliError / StoreError saying in one line why there is none."""
    if not db_path.exists():
        raise CliError(f"No data yet at {db_path}: run 'torg-sync once' first.")
    try:
        return Schedule.open(db_path)
    except ScheduleNotReady:
        raise CliError(
            f"{db_path} holds no schedule yet: run 'torg-sync once' (or wait for the kiosk's "
            "first sync)."
        ) from None


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
    statuses = schedule.sync_status()
    for status in statuses:
        when = f"{status.last_success:%Y-%m-%d %H:%M}" if status.last_success else "never"
        line = f"{status.source}: {status.activities} activities, last success {when}"
        if status.skipped:
            line += f", {status.skipped} skipped"
        if status.last_error:
            line += f" — ERROR: {status.last_error}"
        print(line)
    trouble = bool(freshness.failing)
    # What the database itself could not record: the sync's note, and the disk as it is now.
    attempts = [status.last_attempt for status in statuses if status.last_attempt]
    note = read_note(db_path.parent)
    if note is not None and (not attempts or note.at >= max(attempts)):
        print(f"Last sync at {note.at.astimezone(OSLO):%Y-%m-%d %H:%M}: FAILED — {note.message}")
        trouble = True
    problem = storage_problem(db_path)
    if problem is not None:
        print(f"Storage: {problem}")
        trouble = True
    return EXIT_SOURCE_FAILED if trouble else EXIT_OK


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
    except StoreError as error:  # the data folder or the file in it, not the command
        print(f"torg-sync: {error}", file=sys.stderr)
        return EXIT_SOURCE_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
