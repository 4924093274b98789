"""Fetch a feed or a calendar: over HTTP(S) with hard limits, or from a local file.

One public function, :func:`fetch`, returns a :class:`Fetched` or raises a :class:`FetchError`
whose ``code`` a program can act on and whose ``message`` a person can read.

The timeouts, the deadline, the size cap (after gzip), retries and redirects are those of
:mod:`torg_kiosk.sync.http_client`, which every request to a server goes through. What is
added here is what makes an answer a feed: a conditional GET (``ETag``/``Last-Modified``,
and mtime and size as a pseudo-ETag for a local file), the content type and a sniff of the
first bytes, so a captive portal's HTML login page is refused, and a declared charset
re-encoded to UTF-8.
"""

from __future__ import annotations

import codecs
import email.utils
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import requests

from torg_kiosk.sync.http_client import USER_AGENT, HttpClient, HttpError, HttpLimits

__all__ = ["USER_AGENT", "FetchError", "FetchLimits", "Fetched", "fetch"]

#: The limits of a fetch are those of any request (the name the sync has always used).
FetchLimits = HttpLimits
DEFAULT_LIMITS = FetchLimits()

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
#: What a person is told happens after a failure worth retrying.
_MEANWHILE = "The kiosk keeps its saved schedule and tries again at the next update."


@dataclass(frozen=True)
class Fetched:
    changed: bool  # False on 304 Not Modified (body is None then)
    body: bytes | bytearray | None  # UTF-8 when changed (a bytearray from HTTP: no copy)
    etag: str | None
    last_modified: str | None
    content_type: str | None
    url: str


class FetchError(HttpError):
    """A fetch that failed.

    ``code`` is one of 'timeout', 'deadline', 'too_large', 'http_status', 'not_a_feed',
    'connection' (the server could not be reached), 'cut_off' (it was, and hung up),
    'not_found', 'bad_encoding'; ``retryable`` says whether trying again later
    may help; ``status`` is the HTTP status when there was one.
    """

    @classmethod
    def of(cls, error: HttpError) -> FetchError:
        return cls(error.code, error.message, retryable=error.retryable, status=error.status,
                   url=error.url, retry_after=error.retry_after, answer=error.answer)  # fmt: skip


def fetch(
    location: str,
    *,
    kind: str,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits = DEFAULT_LIMITS,
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
        client = HttpClient(limits, session=session, server="feed server", meanwhile=_MEANWHILE,
                            sleep=sleep, clock=clock, wall_clock=wall_clock)  # fmt: skip
        with client:
            return _fetch_http(client, location, kind, etag, last_modified)
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


def _fetch_http(client: HttpClient, location, kind, etag, last_modified) -> Fetched:
    headers = {"Accept": _ACCEPT_HEADER[kind]}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def refuse_what_is_not_a_feed(status, response_headers, url) -> None:
        mime, _ = _parse_content_type(response_headers.get("Content-Type"))
        if status == 200 and mime and not _type_accepted(mime, kind):
            raise FetchError(
                "not_a_feed",
                f"The address {url!r} sent {mime}, not a {_kind_name(kind)}. If this network "
                "needs a login page (a captive portal), log in once; otherwise check the address.",
                retryable=True,
                url=url,
            )

    try:
        response = client.get(location, headers=headers, accept=(200, 304),
                              check_headers=refuse_what_is_not_a_feed)  # fmt: skip
    except FetchError:
        raise
    except HttpError as error:
        if error.status in (404, 410):
            raise FetchError(
                "not_found",
                f"The feed server has nothing at {error.url!r} (HTTP {error.status}). "
                "Check the feed address in the configuration.",
                status=error.status,
                url=error.url,
            ) from error
        raise FetchError.of(error) from error
    content_type = response.headers.get("Content-Type")
    if response.status == 304:
        return Fetched(
            False,
            None,
            response.headers.get("ETag") or etag,
            response.headers.get("Last-Modified") or last_modified,
            content_type,
            response.url,
        )
    _, charset = _parse_content_type(content_type)
    body = _to_utf8(response.body, charset, response.url)
    _refuse_html(body, response.url)
    return Fetched(
        True,
        body,
        response.headers.get("ETag"),
        response.headers.get("Last-Modified"),
        content_type,
        response.url,
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


# --- errors ------------------------------------------------------------------------------


def _too_large(where: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        "too_large",
        f"The feed from {where!r} is larger than the {limits.max_bytes:,} bytes the kiosk "
        "accepts, so it was not loaded. Ask the feed's operator to check it, or raise the limit.",
    )
