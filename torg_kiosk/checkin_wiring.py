"""Builds what staff check-in needs: the outbox, the desk, the kiosk's own key, the uploader.

Part of the composition root (:mod:`torg_kiosk.services`): the desk is domain, the uploader is
sync, and neither may import the other, so they meet here. Nothing is opened when this is
built: :meth:`CheckinServices.open` does the file work, on the screen's check-in worker
thread, the first time staff mode needs it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from torg_kiosk.base.settings import KioskConfig

if TYPE_CHECKING:  # imported when staff mode first opens: the first frame needs none of it
    from torg_kiosk.domain.checkin import CheckinDesk
    from torg_kiosk.domain.tickets import SigningKey
    from torg_kiosk.store.outbox import Outbox

log = logging.getLogger(__name__)

#: The outbox kind of the kiosk's public ticket key (sent to ``/api/ticket-keys``).
KEY_KIND = "ticket_key"


@dataclass
class OpenCheckin:
    """What :meth:`CheckinServices.open` made: use from the check-in worker thread."""

    outbox: Outbox
    desk: CheckinDesk
    key: SigningKey | None


@dataclass
class CheckinServices:
    config: KioskConfig
    clock: Callable[[], datetime]
    _opened: OpenCheckin | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _upload_loop: object | None = field(default=None, init=False)

    @property
    def kiosk_id(self) -> str:
        return self.config.kiosk_id

    @property
    def pin_hash(self) -> str:
        return self.config.staff.pin_hash

    @property
    def key_path(self) -> Path:
        path = Path(self.config.staff.ticket_key_file)
        return path if path.is_absolute() else self.config.data_dir / path

    @property
    def outbox(self) -> Outbox | None:
        """The outbox if :meth:`open` has opened it, else None (nothing is opened here)."""
        return self._opened.outbox if self._opened is not None else None

    def open(self) -> OpenCheckin:
        """The outbox, the desk and the kiosk key, opened once (blocking file work)."""
        from torg_kiosk.domain.checkin import CheckinDesk
        from torg_kiosk.store.database import outbox_db_path
        from torg_kiosk.store.outbox import Outbox

        with self._lock:
            if self._opened is None:
                self.config.data_dir.mkdir(parents=True, exist_ok=True)
                outbox = Outbox.open(outbox_db_path(self.config.data_dir))
                desk = CheckinDesk(outbox, kiosk=self.kiosk_id, site=self.config.site,
                                   wall=self.clock, data_dir=self.config.data_dir)  # fmt: skip
                key = self._kiosk_key()
                if key is not None:
                    self._publish(outbox, key)
                self._opened = OpenCheckin(outbox, desk, key)
            return self._opened

    def _publish(self, outbox: Outbox, key: SigningKey) -> None:
        """Queue the kiosk's public key for the central side, which puts it in the feed for
        the other kiosks. The same nonce and body every start: the outbox and the central
        side keep it once. The nonce names the kiosk too: a kiosk renamed in its config
        (``[staff] kiosk_id``) sends its key again under its new name rather than clashing
        with the record it queued before; and a key that cannot be queued never keeps staff
        mode from opening (it is logged, and tried again at the next start)."""
        entry = {"kiosk": self.kiosk_id, "site": self.config.site, "kid": key.kid,
                 "algorithm": "Ed25519", "public_key": key.public_key_text}  # fmt: skip
        nonce = f"ticket-key-{self.kiosk_id}-{key.kid}"
        from torg_kiosk.store.outbox import OutboxError

        try:
            outbox.add(KEY_KIND, entry, nonce=nonce, now=self.clock())
        except OutboxError as error:
            log.error("The kiosk's public ticket key was not queued for upload: %s", error)

    def _kiosk_key(self) -> SigningKey | None:
        from torg_kiosk.domain.signing_keys import KeyFileError, kiosk_key

        existed = self.key_path.exists()
        try:
            key = kiosk_key(self.key_path)
        except KeyFileError as error:
            log.error("Walk-in tickets are off: %s", error)
            return None
        if not existed:
            entry = {"kid": key.kid, "algorithm": "Ed25519", "public_key": key.public_key_text}
            log.warning(
                "Made this kiosk's ticket key %s. For other kiosks to accept its walk-in "
                "tickets, add it to the feed's ticket_keys: %s", self.key_path, json.dumps(entry)
            )  # fmt: skip
        return key

    def start_uploads(self, on_round: Callable[[object], None]) -> None:
        """Start sending the outbox to ``[feed] central_url`` on the uploader's own thread."""
        if not self.config.feed.uploads_enabled or self._upload_loop is not None:
            return
        from torg_kiosk.sync.uploader import Uploader, UploadLoop

        opened = self.open()
        uploader = Uploader(opened.outbox, self.config.feed.central_url, now=self.clock)
        self._upload_loop = UploadLoop(uploader, on_round=on_round).start()

    def poke_uploads(self) -> None:
        if self._upload_loop is not None:
            self._upload_loop.poke()

    def stop(self) -> None:
        if self._upload_loop is not None:
            self._upload_loop.stop()
