#!/usr/bin/env bash
# examples/run.sh — run paperclip-mcp on stdio against a Paperclip API.
#
#   make run            (or: bash examples/run.sh)
#
# With PAPERCLIP_API_URL set, the server talks to that Paperclip as is.
# Without it, a real local Paperclip (npm paperclipai, pinned) is installed
# once and started on 127.0.0.1:3199 by test/paperclip/up.sh, and when it has
# no company yet a demo company is created with an agent whose run failed,
# so that "why did my agent's last run fail?" has an answer.
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

if [ -z "${PAPERCLIP_API_URL:-}" ]; then
  say "PAPERCLIP_API_URL is not set: starting a local real Paperclip (first time: ~1-2 min to install)"
  eval "$(bash "$ROOT/test/paperclip/up.sh")"
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
fi
say "serving MCP on stdio against $PAPERCLIP_API_URL${PAPERCLIP_COMPANY_ID:+ (company $PAPERCLIP_COMPANY_ID)}"
say "connect a host to this command, e.g.: claude mcp add paperclip -- bash $ROOT/examples/run.sh"
exec "$BIN" "$@" 1>&3 3>&-
