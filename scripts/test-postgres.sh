#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the test suite.
#   scripts/test-postgres.sh start   installs Debian's postgresql if missing, starts a cluster, prints its URL
#   scripts/test-postgres.sh stop    stops the cluster and removes its files
#   scripts/test-postgres.sh pause   stops the server, keeping the cluster (the fault tests: PostgreSQL down)
#   scripts/test-postgres.sh resume  starts it again
# Runs as root (CI) or as any user; the cluster's files live under $LEADLIGHT_PG_DIR (default /tmp/leadlight-pg).
set -euo pipefail
dir="${LEADLIGHT_PG_DIR:-/tmp/leadlight-pg}"
port="${LEADLIGHT_PG_PORT:-55432}"

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

as_owner() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

run_server() {
    as_owner "$1/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
}

case "${1:-}" in
start)
    if [ -z "$(bindir)" ]; then
        echo "Installing PostgreSQL (Debian's postgresql package)..." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    bin=$(bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    run_server "$bin"
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    bin=$(bindir)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
pause)
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    ;;
resume)
    run_server "$(bindir)"
    ;;
*)
    echo "usage: $0 start|stop|pause|resume" >&2
    exit 2
    ;;
esac
