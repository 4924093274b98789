"""systemd's notify protocol, spoken by the real kiosk to a real Unix datagram socket.

The test plays systemd: it binds the socket named in ``NOTIFY_SOCKET`` (a file, and the
abstract namespace), starts the kiosk as a real process on the virtual display with
``WATCHDOG_USEC``, and reads what arrives. ``tests/hang_ui_child.py`` is ``torg-kiosk`` plus
a SIGUSR1 handler that blocks the UI thread, so the test can hang the screen while a helper
thread stays healthy.
"""

from __future__ import annotations

import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from torg_kiosk.base.sd_notify import Notifier, socket_address, watchdog_interval

pytestmark = [pytest.mark.ui, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
CHILD = REPO / "tests" / "hang_ui_child.py"
FIRST_FRAME = "torg-kiosk: first frame"
WATCHDOG_SECONDS = 3.0
HANG_SECONDS = 6.0


class PretendSystemd:
    """The receiving end of ``NOTIFY_SOCKET``, and the kiosk's stdout, read in one order.

    ``events`` holds ``("notify", message, t)`` and ``("stdout", line, t)``. Each datagram is
    added only after stdout has been read again, so a line the kiosk printed before sending
    it always comes first in ``events``.
    """

    def __init__(self, sock: socket.socket, process: subprocess.Popen):
        self.sock = sock
        self.process = process
        self.events: list[tuple[str, str, float]] = []
        self._partial = b""
        os.set_blocking(process.stdout.fileno(), False)

    def _read_stdout(self) -> None:
        try:
            chunk = self.process.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            self._partial += chunk
            *lines, self._partial = self._partial.split(b"\n")
            now = time.monotonic()
            self.events.extend(("stdout", line.decode(errors="replace"), now) for line in lines)

    def _read_socket(self) -> None:
        while True:
            try:
                message = self.sock.recv(4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            self._read_stdout()
            self.events.append(("notify", message.decode(), time.monotonic()))

    def until(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the kiosk ended ({self.process.returncode}) {self.text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}: {self.text()}")
            select.select([self.sock, self.process.stdout], [], [], 0.2)
            self._read_stdout()
            self._read_socket()

    def notifications(self) -> list[tuple[str, float]]:
        return [(text, t) for kind, text, t in self.events if kind == "notify"]

    def pings(self) -> list[float]:
        return [t for text, t in self.notifications() if text == "WATCHDOG=1"]

    def index(self, kind: str, text: str) -> int:
        return next(i for i, event in enumerate(self.events) if event[:2] == (kind, text))

    def text(self) -> str:
        return "\n".join(f"{kind}: {text}" for kind, text, _ in self.events[-40:])


def start_kiosk(notify_socket: str, data: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORG_KIOSK_", "KIVY_"))}
    env |= {
        "NOTIFY_SOCKET": notify_socket,
        "WATCHDOG_USEC": str(int(WATCHDOG_SECONDS * 1_000_000)),
        "TORG_KIOSK_BENCH": "1",  # prints the first-frame line
        "KIVY_NO_CONSOLELOG": "1",
    }
    argv = ["--windowed", "--size", "960x540", "--data", str(data), "--now", "2026-12-03T10:15"]
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(HANG_SECONDS), "--", *argv],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(params=["path", "abstract"])
def systemd(request, tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if request.param == "path":
        name = str(tmp_path / "notify.sock")
    else:
        name = f"@torg-kiosk-test-{secrets.token_hex(6)}"
    sock.bind(socket_address(name))
    process = start_kiosk(name, tmp_path / "data")
    yield PretendSystemd(sock, process)
    process.kill()
    process.wait(10)
    process.stdout.close()
    sock.close()


def test_ready_after_the_first_frame_then_watchdog_pings_that_stop_while_the_ui_hangs(systemd):
    systemd.until(lambda: systemd.notifications(), 60, "READY")
    first, _ = systemd.notifications()[0]
    assert first.startswith("READY=1\nSTATUS=showing the lobby screen"), first
    ready_at = next(i for i, event in enumerate(systemd.events) if event[0] == "notify")
    assert systemd.index("stdout", FIRST_FRAME) < ready_at, "READY came before the first frame"

    # Regular pings while the screen draws: more often than WatchdogSec, from the UI thread.
    systemd.until(lambda: len(systemd.pings()) >= 5, 30, "five pings")
    before = systemd.pings()
    gaps = [b - a for a, b in pairwise(before)]
    assert max(gaps) < WATCHDOG_SECONDS, gaps

    # Block the UI thread: the pings stop although the helper thread goes on.
    systemd.process.send_signal(signal.SIGUSR1)
    systemd.until(lambda: ("stdout", "hang: end") in [e[:2] for e in systemd.events],
                  30, "the end of the hang")  # fmt: skip
    start, end = systemd.index("stdout", "hang: start"), systemd.index("stdout", "hang: end")
    helper_lines = [e for e in systemd.events[start:end] if e[1] == "helper: alive"]
    assert len(helper_lines) >= 8, "the helper thread kept running during the hang"
    pings_in_hang = [e for e in systemd.events[start:end] if e[1] == "WATCHDOG=1"]
    assert len(pings_in_hang) <= 1, "at most one ping sent just before the hang began"

    # After the hang the pings come back, and the silence was longer than WatchdogSec:
    # systemd would have restarted this kiosk.
    count = len(systemd.pings())
    systemd.until(lambda: len(systemd.pings()) >= count + 2, 30, "pings after the hang")
    pings = systemd.pings()
    silence = max(b - a for a, b in pairwise(pings))
    assert silence > WATCHDOG_SECONDS
    assert silence >= HANG_SECONDS - 1.5


# -- the protocol's parts, without a kiosk ---------------------------------------------------


def test_an_abstract_socket_name_gets_its_leading_nul():
    assert socket_address("@/org/freedesktop/systemd1/notify") == (
        b"\0/org/freedesktop/systemd1/notify"
    )
    assert socket_address("/run/systemd/notify") == "/run/systemd/notify"


def test_the_watchdog_interval_is_for_the_process_systemd_named():
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}, pid=42) == 30.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"}, 42) == 30.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, 42) is None
    assert watchdog_interval({}, 42) is None


def test_the_notify_variables_are_taken_out_of_the_environment_for_child_programs(tmp_path):
    environ = {"NOTIFY_SOCKET": str(tmp_path / "n.sock"), "WATCHDOG_USEC": "1000000", "A": "1"}
    notifier = Notifier.from_environment(environ)
    assert notifier.enabled and notifier.watchdog_seconds == 1.0
    assert environ == {"A": "1"}


def test_outside_systemd_nothing_is_sent_and_nothing_fails():
    notifier = Notifier.from_environment({})
    assert not notifier.enabled
    assert notifier.ready("x") is False and notifier.watchdog() is False


def test_status_is_one_line_and_a_vanished_socket_is_no_error(tmp_path):
    path = tmp_path / "n.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    notifier = Notifier(str(path))
    assert notifier.status("last sync 10:42\nok")
    assert sock.recv(100) == b"STATUS=last sync 10:42 ok"
    sock.close()
    path.unlink()
    assert notifier.watchdog() is False
