package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// watchScript writes a little, waits (so that a subscription sees the run
// live), then ~25 KB of mixed UTF-8 (300 lines) in many chunks, and fails with exit 4.
const watchScript = `echo "watch: start"
sleep 3
i=1
while [ "$i" -le 300 ]; do
  printf 'watch %03d: café crème 日本語のテキスト 🚀🚀 é ü end\n' "$i"
  if [ $((i % 30)) -eq 0 ]; then sleep 0.05; fi
  i=$((i + 1))
done
echo "watch: failing now" >&2
exit 4`

// resourceCompany makes a company of its own (so that its run list is
// this test's alone) with a failing "watch" agent and a succeeding "fine"
// one, and returns their ids.
func resourceCompany(t *testing.T) (companyID, watch, fine string) {
	t.Helper()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies",
		map[string]any{"name": randLetters(3) + " MCP resources " + randSuffix(), "description": "test/integration resources"}, &company)
	mk := func(name, script string) string {
		var agent struct {
			ID string `json:"id"`
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/agents", map[string]any{
			"name": name, "role": "engineer", "title": name, "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", script}, "cwd": "/tmp", "timeoutSec": 120},
		}, &agent)
		return agent.ID
	}
	return company.ID, mk("watch", watchScript), mk("fine", `echo "fine: done"`)
}

// wake queues a run of the agent and returns its id.
func wake(t *testing.T, agentID, reason string) string {
	t.Helper()
	var body []byte
	newAPI(t).expect(http.StatusAccepted, http.MethodPost, "/agents/"+agentID+"/wakeup",
		map[string]any{"source": "on_demand", "triggerDetail": "manual", "reason": reason}, &body)
	var run struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	require.NoError(t, json.Unmarshal(body, &run))
	require.NotEmpty(t, run.ID, "wakeup queued no run: %s", body)
	return run.ID
}

// waitFinal polls REST until the run is terminal.
func waitFinal(t *testing.T, runID string) Run {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var r Run
		restGET(t, "/heartbeat-runs/"+runID, &r)
		if terminalRunStatus[r.Status] {
			return r
		}
		require.True(t, time.Now().Before(deadline), "run %s not terminal after 90 s (%s)", runID, r.Status)
		time.Sleep(300 * time.Millisecond)
	}
}

var itRPC atomic.Int64

func subscribeIT(t *testing.T, s *stdio.Session, method, uri string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := s.Client.GetTransport().SendRequest(ctx, transport.JSONRPCRequest{JSONRPC: mcp.JSONRPC_VERSION,
		ID: mcp.NewRequestId(itRPC.Add(1)), Method: method, Params: map[string]any{"uri": uri}})
	require.NoError(t, err)
	require.Nil(t, resp.Error, "%s: %+v", method, resp.Error)
}

func readIT(t *testing.T, s *stdio.Session, uri string) mcp.TextResourceContents {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := s.Client.ReadResource(ctx, mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: uri}})
	require.NoError(t, err, uri)
	require.Len(t, res.Contents, 1)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok)
	return tc
}

