"""Run a generator on a helper thread, a few items ahead of its consumer.

The sync parses a feed (Python work) while SQLite writes the previous chunk (C work that
releases the GIL), so the two overlap on a two-core lobby machine.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def read_ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Yield what ``items`` yields, produced on a thread up to ``depth`` items ahead.

    An exception in the producer is raised in the consumer, at the point it happened. When the
    consumer stops early (an exception of its own), the producer is told to stop too.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        handoff.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put((_DONE, None))
        except BaseException as error:  # handed over to the consumer, which raises it
            handoff.put((_DONE, error))

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = handoff.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)
