#!/usr/bin/env bash
# Issue 4's benchmark: wrk against a release `leadlight serve` (POST /api/v1/leads, GET /api/v1/leads?limit=50
# with 10,000 leads stored) on SQLite and PostgreSQL, and a bare Hummingbird route with a fixed 50-lead body
# measured in the same run. Prints a Markdown report. Only touches 127.0.0.1.
#   scripts/bench-leads.sh [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
swift build -c release --scratch-path .build-release --product leadlight >&2
swift build -c release --scratch-path .build-release --product leadlight-bench >&2
export LEADLIGHT_PG_DIR="/tmp/leadlight-bench-pg-$$" LEADLIGHT_PG_PORT="${LEADLIGHT_PG_PORT:-55434}"
pg_url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
.build-release/release/leadlight-bench leads --postgres-url "$pg_url" "$@"
