"""The real kiosk, with a way to block its UI thread from outside, for the watchdog test.

Usage: python tests/hang_ui_child.py HANG_SECONDS -- <torg-kiosk arguments>

On SIGUSR1 the UI thread (Python runs signal handlers on the main thread, which is Kivy's)
prints ``hang: start``, sleeps HANG_SECONDS, and prints ``hang: end``. A helper thread prints
``helper: alive`` twice a second throughout, to show that other threads stay healthy while
the screen is stuck. Everything else is ``torg-kiosk`` as installed.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torg_kiosk.__main__ import main


def block_ui_thread(hang_seconds: float) -> None:
    print("hang: start", flush=True)
    time.sleep(hang_seconds)
    print("hang: end", flush=True)


def helper() -> None:
    while True:
        print("helper: alive", flush=True)
        time.sleep(0.5)


if __name__ == "__main__":
    hang_seconds = float(sys.argv[1])
    kiosk_args = sys.argv[sys.argv.index("--") + 1 :]
    signal.signal(signal.SIGUSR1, lambda *_: block_ui_thread(hang_seconds))
    threading.Thread(target=helper, daemon=True).start()
    sys.exit(main(kiosk_args))
