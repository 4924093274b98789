"""Command-line arguments of ``torg-kiosk`` (no Kivy, so they are tested without a display)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from torg_kiosk.base.clock import ArgumentError, parse_now


@dataclass(frozen=True)
class KioskArgs:
    site: str | None
    windowed: bool
    size: tuple[int, int] | None
    now: datetime | None  # the pinned start of the clock, aware Europe/Oslo
    data: Path | None
    config: Path | None
    screenshot: Path | None = None


def parse_args(argv: list[str] | None = None) -> KioskArgs:
    """Parse ``argv``; raises :class:`ArgumentError` for a bad ``--size`` or ``--now``."""
    parser = argparse.ArgumentParser(
        prog="torg-kiosk",
        description="The lobby screen of an innbyggertorg.",
        epilog="torg-kiosk check [--config FILE] [--data DIR]: can this machine run the kiosk?",
    )
    parser.add_argument("--site", help="which torg to show (a file name in config/sites/)")
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window with a cursor (development)"
    )
    parser.add_argument("--size", help="window size WIDTHxHEIGHT, e.g. 1920x1080")
    parser.add_argument(
        "--now", help="start the clock at this local Oslo time, e.g. 2026-12-03T10:15"
    )
    parser.add_argument("--data", type=Path, help="data folder (overrides data_dir)")
    parser.add_argument("--config", type=Path, help="path to kiosk.toml")
    parser.add_argument(
        "--screenshot", type=Path, help="save a picture of the screen to this PNG and stop"
    )
    ns = parser.parse_args(argv)
    return KioskArgs(
        site=ns.site,
        windowed=ns.windowed,
        size=parse_size(ns.size) if ns.size else None,
        now=parse_now(ns.now) if ns.now else None,
        data=ns.data,
        config=ns.config,
        screenshot=ns.screenshot,
    )


def parse_size(value: str) -> tuple[int, int]:
    """``"1920x1080"`` → ``(1920, 1080)``."""
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise ArgumentError(
            f"--size {value!r} is not a size. Write it as WIDTHxHEIGHT, e.g. --size 1920x1080."
        ) from None
    if not (200 <= width <= 16384 and 200 <= height <= 16384):
        raise ArgumentError(f"--size {value!r} is out of range: use 200 to 16384 pixels a side.")
    return width, height
