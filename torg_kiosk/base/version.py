"""The installed program's version, for the heartbeat and the log."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def kiosk_version() -> str:
    """``0.1.0`` as installed (pip), or ``unknown`` when run from a tree pip never saw."""
    try:
        return metadata.version("torg-kiosk")
    except metadata.PackageNotFoundError:
        return "unknown"
