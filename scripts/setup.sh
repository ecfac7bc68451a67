#!/usr/bin/env bash
# Installs what this machine lacks to build sinch-ticket and run its whole test suite:
# the D-Bus daemon and gnome-keyring (a real Secret Service for the keyring tests),
# secret-tool to look at the keyring from outside, and for the window: Xvfb with Mesa's
# software renderer and the X11 libraries winit opens at run time, xdotool for real input,
# xclip to read the clipboard from another process, ImageMagick for screenshots.
# Debian packages; run as root or with sudo.
# Safe to run again: it installs only what is missing.
set -euo pipefail

# command -> Debian package that provides it
declare -A needs=(
  [dbus-daemon]=dbus
  [dbus-send]=dbus
  [gnome-keyring-daemon]=gnome-keyring
  [secret-tool]=libsecret-tools
  [Xvfb]=xvfb
  [xauth]=xauth
  [xdotool]=xdotool
  [xclip]=xclip
  [import]=imagemagick
)
# Libraries the window opens at run time (winit, glutin, fontconfig), found by file.
declare -A libs=(
  [libGL.so.1]=libgl1
  [libEGL.so.1]=libegl1
  [libEGL_mesa.so.0]=libegl-mesa0
  [libX11-xcb.so.1]=libx11-xcb1
  [libXcursor.so.1]=libxcursor1
  [libXi.so.6]=libxi6
  [libxkbcommon.so.0]=libxkbcommon0
  [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libfontconfig.so.1]=libfontconfig1
)

missing=()
for cmd in "${!needs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needs[$cmd]}")
done
for lib in "${!libs[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${libs[$lib]}")
done
# Mesa's software GL driver (llvmpipe), for a window on a machine without a GPU.
ls /usr/lib/*/dri/swrast_dri.so >/dev/null 2>&1 || missing+=(libgl1-mesa-dri)
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
