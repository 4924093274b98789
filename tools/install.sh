#!/usr/bin/env bash
# Installs torg-kiosk on a Debian or Raspberry Pi OS lobby machine, in one command:
#
#   sudo tools/install.sh [--display kmsdrm|x11|cage] [--meeting-origin https://meet.example.no]
#   sudo tools/install.sh --uninstall [--purge]
#
# It creates the user torg-kiosk, a virtual environment in /opt/torg-kiosk with the program
# installed from a wheel (not this checkout), the configuration in /etc/torg-kiosk/ (kept
# once it exists: edit it there), the data folder /var/lib/torg-kiosk/, the kiosk's ticket
# key, the browser policy for calls, and kiosk.service (enabled, started at the next boot or
# with `systemctl start kiosk`). Running it again changes nothing that is already right; a
# newer program is installed over the old one. --uninstall removes the program, the units
# and the policy and keeps the configuration, the data (and the key in it) and the user; --purge
# removes those too. See docs/operations.md.
#
# --root DIR installs into DIR instead of / (for tests and image building: DIR needs its own
# etc/passwd and etc/group; no Debian packages are installed, no service is started).
# --wheel FILE installs that wheel instead of building one from this checkout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
root=""
wheel=""
display="kmsdrm"
meeting_origin=""
action="install"
purge=no

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "install: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --root) root=${2:?--root needs a folder}; shift 2 ;;
        --wheel) wheel=${2:?--wheel needs a file}; shift 2 ;;
        --display) display=${2:?--display needs kmsdrm, x11 or cage}; shift 2 ;;
        --meeting-origin) meeting_origin=${2:?--meeting-origin needs a URL}; shift 2 ;;
        --uninstall) action="uninstall"; shift ;;
        --purge) purge=yes; shift ;;
        -h|--help) usage 0 ;;
        *) echo "install: unknown option $1" >&2; usage 2 ;;
    esac
done
case "$display" in kmsdrm|x11|cage) ;; *) die "--display is kmsdrm, x11 or cage, not $display." ;; esac
[ "$(id -u)" = 0 ] || die "run it as root (sudo tools/install.sh): it creates a user and system files."
if [ -n "$root" ]; then
    [ -d "$root" ] || die "--root $root is not a folder."
    root=$(cd "$root" && pwd)
    [ -f "$root/etc/passwd" ] && [ -f "$root/etc/group" ] \
        || die "--root $root has no etc/passwd and etc/group: give it the files of a Debian system."
fi

USER_NAME=torg-kiosk
PREFIX=/opt/torg-kiosk
ETC=/etc/torg-kiosk
DATA=/var/lib/torg-kiosk
UNITS=/etc/systemd/system
# The name the call's own writer (python -m torg_kiosk.calls.policy) gives it.
POLICY=/etc/chromium/policies/managed/torg-kiosk-calls.json
# Where the check-in desk looks by default ([staff] ticket_key_file, relative to data_dir).
KEY=$DATA/ticket-key.pem
changes=0

changed() { echo "install: $*"; changes=$((changes + 1)); }
# put SOURCE DEST MODE: copy only when the content or mode differs, so a second run changes
# nothing (not even a file's time).
put() {
    local source=$1 dest=$root$2 mode=$3
    if ! cmp -s "$source" "$dest" 2>/dev/null || [ "$(stat -c %a "$dest")" != "${mode#0}" ]; then
        mkdir -p "$(dirname "$dest")"
        install -m "$mode" "$source" "$dest"
        changed "wrote $2"
    fi
}
remove() {
    local path
    for path in "$@"; do
        if [ -e "$root$path" ] || [ -L "$root$path" ]; then
            rm -rf "$root$path"
            changed "removed $path"
        fi
    done
}
systemctl_() { if [ -n "$root" ]; then systemctl --root="$root" "$@"; else systemctl "$@"; fi; }
has_user() { grep -q "^$USER_NAME:" "$root/etc/passwd"; }
uid_of() { awk -F: -v n="$USER_NAME" '$1 == n {print $3}' "$root/etc/passwd"; }
gid_of() { awk -F: -v n="$USER_NAME" '$1 == n {print $4}' "$root/etc/passwd"; }
prefix_args() { if [ -n "$root" ]; then echo "--prefix $root"; fi; }

# -- uninstall --------------------------------------------------------------------------------

