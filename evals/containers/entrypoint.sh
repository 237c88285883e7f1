#!/bin/bash
# golden: (at image build) creates the database cluster with the fixture's schema pushed and seed loaded.
# serve:  (at container start) starts PostgreSQL on the Unix socket /run/pg only, then waits.
#         As root (the docker sandbox): the server runs as "postgres", the agent's commands as "worker"
#         (exec --user), and this process stays root: SIGUSR1 ends every process of the agent.
set -eu
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=/var/lib/alloy/pgdata
OPTIONS="-k /run/pg -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
AGENT=worker

agent_pids() {
  # The processes of the agent's user, found with shell builtins only (no process is started).
  PIDS=()
  local dir key uid rest
  for dir in /proc/[0-9]*; do
    while read -r key uid rest; do
      if [ "$key" = "Uid:" ]; then
        [ "$uid" = "$AGENT_UID" ] && PIDS+=("${dir#/proc/}")
        break
      fi
    done <"$dir/status" 2>/dev/null || true
  done
}

stop_agent() {
  # Ends every process of the agent without starting one: a fork bomb may hold every free process slot of
  # the container. Stopped processes cannot fork, so the passes of SIGSTOP converge; then SIGKILL.
  local signal
  for signal in STOP STOP STOP STOP STOP STOP STOP STOP KILL KILL KILL KILL; do
    agent_pids
    [ ${#PIDS[@]} -gt 0 ] || break
    kill -s "$signal" "${PIDS[@]}" 2>/dev/null || true
  done
  STOPS=$((STOPS + 1))
  echo "$STOPS" >/var/lib/alloy/agent-stopped
}

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
    SERVER=()
    if [ "$(id -u)" = 0 ]; then
      # Neither the server (postgres) nor this process and the init above it (root) can be signalled or
      # changed by the agent (worker): it can neither stop its database nor its container.
      chown -R postgres:postgres /var/lib/alloy /run/pg
      chmod 755 /run/pg
      SERVER=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
    # Started as an ordinary user (a Kubernetes pod with runAsNonRoot), everything runs as that user.
    "${SERVER[@]}" "$BIN/pg_ctl" -D "$DATA" -o "$OPTIONS" -l /var/lib/alloy/server.log -w -t 30 start >/dev/null
    echo $$ >/var/lib/alloy/main.pid
    [ "$(id -u)" = 0 ] || exec sleep infinity
    AGENT_UID=$(id -u "$AGENT")
    STOPS=0
    echo "$STOPS" >/var/lib/alloy/agent-stopped
    trap stop_agent USR1
    trap 'exit 0' TERM INT
    while :; do
      sleep 3600 &
      wait $! || true
      kill $! 2>/dev/null || true
    done
    ;;
  list-node-modules)
    # What node_modules holds (type, size, time), for the capture: at image build and after the agent.
    find /workspace/node_modules -printf '%y %s %T@ %P\0'
    ;;
  *)
    exec "$@"
    ;;
esac
