"""A reference central server for development, demos and tests. NOT for production.

It has no authentication, no TLS, no rate limits and keeps uploads in a local SQLite file.
It shows what the kiosk expects of the real central side:

- ``GET /feed.json``: the configured feed file, re-read on every request, with a strong
  ETag (sha256 of the content), Last-Modified, gzip when the client accepts it, and
  ``304 Not Modified`` when ``If-None-Match`` matches.
- ``GET /calendars/<name>.ics``: iCalendar files from a configured folder.
- ``POST /api/checkins``, ``/api/calls``, ``/api/heartbeats``: a JSON object with a ``nonce``
  (a string of 16-128 characters) and any other fields. One record per nonce: the first
  upload answers ``201 {"status": "created"}``, a repeat ``200 {"status": "duplicate"}``.
  Bad JSON, a missing nonce or a body over 1 MiB answer ``400`` with a JSON error.
- ``GET /api/uploads[?kind=checkins]``: what has been stored (for tests and demos).

Use :func:`serve` from Python (it runs in a background thread) or run
``python -m torg_central.devserver --feed PATH --db PATH [--port 8765] [--calendars DIR]``.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from torg_kiosk.base.clock import utc_text

log = logging.getLogger(__name__)

UPLOAD_KINDS = ("checkins", "calls", "heartbeats")
MAX_UPLOAD_BYTES = 1024 * 1024
_DRAIN_LIMIT = 16 * MAX_UPLOAD_BYTES
_CALENDAR_NAME = re.compile(r"^/calendars/([A-Za-z0-9][A-Za-z0-9._-]*)\.ics$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    kind TEXT NOT NULL,
    nonce TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
)
"""


class DevServer:
    """A running development server. Stop it with :meth:`shutdown` (or use ``with``)."""

    def __init__(self, httpd: ThreadingHTTPServer, thread: threading.Thread):
        self._httpd = httpd
        self._thread = thread
        self.host, self.port = httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"

    def shutdown(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def wait(self) -> None:
        """Block until the server stops (for a foreground run)."""
        self._thread.join()

    def __enter__(self) -> DevServer:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, feed_path, calendars_dir, db_path, now):
        super().__init__(address, _Handler)
        self.feed_path = Path(feed_path)
        self.calendars_dir = Path(calendars_dir) if calendars_dir else None
        self.db_path = Path(db_path)
        self.now = now
        self._files: dict[Path, _CachedFile] = {}
        self._files_lock = threading.Lock()
        with _Connection(self.db_path) as db:
            db.execute(_SCHEMA)

    def cached_file(self, path: Path) -> _CachedFile:
        """The file's bytes and ETag, read again only when its size or mtime changed.

        Like a real central server serving a prepared feed, a 304 costs a stat, not a read and
        a hash of the whole file.
        """
        stat = path.stat()
        with self._files_lock:
            cached = self._files.get(path)
            if cached is None or cached.stamp != (stat.st_mtime_ns, stat.st_size):
                content = path.read_bytes()
                cached = _CachedFile(
                    stamp=(stat.st_mtime_ns, stat.st_size),
                    modified=stat.st_mtime,
                    content=content,
                    etag='"' + hashlib.sha256(content).hexdigest() + '"',
                )
                self._files[path] = cached
            return cached


@dataclass
class _CachedFile:
    stamp: tuple[int, int]
    modified: float
    content: bytes
    etag: str
    gzipped: bytes | None = None

    def compressed(self) -> bytes:
        if self.gzipped is None:
            # mtime=0 keeps the compressed bytes stable for the same content.
            self.gzipped = gzip.compress(self.content, compresslevel=6, mtime=0)
        return self.gzipped


