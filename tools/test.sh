#!/usr/bin/env bash
# Runs the whole test suite (UI tests included, on a virtual display). Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
export KIVY_NO_ARGS=1 KIVY_LOG_MODE=PYTHON KIVY_NO_CONSOLELOG=1
exec xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python -m pytest "$@"
