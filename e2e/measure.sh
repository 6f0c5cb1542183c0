#!/usr/bin/env bash
# Measure the release app with 10,000 credentials: cold start to the first
# screen, resident memory (the app and its WebKit processes), search latency
# (e2e/perf.e2e.ts through WebDriver), and the .deb size if one was built.
# Needs: npx tauri build --no-bundle (release app), cargo build --bin backpack.
# Usage: bash e2e/measure.sh     (results in e2e/logs/measure.txt)
#   MEASURE_RUNS=N    launches to time (default 4); MEASURE_COUNT=N credentials (10000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/backpack-target}"
APP="${TAURI_APP:-$CARGO_TARGET_DIR/release/backpack-app}"
CLI="$CARGO_TARGET_DIR/debug/backpack"
DIR="${MEASURE_DIR:-/var/tmp/backpack-measure-10k}"
N="${MEASURE_COUNT:-10000}"
RUNS="${MEASURE_RUNS:-4}"
OUT=e2e/logs/measure.txt

if [ -z "${MEASURE_INNER:-}" ]; then
  [ -x "$APP" ] || { echo "measure: $APP missing (npx tauri build --no-bundle)" >&2; exit 2; }
  [ -x "$CLI" ] || { echo "measure: $CLI missing (cargo build --bin backpack)" >&2; exit 2; }
  mkdir -p e2e/logs
  export BACKPACK_KEYRING_HOME="$DIR.keyring"
  MEASURE_INNER=1 exec scripts/with-keyring.sh bash "$0" "$@"
fi

export BACKPACK_DATA_DIR="$DIR" BACKPACK_CONFIG_DIR="$DIR.config" LANG=en_US.UTF-8
if [ "$("$CLI" info --json 2>/dev/null | sed -nE 's/.*"credentials":([0-9]+).*/\1/p')" != "$N" ]; then
  rm -rf "$DIR"
  echo "measure: making a backpack of $N sample credentials (OB 3.0 ones signed)"
  t0=$(date +%s); "$CLI" sample --load --count "$N" >/dev/null; echo "measure: made in $(( $(date +%s) - t0 )) s"
fi
echo "credentials: $("$CLI" info --json | sed -nE 's/.*"credentials":([0-9]+).*/\1/p')" | tee "$OUT"

DISPLAY_FILE=$(mktemp)
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$DISPLAY_FILE" 2>/dev/null &
XVFB_PID=$!
APP_PID=""
trap 'kill $APP_PID $XVFB_PID 2>/dev/null; wait 2>/dev/null; rm -f "$DISPLAY_FILE"; true' EXIT
for _ in $(seq 100); do [ -s "$DISPLAY_FILE" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$DISPLAY_FILE")"

tree_mem() {  # memory of a process and all its descendants (the WebKit processes), in kB:
  # RSS (shared library pages counted once per process), PSS (shared pages split
  # between the processes that map them) and private (anonymous) memory.
  local pids=("$1") all=() p
  while [ ${#pids[@]} -gt 0 ]; do
    p=${pids[0]}; pids=("${pids[@]:1}"); all+=("$p")
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do pids+=("$c"); done
  done
  local rss=0 pss=0 anon=0 r
  for p in "${all[@]}"; do
    r=$(awk '/^VmRSS/{print $2}' /proc/"$p"/status 2>/dev/null); rss=$((rss + ${r:-0}))
    r=$(awk '/^RssAnon/{print $2}' /proc/"$p"/status 2>/dev/null); anon=$((anon + ${r:-0}))
    r=$(awk '/^Pss:/{print $2}' /proc/"$p"/smaps_rollup 2>/dev/null); pss=$((pss + ${r:-0}))
  done
  echo "$rss $pss $anon $(for p in "${all[@]}"; do printf '%s ' "$(cat /proc/"$p"/comm 2>/dev/null)"; done)"
}

for run in $(seq "$RUNS"); do
  LOG=$(mktemp)
  t0=$(date +%s%3N)
  BACKPACK_TIMING=1 "$APP" 2>"$LOG" &
  APP_PID=$!
  for _ in $(seq 600); do grep -q "first-screen" "$LOG" && break; sleep 0.02; done
  line=$(grep "first-screen" "$LOG" || echo "")
  end=$(echo "$line" | sed -nE 's/.*epoch_ms=([0-9]+).*/\1/p')
  main_ms=$(echo "$line" | sed -nE 's/.*ms_since_main=([0-9]+).*/\1/p')
  cards=$(echo "$line" | sed -nE 's/.*cards=([0-9]+).*/\1/p')
  sleep 3
  read -r rss pss anon procs <<<"$(tree_mem "$APP_PID")"
  steps=$(grep -oE "backpack-timing (store-open|setup|page-load-started|page-load-finished|search) [0-9.]+ ms|page_ms\[[^]]*\]" "$LOG" | sed 's/backpack-timing //' | tr '\n' ' ')
  echo "run $run: first screen ${end:+$((end - t0))} ms after exec (${main_ms} ms after main), ${cards} cards painted; memory RSS $((rss / 1024)) MB, PSS $((pss / 1024)) MB, private $((anon / 1024)) MB [$procs]; $steps" | tee -a "$OUT"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
  rm -f "$LOG"
done
kill "$XVFB_PID" 2>/dev/null; wait "$XVFB_PID" 2>/dev/null || true

echo "search (WebDriver, real app):" | tee -a "$OUT"
E2E_PERF=1 E2E_INNER=1 TAURI_APP="$APP" bash scripts/e2e.sh --spec e2e/perf.e2e.ts 2>&1 | grep -E "search latency|IPC round trip|passing|failing|✓|✖" | tee -a "$OUT" || true

deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] && echo ".deb: $deb $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1))" | tee -a "$OUT"
exit 0
