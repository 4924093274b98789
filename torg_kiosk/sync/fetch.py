"""Fetch a feed or a calendar: over HTTP(S) with hard limits, or from a local file.

One public function, :func:`fetch`, returns a :class:`Fetched` or raises a :class:`FetchError`
whose ``code`` a program can act on and whose ``message`` a person can read.

Why the body is read by hand rather than with ``response.content``: the kiosk must survive a
server that never stops sending (``max_bytes``), a gzip bomb (the cap holds on the *decoded*
size, and we never decompress more than the cap allows), a server that drips one byte at a
time (``read_timeout`` never fires, so the overall ``deadline`` is checked after every read),
and a captive portal that answers every URL with an HTML login page.
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import random
import time
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import requests

USER_AGENT = "torg-kiosk/0.1"
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 5

_ACCEPTED_TYPES = {
    "json": ("application/json", "text/json", "text/plain", "application/octet-stream"),
    "ical": ("text/calendar", "text/plain", "application/octet-stream", "application/ics"),
}
_ACCEPT_HEADER = {
    "json": "application/json, text/plain;q=0.5, */*;q=0.1",
    "ical": "text/calendar, text/plain;q=0.5, */*;q=0.1",
}
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_HTML_STARTS = (b"<!doctype html", b"<html")


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 60.0  # overall wall-clock seconds for the whole fetch, retries included
    max_bytes: int = 64 * 1024 * 1024  # cap on the decoded body, so a gzip bomb is refused
    retries: int = 3  # extra attempts after 5xx / 429 / connection errors
    backoff: float = 0.5  # base seconds, doubled per attempt, with jitter


@dataclass(frozen=True)
class Fetched:
    changed: bool  # False on 304 Not Modified (body is None then)
    body: bytes | bytearray | None  # UTF-8 when changed (a bytearray from HTTP: no copy)
    etag: str | None
    last_modified: str | None
    content_type: str | None
    url: str


class FetchError(Exception):
    """A fetch that failed.

    ``code`` is one of 'timeout', 'deadline', 'too_large', 'http_status', 'not_a_feed',
    'connection', 'not_found', 'bad_encoding'; ``retryable`` says whether trying again later
    may help; ``status`` is the HTTP status when there was one.
    """

    def __init__(
        self, code: str, message: str, *, retryable: bool = False, status: int | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.status = status

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r}, retryable={self.retryable})"


def fetch(
    location: str,
    *,
    kind: str,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits = FetchLimits(),  # frozen, so safe to share
    session: requests.Session | None = None,
    sleep=time.sleep,
    clock=time.monotonic,
    wall_clock=time.time,
) -> Fetched:
    """Fetch ``location`` (http(s) URL, file:// URL or local path) as a feed of ``kind``.

    ``kind`` is 'json' or 'ical'. Pass back the ``etag``/``last_modified`` of the previous
    result to get ``changed=False`` when nothing changed (local files use mtime and size as
    a pseudo-ETag). ``sleep``, ``clock`` (monotonic) and ``wall_clock`` (epoch seconds, used
    only for a Retry-After date when the server sends no Date header) are injectable.
    """
    if kind not in _ACCEPTED_TYPES:
        raise ValueError(f"kind must be 'json' or 'ical', not {kind!r}")
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        own_session = session is None
        session = session or requests.Session()
        try:
            return _fetch_http(
                location, kind, etag, last_modified, limits, session, sleep, clock, wall_clock
            )
        finally:
            if own_session:
                session.close()
    if scheme == "file":
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(location).path))
    elif len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise FetchError(
            "not_found",
            f"The feed address {location!r} uses {scheme}:, which the kiosk cannot read. "
            "Use an http(s) address or a file path in the configuration.",
        )
    else:
        path = Path(location)
    return _fetch_file(path, kind, etag, limits)


# --- local files -------------------------------------------------------------------------


def _pseudo_etag(stat) -> str:
    return f'W/"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def _fetch_file(path: Path, kind: str, etag: str | None, limits: FetchLimits) -> Fetched:
    try:
        stat = path.stat()
        if not path.is_file():
            raise FileNotFoundError(path)
    except OSError as exc:
        raise FetchError(
            "not_found",
            f"The feed file {str(path)!r} does not exist. Check the path in the configuration.",
        ) from exc
    url = path.resolve().as_uri()
    tag = _pseudo_etag(stat)
    modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
    if etag is not None and etag == tag:
        return Fetched(False, None, tag, modified, None, url)
    if stat.st_size > limits.max_bytes:
        raise _too_large(str(path), limits)
    try:
        with path.open("rb") as handle:
            body = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise FetchError(
            "not_found",
            f"The feed file {str(path)!r} could not be read ({exc.strerror}). "
            "Check that the kiosk user may read it.",
        ) from exc
    if len(body) > limits.max_bytes:  # the file grew between stat and read
        raise _too_large(str(path), limits)
    body = _to_utf8(body, None, str(path))
    _refuse_html(body, str(path))
    return Fetched(True, body, tag, modified, None, url)


# --- HTTP --------------------------------------------------------------------------------


def _fetch_http(location, kind, etag, last_modified, limits, session, sleep, clock, wall_clock):
    ends_at = clock() + limits.deadline
    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip",
        "Accept": _ACCEPT_HEADER[kind],
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    attempt = 0
    while True:
        remaining = ends_at - clock()
        if remaining <= 0:
            raise _deadline_passed(location, limits)
        try:
            return _attempt(location, kind, headers, etag, last_modified, limits, session,
                            clock, ends_at)  # fmt: skip
        except _Retry as retry:
            failure = retry.error
            wait = retry.after
            if wait is None:
                wait = limits.backoff * (2**attempt) * random.uniform(0.5, 1.0)
            else:
                wait = _retry_after_seconds(wait, retry.date, wall_clock)
        attempt += 1
        if attempt > limits.retries:
            raise failure
        if clock() + wait >= ends_at:
            raise FetchError(
                "deadline",
                f"{failure.message} Waiting {wait:.0f} s to try again would pass the "
                f"{limits.deadline:.0f} s limit for one update; the next update will retry.",
                retryable=True,
                status=failure.status,
            ) from failure
        sleep(wait)


class _Retry(Exception):
    """Internal: this attempt failed in a way worth repeating."""

    def __init__(self, error: FetchError, after: str | None = None, date: str | None = None):
        super().__init__(error.message)
        self.error = error
        self.after = after
        self.date = date


def _attempt(location, kind, headers, etag, last_modified, limits, session, clock, ends_at):
    url = location
    for _ in range(MAX_REDIRECTS + 1):
        with _send(url, headers, limits, session, clock, ends_at) as response:
            target = response.headers.get("Location") if response.is_redirect else None
            if target is None:
                return _read_response(response, url, kind, etag, last_modified, limits, clock,
                                      ends_at)  # fmt: skip
        # Redirects are followed here, not by requests, because requests reads the whole
        # body of each 3xx answer, outside our size cap and deadline.
        url = urllib.parse.urljoin(url, target)
        if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
            break
        if clock() >= ends_at:
            raise _deadline_passed(location, limits)
    raise FetchError(
        "http_status",
        f"The feed address {location!r} redirects too often or to a non-web address "
        f"(last: {url!r}). Put the final address of the feed in the configuration.",
    )


def _send(url, headers, limits, session, clock, ends_at) -> requests.Response:
    read_timeout = max(0.001, min(limits.read_timeout, ends_at - clock()))
    connect_timeout = max(0.001, min(limits.connect_timeout, ends_at - clock()))
    try:
        return session.get(
            url,
            headers=headers,
            stream=True,
            allow_redirects=False,
            timeout=(connect_timeout, read_timeout),
        )
    except requests.exceptions.Timeout as exc:
        raise _Retry(_timed_out(url, limits)) from exc
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise _Retry(_unreachable(url, exc)) from exc
    except requests.exceptions.RequestException as exc:
        raise FetchError(
            "connection",
            f"The feed address {url!r} could not be used ({exc}). "
            "Check the address in the configuration.",
        ) from exc


def _read_response(response, location, kind, etag, last_modified, limits, clock, ends_at):
    status = response.status_code
    url = response.url or location
    if status == 304:
        return Fetched(
            False,
            None,
            response.headers.get("ETag") or etag,
            response.headers.get("Last-Modified") or last_modified,
            response.headers.get("Content-Type"),
            url,
        )
    if status == 429 or status >= 500:
        error = FetchError(
            "http_status",
            f"The feed server answered {status} {response.reason or ''}".rstrip()
            + " (busy or failing). The kiosk keeps showing its saved schedule and tries again.",
            retryable=True,
            status=status,
        )
        raise _Retry(error, response.headers.get("Retry-After"), response.headers.get("Date"))
    if status in (404, 410):
        raise FetchError(
            "not_found",
            f"The feed server has nothing at {url!r} (HTTP {status}). "
            "Check the feed address in the configuration.",
            status=status,
        )
    if status != 200:
        raise FetchError(
            "http_status",
            f"The feed server refused the request with HTTP {status} {response.reason or ''}."
            " Check the feed address and access rights in the configuration.",
            status=status,
        )
    content_type = response.headers.get("Content-Type")
    mime, charset = _parse_content_type(content_type)
    if mime and not _type_accepted(mime, kind):
        raise FetchError(
            "not_a_feed",
            f"The address {url!r} sent {mime}, not a {_kind_name(kind)}. If this network "
            "needs a login page (a captive portal), log in once; otherwise check the address.",
            retryable=True,
        )
    body = _read_body(response, url, limits, clock, ends_at)
    body = _to_utf8(body, charset, url)
    _refuse_html(body, url)
    return Fetched(
        True,
        body,
        response.headers.get("ETag"),
        response.headers.get("Last-Modified"),
        content_type,
        url,
    )


def _read_body(response, url, limits, clock, ends_at) -> bytearray:
    """Read the body as it arrives, checking the size cap and the deadline after every read."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = _Inflater(limits.max_bytes, url, limits)
    elif encoding == "identity":
        decoder = None
    else:
        raise FetchError(
            "bad_encoding",
            f"The feed server at {url!r} compressed the feed with {encoding!r}, which the "
            "kiosk cannot read. Ask the feed's operator to serve gzip or no compression.",
        )
    raw = response.raw
    # One growing buffer, not a list joined at the end: joining would hold the body twice.
    body = bytearray()
    size = 0
    while True:
        remaining = ends_at - clock()
        if remaining <= 0:
            raise _deadline_passed(url, limits)
        _limit_socket_wait(raw, min(limits.read_timeout, remaining))
        try:
            # read1 returns whatever has arrived (up to CHUNK_SIZE), so a dripping server
            # cannot keep one call busy for longer than a socket timeout.
            data = raw.read1(CHUNK_SIZE, decode_content=False)
        except Exception as exc:  # urllib3 wraps socket timeouts and resets in several types
            if clock() >= ends_at:
                raise _deadline_passed(url, limits) from exc
            # A cut connection or a stalled read is worth another attempt.
            if _is_timeout(exc):
                raise _Retry(_timed_out(url, limits)) from exc
            raise _Retry(_unreachable(url, exc)) from exc
        if not data:
            break
        if decoder is not None:
            data = decoder.feed(data)
        size += len(data)
        if size > limits.max_bytes:
            raise _too_large(url, limits)
        body += data
    if decoder is not None:
        tail = decoder.finish()
        size += len(tail)
        if size > limits.max_bytes:
            raise _too_large(url, limits)
        body += tail
    return body


def _limit_socket_wait(raw, seconds: float) -> None:
    """Shorten the socket timeout so one blocked read cannot outlive the deadline."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        # A closed socket reports itself on the next read.
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.001, seconds))


def _is_timeout(exc: BaseException) -> bool:
    seen = exc
    while seen is not None:
        if isinstance(seen, TimeoutError) or "timed out" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _Inflater:
    """gzip/deflate decoding that never produces more than the cap plus one byte."""

    def __init__(self, max_bytes: int, url: str, limits: FetchLimits):
        self._room = max_bytes
        self._url = url
        self._limits = limits
        self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header

    def feed(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                piece = self._inflate.decompress(data, self._room + 1)
                self._room -= len(piece)
                if self._room < 0:
                    raise _too_large(self._url, self._limits)
                out.append(piece)
                data = self._inflate.unconsumed_tail
                if self._inflate.eof:  # a new gzip member may follow (concatenated gzip)
                    data = self._inflate.unused_data + data
                    if data:
                        self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise self._broken() from exc
        return b"".join(out)

    def finish(self) -> bytes:
        if not self._inflate.eof:
            raise self._broken()
        return b""

    def _broken(self) -> FetchError:
        return FetchError(
            "bad_encoding",
            f"The compressed feed from {self._url!r} is damaged or cut short. "
            "The kiosk keeps its saved schedule and tries again at the next update.",
            retryable=True,
        )


# --- content checks ----------------------------------------------------------------------


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return mime.strip().lower() or None, charset


def _type_accepted(mime: str, kind: str) -> bool:
    if mime in _ACCEPTED_TYPES[kind]:
        return True
    return kind == "json" and mime.endswith("+json")


def _kind_name(kind: str) -> str:
    return "JSON feed" if kind == "json" else "calendar (iCalendar)"


def _to_utf8(body: bytes | bytearray, charset: str | None, where: str) -> bytes | bytearray:
    """Return ``body`` as UTF-8 without a byte order mark, decoding a declared charset."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :]
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        charset = "utf-16"
    if charset is None or charset in _UTF8_NAMES:
        return body
    try:
        return body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise FetchError(
            "bad_encoding",
            f"The feed from {where!r} says it is written in {charset!r} but cannot be read "
            "that way. Ask the feed's operator to serve UTF-8.",
        ) from exc


def _refuse_html(body: bytes | bytearray, where: str) -> None:
    start = body[:512].lstrip().lower()
    if start.startswith(_HTML_STARTS):
        raise FetchError(
            "not_a_feed",
            f"The address {where!r} sent a web page instead of a feed. If this network "
            "needs a login page (a captive portal), log in once; otherwise check the address.",
            retryable=True,
        )


# --- retry timing and errors -------------------------------------------------------------


def _retry_after_seconds(value: str, server_date: str | None, wall_clock) -> float:
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


def _too_large(where: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        "too_large",
        f"The feed from {where!r} is larger than the {limits.max_bytes:,} bytes the kiosk "
        "accepts, so it was not loaded. Ask the feed's operator to check it, or raise the limit.",
    )


def _deadline_passed(where: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        "deadline",
        f"Fetching {where!r} took longer than {limits.deadline:g} s and was stopped. "
        "The kiosk keeps its saved schedule and tries again at the next update.",
        retryable=True,
    )


def _timed_out(where: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        "timeout",
        f"The feed server at {where!r} did not answer in time. "
        "The kiosk keeps its saved schedule and tries again at the next update.",
        retryable=True,
    )


def _unreachable(where: str, exc: BaseException) -> FetchError:
    return FetchError(
        "connection",
        f"The kiosk could not reach {where!r} ({type(exc).__name__}). Check the network "
        "cable or Wi-Fi; the saved schedule is shown meanwhile.",
        retryable=True,
    )
