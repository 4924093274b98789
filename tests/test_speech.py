"""Reading aloud with the real espeak-ng: right voice, real audio, interruptible, no wrong voice."""

from __future__ import annotations

import subprocess
import time
import wave

import psutil
import pytest

from torg_kiosk.domain.i18n import translator
from torg_kiosk.domain.speech import (
    DEFAULT_VOLUME,
    NO_VOICE_MESSAGE,
    VOICES,
    Speaker,
    SpeakOutcome,
    can_speak,
    installed_voices,
    no_voice_message,
    phonemes,
    spoken,
)

LANGUAGES_WITH_VOICE = ["nb", "nn", "en", "uk", "pl", "ar"]

#: A short sentence per language, in that language's own script.
SAMPLES = {
    "nb": "Velkommen til innbyggertorget.",
    "nn": "Velkomen til innbyggjartorget.",
    "en": "Welcome to the citizen square.",
    "uk": "Ласкаво просимо до площі громадян.",
    "pl": "Witamy na placu obywatelskim.",
    "ar": "مرحبا بكم في ساحة المواطنين.",
}

#: Long enough that espeak-ng, writing faster than real time to /dev/null, is still busy
#: after 0.2 s (about three seconds of work on one core).
LONG_TEXT = " ".join(["Dette er en lang tekst som leses høyt for besøkende på torget."] * 1000)


def read_wav(path):
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes(), audio.getframerate(), audio.readframes(audio.getnframes())


def peak(frames: bytes) -> int:
    samples = memoryview(frames).cast("h")
    return max(abs(sample) for sample in samples)


def loudness(frames: bytes) -> float:
    """Root mean square of the 16-bit samples."""
    samples = memoryview(frames).cast("h")
    return (sum(sample * sample for sample in samples) / len(samples)) ** 0.5


def test_every_language_of_the_screen_has_an_entry():
    assert set(VOICES) == {"nb", "nn", "en", "uk", "pl", "so", "ar"}


@pytest.mark.parametrize("language", LANGUAGES_WITH_VOICE)
def test_the_voice_for_each_language_is_installed(language):
    voice = VOICES[language]
    assert voice in installed_voices()
    listed = subprocess.run(
        ["espeak-ng", f"--voices={voice}"], capture_output=True, text=True, check=True
    ).stdout
    assert voice in listed.split()
    assert can_speak(language)


def test_espeak_ng_really_has_no_somali_voice():
    listed = subprocess.run(
        ["espeak-ng", "--voices=so"], capture_output=True, text=True, check=True
    ).stdout
    assert listed.strip().splitlines()[1:] == []
    assert VOICES["so"] is None
    assert not can_speak("so")


def test_an_unknown_language_cannot_be_spoken():
    assert not can_speak("xx")


@pytest.mark.parametrize("language", LANGUAGES_WITH_VOICE)
def test_each_voice_writes_a_wav_of_plausible_length(tmp_path, language):
    wav = tmp_path / f"{language}.wav"
    speaker = Speaker(output=wav)
    assert speaker.speak(SAMPLES[language], language) is SpeakOutcome.STARTED
    assert speaker.wait(timeout=30)
    frames, rate, data = read_wav(wav)
    seconds = frames / rate
    # Four or five words at 150 words a minute: well over half a second, well under ten.
    assert 0.7 < seconds < 10, seconds
    assert peak(data) > 1000


#: A native word and a phoneme only that language's rules produce, from ``espeak-ng -x``.
NATIVE_PHONEMES = [
    ("nb", "kjøkken", "x'W"),  # "kj" is the ç/x sound and "ø" is W, not a spelled-out k-j
    ("en", "thank", "T"),  # the "th" of "thank" is θ (T), which bokmål rules never give
    ("uk", "Привіт", "riv'it"),  # read, not spelled letter by letter as "Cyrillic P …"
    ("pl", "dziękuję", "dz;"),  # the soft dź affricate
    ("ar", "مرحبا", "H"),  # the pharyngeal ħ of marḥaban
]


@pytest.mark.parametrize(("language", "word", "expected"), NATIVE_PHONEMES)
def test_each_voice_reads_its_own_language_with_its_own_rules(language, word, expected):
    native = phonemes(word, language)
    assert expected in native
    # espeak-ng marks a switch to another language's rules as "(en)…"; none for a native word.
    assert "(" not in native


@pytest.mark.parametrize(("language", "word", "expected"), NATIVE_PHONEMES)
def test_another_voice_would_read_the_same_word_differently(language, word, expected):
    other = phonemes(word, "en" if language == "nb" else "nb")
    assert phonemes(word, language) != other
    assert expected not in other


def test_nynorsk_is_read_with_the_bokmal_rules():
    assert phonemes("kjøkken", "nn") == phonemes("kjøkken", "nb")


def test_somali_starts_no_process_and_says_no_voice():
    speaker = Speaker(output="discard")
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    assert speaker.speak("Ku soo dhawoow", "so") is SpeakOutcome.NO_VOICE
    after = {child.pid for child in psutil.Process().children(recursive=True)}
    assert after - before == set()
    assert not speaker.is_speaking
    assert speaker.pid is None


def test_the_no_voice_message_is_a_sentence_in_the_screen_language():
    assert no_voice_message("nb") == "Opplesing finnes ikke på dette språket."
    assert no_voice_message("en").startswith("Reading aloud is not available")
    # Somali has no voice but has a catalog: the visitor reads why in Somali.
    assert no_voice_message("so") == translator("so").gettext(NO_VOICE_MESSAGE)
    assert no_voice_message("so") != no_voice_message("nb")


