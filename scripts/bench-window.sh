#!/usr/bin/env bash
# Measures the real window on a private X display (Xvfb, software rendering) with a private
# keyring: first frame after process start and where its time went (the marks the window
# prints with SINCH_TICKET_LOG_STARTUP), peak RSS, CPU and repaints while idle (medians),
# and the stripped release binary's size.
#   scripts/bench-window.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
cargo build --release --locked --quiet
echo "release binary: $(stat -c %s target/release/sinch-ticket | awk '{printf "%.1f MiB (%d bytes)", $1/1048576, $1}') (stripped)"
scripts/private-desktop.sh python3 scripts/bench_window.py target/release/sinch-ticket "${1:-10}"
