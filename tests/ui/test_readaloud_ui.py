"""Les opp: reads the screen in the screen's language with the real espeak-ng."""

from __future__ import annotations

import os

import pytest
from conftest import UnitTestTouch

from torg_kiosk.domain.speech import DEFAULT_VOLUME, Speaker, SpeakOutcome

SCREENS = ("home", "today", "activity", "week", "contact")


@pytest.fixture
def reader(ui, tmp_path):
    """The app's reader writing to a WAV file instead of a sound card; restored afterwards."""
    app = ui.app
    real = app.read_aloud.speaker
    speaker = Speaker(output=tmp_path / "speech.wav")
    app.read_aloud.speaker = speaker
    ui.resize(1920, 1080)
    yield speaker
    speaker.stop()
    app.read_aloud.speaker = real
    app.choose_language("nb")
    app.readaloud_notice = ""
    ui.frames(2)


def bar(ui):
    """The read-aloud button of the screen on show."""
    if ui.app.manager.current == "home":
        return ui.screen.ids.access_buttons
    return ui.screen.ids.bar.ids.access_buttons


def show(ui, name):
    if name == "activity":
        ui.show("today")
        ui.app.show_activity(ui.screen.ids.rows.data[0]["key"])
        ui.frames(4)
    else:
        ui.show(name)


@pytest.mark.parametrize("name", SCREENS)
def test_every_screen_has_the_button_and_it_reads_the_screen(ui, reader, name, tmp_path):
    reader_output = tmp_path / "speech.wav"
    show(ui, name)
    button = bar(ui).ids.read_button
    assert button.text == "Les opp"
    ui.tap(button)
    assert ui.app.read_aloud.last_outcome is SpeakOutcome.STARTED
    spoken = ui.app.read_aloud.last_text
    assert spoken.strip()
    assert "Les opp" not in spoken  # button words are not read as content
    # The parts are spoken one after the other: the reading is over when the app says so.
    ui.wait_until(lambda: not ui.app.reading, timeout=90, what="the reading to end")
    assert reader.wait(timeout=60)
    assert reader_output.exists() and reader_output.stat().st_size > 1000


def test_home_reads_the_torg_whether_it_is_open_and_now_and_next(ui, reader):
    show(ui, "home")
    spoken = ui.screen.speech_script("nb").text
    assert spoken.startswith(f"{ui.app.site.name}. Åpent til")
    first_row = next(child for child in ui.screen.ids.now_box.children[::-1])
    assert first_row.title in spoken


def test_while_it_reads_the_bar_says_so_and_the_button_stops_it(ui, tmp_path):
    app = ui.app
    real = app.read_aloud.speaker
    # A pipe nobody reads: espeak-ng waits on it, so it is still speaking when we look.
    blocked = tmp_path / "nobody-listens.wav"
    os.mkfifo(blocked)
    speaker = Speaker(output=blocked)
    app.read_aloud.speaker = speaker
    try:
        show(ui, "today")
        button = bar(ui).ids.read_button
        ui.tap(button)
        assert speaker.is_speaking
        assert app.readaloud_notice == "Leser opp …"
        assert button.text == "Stopp opplesing"
        ui.tap(button)
        assert not speaker.is_speaking
        assert button.text in ("Les opp", "Les mer")
        assert app.readaloud_notice == ""
    finally:
        speaker.stop()
        app.read_aloud.speaker = real


def test_a_missing_sound_device_is_said_in_words_and_logged(ui, tmp_path, caplog):
    app = ui.app
    real = app.read_aloud.speaker
    missing_card = tmp_path / "asound.conf"
    missing_card.write_text("pcm.!default { type hw card 99 }\n", encoding="utf-8")
    app.read_aloud.speaker = Speaker(environment={"ALSA_CONFIG_PATH": str(missing_card)})
    try:
        show(ui, "contact")
        ui.tap(bar(ui).ids.read_button)
        ui.wait_until(lambda: not app.reading, timeout=30, what="espeak-ng to give up")
        ui.frames(2)
        expected = "Lyd virker ikke på denne skjermen — si fra i skranken"
        assert app.readaloud_notice == expected
        assert ui.screen.ids.bar.ids.status_label.text == expected
        assert any("could not be heard" in r.getMessage() for r in caplog.records)
    finally:
        app.read_aloud.speaker = real
        app.readaloud_notice = ""


