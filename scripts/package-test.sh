#!/usr/bin/env bash
# Build the .deb with the Tauri bundler (release app, stripped) and check what a
# user would install: its size (< 15 MB), control fields, the files it puts on
# the system (binary, .desktop entry with the badge MIME types and the
# backpack:// handler, icons), that every library the binary needs resolves,
# and that the packed binary itself starts under Xvfb and paints its first
# screen on an empty backpack. Prints the .deb's size (the figure issue #4 asks for).
# Usage: bash scripts/package-test.sh      (run by scripts/test.sh)
#   PACKAGE_SKIP_BUILD=1   check the .deb as it is
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/backpack-target}"
die() { echo "package-test: FAIL: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg file desktop-file-validate ldd Xvfb npx; do
  command -v "$tool" >/dev/null || die "$tool is not installed (bash scripts/app-setup.sh installs what this needs)"
done

version=$(sed -nE 's/^version = "([^"]+)".*/\1/p' src-tauri/Cargo.toml | head -n1)
deb="$CARGO_TARGET_DIR/release/bundle/deb/Backpack_${version}_$(dpkg --print-architecture).deb"
if [ "${PACKAGE_SKIP_BUILD:-0}" != 1 ]; then
  t0=$(date +%s)
  bash scripts/progress.sh "package-test: building the .deb (release)" -- npx tauri build --bundles deb || die "tauri build --bundles deb failed"
  echo "package-test: built $deb in $(( $(date +%s) - t0 )) s"
fi
[ -f "$deb" ] || die "no .deb at $deb"

size=$(stat -c %s "$deb")
echo "package-test: .deb size $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f MiB", s/1048576}'))"
[ "$size" -lt 15000000 ] || die ".deb is $size bytes, over the 15 MB budget"

[ "$(dpkg-deb -f "$deb" Package)" = backpack ] || die "Package is not 'backpack'"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || die "Version is not $version"
dpkg-deb -f "$deb" Depends | grep -q "libwebkit2gtk-4.1-0" || die "Depends lacks libwebkit2gtk-4.1-0"

WORK=$(mktemp -d /tmp/backpack-package.XXXXXX)
XVFB_PID=""; APP_PID=""
cleanup() {
  for p in $APP_PID $XVFB_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$WORK/root"
bin="$WORK/root/usr/bin/backpack-app"
desktop="$WORK/root/usr/share/applications/Backpack.desktop"
[ -x "$bin" ] || die "usr/bin/backpack-app missing"
[ -f "$desktop" ] || die "usr/share/applications/Backpack.desktop missing"
for s in 32x32 128x128 512x512; do
  [ -f "$WORK/root/usr/share/icons/hicolor/$s/apps/backpack-app.png" ] || die "icon $s missing"
done
file "$bin" | grep -q "not stripped" && die "the packed binary is not stripped"
desktop-file-validate "$desktop" || die "the .desktop entry does not validate"
mimes=$(sed -n 's/^MimeType=//p' "$desktop")
for m in x-scheme-handler/backpack x-scheme-handler/openid-credential-offer x-scheme-handler/dccrequest x-scheme-handler/org.dcconsortium application/json application/ld+json image/png image/svg+xml application/jwt; do
  case ";$mimes" in *";$m;"*) ;; *) die ".desktop MimeType lacks $m" ;; esac
done
grep -qE '^Exec=backpack-app %U$' "$desktop" || die ".desktop Exec is not 'backpack-app %U'"
if ldd "$bin" | grep -q "not found"; then ldd "$bin" | grep "not found" >&2; die "libraries missing"; fi

# The packed binary starts and paints its first screen (an empty backpack,
# key in the test keyring). Runs inside a private D-Bus session with gnome-keyring.
export PACKAGE_BIN="$bin" PACKAGE_WORK="$WORK"
scripts/with-keyring.sh bash -c '
  set -euo pipefail
  DISPLAY_FILE="$PACKAGE_WORK/display"
  Xvfb -displayfd 3 -screen 0 1024x700x24 -nolisten tcp 3>"$DISPLAY_FILE" 2>"$PACKAGE_WORK/xvfb.log" &
  xvfb=$!
  for _ in $(seq 100); do [ -s "$DISPLAY_FILE" ] && break; sleep 0.1; done
  [ -s "$DISPLAY_FILE" ] || { cat "$PACKAGE_WORK/xvfb.log" >&2; echo "package-test: FAIL: Xvfb did not start" >&2; exit 1; }
  export DISPLAY=":$(head -n1 "$DISPLAY_FILE")"
  BACKPACK_DATA_DIR="$PACKAGE_WORK/data" BACKPACK_CONFIG_DIR="$PACKAGE_WORK/config" BACKPACK_TIMING=1 \
    "$PACKAGE_BIN" 2>"$PACKAGE_WORK/app.log" &
  app=$!
  for _ in $(seq 600); do grep -q "first-screen" "$PACKAGE_WORK/app.log" && break; kill -0 $app 2>/dev/null || break; sleep 0.05; done
  line=$(grep "first-screen" "$PACKAGE_WORK/app.log" || true)
  kill $app $xvfb 2>/dev/null || true; wait $app 2>/dev/null || true; wait $xvfb 2>/dev/null || true
  [ -n "$line" ] || { tail -n 20 "$PACKAGE_WORK/app.log" >&2; echo "package-test: FAIL: the packed app did not paint its first screen" >&2; exit 1; }
  echo "package-test: the packed app painted its first screen (${line#*backpack-timing })"
  [ -f "$PACKAGE_WORK/data/backpack.db" ] || { echo "package-test: FAIL: no store made in the data folder" >&2; exit 1; }
'
echo "package-test: ok"
