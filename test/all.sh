#!/usr/bin/env bash
# test/all.sh — every test of the project, as `make test` runs it:
#   1. go vet, and go test -race ./... : hermetic unit tests, and the
#      integration tests against a REAL Paperclip server (npm paperclipai,
#      pinned) that this script starts on 127.0.0.1 with test/paperclip/up.sh;
#   2. real MCP clients we did not write (official TypeScript SDK at four
#      protocol versions, MCP Inspector CLI --strict, Claude Code `mcp list`).
# Needs Go, Node/npm and the package registries; installs the rest itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\n== %s\n' "$*"; }

# A dedicated port, so that a developer's own local Paperclip is left alone.
export PAPERCLIP_PORT="${PAPERCLIP_TEST_PORT:-3197}" PAPERCLIP_PG_PORT="${PAPERCLIP_TEST_PG_PORT:-54337}"
STATE="/var/tmp/paperclip-mcp/test-state-$PAPERCLIP_PORT"
say "real Paperclip on 127.0.0.1:$PAPERCLIP_PORT (fresh data)"
PAPERCLIP_RESET=1 bash test/paperclip/up.sh "$STATE" > /tmp/paperclip-mcp-test-env.$$
eval "$(cat /tmp/paperclip-mcp-test-env.$$)"; rm -f /tmp/paperclip-mcp-test-env.$$
trap 'bash test/paperclip/down.sh "$STATE" || true' EXIT
export PAPERCLIP_IT_URL="$PAPERCLIP_API_URL"

say "go vet"
go vet ./...
say "go test -race ./... (unit + integration against Paperclip $PAPERCLIP_VERSION)"
go test -race -count=1 ./...

say "real MCP clients"
mkdir -p bin
CGO_ENABLED=0 go build -trimpath -o bin/paperclip-mcp ./cmd/paperclip-mcp
PAPERCLIP_COMPANY_ID="$(curl -sf -m 30 -X POST "$PAPERCLIP_API_URL/api/companies" -H 'content-type: application/json' \
  --data-binary '{"name":"MCP Clients Co"}' | "$PAPERCLIP_NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).id))')"
export PAPERCLIP_COMPANY_ID
bash test/mcpclients/run.sh "$ROOT/bin/paperclip-mcp"
