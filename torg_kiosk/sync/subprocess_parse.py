"""Parse a big feed in a second process while this one writes to SQLite.

A lobby machine has two cores. Parsing and validating a feed is Python work that holds the
GIL, and so is most of writing the rows; in one process they take turns. A child process
parses and turns the records into plain row tuples, this process only inserts them, and the
two run side by side. Small feeds (the normal case) are parsed in-process: starting a child
costs more than it saves.

What the parser logs in the child (a skipped record, a cleaned text) comes over the pipe as
log records and is logged here under its own logger name and level, so it reaches this
process's handlers (the journal, ``torg-sync``'s stderr format, pytest's caplog) as if the
parse had run here.
"""

from __future__ import annotations

import logging
import multiprocessing
import traceback
from collections.abc import Iterator
from datetime import datetime

from torg_kiosk.store.records import FeedRefused, Window
from torg_kiosk.store.rows import RowChunk, rows_of

#: Feeds at least this big are parsed in a child process.
PARALLEL_THRESHOLD_BYTES = 8 * 1024 * 1024

#: The last parser child's own peak memory in MB (for benchmarks and the log).
last_child_peak_mb: float | None = None

# "spawn", not "fork": the kiosk process runs Kivy (GL) and threads, which must not be forked.
log = logging.getLogger(__name__)

_context = multiprocessing.get_context("spawn")


def feed_rows_in_child(
    source: str, body: bytes, *, window: Window, now: datetime, accept_demo_keys: bool = False
) -> Iterator[RowChunk]:
    """The feed's records as row chunks, parsed in a child process.

    A :class:`FeedRefused` in the child is raised here, as if the parse were local. If this
    generator is closed early (the consumer failed), the child is stopped.
    """
    here, there = _context.Pipe(duplex=True)
    log_level = logging.getLogger("torg_kiosk").getEffectiveLevel()
    child = _context.Process(
        target=_parse_in_child,
        args=(there, source, window, now, accept_demo_keys, log_level),
        name="feed-parser",
        daemon=True,
    )
    child.start()
    there.close()
    try:
        here.send_bytes(body)
        del body  # the child has its own copy now; ours can go (it may be tens of MB)
        while True:
            kind, payload = here.recv()
            if kind == "rows":
                yield payload
            elif kind == "log":
                _log_here(payload)
            elif kind == "refused":
                raise FeedRefused(*payload)
            elif kind == "error":
                raise RuntimeError(f"the feed parser process failed:\n{payload}")
            else:
                global last_child_peak_mb
                last_child_peak_mb = payload
                log.info("feed parser process: peak memory %.0f MB", payload)
                return
    except EOFError:
        raise RuntimeError("the feed parser process ended without an answer") from None
    finally:
        here.close()
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)


def _log_here(fields: dict) -> None:
    """Log a record the child sent, through the logger of the same name in this process."""
    record = logging.makeLogRecord(fields)
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


class _PipeHandler(logging.Handler):
    """Sends each log record to the parent, formatted into plain picklable fields."""

    def __init__(self, pipe) -> None:
        super().__init__()
        self._pipe = pipe

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = dict(record.__dict__)
            fields["msg"], fields["args"] = record.getMessage(), None
            if record.exc_info:  # a traceback object does not pickle: send its text
                fields["exc_text"] = logging.Formatter().formatException(record.exc_info)
            fields["exc_info"] = None
            self._pipe.send(("log", fields))
        except (BrokenPipeError, EOFError):
            pass  # the parent stopped listening
        except Exception:
            self.handleError(record)


def _send_logs_to_parent(pipe, level: int) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_PipeHandler(pipe))
    root.setLevel(level)


def _parse_in_child(
    pipe, source: str, window: Window, now: datetime, accept_demo_keys: bool, log_level: int
) -> None:
    _send_logs_to_parent(pipe, log_level)
    from torg_kiosk.sync.formats.feed_v1 import iter_feed

    try:
        body = pipe.recv_bytes()
        for chunk in iter_feed(body, window=window, now=now, accept_demo_keys=accept_demo_keys):
            pipe.send(("rows", rows_of(source, chunk)))
        pipe.send(("done", _peak_rss_mb()))
    except FeedRefused as refused:
        pipe.send(("refused", (refused.code, refused.message)))
    except (BrokenPipeError, EOFError):
        pass  # the parent stopped listening: nothing to report to
    except Exception:
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _peak_rss_mb() -> float | None:
    """This process's own peak resident memory (VmHWM; Linux only)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
