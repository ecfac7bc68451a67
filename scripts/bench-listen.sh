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
#
# With BASELINE=path/to/an/earlier/sinch-ticket, the two listeners side by side are that
# build ("before") and this one ("now"), both with the history on: what a change to the
# listener gains is the difference, measured in one run.
#   BASELINE=/tmp/old/target/release/sinch-ticket scripts/bench-listen.sh 5 7
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
runs=${2:-5}
cargo build --release --locked --quiet --bin sinch-ticket --example listen_load
bin=target/release/sinch-ticket
load=target/release/examples/listen_load

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ=='

start() {  # start LABEL BINARY [listen arguments...]: sets $port_LABEL and $pid_LABEL
  local label=$1 binary=$2
  shift 2
  # Each listener its own throwaway data folder, so that two histories do not share a lock.
  XDG_DATA_HOME="$work/data-$label" "$binary" listen --port 0 --json \
    --key 196087a1-e815-4bc4-8984-60d8d8a43f1d "$@" >/dev/null 2>"$work/stderr-$label" &
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

memory() {  # memory PID: resident now, its peak, and the threads
  awk '/VmRSS/ {r = $2} /VmHWM/ {h = $2} /Threads/ {t = $2}
    END {printf "%.1f MiB resident (peak %.1f MiB), %d threads", r / 1024, h / 1024, t}' "/proc/$1/status"
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

if [ -n "${BASELINE:-}" ]; then
  first=before second=now
  start before "$BASELINE"
  start now "$bin"
else
  first=off second=on
  start off "$bin" --no-history
  start on "$bin"
fi
labels=("$first" "$second")

# Memory after 100,000 requests: one long load at 64 clients on each, then RSS.
for label in "${labels[@]}"; do
  port_var="port_$label" pid_var="pid_$label"
  count=0
  while [ "$count" -lt 100000 ]; do
    n=$("$load" load "${!port_var}" 64 2 | grep -oE 'requests=[0-9]+' | cut -d= -f2)
    count=$((count + n))
  done
  echo "$count" > "$work/served-$label"
  echo "listen ($label), memory after $count requests: $(memory "${!pid_var}")"
done

for clients in 4 64; do
  : > "$work/load-$first-$clients"
  : > "$work/load-$second-$clients"
  for _ in $(seq "$runs"); do
    run "$first" "$clients" >> "$work/load-$first-$clients"
    run "$second" "$clients" >> "$work/load-$second-$clients"
  done
done
# Memory again, after all the loads: flat means as after the first 100,000.
for label in "${labels[@]}"; do
  pid_var="pid_$label"
  total=$(cat "$work/served-$label" "$work/load-$label-"* | grep -oE '^[0-9]+$|requests=[0-9]+' \
    | sed 's/requests=//' | paste -sd+ | bc)
  echo "listen ($label), memory after $total requests: $(memory "${!pid_var}")"
done

python3 - "$work" "$first" "$second" <<'PY'
import statistics, sys
work, first, second = sys.argv[1:4]
name = {"off": "history off", "on": "history on", "before": "before, history on",
        "now": "now, history on"}
def rows(label, clients):
    return [dict(kv.split("=") for kv in line.split()) for line in open(f"{work}/load-{label}-{clients}")]
for clients in (4, 64):
    meds = {}
    for label in (first, second):
        rs = rows(label, clients)
        med = lambda k: statistics.median(float(r[k]) for r in rs)
        cpu_us = statistics.median(
            float(r["cpu_ticks"]) / float(r["hz"]) / max(float(r["requests"]), 1) * 1e6 for r in rs)
        meds[label] = (med("rps"), cpu_us)
        print(f"listen ({name[label]}), {clients} clients: median {med('rps'):.0f} requests/s, "
              f"p50 {med('p50_ms'):.2f} ms, p99 {med('p99_ms'):.2f} ms, listener CPU {cpu_us:.1f} µs "
              f"per request ({len(rs)} runs, alternating; failed: {sum(int(r['failed']) for r in rs)})")
    (off_rps, off_cpu), (on_rps, on_cpu) = meds[first], meds[second]
    print(f"{second} vs {first}, {clients} clients: throughput {100 * (on_rps - off_rps) / off_rps:+.1f} %, "
          f"listener CPU per request {100 * (on_cpu - off_cpu) / off_cpu:+.1f} %")
PY

for label in "${labels[@]}"; do
  port_var="port_$label" pid_var="pid_$label"
  "$load" slowloris "${!port_var}" 64 | sed "s/^/listen ($label), slowloris: /"
  echo "listen ($label), memory after all of it, slowloris included: $(memory "${!pid_var}")"
  kill -INT "${!pid_var}"
  wait "${!pid_var}" 2>/dev/null || true
  # A record the printing thread could not take in time is not printed, counted and said at
  # exit; one the history could not keep is said too ("N kept in the history", and a
  # warning): the figures above are only worth as much as these lines.
  unprinted=$(grep -oE '[0-9]+ (record|request)\(s\) could not be printed' "$work/stderr-$label" | cut -d' ' -f1 || true)
  stopped=$(grep -oE 'Stopped after [0-9]+' "$work/stderr-$label" | grep -oE '[0-9]+' || true)
  kept=$(grep -oE '[0-9]+ kept in the history' "$work/stderr-$label" | cut -d' ' -f1 || true)
  echo "listen ($label), not printed: ${unprinted:-0} of ${stopped:-?} requests; kept in the history: ${kept:-(not said by this build)}"
done
for label in "${labels[@]}"; do
  history="$work/data-$label/sinch-ticket/history.sqlite3"
  if [ -f "$history" ]; then
    echo "listen ($label), history kept: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from requests').fetchone()[0])" "$history") requests (the newest 10,000)"
  fi
done
