#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the storage tests and exports
# POSTCHECK_TEST_POSTGRES_URL. Sourced by .ci/run; safe to source by hand too (then stop it with
# `pg_stop_test_server`, or it stops when the shell exits).
_pc_pg_start() {
  local pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ]; then
    echo "PostgreSQL is not installed (apt-get install postgresql): storage tests cannot run on it" >&2
    return 0
  fi
  PC_PG_BIN=$pg_bin
  PC_PG_DIR=$(mktemp -d /tmp/postcheck-pg.XXXXXX)
  local port=${POSTCHECK_TEST_PG_PORT:-}
  if [ -z "$port" ]; then  # the first free port from 55432: another checkout may have a server running
    for port in $(seq 55432 55532); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break; done
  fi
  # initdb refuses to run as root: as root, run the server as the postgres user that Debian's package creates.
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PC_PG_DIR"
    PC_PG_AS=(runuser -u postgres --)
  else
    PC_PG_AS=()
  fi
  "${PC_PG_AS[@]}" "$pg_bin/initdb" -D "$PC_PG_DIR/data" -A trust -U postgres >/dev/null || return 1
  "${PC_PG_AS[@]}" "$pg_bin/pg_ctl" -D "$PC_PG_DIR/data" -l "$PC_PG_DIR/log" -w \
    -o "-p $port -k $PC_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || {
      echo "PostgreSQL did not start; its log:" >&2; cat "$PC_PG_DIR/log" >&2; return 1; }
  export POSTCHECK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL for the storage tests at 127.0.0.1:$port"
}

pg_stop_test_server() {
  [ -n "${PC_PG_DIR:-}" ] || return 0
  "${PC_PG_AS[@]}" "$PC_PG_BIN/pg_ctl" -D "$PC_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PC_PG_DIR"
  unset PC_PG_DIR POSTCHECK_TEST_POSTGRES_URL
}

_pc_pg_start
trap pg_stop_test_server EXIT
