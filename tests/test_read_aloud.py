"""What "Les opp" says, per screen and language, and how espeak-ng is asked to say it.

The golden files in tests/golden/speech/ are the readings of the demo feed at Heggedal on
Thursday 3 December 2026, 10:15, one file per screen and language, for a reviewer to read
(``UPDATE_GOLDEN=1`` writes them again). Speech runs real espeak-ng; the failure test sends
it to a sound card that does not exist (ALSA card 99).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW
from torg_kiosk.base.settings import load_site
from torg_kiosk.domain import read_aloud
from torg_kiosk.domain.i18n import CODES
from torg_kiosk.domain.read_aloud import (
    HOME_SECONDS,
    Phrase,
    first_reading,
    more_reading,
    seconds_to_read,
    ssml,
)
from torg_kiosk.domain.speech import Speaker, SpeakOutcome, phonemes
from torg_kiosk.store.database import open_db
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.pipeline import Source, sync_source

GOLDEN = Path(__file__).parent / "golden" / "speech"
SCREENS = ("home", "today", "activity", "contact")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("speech")
    feed = Path(__file__).resolve().parents[1] / "torg_kiosk" / "assets" / "demo" / "feed.json"
    db = open_db(folder / "kiosk.db")
    sync_source(db, Source("central", "feed", str(feed)), now=PINNED_NOW)
    db.conn.close()
    schedule = Schedule.open(folder / "kiosk.db")
    request.addfinalizer(schedule.close)
    return schedule, load_site("heggedal")


def script_for(name: str, demo, language: str):
    schedule, site = demo
    today = schedule.today(site.id, PINNED_NOW)
    if name == "home":
        running, upcoming = schedule.now_and_next(site.id, PINNED_NOW)
        return read_aloud.home_script(site, running, upcoming, PINNED_NOW, language)
    if name == "today":
        return read_aloud.today_script(today, PINNED_NOW, language)
    if name == "activity":
        cancelled = next(item for item in today if item.cancelled)
        return read_aloud.activity_script(cancelled, language)
    return read_aloud.contact_script(site, PINNED_NOW, language)


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_reads_as_its_golden_file(demo, name, language):
    text = script_for(name, demo, language).text + "\n"
    golden = GOLDEN / f"{name}-{language}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", CODES)
def test_home_starts_with_the_torg_and_whether_it_is_open_then_now(demo, language):
    parts = script_for("home", demo, language).parts
    assert parts[0].text.startswith("Heggedal innbyggertorg.")
    assert parts[1].key  # the first item reads a row the screen can highlight


@pytest.mark.parametrize("language", CODES)
def test_the_first_reading_of_home_is_under_twenty_seconds_and_more_reads_the_rest(demo, language):
    script = script_for("home", demo, language)
    first, more = first_reading(script), more_reading(script)
    assert sum(seconds_to_read(part) for part in first.parts) <= HOME_SECONDS
    assert first.parts + more.parts == script.parts


def test_no_reading_has_button_words_or_markup(demo):
    for name in SCREENS:
        for language in CODES:
            text = script_for(name, demo, language).text
            for word in ("[s]", "[/s]", "Opp", "Ned", "Les opp", "Tilbake", "Hjem"):
                assert word not in text, (name, language, word)


def test_a_norwegian_title_in_arabic_speech_is_a_norwegian_phrase():
    occurrence_title = Phrase("Strikkekafé.", "nb")
    script = read_aloud.Script((read_aloud.Part((Phrase("الآن:", "ar"), occurrence_title)),))
    document = ssml(script, "ar")
    assert document.startswith('<speak version="1.0" xml:lang="ar">')
    assert '<s xml:lang="ar">الآن:</s><s xml:lang="nb">Strikkekafé.</s>' in document


def test_phrases_shown_in_english_are_read_with_the_english_voice(demo):
    script = script_for("today", demo, "uk")
    languages = {phrase.language for part in script.parts for phrase in part.phrases}
    assert {"uk", "en"} <= languages  # the demo feed has no Ukrainian titles
    assert 'xml:lang="en-gb"' in ssml(script, "uk")


def test_ssml_escapes_what_would_break_the_document():
    script = read_aloud.Script((read_aloud.Part((Phrase("Mat & prat <3", "nb"),)),))
    assert "Mat &amp; prat &lt;3" in ssml(script, "nb")


def test_espeak_reads_the_norwegian_phrase_with_norwegian_rules():
    document = (
        '<speak xml:lang="ar"><s xml:lang="ar">مرحبا</s><s xml:lang="nb">Biblioteket</s></speak>'
    )

    result = subprocess.run(
        ["espeak-ng", "-q", "-x", "-m", "-v", "ar", document],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    norwegian = phonemes("Biblioteket", "nb")
    assert norwegian.split()[-1] in result.stdout


def test_a_sound_card_that_does_not_exist_is_a_failure_in_words(tmp_path):
    missing_card = tmp_path / "asound.conf"
    missing_card.write_text("pcm.!default { type hw card 99 }\n", encoding="utf-8")
    speaker = Speaker(environment={"ALSA_CONFIG_PATH": str(missing_card)})
    assert speaker.speak("Hei", "nb") is SpeakOutcome.STARTED
    assert speaker.wait(timeout=30)
    failure = speaker.failure()
    assert failure is not None and "error" in failure.lower()


def test_speech_to_a_file_is_no_failure(tmp_path):
    speaker = Speaker(output=tmp_path / "hei.wav")
    assert speaker.speak_ssml('<speak xml:lang="nb">Hei</speak>', "nb") is SpeakOutcome.STARTED
    assert speaker.wait(timeout=30)
    time.sleep(0)
    assert speaker.failure() is None
    assert (tmp_path / "hei.wav").stat().st_size > 1000


@pytest.mark.parametrize("language", CODES)
def test_no_reading_says_a_whole_hour_as_zero_zero(demo, language):
    # Every espeak-ng voice reads "16:00" as "sixteen zero zero"; on the hour it says "16".
    for name in SCREENS:
        document = ssml(script_for(name, demo, language), language)
        assert ":00" not in document, f"{name}-{language}: {document}"
        assert "10:30" in document or name not in ("today",)  # other times stay whole


def test_phrases_in_one_voice_are_one_sentence_and_a_change_of_voice_another():
    part = read_aloud.Part(
        (Phrase("الساعة 11:", "ar"), Phrase("Babysang.", "nb"), Phrase("مكتبة.", "ar"))
    )
    same = read_aloud.Part((Phrase("Klokka 11:", "nb"), Phrase("Babysang.", "nb")))
    document = ssml(read_aloud.Script((part, same)), "ar")
    assert document.count("<s ") == 4  # ar, nb, ar; then one for the whole bokmål part
    assert '<s xml:lang="nb">Klokka 11: Babysang.</s>' in document
    # The estimate counts the pause at the end of each of those sentences.
    assert seconds_to_read(part) > seconds_to_read(
        read_aloud.Part((Phrase("الساعة 11: Babysang. مكتبة.", "ar"),))
    )
