"""Journal lines: one line per event, a stable event name first, no personal data.

The last test runs the real kiosk as systemd would (``JOURNAL_STREAM`` set) on the virtual
display, and reads what it writes to stderr: the journal's input.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from torg_kiosk.base.journal import configure_journal, event, format_event

REPO = Path(__file__).resolve().parents[1]
#: What journald receives: a priority, an event name, fields, maybe `` — sentence``.
JOURNAL_LINE = re.compile(r"<[2-7]>[a-z][a-z0-9_]+( [a-z_]+=\S+)*( — .*)?")


def test_an_event_is_its_name_then_its_fields():
    line = format_event("heartbeat_sent", {"status": 201, "waiting": 0, "site": "tofte"})
    assert line == "heartbeat_sent status=201 waiting=0 site=tofte"


def test_values_with_spaces_are_quoted_and_nothing_spills_onto_a_second_line():
    line = format_event("sync_source", {"error": "timed out\nafter 30 s"}, "the feed server")
    assert line == 'sync_source error="timed out after 30 s" — the feed server'


def test_fields_named_for_personal_data_are_withheld():
    line = format_event("call_requested", {"display_name": "Kari Nordmann", "language": "nb"})
    assert "Kari" not in line
    assert line == "call_requested display_name=[withheld] language=nb"


def test_an_event_name_must_be_lower_snake_case():
    with pytest.raises(ValueError, match="lower_snake_case"):
        event(logging.getLogger("t"), "Heartbeat Sent")


def test_under_systemd_each_record_is_one_line_with_its_priority():
    out = io.StringIO()
    handler = configure_journal({"JOURNAL_STREAM": "8:1234"}, stream=out)
    try:
        log = logging.getLogger("torg_kiosk.test")
        event(log, "screen_rest", reason="closed")
        log.warning("A sentence from code that logs no event.")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("it failed")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == "<6>screen_rest reason=closed"
    assert lines[1] == (
        "<4>message logger=torg_kiosk.test level=warning — A sentence from code that logs no event."
    )
    assert lines[2].startswith("<3>message logger=torg_kiosk.test level=error — it failed | ")
    assert "RuntimeError: boom" in lines[2]
    assert len(lines) == 3


@pytest.mark.ui
@pytest.mark.slow
def test_the_kiosk_under_systemd_writes_only_journal_lines(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORG_KIOSK_", "KIVY_"))}
    env["JOURNAL_STREAM"] = "8:1234"
    done = subprocess.run(
        [sys.executable, "-m", "torg_kiosk", "--windowed", "--size", "960x540",
         "--data", str(tmp_path), "--screenshot", str(tmp_path / "shot.png")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    strays = [line for line in lines if not JOURNAL_LINE.fullmatch(line)]
    # The screenshot mode's own closing lines are for the person who asked for the picture.
    assert all(line.startswith("torg-kiosk: ") for line in strays), strays
    names = [line[3:].split(" ")[0] for line in lines if JOURNAL_LINE.fullmatch(line)]
    assert names[0] == "kiosk_start"
    assert "kiosk_ready" in names and "sync_source" in names
