#!/usr/bin/env bash
# Runs `swift run leadlight serve` in an empty folder, as the README tells a newcomer to,
# then pastes the curl line it prints and expects 200. Only touches 127.0.0.1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
out="$work/serve.out"
cd "$work"
LEADLIGHT_PORT="${LEADLIGHT_SMOKE_PORT:-18931}" swift run --package-path "$repo" leadlight serve >"$out" 2>"$work/serve.err" &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
    grep -q '^│ curl ' "$out" 2>/dev/null && break
    sleep 1
done
cat "$out"
[ -f "$work/leadlight.sqlite" ] || { echo "no leadlight.sqlite was created"; cat "$work/serve.err"; exit 1; }
curl_line=$(grep '^│ curl ' "$out" | sed 's/^│ //')
[ -n "$curl_line" ] || { echo "no curl line was printed"; cat "$work/serve.err"; exit 1; }
code=$(sh -c "$curl_line -s -o /dev/null -w '%{http_code}'")
echo "the printed curl line answered $code"
[ "$code" = "200" ]
