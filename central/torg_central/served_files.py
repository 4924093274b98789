"""Files served as they are (the feed, calendars), prepared once per change.

Like a real central server that publishes a prepared feed, a request costs a ``stat``: the
bytes are read, hashed for the ETag and gzipped again only when the file's size or mtime
changed. The feed can be tens of MB (benchmarks/bench_sync.py serves 100,000 activities).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PreparedFile:
    """One version of a file: its bytes, a strong ETag of them, its mtime."""

    content: bytes
    etag: str  # sha256 of the content, unquoted
    modified: float  # Unix seconds
    _gzipped: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def gzipped(self) -> bytes:
        with self._lock:  # two first requests must not both spend seconds compressing
            if self._gzipped is None:
                # mtime=0 keeps the compressed bytes the same for the same content.
                self._gzipped = gzip.compress(self.content, compresslevel=6, mtime=0)
            return self._gzipped


class FileCache:
    """The latest :class:`PreparedFile` per path, shared by the server's request threads."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[int, int], PreparedFile]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> PreparedFile:
        """The file's current version; raises ``OSError`` when it cannot be read."""
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._files.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        content = path.read_bytes()
        prepared = PreparedFile(content, hashlib.sha256(content).hexdigest(), stat.st_mtime)
        with self._lock:
            self._files[path] = (stamp, prepared)
        return prepared
