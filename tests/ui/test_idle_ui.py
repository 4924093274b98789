"""The privacy timer on the real app, driven by a pinned monotonic clock (no real sleeps)."""

from __future__ import annotations

import logging
import shlex
import time
import wave

import pytest
from conftest import walk
from kivy.core.window import Window
from kivy.uix.modalview import ModalView

from torg_kiosk.domain.idle import IdlePhase
from torg_kiosk.ui.idle_ui import TONE_PATH, IdleWarning, play_tone, tone_frames


class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idle(ui):
    """The app's guard on a pinned clock, with a counted tone; restored afterwards."""
    guard = ui.app.idle
    real_clock, real_tone = guard.clock, guard.tone
    clock = FakeClock()
    tones = []
    guard.clock = clock
    guard.tone = lambda: tones.append(clock.now)
    guard.timer.phase = IdlePhase.DORMANT
    ui.resize(1920, 1080)
    ui.show("home")
    yield guard, clock, tones
    guard._close_warning()
    guard.timer.phase = IdlePhase.DORMANT
    guard.clock, guard.tone = real_clock, real_tone
    ui.app.large_text = False
    ui.app.choose_language("nb")
    ui.frames(3)


def advance(ui, guard, clock, seconds: float) -> None:
    """Let ``seconds`` pass, ticking once a second like the app does."""
    for _ in range(int(seconds)):
        clock.now += 1
        guard.tick()
    ui.frames(2)


def open_modals():
    return [child for child in Window.children if isinstance(child, ModalView)]


def test_no_warning_before_the_timeout(ui, idle):
    guard, clock, tones = idle
    ui.tap(ui.screen.ids.today_button)
    advance(ui, guard, clock, 89)
    assert not guard.warning_shown
    assert tones == []


def test_the_warning_shows_a_countdown_and_plays_a_tone(ui, idle):
    guard, clock, tones = idle
    ui.tap(ui.screen.ids.today_button)
    advance(ui, guard, clock, 90)
    assert guard.warning_shown
    assert len(tones) == 1
    warning = open_modals()[0]
    assert isinstance(warning, IdleWarning)
    assert warning.ids.question.text == "Er du fortsatt her?"
    assert warning.ids.countdown.text == "Skjermen starter på nytt om 20 sekunder."
    assert warning.ids.more_time.text == "Mer tid"
    advance(ui, guard, clock, 7)
    assert warning.ids.countdown.text == "Skjermen starter på nytt om 13 sekunder."


def test_more_time_can_be_asked_for_ten_times_and_more(ui, idle):
    guard, clock, tones = idle
    ui.tap(ui.screen.ids.today_button)
    for _round in range(12):
        advance(ui, guard, clock, 90)
        assert guard.warning_shown
        # 19 of the 20 seconds pass before the visitor reacts: still enough.
        advance(ui, guard, clock, 19)
        ui.tap(open_modals()[0].ids.more_time)
        ui.frames(3)
        assert not guard.warning_shown
        assert open_modals() == []
        assert ui.app.manager.current == "today"
    assert len(tones) == 12


def test_after_the_warning_the_kiosk_goes_home_and_forgets_the_visitor(ui, idle):
    guard, clock, _tones = idle
    ui.app.choose_language("en")
    ui.app.large_text = True
    ui.app.read_aloud.speaker.volume = 180
    ui.tap(ui.screen.ids.today_button)
    row = ui.screen.ids.rows.data[0]
    ui.app.show_activity(row["key"])
    ui.frames(4)
    assert ui.screen.link
    advance(ui, guard, clock, 90 + 20)
    assert not guard.warning_shown
    assert ui.app.manager.current == "home"
    assert ui.app.language == "nb"
    assert ui.app.large_text is False
    assert ui.app.text_floor == 0
    assert ui.app.read_aloud.speaker.volume == 100
    assert ui.app.manager.get_screen("activity").link == ""
    assert guard.timer.phase is IdlePhase.DORMANT
    # Tilbake has nowhere to go back to: the visitor's trail is gone.
    ui.app.go_back()
    assert ui.app.manager.current == "home"


