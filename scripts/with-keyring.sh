#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so that keytar
# meets a real Secret Service whose keyring lives in a temporary folder and dies with the command.
# Usage: scripts/with-keyring.sh npm test
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)" >&2
  exit 127
fi
KR=$(mktemp -d)
trap 'rm -rf "$KR"' EXIT
mkdir -p "$KR/data" "$KR/run"
chmod 700 "$KR/run"
XDG_DATA_HOME="$KR/data" XDG_RUNTIME_DIR="$KR/run" dbus-run-session -- sh -c '
  eval "$(printf latchkey-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' sh "$@"
