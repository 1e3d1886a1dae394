#!/usr/bin/env bash
# test/bench/run.sh — `make bench`: start-up to tools/list, peak memory, and
# the latency a tool call adds over the same HTTP request, against a real
# Paperclip (PAPERCLIP_API_URL, or the local one test/paperclip/up.sh starts)
# and against an in-process stand-in that isolates our own overhead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [ -z "${PAPERCLIP_API_URL:-}" ]; then
  eval "$(bash test/paperclip/up.sh)"
fi
API="$PAPERCLIP_API_URL/api"
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);process.stdout.write(String(eval(process.argv[1])))})' "$1"; }
req() { # METHOD PATH [JSON]: the answer's body on stdout; fails on a status that is not 2xx
  node -e 'const [m, u, b] = process.argv.slice(1);
    fetch(u, { method: m, headers: b ? { "content-type": "application/json" } : {}, body: b || undefined, signal: AbortSignal.timeout(30000) })
      .then(async (r) => { const t = await r.text(); if (!r.ok) { console.error(m + " " + u + ": " + r.status + " " + t.slice(0, 200)); process.exit(1); } process.stdout.write(t); },
        (e) => { console.error(e.message); process.exit(1); })' "$1" "$API$2" "${3:-}"
}
post() { req POST "$1" "$2"; }
CID="$(post /companies '{"name":"Bench Co"}' | json d.id)"
# 240 lines of output: a 19 KB log and a 47 KB run record (its stdout excerpt
# and resultJson), so the log slice is a full 16 KB and the run read is sized
# like a real failed run's.
AID="$(post "/companies/$CID/agents" '{"name":"Bench Bot","adapterType":"process","adapterConfig":{"command":"/bin/sh","args":["-c","i=0; while [ $i -lt 240 ]; do echo \"bench output line $i: the quick brown fox jumps over the lazy dog 0123456789\"; i=$((i+1)); done; exit 3"],"cwd":"/tmp","timeoutSec":30}}' | json d.id)"
RID="$(post "/agents/$AID/wakeup" '{"source":"on_demand","triggerDetail":"manual","reason":"bench"}' | json d.id)"
for _ in $(seq 1 60); do
  st="$(req GET "/heartbeat-runs/$RID" | json d.status)"
  case "$st" in succeeded|failed|cancelled|timed_out|interrupted) break ;; esac
  sleep 0.5
done
echo "== against a real Paperclip at $PAPERCLIP_API_URL (run $RID, $st, $(req GET "/heartbeat-runs/$RID" | json d.logBytes) log bytes)"
PAPERCLIP_BENCH_URL="$PAPERCLIP_API_URL" PAPERCLIP_BENCH_RUN_ID="$RID" PAPERCLIP_BENCH_COMPANY_ID="$CID" \
  go test -run '^$' -bench . -benchtime "${BENCH_N:-300}x" -count 1 ./test/bench
echo "== against the in-process stand-in (our overhead alone)"
go test -run '^$' -bench 'ToolOverhead|MemoryAfterCalls' -benchtime "${BENCH_N:-300}x" -count 1 ./test/bench
