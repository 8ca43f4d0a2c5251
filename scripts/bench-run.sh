#!/usr/bin/env bash
# What every benchmark script shares: release builds in .build-release, a throwaway PostgreSQL on 127.0.0.1
# (stopped on exit), the machine on stderr, then `leadlight-bench SUBCOMMAND --postgres-url … [args]`.
#   scripts/bench-run.sh products|leads|webhooks [args]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-release --product leadlight >&2
swift build -c release --scratch-path .build-release --product leadlight-bench >&2
export LEADLIGHT_PG_DIR="/tmp/leadlight-bench-pg-$$" LEADLIGHT_PG_PORT="${LEADLIGHT_PG_PORT:-55434}"
pg_url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d)" >&2
subcommand=$1
shift
.build-release/release/leadlight-bench "$subcommand" --postgres-url "$pg_url" "$@"
