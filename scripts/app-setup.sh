#!/usr/bin/env bash
# Install what the desktop app (src-tauri/ + ui/) and its e2e tests need on Debian 12.
# Idempotent: apt only installs what is missing; `npm ci` runs only when node_modules is
# missing or package-lock.json changed since the last successful run.
# Usage: bash scripts/app-setup.sh        (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb build-essential pkg-config curl desktop-file-utils file)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "app-setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update
  $SUDO apt-get install -y -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}"
else
  echo "app-setup: apt packages already installed"
fi

# npm ci only when needed: node_modules/.package-lock.json records the last install, and a
# stamp holds the hash of the package-lock.json that install came from.
STAMP=node_modules/.app-setup-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "app-setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$STAMP"
else
  echo "app-setup: node_modules up to date"
fi

# The third-party OpenID4VCI issuer the receive tests interoperate with
# (tests/interop: Sphereon's issuer server), in its own node_modules.
ISTAMP=tests/interop/node_modules/.app-setup-lock.sha256
iwant="$(sha256sum tests/interop/package-lock.json | cut -d' ' -f1)"
if [ ! -f "$ISTAMP" ] || [ "$(cat "$ISTAMP")" != "$iwant" ]; then
  echo "app-setup: npm ci --prefix tests/interop"
  npm ci --prefix tests/interop --no-audit --no-fund
  echo "$iwant" > "$ISTAMP"
else
  echo "app-setup: tests/interop/node_modules up to date"
fi

# tauri-driver (the WebDriver bridge of the e2e tests), pinned; installed once.
TAURI_DRIVER_VERSION=2.1.0
if ! { command -v tauri-driver >/dev/null || [ -x "$HOME/.cargo/bin/tauri-driver" ]; } ||
   ! "$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")" --help >/dev/null 2>&1; then
  echo "app-setup: cargo install tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION"
else
  echo "app-setup: tauri-driver already installed"
fi
