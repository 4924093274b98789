"""systemd's notify protocol (``sd_notify``) in plain Python: one datagram per message.

Under ``Type=notify`` systemd passes the path of a Unix datagram socket in ``$NOTIFY_SOCKET``
(a path, or ``@name`` for the abstract namespace) and, with ``WatchdogSec=``, the interval in
``$WATCHDOG_USEC`` (for the process in ``$WATCHDOG_PID``, when set). The service sends
``READY=1`` once it is up, ``WATCHDOG=1`` more often than the interval, ``STATUS=…`` for
``systemctl status``, and ``STOPPING=1`` on the way out. Outside systemd (no
``$NOTIFY_SOCKET``) every call does nothing.

Sends never block: the kiosk pings from its UI thread, which must not wait on a full socket
buffer (a message that does not fit is dropped; the next ping follows soon). No dependency on
libsystemd or the ``systemd`` Python package, which Raspberry Pi OS venvs do not have.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Mapping

NOTIFY_SOCKET = "NOTIFY_SOCKET"
WATCHDOG_USEC = "WATCHDOG_USEC"
WATCHDOG_PID = "WATCHDOG_PID"


def socket_address(path: str) -> str | bytes:
    """``$NOTIFY_SOCKET`` as an address for ``connect``: ``@name`` is abstract (a NUL first)."""
    if path.startswith("@"):
        return b"\0" + path[1:].encode()
    return path


def watchdog_interval(environ: Mapping[str, str], pid: int) -> float | None:
    """The watchdog's interval in seconds, if systemd asked this process (``pid``) for pings."""
    usec = environ.get(WATCHDOG_USEC, "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    owner = environ.get(WATCHDOG_PID, "")
    if owner and owner != str(pid):
        return None
    return int(usec) / 1_000_000


class Notifier:
    """Sends notify messages to systemd, or nothing when not run by it.

    Made with :meth:`from_environment`, which also removes the variables from ``os.environ``
    so that programs the kiosk starts (the browser for calls, a tone player) cannot send in
    its name.
    """

    def __init__(self, address: str | bytes | None, watchdog_seconds: float | None = None):
        self.address = address
        #: How often systemd wants WATCHDOG=1 at the latest (None: no watchdog).
        self.watchdog_seconds = watchdog_seconds
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()  # the UI thread pings, the heartbeat sets STATUS

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Notifier:
        environ = os.environ if environ is None else environ
        path = environ.pop(NOTIFY_SOCKET, "")
        interval = watchdog_interval(environ, os.getpid())
        environ.pop(WATCHDOG_USEC, None)
        environ.pop(WATCHDOG_PID, None)
        return cls(socket_address(path) if path else None, interval)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, message: str) -> bool:
        """Send one message (``"READY=1"``, or several ``KEY=value`` lines); True if it went."""
        if self.address is None:
            return False
        data = message.encode("utf-8", "replace")
        with self._lock:
            try:
                if self._socket is None:
                    self._socket = socket.socket(
                        socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                    )
                    self._socket.connect(self.address)
                self._socket.send(data, socket.MSG_DONTWAIT)
                return True
            except OSError:
                # systemd restarted, or its buffer is full: connect afresh next time.
                self._close_locked()
                return False

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1" + (f"\nSTATUS={_one_line(status)}" if status else ""))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={_one_line(text)}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _one_line(text: str) -> str:
    return " ".join(text.split())
