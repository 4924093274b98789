"""The note a sync leaves when the database itself kept it from recording its results.

A lock held too long, a full or a read-only disk: then the sync's failure cannot go into
``sync_status`` in kiosk.db, which is exactly what failed. So the sync writes it to a small
file beside it, ``sync-problem.json`` (``code``, ``message``, ``at``: UTC text), and removes
the file after a round that could record its results. ``torg-sync status`` and the screen
read it; neither needs it to be there: on a full or read-only disk the note itself may not
be written (then :func:`torg_kiosk.store.database.storage_problem` still sees the disk).
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from torg_kiosk.base.clock import parse_utc_text, utc_text

log = logging.getLogger(__name__)

NOTE_NAME = "sync-problem.json"


@dataclass(frozen=True)
class ProblemNote:
    code: str
    message: str
    at: datetime  # aware, UTC


def note_path(data_dir: Path) -> Path:
    return Path(data_dir) / NOTE_NAME


def write_note(data_dir: Path, *, code: str, message: str, now: datetime) -> bool:
    """Leave the note (replacing an older one whole); False when the disk would not take it."""
    path = note_path(data_dir)
    partial = path.with_name(f".{path.name}.partial")
    body = orjson.dumps({"code": code, "message": message, "at": utc_text(now)})
    try:
        partial.write_bytes(body)
        os.replace(partial, path)
    except OSError as error:
        log.debug("the sync's problem note could not be written: %s", error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return False
    return True


def clear_note(data_dir: Path) -> None:
    """The database took the round's results: the note no longer says anything true."""
    with contextlib.suppress(OSError):
        note_path(data_dir).unlink(missing_ok=True)


def read_note(data_dir: Path) -> ProblemNote | None:
    """The note, or None when there is none (or it cannot be read: it is only a note)."""
    try:
        found = orjson.loads(note_path(data_dir).read_bytes())
        return ProblemNote(str(found["code"]), str(found["message"]), parse_utc_text(found["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
