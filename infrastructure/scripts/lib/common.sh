# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings configure() sets are read by the other files
# Settings and helpers shared by db-manage.sh's commands: where the databases are, how to reach
# them without putting passwords on a command line, and progress lines.

# The five PostgreSQL databases, in backup order; each one's URL is <NAME>_DATABASE_URL.
DB_NAMES=(auth portfolio analytics notifications timescale)

die() {
  printf 'db-manage: %s\n' "$*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

# Reads KEY=VALUE lines of the project's .env (as `npm start` does) for the settings this script
# uses; a variable already in the environment wins.
load_env_file() {
  local file=$1 line key value
  [[ -n $file && -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    [[ $key =~ ^([A-Z]+_DATABASE_URL|REDIS_URL|EMBEDDED_PG_PORT|EMBEDDED_PG_PASSWORD|NEXANEST_DATA_DIR|BACKUP_[A-Z_]+|PG_BIN)$ ]] || continue
    [[ -n ${!key+set} ]] && continue
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    export "$key=$value"
  done <"$file"
}

url_decode() {
  local encoded=${1//\\/\\\\}
  printf '%b' "${encoded//%/\\x}"
}

# Splits a URL's password off: sets URL_NO_PASSWORD and URL_PASSWORD (decoded, maybe empty).
split_url_password() {
  local url=$1
  if [[ $url =~ ^([a-z+]+://)([^:@/]*):([^@/]*)@(.*)$ ]]; then
    local user=${BASH_REMATCH[2]}
    URL_NO_PASSWORD="${BASH_REMATCH[1]}${user:+$user@}${BASH_REMATCH[4]}"
    URL_PASSWORD=$(url_decode "${BASH_REMATCH[3]}")
  else
    URL_NO_PASSWORD=$url
    URL_PASSWORD=""
  fi
}

# Host:port/database of a URL, for messages (never the credentials).
url_label() {
  local rest=${1#*://}
  rest=${rest##*@}
  printf '%s' "${rest%%\?*}"
}

# The same URL with another database name (the query string kept).
url_with_database() {
  local base=${1%%\?*}
  printf '%s/%s%s' "${base%/*}" "$2" "${1#"$base"}"
}
url_database() {
  local base=${1%%\?*}
  url_decode "${base##*/}"
}

# The PostgreSQL client tools: PG_BIN when given, else the newest Debian client, else PATH.
find_pg_bin() {
  if [[ -n ${PG_BIN:-} ]]; then
    printf '%s/' "${PG_BIN%/}"
    return
  fi
  local newest
  newest=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $newest ]] && printf '%s/' "$newest"
}

# Configures the targets: DB_URL[name] for each database and REDIS_TARGET. External servers when
# the *_DATABASE_URL variables are set (all five, as `npm start` wants), else the embedded server.
configure() {
  declare -gA DB_URL=()
  local name var given=0 missing=()
  for name in "${DB_NAMES[@]}"; do
    var="${name^^}_DATABASE_URL"
    if [[ -n ${!var:-} ]]; then given=$((given + 1)); else missing+=("$var"); fi
  done
  EMBEDDED_PORT=${EMBEDDED_PG_PORT:-5433}
  EMBEDDED_DATA=${NEXANEST_DATA_DIR:-.data}
  [[ $EMBEDDED_DATA == /* ]] || EMBEDDED_DATA="$ROOT/$EMBEDDED_DATA"
  EMBEDDED_DATA="$EMBEDDED_DATA/postgres"
  if ((given == 0)); then
    MODE=embedded
    local password
    password=$(printf '%s' "${EMBEDDED_PG_PASSWORD:-nexanest-embedded-dev}" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
    for name in "${DB_NAMES[@]}"; do DB_URL[$name]="postgres://postgres:${password}@127.0.0.1:${EMBEDDED_PORT}/${name}"; done
  elif ((${#missing[@]} > 0)); then
    die "set all database URLs or none; missing: ${missing[*]}"
  else
    MODE=external
    for name in "${DB_NAMES[@]}"; do
      var="${name^^}_DATABASE_URL"
      DB_URL[$name]=${!var}
    done
  fi
  REDIS_EXPLICIT=${REDIS_URL:+yes}
  REDIS_TARGET=${REDIS_URL:-redis://127.0.0.1:6379}
  PGTOOLS=$(find_pg_bin)
}

# Runs a PostgreSQL client tool against a URL, the password passed through PGPASSWORD.
pg_tool() {
  local url=$1 tool=$2
  shift 2
  split_url_password "$url"
  PGPASSWORD=$URL_PASSWORD PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} "${PGTOOLS}${tool}" --dbname="$URL_NO_PASSWORD" "$@"
}

# Runs redis-cli against a URL, the password passed through REDISCLI_AUTH.
redis_tool() {
  local url=$1
  shift
  split_url_password "$url"
  if [[ -n $URL_PASSWORD ]]; then
    REDISCLI_AUTH=$URL_PASSWORD redis-cli -u "$URL_NO_PASSWORD" "$@"
  else
    redis-cli -u "$URL_NO_PASSWORD" "$@"
  fi
}

redis_answers() { [[ $(redis_tool "$1" PING 2>/dev/null) == PONG ]]; }

# Major version of a client tool and of the server behind a URL.
client_major() { "${PGTOOLS}$1" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/' | head -n 1; }
server_major() { pg_tool "$1" psql -XAtqc 'show server_version_num' | sed -E 's/^([0-9]+)[0-9]{4}$/\1/'; }

# pg_dump cannot read a server newer than itself: say so before starting. Versions are asked
# once per tool and once per server.
declare -gA CHECKED_VERSIONS=()
require_client_for() {
  local url=$1 tool=$2 client server server_key
  server_key="server $(url_label "$url" | cut -d/ -f1)"
  client=${CHECKED_VERSIONS[$tool]:-$(client_major "$tool")}
  CHECKED_VERSIONS[$tool]=$client
  # A database about to be restored may not exist yet: ask the server's maintenance database.
  server=${CHECKED_VERSIONS[$server_key]:-$(server_major "$url" 2>/dev/null || server_major "$(url_with_database "$url" postgres)")} ||
    die "cannot connect to $(url_label "$url")"
  CHECKED_VERSIONS[$server_key]=$server
  if ((client < server)); then
    die "$tool $client cannot work with PostgreSQL $server at $(url_label "$url"): install the version $server client tools and point PG_BIN at their bin folder"
  fi
}

now_ms() { date +%s%3N; }
human_size() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }
elapsed() { awk -v ms="$(($(now_ms) - $1))" 'BEGIN { printf "%.1f s", ms / 1000 }'; }

# "[2/6] dumping portfolio ... " then, from step_done, "1.2MiB in 0.4 s".
step() { printf '[%d/%d] %s ... ' "$1" "$2" "$3"; }
step_done() { printf '%s\n' "$*"; }
