"""Ticket tokens: compact, in QR alphanumeric mode, signed, verified offline with any known key.

The worked example of docs/tickets.md is checked here byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import date, datetime

import pytest
import qrcode
import zxingcpp
from PIL import Image

from tests.conftest import DEMO_FEED, REPO_ROOT
from torg_kiosk.base.clock import OSLO
from torg_kiosk.domain.signing_keys import KeyFileError, kiosk_key, read_key, write_new_key
from torg_kiosk.domain.tickets import (
    TOKEN_LENGTH,
    BadSignature,
    NotATicket,
    TicketKeys,
    TicketRangeError,
    demo_signing_key,
    issue_ticket,
    read_ticket,
    split_token,
    ticket_number,
)

DAY = date(2026, 12, 3)
DEMO = demo_signing_key()
DEMO_KEYS = TicketKeys([(DEMO.kid, DEMO.public_key_text)])
EXAMPLE = dict(
    activity_id="tofte-seniortrim",
    site="tofte",
    day=DAY,
    valid_from=datetime(2026, 12, 3, 10, 30, tzinfo=OSLO),
    valid_until=datetime(2026, 12, 3, 12, 30, tzinfo=OSLO),
    number=0x3F9A01C2,
)


def test_a_token_is_120_digits_and_capital_letters():
    token = issue_ticket(DEMO, **EXAMPLE)
    assert len(token) == TOKEN_LENGTH == 120
    assert re.fullmatch(r"[0-9A-Z]{120}", token)


def test_the_qr_code_is_in_alphanumeric_mode_and_small():
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(issue_ticket(DEMO, **EXAMPLE))
    code.make(fit=True)
    assert [segment.mode for segment in code.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    assert code.version <= 5, "37×37 modules: a cheap scanner reads it at arm's length"


def test_the_worked_example_in_the_docs_is_what_the_code_makes():
    doc = (REPO_ROOT / "docs" / "tickets.md").read_text(encoding="utf-8")
    token = issue_ticket(DEMO, **EXAMPLE)
    assert token in doc
    fields, payload, _signature = split_token(token)
    assert payload.hex() in doc
    for name, value in fields.items():
        assert f"| `{name}` |" in doc and f"| {value} |" in doc, name


def test_a_ticket_says_what_it_was_issued_for():
    ticket = read_ticket(issue_ticket(DEMO, **EXAMPLE), DEMO_KEYS)
    assert ticket.kid == "demo-2026"
    assert ticket.ticket_id == "T-3F9A01C2"
    assert ticket.is_for_site("tofte") and not ticket.is_for_site("borgen")
    assert ticket.is_for_activity("tofte-seniortrim")
    assert not ticket.is_for_activity("tofte-sjakk")
    assert ticket.day == DAY
    assert ticket.valid_from == datetime(2026, 12, 3, 10, 30, tzinfo=OSLO)
    assert ticket.valid_until == datetime(2026, 12, 3, 12, 30, tzinfo=OSLO)


def test_without_times_a_ticket_is_valid_the_whole_day():
    ticket = read_ticket(issue_ticket(DEMO, activity_id="a", site="tofte", day=DAY), DEMO_KEYS)
    assert ticket.valid_from == datetime(2026, 12, 3, 0, 0, tzinfo=OSLO)
    assert ticket.valid_until == datetime(2026, 12, 4, 0, 0, tzinfo=OSLO)


def test_times_round_outwards_to_the_quarter_hour():
    token = issue_ticket(
        DEMO, activity_id="a", site="tofte", day=DAY,
        valid_from=datetime(2026, 12, 3, 10, 7, tzinfo=OSLO),
        valid_until=datetime(2026, 12, 3, 11, 1, tzinfo=OSLO),
    )  # fmt: skip
    ticket = read_ticket(token, DEMO_KEYS)
    assert (ticket.valid_from.time().isoformat(), ticket.valid_until.time().isoformat()) == (
        "10:00:00",
        "11:15:00",
    )


def test_quarter_hours_are_real_time_on_the_day_the_clocks_go_forward():
    spring = date(2026, 3, 29)  # 02:00 becomes 03:00
    token = issue_ticket(
        DEMO, activity_id="a", site="tofte", day=spring,
        valid_from=datetime(2026, 3, 29, 4, 0, tzinfo=OSLO),
        valid_until=datetime(2026, 3, 29, 5, 0, tzinfo=OSLO),
    )  # fmt: skip
    ticket = read_ticket(token, DEMO_KEYS)
    assert ticket.valid_from == datetime(2026, 3, 29, 4, 0, tzinfo=OSLO)
    assert ticket.valid_until == datetime(2026, 3, 29, 5, 0, tzinfo=OSLO)


def test_any_key_in_the_list_verifies_so_keys_can_rotate():
    old, new = write_new_key_pair()
    keys = TicketKeys([(old.kid, old.public_key_text), (new.kid, new.public_key_text)])
    for key in (old, new):
        assert read_ticket(issue_ticket(key, activity_id="a", site="s", day=DAY), keys).kid == (
            key.kid
        )


def test_two_keys_whose_ids_share_a_tag_are_both_tried():
    first, second = write_new_key_pair()
    # Give the second key the first's kid tag by naming both the same way: the list keeps both.
    keys = TicketKeys([(first.kid, second.public_key_text), (first.kid, first.public_key_text)])
    assert read_ticket(issue_ticket(first, activity_id="a", site="s", day=DAY), keys)


def test_a_ticket_signed_by_a_key_the_kiosk_does_not_know_is_refused():
    stranger, _ = write_new_key_pair()
    with pytest.raises(BadSignature):
        read_ticket(issue_ticket(stranger, activity_id="a", site="s", day=DAY), DEMO_KEYS)


def test_a_ticket_with_one_character_changed_is_refused():
    token = issue_ticket(DEMO, **EXAMPLE)
    for position in (0, 5, 20, 60, 119):
        other = "1" if token[position] != "1" else "2"
        changed = token[:position] + other + token[position + 1 :]
        with pytest.raises((BadSignature, NotATicket)):
            read_ticket(changed, DEMO_KEYS)


def test_small_letters_and_surrounding_space_from_a_scanner_still_read():
    token = issue_ticket(DEMO, **EXAMPLE)
    assert read_ticket(f"  {token.lower()}\r\n", DEMO_KEYS).ticket_id == "T-3F9A01C2"


@pytest.mark.parametrize(
    "text",
    ["", "hello", "A" * 119, "A" * 121, "a-b" * 40, "Z" * 120, "https://example.org/" + "A" * 100],
)
def test_text_that_is_no_ticket_says_so(text):
    with pytest.raises(NotATicket):
        read_ticket(text, DEMO_KEYS)


def test_a_day_a_ticket_cannot_name_is_refused_when_issuing():
    with pytest.raises(TicketRangeError):
        issue_ticket(DEMO, activity_id="a", site="s", day=date(2023, 12, 31))
    with pytest.raises(TicketRangeError):
        issue_ticket(
            DEMO, activity_id="a", site="s", day=DAY,
            valid_from=datetime(2026, 12, 3, 12, 0, tzinfo=OSLO),
            valid_until=datetime(2026, 12, 3, 11, 0, tzinfo=OSLO),
        )  # fmt: skip


def test_ticket_ids_are_t_and_eight_hex_digits():
    assert ticket_number("T-3F9A01C2") == 0x3F9A01C2
    with pytest.raises(ValueError, match="T-3F9A01C2"):
        ticket_number("3F9A01C2")


def test_the_demo_feed_carries_the_demo_signing_keys_public_half():
    [key] = json.loads(DEMO_FEED.read_text(encoding="utf-8"))["ticket_keys"]
    assert (key["kid"], key["public_key"]) == (DEMO.kid, DEMO.public_key_text)


# -- key files ---------------------------------------------------------------------------------


def write_new_key_pair():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from torg_kiosk.domain.signing_keys import kid_for
    from torg_kiosk.domain.tickets import SigningKey

    keys = [Ed25519PrivateKey.generate() for _ in range(2)]
    return [SigningKey(kid_for(k), k) for k in keys]


def test_the_kiosk_key_is_made_on_first_use_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "keys" / "kiosk-ticket-key.pem"
    made = kiosk_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made.kid.startswith("kiosk-")
    assert kiosk_key(path).public_key_text == made.public_key_text, "read again, not remade"


def test_a_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "k.pem"
    write_new_key(path)
    with pytest.raises(KeyFileError, match="never overwritten"):
        write_new_key(path)


def test_a_key_file_others_may_read_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "k.pem"
    write_new_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_key(path)


# -- torg-tickets ------------------------------------------------------------------------------


def run_tickets(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk.tickets_cli", *args],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )  # fmt: skip


def test_torg_tickets_issues_a_token_and_a_png_a_real_decoder_reads(tmp_path):
    png = tmp_path / "ticket.png"
    done = run_tickets(
        "issue", "--demo", "--activity", "tofte-seniortrim", "--site", "tofte",
        "--date", "2026-12-03", "--from", "10:30", "--until", "12:30",
        "--ticket", "T-3F9A01C2", "--png", str(png),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token == issue_ticket(DEMO, **EXAMPLE)
    [found] = zxingcpp.read_barcodes(Image.open(png))
    assert found.text == token and found.format == zxingcpp.BarcodeFormat.QRCode


def test_torg_tickets_keygen_prints_the_feed_entry_and_signs_with_the_file(tmp_path):
    key_file = tmp_path / "central.pem"
    done = run_tickets("keygen", str(key_file))
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["kid"].startswith("central-") and entry["algorithm"] == "Ed25519"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    issued = run_tickets("issue", "--key", str(key_file), "--activity", "a", "--site", "tofte",
                         "--date", "2026-12-03")  # fmt: skip
    keys = TicketKeys([(entry["kid"], entry["public_key"])])
    assert read_ticket(issued.stdout, keys).kid == entry["kid"]


def test_torg_tickets_says_what_is_wrong_with_a_bad_time():
    done = run_tickets("issue", "--demo", "--activity", "a", "--site", "tofte", "--date",
                       "2026-12-03", "--from", "12:00", "--until", "11:00")  # fmt: skip
    assert done.returncode == 2
    assert "valid_until must come after" in done.stderr
