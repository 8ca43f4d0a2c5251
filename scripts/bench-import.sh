#!/usr/bin/env bash
# Issue 12's benchmark: a 100,000-row offerings CSV through POST /api/v1/products/import on a release
# `leadlight serve`, beside the same rows pushed in 1,000-row batches (the baseline) in the same run, an unchanged
# re-import, and a 1,000,000-row file; the server's peak resident memory for each. SQLite, then PostgreSQL.
# Prints a Markdown report (copy it into docs/BENCHMARKS.md). Only touches 127.0.0.1.
#   scripts/bench-import.sh [--rows 100000] [--big-rows 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/bench-run.sh import "$@"
