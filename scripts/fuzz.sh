#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that takes outside bytes, with
# AFL++ through cargo-afl (stable Rust; see fuzz/README.md for why).
#
# Usage: bash scripts/fuzz.sh [--execs N] [--seconds T] [TARGET...]
#   --execs N    stop each target after about N executions (default 100000)
#   --seconds T  stop each target after T seconds instead (whichever first)
#   TARGET       some of: import_bytes baked_png baked_svg jws share_link bps1
#                pathway_file verify_offline fetched_docs backup_restore
#                (default: all)
# Environment: FUZZ_TARGET_DIR (build dir, default /var/tmp/target-fuzz),
#   FUZZ_OUT (findings, default /var/tmp/backpack-fuzz), FUZZ_MEM (MB per
#   child, default 1024), FUZZ_TIMEOUT (ms per input, default 2000),
#   FUZZ_NICE (default 10).
# Prints one line per target with its execution count; exits 1 when any
# target saved a crash or a hang (the inputs are listed; replay one with
# `$FUZZ_TARGET_DIR/release/TARGET < FILE`).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

ALL=(import_bytes baked_png baked_svg jws share_link bps1 pathway_file verify_offline fetched_docs backup_restore)
execs=100000
seconds=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --execs) execs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")

export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/var/tmp/target-fuzz}"
out_root="${FUZZ_OUT:-/var/tmp/backpack-fuzz}"
mem="${FUZZ_MEM:-1024}"
timeout_ms="${FUZZ_TIMEOUT:-2000}"
nice_n="${FUZZ_NICE:-10}"

command -v cargo-afl >/dev/null || { echo "cargo-afl is missing: cargo install --locked cargo-afl && cargo afl config --build" >&2; exit 2; }
# `cargo afl config --build` compiles AFL++ from the source bundled in the
# crate (no network); it is a no-op when already built.
cargo afl config --build >/dev/null 2>&1 || true
echo "== fuzz: build (instrumented, release) into $CARGO_TARGET_DIR"
nice -n "$nice_n" cargo afl build --release --locked --bins

afl_bin="$(dirname "$(cargo afl fuzz -h 2>&1 | grep -o '/[^ ]*/afl-fuzz' | head -1)")"
dicts="$afl_bin/../share/afl/dictionaries"
dict_for() {
  case "$1" in
    baked_png) echo "$dicts/png.dict" ;;
    baked_svg) echo "$dicts/svg.dict" ;;
    share_link) echo "$dicts/url.dict" ;;
    backup_restore) echo "" ;;
    *) echo "$dicts/json.dict" ;;
  esac
}

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_QUIET=1
export BACKPACK_FUZZ_TMP="${BACKPACK_FUZZ_TMP:-/dev/shm}"
[ -w "$BACKPACK_FUZZ_TMP" ] || export BACKPACK_FUZZ_TMP=/tmp
failed=0
printf '%-16s %10s %8s %7s %6s %s\n' target execs secs crashes hangs paths
for t in "${targets[@]}"; do
  [ -d "corpus/$t" ] || { echo "no corpus/$t" >&2; exit 2; }
  out="$out_root/$t"
  rm -rf "$out"
  mkdir -p "$out"
  args=(-i "corpus/$t" -o "$out" -m "$mem" -t "$timeout_ms" -E "$execs" -x dict/credential.dict)
  d="$(dict_for "$t")"
  [ -n "$d" ] && [ -f "$d" ] && args+=(-x "$d")
  [ -n "$seconds" ] && args+=(-V "$seconds")
  start=$(date +%s)
  if ! nice -n "$nice_n" cargo afl fuzz "${args[@]}" -- "$CARGO_TARGET_DIR/release/$t" >"$out/afl.log" 2>&1; then
    echo "afl-fuzz failed on $t; the end of $out/afl.log:" >&2
    tail -20 "$out/afl.log" >&2
    exit 2
  fi
  stats="$out/default/fuzzer_stats"
  get() { awk -F': *' -v k="$1" '$1 ~ "^"k" *$" {print $2}' "$stats"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  printf '%-16s %10s %8s %7s %6s %s\n' "$t" "$(get execs_done)" "$(( $(date +%s) - start ))" "$crashes" "$hangs" "$(get corpus_count)"
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    failed=1
    { ls "$out"/default/crashes/id:* "$out"/default/hangs/id:* 2>/dev/null || true; } | sed 's/^/  finding: /'
  fi
done
if [ "$failed" != 0 ]; then
  echo "== fuzz: FOUND crashes or hangs (replay: $CARGO_TARGET_DIR/release/TARGET < FILE)" >&2
  exit 1
fi
echo "== fuzz: no crashes, no hangs"
