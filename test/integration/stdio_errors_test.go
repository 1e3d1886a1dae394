package integration

// Errors and protocol negotiation, over stdio.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

func randomUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func TestStdioErrors(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()

	t.Run("unknown well-formed run id", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		id := randomUUID()
		for _, name := range []string{"paperclip_get_heartbeat_run", "paperclip_list_run_events", "paperclip_get_run_log",
			"paperclip_diagnose_run", "paperclip_cancel_heartbeat_run"} {
			text := s.CallErr(t, name, map[string]any{"runId": id})
			t.Logf("%s: %s", name, text)
			assert.Contains(t, text, "404", name)
			assert.Contains(t, text, "Heartbeat run not found", name)
			assert.Contains(t, text, "paperclip_list_heartbeat_runs", "%s: the message points at the list tool", name)
		}
		text := s.CallErr(t, "paperclip_wakeup_agent", map[string]any{"agentId": id})
		t.Logf("wakeup of an unknown agent: %s", text)
		assert.Contains(t, text, "404")
		assert.Contains(t, text, "Agent not found")
	})

	t.Run("malformed ids never reach the server", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, map[string]string{"PAPERCLIP_MCP_LOG_LEVEL": "debug"})
		// A request that does go out is logged at debug level.
		s.CallOK(t, "paperclip_get_heartbeat_run", map[string]any{"runId": w.Runs["ok"][0]}, nil)
		before := waitRequestPaths(t, s, 1)
		require.Len(t, before, 1, "one request logged: %s", s.Stderr())
		require.Equal(t, "/api/heartbeat-runs/"+w.Runs["ok"][0], before[0])

		bad := []string{"not-a-uuid", "../companies", "../../api/companies", "..", "%2e%2e", w.Runs["ok"][0] + "/../x",
			w.Runs["ok"][0] + "?x=1", strings.ToUpper("zz") + w.Runs["ok"][0][2:], " " + w.Runs["ok"][0]}
		for _, id := range bad {
			for _, name := range []string{"paperclip_get_heartbeat_run", "paperclip_list_run_events", "paperclip_get_run_log",
				"paperclip_diagnose_run", "paperclip_cancel_heartbeat_run"} {
				text := s.CallErr(t, name, map[string]any{"runId": id})
				assert.Contains(t, text, "runId", "%s %q: %s", name, id, text)
				assert.Contains(t, text, "UUID", "%s %q: %s", name, id, text)
			}
			for _, c := range []struct {
				name string
				args map[string]any
			}{
				{"paperclip_list_heartbeat_runs", map[string]any{"companyId": id}},
				{"paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID, "agentId": id}},
				{"paperclip_list_live_runs", map[string]any{"companyId": id}},
				{"paperclip_wakeup_agent", map[string]any{"agentId": id}},
				{"paperclip_diagnose_run", map[string]any{"agentId": id, "companyId": w.CompanyID}},
				{"paperclip_diagnose_run", map[string]any{"companyId": id}},
			} {
				text := s.CallErr(t, c.name, c.args)
				assert.Contains(t, text, "UUID", "%s %v: %s", c.name, c.args, text)
			}
		}
		after := waitRequestPaths(t, s, len(before)+1) // waits 3 s for a line that should never come
		assert.Equal(t, before, after, "no request was made for a malformed id")
		t.Logf("example: %s", s.CallErr(t, "paperclip_get_heartbeat_run", map[string]any{"runId": "../companies"}))
	})

	t.Run("Paperclip not reachable", func(t *testing.T) {
		t.Parallel()
		url := closedLoopbackURL(t)
		s := startMCP(t, map[string]string{"PAPERCLIP_API_URL": url})
		for _, c := range []struct {
			name string
			args map[string]any
		}{
			{"paperclip_get_heartbeat_run", map[string]any{"runId": randomUUID()}},
			{"paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID}},
			{"paperclip_cancel_heartbeat_run", map[string]any{"runId": randomUUID()}},
			{"paperclip_wakeup_agent", map[string]any{"agentId": randomUUID()}},
		} {
			start := time.Now()
			text := s.CallErr(t, c.name, c.args)
			t.Logf("%s after %s: %s", c.name, time.Since(start).Round(time.Millisecond), text)
			assert.Contains(t, text, "not reachable", c.name)
			assert.Contains(t, text, url, "%s names the URL", c.name)
			assert.Contains(t, text, "PAPERCLIP_API_URL", c.name)
			assert.Less(t, time.Since(start), 15*time.Second, "%s: bounded retries", c.name)
			if c.name == "paperclip_wakeup_agent" { // one POST and nothing else (cancel reads the run first)
				assert.Less(t, time.Since(start), 300*time.Millisecond, "a POST is never retried")
			}
		}
	})

	t.Run("PAPERCLIP_API_URL with /api works the same", func(t *testing.T) {
		t.Parallel()
		plain := startMCP(t, map[string]string{"PAPERCLIP_MCP_LOG_LEVEL": "debug"})
		calls := []struct {
			name string
			args map[string]any
		}{
			{"paperclip_get_heartbeat_run", map[string]any{"runId": w.Runs["fail"][0]}},
			{"paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID, "limit": 5, "status": "succeeded"}},
			{"paperclip_list_run_events", map[string]any{"runId": w.Runs["fail"][0], "limit": 3}},
			{"paperclip_get_run_log", map[string]any{"runId": w.Runs["biglog"][0], "offset": 1000, "limitBytes": 777}},
		}
		want := make([]string, len(calls))
		for i, c := range calls {
			var v any
			callJSON(t, plain, c.name, c.args, &v)
			want[i] = jsonOf(v)
		}
		for _, u := range []string{baseURL + "/api", baseURL + "/api/", baseURL + "/"} {
			s := startMCP(t, map[string]string{"PAPERCLIP_API_URL": u, "PAPERCLIP_MCP_LOG_LEVEL": "debug"})
			for i, c := range calls {
				var v any
				callJSON(t, s, c.name, c.args, &v)
				assert.JSONEq(t, want[i], jsonOf(v), "%s with PAPERCLIP_API_URL=%s", c.name, u)
			}
			// get_run_log asks for the run and the slice at once: compare as sets.
			wantPaths := waitRequestPaths(t, plain, 5)
			gotPaths := waitRequestPaths(t, s, len(wantPaths))
			assert.ElementsMatch(t, wantPaths, gotPaths, "the same requests with PAPERCLIP_API_URL=%s", u)
		}
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestStdioProtocolVersions: initialize echoes each supported version.
// It needs only the binary, not a Paperclip server, but skips without one
// like every test of this package.
func TestStdioProtocolVersions(t *testing.T) {
	requireServer(t)
	t.Parallel()
	for _, v := range []string{"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := stdio.Start(t, stdio.Options{ProtocolVersion: v, Env: map[string]string{"PAPERCLIP_API_URL": closedLoopbackURL(t)}})
			assert.Equal(t, v, s.Init.ProtocolVersion)
			assert.Equal(t, "paperclip-mcp", s.Init.ServerInfo.Name)
			res, err := s.Client.ListTools(t.Context(), mcp.ListToolsRequest{})
			require.NoError(t, err)
			assert.NotEmpty(t, res.Tools)
		})
	}

	// mcp-go's client rewrites an asked-for version of 2026-07-28 or later to
	// 2025-11-25 before sending it, so unknown versions go over raw JSON-RPC.
	for _, v := range []string{"2099-01-01", "2026-07-28", "2024-01-01", "not-a-version"} {
		t.Run("raw "+v, func(t *testing.T) {
			t.Parallel()
			got := rawInitialize(t, v)
			assert.Equal(t, "2025-11-25", got, "asked for %q", v)
			assert.NotEqual(t, "2026-07-28", got)
		})
	}
	for _, v := range []string{"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"} {
		t.Run("raw "+v, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, v, rawInitialize(t, v))
		})
	}
	// protocolVersion is required in initialize. Without it mcp-go
	// (mcp.NegotiateLegacyVersion) assumes 2025-03-26, the spec's
	// backwards-compatibility default for a client that names no version,
	// where the contract's "else 2025-11-25" would say 2025-11-25. Pinned as
	// it is; the point that matters is that it is never 2026-07-28.
	t.Run("raw without protocolVersion", func(t *testing.T) {
		t.Parallel()
		got := rawInitialize(t, "")
		t.Logf("initialize without protocolVersion is answered with %s", got)
		assert.Contains(t, []string{"2025-03-26", "2025-11-25"}, got)
		assert.NotEqual(t, "2026-07-28", got)
	})
}

// rawInitialize starts the binary, sends one initialize request asking for
// version (omitted when ""), and returns the protocolVersion of the answer.
func rawInitialize(t *testing.T, version string) string {
	t.Helper()
	cmd := exec.Command(stdio.Binary(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PAPERCLIP_API_URL=http://127.0.0.1:9"}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	params := map[string]any{"capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "raw", "version": "0"}}
	if version != "" {
		params["protocolVersion"] = version
	}
	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
	_, err = io.WriteString(stdin, string(req)+"\n")
	require.NoError(t, err)

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		require.True(t, ok, "no answer on stdout; stderr: %s", stderr.String())
		var resp struct {
			Result *struct {
				ProtocolVersion string `json:"protocolVersion"`
			} `json:"result"`
			Error json.RawMessage `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &resp), line)
		require.NotNil(t, resp.Result, "initialize asking %q was refused: %s", version, line)
		return resp.Result.ProtocolVersion
	case <-time.After(10 * time.Second):
		t.Fatalf("no initialize answer in 10 s; stderr: %s", stderr.String())
	}
	return ""
}

// lockedBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
