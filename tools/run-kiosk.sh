#!/usr/bin/env bash
# Runs the kiosk: installs what is missing, then opens the lobby screen (the demo feed unless
# config/kiosk.toml names a feed). Arguments go to torg-kiosk, e.g. --site heggedal --windowed.
# On a machine without a display it renders the screen on a virtual one and saves a picture.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/torg-kiosk "$@"
fi
echo "run-kiosk: no display here; rendering the screen on a virtual display instead."
exec xvfb-run -a -s "-screen 0 1920x1920x24" \
    .venv/bin/torg-kiosk --windowed --size 1920x1080 "$@" --screenshot screenshots/kiosk.png
