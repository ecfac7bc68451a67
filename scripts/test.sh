#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: installs what the machine lacks, then
# formatting, lints with warnings denied, and every test, including those plain `cargo test`
# skips (#[ignore]) because they need real services: a Secret Service (each such test starts
# its own D-Bus session with an unlocked gnome-keyring and a throwaway HOME) and an X display
# (its own Xvfb). See tests/support/mod.rs: no test touches the keyring or display of the
# person running it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked -- --include-ignored
