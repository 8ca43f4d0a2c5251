#!/usr/bin/env bash
# Issue 3's benchmark: 1,000-row batches pushed over HTTP to a release `leadlight serve`, on SQLite and on
# PostgreSQL, against a direct-driver ceiling measured in the same run. Prints a Markdown report
# (copy it into docs/BENCHMARKS.md). Only touches 127.0.0.1.
#   scripts/bench-products.sh [--batches 10] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-release --product leadlight >&2
swift build -c release --scratch-path .build-release --product leadlight-bench >&2
export LEADLIGHT_PG_DIR="/tmp/leadlight-bench-pg-$$" LEADLIGHT_PG_PORT="${LEADLIGHT_PG_PORT:-55434}"
pg_url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d)" >&2
.build-release/release/leadlight-bench products --postgres-url "$pg_url" "$@"
