#!/usr/bin/env bash
# Runs a command on a private desktop: a throwaway HOME, its own Xvfb display, its own D-Bus
# session with an unlocked gnome-keyring, and a profile "sandbox" saved there (the known-answer
# key and secret of the README's formats, and Sinch's Conversation webhook secret). The caller's keyring and display are never touched.
#   scripts/private-desktop.sh COMMAND [ARGS...]     (needs target/release/sinch-ticket)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run" && chmod 700 "$work/run"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/home/.config \
       XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache
unset WAYLAND_DISPLAY
# -noreset: a server resets when its last client leaves, refusing connections meanwhile.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -noreset 3>"$work/display" 2>/dev/null &
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"

# dbus-daemon warns that it cannot raise its fd limit when not run by init; that is harmless.
dbus-run-session -- bash -c '
  printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  printf "oYdgGRXoxEuJhGDY2KQ/HQ==" | target/release/sinch-ticket profile add sandbox \
      --key 196087a1-e815-4bc4-8984-60d8d8a43f1d >/dev/null
  printf "foo_secret1234" | target/release/sinch-ticket profile webhook-secret add sandbox \
      conversation >/dev/null
  exec "$@"
' private-desktop "$@" 2> >(grep -v "fd limit" >&2)
