"""Real HTTP servers on 127.0.0.1 for tests, each running in a background thread.

Two ways in:

- :func:`serve_handler` runs any ``BaseHTTPRequestHandler`` subclass you write.
- :func:`serve_replies` answers requests in order from a script of :class:`Reply` objects
  (or callables that take the handler and answer themselves), and records every request
  in ``server.seen`` so a test can check what the client sent and how often.

Both are context managers yielding a :class:`LocalServer`; the server stops on exit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    """One canned answer: status, body and headers (Content-Length is added for you)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalServer:
    url: str  # base URL without a trailing slash, e.g. http://127.0.0.1:40123
    port: int
    seen: list[Seen] = field(default_factory=list)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler stuck on a slow client must not block shutdown

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are part of the tests, not a failure


@contextmanager
def serve_handler(handler_class: type[BaseHTTPRequestHandler]) -> Iterator[LocalServer]:
    """Run ``handler_class`` on 127.0.0.1 on a free port until the block ends."""
    server = _QuietServer(("127.0.0.1", 0), handler_class)
    port = server.server_address[1]
    local = LocalServer(url=f"http://127.0.0.1:{port}", port=port)
    server.local = local  # handlers reach the record through self.server.local
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield local
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


Answer = Reply | Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serve_replies(*script: Answer) -> Iterator[LocalServer]:
    """Answer the n-th request with ``script[n]``; after the script, answer 599 so an
    unexpected extra request shows up plainly in a test."""
    lock = threading.Lock()
    position = [0]

    class Scripted(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                self.server.local.seen.append(
                    Seen(self.command, self.path, dict(self.headers.items()), body)
                )
                index = position[0]
                position[0] += 1
            answer = script[index] if index < len(script) else Reply(599, b"script exhausted")
            if callable(answer):
                answer(self)
                return
            send_reply(self, answer)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

    with serve_handler(Scripted) as local:
        yield local


def send_reply(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Write ``reply`` through ``handler``, with a correct Content-Length (and the reply's own
    Date header instead of the real one, when it brings one)."""
    if "Date" in reply.headers:
        handler.send_response_only(reply.status)
    else:
        handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    if reply.status != 304:
        handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    if reply.status != 304 and handler.command != "HEAD":
        handler.wfile.write(reply.body)
