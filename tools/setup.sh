#!/usr/bin/env bash
# Installs what torg-kiosk needs on a Debian machine, into .venv. Safe to run again: it only
# installs what is missing, and reinstalls the Python packages when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: a virtual display and Mesa for Kivy (also for tests), mtdev for touch
# screens, zbar to read QR codes back in tests, xdotool for real clicks, espeak-ng to read aloud,
# systemd for `systemd-analyze verify` of kiosk.service in the tests; chromium (the video
# call's browser) and chromium-driver (selenium drives it in the tests: calls, the fleet page).
apt_packages=(python3-venv xvfb xauth libgl1-mesa-dri libegl1 libmtdev1 libzbar0 xdotool espeak-ng
    systemd chromium chromium-driver)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup: torg-kiosk needs Python 3.11 or newer; $python is $("$python" --version)." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$python" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ] \
    || [ central/pyproject.toml -nt .venv/.installed ]; then
    echo "setup: installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]' -e ./central
    touch .venv/.installed
fi