func TestResourcesAgainstPaperclip(t *testing.T) {
	requireServer(t)
	t.Parallel()
	companyID, watch, fine := resourceCompany(t)
	first := wake(t, fine, "resources: before")
	waitFinal(t, first)

	s := startMCP(t, map[string]string{"PAPERCLIP_COMPANY_ID": companyID, "PAPERCLIP_MCP_LOG_LEVEL": "debug"})
	var (
		mu      sync.Mutex
		updated []string
	)
	s.Client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationResourceUpdated {
			uri, _ := n.Params.AdditionalFields["uri"].(string)
			mu.Lock()
			updated = append(updated, uri)
			mu.Unlock()
		}
	})

	failedID := wake(t, watch, "resources: fail")
	runURI := "paperclip://runs/" + failedID
	subscribeIT(t, s, "resources/subscribe", runURI)
	final := waitFinal(t, failedID)
	require.Equal(t, "failed", final.Status, "the watch agent exits 4")

	t.Run("a subscription is told of the changes and stops at the final status", func(t *testing.T) {
		runPath := "/api/heartbeat-runs/" + failedID
		polls := func() int {
			n := 0
			for _, p := range requestPaths(s.Stderr()) {
				if p == runPath {
					n++
				}
			}
			return n
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			mu.Lock()
			n := len(updated)
			mu.Unlock()
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		mu.Lock()
		got := append([]string(nil), updated...)
		mu.Unlock()
		require.NotEmpty(t, got, "notifications/resources/updated while the run went from queued to failed")
		for _, u := range got {
			assert.Equal(t, runURI, u)
		}
		// The poller reads the run once the final status is there, then stops.
		time.Sleep(2500 * time.Millisecond)
		n := polls()
		assert.Greater(t, n, 1, "the run was polled")
		time.Sleep(5 * time.Second)
		assert.Equal(t, n, polls(), "no polling after the final status")
		t.Logf("%d updates, %d polls", len(got), n)
	})

	last := wake(t, fine, "resources: after")
	waitFinal(t, last)

	t.Run("the failed run's log as a resource is the REST log byte for byte", func(t *testing.T) {
		rest := restLogContent(t, failedID)
		require.Greater(t, len(rest), 16384, "the log is longer than one default window")
		require.Contains(t, rest, "日本語")
		// Default windows, followed by _meta.next, rebuild it exactly.
		var b strings.Builder
		uri := runURI + "/log"
		for i := 0; i < 20; i++ {
			w := readIT(t, s, uri)
			assert.Equal(t, "application/x-ndjson", w.MIMEType)
			require.NotContains(t, w.Text, "\uFFFD")
			require.LessOrEqual(t, len(w.Text), 16384)
			off := int(w.Meta["offset"].(float64))
			require.Equal(t, b.Len(), off)
			require.Equal(t, rest[off:off+len(w.Text)], w.Text)
			b.WriteString(w.Text)
			next, ok := w.Meta["next"].(string)
			if !ok {
				assert.Equal(t, true, w.Meta["eof"])
				assert.Equal(t, float64(len(rest)), w.Meta["totalBytes"])
				break
			}
			uri = next
		}
		assert.Equal(t, rest, b.String(), "the windows are the REST log, byte for byte")
		// Odd windows cut inside multi-byte characters: still exact.
		b.Reset()
		uri = runURI + "/log?limitBytes=4099"
		for i := 0; i < 50; i++ {
			w := readIT(t, s, uri)
			require.NotContains(t, w.Text, "\uFFFD")
			b.WriteString(w.Text)
			next, ok := w.Meta["next"].(string)
			if !ok {
				break
			}
			uri = next
		}
		assert.Equal(t, rest, b.String())
	})

	t.Run("the run resource is the tool's structured result", func(t *testing.T) {
		w := readIT(t, s, runURI)
		assert.Equal(t, "application/json", w.MIMEType)
		var want map[string]any
		callJSON(t, s, "paperclip_get_heartbeat_run", map[string]any{"runId": failedID}, &want)
		js, _ := json.Marshal(want)
		assert.JSONEq(t, string(js), w.Text)
		assert.Contains(t, w.Text, `"status":"failed"`)
		assert.Contains(t, w.Text, `"exitCode":4`)
	})

	t.Run("resources/list shows the failed run first", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		res, err := s.Client.ListResources(ctx, mcp.ListResourcesRequest{})
		require.NoError(t, err)
		rest := restRuns(t, companyID, "")
		require.Len(t, rest, 3)
		require.Equal(t, last, rest[0].ID, "REST: the failed run is not the newest")
		require.Len(t, res.Resources, 3)
		assert.Equal(t, runURI, res.Resources[0].URI)
		assert.True(t, strings.HasPrefix(res.Resources[0].Name, "Run failed · agent watch · "), res.Resources[0].Name)
		assert.Equal(t, "paperclip://runs/"+last, res.Resources[1].URI, "then the rest, newest first")
		assert.Equal(t, "paperclip://runs/"+first, res.Resources[2].URI)
		assert.Contains(t, res.Resources[1].Name, "succeeded · agent fine")
		for _, r := range res.Resources {
			assert.Equal(t, "application/json", r.MIMEType)
		}
	})

	t.Run("bad parameters and a missing run say what to do", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := s.Client.ReadResource(ctx, mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "paperclip://runs/nope/log"}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "runId must be a UUID")
		missing := "99999999-9999-4999-8999-999999999999"
		_, err = s.Client.ReadResource(ctx, mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "paperclip://runs/" + missing}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Not found (404")
		assert.Contains(t, err.Error(), "paperclip_list_heartbeat_runs")
	})

	t.Run("the diagnosis links the log", func(t *testing.T) {
		res := s.Call(t, "paperclip_diagnose_run", map[string]any{"runId": failedID})
		require.False(t, res.IsError, stdio.Text(res))
		var uris []string
		for _, c := range res.Content {
			if l, ok := c.(mcp.ResourceLink); ok {
				uris = append(uris, l.URI)
			}
		}
		assert.Equal(t, []string{runURI + "/log", runURI}, uris, fmt.Sprintf("%+v", res.Content))
	})
}

// An agent key without PAPERCLIP_COMPANY_ID may not list companies (the real
// server answers 403); resources/list and completion look in the agent's own
// company (GET /agents/me) instead of offering nothing.
func TestAgentKeyWithoutCompanyScansItsOwn(t *testing.T) {
	requireServer(t)
	t.Parallel()
	companyID, _, fine := resourceCompany(t)
	runID := wake(t, fine, "resources: own company")
	waitFinal(t, runID)
	key := createAgentKey(t, fine)

	req, err := http.NewRequest(http.MethodGet, baseURL+"/api/companies", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode, "an agent key may not list companies")

	s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key})
	list, err := s.Client.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	var uris []string
	for _, r := range list.Resources {
		uris = append(uris, r.URI)
	}
	var want []string
	for _, r := range restRuns(t, companyID, "") {
		want = append(want, "paperclip://runs/"+r.ID)
	}
	require.NotEmpty(t, want)
	assert.ElementsMatch(t, want, uris, "the runs of the agent's own company, as REST lists them")

	got := completeIT(t, s, promptRef("triage-my-inbox"), "agentId", "", nil)
	assert.ElementsMatch(t, restAgentIDs(t, companyID), got.Values, "the agents of the agent's own company")
	assert.NotContains(t, s.Stderr(), key)
}
