package tools

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// TestLoadConcurrentCallsFromOneSession: 200 calls at once across tools,
// from one session (run under -race by make test). Every call answers
// right, and afterwards the goroutines and the heap return to their idle
// level: nothing leaks per call.
func TestLoadConcurrentCallsFromOneSession(t *testing.T) {
	// A stub that records nothing (newStub keeps every request, which would
	// grow the heap by itself).
	s := &stub{t: t, mux: http.NewServeMux()}
	run := map[string]any{"id": testRun, "companyId": testCompany, "agentId": testAgent, "status": "failed", "createdAt": "2026-11-26T10:00:00Z",
		"finishedAt": "2026-11-26T10:00:03Z", "error": "Process exited with code 3", "logBytes": 120}
	s.reply("GET /api/heartbeat-runs/{id}", 200, run)
	s.reply("GET /api/companies/{companyId}/heartbeat-runs", 200, []any{run, run})
	s.reply("GET /api/companies/{companyId}/agents", 200, []any{map[string]any{"id": testAgent, "name": "Load Bot", "status": "idle"}})
	s.reply("GET /api/heartbeat-runs/{id}/log", 200, map[string]any{"runId": testRun, "store": "local_file", "logRef": "x",
		"content": `{"ts":"2026-11-26T10:00:01Z","stream":"stdout","chunk":"hello\n"}` + "\n"})
	s.reply("GET /api/heartbeat-runs/{id}/events", 200, []any{map[string]any{"seq": 1, "eventType": "lifecycle", "level": "info", "message": "run started",
		"createdAt": "2026-11-26T10:00:00Z"}})
	s.reply("GET /api/companies/{companyId}/goals", 200, []any{map[string]any{"id": "90000000-0000-4000-8000-000000000001", "title": "Grow", "level": "company",
		"status": "active", "updatedAt": "2026-11-26T10:00:00Z"}})
	s.handle("POST /api/issues/{issueId}/comments", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 201, map[string]any{"id": "91000000-0000-4000-8000-000000000001", "issueId": r.PathValue("issueId"), "body": "ok",
			"createdAt": "2026-11-26T10:00:00Z"})
	})
	srv := httptest.NewServer(s.mux)
	t.Cleanup(srv.Close)
	cl, err := client.New(client.Config{BaseURL: srv.URL, Retries: -1})
	require.NoError(t, err)
	d := &Deps{Client: cl, CompanyID: testCompany, AgentID: testAgent}
	c := inProcess(t, d)
	calls := []struct {
		name string
		args map[string]any
		want string
	}{
		{"paperclip_get_heartbeat_run", map[string]any{"runId": testRun}, "Process exited with code 3"},
		{"paperclip_list_heartbeat_runs", map[string]any{"limit": 5}, "Load Bot"},
		{"paperclip_get_run_log", map[string]any{"runId": testRun}, "hello"},
		{"paperclip_list_run_events", map[string]any{"runId": testRun}, "run started"},
		{"paperclip_list_goals", map[string]any{}, "Grow"},
		{"paperclip_add_comment", map[string]any{"issueId": "ACM-1", "body": "load"}, "91000000-0000-4000-8000-000000000001"},
	}
	for _, cl := range calls { // warm: connections, schemas, caches
		markCalled(cl.name)
		_, err := c.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: cl.name, Arguments: cl.args}})
		require.NoError(t, err)
	}
	idleG, idleHeap := settle()

	const n = 200
	burst := func() int {
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := 0; i < n; i++ {
			cl := calls[i%len(calls)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := c.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: cl.name, Arguments: cl.args}})
				switch {
				case err != nil:
					errs <- fmt.Sprintf("%s: %v", cl.name, err)
				case res.IsError:
					errs <- fmt.Sprintf("%s: %s", cl.name, text(res))
				case !strings.Contains(text(res), cl.want):
					errs <- fmt.Sprintf("%s: answer without %q: %.200s", cl.name, cl.want, text(res))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		return runtime.NumGoroutine()
	}
	// Back to idle after each burst: the goroutines within a few of before
	// (kept-alive connections may differ by a handful), the heap within
	// 4 MB; and a second and third burst leave no more than the first.
	var gs []int
	var heaps []uint64
	for round := 0; round < 3; round++ {
		busy := burst()
		var g int
		var heap uint64
		deadline := time.Now().Add(5 * time.Second)
		for {
			g, heap = settle()
			if (g <= idleG+8 && heap <= idleHeap+4<<20) || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		gs, heaps = append(gs, g), append(heaps, heap)
		t.Logf("load round %d: %d concurrent calls; goroutines idle %d, right after %d, settled %d; heap in use idle %.1f MB, settled %.1f MB",
			round+1, n, idleG, busy, g, float64(idleHeap)/(1<<20), float64(heap)/(1<<20))
		assert.LessOrEqual(t, g, idleG+8, "goroutines return to their idle level")
		assert.LessOrEqual(t, heap, idleHeap+4<<20, "the heap returns to its idle level")
	}
	assert.LessOrEqual(t, gs[2], gs[0]+2, "no goroutine left behind per burst")
	assert.LessOrEqual(t, heaps[2], heaps[0]+1<<20, "no memory left behind per burst")
}

// settle collects garbage and reads the goroutine count and heap in use.
func settle() (int, uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapInuse
}
