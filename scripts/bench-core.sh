#!/usr/bin/env bash
# Issue 15's benchmark: the core paths (lead creates at 8 and 32 connections, an uncached list of 50 of 10,000
# and the dashboard pages reading the same way, 1,000-row bulk upserts) on SQLite and PostgreSQL, each beside the
# limit measured in the same run (a bare Hummingbird route; Python's sqlite3; PostgresNIO), the ratios, the
# targets and the server's peak memory. Prints a Markdown report. Only touches 127.0.0.1.
#   scripts/bench-core.sh [--seconds 6] [--batches 10]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
exec scripts/bench-run.sh core "$@"
