#!/usr/bin/env bash
# The history's promise under a hostile load (issue 27), on loopback with the release build:
#  1. 8 clients send 1 MiB bodies for SECONDS, signed DiCEs and unsigned NUL bytes in turn, at
#     `listen --json` (its output to /dev/null) with the history on, in a throwaway data
#     folder: the listener's peak RSS (VmHWM), how many requests were answered and how many
#     the history kept (they must be equal), and the history's size on disk over the bytes
#     it kept.
#  2. On the history that made (RECORDS more records of 1 MiB are added first, through the
#     listener, when asked): `history --limit 50` and `history show last`, timed by hyperfine
#     (medians), and the peak RSS of `history export --jsonl` (it must not grow with the
#     history).
# Each figure is the median of RUNS runs of part 1.
#   scripts/bench-history-load.sh [SECONDS] [RUNS] [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
runs=${2:-3}
records=${3:-0}
cargo build --release --locked --quiet --bin sinch-ticket --example listen_load
bin=$PWD/target/release/sinch-ticket
load=$PWD/target/release/examples/listen_load
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ=='
key=196087a1-e815-4bc4-8984-60d8d8a43f1d

start() {  # start DATA: a listener keeping its history in DATA; sets $pid and $port
  XDG_DATA_HOME="$1" "$bin" listen --port 0 --json --key "$key" >/dev/null 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 100); do
    grep -q 'Listening on' "$work/stderr" && break
    sleep 0.1
  done
  port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/stderr" | head -n 1 | sed 's/.*://')
}

stop() {  # Ctrl+C, and wait for it to end
  kill -INT "$pid"
  wait "$pid" || true
  pid=
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: >"$work/rss"; : >"$work/ratio"; : >"$work/answered"; : >"$work/lost"
for run in $(seq "$runs"); do
  data="$work/data-$run"
  start "$data"
  out=$("$load" large "$port" 8 "$seconds")
  rss=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
  stop
  answered=$(( $(sed -E 's/.*answered_mib=([0-9]+).*/\1/' <<<"$out") ))
  kept=$(XDG_DATA_HOME="$data" "$bin" history --json --limit 100000000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  kept_bytes=$(XDG_DATA_HOME="$data" "$bin" history --json --limit 100000000 | python3 -c 'import json,sys; print(sum(r["body_size"] for r in json.load(sys.stdin)))')
  disk=$(du -cb "$data"/sinch-ticket/history.sqlite3* | tail -n 1 | cut -f 1)
  echo "run $run: $out; peak RSS ${rss} MiB; kept $kept of $answered answered; history $disk bytes for $kept_bytes bytes of bodies" >&2
  echo "$rss" >>"$work/rss"
  echo "$answered" >>"$work/answered"
  echo $(( answered - kept )) >>"$work/lost"
  python3 -c "print($disk / max($kept_bytes, 1))" >>"$work/ratio"
  [ "$run" -lt "$runs" ] && rm -rf "$data"
done
echo "8 clients x 1 MiB bodies for ${seconds} s, median of $runs runs:"
echo "  listen peak RSS: $(median <"$work/rss") MiB"
echo "  requests answered: $(median <"$work/answered"); answered but not kept: $(median <"$work/lost")"
echo "  history on disk / body bytes kept: $(median <"$work/ratio")"

data="$work/data-$runs"
if [ "$records" -gt 0 ]; then
  start "$data"
  # Adds about RECORDS more records of 1 MiB (half of them unsigned NUL bytes).
  while [ "$(XDG_DATA_HOME="$data" "$bin" history --json --limit 100000000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -lt "$records" ]; do
    "$load" large "$port" 8 10 >/dev/null
  done
  stop
fi
count=$(XDG_DATA_HOME="$data" "$bin" history --json --limit 100000000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
size=$(du -cb "$data"/sinch-ticket/history.sqlite3* | tail -n 1 | cut -f 1)
echo "On a history of $count records ($((size / 1048576)) MiB):"
XDG_DATA_HOME="$data" hyperfine -N --warmup 2 --runs 20 --export-json "$work/list.json" \
  "$bin history --limit 50" "$bin history show last" >/dev/null
python3 - "$work/list.json" <<'EOF'
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    print(f"  {result['command'].split('sinch-ticket ')[1]}: median {result['median'] * 1000:.1f} ms")
EOF
peak=$(XDG_DATA_HOME="$data" python3 -c "
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)" "$bin" history export --jsonl "$work/all.jsonl")
echo "  history export --jsonl: peak RSS $peak MiB for $((size / 1048576)) MiB of history"
