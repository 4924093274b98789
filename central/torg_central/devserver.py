"""The command line of the reference central server. NOT for production.

    python -m torg_central.devserver --feed PATH --db PATH [--calendars DIR]
                                     [--host 127.0.0.1] [--port 8765]

``python -m torg_central`` is the same. It serves the feed at ``/feed.json``, calendars at
``/calendars/<name>.ics`` and takes uploads at ``/api/checkins``, ``/api/calls`` and
``/api/heartbeats`` (docs/uploads.md), keeping them in the SQLite file ``--db``. Ctrl-C or
SIGTERM stops it. From Python, :func:`serve` runs the same server in a background thread.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
from pathlib import Path

from torg_central.config import NOT_PRODUCTION, CentralConfig
from torg_central.server import DevServer, make_dev_server, serve

__all__ = ["DevServer", "main", "serve"]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    feed = Path(args.feed)
    if not feed.is_file():
        print(f"devserver: there is no feed file at {feed}; pass --feed PATH.", file=sys.stderr)
        return 2
    config = CentralConfig(feed_path=feed, db_path=Path(args.db), calendars_dir=args.calendars)
    try:
        server = make_dev_server(config, host=args.host, port=args.port)
    except OSError as error:
        print(f"devserver: cannot listen on {args.host}:{args.port}: {error}.", file=sys.stderr)
        return 2
    # Before the banner: whoever reads the banner may stop the server at once.
    signal.signal(signal.SIGTERM, _stop)
    print(NOT_PRODUCTION, flush=True)
    if not _is_loopback(args.host):
        print(
            f"WARNING: listening on {args.host}: anyone who can reach this machine can read "
            "the uploads and send new ones.",
            flush=True,
        )
    print(
        f"Serving {feed} at {server.url}/feed.json, uploads at {server.url}/api/<kind>, "
        f"kept in {config.db_path} (Ctrl-C stops).",
        flush=True,
    )
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.shutdown()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m torg_central.devserver",
        description="Reference central server for development, demos and tests (NOT production).",
    )
    parser.add_argument("--feed", required=True, help="feed v1 JSON file served at /feed.json")
    parser.add_argument("--db", required=True, help="SQLite file that keeps the uploads")
    parser.add_argument("--calendars", help="folder of .ics files served at /calendars/")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port (8765)")
    return parser


def _stop(signum, frame) -> None:
    raise SystemExit(0)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
