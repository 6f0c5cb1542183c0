#!/usr/bin/env bash
# build.beforeBundleCommand: strip the release binary before it is packed into
# the .deb. The workspace's release profile keeps line tables (for the CLI's
# backtraces), which makes the app binary ~150 MB. The package carries it fully
# stripped (no debug info, no symbol table), as Debian packages do.
set -euo pipefail
[ "${TAURI_ENV_DEBUG:-false}" = true ] && exit 0
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-target}/release/backpack-app"
[ -f "$bin" ] || { echo "strip-for-bundle: $bin not found" >&2; exit 1; }
strip --strip-all "$bin"
