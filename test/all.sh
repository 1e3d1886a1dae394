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

# One build of the server for every test process and the clients below.
mkdir -p bin
CGO_ENABLED=0 go build -trimpath -o bin/paperclip-mcp ./cmd/paperclip-mcp
export PAPERCLIP_MCP_BIN="$ROOT/bin/paperclip-mcp"

# -race needs cgo and a C compiler: as root, fetch gcc from Debian's packages when the
# machine has none; elsewhere the tests run without the race detector, and say so.
RACE=(-race)
if ! command -v "$(go env CC)" >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing gcc from Debian's packages (the race detector needs cgo)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev) >&2
  fi
  command -v "$(go env CC)" >/dev/null || { RACE=(); say "no C compiler: go test runs without -race"; }
fi

say "lint (gofmt, go vet, staticcheck)"
bash test/lint.sh
say "go test ${RACE[*]} ./... (unit + integration against Paperclip $PAPERCLIP_VERSION)"
GO_OK=0
go test "${RACE[@]}" -count=1 -json ./... 2>&1 | "$PAPERCLIP_NODE" test/gotest-summary.mjs | tee /tmp/paperclip-mcp-gotest.$$ || GO_OK=1
GO_LINE="$(tail -n 1 /tmp/paperclip-mcp-gotest.$$)"; rm -f /tmp/paperclip-mcp-gotest.$$

say "real MCP clients"
PAPERCLIP_COMPANY_ID="$(curl -sf -m 30 -X POST "$PAPERCLIP_API_URL/api/companies" -H 'content-type: application/json' \
  --data-binary '{"name":"MCP Clients Co"}' | "$PAPERCLIP_NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).id))')"
export PAPERCLIP_COMPANY_ID
CLIENTS_OK=0
bash test/mcpclients/run.sh "$ROOT/bin/paperclip-mcp" | tee /tmp/paperclip-mcp-clients.$$ || CLIENTS_OK=1
CLIENTS_LINE="$(grep -E 'passed, [0-9]+ failed' /tmp/paperclip-mcp-clients.$$ | tail -n 1)"; rm -f /tmp/paperclip-mcp-clients.$$

bash test/paperclip/down.sh "$STATE" || true
trap - EXIT
count() { local n; n="$(printf '%s\n' "$1" | sed -nE "s/.*[: ]([0-9]+) $2.*/\1/p")"; echo "${n:-0}"; }
P=$(( $(count "$GO_LINE" passed) + $(count "$CLIENTS_LINE" passed) ))
F=$(( $(count "$GO_LINE" failed) + $(count "$CLIENTS_LINE" failed) ))
echo
echo "$GO_LINE  |  ${CLIENTS_LINE}"
echo "total: $P passed, $F failed"
[ "$GO_OK" = 0 ] && [ "$CLIENTS_OK" = 0 ] && [ "$F" = 0 ]
