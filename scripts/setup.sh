#!/usr/bin/env bash
# Install what the core and its tests need on Debian 12 (idempotent; only
# missing packages are installed). Sourced by scripts/test.sh and scripts/run.sh.
set -euo pipefail
CORE_PACKAGES=(build-essential pkg-config libssl-dev libdbus-1-dev dbus gnome-keyring libsecret-tools ca-certificates poppler-utils python3 python3-venv)
missing=()
for pkg in "${CORE_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}"
fi
# The sharing tests' WebDAV server (scripts/webdav-server.sh) and S3-compatible
# server (moto), from PyPI, in a virtual environment of their own outside the
# clone (Debian's python3 is "externally managed": no pip installs into it).
BACKPACK_PYENV="${BACKPACK_PYENV:-/var/tmp/backpack-pyenv}"
export BACKPACK_PYTHON="$BACKPACK_PYENV/bin/python"
if ! "$BACKPACK_PYTHON" -c 'import wsgidav, cheroot, moto.server, flask_cors' 2>/dev/null; then
  echo "setup: installing wsgidav, cheroot and moto[server] into $BACKPACK_PYENV (pip)"
  [ -x "$BACKPACK_PYTHON" ] || python3 -m venv "$BACKPACK_PYENV"
  "$BACKPACK_PYTHON" -m pip install --quiet --disable-pip-version-check wsgidav==4.4.0 cheroot==11.1.2 'moto[server]==5.2.1'
fi
if ! command -v cargo >/dev/null; then
  echo "setup: cargo (Rust 1.85 or newer) is needed; install it with rustup (https://rustup.rs)" >&2
  exit 1
fi
# Build outputs live outside the clone so that every run is incremental.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/backpack-target}"
mkdir -p "$CARGO_TARGET_DIR"
