#!/usr/bin/env bash
# Remakes assets/screenshot.png, the README's picture of the window (and the Request and
# Callbacks tabs' pictures, the Trigger part's event list, the Listen part's inspector and a
# scenario run): the release binary on a
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
  shot_until_new() {  # shot_until_new OLD NEW: take NEW until it differs from OLD
    for _ in $(seq 50); do
      import -window "$id" "$2"
      compare -metric AE "$1" "$2" null: 2>/dev/null || return 0
      sleep 0.2
    done
    return 1
  }
  # A listener on this machine (the port of the default URL of the Trigger part): the
  # callout of the Request tab goes there too, and it answers it (the callout verifies as
  # signed by the application).
  target/release/sinch-ticket listen --port 3000 >"$HOME/listen.out" 2>"$HOME/listen.err" &
  listener=$!
  for _ in $(seq 50); do grep -q "^Listening on" "$HOME/listen.err" && break; sleep 0.2; done
  # The Request tab (Ctrl+3): its Host typed (clicked where the default window lays it out),
  # Send clicked; shot once the answer is in its pane.
  xdotool key ctrl+3
  shot_until_new assets/screenshot.png "$HOME/request-tab.png"
  xdotool mousemove --window "$id" 195 95 click 1
  xdotool key ctrl+a type --delay 20 "http://127.0.0.1:3000"
  xdotool mousemove --window "$id" 274 325 click 1
  for _ in $(seq 50); do grep -q "POST /calling/v1/callouts" "$HOME/listen.out" && break; sleep 0.2; done
  shot_until_new "$HOME/request-tab.png" assets/screenshot-request.png
  # The Callbacks tab (Ctrl+4), its Trigger part (clicked where the default window lays it
  # out), an ICE sent (Ctrl+Enter) to that listener: shot once the listener has answered and
  # the window shows something new after each step.
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
  xdotool key Escape
  # The Listen part (clicked where the default window lays it out), its listener started on
  # its default port, three events sent at it from the command line (one forged), the
  # newest picked in the list: the inspector.
  xdotool mousemove --window "$id" 157 69 click 1
  shot_until_new assets/screenshot-trigger-events.png "$HOME/listen-part.png"
  xdotool mousemove --window "$id" 60 219 click 1
  for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/8765) 2>/dev/null && break
    sleep 0.2
  done
  for event in ice dice; do
    target/release/sinch-ticket trigger "$event" --to http://127.0.0.1:8765/sinch/callback >/dev/null || true
  done
  target/release/sinch-ticket trigger ace --to http://127.0.0.1:8765/sinch/callback --signature bad >/dev/null || true
  shot_until_new "$HOME/listen-part.png" "$HOME/listen-list.png"
  xdotool mousemove --window "$id" 200 416 click 1
  shot_until_new "$HOME/listen-list.png" assets/screenshot-listen.png
  # The Scenario part (clicked where the default window lays it out): a scenario of five
  # steps (one sent twice, one forged, one late, one whose expectation is wrong) run at the
  # listener on port 3000, shot once all six requests have arrived and the window shows them.
  printf "%s\n" "to = \"http://127.0.0.1:3000/sinch/callback\"" \
    "[[step]]" "name = \"incoming call\"" "trigger = \"ice\"" \
    "[[step]]" "name = \"hang up, twice\"" "trigger = \"dice\"" "repeat = 2" \
    "[[step]]" "name = \"forged\"" "trigger = \"dice\"" "signature = \"bad\"" "expect = \"refused\"" \
    "[[step]]" "name = \"late\"" "trigger = \"ace\"" "delay = \"1s\"" \
    "[[step]]" "name = \"wrong expectation\"" "trigger = \"dice\"" "expect = \"refused\"" \
    >"$HOME/checkout.toml"
  before=$(grep -c "POST /sinch/callback" "$HOME/listen.out" || true)
  xdotool mousemove --window "$id" 222 69 click 1
  shot_until_new assets/screenshot-listen.png "$HOME/scenario-part.png"
  xdotool mousemove --window "$id" 246 152 click 1
  xdotool key ctrl+a type --delay 10 "$HOME/checkout.toml"
  xdotool key ctrl+Return
  for _ in $(seq 100); do
    [ "$(grep -c "POST /sinch/callback" "$HOME/listen.out" || true)" -ge $((before + 6)) ] && break
    sleep 0.2
  done
  shot_until_new "$HOME/scenario-part.png" "$HOME/scenario-sent.png"
  # The last step and the summary appear once its answer is judged.
  for _ in $(seq 50); do
    import -window "$id" assets/screenshot-scenario.png
    compare -metric AE "$HOME/scenario-sent.png" assets/screenshot-scenario.png null: 2>/dev/null || break
    sleep 0.2
  done
  kill $listener $app
'
echo "wrote assets/screenshot.png, assets/screenshot-request.png, assets/screenshot-callbacks.png, assets/screenshot-trigger-events.png, assets/screenshot-listen.png and assets/screenshot-scenario.png"
