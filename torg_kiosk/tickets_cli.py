"""torg-tickets: make signing keys and signed ticket QR codes (central tooling, tests, demos).

    torg-tickets pin-hash            # reads the PIN from standard input
    torg-tickets keygen KEYFILE [--prefix central]
    torg-tickets issue --demo --activity tofte-seniortrim --site tofte --date 2026-12-03
    torg-tickets issue --key KEYFILE --activity … --site … --date … [--from 09:45]
                       [--until 11:15] [--ticket T-3F9A01C2] [--png ticket.png]

``keygen`` prints the feed's ``ticket_keys`` entry for the new key; ``issue`` prints the
token (and writes the QR code as a PNG with ``--png``). The format is docs/tickets.md.
"""

from __future__ import annotations

import argparse
import getpass
import json
import struct
import sys
import zlib
from datetime import date, datetime, time
from pathlib import Path

from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.qr import qr_matrix
from torg_kiosk.domain.signing_keys import KeyFileError, read_key, write_new_key
from torg_kiosk.domain.staff import hash_pin
from torg_kiosk.domain.tickets import (
    TicketRangeError,
    demo_signing_key,
    issue_ticket,
    ticket_number,
)


def _clock_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time; write it as 09:45") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it 2026-12-03") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="torg-tickets", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pin-hash", help="print staff.pin_hash for a PIN read from stdin")
    keygen = commands.add_parser("keygen", help="write a new private key (mode 0600)")
    keygen.add_argument("keyfile", type=Path)
    keygen.add_argument("--prefix", default="central", help="the key id's first word")
    issue = commands.add_parser("issue", help="print a signed ticket token")
    which = issue.add_mutually_exclusive_group(required=True)
    which.add_argument("--key", type=Path, help="the private key file (from keygen)")
    which.add_argument("--demo", action="store_true", help="the demo key (demo feed only)")
    issue.add_argument("--prefix", default="central", help="the key id's first word")
    issue.add_argument("--activity", required=True, help="the activity id in the feed")
    issue.add_argument("--site", required=True, help="the torg's id, e.g. tofte")
    issue.add_argument("--date", required=True, type=_day, help="the occurrence's local date")
    issue.add_argument("--from", dest="valid_from", type=_clock_time, help="local time")
    issue.add_argument("--until", dest="valid_until", type=_clock_time, help="local time")
    issue.add_argument("--ticket", help="the ticket id, T- and 8 hex digits (default: random)")
    issue.add_argument("--png", type=Path, help="also write the QR code to this PNG file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "pin-hash":
            return _print_pin_hash()
        if args.command == "keygen":
            key = write_new_key(args.keyfile, args.prefix)
            entry = {"kid": key.kid, "algorithm": "Ed25519", "public_key": key.public_key_text}
            print(json.dumps(entry))
            return 0
        key = demo_signing_key() if args.demo else read_key(args.key, args.prefix)
        token = issue_ticket(
            key,
            activity_id=args.activity,
            site=args.site,
            day=args.date,
            valid_from=_on(args.date, args.valid_from),
            valid_until=_on(args.date, args.valid_until),
            number=ticket_number(args.ticket) if args.ticket else None,
        )
    except (KeyFileError, TicketRangeError, ValueError) as error:
        print(f"torg-tickets: {error}", file=sys.stderr)
        return 2
    print(token)
    if args.png:
        write_png(token, args.png)
    return 0


def _print_pin_hash() -> int:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN (4 to 12 digits): ")
    else:
        pin = sys.stdin.readline().strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        print("torg-tickets: a staff PIN is 4 to 12 digits.", file=sys.stderr)
        return 2
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0


def _on(day: date, moment: time | None) -> datetime | None:
    return datetime.combine(day, moment, OSLO) if moment else None


def write_png(token: str, path: Path, box_size: int = 8) -> None:
    """The token as a QR code (error correction M, alphanumeric mode) in a greyscale PNG."""
    matrix = qr_matrix(token)
    rows = []
    for row in matrix:
        line = b"".join((b"\x00" if dark else b"\xff") * box_size for dark in row)
        rows += [b"\x00" + line] * box_size  # filter byte 0: none
    side = len(matrix) * box_size
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


if __name__ == "__main__":
    raise SystemExit(main())
