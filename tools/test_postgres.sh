#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the storage tests, so that `make test` skips nothing.
#
#   tools/test_postgres.sh COMMAND...   run COMMAND with POSTCHECK_TEST_POSTGRES_URL set, then stop the server
#   source tools/test_postgres.sh       start one for this shell (stop it with pg_stop_test_server, or exit)
#
# An existing POSTCHECK_TEST_POSTGRES_URL is used as it is. Where no server can be started (PostgreSQL's
# programs are not installed, or root has no postgres user to run it as), POSTCHECK_TEST_POSTGRES_MISSING
# says why: the storage tests then skip with that reason and how to un-skip them (and fail under CI).
_pc_pg_start() {
  if [ -n "${POSTCHECK_TEST_POSTGRES_URL:-}" ]; then
    echo "== PostgreSQL for the storage tests: POSTCHECK_TEST_POSTGRES_URL as given"
    return 0
  fi
  local pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ]; then
    export POSTCHECK_TEST_POSTGRES_MISSING="PostgreSQL's programs are not installed (no /usr/lib/postgresql/*/bin)"
    echo "== $POSTCHECK_TEST_POSTGRES_MISSING: the PostgreSQL storage tests will skip" >&2
    return 0
  fi
  # initdb refuses to run as root: as root, run the server as the postgres user that Debian's package creates.
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      export POSTCHECK_TEST_POSTGRES_MISSING="running as root and there is no postgres user to run PostgreSQL as"
      echo "== $POSTCHECK_TEST_POSTGRES_MISSING: the PostgreSQL storage tests will skip" >&2
      return 0
    fi
    PC_PG_AS=(runuser -u postgres --)
  else
    PC_PG_AS=()
  fi
  PC_PG_BIN=$pg_bin
  PC_PG_DIR=$(mktemp -d /tmp/postcheck-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PC_PG_DIR"
  "${PC_PG_AS[@]}" "$pg_bin/initdb" -D "$PC_PG_DIR/data" -A trust -U postgres >/dev/null || return 1
  # The first free port from 55432 (another checkout may have a server running): a port that was free
  # when looked at can be taken before the server binds it, so a start that finds it in use goes on.
  local port started="" ports=${POSTCHECK_TEST_PG_PORT:-$(seq 55432 55532)}
  for port in $ports; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    "${PC_PG_AS[@]}" "$pg_bin/pg_ctl" -D "$PC_PG_DIR/data" -l "$PC_PG_DIR/log" -w \
      -o "-p $port -k $PC_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start \
      >/dev/null && { started=1; break; }
    grep -q "Address already in use" "$PC_PG_DIR/log" 2>/dev/null && { : >"$PC_PG_DIR/log"; continue; }
    echo "PostgreSQL did not start; its log:" >&2; cat "$PC_PG_DIR/log" >&2; return 1
  done
  [ -n "$started" ] || { echo "PostgreSQL did not start: no free port among $(echo $ports | tr '\n' ' ')" >&2; return 1; }
  export POSTCHECK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL for the storage tests at 127.0.0.1:$port (stopped when the tests end)"
}

pg_stop_test_server() {
  [ -n "${PC_PG_DIR:-}" ] || return 0
  "${PC_PG_AS[@]}" "$PC_PG_BIN/pg_ctl" -D "$PC_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PC_PG_DIR"
  unset PC_PG_DIR POSTCHECK_TEST_POSTGRES_URL
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then  # sourced: a server for this shell
  _pc_pg_start
  trap pg_stop_test_server EXIT
else                                      # run: a server for one command
  _pc_pg_start || exit 1
  trap pg_stop_test_server EXIT  # also when the command is interrupted
  "$@"
fi
