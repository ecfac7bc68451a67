#!/usr/bin/env bash
# Installs what this machine lacks to build sinch-ticket and run its whole test suite:
# the D-Bus daemon and gnome-keyring (a real Secret Service for the keyring tests), and
# secret-tool to look at the keyring from outside. Debian packages; run as root or with sudo.
# Safe to run again: it installs only what is missing.
set -euo pipefail

# command -> Debian package that provides it
declare -A needs=(
  [dbus-daemon]=dbus
  [dbus-send]=dbus
  [gnome-keyring-daemon]=gnome-keyring
  [secret-tool]=libsecret-tools
)

missing=()
for cmd in "${!needs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needs[$cmd]}")
done
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing: install the Rust toolchain (https://rustup.rs) first" >&2
  exit 1
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: $packages" >&2; exit 1; }
  sudo=sudo
fi
echo "setup: installing $packages" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
