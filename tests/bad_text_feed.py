"""The feed of the issue "One bad character must never take the lobby screens down".

Heggedal on Thursday 3 December 2026, as JSON text spelled the way the trouble came:

- ``babysang`` (daily, 11:00): ``"Babysang \\ud800"``, a lone surrogate escape (six characters);
- ``strikk`` (12:00): ``"Strikkekafé\\u0000 for alle"``, a NUL;
- ``deep`` (13:00): an organizer nested 10,000 arrays deep;
- ``long`` (14:00): a one-megabyte title, over the contract's 4000;
- ``good`` (15:00): nothing wrong with it.
"""

from __future__ import annotations

import json

from tests.conftest import activity, feed

SITE = "heggedal"
NOW = "2026-12-03T10:15"
NEXT_DAY = "2026-12-04T10:15"

SPELLED = {
    '"BABYSANG"': '"Babysang \\ud800"',
    '"STRIKK"': '"Strikkekafé\\u0000 for alle"',
    '"DEEP"': "[" * 10_000 + "]" * 10_000,
    '"LONG"': '"' + "L" * 1_000_000 + '"',
}
#: What the screen shows of them (the deep and the long one are skipped).
SHOWN = {"babysang": "Babysang \ufffd", "strikk": "Strikkekafé for alle", "good": "Bra aktivitet"}


def _at(hour: int, id: str, **fields) -> dict:
    day = "2026-12-03"
    return activity(id, f"{day}T{hour}:00:00+01:00", f"{day}T{hour}:45:00+01:00", site=SITE,
                    **fields)  # fmt: skip


def bad_text_feed() -> bytes:
    babysang = activity("babysang", "2026-12-01T11:00:00+01:00", "2026-12-01T11:45:00+01:00",
                        site=SITE, title="BABYSANG", rrule="FREQ=DAILY")  # fmt: skip
    activities = [
        babysang,
        _at(12, "strikk", title="STRIKK"),
        _at(13, "deep", organizer="DEEP"),
        _at(14, "long", title="LONG"),
        _at(15, "good", title=SHOWN["good"]),
    ]
    text = json.dumps(feed(activities), ensure_ascii=False)
    for placeholder, spelled in SPELLED.items():
        text = text.replace(placeholder, spelled)
    return text.encode("utf-8")
