#!/usr/bin/env bash
# The employer verifier page's production build (ui/verify/ → ui/dist-verify/),
# made only when a source is newer than the last build: build.rs embeds that
# folder into the core (for `backpack shares location publish-page` and the
# app's "Publish verifier page"), and cargo rebuilds the core whenever the
# folder's files change, so an unchanged page is not built again.
# Build this before the binaries; run with --force to rebuild anyway.
# Usage: bash scripts/page-build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
index=ui/dist-verify/index.html
if [ "${1:-}" != "--force" ] && [ -f "$index" ] \
  && [ -z "$(find ui/verify vite.verify.config.ts package-lock.json contexts src/verify/report.rs -newer "$index" -type f -print -quit 2>/dev/null)" ]; then
  exit 0
fi
if [ ! -d node_modules/vite ]; then
  echo "page-build: node_modules is missing (npm ci): this build will have no verifier page to publish" >&2
  exit 0
fi
echo "page-build: building the verifier page (ui/dist-verify)" >&2
npx vite build -c vite.verify.config.ts --logLevel warn
