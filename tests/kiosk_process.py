"""A real ``torg-kiosk`` process on an X server of its own, tapped with real X events.

:class:`KioskProcess` starts ``Xvfb`` (one per kiosk, so kiosks can run side by side and a
tap never lands in another one's window), then the kiosk through ``tests.kiosk_probe``
(the kiosk unchanged, plus a report of where its buttons are), taps with ``xdotool`` and
takes pictures of the X screen with Pillow. Used by ``tests/test_fault_matrix.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageGrab

REPO = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1280, 800


class KioskDied(AssertionError):
    """The kiosk process ended while it should have been running."""


class KioskProcess:
    """``torg-kiosk --windowed --size 1280x800 <args>`` on its own Xvfb, until :meth:`stop`."""

    def __init__(self, folder: Path, args: list[str], env: dict[str, str]):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.report_path = folder / "report.json"
        self._x = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten",
             "tcp", "-noreset"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.display = f":{self._x.stdout.readline().strip()}"
        self.env = {**env, "DISPLAY": self.display}
        self.env.pop("WAYLAND_DISPLAY", None)
        self._stderr = open(folder / "stderr.txt", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.kiosk_probe", str(self.report_path), *args,
             "--windowed", "--size", f"{WIDTH}x{HEIGHT}"],
            cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=self._stderr,
        )  # fmt: skip
        self.started = time.monotonic()
        self.returncode: int | None = None

    # -- looking ---------------------------------------------------------------------------

    def alive(self) -> bool:
        return self.process.poll() is None

    def report(self) -> dict:
        try:
            return json.loads(self.report_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_for(self, condition, what: str, timeout: float = 60) -> dict:
        """The first report that satisfies ``condition``; the kiosk must stay alive meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise KioskDied(f"the kiosk ended (exit {self.process.poll()}) waiting for {what}")
            report = self.report()
            if report and condition(report):
                return report
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; last report: {report}")
            time.sleep(0.1)

    def picture(self, name: str) -> Image.Image:
        """The X screen as it is now (the kiosk's window fills it), also saved as ``name``."""
        image = ImageGrab.grab(xdisplay=self.display).convert("RGB")
        image.save(self.folder / f"{name}.png")
        return image

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return (self.folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    # -- doing -----------------------------------------------------------------------------

    def tap(self, target: str, *, timeout: float = 30) -> dict:
        """Tap ``target`` (a name from the probe's report: read, week, today, home, large,
        language, row:<activity id>) once it is on screen; returns the report it was found in."""
        report = self.wait_for(lambda r: target in r.get("targets", {}), f"{target!r} on screen",
                               timeout)  # fmt: skip
        x, y = report["targets"][target]
        subprocess.run(
            ["xdotool", "mousemove", str(x), str(y), "click", "1"],
            env=self.env, check=True, capture_output=True, timeout=10,
        )  # fmt: skip
        return report

    def go(self, target: str, screen: str) -> dict:
        """Tap ``target`` and wait until ``screen`` is on show."""
        self.tap(target)
        return self.wait_for(lambda r: r.get("screen") == screen, f"the {screen} screen")

    def read_aloud(self) -> dict:
        """Tap *Les opp* and wait until a new reading has started (a new espeak-ng)."""
        before = self.report()
        said_before = (before.get("read_outcome"), before.get("speaker_pid"))
        self.tap("read")
        return self.wait_for(
            lambda r: (
                r.get("read_outcome") is not None
                and (r.get("read_outcome"), r.get("speaker_pid")) != said_before
            ),
            "read-aloud to start",
        )

    def stop(self) -> None:
        for process in (self.process, self._x):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.returncode = self.process.returncode
        self._stderr.close()


def non_blank(image: Image.Image) -> bool:
    """A drawn screen has text in several colours, antialiased: hundreds of shades."""
    colours = image.getcolors(maxcolors=1 << 20)
    return colours is not None and len(colours) > 200
