#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI) against a real `leadlight serve` on 127.0.0.1, driven by the server's
# own /api/v1/openapi.json, with a real API key. Every check must pass, no warning that the document and the
# validation disagree may be left (scripts/contract-fuzz.toml), and the server must still answer /healthz
# afterwards. `.ci/run` runs it; run it alone after `swift build` with
#   scripts/contract-fuzz.sh [--max-examples N]     (LEADLIGHT_CONTRACT_SEED=N for another seed,
#                                                    LEADLIGHT_CONTRACT_REPORT=DIR to keep HAR and NDJSON reports)
# Only touches 127.0.0.1; stops only the server it started.
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
# Webhook URLs are checked for shape only and nothing is delivered: the generated endpoints name hosts anywhere,
# and this run touches 127.0.0.1 alone (the address checks and deliveries have their own tests).
LEADLIGHT_PORT=$port LEADLIGHT_RATE_LIMIT=10000000 LEADLIGHT_BCRYPT_COST=4 \
    LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE=1 LEADLIGHT_WEBHOOKS_WORKER=0 \
    "$binary" serve >"$work/serve.out" 2>"$work/serve.err" &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 60); do
    grep -q '^│ API key' "$work/serve.out" 2>/dev/null && break
    sleep 1
done
key=$(grep '^│ API key' "$work/serve.out" | awk '{print $4}')
[ -n "$key" ] || { echo "the server printed no API key"; cat "$work/serve.out" "$work/serve.err"; exit 1; }

# Data the generated requests cannot make up: a showing needs a client and a listing of the workspace at once,
# a lead converts only once, and a delivery to redeliver exists only after a test event. Made here, handed to schemathesis as the values of those parameters.
api() {
    curl -fsS -X "$1" "http://127.0.0.1:$port/api/v1$2" -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' ${3:+-d "$3"}
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
client_id=$(api POST /clients '{"name": "Contract Client", "email": "contract@example.com"}' | field clientId)
listing_id=$(api POST /listings '{"address": "1 Contract Way", "price": 100000}' | field listingId)
endpoint_id=$(api POST /webhooks '{"url": "http://127.0.0.1:9/contract", "events": ["*"]}' | field id)
delivery_id=$(api POST "/webhooks/$endpoint_id/test" | field deliveryId)
# a lead converts once: enough fresh ones with an email for every phase to convert one
lead_ids=$(for n in $(seq 1 40); do
    printf '"%s",' "$(api POST /leads "{\"name\": \"Lead $n\", \"email\": \"lead$n@example.com\"}" | field leadId)"
done)
showing_id=$(api POST /showings "{\"clientId\": \"$client_id\", \"listingId\": \"$listing_id\"}" | field showingId)
# a key the run may revoke: stateful testing finds the keys through GET /api-keys and revokes them, its own too,
# after which every request answers 401 (correctly, and nothing more is tested)
spare_key_id=$(api POST /api-keys '{"name": "Contract spare"}' | field id)
config="$work/schemathesis.toml"
cat "$repo/scripts/contract-fuzz.toml" - >"$config" <<TOML

[[operations]]
include-operation-id = "requestShowing"
parameters = { "body.clientId" = "$client_id", "body.listingId" = "$listing_id" }
# (the document's example names ids of no workspace here, and the examples and coverage phases build their
# bodies from it without these parameters; fuzzing and stateful testing use them)
phases.examples.enabled = false
phases.coverage.enabled = false

[dictionaries.leads]
values = [${lead_ids%,}]

[[operations]]
include-operation-id = "convertLead"
parameters = { "id" = { dictionary = "leads", probability = 0.9 } }

[[operations]]
include-operation-id = "updateShowing"
parameters = { "id" = "$showing_id" }

[[operations]]
include-operation-id = "revokeAPIKey"
parameters = { "id" = "$spare_key_id" }

[[operations]]
include-operation-id = "redeliverWebhook"
parameters = { "id" = "$endpoint_id", "deliveryId" = "$delivery_id" }
TOML

status=0
st --config-file "$config" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$max_examples" --seed "${LEADLIGHT_CONTRACT_SEED:-1202}" --workers 1 \
    --request-timeout 20 --suppress-health-check all --no-color ${LEADLIGHT_CONTRACT_REPORT:+--report har,ndjson --report-dir "$LEADLIGHT_CONTRACT_REPORT"} || status=$?

if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null; then
    echo "the server no longer answers /healthz after the run"
    tail -n 50 "$work/serve.err"
    exit 1
fi
kill -0 "$server" 2>/dev/null || { echo "the server died"; tail -n 50 "$work/serve.err"; exit 1; }
echo "the server still answers /healthz"
exit $status
