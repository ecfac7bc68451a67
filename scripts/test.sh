#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: formatting, lints with warnings denied, and
# every test. Run from anywhere: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
