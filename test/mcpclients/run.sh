#!/usr/bin/env bash
# run.sh BIN - prove the paperclip-mcp binary works with MCP clients we did not
# write, run the way users run them:
#   * the official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2) at
#     protocol versions 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25 and at its
#     default, and the 2.x client (@modelcontextprotocol/client 2.4.0) in
#     versionNegotiation 'auto' (server/discover probe first): fast connect, the
#     version asked is answered, tools/list passes the SDK's zod schema, every
#     schema is valid JSON Schema 2020-12, tool names fit ^[a-zA-Z0-9_-]{1,64}$,
#     read-only calls succeed with structuredContent matching outputSchema, a bad
#     argument gives isError:true, ping (see ts-sdk-check.mjs);
#   * the TypeScript SDK client again for resources (list, templates, a failed run's
#     log read equal to REST), prompts (each got), completion (an agent id from its
#     name, a run id from its first characters) and elicitation (the confirmation of
#     paperclip_terminate_agent declined, then accepted, each checked on REST; see
#     ts-sdk-extras.mjs);
#   * the MCP Inspector CLI 2.12.0: tools/list --strict with no schema finding at
#     all, one tools/call, and resources/list, resources/templates/list and
#     prompts/list answered without a complaint;
#   * Claude Code 2.1.332: `claude mcp add` + `claude mcp list` shows
#     "✔ Connected" without "tools fetch failed", within 2.5 s (no probe stall).
# The last line is `mcp clients: N passed, M failed`; the exit status is 1 when
# M > 0 (2 on a usage or setup error).
#
#   go build -o /tmp/pmcp ./cmd/paperclip-mcp
#   eval "$(bash test/paperclip/up.sh)"          # a real Paperclip, and PAPERCLIP_NODE
#   export PAPERCLIP_COMPANY_ID=...              # a company on it
#   bash test/mcpclients/run.sh /tmp/pmcp
#
# Environment:
#   PAPERCLIP_API_URL     origin of a real Paperclip the server talks to (required)
#   PAPERCLIP_COMPANY_ID  a company on it (required)
#   PAPERCLIP_API_KEY     optional; handed to the server through --api-key-file
#   PAPERCLIP_NODE        a node >= 22.19 (the Inspector's floor; up.sh gives 24).
#                         Unset: node-linux-<arch>@24.21.0 is fetched from npm into
#                         /var/tmp/paperclip-mcp/node-24.21.0.
# The pinned clients are installed with `npm ci` into test/mcpclients/node_modules
# when missing or when package.json / package-lock.json changed (that step
# counts as one check). All client state (HOME and TMPDIR of Claude Code and the
# Inspector) lives in a temp dir removed at the end; the calls are read-only, but for
# ts-sdk-extras.mjs (it creates two agents, wakes one and terminates the other).
set -uo pipefail

NODE_PIN=24.21.0
NODE_FLOOR=22.19 # @modelcontextprotocol/inspector 2.12.0 engines
SERVER_NAME=paperclip
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "run.sh: $*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ $# -eq 1 ] || die "usage: run.sh BIN (the built paperclip-mcp binary)"
BIN="$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1")"
[ -f "$BIN" ] && [ -x "$BIN" ] || die "$1 is not an executable file"
[ -n "${PAPERCLIP_API_URL:-}" ] || die "PAPERCLIP_API_URL must name a real Paperclip (e.g. eval \"\$(bash test/paperclip/up.sh)\")"
[ -n "${PAPERCLIP_COMPANY_ID:-}" ] || die "PAPERCLIP_COMPANY_ID must name a company on $PAPERCLIP_API_URL"
for tool in timeout flock awk sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

