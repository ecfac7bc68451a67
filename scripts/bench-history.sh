#!/usr/bin/env bash
# Measures the history with 100,000 records: the whole `sinch-ticket history --event ice
# --limit 50` process (and two other queries), median of RUNS runs. The records are written
# straight into a throwaway history (Python's sqlite3, the schema `listen` makes), never
# into yours.
#   scripts/bench-history.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
cargo build --release --locked --quiet --bin sinch-ticket
bin=$PWD/target/release/sinch-ticket
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/data" HOME="$work"
"$bin" history >/dev/null   # makes the file and its schema
python3 - "$work/data/sinch-ticket/history.sqlite3" "$bin" "$runs" <<'PY'
import json, sqlite3, statistics, subprocess, sys, time
path, binary, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(path)
events = ["ice", "ace", "dice", "pie", "notify", "sms-inbound", "conversation-message-inbound"]
rows = []
for i in range(100_000):
    event = events[i % len(events)]
    body = json.dumps({"event": event, "callid": f"c-{i:06d}", "timestamp": "2026-12-01T12:00:00Z",
                       "custom": "customData", "cli": "+46700000000",
                       "to": {"type": "number", "endpoint": "+46700000001"}})
    stamp = f"2026-12-01T12:{i // 6000 % 60:02d}:{i // 100 % 60:02d}.000Z"
    # Headers and record of the size a listener keeps (about 800 bytes a request in all).
    headers = json.dumps([["Host", "127.0.0.1"], ["x-timestamp", stamp],
                          ["Authorization", "Application 196087a1-e815-4bc4-8984-60d8d8a43f1d:"
                           "si27485GyRyOA9xJ+qNDYs6Q/IaR9ibnOpOIvK8G+/8="],
                          ["Content-Type", "application/json; charset=utf-8"],
                          ["Content-Length", str(len(body))]])
    record = json.dumps({"time": stamp, "peer": "127.0.0.1:5000", "method": "POST",
                         "path": "/sinch/callback", "event": event, "scheme": "application",
                         "verified": True, "reason": None, "status": 200, "refused": False,
                         "warnings": [], "forwarded": None, "body": json.loads(body)})
    rows.append((stamp, "127.0.0.1:5000", "POST", "/sinch/callback", event, "application", 1,
                 None, 200, headers, body.encode(), record, None))
db.executemany("INSERT INTO requests (time, peer, method, path, event, scheme, verified, reason, "
               "status, headers, body, record, replay_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
print(f"{db.execute('select count(*) from requests').fetchone()[0]} records, "
      f"{__import__('os').path.getsize(path) / 2**20:.1f} MiB")
# The history has no index but the id's (see src/history/mod.rs): a filter reads records
# newest first until it has its limit. The worst cases read them all: --event with an event
# none has, --since 1h (they are stamped 2026-12-01 12:00-13:00 UTC).
for args in (["history", "--event", "ice", "--limit", "50"], ["history", "--limit", "50", "--json"],
             ["history", "show", "last"], ["history", "--event", "mo_text", "--limit", "50"],
             ["history", "--since", "1h", "--limit", "50"]):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([binary, *args], check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    print(f"sinch-ticket {' '.join(args)}: median {statistics.median(times):.1f} ms "
          f"(whole process, {runs} runs)")
PY
