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

# Lints and tests share one build. `cargo clippy` would check every dependency a second time
# (check and build artifacts are kept apart: 3.4 of a cold run's 13 minutes); instead our own
# crates are compiled by clippy-driver, which is rustc with Clippy's lints (cargo's documented
# RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` itself uses it), so one build lints every target
# (--all-targets, as `cargo clippy --all-targets` did) and is the one the tests run.
# CLIPPY_ARGS is how cargo-clippy hands clippy-driver its arguments: here `-D warnings`.
# A later plain `cargo test` rebuilds only our crates, not the dependencies.
clippy_driver=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)
if [ -z "$clippy_driver" ]; then
  echo "test: clippy-driver is missing: rustup component add clippy" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER=$clippy_driver
export CLIPPY_ARGS="-Dwarnings__CLIPPY_HACKERY__"
cargo test --locked --all-targets --no-run

# The real-window tests (tests/window_real.rs: their own Xvfb, one display at a time, most of
# their 14 s spent waiting for the window and the clipboard) share no service with the others,
# so they run beside them; their output follows the others'.
window_log=$(mktemp)
window=
trap '[ -n "$window" ] && kill "$window" 2>/dev/null; rm -f "$window_log"' EXIT
cargo test --locked --test window_real -- --include-ignored >"$window_log" 2>&1 &
window=$!
suites=()
for file in tests/*.rs tests/*/main.rs; do
  case $file in
    */main.rs) name=$(basename "$(dirname "$file")") ;;
    *) name=$(basename "$file" .rs) ;;
  esac
  [ "$name" = window_real ] || suites+=(--test "$name")
done
status=0
cargo test --locked --lib --bins "${suites[@]}" -- --include-ignored || status=$?
cargo test --locked --doc || status=$?
window_status=0
wait "$window" || window_status=$?
window=
cat "$window_log"
if [ "$window_status" -ne 0 ]; then
  echo "test: the real-window tests failed (tests/window_real.rs, above)" >&2
  exit "$window_status"
fi
exit "$status"