def test_empty_text_starts_nothing():
    speaker = Speaker(output="discard")
    assert speaker.speak("   ", "nb") is SpeakOutcome.NOTHING_TO_READ
    assert not speaker.is_speaking


def test_speak_returns_while_espeak_is_still_reading():
    speaker = Speaker(output="discard")
    try:
        speaker.speak(LONG_TEXT, "nb")
        assert speaker.is_speaking
    finally:
        speaker.stop()


def test_stop_interrupts_long_speech_and_ends_the_process():
    speaker = Speaker(output="discard")
    speaker.speak(LONG_TEXT, "nb")
    pid = speaker.pid
    time.sleep(0.2)
    assert speaker.is_speaking
    speaker.stop()
    deadline = time.monotonic() + 1
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not psutil.pid_exists(pid)
    assert not speaker.is_speaking


def test_a_second_tap_restarts_from_the_beginning():
    speaker = Speaker(output="discard")
    try:
        speaker.speak(LONG_TEXT, "nb")
        first = speaker.pid
        time.sleep(0.2)
        speaker.speak(LONG_TEXT, "nb")
        second = speaker.pid
        assert second != first
        assert not psutil.pid_exists(first)
        assert speaker.is_speaking
    finally:
        speaker.stop()


def test_a_restart_writes_the_whole_text_again(tmp_path):
    wav = tmp_path / "again.wav"
    speaker = Speaker(output=wav)
    speaker.speak(SAMPLES["nb"], "nb")
    assert speaker.wait(timeout=30)
    whole = read_wav(wav)[0]
    speaker.speak(SAMPLES["nb"], "nb")
    assert speaker.wait(timeout=30)
    assert read_wav(wav)[0] == whole


def test_stop_when_nothing_is_speaking_is_harmless():
    speaker = Speaker(output="discard")
    speaker.stop()
    speaker.speak("Hei", "nb")
    assert speaker.wait(timeout=30)
    speaker.stop()
    assert not speaker.is_speaking


def test_volume_changes_the_amplitude_and_reset_restores_it(tmp_path):
    speaker = Speaker(output=tmp_path / "quiet.wav")
    speaker.volume = 40
    speaker.speak("Hei", "nb")
    assert speaker.wait(timeout=30)
    quiet = loudness(read_wav(tmp_path / "quiet.wav")[2])

    speaker.reset()
    assert speaker.volume == DEFAULT_VOLUME
    fresh = Speaker(output=tmp_path / "normal.wav")
    fresh.speak("Hei", "nb")
    assert fresh.wait(timeout=30)
    normal = loudness(read_wav(tmp_path / "normal.wav")[2])
    assert normal > quiet * 1.5


def test_reset_also_stops_reading():
    speaker = Speaker(output="discard")
    speaker.speak(LONG_TEXT, "nb")
    speaker.volume = 180
    speaker.reset()
    assert not speaker.is_speaking
    assert speaker.volume == DEFAULT_VOLUME


@pytest.mark.parametrize("bad", [-1, 201, 1000])
def test_volume_outside_espeak_range_is_refused(bad):
    speaker = Speaker(output="discard")
    with pytest.raises(ValueError, match="between 0 and 200"):
        speaker.volume = bad
    assert speaker.volume == DEFAULT_VOLUME


def test_text_starting_with_a_dash_is_read_not_taken_as_an_option(tmp_path):
    wav = tmp_path / "dash.wav"
    speaker = Speaker(output=wav)
    speaker.speak("-a er ikke et valg", "nb")
    assert speaker.wait(timeout=30)
    assert read_wav(wav)[0] > 0


def test_a_nul_in_the_text_never_reaches_espeak_ng(tmp_path):
    """Regression: *Les opp* on a title with a NUL ended the kiosk (embedded null byte)."""
    wav = tmp_path / "nul.wav"
    speaker = Speaker(output=wav)
    assert speaker.speak("Strikke\x00kafé \ud800i dag", "nb") is SpeakOutcome.STARTED
    assert speaker.wait(timeout=30)
    assert read_wav(wav)[0] > 0
    # What espeak-ng got: read from the running process (a long text keeps it running).
    speaker = Speaker(output="discard")
    speaker.speak("Strikke\x00kafé \ud800i dag. " + LONG_TEXT, "nb")
    try:
        # On a busy machine espeak-ng may already be done (a zombie has no command line):
        # then the argv the process was started with, which Popen handed to exec as it is.
        argv = psutil.Process(speaker.pid).cmdline() or list(speaker._process.args)
    finally:
        speaker.stop()
    assert argv[-1].startswith("Strikkekafé \ufffdi dag. Dette er")


def test_text_of_nothing_but_control_characters_starts_nothing():
    assert Speaker(output="discard").speak("\x00\x07\u202e", "nb") is SpeakOutcome.NOTHING_TO_READ


def test_the_spoken_text_always_fits_in_one_argument():
    text = spoken("Ære være Ålesund! " * 10_000)
    assert len(text.encode("utf-8")) < 128 * 1024  # Linux's cap on one argv string


def test_phonemes_of_a_text_with_a_nul_are_those_of_the_text_without_it():
    assert phonemes("hei\x00 på deg", "nb") == phonemes("hei på deg", "nb")


def test_without_espeak_ng_nothing_can_be_spoken(tmp_path):
    missing = str(tmp_path / "no-espeak-here")
    assert installed_voices(missing) == frozenset()
    assert not can_speak("nb", executable=missing)
    speaker = Speaker(output="discard", executable=missing)
    assert speaker.speak("Hei", "nb") is SpeakOutcome.NO_VOICE
