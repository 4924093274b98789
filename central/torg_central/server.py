"""Run the app on a real HTTP server (Werkzeug's threaded server), here or in a thread.

:func:`serve` is what tests and benchmarks use: a server on 127.0.0.1 in a background thread,
``port=0`` picks a free port. The command line (:mod:`torg_central.devserver`) runs the same
server in the foreground. Werkzeug's server is itself a development server (one thread per
request, a new connection per request); so is this whole package.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from torg_central.app import create_app
from torg_central.config import MAX_UPLOAD_BYTES, CentralConfig

log = logging.getLogger("torg_central.requests")


class _RequestLogHandler(WSGIRequestHandler):
    """One log line per request through ``logging`` (INFO), not Werkzeug's stderr printer."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info('%s "%s" %s', self.address_string(), self.requestline, code)


class DevServer:
    """A running server: ``url`` without a trailing slash. Stop it with :meth:`shutdown`."""

    def __init__(self, httpd: BaseWSGIServer, config: CentralConfig):
        self._httpd = httpd
        self.config = config
        self.host, self.port = httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start_in_thread(self) -> DevServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`shutdown` or Ctrl-C (then the socket is closed)."""
        self._httpd.serve_forever(poll_interval=0.5)

    def shutdown(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> DevServer:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


def make_dev_server(config: CentralConfig, *, host: str = "127.0.0.1", port: int = 0) -> DevServer:
    """A bound, not yet serving, threaded HTTP server for ``create_app(config)``."""
    httpd = make_server(
        host, port, create_app(config), threaded=True, request_handler=_RequestLogHandler
    )
    return DevServer(httpd, config)


def serve(
    feed_path: Path | str,
    *,
    db_path: Path | str,
    calendars_dir: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
) -> DevServer:
    """Start the server in a background thread and return it (it is also a context manager)."""
    config = CentralConfig(
        feed_path=Path(feed_path),
        db_path=Path(db_path),
        calendars_dir=Path(calendars_dir) if calendars_dir is not None else None,
        max_upload_bytes=max_upload_bytes,
        now=now,
    )
    return make_dev_server(config, host=host, port=port).start_in_thread()