if [ "$action" = uninstall ]; then
    if [ -z "$root" ]; then systemctl stop kiosk.service 2>/dev/null || true; fi
    if [ -e "$root$UNITS/kiosk.service" ] && systemctl_ is-enabled -q kiosk.service 2>/dev/null; then
        systemctl_ disable -q kiosk.service && changed "disabled kiosk.service"
    fi
    remove "$UNITS/kiosk.service" "$UNITS/kiosk.service.d" "$PREFIX" "$POLICY"
    if [ -z "$root" ]; then systemctl daemon-reload; fi
    if [ "$purge" = yes ]; then
        remove "$ETC" "$DATA"
        if has_user; then
            # shellcheck disable=SC2046
            userdel $(prefix_args) "$USER_NAME" && changed "removed the user $USER_NAME"
        fi
        if grep -q "^$USER_NAME:" "$root/etc/group"; then
            # shellcheck disable=SC2046
            groupdel $(prefix_args) "$USER_NAME" && changed "removed the group $USER_NAME"
        fi
    elif [ -d "$root$DATA" ] || [ -d "$root$ETC" ]; then
        echo "install: kept $ETC (configuration), $DATA (data, ticket key) and the user" \
            "$USER_NAME; --uninstall --purge removes them."
    fi
    [ "$changes" -gt 0 ] || echo "install: nothing to remove"
    exit 0
fi

# -- Debian packages (not in a --root: those come with the image) ------------------------------

if [ -z "$root" ]; then
    [ -f /etc/debian_version ] || die "this script is for Debian and Raspberry Pi OS."
    packages=(python3-venv libgl1-mesa-dri libegl1 libmtdev1 libsdl2-2.0-0 espeak-ng fonts-dejavu-core)
    [ "$display" = cage ] && packages+=(cage)
    [ "$display" = x11 ] && packages+=(x11-xserver-utils)
    missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
        changed "installed Debian packages: ${missing[*]}"
    fi
fi

# -- the user -----------------------------------------------------------------------------------

groups=()
for group in video render input audio; do
    grep -q "^$group:" "$root/etc/group" && groups+=("$group")
done
if ! has_user; then
    # shellcheck disable=SC2046
    useradd $(prefix_args) --system --user-group --home-dir "$DATA" --no-create-home \
        --shell /usr/sbin/nologin --comment "torg-kiosk lobby screen" "$USER_NAME"
    changed "created the user $USER_NAME"
fi
for group in "${groups[@]}"; do
    if ! awk -F: -v g="$group" -v u="$USER_NAME" \
        '$1 == g {n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) f = 1} END {exit !f}' \
        "$root/etc/group"; then
        # shellcheck disable=SC2046
        usermod $(prefix_args) --append --groups "$group" "$USER_NAME"
        changed "added $USER_NAME to the group $group"
    fi
done
uid=$(uid_of)
gid=$(gid_of)

# -- the program: a virtual environment holding the wheel ---------------------------------------

build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
if [ -z "$wheel" ]; then
    # Built from a copy of the checkout's files, so nothing is written into the checkout.
    mkdir "$build_dir/source"
    if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$here" ls-files -z --cached --others --exclude-standard \
            | (cd "$here" && xargs -0 cp --parents -t "$build_dir/source" 2>/dev/null || true)
    else
        cp -r "$here/." "$build_dir/source/"
    fi
    python3 -m venv "$build_dir/build-venv"
    "$build_dir/build-venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps \
        -w "$build_dir" "$build_dir/source"
    wheel=$(ls "$build_dir"/torg_kiosk-*.whl)
