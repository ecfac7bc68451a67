#!/usr/bin/env bash
# Times the whole test suite as a newcomer meets it: a clean clone of this repository's
# committed HEAD in a throwaway folder, `.ci/run` there (cold: nothing built yet; crates
# already downloaded into ~/.cargo are reused), then `.ci/run` again (warm: nothing changed).
# Prints each phase's end (formatting, the one build of lints and tests, the tests) in
# seconds from the start, and the two totals. Goals: cold at most 12 minutes on 2 cores,
# warm under 2 minutes.
#   scripts/bench-test-suite.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$PWD" "$work/clone"
cd "$work/clone"
export CI=true

timed() {  # timed LABEL: runs .ci/run, prints the phases and the total, keeps the log
  local label=$1 start line now
  start=$(date +%s.%N)
  set +e
  bash .ci/run 2>&1 | while IFS= read -r line; do
    now=$(date +%s.%N)
    printf '%8.1f %s\n' "$(bc <<<"$now - $start")" "$line"
  done >"$work/$label.log"
  local status=${PIPESTATUS[0]}
  set -e
  local total
  total=$(bc <<<"$(date +%s.%N) - $start")
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$work/$label.log" >&2
    echo "the $label run failed (status $status)" >&2
    exit "$status"
  fi
  local built tests
  built=$(grep -m1 'Finished `test` profile' "$work/$label.log" | awk '{print $1}')
  tests=$(grep -c '^ *[0-9.]* test result: ok' "$work/$label.log")
  printf '%s: %.0f s (%d min %02d s) in all; the build of lints and tests done at %s s; %d suites passed, %s tests\n' \
    "$label" "$total" "$(bc <<<"$total / 60")" "$(bc <<<"$total % 60 / 1")" "$built" "$tests" \
    "$(grep -oE 'test result: ok\. [0-9]+ passed' "$work/$label.log" | awk '{s += $4} END {print s}')"
}

timed cold
timed warm
