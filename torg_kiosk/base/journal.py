"""Log lines for the journal: one line per event, starting with a stable event name.

``event(log, "heartbeat_sent", status=201, waiting=0)`` logs
``heartbeat_sent status=201 waiting=0``; a sentence for a person may follow after `` — ``.
Monitoring greps for the name (``journalctl -u kiosk | grep watchdog_frozen``), so a name,
once used, stays; docs/operations.md lists them. Records from code that does not use
:func:`event` (Kivy's, the store's sentences) become ``message logger=… level=… — text``.

Under systemd (``$JOURNAL_STREAM`` set) each line starts with its syslog priority
(``<3>`` error … ``<7>`` debug), which journald turns into the entry's priority. A
traceback stays on its line (`` | `` between its lines), so one event is one journal entry.

No personal data: fields are named, and a field whose name says it holds a person's data
(:data:`PERSONAL_FIELDS`) is written as ``[withheld]`` whatever it holds. Values go through
:func:`torg_kiosk.base.safe_text.for_log`: one line, safe, short.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Mapping

from torg_kiosk.base.safe_text import for_log

EVENT_NAME = re.compile(r"[a-z][a-z0-9_]{2,63}")
#: Field names that would carry a person's data: never written out.
PERSONAL_FIELDS = frozenset(
    {"name", "person", "email", "phone", "address", "display_name", "visitor", "free_text"}
)
_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def event(
    logger: logging.Logger, name: str, message: str = "", *, level: int = logging.INFO, **fields
) -> None:
    """Log the event ``name`` with ``fields`` (and a sentence ``message``) as one line."""
    if not EVENT_NAME.fullmatch(name):
        raise ValueError(f"event names are lower_snake_case words, not {name!r}")
    logger.log(level, "%s", format_event(name, fields, message), extra={"event": name})


def format_event(name: str, fields: Mapping[str, object], message: str = "") -> str:
    parts = [name]
    for key, value in fields.items():
        parts.append(f"{key}={'[withheld]' if key in PERSONAL_FIELDS else _value(value)}")
    line = " ".join(parts)
    return f"{line} — {for_log(message, 500)}" if message else line


def _value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = for_log(value if isinstance(value, str) else str(value))
    if not text or any(c.isspace() or c in '="' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class JournalFormatter(logging.Formatter):
    """One line per record; ``priority_prefix`` adds the ``<N>`` journald reads."""

    def __init__(self, *, priority_prefix: bool):
        super().__init__()
        self.priority_prefix = priority_prefix

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if getattr(record, "event", None) is None:
            level = record.levelname.lower()
            text = f"message logger={record.name} level={level} — {for_log(text, 2000)}"
        if record.exc_info:
            text += " | " + "".join(traceback.format_exception(*record.exc_info))
        text = " | ".join(line for line in text.splitlines() if line.strip())
        if self.priority_prefix:
            return f"<{_PRIORITY.get(record.levelno, 6)}>{text}"
        return text


_HANDLER_NAME = "torg-kiosk-journal"


def configure_journal(
    environ: Mapping[str, str] = os.environ, stream=None, level: int = logging.INFO
) -> logging.Handler:
    """Send every log record to stderr (the journal, under systemd), one line each."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JournalFormatter(priority_prefix="JOURNAL_STREAM" in environ))
    root.addHandler(handler)
    root.setLevel(level)
    return handler