# ------------------------------------------------------------------ node
node_ok() { # BIN: true when it is a node >= NODE_FLOOR
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number);
    const [x, y] = process.argv[1].split(".").map(Number);
    process.exit(a > x || (a === x && b >= y) ? 0 : 1)' "$NODE_FLOOR" 2>/dev/null
}
NODE="${PAPERCLIP_NODE:-}"
if [ -z "$NODE" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) ARCH=x64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    *) die "unsupported CPU $(uname -m); set PAPERCLIP_NODE" ;;
  esac
  NODE_HOME=/var/tmp/paperclip-mcp/node-$NODE_PIN
  NODE="$NODE_HOME/node_modules/node-linux-$ARCH/bin/node"
  if ! node_ok "$NODE"; then
    command -v npm >/dev/null || die "PAPERCLIP_NODE is unset and there is no npm to fetch node $NODE_PIN with"
    mkdir -p "$NODE_HOME" || die "cannot create $NODE_HOME"
    (
      flock -w 600 9 || exit 1
      node_ok "$NODE" && exit 0
      echo "fetching node-linux-$ARCH@$NODE_PIN from npm into $NODE_HOME" >&2
      echo '{"name":"paperclip-mcp-node","private":true}' >"$NODE_HOME/package.json"
      cd "$NODE_HOME" && timeout 600 npm install --no-audit --no-fund --no-update-notifier \
        --ignore-scripts --loglevel=error "node-linux-$ARCH@$NODE_PIN" >&2
    ) 9>"$NODE_HOME/.lock"
  fi
fi
node_ok "$NODE" || die "node at '$NODE' is missing or older than $NODE_FLOOR"
export PATH="$(dirname "$NODE"):$PATH" # npm, npx and the #!node clients run on it

