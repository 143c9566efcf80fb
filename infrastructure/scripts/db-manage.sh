#!/usr/bin/env bash
# The operator's toolbox for NexaNest's databases (the root Makefile's db-* targets call it).
#
#   db-manage.sh start|stop|restart|status|logs
#   db-manage.sh connect-postgres [database] | connect-timescale | connect-redis
#   db-manage.sh backup
#   db-manage.sh restore <backup folder> [--yes] [--recreate]
#
# Targets: the embedded PostgreSQL of `npm start` (127.0.0.1:EMBEDDED_PG_PORT, default 5433,
# password EMBEDDED_PG_PASSWORD, data in NEXANEST_DATA_DIR/postgres) unless the five
# *_DATABASE_URL variables name external servers; Redis at REDIS_URL (default
# redis://127.0.0.1:6379). Settings come from the environment, then ./.env. docs/operations.md
# describes every command and setting.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB="$ROOT/infrastructure/scripts/lib"
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/embedded.sh
source "$LIB/embedded.sh"
# shellcheck source=lib/backup.sh
source "$LIB/backup.sh"
# shellcheck source=lib/restore.sh
source "$LIB/restore.sh"

COMPOSE_DB="docker compose -p nexanest --env-file infrastructure/.env.db -f infrastructure/docker/docker-compose.db.yml"

usage() {
  sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# External servers are not ours to start or stop: say what would.
external_servers() {
  say "The databases are external (*_DATABASE_URL is set): this script does not $1 them."
  say "With the Docker setup of this repository, run:"
  say "  $2"
}

cmd_status() {
  local name url seen=" " label error
  if [[ $MODE == embedded ]]; then embedded_status || true; fi
  for name in "${DB_NAMES[@]}"; do
    url=${DB_URL[$name]}
    label=$(url_label "$url")
    if error=$(pg_tool "$url" psql -XAtqc 'select 1' 2>&1 >/dev/null); then
      say "postgres $name: up ($label)"
    elif [[ $error == *"does not exist"* ]]; then
      say "postgres $name: server up, database missing ($label; npm start or database/init creates it)"
      seen+="$name "
    else
      say "postgres $name: DOWN ($label)"
      seen+="$name "
    fi
  done
  if redis_answers "$REDIS_TARGET"; then
    say "redis: up ($(url_label "$REDIS_TARGET"), $(redis_tool "$REDIS_TARGET" INFO server | tr -d '\r' | sed -n 's/^redis_version://p'))"
  else
    say "redis: DOWN ($(url_label "$REDIS_TARGET"))"
  fi
  [[ $seen == " " ]]
}

cmd_connect_postgres() {
  local database=${1:-}
  if [[ -z $database ]]; then
    pg_tool "$(url_with_database "${DB_URL[auth]}" postgres)" psql
  else
    [[ -n ${DB_URL[$database]:-} ]] || die "no database named $database (one of: ${DB_NAMES[*]})"
    pg_tool "${DB_URL[$database]}" psql
  fi
}

main() {
  local command=${1:-help}
  [[ $# -gt 0 ]] && shift
  case $command in
    help | -h | --help)
      usage
      return 0
      ;;
  esac
  load_env_file "${NEXANEST_ENV_FILE-$ROOT/.env}"
  configure
  case $command in
    start) if [[ $MODE == embedded ]]; then embedded_start; else external_servers start "$COMPOSE_DB up -d"; fi ;;
    stop) if [[ $MODE == embedded ]]; then embedded_stop; else external_servers stop "$COMPOSE_DB stop"; fi ;;
    restart)
      if [[ $MODE == embedded ]]; then
        embedded_stop
        embedded_start
      else
        external_servers restart "$COMPOSE_DB restart"
      fi
      ;;
    status) cmd_status ;;
    logs) if [[ $MODE == embedded ]]; then embedded_logs; else external_servers "show the logs of" "$COMPOSE_DB logs -f"; fi ;;
    connect-postgres) cmd_connect_postgres "$@" ;;
    connect-timescale) pg_tool "${DB_URL[timescale]}" psql ;;
    connect-redis) redis_tool "$REDIS_TARGET" "$@" ;;
    backup) cmd_backup ;;
    restore) cmd_restore "$@" ;;
    *)
      usage >&2
      die "unknown command: $command"
      ;;
  esac
}

main "$@"
