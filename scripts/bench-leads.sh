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
exec scripts/bench-run.sh leads "$@"
