#!/usr/bin/env bash
# Fuzzes the parsers that read what strangers send, with cargo fuzz (libFuzzer, nightly).
# Not part of CI: run it before a release, or after changing a parser.
#   scripts/fuzz.sh [SECONDS] [TARGET...]    each target SECONDS long (default 600)
# Targets: http_wire http_pasted verify_request inspect svaml (fuzz/fuzz_targets/).
# Prints each target's executions; a crash or hang leaves its input in
# fuzz/artifacts/TARGET/, which becomes a regression test in the main suite.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http_wire http_pasted verify_request inspect svaml)

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 1
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

status=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  log=$(mktemp)
  if cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  echo "fuzz: $target: $result: ${runs:-no summary (see below)}"
  if [ "$result" = FAILED ]; then
    tail -n 40 "$log" >&2
  fi
  rm -f "$log"
done
exit $status
