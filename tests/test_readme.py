"""Every command README.md shows works exactly as written: this module runs each one.

The commands run in a copy of the checkout made of symlinks, so what they write (``var/``,
``screenshots/``) lands there and not in the checkout. They run with the environment a person
has: no ``KIVY_*`` or ``TORG_KIOSK_*`` variables from the test run.

- Commands that finish are run to the end and must exit 0 (the benchmarks with a small size,
  passed with the flags each one has).
- Commands that run until stopped (``torg-sync loop``, ``torg-kiosk`` without
  ``--screenshot``, the reference server) are run until they show they have started, checked
  to be still running, and stopped.
- ``tools/test.sh`` is the one command not run: it is the test suite this module belongs to.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.ui]

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
#: What the commands write is not linked into the copy of the checkout; neither is git.
NOT_LINKED = {".git", "var", "screenshots", "build", "dist", ".pytest_cache", ".ruff_cache"}

RUN_KIOSK = "tools/run-kiosk.sh --site heggedal --windowed"
TEST_SUITE = "tools/test.sh"
ONCE = ".venv/bin/torg-sync once"
LOOP = ".venv/bin/torg-sync loop"
STATUS = ".venv/bin/torg-sync status"
TODAY = ".venv/bin/torg-sync today --site borgen"
KIOSK = ".venv/bin/torg-kiosk --site tofte --windowed --size 1080x1920 --now 2026-12-03T10:15"
DEVSERVER = (
    ".venv/bin/python -m torg_central.devserver --feed torg_kiosk/assets/demo/feed.json "
    "--db var/central.db"
)
BENCH_SYNC = ".venv/bin/python benchmarks/bench_sync.py"
BENCH_STARTUP = ".venv/bin/python benchmarks/bench_startup.py"
BENCH_UI = ".venv/bin/python benchmarks/bench_ui.py"
TICKET = (
    ".venv/bin/torg-tickets issue --demo --activity tofte-seniortrim --site tofte "
    "--date 2026-12-03 --png var/ticket.png"
)
BENCH_CHECKIN = ".venv/bin/python benchmarks/bench_checkin.py"

#: The README's commands in its order; each one but TEST_SUITE has a test below.
COMMANDS = (RUN_KIOSK, TEST_SUITE, ONCE, LOOP, STATUS, TODAY, KIOSK, DEVSERVER, TICKET,
            BENCH_SYNC, BENCH_STARTUP, BENCH_UI, BENCH_CHECKIN)  # fmt: skip
#: ``name: value unit`` (the benchmarks' output), or a ``#`` comment line.
FIGURE = re.compile(r"^(#.*|[a-z0-9_]+: \S.*)$")


def readme_commands() -> list[str]:
    """Each line of each ``sh`` code block in README.md, without its trailing comment."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    lines = (
        re.sub(r"\s+#.*$", "", line).strip() for block in blocks for line in block.splitlines()
    )
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A folder that looks like the checkout: a symlink to each of its top-level entries."""
    copy = tmp_path_factory.mktemp("checkout")
    for entry in REPO.iterdir():
        if entry.name not in NOT_LINKED and not entry.name.endswith(".egg-info"):
            (copy / entry.name).symlink_to(entry)
    return copy


def person_env(*, display: bool = True) -> dict[str, str]:
    """The environment of a person at a shell: no test settings, and .venv not activated."""
    drop = ("KIVY_", "TORG_KIOSK_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(drop)}
    venv_bin = str(REPO / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    if not display:
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
    return env


def finishes(command: str, cwd: Path, *extra: str, display: bool = True, timeout: int = 300):
    """Run ``command`` (plus ``extra`` flags) to its end; it must exit 0 without a traceback."""
    done = subprocess.run(
        [*shlex.split(command), *extra],
        cwd=cwd, env=person_env(display=display), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def starts(command: str, cwd: Path, marker: str, *, while_running=None, timeout=120.0) -> str:
    """Run ``command`` until ``marker`` shows on its output; it must still be running then.

    ``while_running()``, if given, is called once it has started, before it is stopped.
    """
    process = subprocess.Popen(
        shlex.split(command), cwd=cwd, env=person_env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while marker not in "".join(seen):
            assert process.poll() is None, f"{command} ended early:\n{''.join(seen)[-3000:]}"
            assert time.monotonic() < deadline, f"{command} did not start:\n{''.join(seen)[-3000:]}"
            time.sleep(0.1)
        if while_running:
            while_running()
        time.sleep(1)  # still up a moment later: it started, and did not fall over right after
        assert process.poll() is None, f"{command} ended:\n{''.join(seen)[-3000:]}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
    output = "".join(seen)
    assert "Traceback" not in output.split(marker, 1)[0], output[-3000:]
    return output


def benchmark_figures(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    assert lines and all(FIGURE.match(line) for line in lines), stdout
    return lines


def test_every_command_in_the_readme_has_a_test_here():
    assert readme_commands() == list(COMMANDS)


# --- quick start --------------------------------------------------------------------------


def test_run_kiosk_without_a_display_saves_a_picture_of_the_screen(checkout):
    done = finishes(RUN_KIOSK, checkout, display=False)
    assert "no display here" in done.stdout
    picture = checkout / "screenshots" / "kiosk.png"
    assert f"saved {picture}" in done.stdout
    assert picture.stat().st_size > 10_000


# --- everyday commands ----------------------------------------------------------------------


def test_torg_sync_once_syncs_the_demo_feed(checkout):
    done = finishes(ONCE, checkout)
    assert re.match(r"demo: (updated|unchanged) — ", done.stdout), done.stdout
    assert (checkout / "var" / "kiosk.db").is_file()


def test_torg_sync_loop_syncs_and_keeps_going(checkout):
    output = starts(LOOP, checkout, "demo: ")
    assert re.search(r"^demo: (updated|unchanged)", output, re.M), output


def test_torg_sync_status_names_the_last_update(checkout):
    finishes(ONCE, checkout)
    done = finishes(STATUS, checkout)
    assert done.stdout.startswith("Last update: ")
    assert "\ndemo: " in done.stdout


def test_torg_sync_today_lists_the_day_at_borgen(checkout):
    finishes(ONCE, checkout)
    done = finishes(TODAY, checkout)
    assert done.stdout.startswith("Borgen innbyggertorg — ")


def test_torg_kiosk_opens_the_screen(checkout):
    starts(KIOSK, checkout, "Start application main loop")


def test_the_reference_server_serves_the_demo_feed(checkout):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8765)) == 0:
            pytest.skip("something else listens on 127.0.0.1:8765, the server's default port")
    finishes(ONCE, checkout)  # the folder var/ for its database

    def fetch_the_feed():
        with urllib.request.urlopen("http://127.0.0.1:8765/feed.json", timeout=10) as answer:
            assert json.loads(answer.read())["version"] == 1

    output = starts(DEVSERVER, checkout, "(Ctrl-C stops)", while_running=fetch_the_feed)
    assert "at http://127.0.0.1:8765/feed.json" in output
    assert (checkout / "var" / "central.db").is_file()


# --- benchmarks, with a small size --------------------------------------------------------


def test_bench_sync_prints_its_figures(checkout):
    """Regression: it ran 'sqlite-utils' from PATH and crashed when that was not the venv's."""
    done = finishes(BENCH_SYNC, checkout, "--count", "300")
    names = [line.split(":")[0] for line in benchmark_figures(done.stdout)]
    assert {"full_sync", "sqlite_utils_insert", "ratio", "peak_memory"} <= set(names)


