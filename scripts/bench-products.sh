#!/usr/bin/env bash
# Issue 3's benchmark: 1,000-row batches pushed over HTTP to a release `leadlight serve`, on SQLite and on
# PostgreSQL, against a direct-driver ceiling measured in the same run. Prints a Markdown report
# (copy it into docs/BENCHMARKS.md). Only touches 127.0.0.1.
#   scripts/bench-products.sh [--batches 10] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/bench-run.sh products "$@"
