"""The check-in wiring on a real data folder: nothing is opened until staff mode needs it; then
the outbox, the desk and the kiosk's own key, whose public half goes to the central side."""

from __future__ import annotations

import stat
from dataclasses import replace

import requests

from tests.conftest import DEMO_FEED, PINNED_NOW
from torg_central.devserver import serve
from torg_kiosk.base.settings import StaffConfig, load_kiosk_config
from torg_kiosk.checkin_wiring import CheckinServices
from torg_kiosk.sync.uploader import Uploader


def services(tmp_path, central_url: str = "") -> CheckinServices:
    config = load_kiosk_config()
    config = replace(config, site="tofte", data_dir=tmp_path / "data",
                     staff=StaffConfig(kiosk_id="tofte-1"),
                     feed=replace(config.feed, central_url=central_url))  # fmt: skip
    return CheckinServices(config, lambda: PINNED_NOW)


def test_nothing_is_opened_before_staff_mode_needs_it(tmp_path):
    made = services(tmp_path)
    assert made.outbox is None
    assert not (tmp_path / "data").exists()


def test_opening_makes_the_kiosk_key_private_and_the_desk_on_the_outbox(tmp_path):
    opened = services(tmp_path).open()
    key_file = tmp_path / "data" / "ticket-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert opened.key.kid.startswith("kiosk-")
    assert opened.desk.kiosk == "tofte-1" and opened.desk.site == "tofte"
    assert (tmp_path / "data" / "outbox.db").is_file()


def test_the_kiosk_key_reaches_the_central_side_once_however_often_the_kiosk_starts(tmp_path):
    with serve(DEMO_FEED, db_path=tmp_path / "central.db") as central:
        for _start in range(3):
            made = services(tmp_path, central.url)
            opened = made.open()
            Uploader(opened.outbox, central.url, now=lambda: PINNED_NOW).run_once()
            opened.outbox.close()
        stored = requests.get(f"{central.url}/api/uploads", params={"kind": "ticket-keys"},
                              timeout=10).json()  # fmt: skip
    [upload] = stored
    assert upload["body"]["kid"] == opened.key.kid
    assert upload["body"]["public_key"] == opened.key.public_key_text
    assert upload["nonce"] == f"ticket-key-{made.kiosk_id}-{opened.key.kid}"


def test_a_kiosk_renamed_in_its_config_sends_its_key_again_and_staff_mode_still_opens(tmp_path):
    """Regression: the key's record under the old name made the new one clash in the outbox
    (the same nonce, another body), and staff mode failed to open."""
    first = services(tmp_path, "http://127.0.0.1:9")
    first.open().outbox.close()
    renamed = services(tmp_path, "http://127.0.0.1:9")
    renamed.config = replace(
        renamed.config, staff=replace(renamed.config.staff, kiosk_id="heggedal-renamed")
    )
    opened = renamed.open()
    nonces = [record.nonce for record in opened.outbox.due(now=PINNED_NOW, limit=10)]
    opened.outbox.close()
    assert f"ticket-key-heggedal-renamed-{opened.key.kid}" in nonces
    assert any(nonce.startswith("ticket-key-") and "renamed" not in nonce for nonce in nonces)
