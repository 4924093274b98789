"""The meeting in a browser of its own: started, watched, ended, and nothing kept.

:meth:`BrowserLauncher.launch` fills the configured command (``calls.toml``, ``[browser]``)
with the meeting's URL, a fresh profile folder and the window's place, and starts it in a
process group of its own. A watcher thread then waits for the first of:

- the browser exits (the visitor left the meeting, or closed it): ``browser_closed``;
- it exits within ``failed_start_seconds`` of starting, or cannot start at all:
  ``browser_failed`` (the screen says so in plain words and offers the fallback);
- the maximum call length passes: ``max_length``, and the whole group is killed;
- :meth:`BrowserCall.end` (the kiosk's *Avslutt*, or the privacy reset): ``ended_on_kiosk``.

Then the process group is gone (SIGTERM, then SIGKILL after a grace period: Chromium's
renderers and GPU process are in it too), the profile folder is deleted, and ``on_end`` is
called once, on the watcher thread, with the reason.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BROWSER_CLOSED = "browser_closed"
BROWSER_FAILED = "browser_failed"
MAX_LENGTH = "max_length"
ENDED_ON_KIOSK = "ended_on_kiosk"
#: After SIGTERM, this long for the browser to close before SIGKILL.
GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class Window:
    """Where the browser's window goes, in screen pixels."""

    x: int
    y: int
    width: int
    height: int


def browser_argv(template: Sequence[str], *, url: str, profile: Path, window: Window) -> list[str]:
    """The command's words with their placeholders filled; each word stays one argument, so
    a URL with spaces or quotes can never become two."""
    values = {
        "url": url,
        "profile": str(profile),
        "x": str(window.x),
        "y": str(window.y),
        "width": str(window.width),
        "height": str(window.height),
    }
    return [word.format(**values) for word in template]


class BrowserCall:
    """One running browser. End it with :meth:`end`; ``reason`` says how it ended."""

    def __init__(self, process: subprocess.Popen, profile: Path, started: float):
        self.process = process
        self.profile = profile
        self.started = started
        self.reason: str | None = None
        self._end_asked = threading.Event()
        self._ended = threading.Event()

    @property
    def pid(self) -> int:
        return self.process.pid

    def end(self) -> None:
        """Close the browser now (returns at once; ``on_end`` follows on the watcher)."""
        self._end_asked.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the call has ended and its folder is gone; False on timeout."""
        return self._ended.wait(timeout)


class BrowserLauncher:
    def __init__(
        self,
        command: Sequence[str],
        *,
        profile_root: Path,
        max_seconds: float,
        failed_start_seconds: float = 3.0,
        grace_seconds: float = GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.command = tuple(command)
        self.profile_root = Path(profile_root)
        self.max_seconds = max_seconds
        self.failed_start_seconds = failed_start_seconds
        self.grace_seconds = grace_seconds
        self.clock = clock

    def launch(
        self, url: str, window: Window, on_end: Callable[[BrowserCall, str], None]
    ) -> BrowserCall | None:
        """Start the browser on ``url``; None (and ``on_end`` with ``browser_failed``, on this
        thread) when the command cannot be started at all."""
        self.profile_root.mkdir(parents=True, exist_ok=True)
        profile = Path(tempfile.mkdtemp(prefix="call-", dir=self.profile_root))
        argv = browser_argv(self.command, url=url, profile=profile, window=window)
        started = self.clock()
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so the whole browser ends
                close_fds=True,
            )
        except OSError as error:
            log.error("The browser %r could not be started: %s", argv[0], error)
            shutil.rmtree(profile, ignore_errors=True)
            call = BrowserCall(_NoProcess(), profile, started)
            call.reason = BROWSER_FAILED
            call._ended.set()
            on_end(call, BROWSER_FAILED)
            return None
        call = BrowserCall(process, profile, started)
        threading.Thread(
            target=self._watch, args=(call, on_end), name="call-browser", daemon=True
        ).start()
        return call

    def _watch(self, call: BrowserCall, on_end) -> None:
        deadline = call.started + self.max_seconds
        reason = None
        while reason is None:
            if call.process.poll() is not None:
                lived = self.clock() - call.started
                reason = BROWSER_FAILED if lived < self.failed_start_seconds else BROWSER_CLOSED
            elif call._end_asked.is_set():
                reason = ENDED_ON_KIOSK
            elif self.clock() >= deadline:
                reason = MAX_LENGTH
            else:
                call._end_asked.wait(0.1)
        end_group(call.process, self.grace_seconds)
        shutil.rmtree(call.profile, ignore_errors=True)
        call.reason = reason
        log.info("The call's browser ended: %s", reason)
        call._ended.set()
        on_end(call, reason)


def end_group(process: subprocess.Popen, grace: float = GRACE_SECONDS) -> None:
    """Stop ``process``'s whole group: SIGTERM, then SIGKILL for whatever is left."""
    group = process.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGTERM)
    ends_at = time.monotonic() + grace
    while time.monotonic() < ends_at:
        with contextlib.suppress(ChildProcessError):
            process.poll()
        if not _group_alive(group):
            break
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _NoProcess:
    pid = -1

    def poll(self) -> int:
        return 127
