#!/usr/bin/env bash
# Runs the kiosk: installs what is missing, syncs, and opens the lobby screen. Arguments go to
# torg-kiosk (for example --site heggedal --windowed). Without a display it prints the day.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [ -x .venv/bin/torg-kiosk ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/torg-kiosk "$@"
fi
.venv/bin/torg-sync "$@" once || true
exec .venv/bin/torg-sync "$@" today
