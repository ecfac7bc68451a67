#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: installs what the machine lacks, then
# formatting, lints with warnings denied, and every test, including the ones plain
# `cargo test` skips because they need a real Secret Service. Those start their own private
# D-Bus session and gnome-keyring with a throwaway HOME (tests/support), so they never touch
# the keyring of the person running them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked -- --include-ignored
