#!/usr/bin/env bash
# Issue 5's benchmark: 10,000 queued events delivered by a release `leadlight worker` to a local receiver that
# answers 200 at once, on SQLite and PostgreSQL, against a bare HTTP client loop measured in the same run; and
# the time from a lead's commit to its delivery's arrival on an idle queue. Prints a Markdown report.
# Only touches 127.0.0.1.
#   scripts/bench-webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/bench-run.sh webhooks "$@"
