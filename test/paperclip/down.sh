#!/usr/bin/env bash
# down.sh [STATE_DIR] - stop the Paperclip server that up.sh started in STATE_DIR.
#
# STATE_DIR defaults to $PAPERCLIP_HARNESS_DIR (set by `eval "$(up.sh)"`), else
# /var/tmp/paperclip-mcp/state-${PAPERCLIP_PORT:-3199}.
# Processes are found only through pid files, never by name: STATE_DIR/server.pid
# (checked against /proc/<pid>/cmdline), then the embedded Postgres' own
# postmaster.pid, in case the server died without stopping its Postgres.
set -euo pipefail

log() { printf '[paperclip-harness] %s\n' "$*" >&2; }

ARG="${1:-${PAPERCLIP_HARNESS_DIR:-/var/tmp/paperclip-mcp/state-${PAPERCLIP_PORT:-3199}}}"
if [ ! -d "$ARG" ]; then
  log "no state dir $ARG: nothing to stop"
  exit 0
fi
STATE="$(cd "$ARG" && pwd)"
DATA="$STATE/data"
DB="$DATA/instances/default/db"
PIDFILE="$STATE/server.pid"

gone_within() { # pid seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}
cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

if [ -f "$PIDFILE" ]; then
  pid="$(cat "$PIDFILE")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    [[ "$(cmdline "$pid")" == *"paperclipai/dist/index.js run --data-dir $DATA"* ]]; then
    log "stopping server pid $pid (SIGTERM; it shuts its embedded Postgres down itself)"
    kill -TERM "$pid"
    if ! gone_within "$pid" 30; then
      log "pid $pid still alive after 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      gone_within "$pid" 5 || true
    fi
  else
    log "stale pid file (pid $pid is not the server of $STATE)"
  fi
  rm -f "$PIDFILE"
else
  log "no pid file in $STATE"
fi

# Postgres left behind (the server was SIGKILLed or crashed): postmaster.pid
# holds its pid on line 1 and its data dir on line 2.
if [ -f "$DB/postmaster.pid" ]; then
  pgpid="$(sed -n 1p "$DB/postmaster.pid")"
  pgdata="$(sed -n 2p "$DB/postmaster.pid")"
  if [[ "$pgpid" =~ ^[0-9]+$ ]] && [ "$pgdata" = "$DB" ] && kill -0 "$pgpid" 2>/dev/null &&
    [[ "$(cmdline "$pgpid")" == *postgres* ]]; then
    log "stopping orphaned embedded Postgres pid $pgpid (SIGINT: fast shutdown)"
    kill -INT "$pgpid" 2>/dev/null || true
    if ! gone_within "$pgpid" 20; then
      log "Postgres pid $pgpid still alive after 20 s: SIGKILL"
      kill -KILL "$pgpid" 2>/dev/null || true
    fi
  fi
fi
log "stopped"
