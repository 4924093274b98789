"""One sync of one source: fetch → parse → guard → store. And a run over many sources.

Every failure is contained: a source that fails keeps its last good snapshot, records why in
its status row, and never stops the other sources. A failure of the database itself (a lock
held too long, a full or read-only disk) is one failed result per source with the store's
code and sentence: the other sources would meet the same wall, so they are not tried.

When the day moves on while a source is unreachable, its stored bytes are expanded again for
the new window, so the screen keeps showing the right day with no network at all.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests
import sqlite_utils

from torg_kiosk.base.settings import demo_feed_path
from torg_kiosk.store import snapshots as store
from torg_kiosk.store.codes import DATABASE_BUSY
from torg_kiosk.store.database import ScheduleNeedsRebuild, StoreError
from torg_kiosk.store.records import FeedRefused, Occurrence, ParsedSource, Window
from torg_kiosk.store.rows import RowChunk, decode_document
from torg_kiosk.sync.fetch import FetchError, FetchLimits, fetch
from torg_kiosk.sync.formats.feed_v1 import (
    activity_from_record,
    iter_feed,
    occurrences_of,
    parse_feed,
)
from torg_kiosk.sync.readahead import read_ahead
from torg_kiosk.sync.recurrence import ExpansionBudget, RecurrenceError
from torg_kiosk.sync.subprocess_parse import PARALLEL_THRESHOLD_BYTES, feed_rows_in_child

log = logging.getLogger(__name__)

#: A new snapshot with fewer than this share of the last good one's activities is refused.
MIN_KEEP_RATIO = 0.5
#: … but only once the last good one was at least this big (small calendars vary a lot).
SHRINK_GUARD_FLOOR = 10


@dataclass(frozen=True)
class Source:
    """A place schedules come from: the central feed, or a torg's own calendar."""

    id: str
    kind: str  # "feed" (JSON v1) or "ical"
    location: str  # http(s) URL, file:// URL or local path
    site: str | None = None  # for ical: the torg its events belong to
    default_category: str = "other"

    @property
    def meta(self) -> store.SourceMeta:
        return store.SourceMeta(self.id, self.kind, self.location)

    @property
    def is_bundled_demo(self) -> bool:
        """The demo feed shipped with the program: the one source whose demo ticket keys count.

        Known by its path, not by its id: a copy of the demo feed anywhere else (a file, the
        reference server) brings its activities but not its publicly signable key.
        """
        if self.kind != "feed" or "://" in self.location:
            return False
        return Path(self.location).resolve() == demo_feed_path().resolve()


@dataclass(frozen=True)
class SourceResult:
    source: str
    outcome: str  # "updated" | "unchanged" | "failed" | "refused"
    activities: int = 0
    occurrences: int = 0
    skipped: int = 0
    message: str = ""
    #: Why it failed, for a program: a fetch's, a parser's or the store's code.
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("updated", "unchanged")

    @property
    def retry_soon(self) -> bool:
        """Worth trying again before the next interval: the database was only locked."""
        return self.code == DATABASE_BUSY

    def line(self) -> str:
        """One line for a person reading the terminal or the journal."""
        if self.outcome == "updated":
            text = (
                f"{self.source}: updated — {self.activities} activities, "
                f"{self.occurrences} occurrences in the window"
            )
            return text + (f", {self.skipped} records skipped" if self.skipped else "")
        if self.outcome == "unchanged":
            return f"{self.source}: unchanged — {self.message or 'the feed has not changed'}"
        return f"{self.source}: {self.outcome.upper()} — {self.message}"


def parse_source(source: Source, body: bytes, *, window: Window, now: datetime) -> ParsedSource:
    """Parse a source whole, in this process (tests, re-expansion of a stored calendar)."""
    if source.kind == "feed":
        return parse_feed(body, window=window, now=now, accept_demo_keys=source.is_bundled_demo)
    if source.kind == "ical":
        # Imported here: icalendar and its friends cost ~15 MB a process that has no calendar.
        from torg_kiosk.sync.formats.ical import parse_ical

        return parse_ical(
            body,
            site=source.site or "",
            window=window,
            default_category=source.default_category,
            source_label=source.id,
        )
    raise FeedRefused("unknown_kind", f"Unknown source kind {source.kind!r}.")


