#!/usr/bin/env bash
# Issue 5's benchmark: 10,000 queued events delivered by a release `leadlight worker` to a local receiver that
# answers 200 at once, on SQLite and PostgreSQL, against a bare HTTP client loop measured in the same run; and
# the time from a lead's commit to its delivery's arrival on an idle queue. Prints a Markdown report.
# Only touches 127.0.0.1.
#   scripts/bench-webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-release --product leadlight >&2
swift build -c release --scratch-path .build-release --product leadlight-bench >&2
export LEADLIGHT_PG_DIR="/tmp/leadlight-bench-pg-$$" LEADLIGHT_PG_PORT="${LEADLIGHT_PG_PORT:-55434}"
pg_url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d)" >&2
.build-release/release/leadlight-bench webhooks --postgres-url "$pg_url" "$@"
