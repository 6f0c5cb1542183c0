#!/usr/bin/env bash
# The employer verifier page (ui/verify/): type check, unit tests (Vitest,
# Node WebCrypto), build into ui/dist-verify/, then the end-to-end tests in
# Debian's headless Chromium (playwright-core, no browser download), which
# also run the Rust CLI on the same files and compare the verdicts. Share
# hosts on 127.0.0.1 are read by a test build (BACKPACK_VERIFY_LOOPBACK=1,
# ui/dist-verify-loopback/); everything else runs on the production build.
# Needs the CLI binary: BACKPACK_BIN, default $CARGO_TARGET_DIR/debug/backpack
# (scripts/test.sh builds it first). Screenshots: tests/page/artifacts/.
# Usage: bash scripts/page-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/backpack-target}"
export BACKPACK_BIN="${BACKPACK_BIN:-$CARGO_TARGET_DIR/debug/backpack}"
export BACKPACK_VECTORS="${BACKPACK_VECTORS:-$(pwd)/tests/vectors}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"

# Debian's chromium (the browser under test) and zbar-tools (zbarimg decodes the CLI's QR codes).
if [ ! -x "$CHROMIUM_PATH" ] || ! command -v zbarimg >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "page-test: installing Debian chromium and zbar-tools"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=900 --no-install-recommends chromium zbar-tools
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
if [ ! -x "$BACKPACK_BIN" ]; then
  echo "page-test: building the CLI ($BACKPACK_BIN)"
  cargo build --locked --bin backpack
fi

t0=$(date +%s)
echo "== verifier page: type check, unit tests"
npx tsc -p ui/verify/tsconfig.json
npx vitest run --reporter=dot ui/verify
echo "== verifier page: build (ui/dist-verify), and the test build whose CSP allows loopback (ui/dist-verify-loopback)"
bash scripts/page-build.sh
BACKPACK_VERIFY_LOOPBACK=1 npx vite build -c vite.verify.config.ts --logLevel warn
echo "== verifier page: headless Chromium, agreement with 'backpack verify'"
node --test --test-reporter=spec tests/page/page.test.mjs
echo "== verifier page: passed in $(( $(date +%s) - t0 )) s"