def test_the_activity_screen_reads_title_time_room_and_description(ui, reader):
    show(ui, "activity")
    screen = ui.screen
    spoken = screen.spoken_text("nb")
    for part in (screen.title, screen.when, screen.room, screen.description):
        assert part in spoken
    assert spoken.index(screen.title) < spoken.index(screen.description)


def test_today_reads_the_list(ui, reader):
    show(ui, "today")
    spoken = ui.screen.spoken_text("nb")
    assert ui.screen.ids.rows.data[0]["title"] in spoken


def test_any_touch_interrupts_and_a_second_tap_starts_again(ui):
    app = ui.app
    real = app.read_aloud.speaker
    # Discarded audio plays in real time on no device; a long text keeps it busy.
    speaker = Speaker(output="discard")
    app.read_aloud.speaker = speaker
    try:
        show(ui, "activity")
        speaker.speak("Dette er en lang tekst. " * 40, "nb")
        first = speaker.pid
        assert speaker.is_speaking
        touch = UnitTestTouch(5, 500)  # anywhere: here the empty margin of the screen
        touch.touch_down()
        touch.touch_up()
        ui.frames(2)
        assert not speaker.is_speaking
        # The next tap on the button reads again (a tap while it speaks is Stopp: see
        # test_while_it_reads_the_bar_says_so_and_the_button_stops_it).
        ui.tap(bar(ui).ids.read_button)
        assert speaker.pid not in (None, first)
        assert app.read_aloud.last_outcome is SpeakOutcome.STARTED
    finally:
        speaker.stop()
        app.read_aloud.speaker = real


def test_somali_says_there_is_no_voice_instead_of_reading(ui, reader):
    ui.app.choose_language("so")
    show(ui, "today")
    ui.tap(bar(ui).ids.read_button)
    assert ui.app.read_aloud.last_outcome is SpeakOutcome.NO_VOICE
    assert not reader.is_speaking
    status = ui.screen.ids.bar.ids.status_label
    expected = ui.app.tr("Opplesing finnes ikke på dette språket.", "so")
    assert status.text == expected == ui.app.readaloud_notice
    # The next touch clears the notice.
    ui.tap(ui.screen.ids.bar.ids.home_button)
    assert ui.app.readaloud_notice == ""


def test_english_is_read_in_english(ui, reader):
    ui.app.choose_language("en")
    show(ui, "contact")
    ui.tap(bar(ui).ids.read_button)
    assert bar(ui).ids.read_button.text in ("Stop reading", "Read aloud")  # done already?
    assert ui.app.read_aloud.last_outcome is SpeakOutcome.STARTED


def test_the_volume_goes_back_to_the_default_for_the_next_visitor(ui):
    ui.app.read_aloud.speaker.volume = 170
    ui.app.idle.visitor.forget_visitor()
    assert ui.app.read_aloud.speaker.volume == DEFAULT_VOLUME
    ui.frames(3)


def test_the_parts_are_read_one_by_one_and_the_row_being_read_is_outlined(ui, reader):
    from kivy.graphics import Color

    from torg_kiosk.domain.read_aloud import first_reading, more_reading

    show(ui, "today")
    app = ui.app
    script = ui.screen.speech_script("nb")
    # The first tap reads what fits in Home's time, the second (*Les mer*) the rest.
    readings = [first_reading(script), more_reading(script)]
    expected = [part.key for reading in readings for part in reading.parts if part.key]
    assert len(expected) >= 2  # rows after the summary
    heard = []
    app.bind(reading_key=lambda _app, key: heard.append(key))
    for reading in readings:
        if not reading.parts:
            continue
        ui.tap(bar(ui).ids.read_button)
        ui.wait_until(lambda: not app.reading, timeout=90, what="the reading to end")
        ui.frames(2)
    # Every part in order (the summary has no row), then nothing marked.
    assert [key for key in heard if key] == expected
    assert heard[-1] == "" and app.reading_key == ""

    rows = [widget for widget in ui.screen.walk() if type(widget).__name__ == "OccurrenceRow"]
    outline = {
        row.key: [i for i in row.canvas.after.children if isinstance(i, Color)][-1] for row in rows
    }
    first, second = expected[0], expected[1]
    app.reading_key = first
    ui.frames(1)  # kv applies canvas instructions' bindings on the next frame
    assert list(outline[first].rgba) == list(app.c_accent)
    assert outline[second].rgba[3] == 0
    app.reading_key = ""
    ui.frames(1)
    assert outline[first].rgba[3] == 0
