# shellcheck shell=bash
# db-manage.sh restore <folder> [--yes] [--recreate]: checks the backup's SHA256SUMS, then
# pg_restore --clean --if-exists each dump into the database of the same name (one transaction
# per database), then the Redis RDB when REDIS_RESTORE_START_CMD says how to start the target
# Redis again (see restore_redis).

# Creates the database when it is missing; with --recreate, drops it first (WITH (FORCE) ends
# its sessions).
prepare_database() {
  local url=$1 recreate=$2 name
  name=$(url_database "$url")
  pg_tool "$(url_with_database "$url" postgres)" psql -XAtq -v ON_ERROR_STOP=1 -v name="$name" -v recreate="$recreate" >/dev/null <<'SQL'
select format('drop database if exists %I with (force)', :'name') where :'recreate' = 'yes' \gexec
select format('create database %I', :'name') where not exists (select 1 from pg_database where datname = :'name') \gexec
SQL
}

user_table_count() {
  pg_tool "$1" psql -XAtq -c "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like '\_timescaledb%' and n.nspname not like 'timescaledb\_%'"
}

# TimescaleDB archives restore into an empty database between pre_restore and post_restore.
restore_timescale_archive() {
  local url=$1 file=$2
  (($(user_table_count "$url") == 0)) || die "$(url_label "$url") is not empty: a TimescaleDB dump restores into an empty database (add --recreate)"
  pg_tool "$url" psql -XAtq -v ON_ERROR_STOP=1 -c 'create extension if not exists timescaledb' -c 'select timescaledb_pre_restore()' >/dev/null
  pg_tool "$url" pg_restore --no-password --exit-on-error "$file"
  pg_tool "$url" psql -XAtq -v ON_ERROR_STOP=1 -c 'select timescaledb_post_restore()' >/dev/null
}

# pg_restore --clean cannot drop a partition's inherited constraints ("cannot drop inherited
# constraint"): the partitions the archive attaches are dropped first. Both run in one psql
# transaction, so a failed restore leaves the database as it was.
partition_drops() {
  awk '$4 == "TABLE" && $5 == "ATTACH" { print $6 "\t" $7 }' <<<"$1" |
    while IFS=$'\t' read -r schema table; do
      printf 'DROP TABLE IF EXISTS "%s"."%s";\n' "${schema//\"/\"\"}" "${table//\"/\"\"}"
    done
}

restore_archive() {
  local url=$1 file=$2 toc
  toc=$("${PGTOOLS}pg_restore" --list "$file")
  if grep -q ' EXTENSION - timescaledb' <<<"$toc"; then
    restore_timescale_archive "$url" "$file"
    return
  fi
  {
    partition_drops "$toc"
    "${PGTOOLS}pg_restore" --clean --if-exists --file=- "$file"
  } | pg_tool "$url" psql -Xq --no-password --single-transaction -v ON_ERROR_STOP=1 >/dev/null
}

redis_key_count() { redis_tool "$REDIS_TARGET" INFO keyspace | awk -F'[:=,]' '/^db[0-9]+:/ { n += $3 } END { print n + 0 }'; }

redis_config() { redis_tool "$REDIS_TARGET" CONFIG GET "$1" | sed -n 2p; }

wait_for_redis() {
  local want=$1 tries=0
  while :; do
    if redis_answers "$REDIS_TARGET"; then [[ $want == up ]] && return 0; else [[ $want == down ]] && return 0; fi
    tries=$((tries + 1))
    ((tries < 300)) || die "Redis at $(url_label "$REDIS_TARGET") did not come $want within 60 s"
    sleep 0.2
  done
}

redis_manual_steps() {
  say "Redis: not restored (REDIS_RESTORE_START_CMD is unset). To restore $1 by hand:"
  say "  stop the Redis, put the RDB (decrypted) at its <dir>/<dbfilename> (CONFIG GET dir, dbfilename),"
  say "  with appendonly off for that start, start it, then CONFIG SET appendonly yes if it used AOF;"
  say "  or rerun with REDIS_URL=<that Redis> REDIS_RESTORE_START_CMD='<command that starts it>'."
}

# Stops the Redis at REDIS_URL (SHUTDOWN NOSAVE), puts the RDB in its data folder (the old file
# kept beside it), starts it with REDIS_RESTORE_START_CMD and waits until it has loaded. A Redis
# with AOF on would ignore the RDB: its AOF folder is moved aside, and after the start (which must
# have appendonly off) AOF is switched back on, rewriting it from the restored data.
restore_redis() {
  local rdb=$1 stamp dir file aof aofdir
  [[ -n $REDIS_EXPLICIT ]] || die "REDIS_RESTORE_START_CMD is set: name the Redis to restore into with REDIS_URL"
  redis_answers "$REDIS_TARGET" || die "Redis at $(url_label "$REDIS_TARGET") does not answer"
  dir=${REDIS_RESTORE_DIR:-$(redis_config dir)}
  file=$(redis_config dbfilename)
  aof=$(redis_config appendonly)
  aofdir=$(redis_config appenddirname)
  [[ -n $dir && -d $dir && -w $dir ]] || die "Redis data folder '$dir' is not writable here (set REDIS_RESTORE_DIR)"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  cp "$rdb" "$dir/.nexanest-restore.rdb"
  redis_tool "$REDIS_TARGET" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait_for_redis down
  [[ -e $dir/$file ]] && mv "$dir/$file" "$dir/$file.before-restore-$stamp"
  mv "$dir/.nexanest-restore.rdb" "$dir/${file:-dump.rdb}"
  if [[ $aof == yes && -n $aofdir && -e $dir/$aofdir ]]; then mv "$dir/$aofdir" "$dir/$aofdir.before-restore-$stamp"; fi
  bash -c "$REDIS_RESTORE_START_CMD"
  wait_for_redis up
  if [[ $aof == yes ]]; then
    [[ $(redis_config appendonly) == no ]] || die "the Redis restarted with AOF on and ignored the RDB: start it with appendonly off for the restore (the old AOF is in $dir/$aofdir.before-restore-$stamp)"
    redis_tool "$REDIS_TARGET" CONFIG SET appendonly yes >/dev/null
    # The AOF is rewritten in the background: done when no rewrite runs or waits.
    local tries=0
    until redis_tool "$REDIS_TARGET" INFO persistence | tr -d '\r' | grep -qx 'aof_rewrite_in_progress:0' &&
      redis_tool "$REDIS_TARGET" INFO persistence | tr -d '\r' | grep -qx 'aof_rewrite_scheduled:0'; do
      tries=$((tries + 1))
      ((tries < 600)) || die "the AOF rewrite has not finished within 120 s"
      sleep 0.2
    done
  fi
}