def parse_chunks(
    source: Source, body: bytes, *, window: Window, now: datetime
) -> Iterator[ParsedSource | RowChunk]:
    """The source's records in chunks for the store: a big feed streams from a child process,
    a feed from a helper thread, a calendar comes whole."""
    if source.kind == "feed":
        demo_keys = source.is_bundled_demo
        if len(body) >= PARALLEL_THRESHOLD_BYTES:
            rows = feed_rows_in_child(
                source.id, body, window=window, now=now, accept_demo_keys=demo_keys
            )
            # read_ahead keeps the pipe drained, so the child never waits for the inserts.
            return read_ahead(rows, 8)
        return read_ahead(iter_feed(body, window=window, now=now, accept_demo_keys=demo_keys))
    return _parsed_when_read(source, body, window=window, now=now)


def _parsed_when_read(
    source: Source, body: bytes, *, window: Window, now: datetime
) -> Iterator[ParsedSource]:
    """A calendar parsed whole, but only once the store reads it: inside ``sync_source``'s
    ``try``, so a calendar refused as a whole (empty, not iCalendar) is refused like a feed,
    and the last good one is expanded again when the day has moved on."""
    yield parse_source(source, body, window=window, now=now)


def sync_source(
    db: sqlite_utils.Database,
    source: Source,
    *,
    now: datetime,
    limits: FetchLimits | None = None,
    session: requests.Session | None = None,
    accept_shrink: bool = False,
) -> SourceResult:
    """Bring one source's snapshot up to date. Never raises for a bad source."""
    window = Window.around(now)
    status = store.source_status(db, source.id) or {}
    window_moved = status.get("window_first") != window.first.isoformat()
    try:
        fetched = fetch(
            source.location,
            kind="json" if source.kind == "feed" else "ical",
            etag=status.get("etag"),
            last_modified=status.get("last_modified"),
            limits=limits or FetchLimits(),
            session=session,
        )
    except FetchError as error:
        store.record_failure(db, source.meta, now=now, code=error.code, message=error.message)
        log.warning("%s: %s", source.id, error.message)
        _reexpand_if_moved(db, source, window, now, window_moved, status)
        return SourceResult(source.id, "failed", message=error.message, code=error.code)

    if not fetched.changed:
        result = SourceResult(source.id, "unchanged", message="not modified since the last sync")
        if window_moved:
            result = _reexpand(db, source, window, now, reason="not modified")
        store.record_unchanged(db, source.meta, now=now)
        return result

    body = fetched.body or b""
    etag, last_modified = fetched.etag, fetched.last_modified
    del fetched
    content_hash = hashlib.sha256(body).hexdigest()
    if content_hash == status.get("content_hash") and not window_moved:
        store.record_unchanged(db, source.meta, now=now)
        return SourceResult(source.id, "unchanged", message="same content as last time")

    chunks = parse_chunks(source, body, window=window, now=now)
    keep_body = body if source.kind == "ical" else None
    # From here the parser owns the bytes: a big feed's copy is freed once the child has it.
    del body
    try:
        # Parsing streams into the open transaction; a refusal anywhere rolls it all back.
        counts = store.write_snapshot(
            db,
            source.meta,
            chunks,
            now=now,
            window=window,
            keep_body=keep_body,
            content_hash=content_hash,
            etag=etag,
            last_modified=last_modified,
            check=lambda counts: _guard_against_loss(counts, status, accept_shrink=accept_shrink),
        )
    except FeedRefused as refused:
        store.record_failure(db, source.meta, now=now, code=refused.code, message=refused.message)
        log.warning("%s refused: %s", source.id, refused.message)
        _reexpand_if_moved(db, source, window, now, window_moved, status)
        return SourceResult(source.id, "refused", message=refused.message, code=refused.code)
    return _result(source, "updated", counts)


def _guard_against_loss(counts: store.SnapshotCounts, status: dict, *, accept_shrink: bool) -> None:
    """Refuse a snapshot that would silently wipe or gut the good one we have."""
    before = status.get("activities") or 0
    after = counts.activities
    if after == 0 and counts.first_skipped:
        first = counts.first_skipped
        raise FeedRefused(
            "all_invalid",
            f"All {counts.skipped} records in the feed are invalid "
            f"(first: {first.record_id}: {first.reason}).",
        )
    if accept_shrink or before == 0:
        return
    if after == 0:
        raise FeedRefused(
            "empty",
            f"The feed is suddenly empty (it had {before} activities). Keeping the last good "
            "data; if the emptiness is real, run 'torg-sync once --accept-shrink'.",
        )
    if before >= SHRINK_GUARD_FLOOR and after < before * MIN_KEEP_RATIO:
        raise FeedRefused(
            "shrunk",
            f"The feed shrank from {before} to {after} activities, under "
            f"{MIN_KEEP_RATIO:.0%} of the last good one. Keeping the last good data; if the "
            "change is real, run 'torg-sync once --accept-shrink'.",
        )