# ------------------------------------------------------------------ results
passed=0
failed=0
result() { # PASS|FAIL NAME T0
  echo "$1 $2 ($(since "$3")s)"
  if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
indent() { sed 's/^/    /'; }

WORK="$(mktemp -d)" || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/tmp" # Claude Code keeps per-project state in $TMPDIR/claude-<uid>

# ------------------------------------------------------------------ install
stamp() { (cd "$HERE" && cat package.json package-lock.json | sha256sum | cut -d' ' -f1); }
STAMP="$HERE/node_modules/.paperclip-mcp-installed"
T="$(now)"
(
  # One install at a time per checkout; package.json is opened read-only for the lock.
  flock -w 900 9 || exit 1
  [ "$(cat "$STAMP" 2>/dev/null)" = "$(stamp)" ] && exit 0
  echo "installing the pinned clients (npm ci) into $HERE/node_modules" >&2
  cd "$HERE" && timeout 900 npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >&2 &&
    stamp >"$STAMP"
) 9<"$HERE/package.json"
if [ "$(cat "$STAMP" 2>/dev/null)" = "$(stamp)" ]; then
  result PASS "install pinned clients (node $("$NODE" --version))" "$T"
else
  result FAIL "install pinned clients: npm ci failed (output above)" "$T"
  echo "mcp clients: $passed passed, $failed failed"
  exit 1
fi
NM="$HERE/node_modules"

# The server command every client starts; a key travels in a file, never in argv.
SERVER=("$BIN")
if [ -n "${PAPERCLIP_API_KEY:-}" ]; then
  (umask 077 && printf '%s' "$PAPERCLIP_API_KEY" >"$WORK/api-key")
  SERVER+=(--api-key-file "$WORK/api-key")
fi
SERVER_ENV=(PAPERCLIP_API_URL="$PAPERCLIP_API_URL" PAPERCLIP_COMPANY_ID="$PAPERCLIP_COMPANY_ID")

# Clients run with the temp HOME and TMPDIR, without the caller's PAPERCLIP_* (the server
# gets exactly SERVER_ENV), from a dir without any .mcp.json.
client_env=(env -u PAPERCLIP_API_KEY -u PAPERCLIP_AGENT_ID -u PAPERCLIP_RUN_ID
  HOME="$WORK/home" TMPDIR="$WORK/tmp" MCP_STORAGE_DIR="$WORK/inspector"
  MCP_INSPECTOR_OAUTH_STATE_PATH="$WORK/inspector/oauth.json"
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1)
cd "$WORK/home" || die "cannot cd to $WORK/home"

# ------------------------------------------------------------------ 1. TS SDK
CALLS=(--call 'paperclip_list_heartbeat_runs={"limit":5}'
  --call 'paperclip_list_live_runs={}'
  --call-error 'paperclip_get_heartbeat_run={"runId":"not-a-uuid"}')
ts_check() { # NAME OPTIONS...
  local name=$1 t rc
  shift
  t="$(now)"
  "${client_env[@]}" "${SERVER_ENV[@]}" timeout -k 5 60 \
    node "$HERE/ts-sdk-check.mjs" "$@" "${CALLS[@]}" -- "${SERVER[@]}" >"$WORK/ts.out" 2>"$WORK/ts.err"
  rc=$?
  if [ $rc -eq 0 ]; then
    result PASS "$name" "$t"
    indent <"$WORK/ts.out"
  else
    result FAIL "$name (exit $rc)" "$t"
    indent <"$WORK/ts.out"
    echo "    server/client stderr (last lines):"
    tail -n 8 "$WORK/ts.err" | indent | indent
  fi
}
for pv in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
  ts_check "ts sdk 1.32.2 @ $pv" --pv "$pv"
done
ts_check "ts sdk 1.32.2 @ its default version"
ts_check "ts client 2.4.0 versionNegotiation auto" --mode auto

# Resources, prompts, completion and elicitation, compared with REST (this one writes:
# it creates two agents in the company, wakes one, and terminates the other).
T="$(now)"
"${client_env[@]}" "${SERVER_ENV[@]}" timeout -k 5 150 \
  node "$HERE/ts-sdk-extras.mjs" -- "${SERVER[@]}" >"$WORK/tsx.out" 2>"$WORK/tsx.err"
rc=$?
if [ $rc -eq 0 ]; then
  result PASS "ts sdk 1.32.2 resources, prompts, completion, elicitation" "$T"
  indent <"$WORK/tsx.out"
else
  result FAIL "ts sdk 1.32.2 resources, prompts, completion, elicitation (exit $rc)" "$T"
  indent <"$WORK/tsx.out"
  echo "    server/client stderr (last lines):"
  tail -n 8 "$WORK/tsx.err" | indent | indent
fi

# ------------------------------------------------------------------ 2. Inspector CLI
inspector() { # OUT ERR INSPECTOR-OPTIONS...
  local out=$1 err=$2 e=()
  shift 2
  for kv in "${SERVER_ENV[@]}"; do e+=(-e "$kv"); done
  # Options first, then -- and the server command (an -e before the server
  # command followed by -- makes 2.12.0 lose --method).
  "${client_env[@]}" timeout -k 5 60 "$NM/.bin/mcp-inspector" --cli "${e[@]}" \
    --connect-timeout 10000 --format json "$@" -- "${SERVER[@]}" >"$out" 2>"$err"
}
# json FILE EXPR: print EXPR evaluated on the parsed FILE as `d` (exit 1 if unparsable).
json() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2" 2>/dev/null; }

T="$(now)"
inspector "$WORK/list.json" "$WORK/list.err" --method tools/list --strict
rc=$?
tools="$(json "$WORK/list.json" '(d.result?.tools ?? []).length')"
findings="$(json "$WORK/list.json" '(d.schemaFindings ?? []).flatMap(t => t.findings.map(f =>
  `${f.severity} ${t.toolName}.${f.schema}.${f.path} [${f.rule}]: ${f.issue}`)).join("\n")')"
if [ $rc -eq 0 ] && [ "${tools:-0}" -gt 0 ] && [ -z "$findings" ] && json "$WORK/list.json" 'd' >/dev/null; then
  result PASS "inspector 2.12.0 tools/list --strict: $tools tools, no schema findings" "$T"
else
  result FAIL "inspector 2.12.0 tools/list --strict: exit $rc, ${tools:-no} tools, findings below" "$T"
  if [ -n "$findings" ]; then
    printf '%s\n' "$findings" | indent
  else
    grep -v 'level=INFO' "$WORK/list.err" | tail -n 5 | indent
  fi
fi

T="$(now)"
inspector "$WORK/call.json" "$WORK/call.err" --method tools/call \
  --tool-name paperclip_list_heartbeat_runs --tool-args-json '{"limit":5}'
