#!/usr/bin/env bash
# Builds the Debian package (target/debian/sinch-ticket_*.deb) with cargo-deb, and checks it:
# the expected files are in it, it unpacks with dpkg -x and the unpacked binary runs
# --version and makes the known-answer ticket, and lintian reports no errors (its warnings
# are printed). Run before each release; CI runs the cheap checks (desktop file, metainfo,
# man pages, completions) in the test suite instead, since a release build takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
missing=()
for tool in dpkg-deb lintian desktop-file-validate; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    dpkg-dev lintian desktop-file-utils >/dev/null
fi
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked

cargo build --release --locked
assets=target/package-assets
rm -rf "$assets" && mkdir -p "$assets/man" "$assets/completions"
target/release/sinch-ticket man "$assets/man" >/dev/null
gzip -9n "$assets"/man/*.1
target/release/sinch-ticket completions bash > "$assets/completions/sinch-ticket"
target/release/sinch-ticket completions zsh > "$assets/completions/_sinch-ticket"
target/release/sinch-ticket completions fish > "$assets/completions/sinch-ticket.fish"

deb=$(cargo deb --no-build --locked | tail -n 1)
echo "built $deb"
dpkg-deb --info "$deb"
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/sinch-ticket ./usr/share/applications/sinch-ticket.desktop \
    ./usr/share/metainfo/io.github.sinchticket.SinchTicket.metainfo.xml \
    ./usr/share/icons/hicolor/48x48/apps/sinch-ticket.png \
    ./usr/share/icons/hicolor/128x128/apps/sinch-ticket.png \
    ./usr/share/icons/hicolor/256x256/apps/sinch-ticket.png \
    ./usr/share/man/man1/sinch-ticket.1.gz ./usr/share/man/man1/sinch-ticket-ticket.1.gz \
    ./usr/share/bash-completion/completions/sinch-ticket \
    ./usr/share/zsh/vendor-completions/_sinch-ticket \
    ./usr/share/fish/vendor_completions.d/sinch-ticket.fish \
    ./usr/share/doc/sinch-ticket/README.md ./usr/share/doc/sinch-ticket/copyright; do
  grep -q " $path\$" <<<"$contents" || { echo "missing from the package: $path" >&2; exit 1; }
done
depends=$(dpkg-deb --field "$deb" Depends)
for tool in xvfb xdotool gnome-keyring nodejs; do
  if grep -q "$tool" <<<"$depends"; then echo "a test-time tool is a dependency: $tool" >&2; exit 1; fi
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
"$root/usr/bin/sinch-ticket" --version
vector='eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I='
made=$(SINCH_APPLICATION_SECRET='oYdgGRXoxEuJhGDY2KQ/HQ==' "$root/usr/bin/sinch-ticket" ticket \
  --user alice --created 2026-01-02T03:04:05Z --key 196087a1-e815-4bc4-8984-60d8d8a43f1d)
[ "$made" = "$vector" ] || { echo "the packaged binary made a different ticket" >&2; exit 1; }
echo "the unpacked binary makes the known-answer ticket"

# Errors fail the build; warnings and notes are listed.
lintian --tag-display-limit 0 "$deb" | tee target/lintian.txt || true
if grep -q '^E: ' target/lintian.txt; then echo "lintian reports errors" >&2; exit 1; fi
echo "package checked: $deb"
