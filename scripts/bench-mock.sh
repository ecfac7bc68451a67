#!/usr/bin/env bash
# Measures `sinch-ticket mock` on loopback, with its history on (a throwaway data folder,
# never yours): verified API calls per second with 16 clients (one request per connection;
# in turn an SMS batch sent with an OAuth2 bearer and a Voice callout signed with the
# application), their p50/p99 latency, whether the callbacks keep pace (each SMS has a
# delivery report, each callout an ACE and a DiCE, sent at once with --time-scale 0 to a
# receiver on loopback: how long after the load the last one arrives, paced at RATE calls a
# second, then at full speed, where they fall behind and, past the queue's bound, are dropped
# and counted: the mock's last words say how many), and the mock's memory
# after 100,000 calls and again after all of it (flat: the state and the callback queue are
# bounded). Each load runs SECONDS; the figures are the medians of RUNS runs.
#   scripts/bench-mock.sh [SECONDS] [RUNS] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
runs=${2:-5}
rate=${3:-3000}
clients=16
cargo build --release --locked --quiet --bin sinch-ticket --example mock_load
bin=$PWD/target/release/sinch-ticket
load=$PWD/target/release/examples/mock_load

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
# The profile's secrets come from the environment (env: references): no keyring needed.
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
unset DBUS_SESSION_BUS_ADDRESS
export MOCK_APP_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ==' MOCK_KEY_SECRET='k3y-s3cr3t.Z_4~q'
"$bin" profile add bench --key 196087a1-e815-4bc4-8984-60d8d8a43f1d --secret-from env:MOCK_APP_SECRET \
  --project-id e2df3a34-a71b-4448-9db5-a8d2baad28e4 --key-id b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1 \
  --key-secret-from env:MOCK_KEY_SECRET >/dev/null 2>&1

"$load" receive "$work/received" > "$work/receiver-port" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/receiver-port" ] && break; sleep 0.1; done
receiver=$(head -n 1 "$work/receiver-port")

"$bin" mock --port 0 --profile bench --callback-url "http://127.0.0.1:$receiver/cb" \
  --time-scale 0 ${MOCK_ARGS:-} >/dev/null 2>"$work/stderr" &
mock=$!
pids+=("$mock")
for _ in $(seq 100); do grep -q 'Mock of' "$work/stderr" && break; sleep 0.1; done
port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/stderr" | head -n 1 | sed 's/.*://')
[ -n "$port" ] || { cat "$work/stderr" >&2; exit 1; }

memory() {  # memory PID: resident now, its peak, and the threads
  awk '/VmRSS/ {r = $2} /VmHWM/ {h = $2} /Threads/ {t = $2}
    END {printf "%.1f MiB resident (peak %.1f MiB), %d threads", r / 1024, h / 1024, t}' "/proc/$1/status"
}
received() { cat "$work/received" 2>/dev/null || echo 0; }

# Waits until the receiver has had `expected` callbacks in all (at most 60 s); prints how
# long that took after the load ended, in ms.
drain() {
  local expected=$1 started
  started=$(date +%s%N)
  while [ "$(received)" -lt "$expected" ]; do
    if [ $(( ($(date +%s%N) - started) / 1000000 )) -gt 60000 ]; then
      echo "timeout"
      return
    fi
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - started) / 1000000 ))
}

expected=0
calls=0
# Warm-up and memory after 100,000 calls, paced at RATE (at full speed the callbacks fall
# behind, and past the queue's bound they are dropped: measured last, below).
while [ "$calls" -lt 100000 ]; do
  line=$("$load" load "$port" "$clients" 5 "$rate")
  calls=$((calls + $(grep -oE ' calls=[0-9]+' <<<"$line" | cut -d= -f2)))
  expected=$((expected + $(grep -oE 'callbacks_expected=[0-9]+' <<<"$line" | cut -d= -f2)))
done
drain "$expected" >/dev/null
echo "mock, memory after $calls calls and their callbacks: $(memory "$mock")"

: > "$work/runs-full"
: > "$work/runs-paced"
for _ in $(seq "$runs"); do
  line=$("$load" load "$port" "$clients" "$seconds" "$rate")
  calls=$((calls + $(grep -oE ' calls=[0-9]+' <<<"$line" | cut -d= -f2)))
  expected=$((expected + $(grep -oE 'callbacks_expected=[0-9]+' <<<"$line" | cut -d= -f2)))
  echo "$line drain_ms=$(drain "$expected")" >> "$work/runs-paced"
done
echo "mock, memory after $calls calls and their callbacks: $(memory "$mock")"
for _ in $(seq "$runs"); do
  line=$("$load" load "$port" "$clients" "$seconds" 0)
  calls=$((calls + $(grep -oE ' calls=[0-9]+' <<<"$line" | cut -d= -f2)))
  expected=$((expected + $(grep -oE 'callbacks_expected=[0-9]+' <<<"$line" | cut -d= -f2)))
  echo "$line drain_ms=$(drain "$expected")" >> "$work/runs-full"
done
echo "mock, memory after $calls calls and their callbacks: $(memory "$mock")"
echo "callbacks expected in all: $expected, received: $(received)"

python3 - "$work" "$clients" "$seconds" "$rate" <<'PY'
import statistics, sys
work, clients, seconds, rate = sys.argv[1:5]
for pace in ("paced", "full"):
    rows = [dict(kv.split("=") for kv in line.split()) for line in open(f"{work}/runs-{pace}")]
    med = lambda k: statistics.median([float(r[k]) for r in rows if r[k] != "timeout"] or [float("nan")])
    how = "as fast as they can" if pace == "full" else f"paced at {rate} calls/s"
    print(f"mock (history on), {clients} clients {how}, {seconds} s runs: median {med('rps'):.0f} verified calls/s, "
          f"p50 {med('p50_ms'):.2f} ms, p99 {med('p99_ms'):.2f} ms; the last callback arrived "
          f"{med('drain_ms'):.0f} ms after the load ended (median of {len(rows)} runs; "
          f"failed: {sum(int(r['failed']) for r in rows)}, drains over 60 s: "
          f"{sum(r['drain_ms'] == 'timeout' for r in rows)})")
PY

kill -INT "$mock"
wait "$mock" 2>/dev/null || true
grep -E 'Stopped after|warning' "$work/stderr" | sed 's/^/mock said: /'
history="$work/data/sinch-ticket/history.sqlite3"
[ -f "$history" ] && echo "history kept: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from requests').fetchone()[0])" "$history") records (the newest 10,000)"
