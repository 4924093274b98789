"""The codes storage problems are known by, in one place (no SQLite here: the screen reads it).

They name a problem for a program: in ``sync_status.last_error_code``, in a sync's result,
in the problem note. The store's errors carry them (:mod:`torg_kiosk.store.database`); the
screen decides from them what to say (:mod:`torg_kiosk.domain.status`).
"""

from __future__ import annotations

#: Another program held the database's write lock for longer than the busy timeout.
DATABASE_BUSY = "database_busy"
#: The disk holding the data folder is full.
DISK_FULL = "disk_full"
#: The data folder cannot be written: a read-only file system, or no permission.
READ_ONLY = "read_only"
#: kiosk.db is damaged (or from a newer kiosk): it is set aside and built anew.
NEEDS_REBUILD = "needs_rebuild"
#: Any other failure to open or use a database file.
STORAGE_ERROR = "storage_error"

STORAGE_CODES = frozenset({DATABASE_BUSY, DISK_FULL, READ_ONLY, NEEDS_REBUILD, STORAGE_ERROR})
