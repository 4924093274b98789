"""Accessibility rules on plain numbers: sizes on the panel, geometry, and theme contrast."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from torg_kiosk.base.colour import contrast_ratio
from torg_kiosk.base.settings import (
    LocalText,
    PanelConfig,
    Theme,
    load_all_sites,
    load_kiosk_config,
)
from torg_kiosk.domain.accessibility import (
    DEFAULT_CAP_HEIGHT_RATIO,
    NOTO_SANS_CAP_HEIGHT_RATIO,
    ROBOTO_CAP_HEIGHT_RATIO,
    LabelBox,
    Rect,
    check_large_text,
    check_overlaps,
    check_targets,
    check_text_fits,
    disabled,
    font_size_for_cap_height,
    large_text_font_size,
    measure_cap_height_ratio,
    min_cap_height_px,
    min_gap_px,
    min_target_px,
    mix,
    pressed,
    px_per_mm,
    theme_contrast_pairs,
    theme_contrast_problems,
)

#: The deployed 24" panel: 527×296 mm at 1920×1080.
PANEL = PanelConfig(width_mm=527, height_mm=296, width_px=1920, height_px=1080)
#: 10 px per mm exactly, to make the arithmetic obvious.
TEN_PER_MM = PanelConfig(width_mm=192, height_mm=108, width_px=1920, height_px=1080)

KIVY_FONTS = Path(importlib.util.find_spec("kivy").submodule_search_locations[0]) / "data/fonts"
NOTO_SANS = (
    Path(__file__).resolve().parents[1] / "torg_kiosk" / "assets" / "fonts" / "NotoSans-Regular.ttf"
)


# --- Sizes -------------------------------------------------------------------------------


def test_density_comes_from_the_physical_size():
    assert px_per_mm(TEN_PER_MM) == 10
    assert px_per_mm(PANEL) == pytest.approx(1080 / 296)


def test_non_square_pixels_use_the_denser_axis():
    stretched = PanelConfig(width_mm=200, height_mm=100, width_px=2000, height_px=1200)
    assert px_per_mm(stretched) == 12


def test_minimum_sizes_on_a_ten_pixel_per_mm_panel():
    assert min_target_px(TEN_PER_MM) == 116
    assert min_gap_px(TEN_PER_MM) == 20
    assert min_cap_height_px(TEN_PER_MM) == 73


def test_minimum_sizes_on_the_deployed_panel_round_up():
    assert min_target_px(PANEL) == 43  # 11.6 mm × 3.649 px/mm = 42.3
    assert min_gap_px(PANEL) == 8  # 7.3
    assert min_cap_height_px(PANEL) == 27  # 26.6


def test_the_configured_panel_is_the_one_these_numbers_assume():
    assert load_kiosk_config().panel == PANEL


@pytest.mark.parametrize(
    ("font", "ratio"),
    [
        (KIVY_FONTS / "Roboto-Regular.ttf", ROBOTO_CAP_HEIGHT_RATIO),
        (NOTO_SANS, NOTO_SANS_CAP_HEIGHT_RATIO),
    ],
)
def test_the_cap_height_constants_match_the_font_files(font, ratio):
    assert measure_cap_height_ratio(font) == ratio


REPO_FONTS = Path(__file__).resolve().parents[1] / "torg_kiosk" / "assets" / "fonts"


@pytest.mark.parametrize(
    "name",
    [
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSansArabicLatin-Regular.ttf",
        "NotoSansArabicLatin-Bold.ttf",
    ],
)
def test_the_default_ratio_is_safe_for_the_latin_fonts_the_kiosk_ships(name):
    assert measure_cap_height_ratio(REPO_FONTS / name) >= DEFAULT_CAP_HEIGHT_RATIO


def test_the_constants_are_the_published_values():
    assert round(ROBOTO_CAP_HEIGHT_RATIO, 3) == 0.711
    assert NOTO_SANS_CAP_HEIGHT_RATIO == 0.714
    assert DEFAULT_CAP_HEIGHT_RATIO == ROBOTO_CAP_HEIGHT_RATIO


def test_a_file_that_is_not_a_font_is_refused(tmp_path):
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"\x00\x01\x00\x00\x00\x00" + b"\x00" * 20)
    with pytest.raises(ValueError, match="no head or OS/2"):
        measure_cap_height_ratio(junk)


def test_font_size_gives_at_least_the_cap_height():
    size = font_size_for_cap_height(27)
    assert size == 38
    assert size * ROBOTO_CAP_HEIGHT_RATIO >= 27
    assert (size - 1) * ROBOTO_CAP_HEIGHT_RATIO < 27
    assert font_size_for_cap_height(71.4, NOTO_SANS_CAP_HEIGHT_RATIO) == 100


def test_large_text_font_size_on_the_deployed_panel():
    assert large_text_font_size(PANEL) == 38


def test_large_text_check_names_the_small_label():
    problems = check_large_text({"title": 40, "room": 30}, PANEL)
    assert [problem.subject for problem in problems] == ["room"]
    assert "at least 38 px" in str(problems[0])


# --- Geometry ----------------------------------------------------------------------------


def test_big_targets_far_apart_pass():
    rects = [Rect(0, 0, 120, 120, "back"), Rect(140, 0, 120, 120, "home")]
    assert check_targets(rects, TEN_PER_MM) == []


def test_a_target_too_small_in_one_direction_is_reported():
    problems = check_targets([Rect(0, 0, 300, 100, "language")], TEN_PER_MM)
    assert [problem.kind for problem in problems] == ["too_small"]
    assert problems[0].subject == "language"
    assert "300×100 px" in problems[0].message
    assert "116×116 px (11.6 mm)" in problems[0].message


def test_exactly_the_minimum_passes():
    rects = [Rect(0, 0, 116, 116, "a"), Rect(136, 0, 116, 116, "b")]
    assert check_targets(rects, TEN_PER_MM) == []


def test_targets_closer_than_two_mm_are_reported():
    rects = [Rect(0, 0, 120, 120, "yes"), Rect(139, 0, 120, 120, "no")]
    problems = check_targets(rects, TEN_PER_MM)
    assert [problem.kind for problem in problems] == ["too_close"]
    assert problems[0].subject == "yes / no"
    assert "19.0 px apart" in problems[0].message


def test_diagonal_neighbours_are_measured_corner_to_corner():
    # 15 px right and 15 px up: 21.2 px apart, more than 20.
    rects = [Rect(0, 0, 120, 120, "a"), Rect(135, 135, 120, 120, "b")]
    assert check_targets(rects, TEN_PER_MM) == []


def test_overlapping_boxes_are_reported_and_touching_ones_are_not():
    touching = [Rect(0, 0, 100, 100, "a"), Rect(100, 0, 100, 100, "b")]
    assert check_overlaps(touching) == []
    overlapping = [Rect(0, 0, 100, 100, "a"), Rect(90, 50, 100, 100, "b")]
    problems = check_overlaps(overlapping)
    assert [problem.kind for problem in problems] == ["overlap"]
    assert "overlap by 500 px²" in problems[0].message


def test_unnamed_boxes_are_named_by_position():
    problems = check_overlaps([Rect(0, 0, 10, 10), Rect(5, 5, 10, 10)])
    assert "the box at (0, 0)" in problems[0].message


def test_text_that_fits_its_box_passes():
    assert check_text_fits([LabelBox("title", 300, 40, Rect(0, 0, 300, 40))]) == []


@pytest.mark.parametrize(("width", "height"), [(301, 40), (300, 41)])
def test_text_wider_or_taller_than_its_box_is_reported(width, height):
    problems = check_text_fits([LabelBox("title", width, height, Rect(0, 0, 300, 40))])
    assert [problem.kind for problem in problems] == ["text_does_not_fit"]
    assert problems[0].subject == "title"


# --- Colours -----------------------------------------------------------------------------

SITES = load_all_sites()


def test_all_eight_torg_are_checked():
    assert len(SITES) == 8


@pytest.mark.parametrize("site_id", sorted(SITES))
def test_every_torg_theme_is_readable_in_every_state(site_id):
    assert theme_contrast_problems(SITES[site_id].theme, site_id) == []


def test_every_state_is_checked():
    states = {pair.state for pair in theme_contrast_pairs(SITES["tofte"].theme)}
    assert states == {"normal", "pressed", "selected", "disabled", "cancelled", "focus", "large"}


def test_the_pairs_the_settings_loader_checks_are_all_included():
    from torg_kiosk.base.settings import THEME_TEXT_PAIRS

    pairs = {(p.foreground, p.background) for p in theme_contrast_pairs(SITES["tofte"].theme)}
    assert set(THEME_TEXT_PAIRS) <= pairs


def test_mix_blends_channel_by_channel():
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert mix("#102030", "#102030", 0.7) == "#102030"
    assert mix("#ff0000", "#0000ff", 0) == "#ff0000"
    with pytest.raises(ValueError, match="between 0 and 1"):
        mix("#000000", "#ffffff", 1.5)


def test_pressed_is_darker_and_disabled_is_fainter():
    assert pressed("#ffffff") == "#bfbfbf"
    faded = disabled("#1a1a1a", "#ffffff")
    assert contrast_ratio(faded, "#ffffff") < contrast_ratio("#1a1a1a", "#ffffff")
    assert contrast_ratio(faded, "#ffffff") >= 4.5


BAD_THEME = Theme(
    background="#ffffff",
    surface="#ffffff",
    text="#1a1a1a",
    muted_text="#9a9a9a",
    accent="#1d3a5c",
    accent_text="#ffffff",
    cancelled="#a1141c",
    pattern="waves",
    greeting=LocalText((("nb", "Hei"),)),
)


def test_a_pale_muted_text_fails_with_a_readable_problem():
    problems = theme_contrast_problems(BAD_THEME, "grå-test")
    assert problems
    first = problems[0]
    assert first.kind == "low_contrast"
    assert first.subject == "grå-test: normal muted_text on background"
    assert first.message == (
        "In grå-test, muted_text #9a9a9a on background #ffffff (normal) has 2.81:1 contrast; "
        "it needs at least 4.5:1. Choose a darker or lighter muted_text."
    )


def test_a_light_accent_fails_the_focus_and_pressed_rules():
    pale = replace(BAD_THEME, muted_text="#484848", accent="#d0e4ff", accent_text="#1a1a1a")
    kinds = {problem.subject.split(": ")[1] for problem in theme_contrast_problems(pale, "x")}
    assert "focus accent on background" in kinds
    assert "pressed accent_text on pressed(accent)" not in kinds  # still dark on mid-blue
    assert "selected accent on surface" in kinds


def test_a_text_colour_that_passes_only_when_enabled_fails_the_disabled_rule():
    # 1a1a1a would pass; #595959 is 7:1 on white but fades below 4.5:1 when disabled.
    grey = replace(BAD_THEME, text="#595959", muted_text="#595959")
    subjects = [problem.subject for problem in theme_contrast_problems(grey, "x")]
    assert "x: disabled disabled(text) on surface" in subjects
    assert not any(": normal text" in subject for subject in subjects)
