#!/usr/bin/env bash
# examples/run.sh — run paperclip-mcp on stdio against a Paperclip API.
#
#   make run            (or: bash examples/run.sh)
#   make run ARGS='--http 127.0.0.1:8080'   (Streamable HTTP at /mcp instead)
#
# With PAPERCLIP_API_URL set, the server talks to that Paperclip as is.
# Without it, a real local Paperclip (npm paperclipai, pinned) is installed
# once and started on 127.0.0.1:3199 by test/paperclip/up.sh (or reused when
# one of ours runs; moved to the next free port when another program holds
# 3199, unless PAPERCLIP_PORT is set), and when it has no company yet a demo
# company is created with an agent whose run failed, so that "why did my
# agent's last run fail?" has an answer. `make stop` stops that Paperclip.
# stdout is the MCP stream: everything this script says goes to stderr.
set -euo pipefail
exec 3>&1 1>&2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '[paperclip-mcp] %s\n' "$*" >&2; }

BIN="$ROOT/bin/paperclip-mcp"
if [ ! -x "$BIN" ] || [ -n "$(find "$ROOT/cmd" "$ROOT/client" "$ROOT/tools" "$ROOT/schemas" -newer "$BIN" -name '*.go' -print -quit)" ]; then
  say "building $BIN"
  (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$BIN" ./cmd/paperclip-mcp)
fi

HINT_ENV="" # the settings a host must repeat to get this very server

# A Paperclip that up.sh started is "ours": its state dir's pid file names a
# live `paperclipai run` of that dir. Prints its embedded Postgres port.
ours() { # port
  local st="/var/tmp/paperclip-mcp/state-$1" pid
  pid="$(cat "$st/server.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"paperclipai/dist/index.js run --data-dir $st/data"* ]] || return 1
  sed -nE 's/.*pg_port=([0-9]+).*/\1/p' "$st/server.meta" 2>/dev/null
}
busy() { (exec 7<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${PAPERCLIP_API_URL:-}" ]; then
  if [ -z "${PAPERCLIP_PORT:-}" ]; then
    # No port asked for: reuse a Paperclip of ours, else take the first free
    # port from 3199 on (and a free Postgres port from 54339 on), and say so.
    for p in $(seq 3199 3218); do
      if pg="$(ours "$p")" && [ -n "$pg" ]; then
        PAPERCLIP_PORT="$p" PAPERCLIP_PG_PORT="$pg"
        [ "$p" = 3199 ] || say "reusing the local Paperclip of ours on 127.0.0.1:$p"
        break
      fi
      if ! busy "$p"; then
        PAPERCLIP_PORT="$p"
        [ "$p" = 3199 ] || say "127.0.0.1:3199 is in use by another program: using 127.0.0.1:$p (PAPERCLIP_PORT=$p)"
        break
      fi
    done
    [ -n "${PAPERCLIP_PORT:-}" ] || { say "ports 3199-3218 are all in use: set PAPERCLIP_PORT to a free port, or PAPERCLIP_API_URL to a running Paperclip"; exit 1; }
    if [ -z "${PAPERCLIP_PG_PORT:-}" ]; then
      for q in $(seq 54339 54358); do
        busy "$q" || { PAPERCLIP_PG_PORT="$q"; break; }
      done
      [ -n "${PAPERCLIP_PG_PORT:-}" ] || { say "ports 54339-54358 are all in use: set PAPERCLIP_PG_PORT to a free port"; exit 1; }
      [ "$PAPERCLIP_PG_PORT" = 54339 ] || say "127.0.0.1:54339 is in use: the embedded Postgres uses 127.0.0.1:$PAPERCLIP_PG_PORT (PAPERCLIP_PG_PORT=$PAPERCLIP_PG_PORT)"
    fi
    export PAPERCLIP_PORT PAPERCLIP_PG_PORT
  elif [ -z "${PAPERCLIP_PG_PORT:-}" ] && pg="$(ours "$PAPERCLIP_PORT")" && [ -n "$pg" ]; then
    export PAPERCLIP_PG_PORT="$pg" # ours runs there: take its Postgres port too
  fi
  [ "$PAPERCLIP_PORT" = 3199 ] || HINT_ENV+=" -e PAPERCLIP_PORT=$PAPERCLIP_PORT"
  [ "${PAPERCLIP_PG_PORT:-54339}" = 54339 ] || HINT_ENV+=" -e PAPERCLIP_PG_PORT=$PAPERCLIP_PG_PORT"
  say "PAPERCLIP_API_URL is not set: using a local real Paperclip on 127.0.0.1:$PAPERCLIP_PORT"
  # up.sh prints export lines, or one line saying why it cannot start (a busy port...).
  EXPORTS="$(bash "$ROOT/test/paperclip/up.sh")" || { say "could not start the local Paperclip (the line above says why)"; exit 1; }
  eval "$EXPORTS"
  say "it keeps running after this server exits; stop it with: make stop$([ "$PAPERCLIP_PORT" = 3199 ] || echo " PAPERCLIP_PORT=$PAPERCLIP_PORT")"
  API="$PAPERCLIP_API_URL/api"
  json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);const v=eval(process.argv[1]);process.stdout.write(v==null?"":String(v))})' "$1"; }
  post() { curl -sf -m 30 -X POST "$API$1" -H 'content-type: application/json' --data-binary "$2"; }
  if [ -z "${PAPERCLIP_COMPANY_ID:-}" ]; then
    PAPERCLIP_COMPANY_ID="$(curl -sf -m 10 "$API/companies" | json 'd.length ? d[0].id : ""')"
    if [ -z "$PAPERCLIP_COMPANY_ID" ]; then
      say "no company yet: creating a demo company with an agent whose run fails"
      PAPERCLIP_COMPANY_ID="$(post /companies '{"name":"Demo Co","description":"created by paperclip-mcp examples/run.sh"}' | json d.id)"
      AGENT="$(post "/companies/$PAPERCLIP_COMPANY_ID/agents" '{"name":"Flaky Bot","role":"engineer","adapterType":"process","adapterConfig":{"command":"/bin/sh","args":["-c","echo reading config.yaml; echo \"error: config.yaml: no such file or directory\" 1>&2; exit 3"],"cwd":"/tmp","timeoutSec":60}}' | json d.id)"
      post "/agents/$AGENT/wakeup" '{"source":"on_demand","triggerDetail":"manual","reason":"demo"}' >/dev/null
      say "demo agent Flaky Bot ($AGENT) was woken; its run fails with exit code 3"
    fi
    export PAPERCLIP_COMPANY_ID
  fi
