"""The privacy timer, forgetting a visitor, and a pace for things that move on their own.

Pure logic with an injected clock (``now`` is any monotonic seconds value, e.g. Kivy's
``Clock.get_time()``): no threads, no Kivy. The UI wires it like this::

    visitor = VisitorState()
    visitor.register("language", lambda: app.set_language(config.language))
    visitor.register("volume", speaker.reset)            # kiosk.speech.Speaker
    ...                                                  # one per name in VISITOR_MEMORY
    timer = IdleTimer.from_config(config.idle,
                                  on_warning_started=show_warning_and_chime,
                                  on_reset=lambda: (go_home(), visitor.forget_visitor()))
    Clock.schedule_interval(lambda dt: timer.tick(Clock.get_time()), 1)
    Window.bind(on_touch_down=lambda *a: timer.touched(Clock.get_time()))
    more_time_button.on_release = lambda: timer.extend(Clock.get_time())
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

# The limits live with the config, so kiosk.toml is refused at load time for exactly the
# values this timer would refuse.
from torg_kiosk.base.settings import MIN_TIMEOUT_SECONDS, MIN_WARNING_SECONDS, IdleConfig

log = logging.getLogger(__name__)

#: WCAG 2.2.1 lets the visitor extend at least ten times.
MIN_EXTENSIONS = 10

#: What a reset must forget; each component registers a reset under one of these names.
VISITOR_MEMORY = ("language", "large_text", "volume", "qr", "ticket", "call", "staff")


class IdlePhase(enum.Enum):
    #: Nobody is there (start-up, or after a reset): no countdown until the next touch.
    DORMANT = "dormant"
    #: A visitor is using the screen; the timeout runs from the last touch.
    ACTIVE = "active"
    #: The warning with "Mer tid" is showing; the reset follows when it runs out.
    WARNING = "warning"


class IdleEvent(enum.Enum):
    WARNING_STARTED = "warning_started"
    RESET = "reset"


class IdleTimer:
    """ACTIVE --timeout--> WARNING --warning--> reset, then DORMANT until the next touch.

    ``max_extensions=None`` means unlimited; a limit must allow at least ten.
    """

    def __init__(
        self,
        timeout: float = 90,
        warning: float = 20,
        max_extensions: int | None = None,
        *,
        on_warning_started: Callable[[], object] | None = None,
        on_reset: Callable[[], object] | None = None,
    ) -> None:
        if timeout < MIN_TIMEOUT_SECONDS:
            raise ValueError(
                f"The idle timeout is {timeout} seconds; it must be at least "
                f"{MIN_TIMEOUT_SECONDS} so a visitor has time to read. Raise timeout_seconds."
            )
        if warning < MIN_WARNING_SECONDS:
            raise ValueError(
                f"The warning lasts {warning} seconds; it must be at least "
                f"{MIN_WARNING_SECONDS} so a visitor can react. Raise warning_seconds."
            )
        if max_extensions is not None and max_extensions < MIN_EXTENSIONS:
            raise ValueError(
                f"max_extensions is {max_extensions}; a visitor must be able to ask for more "
                f"time at least {MIN_EXTENSIONS} times. Use None for no limit."
            )
        self.timeout = timeout
        self.warning = warning
        self.max_extensions = max_extensions
        self.on_warning_started = on_warning_started
        self.on_reset = on_reset
        self.phase = IdlePhase.DORMANT
        #: How often the current visitor asked for more time (a touch in the warning counts).
        self.extensions = 0
        self._last_touch = 0.0
        self._warning_ends = 0.0

    @classmethod
    def from_config(cls, config: IdleConfig, **callbacks) -> IdleTimer:
        return cls(config.timeout_seconds, config.warning_seconds, **callbacks)

    @property
    def can_extend(self) -> bool:
        """Whether "Mer tid" may be offered (false only when a limit is used up)."""
        return self.max_extensions is None or self.extensions < self.max_extensions

    def touched(self, now: float) -> None:
        """Any touch: wakes a dormant timer, restarts the timeout, or counts as "Mer tid"."""
        if self.phase is IdlePhase.WARNING:
            self.extend(now)
        elif self.phase is IdlePhase.DORMANT:
            self.phase = IdlePhase.ACTIVE
            self.extensions = 0
            self._last_touch = now
        else:
            self._last_touch = now

    def extend(self, now: float) -> bool:
        """ "Mer tid": back to ACTIVE with a fresh timeout. False if the limit is used up."""
        if self.phase is not IdlePhase.WARNING:
            self.touched(now)
            return True
        if not self.can_extend:
            return False
        self.extensions += 1
        self.phase = IdlePhase.ACTIVE
        self._last_touch = now
        return True

    def tick(self, now: float) -> IdleEvent | None:
        """Advance to ``now``; called about once a second. Fires each event's callback once."""
        if self.phase is IdlePhase.ACTIVE and now >= self._last_touch + self.timeout:
            self.phase = IdlePhase.WARNING
            # The warning counts from when it is shown, so a late tick never shortens it.
            self._warning_ends = now + self.warning
            if self.on_warning_started is not None:
                self.on_warning_started()
            return IdleEvent.WARNING_STARTED
        if self.phase is IdlePhase.WARNING and now >= self._warning_ends:
            self.phase = IdlePhase.DORMANT
            self.extensions = 0
            if self.on_reset is not None:
                self.on_reset()
            return IdleEvent.RESET
        return None

    def seconds_left(self, now: float) -> int | None:
        """Whole seconds until the reset if nobody touches (rounded up); None when dormant.

        During the warning this is the countdown to show ("Skjermen nullstilles om 12 s").
        """
        if self.phase is IdlePhase.DORMANT:
            return None
        if self.phase is IdlePhase.WARNING:
            remaining = self._warning_ends - now
        else:
            remaining = self._last_touch + self.timeout - now + self.warning
        return max(0, math.ceil(remaining))


