#!/usr/bin/env bash
# Remakes assets/screenshot.png, the README's picture of the window (and the Request and
# Callbacks tabs' pictures, and the Trigger part's event list): the release binary on a
# private desktop (scripts/private-desktop.sh), "alice" typed, Ctrl+Enter and Ctrl+Shift+C
# pressed, exactly as a user would. The keys are pressed again until the clipboard holds the
# ticket (the window may not be ready for them at first), so nothing here waits a fixed time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
cargo build --release --locked --quiet
scripts/private-desktop.sh bash -c '
  # Downloads where a user has them, so the Test page field shows a path a user would see.
  mkdir -p "$XDG_CONFIG_HOME"
  echo "XDG_DOWNLOAD_DIR=\"/home/alice/Downloads\"" > "$XDG_CONFIG_HOME/user-dirs.dirs"
  target/release/sinch-ticket & app=$!
  id=$(xdotool search --sync --name "^sinch-ticket$" | head -1)
  for _ in $(seq 100); do
    if xdotool windowfocus --sync "$id" 2>/dev/null; then
      xdotool key ctrl+a type --delay 40 alice
      xdotool key ctrl+Return ctrl+shift+c
      if xclip -o -selection clipboard 2>/dev/null | grep -q :; then break; fi
    fi
    sleep 0.2
  done
  xclip -o -selection clipboard | grep -q : || { echo "no ticket was copied" >&2; exit 1; }
  import -window "$id" assets/screenshot.png
  # The Request tab (Ctrl+3), its request signed (Ctrl+Enter): shot once the window shows
  # something else than the Generate tab.
  xdotool key ctrl+3 ctrl+Return
  for _ in $(seq 50); do
    import -window "$id" assets/screenshot-request.png
    # compare exits non-zero once the two pictures differ.
    compare -metric AE assets/screenshot.png assets/screenshot-request.png null: 2>/dev/null || break
    sleep 0.2
  done
  # The Callbacks tab (Ctrl+4), its Trigger part (clicked where the default window lays it
  # out), an ICE sent (Ctrl+Enter) to a listener on the port of the default URL: shot once the
  # listener has answered and the window shows something new after each step.
  target/release/sinch-ticket listen --port 3000 >"$HOME/listen.out" 2>"$HOME/listen.err" &
  listener=$!
  for _ in $(seq 50); do grep -q "^Listening on" "$HOME/listen.err" && break; sleep 0.2; done
  shot_until_new() {  # shot_until_new OLD NEW: take NEW until it differs from OLD
    for _ in $(seq 50); do
      import -window "$id" "$2"
      compare -metric AE "$1" "$2" null: 2>/dev/null || return 0
      sleep 0.2
    done
    return 1
  }
  xdotool key ctrl+4
  shot_until_new assets/screenshot-request.png "$HOME/tab.png"
  xdotool mousemove --window "$id" 95 75 click 1
  shot_until_new "$HOME/tab.png" "$HOME/before.png"
  xdotool key ctrl+Return
  for _ in $(seq 50); do grep -q "POST /sinch/callback" "$HOME/listen.out" && break; sleep 0.2; done
  shot_until_new "$HOME/before.png" assets/screenshot-callbacks.png
  # The Event list opened (clicked where the Trigger part lays it out): the events of every
  # product, grouped.
  xdotool mousemove --window "$id" 230 107 click 1
  shot_until_new assets/screenshot-callbacks.png assets/screenshot-trigger-events.png
  kill $listener $app
'
echo "wrote assets/screenshot.png, assets/screenshot-request.png, assets/screenshot-callbacks.png and assets/screenshot-trigger-events.png"