else
  HINT_ENV+=" -e PAPERCLIP_API_URL=$PAPERCLIP_API_URL"
  [ -z "${PAPERCLIP_API_KEY:-}" ] || HINT_ENV+=" -e PAPERCLIP_API_KEY=<your key>"
fi
[ -z "${PAPERCLIP_COMPANY_ID:-}" ] || HINT_ENV+=" -e PAPERCLIP_COMPANY_ID=$PAPERCLIP_COMPANY_ID"
for v in PAPERCLIP_AGENT_ID PAPERCLIP_TOOLSETS PAPERCLIP_TOOLS PAPERCLIP_EXCLUDE_TOOLS PAPERCLIP_READ_ONLY; do
  [ -z "${!v:-}" ] || HINT_ENV+=" -e $v=${!v}"
done
# Streamable HTTP instead of stdio (--http ADDR, or PAPERCLIP_MCP_HTTP): the hint is the URL.
HTTP_ADDR="${PAPERCLIP_MCP_HTTP:-}" TOKEN_HINT=""
[ -z "${PAPERCLIP_MCP_HTTP_TOKEN:-}" ] || TOKEN_HINT=' --header "Authorization: Bearer <the token>"'
prev=""
for a in "$@"; do
  case "$a" in
    --http=*) HTTP_ADDR="${a#--http=}" ;;
    --http-token-file | --http-token-file=*) TOKEN_HINT=' --header "Authorization: Bearer <the token>"' ;;
  esac
  [ "$prev" != "--http" ] || HTTP_ADDR="$a"
  prev="$a"
done
if [ -n "$HTTP_ADDR" ]; then
  say "serving MCP over Streamable HTTP at http://$HTTP_ADDR/mcp against $PAPERCLIP_API_URL${PAPERCLIP_COMPANY_ID:+ (company $PAPERCLIP_COMPANY_ID)}"
  if [ "${HTTP_ADDR##*:}" = 0 ]; then
    say "the kernel picks the port: the server's start-up line below gives its url"
  else
    say "connect a host to it, e.g.: claude mcp add --transport http paperclip http://$HTTP_ADDR/mcp$TOKEN_HINT"
  fi
else
  say "serving MCP on stdio against $PAPERCLIP_API_URL${PAPERCLIP_COMPANY_ID:+ (company $PAPERCLIP_COMPANY_ID)}"
  say "connect a host to this command, e.g.: claude mcp add paperclip$HINT_ENV -- bash $ROOT/examples/run.sh"
fi
exec "$BIN" "$@" 1>&3 3>&-