confirm_restore() {
  local yes=$1 target answer
  shift
  say "This replaces the data in:"
  for target in "$@"; do say "  $target"; done
  [[ $yes == yes ]] && return 0
  [[ -t 0 ]] || die "not a terminal: pass --yes to confirm"
  read -r -p "Type 'restore' to continue: " answer
  [[ $answer == restore ]] || die "cancelled"
}

# Decrypts (when encrypted) and checks every file before anything is restored: a wrong key or a
# damaged file stops the restore with the data untouched. Sets PLAIN[file] to the readable copy.
prepare_files() {
  local folder=$1 work=$2 file plain
  shift 2
  declare -gA PLAIN=()
  for file in "$@"; do
    plain="$folder/$file"
    if [[ $file == *.enc ]]; then
      plain="$work/${file%.enc}"
      decrypt_file "$folder/$file" "$plain" 2>/dev/null || die "cannot decrypt $file: wrong BACKUP_ENCRYPTION_KEY?"
    fi
    case $file in
      redis.*) [[ $(head -c 5 "$plain") == REDIS ]] || die "$file is not a Redis RDB (wrong BACKUP_ENCRYPTION_KEY?)" ;;
      *) "${PGTOOLS}pg_restore" --list "$plain" >/dev/null 2>&1 || die "$file is not a pg_dump archive (wrong BACKUP_ENCRYPTION_KEY?)" ;;
    esac
    PLAIN[$file]=$plain
  done
}

cmd_restore() {
  local folder="" yes=no recreate=no arg
  for arg in "$@"; do
    case $arg in
      --yes) yes=yes ;;
      --recreate) recreate=yes ;;
      -*) die "unknown option $arg" ;;
      *) folder=$arg ;;
    esac
  done
  [[ -n $folder ]] || die "usage: db-manage.sh restore <backup folder> [--yes] [--recreate]"
  [[ -f $folder/manifest.json && -f $folder/SHA256SUMS ]] || die "$folder has no manifest.json and SHA256SUMS: not a finished backup"
  folder=$(cd "$folder" && pwd)
  local files=() file name targets=() redis_file="" total index=2 start began work
  while read -r _ file; do files+=("$file"); done <"$folder/SHA256SUMS"
  for file in "${files[@]}"; do
    [[ $file == *.enc && -z ${BACKUP_ENCRYPTION_KEY:-} ]] && die "$file is encrypted: set BACKUP_ENCRYPTION_KEY"
    case $file in
      redis.rdb | redis.rdb.enc) redis_file=$file ;;
      *.dump | *.dump.enc)
        name=${file%%.*}
        [[ -n ${DB_URL[$name]:-} ]] || die "no database named $name here"
        require_client_for "${DB_URL[$name]}" pg_restore
        targets+=("$name -> $(url_label "${DB_URL[$name]}")")
        ;;
      *) die "unexpected file $file in SHA256SUMS" ;;
    esac
  done
  [[ -n $redis_file && -n ${REDIS_RESTORE_START_CMD:-} ]] && targets+=("redis -> $(url_label "$REDIS_TARGET") (stopped and started again)")
  confirm_restore "$yes" "${targets[@]}"
  total=$((${#files[@]} + 2))
  began=$(now_ms)
  step 1 "$total" "checking SHA256SUMS"
  (cd "$folder" && sha256sum --quiet --check SHA256SUMS) || die "checksums do not match: the backup is damaged"
  step_done "ok"
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  step 2 "$total" "${BACKUP_ENCRYPTION_KEY:+decrypting and }reading every file"
  prepare_files "$folder" "$work" "${files[@]}"
  step_done "ok"
  for file in "${files[@]}"; do
    index=$((index + 1))
    start=$(now_ms)
    if [[ $file == redis.* ]]; then
      step "$index" "$total" "restoring the Redis RDB into $(url_label "$REDIS_TARGET")"
      if [[ -z ${REDIS_RESTORE_START_CMD:-} ]]; then
        step_done "skipped"
        redis_manual_steps "$folder/$file"
      else
        restore_redis "${PLAIN[$file]}"
        step_done "$(redis_key_count) keys in $(elapsed "$start")"
      fi
      continue
    fi
    name=${file%%.*}
    step "$index" "$total" "restoring $name into $(url_label "${DB_URL[$name]}") ($(human_size "$(stat -c %s "${PLAIN[$file]}")"))"
    prepare_database "${DB_URL[$name]}" "$recreate"
    restore_archive "${DB_URL[$name]}" "${PLAIN[$file]}"
    step_done "in $(elapsed "$start")"
  done
  rm -rf "$work"
  trap - EXIT
  say "Restore complete in $(elapsed "$began") from $folder"
}
