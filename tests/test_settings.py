"""The deployment and site config: what ships loads, and every kind of mistake is named."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from tests.conftest import SITES
from torg_kiosk.base.colour import contrast_ratio, hex_to_rgba
from torg_kiosk.base.languages import CODES as LANGUAGE_CODES
from torg_kiosk.base.settings import (
    THEME_TEXT_PAIRS,
    ConfigError,
    config_dir,
    demo_feed_path,
    kiosk_config_path,
    load_all_sites,
    load_kiosk_config,
    load_site,
    site_ids,
)

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "torg_kiosk" / "config"
EIGHT_TORG = set(SITES)  # the eight torg, named once in tests/conftest.py
OSLO_SUMMER_MONDAY = date(2026, 6, 1)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A private copy of the shipped config directory that a test may break."""
    copy = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, copy)
    return copy


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def site_error(config: Path, site_id: str, old: str, new: str) -> str:
    edit(config / "sites" / f"{site_id}.toml", old, new)
    with pytest.raises(ConfigError) as caught:
        load_site(site_id, config)
    return str(caught.value)


def kiosk_error(config: Path, old: str, new: str) -> str:
    path = edit(config / "kiosk.toml", old, new)
    with pytest.raises(ConfigError) as caught:
        load_kiosk_config(path)
    return str(caught.value)


def assert_names(message: str, *parts: str) -> None:
    for part in parts:
        assert part in message, f"{part!r} missing from: {message}"


# --- what ships --------------------------------------------------------------------------


def test_the_eight_torg_ship_and_load():
    sites = load_all_sites(SHIPPED_CONFIG)
    assert set(sites) == EIGHT_TORG
    assert set(site_ids(SHIPPED_CONFIG)) == EIGHT_TORG
    assert all(site.id == site_id for site_id, site in sites.items())


def test_the_default_config_dir_is_the_shipped_one(monkeypatch, tmp_path):
    monkeypatch.delenv("TORG_KIOSK_CONFIG", raising=False)
    assert config_dir(system_dir=tmp_path / "etc-torg-kiosk") == SHIPPED_CONFIG
    assert set(load_all_sites(SHIPPED_CONFIG)) == EIGHT_TORG


def test_each_torg_has_its_own_accent_and_pattern():
    themes = [site.theme for site in load_all_sites(SHIPPED_CONFIG).values()]
    assert len({theme.accent for theme in themes}) == 8
    assert len({theme.pattern for theme in themes}) == 8


def test_the_article_describes_tofte_heggedal_and_borgen():
    sites = load_all_sites(SHIPPED_CONFIG)
    assert "library" in {service.kind for service in sites["tofte"].services}
    assert {"senior-centre", "library", "cafe", "health-station", "community-centre"} <= {
        service.kind for service in sites["heggedal"].services
    }
    assert "sosial entreprenør" in sites["borgen"].character.get("nb")


def test_every_shipped_theme_is_readable():
    for site in load_all_sites(SHIPPED_CONFIG).values():
        theme = site.theme
        for foreground, background in THEME_TEXT_PAIRS:
            ratio = contrast_ratio(getattr(theme, foreground), getattr(theme, background))
            assert ratio >= 4.5, f"{site.id}: {foreground} on {background} is {ratio:.2f}:1"
        # Body text aims for WCAG AAA.
        assert contrast_ratio(theme.text, theme.background) >= 7.0, site.id


def test_shipped_kiosk_config_loads():
    kiosk = load_kiosk_config(SHIPPED_CONFIG / "kiosk.toml")
    assert kiosk.site == "asker-sentrum"
    assert kiosk.data_dir == Path("var").absolute()
    assert kiosk.language == "nb"
    assert (kiosk.sync_interval_minutes, kiosk.sync_jitter_seconds) == (15, 60)
    assert kiosk.feed.uses_demo and not kiosk.feed.uploads_enabled
    assert (kiosk.panel.width_px, kiosk.panel.height_px) == (1920, 1080)
    assert (kiosk.idle.timeout_seconds, kiosk.idle.warning_seconds) == (90, 20)
    assert kiosk.idle.tone_player == ""  # Kivy's own audio


