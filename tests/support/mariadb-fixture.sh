#!/bin/sh
# A throwaway MariaDB server for the MySQL/MariaDB warehouse tests (a ctest
# fixture), never the system's own service:
#   mariadb-fixture.sh start DIR   mariadb-install-db into a temporary directory,
#                                  mariadbd on a unix socket and a free 127.0.0.1
#                                  port; writes DIR/server (host port socket)
#   mariadb-fixture.sh stop DIR    stops the server and removes its files
# The admin user is vouch_admin (no password, every privilege); the tests
# make their own users and databases. Without the server binaries it writes
# nothing, and the tests that need it skip (exit 77). As root, the server
# runs as the mysql user.
set -eu
action=$1
dir=$2
mkdir -p "$dir"

server=""
for candidate in /usr/sbin/mariadbd /usr/sbin/mysqld; do
    [ -x "$candidate" ] && { server=$candidate; break; }
done
installdb=$(command -v mariadb-install-db || command -v mysql_install_db || true)
admin=$(command -v mariadb-admin || command -v mysqladmin || true)
client=$(command -v mariadb || command -v mysql || true)

stop_server() {
    if [ -f "$dir/instance" ]; then
        instance=$(cat "$dir/instance")
        if [ -n "$admin" ] && [ -S "$instance/mysqld.sock" ]; then
            "$admin" --no-defaults --socket="$instance/mysqld.sock" -u root shutdown \
                >/dev/null 2>&1 || true
        fi
        if [ -f "$instance/mysqld.pid" ]; then
            pid=$(cat "$instance/mysqld.pid")
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -rf "$instance"
        rm -f "$dir/instance"
    fi
    rm -f "$dir/server"
}

case "$action" in
start)
    stop_server
    if [ -z "$server" ] || [ -z "$installdb" ] || [ -z "$admin" ] || [ -z "$client" ]; then
        echo "mariadb-fixture: no MariaDB server binaries (mariadb-server); MySQL tests will skip"
        exit 0
    fi
    instance=$(mktemp -d /tmp/vouch-mariadb.XXXXXX)
    echo "$instance" > "$dir/instance"
    user_opt=""
    if [ "$(id -u)" = 0 ]; then
        chown mysql:mysql "$instance"
        user_opt="--user=mysql"
    fi
    chmod 755 "$instance"
    "$installdb" --no-defaults $user_opt --datadir="$instance/data" --skip-test-db \
        --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 || {
        cat "$dir/install.log"; exit 1; }
    port=$(( 40000 + $$ % 20000 ))
    tries=0
    while :; do
        rm -f "$instance/mysqld.pid"
        setsid "$server" --no-defaults $user_opt --datadir="$instance/data" \
            --socket="$instance/mysqld.sock" --pid-file="$instance/mysqld.pid" \
            --port="$port" --bind-address=127.0.0.1 --log-error="$instance/error.log" \
            --skip-log-bin --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
            --innodb-flush-log-at-trx-commit=0 --max-connections=200 \
            </dev/null >/dev/null 2>&1 &
        i=0
        while [ $i -lt 60 ]; do
            if "$admin" --no-defaults --socket="$instance/mysqld.sock" -u root ping \
                >/dev/null 2>&1; then
                break 2
            fi
            kill -0 $! 2>/dev/null || break
            sleep 1
            i=$((i + 1))
        done
        kill $! 2>/dev/null || true
        tries=$((tries + 1))
        if [ $tries -ge 10 ]; then
            echo "mariadb-fixture: the server did not start:"; cat "$instance/error.log"; exit 1
        fi
        port=$(( 40000 + (port * 7 + 13) % 20000 ))
    done
    "$client" --no-defaults --socket="$instance/mysqld.sock" -u root -e "
        CREATE USER 'vouch_admin'@'%';
        CREATE USER 'vouch_admin'@'localhost';
        GRANT ALL PRIVILEGES ON *.* TO 'vouch_admin'@'%' WITH GRANT OPTION;
        GRANT ALL PRIVILEGES ON *.* TO 'vouch_admin'@'localhost' WITH GRANT OPTION;" || {
        cat "$instance/error.log"; exit 1; }
    echo "127.0.0.1 $port $instance/mysqld.sock" > "$dir/server"
    echo "mariadb-fixture: $("$server" --version | cut -c1-60) on 127.0.0.1:$port ($instance)"
    ;;
stop)
    stop_server
    ;;
*)
    echo "usage: mariadb-fixture.sh start|stop DIR" >&2
    exit 2
    ;;
esac