def test_an_open_language_picker_is_closed_by_the_reset(ui, idle):
    guard, clock, _tones = idle
    ui.tap(ui.screen.ids.today_button)
    ui.app.open_language_picker()
    ui.frames(3)
    assert open_modals()
    advance(ui, guard, clock, 110)
    assert open_modals() == []


def test_every_kind_of_visitor_memory_the_app_holds_is_registered(ui):
    visitor = ui.app.idle.visitor
    assert {"language", "large_text", "volume", "qr"} <= set(visitor.registered)
    # Exactly what the app does not hold yet: a new kind of visitor memory (VISITOR_MEMORY)
    # fails here until the app registers its reset, and so does one the app stops forgetting.
    assert visitor.missing() == ()


def test_during_a_video_call_the_timer_waits_and_starts_afresh_after_it(ui, idle):
    guard, clock, tones = idle
    ui.tap(ui.screen.ids.today_button)
    guard.pause()  # the call's browser has the visitor
    advance(ui, guard, clock, 300)
    assert (open_modals(), tones, ui.app.manager.current) == ([], [], "today")
    guard.resume()
    advance(ui, guard, clock, 60)
    assert open_modals() == []  # a fresh timeout from the end of the call
    advance(ui, guard, clock, 40)
    assert len(tones) == 1


@pytest.mark.parametrize("size", ((1920, 1080), (1080, 1920)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_warning_fits_and_is_captured(ui, idle, size):
    guard, clock, _tones = idle
    ui.resize(*size)
    ui.show("today")
    guard.timer.touched(clock.now)
    advance(ui, guard, clock, 93)
    warning = open_modals()[0]
    ui.frames(4)
    ui.screenshot(f"{size[0]}x{size[1]}-idle-warning")
    box = warning.children[0]
    for widget in walk(box):
        x, y = widget.to_window(*widget.pos)
        assert x >= 0 and y >= 0 and x + widget.width <= size[0] and y + widget.height <= size[1]
    for label in (warning.ids.question, warning.ids.countdown):
        assert label.texture_size[1] <= label.height + 1
        assert label.texture_size[0] <= label.width + 1
    button = warning.ids.more_time
    assert button.height >= 150 and button.width >= 400


def test_the_shipped_tone_is_the_generated_one():
    with wave.open(str(TONE_PATH)) as tone:
        assert tone.getnchannels() == 1
        assert 0.2 <= tone.getnframes() / tone.getframerate() <= 1.0
        assert tone.readframes(tone.getnframes()) == tone_frames()


def test_the_tone_fails_quietly_without_a_usable_audio_file(tmp_path):
    broken = tmp_path / "not-a-sound.wav"
    broken.write_bytes(b"this is not audio")
    assert play_tone(broken) is False


def test_a_missing_tone_file_plays_nothing_and_says_so_in_the_log(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="torg_kiosk.ui.idle_ui"):
        # Neither a player nor Kivy's audio is started for a file that is not there.
        assert play_tone(tmp_path / "gone.wav", player="cat") is False
    assert "gone.wav is missing" in caplog.text


def test_the_configured_player_is_given_the_tone_file(tmp_path):
    # This machine has no sound card and no aplay. The "player" is cp, a real command that
    # reads the file it is given: its copy shows the tone file reached the player whole.
    assert play_tone(TONE_PATH, player=f"cp -t {shlex.quote(str(tmp_path))}") is True
    copy = tmp_path / TONE_PATH.name
    tone = TONE_PATH.read_bytes()
    deadline = time.monotonic() + 20
    while not (copy.exists() and copy.stat().st_size == len(tone)):
        assert time.monotonic() < deadline, "the player never read the tone file"
        time.sleep(0.02)
    assert copy.read_bytes() == tone


def test_a_player_that_is_not_installed_fails_quietly_and_names_itself(caplog):
    with caplog.at_level(logging.INFO, logger="torg_kiosk.ui.idle_ui"):
        assert play_tone(TONE_PATH, player="no-such-player --quiet") is False
    assert "'no-such-player --quiet' could not start" in caplog.text
    assert "idle.tone_player" in caplog.text
