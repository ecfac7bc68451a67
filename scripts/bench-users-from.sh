#!/usr/bin/env bash
# Times `sinch-ticket ticket --users-from` on 100,000 usernames written to a file, process
# start included, and, in the same run, the same tickets made by the two generators it
# replaces: the algorithm of the Ruby gem `sinch_auth` (`get_auth_ticket`, per username) and
# the same in Node (crypto's HMAC, JSON.stringify). Prints the median wall time of each and
# how many times faster sinch-ticket is. Output to a file, then to a pipe (`| cat`).
# Targets: under 50 ms on the 2-core machine, at least 40x Ruby and 16x Node.
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

key=196087a1-e815-4bc4-8984-60d8d8a43f1d
created=2026-01-02T03:04:05Z
export SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ=='

# sinch_auth's get_auth_ticket, as the gem does it (its whitespace removal and its strip of
# the MAC bytes included), one username at a time.
cat > "$work/sinch_auth.rb" <<'RUBY'
require "json"
require "base64"
require "openssl"
def get_auth_ticket(username, expires_in, key, secret, created)
  ticket = { "identity" => { "type" => "username", "endpoint" => username.gsub(/\s+/, "") },
             "expiresIn" => expires_in, "applicationKey" => key, "created" => created }
  json = ticket.to_json
  mac = OpenSSL::HMAC.digest("sha256", Base64.decode64(secret), json).strip
  Base64.strict_encode64(json) + ":" + Base64.strict_encode64(mac)
end
users, key, created = ARGV
secret = ENV.fetch("SINCH_APPLICATION_SECRET")
out = $stdout
File.foreach(users, chomp: true) { |u| out.puts(get_auth_ticket(u, 3600, key, secret, created)) }
RUBY
cat > "$work/ticket.js" <<'JS'
const fs = require("fs");
const crypto = require("crypto");
const [users, key, created] = process.argv.slice(2);
const secret = Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64");
const out = [];
for (const user of fs.readFileSync(users, "utf8").split("\n")) {
  if (user === "") continue;
  const json = JSON.stringify({ identity: { type: "username", endpoint: user },
    expiresIn: 3600, applicationKey: key, created });
  const mac = crypto.createHmac("sha256", secret).update(json).digest("base64");
  out.push(Buffer.from(json).toString("base64") + ":" + mac);
}
fs.writeSync(1, out.join("\n") + "\n");
JS

ours="target/release/sinch-ticket ticket --users-from $work/users.txt --key $key --created $created --raw-utf8"
ruby_cmd="ruby $work/sinch_auth.rb $work/users.txt $key $created"
node_cmd="node $work/ticket.js $work/users.txt $key $created"

# The same tickets: Node's byte for byte; Ruby's JSON halves (its MAC strip breaks some MACs).
$ours > "$work/ours.txt"
$node_cmd > "$work/node.txt"
$ruby_cmd > "$work/ruby.txt"
[ "$(wc -l < "$work/ours.txt")" -eq "$count" ] || { echo "expected $count tickets" >&2; exit 1; }
cmp -s "$work/ours.txt" "$work/node.txt" || { echo "Node's tickets differ from ours" >&2; exit 1; }
cmp -s <(cut -d: -f1 "$work/ours.txt") <(cut -d: -f1 "$work/ruby.txt") \
  || { echo "Ruby's tickets differ from ours" >&2; exit 1; }

# -N runs each without a shell in between; --output sends its stdout to the file.
hyperfine -N --style basic --warmup 3 --runs 30 --output "$work/tickets.txt" \
  --export-json "$work/ours.json" "$ours" >&2
hyperfine --style basic --warmup 3 --runs 30 --export-json "$work/pipe.json" "$ours | cat >/dev/null" >&2
hyperfine -N --style basic --warmup 1 --runs 10 --output "$work/tickets.txt" \
  --export-json "$work/others.json" "$ruby_cmd" "$node_cmd" >&2
python3 - "$work" "$count" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
ours = json.load(open(f"{work}/ours.json"))["results"][0]
pipe = json.load(open(f"{work}/pipe.json"))["results"][0]
ruby, node = json.load(open(f"{work}/others.json"))["results"]
ms = lambda r: r["median"] * 1000
print(f"ticket --users-from, {n} usernames to a file: median {ms(ours):.1f} ms wall "
      f"(min {ours['min']*1000:.1f}, max {ours['max']*1000:.1f}, {len(ours['times'])} runs), "
      f"{ours['median']/n*1e9:.0f} ns per ticket; to a pipe: median {ms(pipe):.1f} ms")
print(f"the same {n} tickets, same run: Ruby (sinch_auth's algorithm) {ms(ruby):.0f} ms, "
      f"Node {ms(node):.0f} ms: sinch-ticket is {ruby['median']/ours['median']:.1f}x Ruby, "
      f"{node['median']/ours['median']:.1f}x Node")
PY
