#!/bin/sh
# golden: (at image build) creates the database cluster with the fixture's schema pushed and seed loaded.
# serve:  (at container start) starts PostgreSQL on the Unix socket /run/pg only, then waits.
set -eu
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=/var/lib/alloy/pgdata
OPTIONS="-k /run/pg -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

case "${1:-serve}" in
  golden)
    "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    # Only the ordinary role "worker" may connect: a superuser could run programs as the server's account.
    echo "CREATE ROLE worker LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;" \
      | "$BIN/postgres" --single -D "$DATA" postgres >/dev/null
    echo "local all worker trust" >"$DATA/pg_hba.conf"
    "$BIN/pg_ctl" -D "$DATA" -o "$OPTIONS" -l /var/lib/alloy/server.log -w start >/dev/null
    "$BIN/psql" -q -h /run/pg -U worker -d postgres -v ON_ERROR_STOP=1 -c 'CREATE DATABASE "alloy_dev"'
    cd /workspace
    npm run --silent db:push >/dev/null
    npm run --silent db:seed >/dev/null
    "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null || true
    ;;
  serve)
    "$BIN/pg_ctl" -D "$DATA" -o "$OPTIONS" -l /var/lib/alloy/server.log -w -t 30 start >/dev/null
    echo $$ >/var/lib/alloy/main.pid
    exec sleep infinity
    ;;
  *)
    exec "$@"
    ;;
esac
