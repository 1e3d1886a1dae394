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
#     "✔ Connected" without "tools fetch failed", within 2.5 s (no probe stall);
#   * Streamable HTTP (--http): the binary serving on a loopback port the kernel
#     picks, with a bearer token from --http-token-file (a request without it, or
#     with a wrong one, gets 401); the TS SDK's StreamableHTTPClientTransport at
#     2025-06-18 and 2025-11-25 (the checks of ts-sdk-check.mjs, token in
#     requestInit headers), the Inspector CLI with --transport http (tools/list
#     --strict, tools/call), Claude Code `mcp add --transport http --header`
#     + `mcp list`; the official MCP conformance suite 0.1.16, its scenarios that
#     apply to this server (see CONFORMANCE_SCENARIOS), against a second instance
#     without a token; with a real agent key minted here, the second instance
#     acts as that agent for a caller sending it and as the local board for the
#     next caller sending none, and a third instance holding the key (no token,
#     loopback) acts as the agent; no server log holds the key; every server
#     stops on SIGTERM with exit status 0.
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
# The HTTP servers listen on 127.0.0.1 only, and are killed if this script dies.
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
HTTP_PIDS=() # HTTP servers started here and not yet stopped
cleanup() {
  local pid
  for pid in "${HTTP_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
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
TS_TARGET=(-- "${SERVER[@]}") # the stdio server command; empty for --url (HTTP)
ts_run() { # NAME SECONDS SCRIPT ARGS...: one check, a node script run with the server's env
  local name=$1 secs=$2 script=$3 t rc
  shift 3
  t="$(now)"
  "${client_env[@]}" "${SERVER_ENV[@]}" timeout -k 5 "$secs" \
    node "$HERE/$script" "$@" >"$WORK/ts.out" 2>"$WORK/ts.err"
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
ts_check() { # NAME OPTIONS...
  local name=$1
  shift
  ts_run "$name" 60 ts-sdk-check.mjs "$@" "${CALLS[@]}" "${TS_TARGET[@]}"
}
for pv in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
  ts_check "ts sdk 1.32.2 @ $pv" --pv "$pv"
done
ts_check "ts sdk 1.32.2 @ its default version"
ts_check "ts client 2.4.0 versionNegotiation auto" --mode auto

# Resources, prompts, completion and elicitation, compared with REST (this one writes:
# it creates two agents in the company, wakes one, and terminates the other).
ts_run "ts sdk 1.32.2 resources, prompts, completion, elicitation" 150 ts-sdk-extras.mjs -- "${SERVER[@]}"

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

inspector_tools_list() { # LABEL RUNNER: tools/list --strict through RUNNER (inspector or inspector_http)
  local label=$1 runner=$2 T rc tools findings
  T="$(now)"
  "$runner" "$WORK/list.json" "$WORK/list.err" --method tools/list --strict
  rc=$?
  tools="$(json "$WORK/list.json" '(d.result?.tools ?? []).length')"
  findings="$(json "$WORK/list.json" '(d.schemaFindings ?? []).flatMap(t => t.findings.map(f =>
    `${f.severity} ${t.toolName}.${f.schema}.${f.path} [${f.rule}]: ${f.issue}`)).join("\n")')"
  if [ $rc -eq 0 ] && [ "${tools:-0}" -gt 0 ] && [ -z "$findings" ] && json "$WORK/list.json" 'd' >/dev/null; then
    result PASS "$label tools/list --strict: $tools tools, no schema findings" "$T"
  else
    result FAIL "$label tools/list --strict: exit $rc, ${tools:-no} tools, findings below" "$T"
    if [ -n "$findings" ]; then
      printf '%s\n' "$findings" | indent
    else
      grep -v 'level=INFO' "$WORK/list.err" | tail -n 5 | indent
    fi
  fi
}
inspector_tools_call() { # LABEL RUNNER: one read-only tools/call through RUNNER
  local label=$1 runner=$2 T rc state
  T="$(now)"
  "$runner" "$WORK/call.json" "$WORK/call.err" --method tools/call \
    --tool-name paperclip_list_heartbeat_runs --tool-args-json '{"limit":5}'
  rc=$?
  state="$(json "$WORK/call.json" 'd.result?.isError ? "isError" : d.result?.structuredContent ? "structured" : "bare"')"
  if [ $rc -eq 0 ] && [ "$state" = structured ]; then
    result PASS "$label tools/call paperclip_list_heartbeat_runs {\"limit\":5}" "$T"
  else
    result FAIL "$label tools/call paperclip_list_heartbeat_runs: exit $rc, result ${state:-unparsable}" "$T"
    head -c 400 "$WORK/call.json" | indent
    grep -v 'level=INFO' "$WORK/call.err" | tail -n 5 | indent
  fi
}
inspector_tools_list "inspector 2.12.0" inspector
inspector_tools_call "inspector 2.12.0" inspector

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

