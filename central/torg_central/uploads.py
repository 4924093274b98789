"""The uploads blueprint: ``POST /api/<kind>`` for check-ins, call requests and heartbeats.

The contract (bodies, the nonce, status codes, what the kiosk retries) is docs/uploads.md.
``GET /api/uploads[?kind=…]`` lists what is stored; it exists for tests and demos and has no
place on a production server.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, jsonify, request

from torg_central.context import central
from torg_central.errors import ApiError

blueprint = Blueprint("uploads", __name__, url_prefix="/api")

UPLOAD_KINDS = ("checkins", "signups", "ticket-keys", "calls", "heartbeats")
#: What ``secrets.token_urlsafe``, ``secrets.token_hex`` and UUIDs give, 16 to 128 of them.
NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")


@blueprint.post("/<kind>")
def upload(kind: str):
    _check_kind(kind)
    record = _parse_record(request.get_data(cache=False))
    shared = central()
    recorded = shared.store.record(kind, record["nonce"], record, shared.config.now())
    if recorded.outcome == "conflict":
        raise ApiError(
            409,
            "nonce_reused",
            f"The nonce {recorded.nonce!r} is already stored for a different {recorded.kind} "
            "record. A retry must send the same body; a new record needs a new random nonce.",
        )
    status = 201 if recorded.outcome == "created" else 200
    return jsonify(
        status=recorded.outcome, nonce=recorded.nonce, received_at=recorded.received_at
    ), status


@blueprint.get("/uploads")
def list_uploads():
    kind = request.args.get("kind")
    if kind is not None:
        _check_kind(kind)
    return jsonify([stored.as_json() for stored in central().store.uploads(kind)])


def _check_kind(kind: str) -> None:
    if kind not in UPLOAD_KINDS:
        raise ApiError(
            404,
            "unknown_kind",
            f"This server takes no uploads of kind {kind!r}; "
            f"the kinds are {', '.join(UPLOAD_KINDS)}.",
        )


def _parse_record(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object with a valid nonce, or an :class:`ApiError` 400 saying why."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "not_json", f"The body is not UTF-8 text ({error.reason}).") from error
    try:
        record = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise ApiError(400, "not_json", f"The body is not valid JSON: {error}.") from error
    if not isinstance(record, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object, {…}.")
    nonce = record.get("nonce")
    if not isinstance(nonce, str) or not NONCE.fullmatch(nonce):
        raise ApiError(
            400,
            "bad_nonce",
            "The body needs a 'nonce': a random string of 16-128 letters, digits, '-' or '_', "
            "new for each record and the same when the record is sent again.",
        )
    return record


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
