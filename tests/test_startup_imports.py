"""What the first frame does not need is not imported before it (benchmarks/bench_startup.py
measures the time): checked in a fresh interpreter, on the wiring the kiosk starts with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

#: What the kiosk does before its first frame, short of Kivy: build the services, then word
#: Home in bokmål (the date, the status line, the torg's name through the Arabic shaping).
FIRST_FRAME = """
import sys
from datetime import datetime
from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.settings import load_kiosk_config, load_site
from torg_kiosk.domain import present
from torg_kiosk.domain.bidi import display_text
from torg_kiosk.services import build_services

site = load_site("heggedal")
services = build_services(
    load_kiosk_config(), site, now=datetime(2026, 12, 3, 10, 15, tzinfo=OSLO)
)
now = services.clock()
print(present.day_text(now.date(), "nb"), "|", present.status_line(None, now, "nb"), "|",
      display_text(site.name, False))
print(" ".join(sorted(sys.modules)))
"""

#: Each is paid for later: on the sync's thread, on the first Arabic text, the first QR
#: code, or (Babel) never at run time: the weekday and month names are in calendar.json.
NOT_BEFORE_THE_FIRST_FRAME = (
    "babel",
    "arabic_reshaper",
    "bidi",
    "qrcode",
    "torg_kiosk.sync.pipeline",
    "torg_kiosk.store.snapshots",
    "icalendar",
    "urllib3",
)


def test_the_services_and_the_words_of_home_import_nothing_the_first_frame_does_not_need():
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    words, modules = done.stdout.splitlines()
    assert words == "torsdag 3. desember | Henter program … | Heggedal innbyggertorg"
    imported = set(modules.split())
    assert [name for name in NOT_BEFORE_THE_FIRST_FRAME if name in imported] == []
