#!/usr/bin/env bash
# Set up and run Backpack on a bundled sample backpack.
#   bash scripts/run.sh               load the sample credentials, list them, show one
#   bash scripts/run.sh -- ARGS...    run `backpack ARGS...` on the sample backpack
# The sample backpack lives in /var/tmp/backpack-sample (BACKPACK_DATA_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --locked --release --bin backpack
BIN="$CARGO_TARGET_DIR/release/backpack"
export BACKPACK_DATA_DIR="${BACKPACK_DATA_DIR:-/var/tmp/backpack-sample}"

if [ "${1:-}" = "--" ]; then shift; fi
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
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -n "${BACKPACK_PASSPHRASE:-}" ]; then
  # A desktop session (its keyring) or an explicit passphrase: use them.
  exec "${script[@]}"
fi
# No desktop session (a server or container): run in a private D-Bus session
# with a gnome-keyring kept beside the sample data, so the key persists.
export BACKPACK_KEYRING_HOME="$BACKPACK_DATA_DIR.keyring"
exec scripts/with-keyring.sh "${script[@]}"
