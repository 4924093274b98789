"""Stands in for the browser in tests: a real process that behaves as told.

``browser_stand_in.py REPORT MODE URL PROFILE [ARGS…]`` writes its argv, its pid and the pid
of a child it starts (a renderer, say) to REPORT as JSON, drops a file in PROFILE (what a
browser keeps), then, by MODE: ``stay`` (runs until killed, ignoring SIGTERM, as a hung
browser would), ``leave-after=<s>`` (the visitor leaves: exits 0 after s seconds),
``crash`` (exits 1 at once).
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

report, mode, url, profile, *rest = sys.argv[1:]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
(Path(profile) / "Cookies").write_text("a visitor's cookie")
Path(report).write_text(
    json.dumps({"argv": sys.argv[1:], "pid": __import__("os").getpid(), "child": child.pid})
)
if mode == "crash":
    sys.exit(1)
if mode.startswith("leave-after="):
    time.sleep(float(mode.split("=")[1]))
    child.kill()
    sys.exit(0)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    time.sleep(1)
