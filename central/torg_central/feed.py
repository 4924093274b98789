"""The feed blueprint: ``GET /feed.json`` and ``GET /calendars/<name>.ics``.

Each answer has a strong ETag (the sha256 of the file's bytes), Last-Modified and
``Cache-Control: no-cache``; ``If-None-Match`` with that ETag gets ``304`` without a body;
a client that accepts gzip gets the bytes gzipped. The ETag is the same for both codings: it
names the feed's content, which is what the kiosk compares (If-None-Match uses the weak
comparison anyway).
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, request

from torg_central.context import central
from torg_central.errors import ApiError

blueprint = Blueprint("feed", __name__)

_CALENDAR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@blueprint.get("/feed.json")
def feed_document() -> Response:
    return _serve_file(central().config.feed_path, "application/json; charset=utf-8")


@blueprint.get("/calendars/<name>.ics")
def calendar(name: str) -> Response:
    folder = central().config.calendars_dir
    if folder is None:
        raise ApiError(404, "not_found", "This server has no calendars configured.")
    if not _CALENDAR_NAME.fullmatch(name):
        raise ApiError(404, "not_found", f"There is no calendar named {name!r}.")
    return _serve_file(folder / f"{name}.ics", "text/calendar; charset=utf-8")


def _serve_file(path: Path, content_type: str) -> Response:
    try:
        prepared = central().files.get(path)
    except OSError as error:
        raise ApiError(404, "not_found", f"{path.name} is not on this server.") from error
    if _accepts_gzip():
        response = Response(prepared.gzipped(), content_type=content_type)
        response.content_encoding = "gzip"
    else:
        response = Response(prepared.content, content_type=content_type)
    response.set_etag(prepared.etag)
    response.last_modified = prepared.modified
    response.cache_control.no_cache = True
    response.vary.add("Accept-Encoding")
    # 304 for a matching If-None-Match (or an If-Modified-Since that is not older).
    response.make_conditional(request)
    # make_conditional adds a Date header, and the HTTP server adds its own: keep one.
    del response.headers["Date"]
    return response


def _accepts_gzip() -> bool:
    encodings = request.accept_encodings
    return encodings["gzip"] > 0 or encodings["x-gzip"] > 0
