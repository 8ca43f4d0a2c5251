#!/usr/bin/env bash
# Issue 13's benchmark: wrk against a release `leadlight serve` on SQLite: MCP tools/call of search_leads
# beside GET /api/v1/leads?limit=20 in the same run, at 1 and 8 connections.
# Prints a Markdown report. Only touches 127.0.0.1.
#   scripts/bench-mcp.sh [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
exec scripts/bench-run.sh mcp "$@"
