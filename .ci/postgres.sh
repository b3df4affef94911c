#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand: `source .ci/postgres.sh`): installs Debian's postgresql when it is
# missing, starts a throwaway server on 127.0.0.1 on a spare port (from 54329 up) as the non-root `postgres`
# user, creates the database `switchyard_test` and exports SWITCHYARD_TEST_POSTGRES_URL, which the store tests
# require when CI=true. `stop_test_postgres` stops the server and removes its data folder.

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "== installing postgresql (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

pg_port=${SWITCHYARD_TEST_POSTGRES_PORT:-54329}
while (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done

pg_data=$(mktemp -d /tmp/switchyard-postgres.XXXXXX)
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$pg_data"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
as_pg "$pg_bin/initdb" -D "$pg_data/db" -U postgres -A trust >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_data/db" -l "$pg_data/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data" start >/dev/null
as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres switchyard_test
export SWITCHYARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/switchyard_test"
echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port ($pg_data)"

stop_test_postgres() {
  as_pg "$pg_bin/pg_ctl" -D "$pg_data/db" -m fast -w stop >/dev/null || true
  rm -rf "$pg_data"
}
