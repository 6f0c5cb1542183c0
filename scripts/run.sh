#!/usr/bin/env bash
# Set up and run Backpack on a sample backpack.
#   bash scripts/run.sh               build and open the desktop app; its empty screen (and
#                                     Add) offers "Load the sample backpack"
#   bash scripts/run.sh --cli         the command line instead: load the sample, list it, show one
#   bash scripts/run.sh -- ARGS...    run `backpack ARGS...` (the CLI) on the sample backpack
# The sample backpack lives in /var/tmp/backpack-sample (BACKPACK_DATA_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export BACKPACK_DATA_DIR="${BACKPACK_DATA_DIR:-/var/tmp/backpack-sample}"

mode=app
if [ "${1:-}" = "--cli" ]; then mode=cli; shift; fi
if [ "${1:-}" = "--" ]; then mode=cli; shift; fi

if [ "$mode" = app ]; then
  bash scripts/app-setup.sh >/dev/null
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run: no display (DISPLAY/WAYLAND_DISPLAY unset). Run this in a desktop session," >&2
    echo "     or try the command line: bash scripts/run.sh --cli" >&2
    exit 2
  fi
  echo "run: building the desktop app (release; the first build takes several minutes)"
  bash scripts/progress.sh "run: building the app" -- npx tauri build --no-bundle
  script=("$CARGO_TARGET_DIR/release/backpack-app" "$@")
else
  # Quiet when nothing needs building: cargo's "Finished" line is dropped, while
  # "Compiling" progress (a cold build) and errors still reach the terminal.
  bash scripts/page-build.sh
  set +e
  cargo build --locked --profile cli --bin backpack 2>&1 | { grep -vE '^ +Finished ' || true; } >&2
  build_status=${PIPESTATUS[0]}
  set -e
  [ "$build_status" -eq 0 ] || exit "$build_status"
  BIN="$CARGO_TARGET_DIR/cli/backpack"
  if [ $# -gt 0 ]; then
    script=("$BIN" "$@")
  else
    script=(bash -c '
      "$0" sample --load
      echo; echo "Your sample backpack ($BACKPACK_DATA_DIR):"; "$0" list
      first=$("$0" list --json | head -n1 | sed -E "s/.*\"id\":\"([0-9a-f]+)\".*/\\1/")
      echo; "$0" show "$first"
      echo; echo "Try: bash scripts/run.sh -- import FILE|URL   (or: list, show ID, export ID, backup FILE)"
    ' "$BIN")
  fi
fi
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -n "${BACKPACK_PASSPHRASE:-}" ]; then
  # A desktop session (its keyring) or an explicit passphrase: use them.
  exec "${script[@]}"
fi
# No desktop session (a server or container): run in a private D-Bus session
# with a gnome-keyring kept beside the sample data, so the key persists.
export BACKPACK_KEYRING_HOME="$BACKPACK_DATA_DIR.keyring"
exec scripts/with-keyring.sh "${script[@]}"