def test_environment_overrides_config_and_data_dirs(config, tmp_path, monkeypatch):
    edit(config / "kiosk.toml", 'site = "asker-sentrum"', 'site = "tofte"')
    monkeypatch.setenv("TORG_KIOSK_CONFIG", str(config))
    monkeypatch.setenv("TORG_KIOSK_DATA", str(tmp_path / "data"))
    kiosk = load_kiosk_config()
    assert kiosk.site == "tofte"
    assert kiosk.data_dir == tmp_path / "data"


# --- where the config is found: --config, $TORG_KIOSK_CONFIG, /etc/torg-kiosk, bundled ------


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Three config folders, each with a kiosk.toml; none of them is used until a test says."""
    monkeypatch.delenv("TORG_KIOSK_CONFIG", raising=False)
    found = {}
    for name in ("given", "environment", "system"):
        found[name] = tmp_path / name
        shutil.copytree(SHIPPED_CONFIG, found[name])
    return found


def test_a_given_config_file_comes_first(places, monkeypatch):
    monkeypatch.setenv("TORG_KIOSK_CONFIG", str(places["environment"]))
    given = places["given"] / "kiosk.toml"
    assert kiosk_config_path(given, system_dir=places["system"]) == given


def test_then_the_folder_in_torg_kiosk_config(places, monkeypatch):
    monkeypatch.setenv("TORG_KIOSK_CONFIG", str(places["environment"]))
    assert config_dir(system_dir=places["system"]) == places["environment"]
    assert kiosk_config_path(None, system_dir=places["system"]) == (
        places["environment"] / "kiosk.toml"
    )


def test_then_etc_torg_kiosk_when_it_holds_a_kiosk_toml(places):
    assert config_dir(system_dir=places["system"]) == places["system"]


def test_an_etc_torg_kiosk_without_kiosk_toml_is_passed_over(places):
    (places["system"] / "kiosk.toml").unlink()
    assert config_dir(system_dir=places["system"]) == SHIPPED_CONFIG


def test_an_empty_torg_kiosk_config_counts_as_unset(places, monkeypatch):
    monkeypatch.setenv("TORG_KIOSK_CONFIG", "")
    assert config_dir(system_dir=places["system"]) == places["system"]


def test_the_loaded_config_remembers_its_folder_for_the_site_files(places):
    kiosk = load_kiosk_config(places["given"] / "kiosk.toml")
    assert kiosk.config_dir == places["given"]


def test_no_tracked_file_is_also_git_ignored():
    """The repository tracks defaults only: a file a deployer edits lives outside it."""
    found = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=SHIPPED_CONFIG.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.split() == []


def test_demo_feed_path_points_into_assets():
    assert demo_feed_path() == SHIPPED_CONFIG.parent / "assets" / "demo" / "feed.json"


def test_panel_converts_millimetres_to_whole_pixels():
    panel = load_kiosk_config(SHIPPED_CONFIG / "kiosk.toml").panel
    # 11.6 mm on a 527 mm wide, 1920 px panel is 42.26 px: round up so it is never smaller.
    assert panel.mm_to_px(11.6) == 43


# --- opening hours -----------------------------------------------------------------------


def test_opening_hours_on_a_day():
    tofte = load_site("tofte", SHIPPED_CONFIG)
    assert tofte.opening_hours.on(OSLO_SUMMER_MONDAY) == ((time(9), time(16)),)
    assert tofte.opening_hours.on(date(2026, 6, 7)) == ()  # Sunday: closed
    assert tofte.opening_hours.by_weekday()["thu"] == ((time(9), time(19)),)


def test_is_open_reads_local_wall_time():
    hours = load_site("tofte", SHIPPED_CONFIG).opening_hours
    # Oslo is UTC+2 in June: 07:30Z is 09:30 local (open), 06:30Z is 08:30 (not yet).
    assert hours.is_open(datetime(2026, 6, 1, 7, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 6, 1, 6, 30, tzinfo=UTC))


def test_closing_time_itself_is_closed():
    hours = load_site("tofte", SHIPPED_CONFIG).opening_hours
    assert hours.is_open(datetime(2026, 6, 1, 15, 59, tzinfo=hours.timezone))
    assert not hours.is_open(datetime(2026, 6, 1, 16, 0, tzinfo=hours.timezone))


def test_a_day_left_out_is_closed():
    heggedal = load_site("heggedal", SHIPPED_CONFIG)
    staffed = heggedal.innbyggerservice.staffed_hours
    assert staffed.on(OSLO_SUMMER_MONDAY) == ()
    assert staffed.on(date(2026, 6, 2)) == ((time(10), time(14)),)


def test_two_ranges_in_a_day_leave_a_gap():
    staffed = load_site("spikkestad", SHIPPED_CONFIG).innbyggerservice.staffed_hours
    thursday = date(2026, 6, 4)
    assert len(staffed.on(thursday)) == 2
    assert not staffed.is_open(datetime(2026, 6, 4, 15, 0, tzinfo=staffed.timezone))
    assert staffed.is_open(datetime(2026, 6, 4, 16, 30, tzinfo=staffed.timezone))


def test_is_open_refuses_a_naive_datetime():
    hours = load_site("tofte", SHIPPED_CONFIG).opening_hours
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.is_open(datetime(2026, 6, 1, 10, 0))


# --- bad site files ----------------------------------------------------------------------


def test_a_word_for_a_colour_is_refused(config):
    message = site_error(config, "tofte", 'accent = "#0b5a6e"', 'accent = "blue"')
    assert_names(message, "tofte.toml", "theme.accent", "'blue'", "a colour like '#1a5fb4'")


def test_text_too_faint_on_its_background_is_refused(config):
    message = site_error(config, "tofte", 'text = "#14232b"', 'text = "#999999"')
    assert_names(message, "tofte.toml", "theme.text", "'#999999'", "4.5:1", "theme.background")


def test_a_range_ending_before_it_starts_is_refused(config):
    message = site_error(config, "tofte", 'mon = ["09:00-16:00"]', 'mon = ["16:00-09:00"]')
    assert_names(message, "tofte.toml", "opening_hours.mon[0]", "'16:00-09:00'", "end is later")


def test_a_range_in_another_format_is_refused(config):
    message = site_error(config, "tofte", 'mon = ["09:00-16:00"]', 'mon = ["9-16"]')
    assert_names(message, "opening_hours.mon[0]", "'9-16'", 'a range like "09:00-16:00"')


def test_overlapping_ranges_are_refused(config):
    message = site_error(
        config, "tofte", 'mon = ["09:00-16:00"]', 'mon = ["09:00-12:00", "11:00-16:00"]'
    )
    assert_names(message, "opening_hours.mon", "'11:00-16:00'", "do not overlap")


def test_a_misspelt_weekday_is_refused(config):
    message = site_error(config, "tofte", 'mon = ["09:00-16:00"]', 'monday = ["09:00-16:00"]')
    assert_names(message, "tofte.toml", "opening_hours.monday", "allowed here: fri, mon")


def test_an_unknown_key_is_refused_with_the_allowed_ones(config):
    message = site_error(config, "tofte", "address =", "adress =")
    assert_names(message, "tofte.toml", "adress", "not a known setting", "address, calendars")


def test_a_missing_key_is_named(config):
    message = site_error(config, "tofte", 'address = "Kirkeveien 2, 3482 Tofte"', "")
    assert_names(message, "tofte.toml", "address is missing", "expected")


def test_a_booking_url_that_is_not_web_is_refused(config):
    message = site_error(config, "tofte", 'booking_url = "https://', 'booking_url = "ftp://')
    assert_names(message, "innbyggerservice.booking_url", "'ftp://", "https://")


def test_an_id_that_differs_from_the_file_name_is_refused(config):
    message = site_error(config, "saetre", 'id = "saetre"', 'id = "sætre"')
    assert_names(message, "saetre.toml", "id is 'sætre'", "'saetre', the same as the file name")


def test_an_unknown_timezone_is_refused(config):
    message = site_error(config, "tofte", '"Europe/Oslo"', '"Europe/Asker"')
    assert_names(message, "tofte.toml", "timezone is 'Europe/Asker'", "IANA time zone")


def test_an_unknown_service_kind_is_refused(config):
    message = site_error(config, "tofte", 'kind = "library"', 'kind = "libary"')
    assert_names(message, "services[0].kind", "'libary'", "'library'")


def test_text_without_norwegian_is_refused(config):
    message = site_error(
        config, "tofte", 'greeting = { nb = "Velkommen til Tofte!", ', "greeting = { "
    )
    assert_names(message, "theme.greeting", "with at least nb")


def test_a_toml_syntax_error_names_the_file_and_line(config):
    message = site_error(config, "tofte", 'name = "Tofte innbyggertorg"', 'name = "Tofte')
    assert_names(message, "tofte.toml", "not valid TOML", "line 5")


def test_a_missing_site_lists_the_known_ones(config):
    with pytest.raises(ConfigError) as caught:
        load_site("hurum", config)
    assert_names(str(caught.value), "'hurum'", "asker-sentrum, borgen", "tofte")


# --- calendars ---------------------------------------------------------------------------

CALENDAR = """
[[calendars]]
id = "tofte-bibliotek"
kind = "{kind}"
default_category = "{category}"
"""


def with_calendar(config: Path, lines: str, kind: str = "ical", category: str = "culture") -> Path:
    """Append one [[calendars]] table to tofte.toml, with ``lines`` as its url/path."""
    path = config / "sites" / "tofte.toml"
    table = CALENDAR.format(kind=kind, category=category) + lines
    path.write_text(path.read_text(encoding="utf-8") + table, encoding="utf-8")
    return path


def calendar_error(config: Path, lines: str) -> str:
    with_calendar(config, lines)
    with pytest.raises(ConfigError) as caught:
        load_site("tofte", config)
    return str(caught.value)


def test_a_calendar_path_is_relative_to_the_config_dir(config):
    with_calendar(config, 'path = "calendars/tofte.ics"\n')
    (calendar,) = load_site("tofte", config).calendars
    assert calendar.path == config / "calendars" / "tofte.ics"
    assert calendar.url is None


def test_a_calendar_url_loads(config):
    with_calendar(config, 'url = "https://example.org/tofte.ics"\n')
    (calendar,) = load_site("tofte", config).calendars
    assert (calendar.kind, calendar.url, calendar.path) == (
        "ical",
        "https://example.org/tofte.ics",
        None,
    )
    assert calendar.default_category == "culture"


def test_a_calendar_needs_exactly_one_of_url_and_path(config):
    both = calendar_error(config, 'url = "https://example.org/a.ics"\npath = "a.ics"\n')
    assert_names(both, "tofte.toml", "calendars[0]", "url and path", "exactly one")


def test_a_calendar_with_neither_url_nor_path_is_refused(config):
    assert_names(calendar_error(config, ""), "calendars[0]", "neither", "exactly one")


def test_an_unknown_calendar_kind_is_refused(config):
    with_calendar(config, 'url = "https://example.org/a.ics"\n', kind="rss")
    with pytest.raises(ConfigError) as caught:
        load_site("tofte", config)
    assert_names(str(caught.value), "calendars[0].kind", "'rss'", "'ical', 'feed'")


def test_a_calendar_category_outside_the_feed_schema_is_refused(config):
    with_calendar(config, 'url = "https://example.org/a.ics"\n', category="kultur")
    with pytest.raises(ConfigError) as caught:
        load_site("tofte", config)
    assert_names(str(caught.value), "calendars[0].default_category", "'kultur'", "'culture'")


# --- bad kiosk.toml ----------------------------------------------------------------------


def test_a_kiosk_site_without_a_file_is_refused(config):
    message = kiosk_error(config, 'site = "asker-sentrum"', 'site = "hurum"')
    assert_names(message, "kiosk.toml", "site is 'hurum'", "asker-sentrum, borgen")


def test_a_sync_interval_of_zero_is_refused(config):
    message = kiosk_error(config, "sync_interval_minutes = 15", "sync_interval_minutes = 0")
    assert_names(message, "kiosk.toml", "sync_interval_minutes is 0", "from 1 to 1440")


def test_a_feed_url_that_is_not_web_is_refused(config):
    message = kiosk_error(config, 'url = ""', 'url = "feed.example.org"')
    assert_names(message, "feed.url", "'feed.example.org'", "https://", '"" for none')


def test_a_warning_longer_than_the_timeout_is_refused(config):
    message = kiosk_error(config, "warning_seconds = 20", "warning_seconds = 90")
    assert_names(message, "idle.warning_seconds is 90", "from 20 to 89")


def test_a_warning_too_short_to_react_to_is_refused(config):
    """Regression: 12 passed here, then the idle timer refused it and the kiosk crashed."""
    message = kiosk_error(config, "warning_seconds = 20", "warning_seconds = 12")
    assert_names(message, "idle.warning_seconds is 12", "from 20 to 89")


def test_a_timeout_too_short_to_read_is_refused(config):
    message = kiosk_error(config, "timeout_seconds = 90", "timeout_seconds = 29")
    assert_names(message, "idle.timeout_seconds is 29", "from 30 to 3600")


def test_a_language_the_screen_does_not_have_is_refused(config):
    """Regression: "xx" was accepted and the screen quietly showed bokmål."""
    message = kiosk_error(config, 'language = "nb"', 'language = "xx"')
    assert_names(message, "language is 'xx'", "one of 'nb', 'nn', 'en', 'uk', 'pl', 'so', 'ar'")


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_language_of_the_screen_is_accepted(config, code):
    edit(config / "kiosk.toml", 'language = "nb"', f'language = "{code}"')
    assert load_kiosk_config(config / "kiosk.toml").language == code


def test_a_missing_language_is_bokmal(config):
    edit(config / "kiosk.toml", 'language = "nb"', "")
    assert load_kiosk_config(config / "kiosk.toml").language == "nb"


def test_the_tone_player_is_read_as_a_command(config):
    path = edit(config / "kiosk.toml", 'tone_player = ""', 'tone_player = "aplay -q"')
    assert load_kiosk_config(path).idle.tone_player == "aplay -q"


def test_an_unknown_panel_key_is_refused(config):
    message = kiosk_error(config, "width_px =", "widht_px =")
    assert_names(message, "kiosk.toml", "panel.widht_px", "height_mm, height_px")


def test_a_missing_kiosk_toml_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"kiosk\.toml does not exist"):
        load_kiosk_config(tmp_path / "kiosk.toml")


# --- colour ------------------------------------------------------------------------------


def test_black_on_white_is_21_to_1():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_777777_on_white_just_misses_aa():
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.005)


def test_contrast_ignores_argument_order_and_is_1_for_equal_colours():
    assert contrast_ratio("#1a5fb4", "#ffffff") == contrast_ratio("#ffffff", "#1a5fb4")
    assert contrast_ratio("#1a5fb4", "#1a5fb4") == 1.0


def test_hex_to_rgba_gives_kivy_fractions():
    assert hex_to_rgba("#ff0000", 0.5) == (1.0, 0.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="#1a5fb4"):
        hex_to_rgba("red")
