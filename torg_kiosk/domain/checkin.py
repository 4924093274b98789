"""The check-in desk: a scan is judged from memory and recorded durably before it is shown.

What the rules need from the schedule (today's activities at this torg, the ticket keys, the
revoked ids) is read once into a :class:`TicketMaterial` after each sync, on a worker thread,
from the read-only side of kiosk.db. A scan then touches only that memory and the outbox
(outbox.db, ``synchronous=FULL``): a sync that holds kiosk.db's write lock for minutes never
makes the door wait.

A check-in is in the outbox, on disk, before :meth:`CheckinDesk.scan` returns its verdict; the
screen turns green only after that. Each record has a fresh nonce, the scan time and the
clock's trust state, and waits there for the uploader. Undo is a record too (``undone``,
naming the nonce it takes back), so the central side sees both and nothing is deleted.

Every method may block on disk I/O: call them from one worker thread, not the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from torg_kiosk.base.clock import OSLO, parse_utc_text, utc_text
from torg_kiosk.base.clock_trust import ClockEvidence, ClockTrust, JumpWatch, assess_clock
from torg_kiosk.domain.checkin_rules import (
    ACCEPTED,
    ADMITTING,
    ALREADY_CHECKED_IN,
    FORCED,
    FULL,
    NOTHING_TO_UNDO,
    UNDONE,
    WALK_IN,
    Door,
    Verdict,
    clock_text,
    judge,
)
from torg_kiosk.domain.tickets import TicketKeys, activity_tag
from torg_kiosk.store.clock_evidence import read_clock_evidence
from torg_kiosk.store.outbox import Outbox, OutboxRecord, new_nonce

log = logging.getLogger(__name__)

CHECKIN_KIND = "checkin"


@dataclass(frozen=True)
class TicketMaterial:
    """What the rules need from the schedule, in memory: today's doors and the ticket lists."""

    day: date | None = None
    doors: tuple[Door, ...] = ()
    keys: TicketKeys = field(default_factory=TicketKeys)
    revoked: frozenset[str] = frozenset()
    #: Activity tag → the activity's title in bokmål, for *another activity: Seniortrim*.
    titles: dict[int, str] = field(default_factory=dict)


def material_from_schedule(
    schedule, site: str, now: datetime, own_keys: Iterable[tuple[str, str]] = ()
) -> TicketMaterial:
    """Read today's doors at ``site`` and the ticket lists from a :class:`Schedule`.

    Run it on a worker thread after a sync. ``own_keys`` are this kiosk's own public keys
    (walk-in tickets), accepted besides the feed's.
    """
    today = now.astimezone(OSLO).date()
    views = [view for view in schedule.on_day(site, today) if not view.all_day]
    doors = tuple(door_for(view) for view in views if view.start.date() == today)
    titles: dict[int, str] = {}
    for view in views:
        titles.setdefault(activity_tag(view.activity_id), view.title.get("nb", view.activity_id))
    keys = TicketKeys([*schedule.ticket_keys(), *own_keys])
    return TicketMaterial(today, doors, keys, frozenset(schedule.revoked_tickets()), titles)


def door_for(view) -> Door:
    """The door of one :class:`~torg_kiosk.store.schedule.OccurrenceView`."""
    return Door(
        site=view.site,
        activity_id=view.activity_id,
        day=view.start.date(),
        start=view.start,
        end=view.end,
        title=dict(view.title),
        cancelled=view.cancelled,
        capacity=view.registration_capacity,
    )


@dataclass
class _Entry:
    """One admitting record of this session, for undo."""

    nonce: str
    ticket: str | None


