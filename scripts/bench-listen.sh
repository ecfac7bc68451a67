#!/usr/bin/env bash
# Measures the callback listener on loopback: signed callbacks per second with 4 and with 64
# clients (one request per connection, as Sinch sends them; records printed as JSON to
# /dev/null), their p50/p99 latency, the listener's peak memory, and how long a signed
# callback waits while 64 clients drip a byte every 2 s (slowloris). Each load runs SECONDS;
# the figures are the medians of RUNS runs. It runs twice: with the history off
# (--no-history) and on (kept in a throwaway data folder, never yours), so that what keeping
# every request costs is in the figures.
#   scripts/bench-listen.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
runs=${2:-3}
cargo build --release --locked --quiet --bin sinch-ticket --example listen_load
bin=target/release/sinch-ticket
load=target/release/examples/listen_load

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ==' XDG_DATA_HOME="$work/data"

bench() {  # bench LABEL [listen arguments...]
  local label=$1
  shift
  "$bin" listen --port 0 --json --key 196087a1-e815-4bc4-8984-60d8d8a43f1d "$@" \
    >/dev/null 2>"$work/stderr" &
  local pid=$!
  for _ in $(seq 100); do
    grep -q 'Listening on' "$work/stderr" && break
    sleep 0.1
  done
  local port
  port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/stderr" | head -n 1 | sed 's/.*://')
  [ -n "$port" ] || { cat "$work/stderr" >&2; kill "$pid"; exit 1; }
  for clients in 4 64; do
    for _ in $(seq "$runs"); do
      "$load" load "$port" "$clients" "$seconds"
    done > "$work/load-$clients"
    python3 - "$work/load-$clients" "$label" <<'PY'
import statistics, sys
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1])]
med = lambda k: statistics.median(float(r[k]) for r in rows)
print(f"listen ({sys.argv[2]}), {rows[0]['clients']} clients: median {med('rps'):.0f} requests/s, "
      f"p50 {med('p50_ms'):.2f} ms, p99 {med('p99_ms'):.2f} ms "
      f"({len(rows)} runs; failed: {sum(int(r['failed']) for r in rows)})")
PY
  done
  "$load" slowloris "$port" 64
  echo "listen ($label), peak memory after all of it: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  kill -INT "$pid"
  wait "$pid" 2>/dev/null || true
}

bench "history off" --no-history
bench "history on"
if [ -f "$work/data/sinch-ticket/history.sqlite3" ]; then
  echo "history kept: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from requests').fetchone()[0])" "$work/data/sinch-ticket/history.sqlite3") requests (the newest 10,000)"
fi
