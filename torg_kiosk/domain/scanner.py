"""Keyboard-wedge scanners: a scan is a fast burst of keystrokes ending in Enter.

A USB barcode scanner is a keyboard: it types what it read, a key every few milliseconds,
then Enter. A person at a keyboard types a key every 100-300 ms. :class:`ScanCapture` takes
keystrokes with their times (monotonic seconds) and hands back the text of a burst that came
in at scanner speed; a slow burst (a person typing, a cat on the keyboard) is dropped, and
so is a burst with a long pause in it. No text field is shown: the screen just listens.

The text is then made safe (:func:`torg_kiosk.base.safe_text.safe_text`) before anything
else sees it, since a scanner can type anything a QR code holds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from torg_kiosk.base.safe_text import safe_text

#: Scanners type a key every 2-20 ms; people rarely under 60 ms.
MAX_MEDIAN_GAP = 0.035
#: A single pause longer than this splits the burst: what came before is dropped.
MAX_GAP = 0.15
MIN_LENGTH = 4
MAX_LENGTH = 1000


@dataclass
class ScanCapture:
    """Collects one burst at a time; :meth:`key` returns the scan when Enter ends a fast one."""

    chars: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    #: What the last dropped burst was (for the log and tests): "slow", "short", "long".
    last_dropped: str = ""

    def key(self, char: str, now: float) -> str | None:
        """One keystroke: a character, or ``"\\n"``/``"\\r"`` for Enter."""
        if self.times and now - self.times[-1] > MAX_GAP:
            self._drop("slow")
        if char in ("\n", "\r"):
            return self._finish(now)
        if len(self.chars) >= MAX_LENGTH:
            self._drop("long")
        self.chars.append(char)
        self.times.append(now)
        return None

    def first_key_at(self) -> float | None:
        return self.times[0] if self.times else None

    def _finish(self, now: float) -> str | None:
        chars, times = self.chars, [*self.times, now]
        self.chars, self.times = [], []
        if not chars:
            return None  # a lone Enter (or one after a dropped burst)
        if len(chars) < MIN_LENGTH:
            self.last_dropped = "short"
            return None
        gaps = sorted(b - a for a, b in itertools.pairwise(times))
        if gaps[len(gaps) // 2] > MAX_MEDIAN_GAP:
            self.last_dropped = "slow"
            return None
        return safe_text("".join(chars), max_length=2 * MAX_LENGTH)

    def _drop(self, why: str) -> None:
        if self.chars:
            self.last_dropped = why
        self.chars, self.times = [], []
