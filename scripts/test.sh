#!/usr/bin/env bash
# Run every test: the core (unit, integration, CLI on the real keyring,
# network tests on 127.0.0.1), the web front end checks and unit tests, the
# app crate, the desktop app end to end under Xvfb, and the .deb.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
bash scripts/app-setup.sh
export BACKPACK_VECTORS="${BACKPACK_VECTORS:-$(pwd)/tests/vectors}"
t0=$(date +%s)
# Each step's heading, and the seconds the previous one took (the build cost per step).
step() {
  local now; now=$(date +%s)
  [ -z "${step_t:-}" ] || echo "   ($(( now - step_t )) s)"
  step_t=$now
  echo "== $*"
}

step "core: no import cycles among modules"
python3 scripts/modcycles.py

step "employer verifier page: production build (ui/dist-verify, embedded by build.rs for publish-page)"
bash scripts/page-build.sh

# Clippy lints while building: clippy-driver compiles the workspace's own
# crates (cargo clippy is the same driver in check mode, which made a second,
# check-only copy of all ~500 dependencies: 282 s of a cold run). Dependencies
# are compiled by plain rustc, once; every later cargo step (tests, the app
# crate, the e2e app, the .deb) inherits the variable, so nothing is rebuilt
# for lack of it, and everything of ours that is compiled is linted
# (workspace lints: clippy::all = deny).
if [ -z "${RUSTC_WORKSPACE_WRAPPER:-}" ]; then
  command -v clippy-driver >/dev/null || rustup component add clippy
  RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
  export RUSTC_WORKSPACE_WRAPPER
fi
step "core: build and lint every target (dev profile, clippy-driver; the criterion benches are built, run by hand: cargo bench)"
cargo build --locked --all-targets

step "core: tests (inside a D-Bus session with an unlocked gnome-keyring)"
scripts/with-keyring.sh cargo test --locked --quiet

step "web front end: type check, unit/component tests (Vitest), build"
npm run --silent check
npm run --silent check:e2e
npx vitest run --reporter=dot
npx vite build --logLevel warn

step "employer verifier page (build, unit tests, headless Chromium vs the CLI)"
cargo build --locked --bin backpack
bash scripts/page-test.sh

step "differential fuzzer vs Digital Bazaar's stack in safe mode (corpus + 400 mutants; CLI and page)"
BACKPACK_BIN="$CARGO_TARGET_DIR/debug/backpack" bash scripts/difffuzz.sh --count 400 --seed ci

step "benchmark smoke: the CLI on a folder vs Digital Bazaar's verifier (scripts/bench.sh --smoke; full figures: scripts/bench.sh)"
BACKPACK_BIN="$CARGO_TARGET_DIR/debug/backpack" bash scripts/bench.sh --smoke

step "desktop app crate: build, lint (clippy-driver) and tests"
cargo test --locked --quiet -p backpack-app

step "IPC types: ui/src/lib/generated is what the Rust types generate"
cargo test --locked --quiet -p backpack-app export_bindings
if ! git diff --exit-code --stat -- ui/src/lib/generated || [ -n "$(git status --porcelain -- ui/src/lib/generated)" ]; then
  git status --short -- ui/src/lib/generated
  echo "ui/src/lib/generated is out of date with the Rust IPC types: run 'cargo test -p backpack-app export_bindings' and commit ui/src/lib/generated" >&2
  exit 1
fi

step "desktop app end to end (real app under Xvfb, WebDriver; screenshots in e2e/screenshots)"
bash scripts/e2e.sh

step "packaging: the .deb (Tauri bundler, release build), its files, and the packed app starting"
bash scripts/package-test.sh

step "all tests passed in $(( $(date +%s) - t0 )) s; target folder $(du -sh "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1) ($CARGO_TARGET_DIR)"
