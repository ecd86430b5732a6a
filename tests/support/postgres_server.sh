#!/usr/bin/env bash
# Starts or stops a private PostgreSQL server for the study-storage tests.
#
#   postgres_server.sh start DIR PORT   # initdb DIR/data, listen on 127.0.0.1:PORT, create
#                                       # user and database 'galaxyzoo' (password 'galaxyzoo')
#   postgres_server.sh stop DIR PORT    # stop it and delete DIR/data
#
# ctest runs it as the fixture around the PostgreSQL tests (tests/CMakeLists.txt). The
# server binaries are found on PATH (initdb, pg_ctl) or in Debian's
# /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root: as root the
# server runs as the 'postgres' user (Debian's package creates it). Durability is off
# (fsync=off): the cluster is thrown away after the tests.
set -euo pipefail

action=${1:?usage: postgres_server.sh start|stop DIR PORT}
dir=${2:?usage: postgres_server.sh start|stop DIR PORT}
port=${3:?usage: postgres_server.sh start|stop DIR PORT}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# The cluster lives in DIR/data, or where DIR/data_path says (see start).
data="$dir/data"
if [ -f "$dir/data_path" ]; then
  data=$(cat "$dir/data_path")
fi

bin=""
if ! command -v pg_ctl >/dev/null 2>&1; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    echo "postgres_server.sh: no PostgreSQL server found (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  bin="$bin/"
fi

# Runs a server command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "${bin}pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
  fi
}

case "$action" in
  start)
    stop  # a server left over by an interrupted run
    rm -rf "$data"
    rm -f "$dir/data_path"
    home="$dir"
    if [ "$(id -u)" -eq 0 ]; then
      if ! id postgres >/dev/null 2>&1; then
        echo "postgres_server.sh: running as root, but there is no 'postgres' user to run the server as" >&2
        exit 1
      fi
      chown postgres "$dir"
      # A build folder the postgres user cannot reach (e.g. under /root): use /tmp.
      if ! runuser -u postgres -- test -w "$dir"; then
        home=$(mktemp -d /tmp/galaxyzoo-postgres.XXXXXX)
        chown postgres "$home"
        chmod 755 "$home"
        printf '%s\n' "$home/data" >"$dir/data_path"
      fi
    fi
    data="$home/data"
    printf 'galaxyzoo\n' >"$home/password"
    chmod 644 "$home/password"
    as_owner "${bin}initdb" -D "$data" -U galaxyzoo --pwfile="$home/password" -A scram-sha-256 \
      --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$home'
max_connections = 40
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    if ! as_owner "${bin}pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 start >/dev/null; then
      echo "postgres_server.sh: the server did not start on 127.0.0.1:$port (is the port taken? set" \
           "GALAXYZOO_TEST_POSTGRES_PORT); its log:" >&2
      cat "$home/server.log" >&2
      exit 1
    fi
    PGPASSWORD=galaxyzoo "${bin}createdb" -h 127.0.0.1 -p "$port" -U galaxyzoo galaxyzoo
    echo "postgres_server.sh: PostgreSQL on postgresql://galaxyzoo@127.0.0.1:$port/galaxyzoo (data in $data)"
    ;;
  stop)
    stop
    rm -rf "$data"
    if [ -f "$dir/data_path" ]; then
      cp "$(dirname "$data")/server.log" "$dir/server.log" 2>/dev/null || true
      rm -rf "$(dirname "$data")"
      rm -f "$dir/data_path"
    fi
    echo "postgres_server.sh: stopped the server on port $port"
    ;;
  *)
    echo "usage: postgres_server.sh start|stop DIR PORT" >&2
    exit 2
    ;;
esac