# ------------------------------------------------------------------ 4. Streamable HTTP
# The same binary with --http on 127.0.0.1:0 (the kernel picks a free port; the URL is
# read from the server's start-up log line), with SERVER_ENV and the key file as above.
# The token is made here for this run; clients send it as Authorization: Bearer (the
# Inspector and Claude Code take it in argv: a throw-away token, on loopback).
HTTP_PID= HTTP_URL=
# The exit status is recorded by a fresh sh that is the server's only parent ($LOG.rc):
# a CI run forks tens of thousands of processes, and after pids wrap (pid_max is 32768
# here) bash's own `wait PID` was seen to answer with a stale status of an earlier child.
# A server that has ended (its .rc is there) is not signalled: its pid may be another's.
http_start() { # LOG OPTIONS...: start a server; sets HTTP_PID, and HTTP_URL once /healthz answers (1 if not in 15 s)
  local log=$1 url i
  shift
  HTTP_URL= HTTP_PID=
  rm -f "$log.pid" "$log.rc"
  env -u PAPERCLIP_MCP_HTTP -u PAPERCLIP_MCP_HTTP_TOKEN "${client_env[@]}" "${SERVER_ENV[@]}" \
    sh -c 'log=$1; shift; "$@" >"$log" 2>&1 & echo $! >"$log.pid"; wait $!; echo $? >"$log.rc"' \
    sh "$log" "${SERVER[@]}" --http 127.0.0.1:0 --log-level info "$@" &
  for i in $(seq 1 150); do
    [ -n "$HTTP_PID" ] || { HTTP_PID="$(cat "$log.pid" 2>/dev/null)" && [ -n "$HTTP_PID" ] && HTTP_PIDS+=("$HTTP_PID"); }
    [ -e "$log.rc" ] && return 1
    url="$(sed -n 's/.*msg="paperclip-mcp serving Streamable HTTP".* url=\(http:[^ ]*\).*/\1/p' "$log" 2>/dev/null | head -n 1)"
    if [ -n "$HTTP_PID" ] && [ -n "$url" ] && node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "${url%/mcp}/healthz" 2>/dev/null; then
      HTTP_URL=$url
      return 0
    fi
    sleep 0.1
  done
  return 1
}
http_stop() { # PID LOG: SIGTERM, and its exit status (a KILL after 35 s: the drain is 30 s)
  local pid=$1 log=$2 i p keep=()
  [ -e "$log.rc" ] || kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 400); do
    [ -s "$log.rc" ] && break
    [ "$i" -eq 350 ] && kill -KILL "$pid" 2>/dev/null
    sleep 0.1
  done
  for p in "${HTTP_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  HTTP_PIDS=("${keep[@]}")
  [ -s "$log.rc" ] || return 255
  return "$(cat "$log.rc")"
}
# status401 URL: the HTTP statuses of a ping POSTed without a token and with a wrong one.
status401() {
  node -e 'const post = (h) => fetch(process.argv[1], { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...h } }).then((r) => r.status);
    Promise.all([post({}), post({ authorization: "Bearer wrong-token-0123456789abcdef" })]).then((s) => console.log(s.join(" ")), (e) => console.log(e.message))' "$1" 2>&1
}

(umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' >"$WORK/http-token")
HTTP_TOKEN="$(cat "$WORK/http-token")"
T="$(now)"
http_start "$WORK/http.log" --http-token-file "$WORK/http-token"
start_rc=$?
TOKEN_PID=$HTTP_PID TOKEN_URL=$HTTP_URL
if [ $start_rc -eq 0 ]; then
  refused="$(status401 "$TOKEN_URL")"
  if [ "$refused" = "401 401" ]; then
    result PASS "http server (--http-token-file) at $TOKEN_URL: /healthz answers; no token, a wrong token: 401" "$T"
  else
    result FAIL "http server at $TOKEN_URL: no token / a wrong token got '$refused' (want 401 401)" "$T"
  fi
else
  result FAIL "http server (--http-token-file) did not answer /healthz within 15 s (the HTTP checks are skipped)" "$T"
  tail -n 5 "$WORK/http.log" | indent
fi

if [ -n "$TOKEN_URL" ]; then
  # TS SDK 1.32.2 StreamableHTTPClientTransport, the token in requestInit headers.
  TS_TARGET=()
  for pv in 2025-06-18 2025-11-25; do
    ts_check "ts sdk 1.32.2 http @ $pv" --url "$TOKEN_URL" --header "Authorization: Bearer $HTTP_TOKEN" --pv "$pv"
  done

  # Inspector CLI, --transport http, the token as a header.
  inspector_http() { # OUT ERR INSPECTOR-OPTIONS...
    local out=$1 err=$2
    shift 2
    "${client_env[@]}" timeout -k 5 60 "$NM/.bin/mcp-inspector" --cli --transport http \
      --header "Authorization: Bearer $HTTP_TOKEN" --connect-timeout 10000 --format json "$@" -- "$TOKEN_URL" >"$out" 2>"$err"
  }
  inspector_tools_list "inspector 2.12.0 http" inspector_http
  inspector_tools_call "inspector 2.12.0 http" inspector_http

  # Claude Code: the same HOME as above, a second server over HTTP.
  T="$(now)"
  "${client_env[@]}" timeout -k 5 60 "${CLAUDE[@]}" mcp add -s user --transport http "$SERVER_NAME-http" "$TOKEN_URL" \
    --header "Authorization: Bearer $HTTP_TOKEN" >"$WORK/cc-add.out" 2>&1
  add_rc=$?
  T_LIST="$(now)"
  "${client_env[@]}" timeout -k 5 60 "${CLAUDE[@]}" mcp list >"$WORK/cc-list.out" 2>&1
  list_rc=$?
  list_s="$(since "$T_LIST")"
  line="$(grep "^$SERVER_NAME-http: " "$WORK/cc-list.out")"
  if [ $add_rc -eq 0 ] && [ $list_rc -eq 0 ] && grep -q '✔ Connected' <<<"$line" && grep -q '(HTTP)' <<<"$line" &&
    ! grep -q 'tools fetch failed' "$WORK/cc-list.out" && awk -v s="$list_s" 'BEGIN { exit !(s < 2.5) }'; then
    result PASS "claude code $("${client_env[@]}" timeout 30 "${CLAUDE[@]}" --version 2>/dev/null | cut -d' ' -f1) mcp add --transport http, mcp list in ${list_s}s: ${line##*- }" "$T"
  else
    result FAIL "claude code mcp add --transport http/list: add exit $add_rc, list exit $list_rc in ${list_s}s (want ✔ Connected within 2.5s)" "$T"
    cat "$WORK/cc-add.out" "$WORK/cc-list.out" | grep -v "$HTTP_TOKEN" | indent
  fi
fi

# The official MCP conformance suite (server mode; it has no option for a header, so it
# runs against a second instance without a token: pass-through, where a caller on
# loopback without Authorization reaches the local_trusted Paperclip, or the held key on
# loopback when PAPERCLIP_API_KEY is set). Only the scenarios that apply to this server
# run, each must pass with no failure and no warning. The other 25 of its 32 server
# scenarios (0.1.16, `conformance list --server`) do not apply:
#   fixture tools this server does not have (it serves paperclip_* tools only):
#     tools-call-simple-text (test_simple_text), tools-call-image (test_image_content),
#     tools-call-audio (test_audio_content), tools-call-embedded-resource
#     (test_embedded_resource), tools-call-mixed-content (test_multiple_content_types),
#     tools-call-error (test_error_handling), tools-call-with-progress
#     (test_tool_with_progress), tools-call-sampling (test_sampling),
#     tools-call-elicitation (test_elicitation), elicitation-sep1034-defaults
#     (test_elicitation_sep1034_defaults), elicitation-sep1330-enums
#     (test_elicitation_sep1330_enums), json-schema-2020-12 (json_schema_2020_12_tool;
#     pending suite), server-sse-polling (test_reconnection, and an SSE answer to
#     POST with priming events; this server answers JSON; pending suite);
#   the logging capability, not claimed (logging/setLevel gets -32601):
#     logging-set-level, tools-call-with-logging (also the fixture test_tool_with_logging);
#   resources/subscribe, not claimed (capabilities.resources has no subscribe):
#     resources-subscribe, resources-unsubscribe;
#   fixture resources (test://static-text, test://static-binary, test://template/{id}/data):
#     resources-read-text, resources-read-binary, resources-templates-read;
#   fixture prompts (test_simple_prompt, test_prompt_with_arguments,
#     test_prompt_with_embedded_resource, test_prompt_with_image):
#     prompts-get-simple, prompts-get-with-args, prompts-get-embedded-resource,
#     prompts-get-with-image;
#   a session (Mcp-Session-Id) the server does not give, being stateless: without one,
#     server-sse-multiple-streams stops at a warning and tests nothing.
# completion-complete asks about the fixture prompt test_prompt_with_arguments, yet
# applies: the server claims completions, and the scenario accepts an empty answer.
CONFORMANCE_SCENARIOS=(server-initialize ping tools-list resources-list prompts-list completion-complete
  dns-rebinding-protection)
CONF_VERSION="$(json "$NM/@modelcontextprotocol/conformance/package.json" 'd.version')"
T="$(now)"
http_start "$WORK/http-open.log"
start_rc=$?
OPEN_PID=$HTTP_PID OPEN_URL=$HTTP_URL
if [ $start_rc -ne 0 ]; then
  result FAIL "conformance $CONF_VERSION: the server without a token did not answer /healthz within 15 s" "$T"
  tail -n 5 "$WORK/http-open.log" | indent
else
  conf_lines=() conf_bad=0 conf_checks=0
  for s in "${CONFORMANCE_SCENARIOS[@]}"; do
    "${client_env[@]}" timeout -k 5 60 "$NM/.bin/conformance" server --url "$OPEN_URL" --scenario "$s" \
      >"$WORK/conf.out" 2>&1
    rc=$?
    # "Passed: 2/2, 0 failed, 0 warnings"
    read -r ok all bad warn < <(sed -nE 's|^Passed: ([0-9]+)/([0-9]+), ([0-9]+) failed, ([0-9]+) warnings.*|\1 \2 \3 \4|p' "$WORK/conf.out" | tail -n 1)
    if [ $rc -eq 0 ] && [ -n "${all:-}" ] && [ "$all" -gt 0 ] && [ "$ok" = "$all" ] && [ "$bad" = 0 ] && [ "$warn" = 0 ]; then
      conf_lines+=("ok   $s: $ok/$all checks")
      conf_checks=$((conf_checks + all))
    else
      conf_bad=$((conf_bad + 1))
      conf_lines+=("FAIL $s: exit $rc, ${ok:-?}/${all:-?} passed, ${bad:-?} failed, ${warn:-?} warnings")
      while IFS= read -r l; do conf_lines+=("       $l"); done < <(sed -e 's/\x1b\[[0-9;]*m//g' "$WORK/conf.out" |
        grep -E 'FAILURE|WARNING|Error:' | head -n 6)
    fi
    unset ok all bad warn
  done
  if [ $conf_bad -eq 0 ]; then
    result PASS "conformance $CONF_VERSION server: ${#CONFORMANCE_SCENARIOS[@]} applicable scenarios, $conf_checks checks passed, no warning" "$T"
  else
    result FAIL "conformance $CONF_VERSION server: $conf_bad of ${#CONFORMANCE_SCENARIOS[@]} applicable scenarios failed" "$T"
  fi
  printf '%s\n' "${conf_lines[@]}" | indent
fi

# Credentials with a real agent key. The server without a token holds no key: a caller's own
# `Authorization: Bearer <agent key>` acts as that agent for that caller's requests only, and a
# caller without one, on loopback, is the local board. A third server holds the agent key
# (--api-key-file) and no token, which a loopback address allows: callers send nothing and act
# as that agent. Neither server's log holds the key. The key is minted without auth, so this
# needs the local_trusted Paperclip `make test` starts (no PAPERCLIP_API_KEY); it is revoked
# at the end.
HELD_PID=
if [ -n "${PAPERCLIP_API_KEY:-}" ]; then
  echo "(the agent key checks of Streamable HTTP need a local_trusted Paperclip: PAPERCLIP_API_KEY is set)"
elif [ -n "$OPEN_URL" ]; then
  T="$(now)"
  (umask 077 && node --input-type=module -e '
    const [origin, company] = process.argv.slice(1);
    const rest = async (method, path, body) => {
      const r = await fetch(`${origin}/api${path}`, { method, headers: { "content-type": "application/json" },
        body: JSON.stringify(body), signal: AbortSignal.timeout(20000) });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
      return JSON.parse(text);
    };
    const a = await rest("POST", `/companies/${company}/agents`, { name: `HTTP Key Agent ${Date.now().toString(36)}`,
      adapterType: "process", adapterConfig: { command: "/bin/true", cwd: "/tmp", timeoutSec: 30 } });
    const k = await rest("POST", `/agents/${a.id}/keys`, { name: "mcpclients-http" });
    console.log(JSON.stringify({ agentId: a.id, keyId: k.id, token: k.token }));' \
    "$PAPERCLIP_API_URL" "$PAPERCLIP_COMPANY_ID" >"$WORK/agent.json" 2>"$WORK/agent.err")
  AGENT_ID="$(json "$WORK/agent.json" 'd.agentId')"
  AGENT_KEY_ID="$(json "$WORK/agent.json" 'd.keyId')"
  (umask 077 && json "$WORK/agent.json" 'd.token' | tr -d '\n' >"$WORK/agent-key")
  AGENT_KEY="$(cat "$WORK/agent-key")"
  if [ -z "$AGENT_ID" ] || [ "${AGENT_KEY#pcp_}" = "$AGENT_KEY" ]; then
    result FAIL "an agent and its key for the HTTP credential checks: $(head -c 300 "$WORK/agent.err")" "$T"
  else
    ts_run "ts sdk 1.32.2 http, no token: a caller's own agent key acts as that agent" 60 ts-sdk-check.mjs \
      --url "$OPEN_URL" --header "Authorization: Bearer $AGENT_KEY" \
      --call 'paperclip_get_me={}' --expect "id=$AGENT_ID" --expect "companyId=$PAPERCLIP_COMPANY_ID" \
      --call-error 'paperclip_get_current_user={}'
    ts_run "ts sdk 1.32.2 http, no token: then a caller without a key is the local board" 60 ts-sdk-check.mjs \
      --url "$OPEN_URL" --call 'paperclip_get_current_user={}' --call-error 'paperclip_get_me={}'
    T="$(now)"
    http_start "$WORK/http-held.log" --api-key-file "$WORK/agent-key"
    start_rc=$?
    HELD_PID=$HTTP_PID
    if [ $start_rc -ne 0 ]; then
      result FAIL "http server holding an agent key on loopback, no token: no /healthz within 15 s" "$T"
      tail -n 5 "$WORK/http-held.log" | indent
    else
      ts_run "ts sdk 1.32.2 http, a held agent key on loopback, no token: callers act as that agent" 60 ts-sdk-check.mjs \
        --url "$HTTP_URL" --call 'paperclip_get_me={}' --expect "id=$AGENT_ID" \
        --call 'paperclip_list_heartbeat_runs={"limit":5}'
    fi
    T="$(now)"
    if grep -qF "$AGENT_KEY" "$WORK/http-open.log" "$WORK/http-held.log"; then
      result FAIL "the agent key is in a server's log" "$T"
    else
      result PASS "the agent key is in neither server's log ($(cat "$WORK/http-open.log" "$WORK/http-held.log" | wc -l) lines at info)" "$T"
    fi
    node -e 'fetch(process.argv[1], { method: "DELETE", signal: AbortSignal.timeout(20000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "$PAPERCLIP_API_URL/api/agents/$AGENT_ID/keys/$AGENT_KEY_ID" || echo "(the agent key $AGENT_KEY_ID could not be revoked)"
  fi
fi

# Every server: SIGTERM, then exit status 0 (the drain ends at once when nothing is in flight).
if [ -n "$TOKEN_PID$OPEN_PID$HELD_PID" ]; then
  T="$(now)"
  stops=() stop_ok=1
  for spec in "token:$TOKEN_PID:http" "no token:$OPEN_PID:http-open" "held key:$HELD_PID:http-held"; do
    IFS=: read -r name pid logname <<<"$spec"
    [ -n "$pid" ] || continue
    http_stop "$pid" "$WORK/$logname.log"
    rc=$?
    stops+=("$name exit $rc")
    [ $rc -eq 0 ] || stop_ok=0
  done
  if [ $stop_ok -eq 1 ]; then
    result PASS "http servers stopped by SIGTERM: $(IFS=,; echo "${stops[*]}" | sed 's/,/, /g')" "$T"
  else
    result FAIL "http servers stopped by SIGTERM: $(IFS=,; echo "${stops[*]}" | sed 's/,/, /g') (want 0)" "$T"
    tail -n 3 "$WORK/http.log" "$WORK/http-open.log" "$WORK/http-held.log" 2>/dev/null | indent
  fi
fi

echo "mcp clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