class CheckinDesk:
    """Scans at one door at a time, recorded in ``outbox``.

    ``kiosk`` and ``site`` go into every record; ``data_dir`` is where the clock evidence is
    read (the last sync, the newest check-in); ``wall`` is the clock the jump watch compares
    with monotonic time (the kiosk's clock, pinned in tests).
    """

    def __init__(
        self,
        outbox: Outbox,
        *,
        kiosk: str,
        site: str,
        wall: Callable[[], datetime],
        data_dir: Path | None = None,
    ):
        self.outbox = outbox
        self.kiosk = kiosk
        self.site = site
        self.material = TicketMaterial()
        self.door: Door | None = None
        self.count = 0
        self._session: list[_Entry] = []
        self._data_dir = data_dir
        self._evidence = read_clock_evidence(data_dir) if data_dir else ClockEvidence()
        self._jumps = JumpWatch(wall)

    # -- what the rules know ------------------------------------------------------------------

    def use(self, material: TicketMaterial) -> None:
        """New material after a sync: the open door keeps its count, with the new facts."""
        self.material = material
        if self.door is not None:
            fresh = next((d for d in material.doors if _same(d, self.door)), None)
            if fresh is not None:
                self.door = fresh
        if self._data_dir:
            self._evidence = read_clock_evidence(self._data_dir)

    def open(self, door: Door) -> int:
        """Check people in to ``door`` from now on; returns how many are in already."""
        self.door = door
        self._session = []
        records = self.outbox.about_occurrence(CHECKIN_KIND, door.activity_id, door.occurrence)
        self.count = _admitted_count(records)
        return self.count

    def close(self) -> None:
        self.door = None
        self._session = []

    def clock_trust(self, now: datetime) -> ClockTrust:
        return assess_clock(now, self._evidence, self._jumps.look())

    # -- at the door --------------------------------------------------------------------------

    def judge(self, text: str, now: datetime) -> Verdict:
        """The verdict alone, nothing recorded (what :meth:`scan` decides on)."""
        material = self.material
        return judge(
            text,
            door=self._open_door(),
            now=now,
            keys=material.keys,
            revoked=material.revoked,
            checked_in_at=self.checked_in_at,
            count=self.count,
            activity_titles=material.titles.get,
        )

    def scan(self, text: str, now: datetime) -> Verdict:
        """Judge ``text``; a valid ticket is on disk in the outbox before this returns."""
        verdict = self.judge(text, now)
        if verdict.code == ACCEPTED:
            self._record(verdict.ticket.ticket_id, ACCEPTED, now, kid=verdict.ticket.kid)
        return verdict

    def let_in_anyway(self, verdict: Verdict, now: datetime) -> Verdict:
        """Staff's one tap on *full*: checked in, recorded as forced."""
        if verdict.code != FULL or verdict.ticket is None:
            raise ValueError(f"only a full activity can be overridden, not {verdict.code}")
        before = self.checked_in_at(verdict.ticket.ticket_id)
        if before is not None:  # let in by an earlier tap already
            return Verdict(ALREADY_CHECKED_IN, verdict.ticket, {"time": clock_text(before)})
        self._record(verdict.ticket.ticket_id, ACCEPTED, now, kid=verdict.ticket.kid, forced=True)
        return Verdict(FORCED, verdict.ticket)

    def walk_in(self, now: datetime) -> Verdict:
        """*+1 uten billett*: a person let in without a ticket, counted and recorded."""
        self._open_door()
        self._record(None, WALK_IN, now)
        return Verdict(WALK_IN)

    def undo_last(self, now: datetime) -> Verdict:
        """Take back the last check-in made at this door in this session."""
        door = self._open_door()
        if not self._session:
            return Verdict(NOTHING_TO_UNDO)
        entry = self._session.pop()
        payload = self._payload(entry.ticket, UNDONE, now)
        payload["undoes"] = entry.nonce
        self.outbox.add(CHECKIN_KIND, payload, now=now)
        self.count -= 1
        log.info("checkin: undid %s at %s", entry.nonce, door.activity_id)
        return Verdict(UNDONE)

    @property
    def can_undo(self) -> bool:
        return bool(self._session)

    def checked_in_at(self, ticket_id: str) -> datetime | None:
        """When ``ticket_id`` was checked in here (any door), unless that was undone."""
        records = self.outbox.about_ticket(CHECKIN_KIND, ticket_id)
        undone = {r.payload.get("undoes") for r in records if r.payload.get("result") == UNDONE}
        times = [
            parse_utc_text(r.payload["scanned_at"])
            for r in records
            if r.payload.get("result") in ADMITTING and r.nonce not in undone
        ]
        return max(times) if times else None

    # -- records ------------------------------------------------------------------------------

    def _open_door(self) -> Door:
        if self.door is None:
            raise RuntimeError("no activity chosen: open a door before scanning")
        return self.door

    def _payload(self, ticket: str | None, result: str, now: datetime) -> dict:
        door = self._open_door()
        trust = self.clock_trust(now)
        return {
            "kiosk": self.kiosk,
            "site": self.site,
            "ticket": ticket,
            "activity": door.activity_id,
            "occurrence": door.occurrence,
            "scanned_at": utc_text(now),
            "result": result,
            "forced": False,
            "clock": trust.code,
        }

    def _record(
        self, ticket: str | None, result: str, now: datetime, *, kid: str = "", forced=False
    ) -> str:
        payload = self._payload(ticket, result, now)
        payload["forced"] = forced
        if kid:
            payload["key"] = kid
        nonce = self.outbox.add(CHECKIN_KIND, payload, nonce=new_nonce(), now=now)
        self._session.append(_Entry(nonce, ticket))
        self.count += 1
        self._evidence = ClockEvidence(self._evidence.last_sync_at, now)
        return nonce


def admitted_counts(outbox: Outbox, doors: Iterable[Door]) -> dict[tuple[str, str], int]:
    """(activity id, occurrence) → how many are checked in, for the attendance view."""
    return {
        (door.activity_id, door.occurrence): _admitted_count(
            outbox.about_occurrence(CHECKIN_KIND, door.activity_id, door.occurrence)
        )
        for door in doors
    }


def _admitted_count(records: list[OutboxRecord]) -> int:
    undone = {r.payload.get("undoes") for r in records if r.payload.get("result") == UNDONE}
    return sum(1 for r in records if r.payload.get("result") in ADMITTING and r.nonce not in undone)


def _same(a: Door, b: Door) -> bool:
    return a.activity_id == b.activity_id and a.start == b.start
