#!/bin/sh
# Runs one test in a home of its own: HOME and every XDG base directory point
# into a fresh temporary folder, removed afterwards, so a test never reads or
# writes a developer's real settings, keychain entries, logs or demo folder,
# and tests running side by side never see each other's.
set -eu
home="$(mktemp -d "${TMPDIR:-/tmp}/vouch-test-home.XXXXXX")"
trap 'rm -rf "$home"' EXIT INT TERM
mkdir -p "$home/.config" "$home/.local/share" "$home/.local/state" "$home/.cache" "$home/run"
chmod 700 "$home/run"
export HOME="$home" \
    XDG_CONFIG_HOME="$home/.config" \
    XDG_DATA_HOME="$home/.local/share" \
    XDG_STATE_HOME="$home/.local/state" \
    XDG_CACHE_HOME="$home/.cache" \
    XDG_RUNTIME_DIR="$home/run"
"$@"
