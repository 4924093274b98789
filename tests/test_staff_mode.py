"""Staff mode without the screen: the PIN hash, the growing lockout, the scanner's timing, the
walk-in sign-up's places, and the [staff] config. Clocks are pinned numbers."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from tests.conftest import REPO_ROOT
from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import ConfigError, StaffConfig, load_kiosk_config
from torg_kiosk.domain import signup
from torg_kiosk.domain.scanner import ScanCapture
from torg_kiosk.domain.signing_keys import write_new_key
from torg_kiosk.domain.staff import (
    PinHashError,
    PinLock,
    StaffIdle,
    check_pin_hash,
    hash_pin,
    pin_matches,
    wait_in_words,
)
from torg_kiosk.domain.tickets import TicketKeys, read_ticket
from torg_kiosk.store.outbox import Outbox

STORED = hash_pin("2468")


# -- the PIN -----------------------------------------------------------------------------------


def test_the_pin_is_kept_as_a_salted_scrypt_hash_never_as_itself():
    assert STORED.startswith("scrypt$16384$8$1$") and "2468" not in STORED
    assert hash_pin("2468") != STORED, "a new salt each time"
    assert pin_matches("2468", STORED) and not pin_matches("2469", STORED)


@pytest.mark.parametrize("bad", ["2468", "scrypt$x$8$1$a$b", "bcrypt$1$2$3$4$5",
                                 "scrypt$3$8$1$AAAA$AAAA"])  # fmt: skip
def test_a_pin_hash_that_is_not_one_is_refused_with_how_to_make_one(bad):
    with pytest.raises(PinHashError, match=r"torg-tickets pin-hash|scrypt parameters"):
        check_pin_hash(bad)


def test_four_wrong_pins_are_free_the_fifth_locks_for_30_seconds():
    lock = PinLock()
    for second in range(4):
        assert lock.try_pin("0000", STORED, now=100.0 + second) is False
        assert lock.seconds_left(100.0 + second) == 0
    assert lock.try_pin("0000", STORED, now=110.0) is False
    assert lock.seconds_left(110.0) == 30
    assert lock.try_pin("2468", STORED, now=139.0) is None, "locked: not even checked"
    assert lock.try_pin("2468", STORED, now=140.0) is True
    assert lock.failures == 0


def test_each_wrong_pin_after_the_fifth_doubles_the_wait_up_to_an_hour():
    lock, now, waits = PinLock(), 0.0, []
    for _ in range(14):
        now += lock.seconds_left(now)
        lock.try_pin("0000", STORED, now)
        waits.append(lock.seconds_left(now))
    assert waits[4:10] == [30, 60, 120, 240, 480, 960]
    assert max(waits) == 3600


@pytest.mark.parametrize(
    ("seconds", "language", "words"),
    [
        (30, "nb", "For mange feil. Prøv igjen om 30 sekunder."),
        (60, "nb", "For mange feil. Prøv igjen om ett minutt."),
        (61, "nb", "For mange feil. Prøv igjen om 2 minutter."),
        (240, "en", "Too many wrong tries. Try again in 4 minutes."),
    ],
)
def test_the_lockout_is_said_in_words(seconds, language, words):
    assert wait_in_words(seconds, language) == words


def test_staff_mode_idles_out_after_its_time_without_a_touch_or_a_scan():
    idle = StaffIdle(120, now=0)
    assert not idle.expired(119)
    idle.activity(100)
    assert not idle.expired(219) and idle.expired(220)


def test_torg_tickets_pin_hash_reads_the_pin_from_stdin_and_prints_the_config_line():
    done = subprocess.run([sys.executable, "-m", "torg_kiosk.tickets_cli", "pin-hash"],
                          input="2468\n", capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith('pin_hash = "scrypt$')
    assert pin_matches("2468", line.split('"')[1])


# -- the scanner -------------------------------------------------------------------------------


def typed(capture: ScanCapture, text: str, gap: float, start: float = 0.0) -> str | None:
    now = start
    for char in text:
        assert capture.key(char, now) is None
        now += gap
    return capture.key("\n", now)


def test_a_fast_burst_ending_in_enter_is_a_scan():
    assert typed(ScanCapture(), "ABC123XYZ", gap=0.004) == "ABC123XYZ"


def test_a_person_typing_is_not_a_scan():
    capture = ScanCapture()
    assert typed(capture, "ABC123XYZ", gap=0.12) is None
    assert capture.last_dropped == "slow"


def test_a_long_pause_in_a_burst_drops_what_came_before_it():
    capture = ScanCapture()
    for i, char in enumerate("JUNK"):
        capture.key(char, i * 0.005)
    assert typed(capture, "REALSCAN", gap=0.004, start=5.0) == "REALSCAN"


def test_a_scan_is_made_safe_before_anyone_reads_it():
    assert typed(ScanCapture(), "AB\u202eCD\x00EF", gap=0.004) == "ABCDEF"


def test_a_few_keys_and_enter_are_not_a_scan():
    capture = ScanCapture()
    assert typed(capture, "AB", gap=0.004) is None
    assert capture.last_dropped == "short"


# -- the walk-in sign-up -----------------------------------------------------------------------

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)


@dataclass
class View:
    """What signup needs of an OccurrenceView."""

    activity_id: str = "heggedal-babysang"
    site: str = "heggedal"
    start: datetime = datetime(2026, 12, 3, 11, 0, tzinfo=OSLO)
    end: datetime = datetime(2026, 12, 3, 12, 0, tzinfo=OSLO)
    registration_required: bool = True
    registration_capacity: int | None = 12
    registration_url: str | None = "https://example.org/venteliste"
    places_taken: int = 9
    cancelled: bool = False

    def is_past(self, now):
        return self.end <= now


def test_places_left_are_capacity_minus_the_central_count_minus_what_this_kiosk_issued():
    assert signup.signup_offer(View(), issued=0, now=NOW) == signup.SignupOffer("open", 3)
    assert signup.signup_offer(View(), issued=2, now=NOW).places_left == 1


def test_a_full_activity_offers_its_waiting_list():
    offer = signup.signup_offer(View(), issued=3, now=NOW)
    assert offer == signup.SignupOffer("full", 0, "https://example.org/venteliste")
    assert signup.places_text(offer, "nb") == "Aktiviteten er full. Skann koden for venteliste."


@pytest.mark.parametrize("change", [{"cancelled": True}, {"registration_required": False},
                                    {"end": NOW - timedelta(minutes=1)}])  # fmt: skip
def test_no_sign_up_for_a_cancelled_a_free_or_a_past_activity(change):
    assert signup.signup_offer(View(**change), issued=0, now=NOW).state == "unavailable"


def test_a_walk_in_ticket_is_signed_by_the_kiosk_key_and_recorded_before_it_is_shown(tmp_path):
    key = write_new_key(tmp_path / "kiosk.pem")
    outbox = Outbox.open(tmp_path / "outbox.db")
    token = signup.issue_walk_in_ticket(outbox, key, "heggedal-1", View(), NOW)
    ticket = read_ticket(token, TicketKeys([(key.kid, key.public_key_text)]))
    assert ticket.is_for_activity("heggedal-babysang") and ticket.is_for_site("heggedal")
    assert ticket.valid_from == NOW.replace(minute=15), "valid from now: the visitor is here"
    assert ticket.valid_until == View().end
    assert signup.issued_here(outbox, View()) == 1
    [record] = outbox.about_ticket("signup", ticket.ticket_id)
    assert record.payload["key"] == key.kid
    assert "name" not in record.payload and "phone" not in record.payload
    outbox.close()


def test_the_day_and_time_are_said_in_words():
    assert signup.when_in_words(View(), "nb") == "torsdag 3. desember, kl. 11:00–12:00"
    assert signup.when_in_words(View(), "en") == "Thursday 3 December, 11:00–12:00"


# -- [staff] in kiosk.toml ---------------------------------------------------------------------


def write_config(tmp_path, staff: str) -> object:
    bundled = REPO_ROOT / "torg_kiosk" / "config"
    text = (bundled / "kiosk.toml").read_text(encoding="utf-8")
    text = text[: text.index("[staff]")] + staff
    (tmp_path / "kiosk.toml").write_text(text, encoding="utf-8")
    (tmp_path / "sites").symlink_to(bundled / "sites")
    return tmp_path / "kiosk.toml"


def test_the_bundled_config_has_staff_mode_off_until_a_pin_hash_is_set():
    assert load_kiosk_config(REPO_ROOT / "torg_kiosk" / "config" / "kiosk.toml").staff == (
        StaffConfig()
    )


def test_a_staff_section_is_read(tmp_path):
    path = write_config(tmp_path, f'[staff]\npin_hash = "{STORED}"\nidle_seconds = 60\n')
    staff = load_kiosk_config(path).staff
    assert (staff.pin_hash, staff.idle_seconds, staff.ticket_key_file) == (
        STORED, 60, "ticket-key.pem")  # fmt: skip


def test_a_pin_written_in_the_config_instead_of_its_hash_is_refused(tmp_path):
    path = write_config(tmp_path, '[staff]\npin_hash = "2468"\n')
    with pytest.raises(ConfigError, match="torg-tickets pin-hash"):
        load_kiosk_config(path)
