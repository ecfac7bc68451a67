#!/usr/bin/env bash
# Measures the real window on a private X display (Xvfb, software rendering) with a private
# keyring: first frame after process start, peak RSS, CPU and repaints while idle (medians),
# and the stripped release binary's size.
#   scripts/bench-window.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --quiet
echo "release binary: $(stat -c %s target/release/sinch-ticket | awk '{printf "%.1f MB", $1/1048576}') (stripped)"

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run" && chmod 700 "$work/run"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/home/.config \
       XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache
unset WAYLAND_DISPLAY
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"

dbus-run-session -- bash -c '
  printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  printf "oYdgGRXoxEuJhGDY2KQ/HQ==" | target/release/sinch-ticket profile add sandbox \
      --key 196087a1-e815-4bc4-8984-60d8d8a43f1d >/dev/null
  python3 scripts/bench_window.py target/release/sinch-ticket "$0"
' "${1:-10}" 2> >(grep -v "fd limit" >&2)