def _reexpand_if_moved(db, source, window, now, window_moved, status) -> None:
    if window_moved and status.get("last_change"):
        _reexpand(db, source, window, now, reason="offline")


def _reexpand(
    db: sqlite_utils.Database,
    source: Source,
    window: Window,
    now: datetime,
    *,
    reason: str,
) -> SourceResult:
    """Expand the stored snapshot again for today's window (the day moved on)."""
    try:
        if source.kind == "feed":
            occurrences = _stored_feed_occurrences(db, source, window)
        else:
            body = store.stored_body(db, source.id)
            if body is None:
                return SourceResult(source.id, "unchanged", message=f"{reason}; nothing stored")
            occurrences = iter(parse_source(source, body, window=window, now=now).occurrences)
        count = store.replace_occurrences(db, source.meta, occurrences, window=window)
    except (FeedRefused, RecurrenceError) as refused:  # a newer kiosk may disagree with old data
        log.error("%s: the stored snapshot cannot be expanded: %s", source.id, refused)
        code = getattr(refused, "code", "recurrence")
        return SourceResult(source.id, "failed", message=str(refused), code=code)
    return SourceResult(
        source.id, "unchanged", occurrences=count, message=f"{reason}; expanded for today"
    )


def _stored_feed_occurrences(
    db: sqlite_utils.Database, source: Source, window: Window
) -> Iterator[Occurrence]:
    """The stored activities' occurrences in ``window``, with the same bounds as a sync.

    An activity this kiosk cannot expand (stored by an older version, or past the budget)
    is left out with a warning; the others are expanded.
    """
    budget = ExpansionBudget()
    for doc in store.stored_documents(db, source.id):
        record = decode_document(doc)
        try:
            yield from occurrences_of(activity_from_record(record), window, budget)
        except (RecurrenceError, ValueError) as error:  # ValueError: a record it now refuses
            log.warning(
                "%s: activity %s left out of the new window: %s", source.id, record["id"], error
            )


def _result(
    source: Source, outcome: str, counts: store.SnapshotCounts, message: str = ""
) -> SourceResult:
    return SourceResult(
        source.id,
        outcome,
        activities=counts.activities,
        occurrences=counts.occurrences,
        skipped=counts.skipped,
        message=message,
    )


def sync_all(
    db: sqlite_utils.Database,
    sources: list[Source],
    *,
    now: datetime,
    limits: FetchLimits | None = None,
    accept_shrink: bool = False,
) -> list[SourceResult]:
    """Sync every source in turn; one bad source never hides the good ones.

    A storage problem ends the round with one failed result per source not yet done (see
    the module's docstring), except :class:`ScheduleNeedsRebuild`, which is raised: the
    caller sets the file aside and syncs again (:mod:`torg_kiosk.sync.runner`).
    """
    results = []
    with requests.Session() as session:
        for index, source in enumerate(sources):
            try:
                results.append(
                    sync_source(
                        db,
                        source,
                        now=now,
                        limits=limits,
                        session=session,
                        accept_shrink=accept_shrink,
                    )
                )
            except ScheduleNeedsRebuild:
                raise
            except StoreError as problem:
                log.error("%s", problem)
                results += [storage_failure(left, problem) for left in sources[index:]]
                break
            except Exception as error:  # a bug in one parser must not stop the others
                log.exception("%s: unexpected error", source.id)
                message = f"internal error: {error}"
                try:
                    store.record_failure(db, source.meta, now=now, code="internal", message=message)
                except StoreError as problem:
                    log.error("%s", problem)
                results.append(
                    SourceResult(source.id, "failed", message=f"internal: {error}", code="internal")
                )
    return results


def storage_failure(source: Source, problem: StoreError) -> SourceResult:
    """The result of a source the database kept from being synced (or recorded)."""
    return SourceResult(source.id, "failed", message=str(problem), code=problem.code)
