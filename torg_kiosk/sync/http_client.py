"""One HTTP client for everything the kiosk asks of a server: feeds, uploads, heartbeats.

``HttpClient(limits).get(url)`` and ``.post_json(url, payload)`` return an
:class:`HttpResponse` (status, headers, the whole decoded body) or raise an :class:`HttpError`
whose ``code`` a program can act on and whose ``message`` a person can read. Every request
keeps to the same :class:`HttpLimits`:

- connect and read timeouts, each shortened to what is left of the deadline;
- an overall ``deadline`` for the request, retries and redirects included, checked after
  every read, so a server that drips one byte at a time (and so never trips the read
  timeout) is still cut off;
- ``max_bytes`` on the *decoded* body: a gzip bomb is refused without inflating more than the
  cap allows;
- ``retries`` after a 5xx, 408, 429, a timeout or a cut connection, waiting with exponential
  backoff and jitter, or as long as ``Retry-After`` asks (seconds, or an HTTP date read
  against the server's own ``Date``). A wait that would pass the deadline is not started: the
  request fails at once with code ``deadline``. Any other 4xx is final and not retried.

A refusal keeps what the server said: ``HttpError.answer`` is the refused answer with its
body (up to 64 KiB, for the log line the uploads contract asks for: the server's own code
and sentence), and ``HttpError.retry_after`` the seconds its ``Retry-After`` asked for, so
a caller that tries again later (the outbox) can wait as long.

Why the body is read by hand rather than with ``response.content``: requests reads a body
whole, with no cap on its size and no clock over its total time. Redirects are followed here
too, because requests would read each 3xx body outside the cap and deadline; by ``get``
only: ``post_json`` reports a 3xx as a refusal worth trying later, since a POST must not
turn into a GET on the way.

Why not tenacity for the retry loop: the loop's rules are mostly about time that tenacity
does not see. The wait comes from the failed answer (``Retry-After`` against ``Date``); a wait
that would pass the deadline must fail *now* with a different error than the last failure;
and the same deadline cuts each attempt's socket timeouts and body reads. With tenacity that
is a custom ``wait``, a custom ``stop`` and a ``retry_error_callback`` that works out again
which rule stopped it (its own ``stop_before_delay`` times from its own ``time.monotonic``,
not the injected clock). What is left for it to do is count attempts, so the loop below
stays a loop: one screen, read top to bottom.
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import time
import urllib.parse
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import orjson
import requests
import urllib3

USER_AGENT = "torg-kiosk/0.1"
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 5
#: Statuses worth asking again: the server is busy, failing, or timed the request out.
RETRY_STATUSES = frozenset({408, 429})
#: How much of a refused answer's body is kept with the error, for the log.
REFUSAL_BODY_BYTES = 64 * 1024
#: Request headers not sent on to another host when a redirect leads there.
_PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


@dataclass(frozen=True)
class HttpLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 60.0  # overall wall-clock seconds for one request, retries included
    max_bytes: int = 64 * 1024 * 1024  # cap on the decoded body, so a gzip bomb is refused
    retries: int = 3  # extra attempts after 5xx / 408 / 429 / timeouts / connection errors
    backoff: float = 0.5  # base seconds, doubled per attempt, with jitter


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    body: bytearray  # decoded (gzip undone), at most ``max_bytes``; a bytearray: no copy
    url: str  # where the answer came from, after redirects


class HttpError(Exception):
    """A request that failed.

    ``code`` is one of 'timeout', 'deadline', 'too_large', 'http_status', 'connection',
    'bad_encoding'; ``retryable`` says whether trying again later may help; ``status`` is
    the HTTP status when there was one; ``url`` the address the failure is about;
    ``retry_after`` the seconds the server asked to wait before trying again, if it did;
    ``answer`` the refused answer (body up to 64 KiB, or empty when it could not be read).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        url: str | None = None,
        retry_after: float | None = None,
        answer: HttpResponse | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.status = status
        self.url = url
        self.retry_after = retry_after
        self.answer = answer

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, retryable={self.retryable})"


#: Called with the status, headers and URL of an accepted answer before its body is read;
#: raise an HttpError to refuse the answer (it is not retried).
HeaderCheck = Callable[[int, Mapping[str, str], str], None]


