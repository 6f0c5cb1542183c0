#!/usr/bin/env bash
# End-to-end tests of the real desktop app: build it (debug, with the embedded
# ui/dist), prepare fixture files and a throw-away data folder, then run the
# WebdriverIO specs in e2e/ against it under Xvfb, inside a private D-Bus
# session with a gnome-keyring (scripts/with-keyring.sh), so the app keeps its
# store key in a real Secret Service. Screenshots go to e2e/screenshots/.
# Usage: bash scripts/e2e.sh [wdio args, e.g. --spec e2e/backpack.e2e.ts]
#   E2E_SKIP_BUILD=1   use the app binary as it is
#   TAURI_APP=PATH     test another binary (e.g. the one from the .deb)
# Exit: 0 pass, 1 a test failed, 2 setup error, 130 interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/backpack-target}"
export TAURI_APP="${TAURI_APP:-$CARGO_TARGET_DIR/debug/backpack-app}"
die() { echo "e2e: $*" >&2; exit 2; }

if [ -z "${E2E_INNER:-}" ]; then
  command -v WebKitWebDriver >/dev/null || die "WebKitWebDriver not on PATH (apt-get install webkit2gtk-driver)"
  command -v Xvfb >/dev/null || die "Xvfb not on PATH (apt-get install xvfb)"
  if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
    # NOT plain `cargo build`: that binary is dev-mode and loads devUrl instead of the embedded ui/dist.
    # The dev profile the tests use (no second profile: the dependencies are shared).
    bash scripts/progress.sh "e2e: building the app (debug)" -- npx tauri build --debug --no-bundle || die "app build failed"
    cargo build --quiet --locked --bin backpack --example test-issuer
  fi
  [ -x "$TAURI_APP" ] || die "app binary missing: $TAURI_APP"
  [ -x "$CARGO_TARGET_DIR/debug/backpack" ] || die "backpack CLI missing (cargo build --bin backpack)"
  [ -x "$CARGO_TARGET_DIR/debug/examples/test-issuer" ] || die "test issuer missing (cargo build --example test-issuer)"
  WORK="$(mktemp -d /tmp/backpack-e2e.XXXXXX)"
  trap 'rm -rf "$WORK"' EXIT
  # Fixtures: the six sample credentials (all signed by the fixed, public sample issuer key: the same ids everywhere) and a non-badge.
  mkdir -p "$WORK/fixtures"
  "$CARGO_TARGET_DIR/debug/backpack" --data-dir "$WORK/issuer" sample --out "$WORK/fixtures" 2>/dev/null
  cp e2e/fixtures/* "$WORK/fixtures/"
  export E2E_FIXTURES="$WORK/fixtures" BACKPACK_DATA_DIR="${E2E_DATA_DIR:-$WORK/data}" \
    BACKPACK_CONFIG_DIR="$WORK/config" BACKPACK_EXPORT_DIR="$WORK/export" LANG=en_US.UTF-8 LC_ALL= LC_MESSAGES=
  set +e
  E2E_INNER=1 scripts/with-keyring.sh bash "$0" "$@"
  rc=$?
  set -e
  exit "$rc"
fi

# --- inside the private D-Bus session ---
export TAURI_DRIVER_PORT="${TAURI_DRIVER_PORT:-4444}"
NATIVE_PORT="${TAURI_NATIVE_PORT:-4445}"
DRIVER_BIN="${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}"
[ -x "$DRIVER_BIN" ] || die "tauri-driver not found (bash scripts/app-setup.sh installs it)"
LOG_DIR="$PWD/e2e/logs"; mkdir -p "$LOG_DIR"
for p in "$TAURI_DRIVER_PORT" "$NATIVE_PORT"; do
  ! curl -s -o /dev/null "http://127.0.0.1:$p/status" || die "port $p already in use (set TAURI_DRIVER_PORT / TAURI_NATIVE_PORT)"
done
XVFB_PID=""; DRIVER_PID=""; WDIO_PID=""; DAV_PID=""; ISSUER_PID=""
cleanup() {  # stop what this script started, by PID; tauri-driver takes WebKitWebDriver + app with it
  [ -n "$WDIO_PID" ] && kill -- "-$WDIO_PID" 2>/dev/null
  for pid in $WDIO_PID $DRIVER_PID $XVFB_PID $DAV_PID $ISSUER_PID; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
  return 0
}
trap cleanup EXIT
trap "exit 130" INT TERM
DISPLAY_FILE=$(mktemp)   # Xvfb picks a free display and writes its number to fd 3
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$DISPLAY_FILE" 2>"$LOG_DIR/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$DISPLAY_FILE" ] && break; sleep 0.1; done
[ -s "$DISPLAY_FILE" ] || die "Xvfb did not start: $(cat "$LOG_DIR/xvfb.log")"
export DISPLAY=":$(head -n1 "$DISPLAY_FILE")"; rm -f "$DISPLAY_FILE"
export LIBGL_ALWAYS_SOFTWARE=1   # no GPU under Xvfb; makes screenshots current
"$DRIVER_BIN" --port "$TAURI_DRIVER_PORT" --native-port "$NATIVE_PORT" >"$LOG_DIR/tauri-driver.log" 2>&1 &
DRIVER_PID=$!
for _ in $(seq 120); do
  kill -0 "$DRIVER_PID" 2>/dev/null || die "tauri-driver died: $(cat "$LOG_DIR/tauri-driver.log")"
  curl -sf "http://127.0.0.1:$NATIVE_PORT/status" >/dev/null &&
    curl -sf "http://127.0.0.1:$TAURI_DRIVER_PORT/status" >/dev/null && break
  sleep 0.25
done
curl -sf "http://127.0.0.1:$TAURI_DRIVER_PORT/status" >/dev/null || die "tauri-driver not ready"
# A real WebDAV share location on 127.0.0.1 (WsgiDAV; /dav/ write with Basic auth, /pub/ anonymous read).
DAV_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/webdav-server.sh "$DAV_PORT" "$(mktemp -d /tmp/backpack-e2e-dav.XXXXXX)" sam dav-token-123 >"$LOG_DIR/webdav.log" 2>&1 &
DAV_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$DAV_PORT/pub/" && break; sleep 0.1; done
export E2E_WEBDAV="http://127.0.0.1:$DAV_PORT" E2E_WEBDAV_USER=sam E2E_WEBDAV_PASSWORD=dav-token-123
# The test issuer (tests/issuer) on 127.0.0.1 for e2e/receive.e2e.ts; its first line names its address.
ISSUER_OUT="$LOG_DIR/test-issuer.out"; : >"$ISSUER_OUT"
"$CARGO_TARGET_DIR/debug/examples/test-issuer" >"$ISSUER_OUT" 2>"$LOG_DIR/test-issuer.log" &
ISSUER_PID=$!
for _ in $(seq 100); do [ -s "$ISSUER_OUT" ] && break; sleep 0.1; done
E2E_ISSUER=$(sed -n '1s/^listening //p' "$ISSUER_OUT")
[ -n "$E2E_ISSUER" ] || die "the test issuer did not start: $(cat "$LOG_DIR/test-issuer.log")"
# The app may reach it: credential content from 127.0.0.1 (refused outside tests).
export E2E_ISSUER BACKPACK_ALLOW_PRIVATE_NETWORK=1
# setsid + background + wait: TERM/INT reaches the trap at once, and the trap can kill wdio's group.
setsid node_modules/.bin/wdio run wdio.conf.ts "$@" &
WDIO_PID=$!
set +e; wait "$WDIO_PID"; rc=$?; set -e
WDIO_PID=""
[ "$rc" -eq 0 ] || { echo "--- tauri-driver log ---"; tail -n 50 "$LOG_DIR/tauri-driver.log"; }
exit "$rc"
