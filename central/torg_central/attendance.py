"""The attendance report: ``GET /reports/attendance.csv?from=…&to=…[&site=…][&activity=…]``.

One row per occurrence (site, activity, local date) in the period, counted from the stored
check-ins (one record per nonce, docs/uploads.md):

- ``attended``: the tickets let in, each ticket once, plus the people let in without one
  (``walk_in``); a check-in taken back by an ``undone`` record does not count;
- ``tickets``, ``walk_ins``, ``forced`` (let in over capacity), ``undone``, ``kiosks``.

A ticket let in twice (two kiosks offline at one door) counts once in ``attended`` and
``tickets``. No ticket ids or other details leave the report: counts only.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from flask import Blueprint, Response, request

from torg_central.context import central
from torg_central.errors import ApiError

blueprint = Blueprint("attendance", __name__, url_prefix="/reports")

COLUMNS = ("site", "activity", "occurrence", "attended", "tickets", "walk_ins", "forced",
           "undone", "kiosks")  # fmt: skip
ADMITTING = ("accepted", "walk_in")


@blueprint.get("/attendance.csv")
def attendance_csv() -> Response:
    start, end = _day("from"), _day("to")
    if end < start:
        raise ApiError(400, "bad_period", "'to' comes before 'from': give the period in order.")
    rows = attendance(
        [stored.body for stored in central().store.uploads("checkins")],
        start,
        end,
        site=request.args.get("site"),
        activity=request.args.get("activity"),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([row[column] for column in COLUMNS] for row in rows)
    name = f"attendance-{start}-{end}.csv"
    return Response(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def attendance(
    bodies: list[dict], start: date, end: date, *, site: str | None = None,
    activity: str | None = None,
) -> list[dict]:  # fmt: skip
    """The report's rows for check-in ``bodies`` with an occurrence from ``start`` to ``end``."""
    undone = {b.get("undoes") for b in bodies if b.get("result") == "undone"}
    groups: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: {"tickets": set(), "walk_ins": 0, "forced": 0, "undone": 0, "kiosks": set()}
    )
    for body in bodies:
        try:
            day = date.fromisoformat(str(body.get("occurrence")))
        except ValueError:
            continue
        key = (str(body.get("site", "")), str(body.get("activity", "")), day.isoformat())
        if (
            not start <= day <= end
            or (site and key[0] != site)
            or (activity and key[1] != activity)
        ):
            continue
        group = groups[key]
        result = body.get("result")
        if result == "undone":
            group["undone"] += 1
            continue
        if result not in ADMITTING or body.get("nonce") in undone:
            continue
        group["kiosks"].add(str(body.get("kiosk", "")))
        if result == "walk_in":
            group["walk_ins"] += 1
        else:
            group["tickets"].add(body.get("ticket"))
            group["forced"] += bool(body.get("forced"))
    return [
        {
            "site": key[0],
            "activity": key[1],
            "occurrence": key[2],
            "attended": len(group["tickets"]) + group["walk_ins"],
            "tickets": len(group["tickets"]),
            "walk_ins": group["walk_ins"],
            "forced": group["forced"],
            "undone": group["undone"],
            "kiosks": len(group["kiosks"]),
        }
        for key, group in sorted(groups.items())
    ]


def _day(name: str) -> date:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, "bad_period",
            f"'{name}' must be a date written 2026-12-03, not {value!r}: "
            "/reports/attendance.csv?from=2026-12-01&to=2026-12-31",
        ) from None  # fmt: skip