def serve(
    feed_path,
    *,
    calendars_dir=None,
    db_path,
    host: str = "127.0.0.1",
    port: int = 0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DevServer:
    """Start the server in a background thread; ``port=0`` picks a free port."""
    httpd = _Server((host, port), feed_path, calendars_dir, db_path, now)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    return DevServer(httpd, thread)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "torg-devserver/0.1"
    server: _Server

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)

    # --- GET -----------------------------------------------------------------------------

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/feed.json":
            self._send_file(self.server.feed_path, "application/json; charset=utf-8")
        elif match := _CALENDAR_NAME.match(parts.path):
            folder = self.server.calendars_dir
            if folder is None:
                self._send_json(404, {"error": "This server has no calendars configured."})
                return
            self._send_file(folder / f"{match.group(1)}.ics", "text/calendar; charset=utf-8")
        elif parts.path == "/api/uploads":
            kind = parse_qs(parts.query).get("kind", [None])[0]
            self._send_json(200, self._list_uploads(kind))
        else:
            self._send_json(404, {"error": f"Nothing at {parts.path}."})

    def _send_file(self, path: Path, content_type: str) -> None:
        try:
            cached = self.server.cached_file(path)
        except OSError:
            self._send_json(404, {"error": f"{path.name} is not on this server."})
            return
        etag = cached.etag
        content = cached.content
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(cached.modified, usegmt=True),
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if _etag_matches(self.headers.get("If-None-Match"), etag):
            self._send(304, b"", headers)
            return
        headers["Content-Type"] = content_type
        if _accepts_gzip(self.headers.get("Accept-Encoding")):
            content = cached.compressed()
            headers["Content-Encoding"] = "gzip"
        self._send(200, content, headers)

    def _list_uploads(self, kind: str | None) -> list[dict]:
        with self._db() as db:
            if kind:
                rows = db.execute(
                    "SELECT kind, nonce, received_at, body FROM uploads WHERE kind = ?"
                    " ORDER BY received_at, rowid",
                    (kind,),
                ).fetchall()
            else:
                rows = db.execute(
                    "SELECT kind, nonce, received_at, body FROM uploads ORDER BY received_at, rowid"
                ).fetchall()
        return [
            {"kind": k, "nonce": n, "received_at": r, "body": json.loads(b)} for k, n, r, b in rows
        ]

    # --- POST ----------------------------------------------------------------------------

    def do_POST(self):
        path = urlsplit(self.path).path
        kind = path.removeprefix("/api/")
        if not path.startswith("/api/") or kind not in UPLOAD_KINDS:
            self._refuse_body(404, f"Nothing accepts uploads at {path}.")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._refuse_body(400, "Send a Content-Length header with the JSON body.")
            return
        if length > MAX_UPLOAD_BYTES:
            message = f"The body is larger than {MAX_UPLOAD_BYTES} bytes."
            if length <= _DRAIN_LIMIT:
                # Reading the rest lets the client see our answer instead of a reset.
                self._discard(length)
                self._send_json(400, {"error": message})
            else:
                self._refuse_body(400, message)
            return
        raw = self.rfile.read(length)
        try:
            record = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._send_json(400, {"error": f"The body is not valid JSON: {exc}."})
            return
        if not isinstance(record, dict):
            self._send_json(400, {"error": "The body must be a JSON object."})
            return
        nonce = record.get("nonce")
        if not isinstance(nonce, str) or not 16 <= len(nonce) <= 128:
            self._send_json(400, {"error": "The body needs a 'nonce': a string of 16-128 chars."})
            return
        received_at = utc_text(self.server.now())
        with self._db() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO uploads (kind, nonce, received_at, body)"
                " VALUES (?, ?, ?, ?)",
                (kind, nonce, received_at, json.dumps(record, ensure_ascii=False)),
            ).rowcount
        if inserted:
            self._send_json(201, {"status": "created"})
        else:
            self._send_json(200, {"status": "duplicate"})

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 64 * 1024))
            if not chunk:
                break
            length -= len(chunk)

    def _refuse_body(self, status: int, message: str) -> None:
        # The body was not read, so the connection cannot be reused for another request.
        self.close_connection = True
        self._send_json(status, {"error": message}, close=True)

    # --- plumbing ------------------------------------------------------------------------

    def _db(self):
        return _Connection(self.server.db_path)

    def _send_json(self, status: int, payload, *, close: bool = False) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if close:
            headers["Connection"] = "close"
        self._send(status, body, headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Connection:
    """One SQLite connection per request, committed and closed when the block ends."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(path, timeout=10)

    def __enter__(self) -> sqlite3.Connection:
        return self._db

    def __exit__(self, exc_type, *rest) -> None:
        try:
            if exc_type is None:
                self._db.commit()
        finally:
            self._db.close()


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag in candidates


def _accepts_gzip(header: str | None) -> bool:
    for item in (header or "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().lower()
            return quality not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m torg_central.devserver",
        description="Reference central server for development and demos (not production).",
    )
    parser.add_argument("--feed", required=True, help="feed v1 JSON file served at /feed.json")
    parser.add_argument("--db", required=True, help="SQLite file that keeps the uploads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--calendars", help="folder of .ics files served at /calendars/")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(message)s")
    server = serve(
        args.feed, calendars_dir=args.calendars, db_path=args.db, host=args.host, port=args.port
    )
    print(f"Serving {args.feed} at {server.url}/feed.json (Ctrl-C stops)", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
