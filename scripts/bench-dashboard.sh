#!/usr/bin/env bash
# Issue 10's benchmark: wrk against a release `leadlight serve` on SQLite with 10,000 leads and 2,000 clients,
# signed in with a session cookie: the leads inbox, the pipeline board and the overview, beside
# GET /api/v1/leads?limit=50 in the same run. Prints a Markdown report. Only touches 127.0.0.1.
#   scripts/bench-dashboard.sh [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
exec scripts/bench-run.sh dashboard "$@"