def test_bench_startup_prints_its_figures(checkout):
    done = finishes(BENCH_STARTUP, checkout, "--runs", "1")
    names = [line.split(":")[0] for line in benchmark_figures(done.stdout)]
    assert {"kiosk_first_frame", "minimal_first_frame", "ratio"} <= set(names)


def test_bench_ui_prints_its_figures(checkout):
    done = finishes(BENCH_UI, checkout, "--cycles", "20", "--taps", "4")
    names = [line.split(":")[0] for line in benchmark_figures(done.stdout)]
    assert {"tap_to_next_screen_median", "rss_growth"} <= set(names)


def test_torg_tickets_prints_a_token_and_writes_its_qr_code(checkout):
    done = finishes(TICKET, checkout)
    assert re.fullmatch(r"[0-9A-Z]{120}", done.stdout.strip())
    assert (checkout / "var" / "ticket.png").read_bytes().startswith(b"\x89PNG")


def test_bench_checkin_prints_its_figures(checkout):
    done = finishes(BENCH_CHECKIN, checkout, "--scans", "50", "--stored", "500",
                    "--sync-activities", "300", "--screen-scans", "5")  # fmt: skip
    names = [line.split(":")[0] for line in benchmark_figures(done.stdout)]
    assert {"scan_p50", "scan_p99", "scan_p99_during_sync", "scan_to_screen_median"} <= set(names)