fi
[ -f "$wheel" ] || die "--wheel $wheel does not exist."
venv=$root$PREFIX
# The wheel's RECORD lists every file with its hash: the same program gives the same stamp,
# however often the wheel is built.
stamp=$(python3 -c 'import sys, zipfile, hashlib
with zipfile.ZipFile(sys.argv[1]) as wheel:
    record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    print(hashlib.sha256(wheel.read(record)).hexdigest())' "$wheel")
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    changed "created the virtual environment $PREFIX"
fi
if [ "$(cat "$venv/.torg-kiosk-wheel" 2>/dev/null)" != "$stamp" ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
    echo "$stamp" > "$venv/.torg-kiosk-wheel"
    changed "installed $(basename "$wheel") into $PREFIX"
fi
python=$venv/bin/python

# -- configuration, data, key, browser policy ---------------------------------------------------

if [ ! -f "$root$ETC/kiosk.toml" ]; then
    bundled=$("$python" -c 'from torg_kiosk.base.resources import bundled_config_dir; print(bundled_config_dir())')
    mkdir -p "$root$ETC"
    cp -r "$bundled/." "$root$ETC/"
    sed -i "s|^data_dir = .*|data_dir = \"$DATA\"|" "$root$ETC/kiosk.toml"
    chmod -R u=rwX,go=rX "$root$ETC"
    changed "wrote the configuration $ETC (edit kiosk.toml there: site, feed, panel)"
fi

if [ ! -d "$root$DATA" ]; then mkdir -p "$root$DATA"; changed "created $DATA"; fi
if [ "$(stat -c '%u:%g %a' "$root$DATA")" != "$uid:$gid 750" ]; then
    chown "$uid:$gid" "$root$DATA" && chmod 0750 "$root$DATA"
    changed "gave $DATA to $USER_NAME"
fi

if [ ! -f "$root$KEY" ]; then
    "$python" - "$root$KEY" <<'PY'
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

path = sys.argv[1]
key = Ed25519PrivateKey.generate()
private = key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
public = key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(descriptor, "wb") as out:
    out.write(private)
with open(path.removesuffix(".pem") + ".pub.pem", "wb") as out:
    out.write(public)
PY
    changed "made the kiosk's ticket key $KEY (its public half: ${KEY%.pem}.pub.pem)"
fi
if [ "$(stat -c '%u:%g %a' "$root$KEY")" != "$uid:$gid 600" ]; then
    chown "$uid:$gid" "$root$KEY" && chmod 0600 "$root$KEY"
    changed "made $KEY readable by $USER_NAME only"
fi

# The meeting origins: the one given, else those the policy already names (so a second run
# changes nothing), else kiosk.toml's [calls]; one per line. The policy itself comes from the
# call's own writer when the program has it (python -m torg_kiosk.calls.policy, which with no
# origin reads calls.toml), else from here, in the same form.
policy_origins=$("$python" - "$meeting_origin" "$root$POLICY" "$root$ETC/kiosk.toml" <<'PY'
import json
import sys
import tomllib
from urllib.parse import urlsplit

given, policy, config = sys.argv[1:]


def origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        sys.exit(f"install: the meeting origin must be an https:// address, not {url!r}.")
    return f"https://{parts.netloc}"


if given:
    print(origin(given))
    sys.exit()
try:
    with open(policy) as file:
        print("\n".join(json.load(file)["VideoCaptureAllowedUrls"]))
        sys.exit()
except (OSError, ValueError, KeyError, TypeError):
    pass
try:
    with open(config, "rb") as file:
        calls = tomllib.load(file).get("calls", {})
except (OSError, tomllib.TOMLDecodeError):
    calls = {}
for key in ("meeting_origin", "meeting_url", "origin", "url", "base_url"):
    if isinstance(calls.get(key), str) and calls[key]:
        print(origin(calls[key]))
        break
PY
)
written=no
if "$python" -c 'import torg_kiosk.calls.policy' 2>/dev/null; then
    writer_args=(--config-dir "$root$ETC" --print)
    while IFS= read -r known; do
        [ -n "$known" ] && writer_args+=(--origin "$known")
    done <<< "$policy_origins"
    "$python" -m torg_kiosk.calls.policy "${writer_args[@]}" > "$build_dir/policy.json" 2>/dev/null \
        && grep -q https:// "$build_dir/policy.json" && written=yes
elif [ -n "$policy_origins" ]; then
    "$python" -c 'import json, sys
origins = sorted(set(sys.argv[1].split()))
print(json.dumps({"VideoCaptureAllowedUrls": origins, "AudioCaptureAllowedUrls": origins},
                 indent=2))' "$policy_origins" > "$build_dir/policy.json" && written=yes
fi
if [ "$written" = yes ]; then
    put "$build_dir/policy.json" "$POLICY" 0644
else
    echo "install: no meeting origin known, so no browser policy for calls: give" \
        "--meeting-origin https://… (the video call service) to allow its camera and microphone."
fi

# -- the units ----------------------------------------------------------------------------------

put "$here/kiosk.service" "$UNITS/kiosk.service" 0644
if [ "$display" = kmsdrm ]; then
    remove "$UNITS/kiosk.service.d/display.conf"
    rmdir "$root$UNITS/kiosk.service.d" 2>/dev/null || true
else
    put "$here/tools/systemd/$display.conf" "$UNITS/kiosk.service.d/display.conf" 0644
fi
if [ -z "$root" ] && [ "$changes" -gt 0 ]; then systemctl daemon-reload; fi
if ! systemctl_ is-enabled -q kiosk.service 2>/dev/null; then
    systemctl_ enable -q kiosk.service
    changed "enabled kiosk.service"
fi

if [ "$changes" -eq 0 ]; then
    echo "install: nothing to change"
else
    echo "install: done. Check the machine with: $PREFIX/bin/torg-kiosk check"
fi
