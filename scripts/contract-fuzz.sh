#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI) against a real `leadlight serve` on 127.0.0.1, driven by the server's
# own /api/v1/openapi.json, with a real API key. Every check must pass and the server must still answer
# /healthz afterwards. `.ci/run` runs it; run it alone with scripts/contract-fuzz.sh [--max-examples N] after
# `swift build`. Only touches 127.0.0.1; stops only the server it started.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
max_examples=40
[ "${1:-}" = "--max-examples" ] && max_examples=$2
command -v st >/dev/null || { echo "schemathesis is not installed: python3 -m pip install schemathesis"; exit 1; }
binary="$repo/.build/debug/leadlight"
[ -x "$binary" ] || { echo "build first: swift build"; exit 1; }

work=$(mktemp -d)
port=${LEADLIGHT_CONTRACT_PORT:-18932}
cd "$work"
# A generous rate limit: schemathesis sends thousands of requests; 429 itself is documented and tested elsewhere.
LEADLIGHT_PORT=$port LEADLIGHT_RATE_LIMIT=10000000 LEADLIGHT_BCRYPT_COST=4 "$binary" serve >"$work/serve.out" \
    2>"$work/serve.err" &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 60); do
    grep -q '^│ API key' "$work/serve.out" 2>/dev/null && break
    sleep 1
done
key=$(grep '^│ API key' "$work/serve.out" | awk '{print $4}')
[ -n "$key" ] || { echo "the server printed no API key"; cat "$work/serve.out" "$work/serve.err"; exit 1; }

status=0
st run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$max_examples" --seed "${LEADLIGHT_CONTRACT_SEED:-1202}" --workers 1 \
    --request-timeout 20 --suppress-health-check all --no-color || status=$?

if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null; then
    echo "the server no longer answers /healthz after the run"
    tail -n 50 "$work/serve.err"
    exit 1
fi
kill -0 "$server" 2>/dev/null || { echo "the server died"; tail -n 50 "$work/serve.err"; exit 1; }
echo "the server still answers /healthz"
exit $status
