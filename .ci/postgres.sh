#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the storage tests and exports
# POSTCHECK_TEST_POSTGRES_URL. Sourced by .ci/run; safe to source by hand too.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed: storage tests will run on SQLite only" >&2
  return 0 2>/dev/null || exit 0
fi
pg_dir=$(mktemp -d /tmp/postcheck-pg.XXXXXX)
chown postgres "$pg_dir" 2>/dev/null || true
pg_port=${POSTCHECK_TEST_PG_PORT:-55432}
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run_pg "$pg_bin/initdb -D $pg_dir/data -A trust -U postgres >/dev/null"
run_pg "$pg_bin/pg_ctl -D $pg_dir/data -o '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1' -l $pg_dir/log -w start >/dev/null"
trap 'run_pg "$pg_bin/pg_ctl -D $pg_dir/data -m fast stop >/dev/null" || true' EXIT
export POSTCHECK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
echo "== PostgreSQL for the storage tests at 127.0.0.1:$pg_port"
