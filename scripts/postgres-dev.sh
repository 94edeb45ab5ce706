#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests and for trying the silo against a real database.
# Each `start` is an independent server in its own directory: data, unix socket, log, port.
#
#   scripts/postgres-dev.sh start [--dir DIR] [--port PORT] [--fast]
#       Creates the server in DIR (default: a new /tmp/twin-pg.XXXXXX; it must be empty or absent), on 127.0.0.1:PORT
#       (default 5432; 0 picks a free port), with a database `twin` owned by `postgres`, trust authentication (no
#       password) and max_connections 200. Prints exactly one line on stdout, the Npgsql connection string, and writes
#       it to DIR/connection-string (the port to DIR/port). Diagnostics go to stderr; the server log is DIR/server.log.
#       --fast turns off fsync, synchronous_commit and full_page_writes. Fine for tests: they kill -9 the silo, never
#       PostgreSQL, and pause/stop shut it down cleanly. Only a crash of PostgreSQL itself (kill -9, out of memory) or
#       of the machine can then lose the last commits or corrupt the data.
#   scripts/postgres-dev.sh stop --dir DIR [--keep]     stops the server and removes DIR (unless --keep)
#   scripts/postgres-dev.sh status --dir DIR            says whether it runs; exit 0 if it does, 3 if not
#   scripts/postgres-dev.sh pause --dir DIR             stops the server, keeping its data ("the database is down")
#   scripts/postgres-dev.sh resume --dir DIR            starts it again on the same port
#
# Needs the Debian package postgresql-15 and installs it if absent (root or sudo). initdb refuses to run as root, so as
# root the server runs as the system user `postgres`, which then owns DIR.
set -euo pipefail

readonly pg_bin=/usr/lib/postgresql/15/bin
readonly marker_name=.twin-postgres-dev

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

say() { echo "postgres-dev: $*" >&2; }
fail() { say "$*"; exit 1; }

sudo=""
as_root() {
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to $*"
    sudo="sudo"
  fi
  $sudo "$@"
}

install_postgres() {
  say "PostgreSQL 15 is not installed ($pg_bin/initdb is missing); installing the Debian package postgresql-15"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >&2
  # The package may start a system cluster on 5432, the default port of `start`.
  if command -v systemctl >/dev/null 2>&1; then as_root systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  as_root service postgresql stop >/dev/null 2>&1 || true
  as_root pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
  [ -x "$pg_bin/initdb" ] || fail "installed postgresql-15, but $pg_bin/initdb is still missing"
}

# The server's user: `postgres` when we are root (initdb refuses root), ourselves otherwise.
server_user() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_postgres_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id postgres >/dev/null 2>&1 && return 0
  say "creating the system user postgres to run the server (initdb refuses to run as root)"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Below Linux's ephemeral range (32768+), so outgoing connections do not take it in the meantime.
pick_free_port() {
  local port attempt
  for attempt in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  fail "found no free port between 20000 and 32000"
}

connection_string() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=twin"
}

wait_until_ready() {
  local port=$1 log=$2 attempt
  for attempt in $(seq 1 300); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 && return 0
    sleep 0.1
  done
  fail "the server on port $port did not become ready within 30 s; its log: $log"
}

# Starts the server of DIR on the port written in its configuration; 0 on success, 1 (with the log on stderr) if not.
start_server() {
  local dir=$1
  if ! as_server_user "$pg_bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 >&2; then
    say "the server in $dir did not start; the end of $dir/server.log:"
    tail -n 20 "$dir/server.log" >&2 || true
    return 1
  fi
}

require_dir() {
  [ -n "$1" ] || fail "$2 needs --dir DIR (the directory that start used)"
  [ -f "$1/$marker_name" ] || fail "$1 is not a directory made by '$0 start' (no $marker_name in it)"
}