@dataclass(frozen=True)
class ForgetFailure:
    """A registered reset that raised; the others still ran."""

    name: str
    error: BaseException


class VisitorState:
    """Everything a visitor leaves behind, as resets registered by the components holding it.

    :meth:`forget_visitor` runs every reset, each on its own: one that raises is logged and
    reported, and the rest still run, because a half-forgotten visitor is a privacy leak.
    """

    def __init__(self) -> None:
        self._resets: dict[str, Callable[[], object]] = {}

    def register(self, name: str, reset: Callable[[], object]) -> None:
        if name in self._resets:
            raise ValueError(f"A reset called {name!r} is already registered; use another name.")
        self._resets[name] = reset

    @property
    def registered(self) -> tuple[str, ...]:
        return tuple(self._resets)

    def missing(self, expected: Sequence[str] = VISITOR_MEMORY) -> tuple[str, ...]:
        """Names in ``expected`` nobody registered: what a reset would fail to forget."""
        return tuple(name for name in expected if name not in self._resets)

    def forget_visitor(self) -> list[ForgetFailure]:
        failures = []
        for name, reset in self._resets.items():
            try:
                reset()
            except Exception as error:
                log.exception(
                    "Forgetting the visitor's %s failed; the other parts were reset", name
                )
                failures.append(ForgetFailure(name, error))
        return failures


Item = TypeVar("Item")


class RotationPolicy(Generic[Item]):
    """Shows items in turn, each for ``seconds_per_item``; pausable (WCAG 2.2.2).

    Time while paused does not count, so the item on screen stays until :meth:`resume`.
    """

    MIN_SECONDS = 5

    def __init__(self, items: Sequence[Item], seconds_per_item: float, *, now: float) -> None:
        if seconds_per_item < self.MIN_SECONDS:
            raise ValueError(
                f"Each item must stay at least {self.MIN_SECONDS} seconds so people can read "
                f"it; {seconds_per_item} was given."
            )
        self.seconds_per_item = seconds_per_item
        self.items: tuple[Item, ...] = tuple(items)
        self._origin = now
        self._paused_at: float | None = None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def replace(self, items: Sequence[Item], now: float) -> None:
        """New items (after a sync): start again at the first; a pause stays in force."""
        self.items = tuple(items)
        self._origin = now
        if self._paused_at is not None:
            self._paused_at = now

    def pause(self, now: float) -> None:
        if self._paused_at is None:
            self._paused_at = now

    def resume(self, now: float) -> None:
        if self._paused_at is not None:
            self._origin += now - self._paused_at
            self._paused_at = None

    def _elapsed(self, now: float) -> float:
        return (self._paused_at if self._paused_at is not None else now) - self._origin

    def index(self, now: float) -> int | None:
        if not self.items:
            return None
        return int(self._elapsed(now) // self.seconds_per_item) % len(self.items)

    def current(self, now: float) -> Item | None:
        """The item to show at ``now``; None when there are none."""
        index = self.index(now)
        return None if index is None else self.items[index]

    def seconds_until_next(self, now: float) -> float | None:
        """When to look again; None while paused or with fewer than two items."""
        if self.paused or len(self.items) < 2:
            return None
        return self.seconds_per_item - self._elapsed(now) % self.seconds_per_item
