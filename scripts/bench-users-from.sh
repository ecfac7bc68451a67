#!/usr/bin/env bash
# Times `sinch-ticket ticket --users-from` on 100,000 usernames written to a file, process
# start included, and prints the median wall time. Target: under 0.15 s on the 2-core machine.
#
#   scripts/bench-users-from.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}

scripts/setup.sh bench
cargo build --release --locked --quiet

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Usernames of mixed shape: ASCII, e-mail-like, non-ASCII.
awk -v n="$count" 'BEGIN { for (i = 0; i < n; i++) {
  if (i % 3 == 0) printf "user-%06d\n", i; else if (i % 3 == 1) printf "user.%d@example.com\n", i; else printf "Åsa-山田-%d\n", i } }' > "$work/users.txt"

export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ=='
# -N runs the binary without a shell in between; --output sends its stdout to the file.
cmd="target/release/sinch-ticket ticket --users-from $work/users.txt --key 196087a1-e815-4bc4-8984-60d8d8a43f1d"
hyperfine -N --style basic --warmup 3 --runs 30 --output "$work/tickets.txt" \
  --export-json "$work/result.json" "$cmd" >&2
lines=$(wc -l < "$work/tickets.txt")
[ "$lines" -eq "$count" ] || { echo "expected $count tickets, got $lines" >&2; exit 1; }
python3 - "$work/result.json" "$count" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
n = int(sys.argv[2])
print(f"ticket --users-from, {n} usernames: median {r['median']*1000:.1f} ms wall "
      f"(min {r['min']*1000:.1f}, max {r['max']*1000:.1f}, {len(r['times'])} runs), "
      f"{r['median']/n*1e9:.0f} ns per ticket")
PY
