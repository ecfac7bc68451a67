#!/usr/bin/env bash
# Measures the callback listener on loopback: signed callbacks per second with 4 and with 64
# clients (one request per connection, as Sinch sends them; records printed as JSON to
# /dev/null), their p50/p99 latency, the listener's own CPU time per request, its memory
# after 100,000 requests and after all of it, and how long a signed callback waits while 64
# clients drip a byte every 2 s (slowloris).
#
# Two listeners run side by side, one with the history off (--no-history) and one with it
# on (kept in a throwaway data folder, never yours), and their runs alternate (off, on, off,
# on, ...), so that a slower minute of the machine falls on both alike: what keeping every
# request costs is the difference. Each load runs SECONDS; the figures are the medians of
# RUNS runs of each.
#   scripts/bench-listen.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
runs=${2:-5}
cargo build --release --locked --quiet --bin sinch-ticket --example listen_load
bin=target/release/sinch-ticket
load=target/release/examples/listen_load

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ==' XDG_DATA_HOME="$work/data"

start() {  # start LABEL [listen arguments...]: sets $port_LABEL and $pid_LABEL
  local label=$1
  shift
  "$bin" listen --port 0 --json --key 196087a1-e815-4bc4-8984-60d8d8a43f1d "$@" \
    >/dev/null 2>"$work/stderr-$label" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    grep -q 'Listening on' "$work/stderr-$label" && break
    sleep 0.1
  done
  local port
  port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/stderr-$label" | head -n 1 | sed 's/.*://')
  [ -n "$port" ] || { cat "$work/stderr-$label" >&2; exit 1; }
  printf -v "port_$label" %s "$port"
  printf -v "pid_$label" %s "$pid"
}

cpu_ticks() {  # the process's user + system time, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

run() {  # run LABEL CLIENTS: one load, its line with the listener's CPU time appended
  local port_var="port_$1" pid_var="pid_$1"
  local before after
  before=$(cpu_ticks "${!pid_var}")
  local line
  line=$("$load" load "${!port_var}" "$2" "$seconds")
  after=$(cpu_ticks "${!pid_var}")
  echo "$line cpu_ticks=$((after - before)) hz=$(getconf CLK_TCK)"
}

start off --no-history
start on

# Memory after 100,000 requests: one long load at 64 clients on each, then RSS.
for label in off on; do
  port_var="port_$label" pid_var="pid_$label"
  count=0
  while [ "$count" -lt 100000 ]; do
    n=$("$load" load "${!port_var}" 64 2 | grep -oE 'requests=[0-9]+' | cut -d= -f2)
    count=$((count + n))
  done
  echo "listen (history $label), memory after $count requests: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/${!pid_var}/status) resident"
done

for clients in 4 64; do
  : > "$work/load-off-$clients"
  : > "$work/load-on-$clients"
  for _ in $(seq "$runs"); do
    run off "$clients" >> "$work/load-off-$clients"
    run on "$clients" >> "$work/load-on-$clients"
  done
done
python3 - "$work" "$runs" <<'PY'
import statistics, sys
work, runs = sys.argv[1], sys.argv[2]
def rows(label, clients):
    return [dict(kv.split("=") for kv in line.split()) for line in open(f"{work}/load-{label}-{clients}")]
for clients in (4, 64):
    meds = {}
    for label in ("off", "on"):
        rs = rows(label, clients)
        med = lambda k: statistics.median(float(r[k]) for r in rs)
        cpu_us = statistics.median(
            float(r["cpu_ticks"]) / float(r["hz"]) / max(float(r["requests"]), 1) * 1e6 for r in rs)
        meds[label] = (med("rps"), cpu_us)
        print(f"listen (history {label}), {clients} clients: median {med('rps'):.0f} requests/s, "
              f"p50 {med('p50_ms'):.2f} ms, p99 {med('p99_ms'):.2f} ms, listener CPU {cpu_us:.1f} µs "
              f"per request ({len(rs)} runs, alternating; failed: {sum(int(r['failed']) for r in rs)})")
    (off_rps, off_cpu), (on_rps, on_cpu) = meds["off"], meds["on"]
    print(f"history on vs off, {clients} clients: throughput {100 * (on_rps - off_rps) / off_rps:+.1f} %, "
          f"listener CPU per request {100 * (on_cpu - off_cpu) / off_cpu:+.1f} %")
PY

for label in off on; do
  port_var="port_$label" pid_var="pid_$label"
  "$load" slowloris "${!port_var}" 64 | sed "s/^/listen (history $label), slowloris: /"
  echo "listen (history $label), memory after all of it: $(awk '/VmRSS/ {printf "%.1f MiB resident", $2/1024} /VmHWM/ {printf ", peak %.1f MiB", $2/1024}' /proc/${!pid_var}/status)"
  kill -INT "${!pid_var}"
  wait "${!pid_var}" 2>/dev/null || true
done
if [ -f "$work/data/sinch-ticket/history.sqlite3" ]; then
  echo "history kept: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from requests').fetchone()[0])" "$work/data/sinch-ticket/history.sqlite3") requests (the newest 10,000)"
fi
