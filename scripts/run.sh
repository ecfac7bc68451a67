#!/usr/bin/env bash
# Builds sinch-ticket in release mode and runs it: with no arguments the window opens,
# with arguments it is the command line.
#   scripts/run.sh                 # the window
#   scripts/run.sh --help          # the command line
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
cargo build --release --locked --quiet
exec target/release/sinch-ticket "$@"
