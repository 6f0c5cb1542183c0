#!/usr/bin/env bash
# Run a long, otherwise silent build step: its output goes to a log, a line every
# 30 s says it is still going (seconds so far, crates compiled, the one now), and
# on failure the log's last 40 lines are shown. The exit status is the command's.
# Usage: bash scripts/progress.sh LABEL -- COMMAND [ARGS...]
set -uo pipefail
label=$1; shift
[ "${1:-}" = -- ] && shift
log=$(mktemp /tmp/backpack-progress.XXXXXX)
t0=$(date +%s)
"$@" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$log"; exit 130' INT TERM
while kill -0 "$pid" 2>/dev/null; do
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null || break
  n=$(grep -cE '^ *Compiling ' "$log")
  now=$(grep -E '^ *Compiling ' "$log" | tail -n1 | awk '{print $2}')
  echo "$label: $(( $(date +%s) - t0 )) s, $n crates compiled${now:+, now $now}" >&2
done
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || tail -n 40 "$log" >&2
rm -f "$log"
exit "$rc"
