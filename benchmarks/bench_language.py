"""Language switch: time from the tap on a language to the end of the redrawn Today screen.

Usage (needs a display): xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_language.py

The Today screen shows 100 activities at Heggedal (a generated feed beside the demo feed).
Each round opens the chooser from the Today screen's bar, then times a real touch (down, up)
on the next language's button, from the touch up to the end of the first frame after which
the screen speaks that language. Prints ``name: value unit`` lines; median over the rounds.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-lang-kivy-"))
os.environ["KIVY_NO_CONSOLELOG"] = "1"

from bench_ui import NOW, start_app  # noqa: E402  (configures Kivy before the window)
from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from torg_kiosk.base.settings import demo_feed_path  # noqa: E402
from torg_kiosk.domain.i18n import CODES, translator  # noqa: E402
from torg_kiosk.store.database import open_db  # noqa: E402
from torg_kiosk.sync.pipeline import Source, sync_all  # noqa: E402
from torg_kiosk.ui.widgets import LanguagePicker  # noqa: E402

ACTIVITIES = 100


def hundred_activities_feed(path: Path) -> None:
    """The demo feed's document with 100 one-off activities at Heggedal today, 07:00–22:00."""
    feed = json.loads(demo_feed_path().read_text(encoding="utf-8"))
    model = next(a for a in feed["activities"] if a["site"] == "heggedal" and "rrule" in a)
    activities = []
    day_start = NOW.replace(hour=7, minute=0)
    for number in range(ACTIVITIES):
        activity = copy.deepcopy(model)
        for field in ("rrule", "exdates"):
            activity.pop(field, None)
        start = day_start + timedelta(minutes=9 * number)
        activity["id"] = f"bench-{number:03d}"
        activity["title"] = {"nb": f"Aktivitet {number}", "en": f"Activity {number}"}
        activity["start"] = start.isoformat()
        activity["end"] = (start + timedelta(minutes=60)).isoformat()
        activities.append(activity)
    feed["activities"] = activities
    feed.pop("announcements", None)
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")


def settle(frames: int = 30) -> None:
    """Let the chooser's open/close animation finish (outside the timed part)."""
    for _ in range(frames):
        EventLoop.idle()
        time.sleep(0.005)


def tap_language(app, code: str) -> float:
    settle()
    today = app.manager.get_screen("today")
    button = today.ids.bar.ids.language_button
    x, y = button.to_window(*button.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    EventLoop.idle()
    touch.touch_up()
    settle()
    picker = next(c for c in Window.children if isinstance(c, LanguagePicker))
    target = picker.buttons[code]
    x, y = target.to_window(*target.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    EventLoop.idle()
    expected = translator(code).gettext("Hjem")
    started = time.perf_counter()
    touch.touch_up()
    for _ in range(100):
        EventLoop.idle()  # input, clock, layout, draw and flip of one frame
        if app.language == code and today.ids.bar.ids.home_button.text == expected:
            return time.perf_counter() - started
    raise SystemExit(f"choosing {code} never redrew the Today screen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=70)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lang-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        feed = Path(tmp) / "hundred.json"
        hundred_activities_feed(feed)
        db = open_db(data / "kiosk.db")
        sync_all(db, [Source("bench", "feed", str(feed))], now=NOW)
        db.close()
        app = start_app(data)
        app.go("today")
        for _ in range(5):
            EventLoop.idle()
        shown = len(app.manager.get_screen("today").ids.rows.data)
        if shown < ACTIVITIES:
            raise SystemExit(f"Today shows {shown} activities, expected at least {ACTIVITIES}")
        order = [code for code in CODES if code != "nb"] + ["nb"]
        timings = {code: [] for code in CODES}
        for number in range(args.rounds):
            code = order[number % len(order)]
            timings[code].append(tap_language(app, code))
        every = [seconds for values in timings.values() for seconds in values]
        print(f"today_activities: {shown} count")
        print(f"language_switch_median: {statistics.median(every) * 1000:.1f} ms")
        print(f"language_switch_max: {max(every) * 1000:.1f} ms")
        for code, values in timings.items():
            print(f"language_switch_median_{code}: {statistics.median(values) * 1000:.1f} ms")
        app.sync.stop()
        app.stop()


if __name__ == "__main__":
    main()
