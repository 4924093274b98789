"""torg-sync as a person runs it: a real subprocess, real files, one clear line per problem."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bad_text_feed import NEXT_DAY, SHOWN, SITE, bad_text_feed
from tests.httpfixtures import Reply, serve_replies
from torg_kiosk.sync.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-12-03T10:15"


def torg_sync(*args, env=None, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "torg_kiosk.sync.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def write_config(tmp_path, feed_url):
    config = (REPO / "torg_kiosk" / "config" / "kiosk.toml").read_text()
    config = config.replace('url = ""', f'url = "{feed_url}"', 1)
    path = tmp_path / "kiosk.toml"
    path.write_text(config)
    (tmp_path / "sites").symlink_to(
        REPO / "torg_kiosk" / "config" / "sites"
    )  # kiosk.toml looks beside itself
    return path


def test_once_syncs_the_demo_feed_and_today_lists_the_day(tmp_path):
    once = torg_sync("--data", str(tmp_path), "--site", "heggedal", "once", "--now", NOW)
    assert once.returncode == 0, once.stderr
    assert once.stdout.startswith("demo: updated")
    today = torg_sync("--data", str(tmp_path), "--site", "heggedal", "today", "--now", NOW)
    assert today.returncode == 0
    assert "Heggedal innbyggertorg" in today.stdout
    assert "AVLYST" in today.stdout  # the demo feed cancels one occurrence on this day


def test_status_reports_the_last_update_per_source(tmp_path):
    torg_sync("--data", str(tmp_path), "once", "--now", NOW)
    status = torg_sync("--data", str(tmp_path), "status", "--now", "2026-12-03T10:45")
    assert status.returncode == 0
    assert "Last update: 2026-12-03 10:15 (30 min ago)" in status.stdout
    assert "demo:" in status.stdout


def test_a_missing_site_is_one_clear_line_and_exit_2(tmp_path):
    result = torg_sync("--data", str(tmp_path), "--site", "atlantis", "once")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "atlantis" in result.stderr and "heggedal" in result.stderr


def test_a_data_folder_that_is_a_file_is_one_failed_line_per_source_and_exit_1(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    result = torg_sync("--data", str(blocker), "once")
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("demo: FAILED — ") and "Check that the data folder exists" in line
    assert "Traceback" not in result.stderr


def test_an_unreachable_feed_fails_with_exit_1_and_names_the_problem(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9/feed.json")  # port 9: nobody listens
    result = torg_sync("--config", str(config), "--data", str(tmp_path), "once", timeout=120)
    assert result.returncode == 1
    assert result.stdout.startswith("central: FAILED")


def test_status_after_a_failure_shows_the_error_and_exits_1(tmp_path):
    with serve_replies(Reply(500, b"oops"), Reply(500, b"oops"), Reply(500, b"oops"),
                       Reply(500, b"oops")) as server:  # fmt: skip
        config = write_config(tmp_path, server.url + "/feed.json")
        torg_sync("--config", str(config), "--data", str(tmp_path), "once", timeout=120)
    status = torg_sync("--config", str(config), "--data", str(tmp_path), "status")
    assert status.returncode == 1
    assert "ERROR" in status.stdout


@pytest.mark.parametrize("command", ["status", "today"])
def test_reading_before_any_sync_says_what_to_do(tmp_path, command):
    result = torg_sync("--data", str(tmp_path), command)
    assert result.returncode == 2
    assert "torg-sync once" in result.stderr


def test_loop_syncs_round_after_round(tmp_path):
    path = write_config(tmp_path, "")  # the demo feed
    path.write_text(path.read_text().replace("sync_jitter_seconds = 60", "sync_jitter_seconds = 0"))
    result = torg_sync(
        "--config", str(path), "--data", str(tmp_path), "loop", "--rounds", "3",
        "--interval", "0.001",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("demo: updated")
    assert [line.split(":")[0] for line in lines] == ["demo"] * 3
    assert all("unchanged" in line for line in lines[1:])


def test_verbose_loop_shows_each_result_line_once(tmp_path):
    """-v adds the log's INFO lines; a result line is printed, not also logged."""
    path = write_config(tmp_path, "")  # the demo feed
    result = torg_sync("--config", str(path), "--data", str(tmp_path), "-v", "loop",
                       "--rounds", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    both = (result.stdout + result.stderr).splitlines()
    assert [line for line in both if "demo: updated" in line] == [result.stdout.strip()]


def test_loop_stops_on_sigterm_between_syncs_with_exit_0(tmp_path):
    """systemd stops the service with SIGTERM: the loop ends its wait and exits cleanly."""
    path = write_config(tmp_path, "")  # the demo feed
    process = subprocess.Popen(
        [sys.executable, "-m", "torg_kiosk.sync.cli", "--config", str(path),
         "--data", str(tmp_path), "loop", "--interval", "60"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout.readline().startswith("demo: updated")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, process.stderr.read()
    finally:
        process.kill()
        process.wait()


# --- the common options go before or after the command -----------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--site", "borgen", "today"],
        ["today", "--site", "borgen"],  # as the README writes it; it used to exit 2
    ],
)
def test_site_is_understood_before_and_after_the_command(tmp_path, argv):
    torg_sync("--data", str(tmp_path), "once", "--now", NOW)
    result = torg_sync("--data", str(tmp_path), *argv, "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Borgen innbyggertorg — 2026-12-03")


@pytest.mark.parametrize("command", ["once", "loop", "status", "today"])
def test_every_command_takes_the_common_options_after_it(command, tmp_path):
    args = build_parser().parse_args(
        [command, "--config", "k.toml", "--site", "tofte", "--data", str(tmp_path), "-v"]
    )
    assert (args.config, args.site, args.data, args.verbose) == (
        "k.toml", "tofte", str(tmp_path), True
    )  # fmt: skip


@pytest.mark.parametrize("command", ["once", "loop", "status", "today"])
def test_an_option_before_the_command_is_not_reset_by_the_command(command, tmp_path):
    args = build_parser().parse_args(
        ["--config", "k.toml", "--site", "tofte", "--data", str(tmp_path), "-v", command]
    )
    assert (args.config, args.site, args.data, args.verbose) == (
        "k.toml", "tofte", str(tmp_path), True
    )  # fmt: skip


def test_an_option_after_the_command_wins_over_one_before_it():
    args = build_parser().parse_args(["--site", "tofte", "today", "--site", "borgen"])
    assert args.site == "borgen"


# --- --config: the sites come from the same folder ---------------------------------------

OWN_CALENDAR = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//torg-kiosk//tests//NB
BEGIN:VEVENT
UID:heggedal-strikkekafe
SUMMARY:Strikkekafé
DTSTART;TZID=Europe/Oslo:20261203T120000
DTEND;TZID=Europe/Oslo:20261203T140000
END:VEVENT
END:VCALENDAR
"""


def own_config(tmp_path: Path) -> Path:
    """A deployment's own config folder: the shipped files plus a local calendar at Heggedal."""
    folder = tmp_path / "etc"
    shutil.copytree(REPO / "torg_kiosk" / "config", folder)
    (folder / "heggedal.ics").write_text(OWN_CALENDAR.replace("\n", "\r\n"))
    with (folder / "sites" / "heggedal.toml").open("a") as site:
        site.write(
            '\n[[calendars]]\nid = "heggedal-local"\nkind = "ical"\npath = "heggedal.ics"\n'
            'default_category = "social"\n'
        )
    return folder


def test_once_syncs_the_calendars_of_the_site_file_beside_the_given_config(tmp_path):
    """Regression: --config X checked the site against X/sites but read the bundled one."""
    config = own_config(tmp_path) / "kiosk.toml"
    once = torg_sync("--config", str(config), "--site", "heggedal", "--data", str(tmp_path),
                     "once", "--now", NOW)  # fmt: skip
    assert once.returncode == 0, once.stderr
    assert [line.split(":")[0] for line in once.stdout.splitlines()] == ["demo", "heggedal-local"]
    today = torg_sync("--config", str(config), "--site", "heggedal", "--data", str(tmp_path),
                      "today", "--now", NOW)  # fmt: skip
    assert "12:00–14:00  Strikkekafé" in today.stdout


def test_a_broken_site_file_beside_the_given_config_is_refused(tmp_path):
    folder = own_config(tmp_path)
    site = folder / "sites" / "heggedal.toml"
    site.write_text(site.read_text().replace('accent = "#6b4d00"', 'accent = "brown"'))
    result = torg_sync("--config", str(folder / "kiosk.toml"), "--site", "heggedal",
                       "--data", str(tmp_path), "once", "--now", NOW)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "heggedal.toml: theme.accent is 'brown'" in result.stderr


# --- one bad character must never take the lobby screens down ----------------------------


def test_once_and_today_on_a_feed_with_bad_characters_exit_0_and_print_sane_text(tmp_path):
    """Regression: 'today' crashed with UnicodeEncodeError on a lone surrogate escape, and
    10,000 nested arrays in one record failed the whole feed as 'internal'."""
    with serve_replies(Reply(200, bad_text_feed(), {"Content-Type": "application/json"})) as server:
        config = write_config(tmp_path, server.url + "/feed.json")
        once = torg_sync("--config", str(config), "--data", str(tmp_path), "--site", SITE,
                         "once", "--now", NOW)  # fmt: skip
    assert once.returncode == 0, once.stderr
    assert once.stdout.startswith("central: updated — 3 activities")
    assert "2 records skipped" in once.stdout
    # Each skipped record is one warning line with its level, id and a short reason.
    warnings = [line for line in once.stderr.splitlines() if "skipped activity" in line]
    assert [line.split(":")[1].split()[-1] for line in warnings] == ["deep", "long"]
    assert all(line.startswith("WARNING torg_kiosk.sync.formats.feed_v1:") for line in warnings)
    assert max(len(line) for line in once.stderr.splitlines()) < 600
    assert "Traceback" not in once.stderr

    today = torg_sync("--config", str(config), "--data", str(tmp_path), "--site", SITE,
                      "today", "--now", NOW)  # fmt: skip
    assert today.returncode == 0, today.stderr
    assert today.stdout.splitlines()[1:] == [
        f"11:00–11:45  {SHOWN['babysang']}",
        f"12:00–12:45  {SHOWN['strikk']}",
        f"15:00–15:45  {SHOWN['good']}",
    ]


def test_a_feed_with_bad_characters_moves_to_the_next_day_offline(tmp_path):
    """Regression: the offline re-expansion failed as 'internal', so the window stood still."""
    with serve_replies(Reply(200, bad_text_feed(), {"Content-Type": "application/json"})) as server:
        config = write_config(tmp_path, server.url + "/feed.json")
        common = ("--config", str(config), "--data", str(tmp_path), "--site", SITE)
        assert torg_sync(*common, "once", "--now", NOW).returncode == 0
    offline = torg_sync(*common, "once", "--now", NEXT_DAY, timeout=120)  # the server is gone
    assert offline.returncode == 1, offline.stdout + offline.stderr
    assert offline.stdout.startswith("central: FAILED"), offline.stdout + "\n" + offline.stderr
    assert "internal" not in offline.stdout + offline.stderr
    today = torg_sync(*common, "today", "--now", NEXT_DAY)
    assert today.returncode == 0, today.stderr
    assert today.stdout.splitlines()[1:] == [f"11:00–11:45  {SHOWN['babysang']}"]
