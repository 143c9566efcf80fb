# shellcheck shell=bash
# db-manage.sh backup: one timestamped folder with a custom-format pg_dump of every database, the
# Redis RDB, SHA256SUMS and manifest.json. With BACKUP_ENCRYPTION_KEY set, every file is
# encrypted (openssl, AES-256-CBC, key stretched with PBKDF2), and the key travels only through
# the environment. pg_dump's output is encrypted as it streams; the RDB passes through a file only
# the owner can read, removed once encrypted (redis-cli's `--rdb -` leaves its end-of-transfer
# marker in the stream, so a file it is).

ENCRYPTION_ITERATIONS=200000

encrypt_stream() {
  openssl enc -aes-256-cbc -pbkdf2 -iter "$ENCRYPTION_ITERATIONS" -salt -pass env:BACKUP_ENCRYPTION_KEY
}

decrypt_file() {
  openssl enc -d -aes-256-cbc -pbkdf2 -iter "$ENCRYPTION_ITERATIONS" -pass env:BACKUP_ENCRYPTION_KEY -in "$1" -out "$2"
}

# 0 when the Redis RDB belongs in this backup; a Redis named in REDIS_URL must answer.
redis_in_backup() {
  [[ ${BACKUP_SKIP_REDIS:-} == 1 ]] && return 1
  redis_answers "$REDIS_TARGET" && return 0
  [[ -n $REDIS_EXPLICIT ]] && die "Redis at $(url_label "$REDIS_TARGET") does not answer (BACKUP_SKIP_REDIS=1 leaves it out)"
  say "Redis: nothing answers at $(url_label "$REDIS_TARGET"); the backup holds PostgreSQL only"
  return 1
}

dump_database() {
  local name=$1 folder=$2
  local url=${DB_URL[$name]}
  if [[ -n ${BACKUP_ENCRYPTION_KEY:-} ]]; then
    pg_tool "$url" pg_dump --format=custom --no-password | encrypt_stream >"$folder/$name.dump.enc"
    STORED_FILE="$name.dump.enc"
  else
    pg_tool "$url" pg_dump --format=custom --no-password --file="$folder/$name.dump"
    STORED_FILE="$name.dump"
  fi
}

dump_redis() {
  local folder=$1 target output
  target="$folder/redis.rdb"
  [[ -n ${BACKUP_ENCRYPTION_KEY:-} ]] && target="$folder/redis.rdb.plain"
  output=$(redis_tool "$REDIS_TARGET" --rdb "$target" 2>&1) || die "redis-cli --rdb failed: $output"
  [[ -s $target ]] || die "redis-cli --rdb wrote nothing"
  STORED_FILE=redis.rdb
  if [[ -n ${BACKUP_ENCRYPTION_KEY:-} ]]; then
    encrypt_stream <"$target" >"$folder/redis.rdb.enc"
    rm -f "$target"
    STORED_FILE=redis.rdb.enc
  fi
}

json_string() {
  local value=${1//\\/\\\\}
  value=${value//\"/\\\"}
  printf '"%s"' "${value//$'\n'/ }"
}

write_manifest() {
  local folder=$1 started=$2
  shift 2
  local first=1 entry file kind database bytes sum
  {
    printf '{\n  "format": 1,\n  "createdAt": %s,\n' "$(json_string "$started")"
    printf '  "source": %s,\n' "$(json_string "$MODE")"
    printf '  "encryption": %s,\n' "$(if [[ -n ${BACKUP_ENCRYPTION_KEY:-} ]]; then json_string "openssl aes-256-cbc pbkdf2 iter=$ENCRYPTION_ITERATIONS"; else printf null; fi)"
    printf '  "tools": {\n    "pg_dump": %s,\n' "$(json_string "$("${PGTOOLS}pg_dump" --version)")"
    printf '    "redis-cli": %s,\n' "$(json_string "$(redis-cli --version)")"
    printf '    "openssl": %s\n  },\n' "$(json_string "$(openssl version)")"
    printf '  "files": ['
    for entry in "$@"; do
      IFS='|' read -r file kind database <<<"$entry"
      bytes=$(stat -c %s "$folder/$file")
      sum=$(sha256sum "$folder/$file" | cut -d' ' -f1)
      ((first)) || printf ','
      first=0
      printf '\n    { "file": %s, "kind": %s, "database": %s, "bytes": %d, "sha256": "%s" }' \
        "$(json_string "$file")" "$(json_string "$kind")" "$(json_string "$database")" "$bytes" "$sum"
    done
    printf '\n  ]\n}\n'
  } >"$folder/manifest.json"
  (cd "$folder" && for entry in "$@"; do sha256sum "${entry%%|*}"; done) >"$folder/SHA256SUMS"
}

cmd_backup() {
  local root=${BACKUP_ROOT:-$ROOT/backups} started stamp folder partial name start
  local with_redis=0 total index=0 entries=()
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  folder="$root/$stamp"
  [[ -e $folder ]] && folder="$root/$stamp-$$"
  partial="$folder.partial"
  for name in "${DB_NAMES[@]}"; do require_client_for "${DB_URL[$name]}" pg_dump; done
  redis_in_backup && with_redis=1
  total=$((${#DB_NAMES[@]} + with_redis + 1))
  umask 077
  mkdir -p "$partial"
  # A backup that fails half-way leaves nothing that looks like a backup.
  # shellcheck disable=SC2064 # expand now: $partial is local
  trap "rm -rf '$partial'" EXIT
  say "Backing up ($MODE servers${BACKUP_ENCRYPTION_KEY:+, encrypted}) into $folder"
  local began
  began=$(now_ms)
  for name in "${DB_NAMES[@]}"; do
    index=$((index + 1))
    step "$index" "$total" "dumping $name ($(url_label "${DB_URL[$name]}"))"
    start=$(now_ms)
    dump_database "$name" "$partial"
    step_done "$(human_size "$(stat -c %s "$partial/$STORED_FILE")") in $(elapsed "$start")"
    entries+=("$STORED_FILE|postgres|$name")
  done
  if ((with_redis)); then
    index=$((index + 1))
    step "$index" "$total" "copying the Redis RDB ($(url_label "$REDIS_TARGET"))"
    start=$(now_ms)
    dump_redis "$partial"
    step_done "$(human_size "$(stat -c %s "$partial/$STORED_FILE")") in $(elapsed "$start")"
    entries+=("$STORED_FILE|redis|all")
  fi
  index=$((index + 1))
  step "$index" "$total" "writing manifest.json and SHA256SUMS"
  write_manifest "$partial" "$started" "${entries[@]}"
  mv "$partial" "$folder"
  trap - EXIT
  step_done "done"
  say "Backup complete in $(elapsed "$began"): $folder ($(du -sh "$folder" | cut -f1))"
}
