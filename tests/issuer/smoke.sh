#!/usr/bin/env bash
#! The test issuer's smoke check: the issuer starts and answers as the wallet's
#! tests expect (curl), its self-test plays the wallet through every profile's
#! happy path, and every credential it issued gets the expected verdict from
#! the wallet's own command line (`backpack verify --json --offline`).
#!
#! Usage: tests/issuer/smoke.sh   (CARGO_TARGET_DIR is honoured; builds only
#! the example and the backpack binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
cargo build -q --example test-issuer --bin backpack
issuer=$target/debug/examples/test-issuer
backpack=$target/debug/backpack
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL  $*"; exit 1; }

# 1. The server: the listening line, metadata where 1.0 puts it, the log.
"$issuer" > "$work/stdout" 2> "$work/stderr" &
pid=$!
for _ in $(seq 50); do [ -s "$work/stdout" ] && break; sleep 0.1; done
line=$(head -1 "$work/stdout")
[[ $line =~ ^listening\ (http://127\.0\.0\.1:[0-9]+)$ ]] || fail "first line: '$line'"
base=${BASH_REMATCH[1]}
echo "ok    $line"
md=$(curl -sf "$base/.well-known/openid-credential-issuer/plain")
[ "$(jq -r .credential_issuer <<<"$md")" = "$base/plain" ] || fail "plain metadata: $md"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/plain/.well-known/openid-credential-issuer")" = 404 ] || fail "1.0 metadata at the appended location"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/.well-known/openid-credential-issuer/d13")" = 404 ] || fail "Draft 13 metadata at the inserted location"
[ "$(jq -r .credential_issuer <<<"$(curl -sf "$base/.well-known/openid-credential-issuer/slash")")" = "$base/slash/" ] || fail "slash metadata"
offer=$(curl -sf "$base/pin/offer")
code=$(jq -r '.offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]' <<<"$offer")
tok() { curl -s -w ' %{http_code}' "$base/pin/token" --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code' --data-urlencode "pre-authorized_code=$code" "$@"; }
[[ $(tok --data-urlencode tx_code=111111) == *'"invalid_grant"'*' 400' ]] || fail "wrong PIN"
[[ $(tok --data-urlencode tx_code=493536) == *'"access_token"'*' 200' ]] || fail "right PIN after a wrong one"
[[ $(tok --data-urlencode tx_code=493536) == *'"invalid_grant"'*' 400' ]] || fail "code used twice"
curl -sf "$base/_log" | jq -e 'map(select(.path == "/pin/token")) | length == 3' > /dev/null || fail "the log"
curl -sf -X DELETE "$base/_log" && curl -sf "$base/_log" | jq -e 'length == 0' > /dev/null || fail "clearing the log"
echo "ok    curl checks"
kill "$pid"; pid=

# 2. The self-test: every flow, credentials written to $work/out.
"$issuer" --self-test "$work/out" | tail -n +2

# 3. The wallet's own verifier, offline.
export BACKPACK_DATA_DIR=$work/data BACKPACK_KEYRING=off
while read -r file expected; do
  verdict=$("$backpack" verify --json --offline "$work/out/$file" | jq -r .verdict) || true
  [ "$verdict" = "$expected" ] || fail "backpack verify $file: $verdict, expected $expected"
  echo "ok    backpack verify $file: $verdict"
done < "$work/out/expected.txt"
echo "smoke check passed"
