#!/bin/sh
# Runs one test against a real Secret Service: its own D-Bus session bus and
# a fresh GNOME Keyring, unlocked, in a throwaway home directory. Exits 77
# (skipped) when dbus-run-session or gnome-keyring-daemon is not installed;
# `bash packaging/setup.sh test` installs both.
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    echo "SKIP: dbus-run-session and gnome-keyring-daemon are needed (apt-get install dbus gnome-keyring)"
    exit 77
fi
home="$(mktemp -d /tmp/vouch-keyring.XXXXXX)"
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/share/keyrings" "$home/run"
chmod 700 "$home/run"
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
# shellcheck disable=SC2016
dbus-run-session -- sh -c '
    eval "$(printf "vouch-test\n" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    "$@"
    rc=$?
    pkill -u "$(id -u)" -f "gnome-keyring-daemon.*$XDG_RUNTIME_DIR" 2>/dev/null || true
    exit $rc
' sh "$@"
