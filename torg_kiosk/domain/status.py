"""What the status line says, decided from the facts: honest about why data is old.

Four kinds of trouble look alike to a visitor (the programme is old, or missing) but not to
the staff who must fix them, so the status line tells them apart: *no network*, *the feed
was refused* (the server answered, but not with a programme the kiosk could use), *a storage
problem* (the kiosk's own disk: locked, full, read-only, a damaged file), and, before any
programme has arrived, *the first fetch is under way*. The facts come from the store's
``sync_status`` (each failing source's error code), from the sync's last round (a storage
problem the database could not record) and from the read side (a file it cannot read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from torg_kiosk.store.codes import STORAGE_CODES
from torg_kiosk.store.schedule import DataFreshness

OK = "ok"
FETCHING = "fetching"  # no programme yet, and no failure yet: the first fetch is under way
NO_NETWORK = "no_network"
FEED_REFUSED = "feed_refused"
STORAGE = "storage"
STALE = "stale"  # old data, and no failure recorded to say why

#: Fetch codes that mean the server could not be reached at all (or not in time). Every
#: other code of a source's failure means it was reached and what came was refused.
NETWORK_CODES = frozenset({"connection", "timeout", "deadline"})


@dataclass(frozen=True)
class KioskStatus:
    kind: str
    #: When the programme on screen was last fetched (local time); None: no programme.
    data_from: datetime | None = None

    @property
    def has_programme(self) -> bool:
        return self.data_from is not None


def kiosk_status(
    freshness: DataFreshness | None, *, storage_problem: str | None = None
) -> KioskStatus:
    """The status from what the schedule says (``freshness``; None: no schedule to read) and
    ``storage_problem``: the code of a storage problem met outside ``sync_status`` (the
    sync's last round, or the read side), if any."""
    data_from = freshness.last_success if freshness is not None else None
    codes = set(freshness.error_codes) if freshness is not None else set()
    if storage_problem is not None or codes & STORAGE_CODES:
        kind = STORAGE
    elif codes & NETWORK_CODES:
        kind = NO_NETWORK
    elif codes:
        kind = FEED_REFUSED
    elif data_from is None:
        kind = FETCHING
    elif freshness.is_stale():
        kind = STALE
    else:
        kind = OK
    return KioskStatus(kind, data_from)
