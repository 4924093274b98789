"""Whether the kiosk may believe its own clock: a trust state, and the reason when it may not.

A lobby machine (a Raspberry Pi has no battery-backed clock) can boot with a time from the
past, or have its clock stepped by NTP hours after it started. Check-ins carry the kiosk's
time, so staff see a warning, the heartbeat reports it, and every check-in records it.

The clock is suspect when:

- it is earlier than this program could have been started (:data:`EARLIEST_PLAUSIBLE`: a
  clock at 1970 or at a stale image's date);
- it is earlier than the last successful sync or the newest stored check-in, both written
  with this same clock (so it went backwards: a reboot without network, a bad RTC);
- it jumped: the wall clock moved more than :data:`JUMP_TOLERANCE` away from the monotonic
  clock since the last look (:class:`JumpWatch`). A jump is remembered for
  :data:`JUMP_MEMORY`, long enough for a heartbeat and the staff to see it.

Pure logic with injected clocks (``now``, ``wall``, ``monotonic``), so tests pin them all.
The evidence (last sync, newest check-in) is read by :mod:`torg_kiosk.store.clock_evidence`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

#: No kiosk of this version ran before this instant: a clock earlier than it is wrong.
EARLIEST_PLAUSIBLE = datetime(2026, 1, 1, tzinfo=UTC)
#: How far behind a stored time the clock may be before it counts as gone backwards: NTP
#: slews and steps of a few seconds are normal.
BEHIND_TOLERANCE = timedelta(minutes=5)
#: How far wall and monotonic time may drift apart between two looks before it is a jump.
JUMP_TOLERANCE = timedelta(minutes=2)
#: How long a jump keeps the clock suspect (monotonic time).
JUMP_MEMORY = timedelta(hours=1)

TRUSTED = "trusted"
BEFORE_RELEASE = "before_release"
BEHIND_LAST_SYNC = "behind_last_sync"
BEHIND_CHECKIN = "behind_checkin"
JUMPED = "jumped"
#: Every code a :class:`ClockTrust` can have; the heartbeat sends one of these.
CODES = (TRUSTED, BEFORE_RELEASE, BEHIND_LAST_SYNC, BEHIND_CHECKIN, JUMPED)


@dataclass(frozen=True)
class ClockTrust:
    """The verdict: ``code`` for programs (the heartbeat, a check-in), ``reason`` for staff."""

    code: str
    reason: str = ""

    @property
    def trusted(self) -> bool:
        return self.code == TRUSTED


@dataclass(frozen=True)
class ClockEvidence:
    """Instants this kiosk wrote with its own clock earlier (aware, any zone; None: none yet)."""

    last_sync_at: datetime | None = None
    newest_checkin_at: datetime | None = None


@dataclass(frozen=True)
class Jump:
    """The wall clock moved ``seconds`` (negative: backwards) more than monotonic time did."""

    seconds: float
    at_monotonic: float
    #: The wall time just after the jump.
    landed_at: datetime


def assess_clock(
    now: datetime, evidence: ClockEvidence = ClockEvidence(), jump: Jump | None = None
) -> ClockTrust:
    """How far ``now`` (the system clock, aware) can be trusted, given what was stored with it
    and the last jump :class:`JumpWatch` saw (None: none that it still remembers)."""
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: the clock's time needs its zone")
    if now < EARLIEST_PLAUSIBLE:
        return ClockTrust(
            BEFORE_RELEASE,
            f"The system clock says {_stamp(now)}, before this kiosk software existed. Connect "
            "the kiosk to the network so NTP sets the clock (timedatectl status shows it), or "
            "set it by hand with timedatectl set-time.",
        )
    if evidence.newest_checkin_at and now < evidence.newest_checkin_at - BEHIND_TOLERANCE:
        return ClockTrust(
            BEHIND_CHECKIN,
            f"The system clock says {_stamp(now)}, earlier than the newest stored check-in "
            f"({_stamp(evidence.newest_checkin_at)}): the clock went backwards. Check-in "
            "times are unreliable until it is right; check NTP with timedatectl status.",
        )
    if evidence.last_sync_at and now < evidence.last_sync_at - BEHIND_TOLERANCE:
        return ClockTrust(
            BEHIND_LAST_SYNC,
            f"The system clock says {_stamp(now)}, earlier than the last successful sync "
            f"({_stamp(evidence.last_sync_at)}): the clock went backwards. Check NTP with "
            "timedatectl status.",
        )
    if jump is not None:
        direction = "forward" if jump.seconds > 0 else "backwards"
        return ClockTrust(
            JUMPED,
            f"The system clock jumped {direction} by {_duration(abs(jump.seconds))} "
            f"(landing at {_stamp(jump.landed_at)}). Check-ins made just before it may carry "
            "a wrong time; if it happens again, check NTP with timedatectl status.",
        )
    return ClockTrust(TRUSTED)


class JumpWatch:
    """Notices when the wall clock moves apart from the monotonic clock.

    Call :meth:`look` now and then (each heartbeat, each check-in); it compares how far each
    clock moved since the previous look. ``wall`` gives aware datetimes, ``monotonic``
    seconds; both injectable.
    """

    def __init__(
        self,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        *,
        tolerance: timedelta = JUMP_TOLERANCE,
        memory: timedelta = JUMP_MEMORY,
    ):
        self._wall = wall
        self._monotonic = monotonic
        self._tolerance = tolerance.total_seconds()
        self._memory = memory.total_seconds()
        self._previous = (wall(), monotonic())
        self.last_jump: Jump | None = None

    def look(self) -> Jump | None:
        """The jump seen now or remembered from the last :data:`JUMP_MEMORY`, else None."""
        wall, mono = self._wall(), self._monotonic()
        before_wall, before_mono = self._previous
        self._previous = (wall, mono)
        drift = (wall - before_wall).total_seconds() - (mono - before_mono)
        if abs(drift) > self._tolerance:
            self.last_jump = Jump(seconds=drift, at_monotonic=mono, landed_at=wall)
        if self.last_jump and mono - self.last_jump.at_monotonic > self._memory:
            self.last_jump = None
        return self.last_jump


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
