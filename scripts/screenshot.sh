#!/usr/bin/env bash
# Remakes assets/screenshot.png, the README's picture of the window: the release binary on a
# private X display with a private keyring, a profile added, "alice" typed and Ctrl+Enter
# pressed, exactly as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --quiet

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run" && chmod 700 "$work/run"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/home/.config \
       XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache
unset WAYLAND_DISPLAY
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"

dbus-run-session -- bash -c '
  printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  printf "oYdgGRXoxEuJhGDY2KQ/HQ==" | target/release/sinch-ticket profile add sandbox \
      --key 196087a1-e815-4bc4-8984-60d8d8a43f1d >/dev/null
  target/release/sinch-ticket & app=$!
  id=$(xdotool search --sync --name "^sinch-ticket$" | head -1)
  sleep 1.5
  xdotool windowfocus --sync "$id" type --delay 40 alice
  xdotool key ctrl+Return
  sleep 0.3
  xdotool key ctrl+shift+c
  sleep 1
  import -window "$id" assets/screenshot.png
  kill $app
' 2> >(grep -v "fd limit" >&2)
echo "wrote assets/screenshot.png"
