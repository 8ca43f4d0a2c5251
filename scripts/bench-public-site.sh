#!/usr/bin/env bash
# Issue 11's benchmark: wrk against a release `leadlight serve` on SQLite: the public site's pages and the
# contact form POST beside GET /api/v1/listings in the same run, then inbound emails read and stored in process.
# Prints a Markdown report. Only touches 127.0.0.1.
#   scripts/bench-public-site.sh [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
exec scripts/bench-run.sh public-site "$@"