rc=$?
state="$(json "$WORK/call.json" 'd.result?.isError ? "isError" : d.result?.structuredContent ? "structured" : "bare"')"
if [ $rc -eq 0 ] && [ "$state" = structured ]; then
  result PASS "inspector 2.12.0 tools/call paperclip_list_heartbeat_runs {\"limit\":5}" "$T"
else
  result FAIL "inspector 2.12.0 tools/call paperclip_list_heartbeat_runs: exit $rc, result ${state:-unparsable}" "$T"
  head -c 400 "$WORK/call.json" | indent
  grep -v 'level=INFO' "$WORK/call.err" | tail -n 5 | indent
fi

# resources/list, resources/templates/list and prompts/list: an answer, its items, and
# nothing the Inspector complains of on stderr.
for spec in "resources/list:resources" "resources/templates/list:resourceTemplates" "prompts/list:prompts"; do
  method=${spec%%:*} key=${spec##*:}
  T="$(now)"
  inspector "$WORK/m.json" "$WORK/m.err" --method "$method"
  rc=$?
  n="$(json "$WORK/m.json" "(d.result?.$key ?? []).length")"
  complaints="$(grep -v 'level=INFO' "$WORK/m.err" | grep -iE 'warn|error|invalid|finding' | head -n 5)"
  if [ $rc -eq 0 ] && [ "${n:-0}" -gt 0 ] && [ -z "$complaints" ] && [ -z "$(json "$WORK/m.json" 'd.schemaFindings ?? ""')" ]; then
    result PASS "inspector 2.12.0 $method: $n $key, no findings" "$T"
  else
    result FAIL "inspector 2.12.0 $method: exit $rc, ${n:-no} $key" "$T"
    head -c 400 "$WORK/m.json" | indent
    printf '%s\n' "$complaints" | indent
  fi
done

# ------------------------------------------------------------------ 3. Claude Code
CLAUDE=("$NM/.bin/claude")
# bin/claude.exe is a small placeholder until the package's postinstall copies
# the native binary over it; the package's own fallback launcher then does the job.
if [ "$(stat -c %s "$NM/@anthropic-ai/claude-code/bin/claude.exe" 2>/dev/null || echo 0)" -lt 1000000 ]; then
  CLAUDE=(node "$NM/@anthropic-ai/claude-code/cli-wrapper.cjs")
fi
T="$(now)"
e=()
for kv in "${SERVER_ENV[@]}"; do e+=(-e "$kv"); done
"${client_env[@]}" timeout -k 5 60 "${CLAUDE[@]}" mcp add -s user "$SERVER_NAME" "${e[@]}" -- "${SERVER[@]}" \
  >"$WORK/cc-add.out" 2>&1
add_rc=$?
T_LIST="$(now)"
"${client_env[@]}" timeout -k 5 60 "${CLAUDE[@]}" mcp list >"$WORK/cc-list.out" 2>&1
list_rc=$?
list_s="$(since "$T_LIST")"
line="$(grep "^$SERVER_NAME: " "$WORK/cc-list.out")"
# `mcp list` takes 0.3-1.2 s here; a server silent on the server/discover probe costs 3 s more.
if [ $add_rc -eq 0 ] && [ $list_rc -eq 0 ] && grep -q '✔ Connected' <<<"$line" &&
  ! grep -q 'tools fetch failed' "$WORK/cc-list.out" && awk -v s="$list_s" 'BEGIN { exit !(s < 2.5) }'; then
  result PASS "claude code $("${client_env[@]}" timeout 30 "${CLAUDE[@]}" --version 2>/dev/null | cut -d' ' -f1) mcp list in ${list_s}s: ${line##*- }" "$T"
else
  result FAIL "claude code mcp add/list: add exit $add_rc, list exit $list_rc in ${list_s}s (want ✔ Connected within 2.5s)" "$T"
  cat "$WORK/cc-add.out" "$WORK/cc-list.out" | indent
fi

echo "mcp clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
