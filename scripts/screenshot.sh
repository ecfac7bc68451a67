#!/usr/bin/env bash
# Remakes assets/screenshot.png, the README's picture of the window: the release binary on a
# private desktop (scripts/private-desktop.sh), "alice" typed, Ctrl+Enter and Ctrl+Shift+C
# pressed, exactly as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --quiet
scripts/private-desktop.sh bash -c '
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
'
echo "wrote assets/screenshot.png"