cmd_start() {
  local dir="" port=5432 fast=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=${2:?--dir needs a value}; shift 2 ;;
      --port) port=${2:?--port needs a value}; shift 2 ;;
      --fast) fast=true; shift ;;
      *) fail "start: unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -le 65535 ] || fail "start: --port must be a number from 0 to 65535, not '$port'"
  if [ "$port" -ne 0 ] && port_in_use "$port"; then
    fail "start: port $port is taken (a system PostgreSQL? 'pg_lsclusters' lists them); use another --port, or --port 0"
  fi

  [ -x "$pg_bin/initdb" ] || install_postgres
  ensure_postgres_user

  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/twin-pg.XXXXXX)
  else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || fail "start: $dir is not empty; give an empty or new directory (or 'resume --dir $dir')"
  fi
  dir=$(cd "$dir" && pwd)
  touch "$dir/$marker_name"
  # A unix socket path may not exceed 107 bytes.
  [ ${#dir} -le 70 ] || fail "start: the path $dir is too long for PostgreSQL's unix socket; use a shorter --dir"
  mkdir "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      fail "start: the user postgres cannot write to $dir (is a parent directory closed to others?); use a --dir under /tmp"
  fi
  chmod 700 "$dir"

  say "creating a PostgreSQL 15 cluster in $dir/data as user $(server_user)"
  local initdb_options=(-D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C)
  # initdb then skips flushing its files to disk: a little faster, and only a machine crash right after could hurt.
  [ "$fast" = true ] && initdb_options+=(--no-sync)
  as_server_user "$pg_bin/initdb" "${initdb_options[@]}" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; fail "initdb failed"; }

  cat >"$dir/data/pg_hba.conf" <<'EOF'
# A throwaway server for tests, reachable from this machine only: no passwords.
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  {
    echo
    echo "# scripts/postgres-dev.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir/socket'"
    echo "max_connections = 200"
    if [ "$fast" = true ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$dir/data/postgresql.conf"

  local chosen_port=$port attempt
  for attempt in 1 2 3 4 5; do
    [ "$port" -eq 0 ] && chosen_port=$(pick_free_port)
    # The last setting in postgresql.conf wins, so a retry simply appends the next port.
    echo "port = $chosen_port" >>"$dir/data/postgresql.conf"
    start_server "$dir" && break
    if [ "$port" -ne 0 ] || ! grep -q "could not bind\|Address already in use" "$dir/server.log"; then
      fail "start: could not start PostgreSQL on port $chosen_port (left $dir for a look; remove it with 'stop --dir $dir')"
    fi
    [ "$attempt" -lt 5 ] || fail "start: five free-looking ports were taken by the time the server bound them"
    say "port $chosen_port was taken meanwhile; trying another"
  done
  wait_until_ready "$chosen_port" "$dir/server.log"

  "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$chosen_port" -U postgres -d postgres \
    -c 'CREATE DATABASE twin OWNER postgres' >&2 || fail "start: could not create the database twin"

  local connection
  connection=$(connection_string "$chosen_port")
  echo "$chosen_port" >"$dir/port"
  echo "$connection" >"$dir/connection-string"
  say "ready on 127.0.0.1:$chosen_port$([ "$fast" = true ] && echo ' (fast: no fsync)'); stop it with: $0 stop --dir $dir"
  echo "$connection"
}

cmd_stop() {
  local dir="" keep=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=${2:?--dir needs a value}; shift 2 ;;
      --keep) keep=true; shift ;;
      *) fail "stop: unknown argument '$1' (see --help)" ;;
    esac
  done
  require_dir "$dir" stop
  if is_running "$dir"; then
    as_server_user "$pg_bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >&2
  fi
  if [ "$keep" = true ]; then say "stopped; kept $dir"; else rm -rf "$dir"; say "stopped and removed $dir"; fi
}

is_running() {
  [ -d "$1/data" ] && as_server_user "$pg_bin/pg_ctl" status -D "$1/data" >/dev/null 2>&1
}

parse_dir_only() {
  local command=$1 dir=""
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=${2:?--dir needs a value}; shift 2 ;;
      *) fail "$command: unknown argument '$1' (see --help)" ;;
    esac
  done
  require_dir "$dir" "$command"
  echo "$dir"
}

cmd_status() {
  local dir
  dir=$(parse_dir_only status "$@")
  if is_running "$dir"; then
    echo "running on 127.0.0.1:$(cat "$dir/port")"
  else
    echo "not running"
    exit 3
  fi
}

cmd_pause() {
  local dir
  dir=$(parse_dir_only pause "$@")
  is_running "$dir" || { say "pause: the server in $dir is not running"; return 0; }
  as_server_user "$pg_bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >&2
  say "paused the server on port $(cat "$dir/port")"
}

cmd_resume() {
  local dir
  dir=$(parse_dir_only resume "$@")
  is_running "$dir" && { say "resume: the server in $dir is already running"; return 0; }
  local port
  port=$(cat "$dir/port")
  start_server "$dir" || fail "resume: could not start the server again on port $port"
  wait_until_ready "$port" "$dir/server.log"
  say "resumed the server on port $port"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  pause) cmd_pause "$@" ;;
  resume) cmd_resume "$@" ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) say "unknown command '$command'"; usage >&2; exit 2 ;;
esac
