"""Turning the panel off and on, where the platform allows it.

- **DPMS under X11**: ``xset dpms force off`` / ``force on`` (then ``-dpms``, so X does not
  blank the screen by itself during opening hours). Only when the X server has the DPMS
  extension (``xset q`` says so; ``xset`` exits 0 even when it has none).
- **Raspberry Pi firmware**: ``vcgencmd display_power 0`` / ``1``.
- **HDMI-CEC**: ``cec-client`` (libcec), ``standby 0`` / ``on 0``: the television itself goes
  to standby, where the panel is a TV.

:func:`choose_display_power` finds which of these this machine has (``TORG_KIOSK_DISPLAY_POWER``
= ``dpms``, ``vcgencmd``, ``cec`` or ``none`` picks one). With none, the kiosk only dims its
calm closed page. Every command runs with a timeout and its failure is a False, never an
exception; call from a worker thread, not the UI thread.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

COMMAND_TIMEOUT_SECONDS = 10
OVERRIDE_ENV = "TORG_KIOSK_DISPLAY_POWER"

Runner = Callable[..., subprocess.CompletedProcess]


@dataclass
class PowerCommands:
    """One way to turn the display off and on: the command lines for each."""

    name: str
    off_commands: Sequence[tuple[Sequence[str], str | None]]  # (argv, stdin text)
    on_commands: Sequence[tuple[Sequence[str], str | None]]
    run: Runner = field(default=subprocess.run, repr=False)

    def off(self) -> bool:
        return self._all(self.off_commands)

    def on(self) -> bool:
        return self._all(self.on_commands)

    def _all(self, commands) -> bool:
        ok = True
        for argv, stdin in commands:
            try:
                done = self.run(list(argv), input=stdin, capture_output=True, text=True,
                                timeout=COMMAND_TIMEOUT_SECONDS)  # fmt: skip
                ok = ok and done.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
        return ok


def dpms(run: Runner = subprocess.run) -> PowerCommands:
    return PowerCommands(
        "dpms",
        [(["xset", "dpms", "force", "off"], None)],
        [(["xset", "dpms", "force", "on"], None), (["xset", "-dpms"], None),
         (["xset", "s", "off"], None)],
        run,
    )  # fmt: skip


def vcgencmd(run: Runner = subprocess.run) -> PowerCommands:
    return PowerCommands("vcgencmd", [(["vcgencmd", "display_power", "0"], None)],
                         [(["vcgencmd", "display_power", "1"], None)], run)  # fmt: skip


def cec(run: Runner = subprocess.run) -> PowerCommands:
    client = ["cec-client", "-s", "-d", "1"]
    return PowerCommands("cec", [(client, "standby 0\n")], [(client, "on 0\n")], run)


def has_dpms(environ: Mapping[str, str], run: Runner = subprocess.run) -> bool:
    """Whether the X server in ``$DISPLAY`` has the DPMS extension."""
    if not environ.get("DISPLAY") or not shutil.which("xset"):
        return False
    try:
        done = run(["xset", "q"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "DPMS is " in done.stdout


def choose_display_power(
    environ: Mapping[str, str] = os.environ,
    *,
    which: Callable[[str], str | None] = shutil.which,
    run: Runner = subprocess.run,
) -> list[PowerCommands]:
    """The ways this machine has to turn its display off (maybe none: then only dim)."""
    makers = {"dpms": dpms, "vcgencmd": vcgencmd, "cec": cec}
    chosen = environ.get(OVERRIDE_ENV, "").strip().lower()
    if chosen == "none":
        return []
    if chosen in makers:
        return [makers[chosen](run)]
    found = []
    if has_dpms(environ, run):
        found.append(dpms(run))
    elif which("vcgencmd"):
        found.append(vcgencmd(run))
    if which("cec-client"):
        found.append(cec(run))
    return found
