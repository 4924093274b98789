"""The uploader: sends what waits in the outbox to the central side, as docs/uploads.md says.

One round (:meth:`Uploader.run_once`) sends the due records oldest first, one request each,
the body the same on every attempt (``nonce`` plus the stored payload), so the central side
keeps one record per nonce however often a record is sent. Then, per answer:

- ``200``/``201``: the central side has it; only now is the record marked sent;
- no answer, ``5xx``, ``408``, ``429``, a redirect: tried again later, with a backoff of 30 s
  doubling to one hour, ±20 % jitter (eight torg coming back online do not arrive at once);
  a ``Retry-After`` longer than that wins. A record that fails this way ends the round: the
  next would fare no better;
- any other ``4xx``: logged and dropped with the reason kept in the outbox for staff and
  maintainers; the round goes on.

A record is never deleted here: sent and dropped records stay (pruning sent ones is
:meth:`~torg_kiosk.store.outbox.Outbox.prune_sent`, after days). Runs on the uploader's own
thread (:class:`UploadLoop`), never on the UI thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from torg_kiosk.base.safe_text import for_log
from torg_kiosk.store.outbox import Outbox, OutboxRecord
from torg_kiosk.sync.http_client import HttpClient, HttpError, HttpLimits

log = logging.getLogger(__name__)

#: Outbox kind → the path under ``<central_url>/api/``.
UPLOAD_PATHS = {
    "checkin": "checkins",
    "signup": "signups",
    "ticket_key": "ticket-keys",
    "call_request": "calls",
    "heartbeat": "heartbeats",
}
FIRST_BACKOFF = timedelta(seconds=30)
LONGEST_BACKOFF = timedelta(hours=1)
JITTER = 0.2
#: One request: short, so a dead network ends the round quickly; the outbox retries, not it.
UPLOAD_LIMITS = HttpLimits(connect_timeout=5, read_timeout=10, deadline=20, retries=0,
                           max_bytes=64 * 1024)  # fmt: skip
#: Sent records are kept this long (for "already checked in" and the attendance view).
KEEP_SENT = timedelta(days=14)


@dataclass(frozen=True)
class UploadRound:
    sent: int = 0
    dropped: int = 0
    failed: int = 0
    #: The retryable failure that ended the round, as a sentence, or "".
    problem: str = ""


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failure (1 = the first): 30 s doubling to 1 h, ±20 %."""
    base = min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), LONGEST_BACKOFF)
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return base * factor


def upload_body(record: OutboxRecord) -> dict:
    """What is sent for ``record``: the same bytes on every attempt."""
    return {"nonce": record.nonce, **record.payload}


class Uploader:
    """Empties ``outbox`` into ``<central_url>/api/<kind>`` with ``client``."""

    def __init__(
        self,
        outbox: Outbox,
        central_url: str,
        *,
        client: HttpClient | None = None,
        now: Callable[[], datetime],
        rng: random.Random | None = None,
    ):
        self.outbox = outbox
        self.base = central_url.rstrip("/")
        self.client = client or HttpClient(
            UPLOAD_LIMITS,
            server="central server",
            meanwhile="The record stays in the outbox and is sent again later.",
        )
        self.now = now
        self.rng = rng or random.Random()

    def run_once(self, limit: int = 200) -> UploadRound:
        """Send the due records (at most ``limit``) until one fails in a way worth retrying."""
        sent = dropped = 0
        for record in self.outbox.due(self.now(), limit):
            path = UPLOAD_PATHS.get(record.kind)
            if path is None:
                self.outbox.drop(record.nonce, f"no upload path for kind {record.kind!r}",
                                 now=self.now())  # fmt: skip
                dropped += 1
                continue
            try:
                self.client.post_json(f"{self.base}/api/{path}", upload_body(record))
            except HttpError as error:
                if error.retryable:
                    self._retry_later(record, error)
                    return UploadRound(sent, dropped, 1, error.message)
                self.outbox.drop(record.nonce, _drop_reason(error), now=self.now())
                dropped += 1
                continue
            self.outbox.mark_sent(record.nonce, now=self.now())
            sent += 1
        if sent:
            self.outbox.prune_sent(sent_before=self.now() - KEEP_SENT)
        return UploadRound(sent, dropped, 0, "")

    def _retry_later(self, record: OutboxRecord, error: HttpError) -> None:
        wait = backoff(record.attempts + 1, self.rng)
        if error.retry_after is not None:
            wait = max(wait, min(timedelta(seconds=error.retry_after), LONGEST_BACKOFF))
        now = self.now()
        self.outbox.mark_failed(record.nonce, now=now, error=error.message, retry_at=now + wait)
        log.info("upload: %s %s failed (%s), again in %d s", record.kind, record.nonce,
                 error.code, wait.total_seconds())  # fmt: skip


def _drop_reason(error: HttpError) -> str:
    """One line: the status, the server's code and sentence (docs/uploads.md, *Errors*)."""
    code, sentence = "", error.message
    if error.answer is not None and error.answer.body:
        try:
            answer = orjson.loads(bytes(error.answer.body))
            code = str(answer.get("code", ""))
            sentence = str(answer.get("error", sentence))
        except (orjson.JSONDecodeError, AttributeError):
            pass
    status = error.status if error.status is not None else error.code
    return for_log(f"HTTP {status} {code}: {sentence}".replace("  ", " "))


class UploadLoop:
    """Runs :meth:`Uploader.run_once` on its own thread every ``interval`` seconds, and at once
    when :meth:`poke` is called (after a check-in). ``on_round`` gets each round's result."""

    def __init__(self, uploader: Uploader, *, interval: float = 15.0,
                 on_round: Callable[[UploadRound], None] = lambda _r: None):  # fmt: skip
        self.uploader = uploader
        self.interval = interval
        self.on_round = on_round
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> UploadLoop:
        self._thread = threading.Thread(target=self._run, name="uploader", daemon=True)
        self._thread.start()
        return self

    def poke(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.on_round(self.uploader.run_once())
            except Exception:  # one bad round must not end the uploads for good
                log.exception("upload round failed")
            self._wake.wait(self.interval)
            self._wake.clear()
