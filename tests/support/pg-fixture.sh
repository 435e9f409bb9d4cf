#!/bin/sh
# A throwaway PostgreSQL cluster for the team-mode tests (a ctest fixture):
#   pg-fixture.sh start DIR   initdb + start on a free 127.0.0.1 port; writes DIR/url
#   pg-fixture.sh stop DIR    stops the cluster and removes its files
# Without PostgreSQL's server binaries it writes no url, and the tests that
# need it skip (exit 77). As root, the server runs as the postgres user.
set -eu
action=$1
dir=$2
mkdir -p "$dir"

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && bindir=$candidate
done

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_cluster() {
    if [ -f "$dir/cluster" ]; then
        cluster=$(cat "$dir/cluster")
        if [ -n "$bindir" ] && [ -d "$cluster/data" ]; then
            as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
        fi
        rm -rf "$cluster"
        rm -f "$dir/cluster"
    fi
    rm -f "$dir/url"
}

case "$action" in
start)
    stop_cluster
    if [ -z "$bindir" ]; then
        echo "pg-fixture: no PostgreSQL server binaries under /usr/lib/postgresql; PG tests will skip"
        exit 0
    fi
    cluster=$(mktemp -d /tmp/vouch-pg.XXXXXX)
    echo "$cluster" > "$dir/cluster"
    mkdir -p "$cluster/sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$cluster"
    fi
    chmod 700 "$cluster"
    as_owner "$bindir/initdb" -D "$cluster/data" -U vouch_admin --auth=trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log"; exit 1; }
    # A free port: the first in a pseudo-random walk the server starts on.
    port=$(( 20000 + $$ % 20000 ))
    tries=0
    while :; do
        if as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 120 \
            -o "-p $port -k $cluster/sock -c listen_addresses=127.0.0.1 -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if [ $tries -ge 20 ]; then
            echo "pg-fixture: the server did not start:"; cat "$cluster/server.log"; exit 1
        fi
        port=$(( 20000 + (port * 7 + 13) % 20000 ))
    done
    i=0
    until "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -t 5 >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -ge 60 ] && { echo "pg-fixture: not ready"; cat "$cluster/server.log"; exit 1; }
        sleep 1
    done
    echo "postgres://vouch_admin@127.0.0.1:$port/postgres" > "$dir/url"
    echo "pg-fixture: PostgreSQL $(basename "$(dirname "$bindir")") on 127.0.0.1:$port ($cluster)"
    ;;
stop)
    stop_cluster
    ;;
*)
    echo "usage: pg-fixture.sh start|stop DIR" >&2
    exit 2
    ;;
esac
