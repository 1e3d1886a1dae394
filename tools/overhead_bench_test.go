package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// BenchmarkInProcessCalls measures a tool call's own cost (arguments,
// request, decoding, result, encoding) through an in-process mcp-go server,
// against a stub: profile it with -cpuprofile. The process-level numbers,
// against a real Paperclip, are in test/bench.
func BenchmarkInProcessCalls(b *testing.B) {
	t := &testing.T{}
	s := newStub(t)
	run := map[string]any{"id": testRun, "companyId": testCompany, "agentId": testAgent, "status": "failed", "createdAt": "2026-11-26T10:00:00Z",
		"startedAt": "2026-11-26T10:00:00Z", "finishedAt": "2026-11-26T10:00:03Z", "exitCode": 3, "error": "Process exited with code 3",
		"errorCode": "adapter_failed", "logBytes": 57000, "stdoutExcerpt": strings.Repeat("x", 4000), "stderrExcerpt": strings.Repeat("y", 4000)}
	s.reply("GET /api/heartbeat-runs/{id}", 200, run)
	s.reply("GET /api/companies/{companyId}/heartbeat-runs", 200, []any{run, run, run})
	s.reply("GET /api/companies/{companyId}/agents", 200, []any{map[string]any{"id": testAgent, "name": "Bench Bot", "status": "error"}})
	s.handle("GET /api/heartbeat-runs/{id}/log", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"runId": testRun, "store": "local_file", "logRef": "x", "nextOffset": 16384,
			"content": strings.Repeat(`{"ts":"2026-11-26T10:00:01Z","stream":"stdout","chunk":"bench output line\n"}`+"\n", 200)})
	})
	d := s.deps(client.Config{})
	// The server as cmd builds it, driven as the stdio transport does: a
	// JSON-RPC line in, the response encoded.
	srv := server.NewMCPServer("paperclip-mcp", "bench", server.WithToolCapabilities(false))
	Register(srv, d, Registry())
	ctx := context.Background()
	srv.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"0"}}}`))
	// tools/list of the whole catalogue: mcp-go builds and encodes it on
	// every request.
	list := []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}`)
	b.Run("tools_list/all", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := json.Marshal(srv.HandleMessage(ctx, list)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct {
		name string
		args map[string]any
	}{
		{"paperclip_get_heartbeat_run", map[string]any{"runId": testRun}},
		{"paperclip_list_heartbeat_runs", map[string]any{"limit": 20}},
		{"paperclip_get_run_log", map[string]any{"runId": testRun, "limitBytes": 16384}},
	} {
		for _, format := range []string{"json", "markdown"} {
			args := map[string]any{"response_format": format}
			for k, v := range tc.args {
				args[k] = v
			}
			msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": tc.name, "arguments": args}})
			b.Run(strings.TrimPrefix(tc.name, "paperclip_")+"/"+format, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					out, err := json.Marshal(srv.HandleMessage(ctx, msg))
					if err != nil || bytes.Contains(out, []byte(`"isError":true`)) {
						b.Fatalf("%v %s", err, out)
					}
				}
			})
		}
	}
}
