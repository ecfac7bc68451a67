#!/usr/bin/env bash
# Builds sinch-ticket in release mode and runs it with the given arguments.
#   scripts/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec target/release/sinch-ticket "$@"