class HttpClient:
    """Requests under one set of :class:`HttpLimits`; use as a context manager or ``close()``.

    ``server`` names the other side in messages ("feed server", "central server");
    ``meanwhile`` is the sentence that tells a person what happens after a failure worth
    retrying. ``sleep``, ``clock`` (monotonic) and ``wall_clock`` (epoch seconds, only for a
    ``Retry-After`` date when the server sends no ``Date``) are injectable. A ``session``
    passed in is used and left open.
    """

    def __init__(
        self,
        limits: HttpLimits = HttpLimits(),  # frozen, so safe to share
        *,
        session: requests.Session | None = None,
        server: str = "server",
        meanwhile: str = "Try again later.",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.limits = limits
        self._own_session = session is None
        self._session = session or requests.Session()
        self._server = server
        self._meanwhile = meanwhile
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock

    def close(self) -> None:
        if self._own_session:
            self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] | None = None,
        check_headers: HeaderCheck | None = None,
    ) -> HttpResponse:
        """GET ``url``, following up to :data:`MAX_REDIRECTS` redirects.

        ``accept`` is the statuses returned as answers (any 2xx when None); a status outside
        it raises ``http_status``, after retries when it is one worth retrying.
        """
        return self._request("GET", url, headers, None, accept, check_headers, redirects=True)

    def post_json(
        self,
        url: str,
        payload: object,
        *,
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] | None = None,
    ) -> HttpResponse:
        """POST ``payload`` as JSON to ``url``; redirects are not followed.

        Every attempt sends the same bytes, so a payload that carries a nonce (as uploads
        do) is stored once however often it is retried; a payload without one may arrive
        twice when an answer is lost on the way back.
        """
        headers = {"Content-Type": "application/json", **(headers or {})}
        data = orjson.dumps(payload)
        return self._request("POST", url, headers, data, accept, None, redirects=False)

    # --- the retry loop ------------------------------------------------------------------

    def _request(self, method, url, headers, data, accept, check_headers, *, redirects):
        ends_at = self._clock() + self.limits.deadline
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(headers or {})}
        attempt = 0
        while True:
            if self._clock() >= ends_at:
                raise self._deadline_passed(url)
            try:
                return self._attempt(method, url, headers, data, accept, check_headers,
                                     redirects, ends_at)  # fmt: skip
            except _Retry as retry:
                failure = retry.error
                wait = failure.retry_after
                if wait is None:
                    wait = self.limits.backoff * (2**attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            if attempt > self.limits.retries:
                raise failure
            if self._clock() + wait >= ends_at:
                raise HttpError(
                    "deadline",
                    f"{failure.message} Waiting {wait:.0f} s to try again would pass the "
                    f"{self.limits.deadline:g} s limit for one request, so the kiosk stopped "
                    "for now.",
                    retryable=True,
                    status=failure.status,
                    url=failure.url,
                    retry_after=failure.retry_after,
                    answer=failure.answer,
                ) from failure
            self._sleep(wait)

    def _attempt(self, method, url, headers, data, accept, check_headers, redirects, ends_at):
        here = url
        for _ in range(MAX_REDIRECTS + 1):
            with self._send(method, here, headers, data, ends_at) as response:
                target = response.headers.get("Location") if response.is_redirect else None
                if target is None or not redirects:
                    return self._answer(response, method, here, accept, check_headers, ends_at)
            there = urllib.parse.urljoin(here, target)
            if urllib.parse.urlsplit(there).scheme.lower() not in ("http", "https"):
                here = there
                break
            if urllib.parse.urlsplit(there).netloc != urllib.parse.urlsplit(here).netloc:
                headers = {k: v for k, v in headers.items() if k.lower() not in _PRIVATE_HEADERS}
            here = there
            if self._clock() >= ends_at:
                raise self._deadline_passed(url)
        raise HttpError(
            "http_status",
            f"The address {url!r} redirects too often or to a non-web address "
            f"(last: {here!r}). Put the final address in the configuration.",
            url=url,
        )

    def _send(self, method, url, headers, data, ends_at) -> requests.Response:
        remaining = ends_at - self._clock()
        read_timeout = max(0.001, min(self.limits.read_timeout, remaining))
        connect_timeout = max(0.001, min(self.limits.connect_timeout, remaining))
        try:
            return self._session.request(
                method,
                url,
                headers=headers,
                data=data,
                stream=True,
                allow_redirects=False,
                timeout=(connect_timeout, read_timeout),
            )
        except requests.exceptions.Timeout as exc:
            raise _Retry(self._timed_out(url)) from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
            if _was_connected(e):  # the server took the connection, then hung up
                raise _Retry(self._cut_off(url, e, answered=False)) from e
            raise _Retry(self._unreachable(url, e)) from e
        except requests.exceptions.RequestException as exc:
            raise HttpError(
                "connection",
                f"The address {url!r} could not be used ({exc}). "
                "Check the address in the configuration.",
                url=url,
            ) from exc

    def _answer(self, response, method, url, accept, check_headers, ends_at) -> HttpResponse:
        status = response.status_code
        url = response.url or url
        reason = response.reason or ""
        accepted = (200 <= status < 300) if accept is None else status in accept
        if not accepted:
            raise self._refusal(response, method, status, reason, url, ends_at)
        if check_headers is not None:
            check_headers(status, response.headers, url)
        if _has_no_body(method, status):
            body = bytearray()
        else:
            body = self._read_body(response, url, ends_at, self.limits.max_bytes)
        return HttpResponse(status, reason, response.headers, body, url)

    def _refusal(self, response, method, status, reason, url, ends_at) -> Exception:
        answer = HttpResponse(status, reason, response.headers, bytearray(), url)
        if not _has_no_body(method, status):
            # Only for the log: an answer that cannot be read in time is kept without it.
            with contextlib.suppress(HttpError, _Retry):
                body = self._read_body(response, url, ends_at, REFUSAL_BODY_BYTES)
                answer = HttpResponse(status, reason, response.headers, body, url)
        said = f"{status} {reason}".rstrip()
        if status in RETRY_STATUSES or status >= 500:
            after = response.headers.get("Retry-After")
            if after is not None:
                after = retry_after_seconds(after, response.headers.get("Date"), self._wall_clock)
            return _Retry(
                HttpError(
                    "http_status",
                    f"The {self._server} answered {said} (busy or failing). {self._meanwhile}",
                    retryable=True,
                    status=status,
                    url=url,
                    retry_after=after,
                    answer=answer,
                )
            )
        if 300 <= status < 400:
            # Not followed: a POST must not turn into a GET. Worth trying again once the
            # configuration names the final address.
            message = (
                f"The {self._server} at {url!r} answered {said}, a redirect the kiosk does not "
                "follow here. Put the final address in the configuration."
            )
        elif status in (401, 403, 404, 407, 410):
            message = (
                f"The {self._server} refused the request to {url!r} with HTTP {said}. "
                "Check the address and access rights in the configuration."
            )
        else:
            message = (
                f"The {self._server} refused the request to {url!r} with HTTP {said}; "
                "sending the same request again will not help."
            )
        return HttpError(
            "http_status",
            message,
            retryable=300 <= status < 400,
            status=status,
            url=url,
            answer=answer,
        )

    # --- the body --------------------------------------------------------------------------

    def _read_body(self, response, url, ends_at, max_bytes: int) -> bytearray:
        """Read the body as it arrives, checking the size cap and the deadline after every read."""
        limits = self.limits
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            decoder = _Inflater(max_bytes)
        elif encoding == "identity":
            decoder = None
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise self._too_large(url)  # no need to read what will be refused
        else:
            raise HttpError(
                "bad_encoding",
                f"The {self._server} at {url!r} compressed its answer with {encoding!r}, which "
                f"the kiosk cannot read. Ask the {self._server}'s operator to serve gzip or no "
                "compression.",
                url=url,
            )
        raw = response.raw
        # One growing buffer, not a list joined at the end: joining would hold the body twice.
        body = bytearray()
        while True:
            remaining = ends_at - self._clock()
            if remaining <= 0:
                raise self._deadline_passed(url)
            _limit_socket_wait(raw, min(limits.read_timeout, remaining))
            try:
                # read1 returns whatever has arrived (up to CHUNK_SIZE), so a dripping server
                # cannot keep one call busy for longer than a socket timeout.
                data = raw.read1(CHUNK_SIZE, decode_content=False)
            except Exception as exc:  # urllib3 wraps socket timeouts and resets in several types
                if self._clock() >= ends_at:
                    raise self._deadline_passed(url) from exc
                # A cut connection or a stalled read is worth another attempt.
                if _is_timeout(exc):
                    raise _Retry(self._timed_out(url)) from exc
                raise _Retry(self._cut_off(url, exc, answered=True)) from exc
            if not data:
                break
            if decoder is not None:
                try:
                    data = decoder.feed(data)
                except zlib.error:
                    raise self._damaged(url) from None
            if data is None or len(body) + len(data) > max_bytes:
                raise self._too_large(url)
            body += data
        if decoder is not None and not decoder.complete:
            raise self._damaged(url)
        return body

    # --- errors ----------------------------------------------------------------------------

    def _too_large(self, url: str) -> HttpError:
        return HttpError(
            "too_large",
            f"The answer from {url!r} is larger than the {self.limits.max_bytes:,} bytes the "
            f"kiosk accepts, so it was not used. Ask the {self._server}'s operator to check it, "
            "or raise the limit.",
            url=url,
        )

    def _damaged(self, url: str) -> HttpError:
        return HttpError(
            "bad_encoding",
            f"The compressed answer from {url!r} is damaged or cut short. {self._meanwhile}",
            retryable=True,
            url=url,
        )

    def _deadline_passed(self, url: str) -> HttpError:
        return HttpError(
            "deadline",
            f"The request to {url!r} took longer than {self.limits.deadline:g} s and was "
            f"stopped. {self._meanwhile}",
            retryable=True,
            url=url,
        )

    def _timed_out(self, url: str) -> HttpError:
        return HttpError(
            "timeout",
            f"The {self._server} at {url!r} did not answer in time. {self._meanwhile}",
            retryable=True,
            url=url,
        )

    def _cut_off(self, url: str, exc: BaseException, *, answered: bool) -> HttpError:
        """The server was reached: the network works, the server (or a proxy) hung up."""
        what = "stopped in the middle of its answer" if answered else "hung up without answering"
        return HttpError(
            "cut_off",
            f"The {self._server} at {url!r} {what} ({type(exc).__name__}). The network works; "
            f"if this keeps happening, ask the {self._server}'s operator to look at its log. "
            f"{self._meanwhile}",
            retryable=True,
            url=url,
        )

    def _unreachable(self, url: str, exc: BaseException) -> HttpError:
        return HttpError(
            "connection",
            f"The kiosk could not reach {url!r} ({type(exc).__name__}). Check the network "
            f"cable or Wi-Fi. {self._meanwhile}",
            retryable=True,
            url=url,
        )


class _Retry(Exception):
    """Internal: this attempt failed in a way worth repeating (after ``error.retry_after``
    seconds, if the server said how long)."""

    def __init__(self, error: HttpError):
        super().__init__(error.message)
        self.error = error


def _has_no_body(method: str, status: int) -> bool:
    return method == "HEAD" or status in (204, 304) or 100 <= status < 200


class _Inflater:
    """gzip/deflate decoding that never produces more than the cap plus one byte.

    ``feed`` returns None once the cap is passed and raises ``zlib.error`` on damaged data.
    """

    def __init__(self, max_bytes: int):
        self._room = max_bytes
        self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header

    def feed(self, data: bytes) -> bytes | None:
        out = []
        while data:
            piece = self._inflate.decompress(data, self._room + 1)
            self._room -= len(piece)
            if self._room < 0:
                return None
            out.append(piece)
            data = self._inflate.unconsumed_tail
            if self._inflate.eof:  # a new gzip member may follow (concatenated gzip)
                data = self._inflate.unused_data + data
                if data:
                    self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)
        return b"".join(out)

    @property
    def complete(self) -> bool:
        return self._inflate.eof


def _limit_socket_wait(raw, seconds: float) -> None:
    """Shorten the socket timeout so one blocked read cannot outlive the deadline."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        # A closed socket reports itself on the next read.
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.001, seconds))


_HUNG_UP = (urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError)


def _was_connected(exc: BaseException) -> bool:
    """Whether a failed request had its connection made first (the server hung up on it),
    rather than never reaching the server (refused, no route, no such name)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, urllib3.exceptions.NewConnectionError):
            return False
        if isinstance(exc, _HUNG_UP):
            return True
        reason = getattr(exc, "reason", None)
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = reason if isinstance(reason, BaseException) else inner or exc.__context__
    return False


def _is_timeout(exc: BaseException) -> bool:
    seen = exc
    while seen is not None:
        if isinstance(seen, TimeoutError) or "timed out" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retry_after_seconds(value: str, server_date: str | None, wall_clock=time.time) -> float:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 0.0  # unreadable: fall back to trying again straight away
    try:
        # Measure against the server's own clock when it tells us, so skew does not matter.
        now = email.utils.parsedate_to_datetime(server_date).timestamp()
    except (TypeError, ValueError):
        now = wall_clock()
    return max(0.0, when - now)
