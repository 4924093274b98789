"""What one torg-central server is configured with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

#: The largest upload body accepted. A check-in or call request is a few hundred bytes and a
#: heartbeat a few KiB; anything near this limit is a bug on the kiosk, not data to keep.
MAX_UPLOAD_BYTES = 64 * 1024

NOT_PRODUCTION = (
    "torg-central reference server: NOT FOR PRODUCTION. It has no authentication, no TLS and "
    "no rate limits; see docs/uploads.md for what a production central side needs."
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CentralConfig:
    """Where the feed, the calendars and the uploads database are, and the upload limit.

    ``now`` gives the time stamped on each upload as it arrives; tests pin it.
    """

    feed_path: Path
    db_path: Path
    calendars_dir: Path | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    now: Callable[[], datetime] = field(default=_utc_now, compare=False)

    def __post_init__(self) -> None:
        # Accept str paths from callers and the command line alike.
        object.__setattr__(self, "feed_path", Path(self.feed_path))
        object.__setattr__(self, "db_path", Path(self.db_path))
        if self.calendars_dir is not None:
            object.__setattr__(self, "calendars_dir", Path(self.calendars_dir))
