"""Read aloud: how long the first reading of Home takes, heard, in each language at each torg.

Usage: python benchmarks/bench_read_aloud.py

The demo feed at each of the eight torg on Thursday 3 December 2026, 10:15 (the golden files'
moment). Each part of Home's first reading is spoken by the real espeak-ng, as the kiosk speaks
it (SSML, the part's own voices, the kiosk's rate), into a WAV file; the seconds are the WAV's
length plus the kiosk's pause between parts. The target (issue 13) is under 20 s; the estimate
the kiosk cuts the reading with (``read_aloud.seconds_to_read``) is printed beside it.
Somali has no espeak-ng voice: the kiosk says so instead of reading, so it is left out.
Prints ``name: value unit`` lines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import wave
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.conftest import PINNED_NOW  # noqa: E402
from torg_kiosk.base.settings import load_all_sites  # noqa: E402
from torg_kiosk.domain import read_aloud  # noqa: E402
from torg_kiosk.domain.i18n import CODES  # noqa: E402
from torg_kiosk.domain.read_aloud import Script, first_reading, seconds_to_read, ssml  # noqa: E402
from torg_kiosk.domain.speech import Speaker, SpeakOutcome  # noqa: E402
from torg_kiosk.store.database import open_db  # noqa: E402
from torg_kiosk.store.schedule import Schedule  # noqa: E402
from torg_kiosk.sync.pipeline import Source, sync_source  # noqa: E402

FEED = REPO_ROOT / "torg_kiosk" / "assets" / "demo" / "feed.json"
#: The pause the kiosk leaves between two parts (one espeak-ng run each, polled).
PAUSE_SECONDS = 0.4


def heard_seconds(script: Script, language: str, folder: Path) -> float:
    total = 0.0
    for index, part in enumerate(script.parts):
        output = folder / f"part-{index}.wav"
        speaker = Speaker(output=output)
        if (
            speaker.speak_ssml(ssml(Script((part,)), language), language)
            is not SpeakOutcome.STARTED
        ):
            raise RuntimeError(f"espeak-ng did not start for {language}")
        speaker.wait(timeout=60)
        with wave.open(str(output)) as sound:
            total += sound.getnframes() / sound.getframerate()
        total += PAUSE_SECONDS
    return total


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-read-aloud-"))
    db = open_db(folder / "kiosk.db")
    sync_source(db, Source("central", "feed", str(FEED)), now=PINNED_NOW)
    db.conn.close()
    schedule = Schedule.open(folder / "kiosk.db")
    sites = load_all_sites()
    worst: dict[str, float] = {}
    for language in CODES:
        if language == "so":
            continue
        heard = []
        for site in sites.values():
            running, upcoming = schedule.now_and_next(site.id, PINNED_NOW)
            script = read_aloud.home_script(site, running, upcoming, PINNED_NOW, language)
            first = first_reading(script)
            seconds = heard_seconds(first, language, folder)
            estimate = sum(seconds_to_read(part) for part in first.parts)
            heard.append(seconds)
            print(
                f"home_first_reading_{language}_{site.id}: {seconds:.1f} s "
                f"(estimate {estimate:.1f} s)"
            )
        worst[language] = max(heard)
        print(f"home_first_reading_{language}_median: {statistics.median(heard):.1f} s")
        print(f"home_first_reading_{language}_max: {max(heard):.1f} s")
    print(f"home_first_reading_max_all: {max(worst.values()):.1f} s (target < 20 s)")
    schedule.close()


if __name__ == "__main__":
    main()
