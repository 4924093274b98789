"""``torg-kiosk`` exactly as its console script runs it, plus a report of where its buttons are.

Run as ``python -m tests.kiosk_probe REPORT.json <torg-kiosk arguments>``. The kiosk is
:func:`torg_kiosk.__main__.main`, unchanged. A thread waits for the running app and then has
Kivy's clock call :func:`_report` a few times a second; that writes REPORT.json (replaced
whole, so a reader never sees half of it): the screen on show, the status line, where on the
X screen the buttons a test may tap are, and what read-aloud last did.

Nothing is tapped from in here: a test taps from outside with real X events (``xdotool``, see
``tests/kiosk_process.py``), the way a touch screen's driver delivers them, so a tap takes
the whole path through SDL, Kivy's input providers and the widgets.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

#: How often the report is written (seconds).
EVERY = 0.25


def _targets(app) -> dict[str, list[int]]:
    """Where the tappable things of the screen on show are: X screen pixels, top-left origin."""
    from kivy.core.window import Window
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.scrollview import ScrollView

    screen = app.manager.current_screen
    found: dict[str, list[int]] = {}

    def place(widget) -> list[int] | None:
        x, y = widget.to_window(*widget.center)
        if not (0 <= x < Window.width and 0 <= y < Window.height):
            return None
        parent = widget.parent
        while parent is not None and parent is not screen:
            if isinstance(parent, ScrollView):
                left, bottom = parent.to_window(parent.x, parent.y)
                if not (left <= x < left + parent.width and bottom <= y < bottom + parent.height):
                    return None  # scrolled out of sight
            parent = parent.parent
        return [int(Window.left + x), int(Window.top + Window.height - y)]

    ids = screen.ids
    bar = ids.get("bar")
    access = ids.get("access_buttons") or (bar.ids.access_buttons if bar is not None else None)
    named = {
        "read": access.ids.read_button if access is not None else None,
        "week": ids.get("week_button"),
        "today": ids.get("today_button"),
        "home": bar.ids.home_button if bar is not None else None,
        "large": access.ids.large_button if access is not None else None,
        "language": ids.get("language_button"),
    }
    for name, widget in named.items():
        at = place(widget) if widget is not None and widget.opacity > 0 else None
        if at is not None:
            found[name] = at

    def walk(widget) -> None:
        key = getattr(widget, "key", "")
        if isinstance(widget, ButtonBehavior) and isinstance(key, str) and key.count("|") == 2:
            at = place(widget)
            name = f"row:{key.split('|')[1]}"
            if at is not None and name not in found:
                found[name] = at
        for child in widget.children:
            walk(child)

    walk(screen)
    return found


def _report(app, path: Path, started: float) -> None:
    from kivy.clock import Clock

    read_aloud = getattr(app, "read_aloud", None)
    outcome = getattr(read_aloud, "last_outcome", None)
    state = {
        "pid": os.getpid(),
        "seconds": round(time.monotonic() - started, 2),
        "frames": Clock.frames_displayed,
        "screen": app.manager.current if app.manager else None,
        "status_line": app.status_text,
        "has_programme": app.has_programme,
        "programme_notice": app.programme_notice,
        "read_outcome": outcome.name if outcome is not None else None,
        "read_text_length": len(getattr(read_aloud, "last_text", "") or ""),
        # espeak-ng's process id: a new one for every reading that started.
        "speaker_pid": getattr(getattr(read_aloud, "speaker", None), "pid", None),
        "targets": _targets(app) if app.manager else {},
    }
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)


def _watch(path: Path, started: float) -> None:
    """Wait for the app to run, then report from Kivy's own thread, on its clock."""
    while "kivy.app" not in sys.modules:
        time.sleep(0.05)
    from kivy.app import App
    from kivy.clock import Clock

    while (app := App.get_running_app()) is None or app.manager is None:
        time.sleep(0.05)

    def tick(_dt) -> None:
        try:
            _report(app, path, started)
        except Exception as error:  # a report is never worth the kiosk: say it and go on
            print(f"kiosk_probe: no report this time ({error!r})", file=sys.stderr)

    Clock.schedule_interval(tick, EVERY)


def main() -> int:
    report, *kiosk_args = sys.argv[1:]
    started = time.monotonic()
    threading.Thread(target=_watch, args=(Path(report), started), daemon=True).start()
    from torg_kiosk.__main__ import main as kiosk_main

    return kiosk_main(kiosk_args)


if __name__ == "__main__":
    sys.exit(main())
