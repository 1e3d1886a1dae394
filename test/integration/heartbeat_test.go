package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// TestInsideAHeartbeatRun runs paperclip-mcp the way an agent does: as a
// command inside a real heartbeat run, configured only by the environment
// Paperclip fills (PAPERCLIP_API_URL, a run JWT as PAPERCLIP_API_KEY,
// PAPERCLIP_RUN_ID, PAPERCLIP_AGENT_ID, PAPERCLIP_COMPANY_ID). The run's
// script pipes a scripted MCP session into the binary and closes stdin; the
// test reads the answers the binary wrote.
func TestInsideAHeartbeatRun(t *testing.T) {
	a := newAPI(t)
	bin := stdio.Binary(t)
	dir, err := os.MkdirTemp("", "pmcp-heartbeat-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o777))
	out, errOut := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "err.log")

	msgs := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"agent-script","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		// No companyId, no runId, no agentId: all from the run's environment.
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"paperclip_list_heartbeat_runs","arguments":{"limit":5,"response_format":"json"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"paperclip_get_heartbeat_run","arguments":{"runId":"RUN_ID","response_format":"json"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"paperclip_list_live_runs","arguments":{"response_format":"json"}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"paperclip_cancel_heartbeat_run","arguments":{"runId":"RUN_ID"}}}`,
	}
	var script strings.Builder
	script.WriteString("printf '%s\\n'")
	for _, m := range msgs {
		// RUN_ID is replaced by the shell with the run's own id.
		script.WriteString(" '" + strings.ReplaceAll(m, "RUN_ID", `'"$PAPERCLIP_RUN_ID"'`) + "'")
	}
	script.WriteString(fmt.Sprintf(" | %q > %q 2> %q; echo mcp-exit=$?", bin, out, errOut))

	var company, agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Heartbeat MCP " + randSuffix()}, &company)
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/agents", map[string]any{
		"name": "MCP user", "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", script.String()}, "cwd": "/tmp", "timeoutSec": 120},
	}, &agent)
	var run struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusAccepted, http.MethodPost, "/agents/"+agent.ID+"/wakeup",
		map[string]any{"source": "on_demand", "triggerDetail": "manual", "reason": "run paperclip-mcp inside"}, &run)
	require.NotEmpty(t, run.ID)

	var final Run
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		restGET(t, "/heartbeat-runs/"+run.ID, &final)
		if final.Status != "queued" && final.Status != "running" {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	require.Equal(t, "succeeded", final.Status, "the agent's script failed: %+v", final)

	answers := map[int]struct {
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
		Result struct {
			IsError           bool            `json:"isError"`
			ProtocolVersion   string          `json:"protocolVersion"`
			StructuredContent json.RawMessage `json:"structuredContent"`
			Content           []struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"result"`
	}{}
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var m struct {
			ID int `json:"id"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "stdout carries JSON-RPC only: %q", sc.Text())
		a := answers[m.ID]
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		answers[m.ID] = a
	}
	stderr, _ := os.ReadFile(errOut)
	require.Len(t, answers, 5, "every request answered, though stdin closed right after them; stderr:\n%s", stderr)
	assert.Equal(t, "2025-06-18", answers[1].Result.ProtocolVersion)

	var runs struct {
		Items []struct {
			ID, AgentID, Status string
		} `json:"items"`
	}
	require.False(t, answers[2].Result.IsError, "%+v", answers[2].Result.Content)
	require.NoError(t, json.Unmarshal(answers[2].Result.StructuredContent, &runs))
	require.NotEmpty(t, runs.Items)
	assert.Equal(t, run.ID, runs.Items[0].ID, "the company comes from PAPERCLIP_COMPANY_ID; the run itself is the newest")
	assert.Equal(t, "running", runs.Items[0].Status)

	var self struct{ ID, Status, AgentID string }
	require.False(t, answers[3].Result.IsError, "%+v", answers[3].Result.Content)
	require.NoError(t, json.Unmarshal(answers[3].Result.StructuredContent, &self))
	assert.Equal(t, run.ID, self.ID)
	assert.Equal(t, agent.ID, self.AgentID)

	require.False(t, answers[4].Result.IsError, "%+v", answers[4].Result.Content)
	assert.Contains(t, string(answers[4].Result.StructuredContent), run.ID, "a run sees itself among the live runs")

	// The run JWT is an agent credential: cancel is board only, so it is not
	// even served (tools that would answer 403 are left out for agent keys).
	require.NotNil(t, answers[5].Error, "%+v", answers[5])
	assert.Contains(t, answers[5].Error.Message, "paperclip_cancel_heartbeat_run")
	assert.Contains(t, answers[5].Error.Message, "not found")

	assert.Contains(t, string(stderr), `auth="run JWT"`, "the server saw the run JWT Paperclip handed the run")
	for _, line := range strings.Split(string(stderr), "\n") {
		assert.NotRegexp(t, `eyJ[A-Za-z0-9_-]{10,}\.`, line, "no JWT on stderr")
	}
	for _, a := range answers {
		for _, c := range a.Result.Content {
			assert.NotRegexp(t, `eyJ[A-Za-z0-9_-]{10,}\.`, c.Text, "no JWT in results")
		}
	}
}
