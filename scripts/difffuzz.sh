#!/usr/bin/env bash
# Differential fuzzer (issue #11): structure-aware mutants of genuinely signed
# credentials, verified by Backpack (`backpack verify --json --offline`), by
# Digital Bazaar's stack from npm (jsonld.js safe mode) and by the verifier
# page's engine; a mutant Backpack or the page accepts and the reference
# refuses is a failure (exit 1). See scripts/difffuzz/run.mjs for what is
# compared, and target/difffuzz/seed-S/ for the details of a run.
# Usage: scripts/difffuzz.sh [--count N] [--seed S] [--no-page] [--keep] [--out DIR]
#   BACKPACK_BIN: the binary to test (default: the debug build, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="${BACKPACK_BIN:-$target/debug/backpack}"
if [ ! -x "$bin" ]; then
  cargo build --locked --bin backpack
fi
if [ ! -d node_modules/@digitalbazaar/vc ]; then
  npm ci --no-audit --no-fund
fi
export BACKPACK_VECTORS="${BACKPACK_VECTORS:-$(pwd)/tests/vectors}"
exec node scripts/difffuzz/run.mjs --bin "$bin" "$@"
