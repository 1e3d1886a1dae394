package stdio_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

const (
	cancelKey   = "pcp_board_faultmatrixsecret0123456789"
	slowIssue   = "5e000000-0000-4000-8000-000000000001"
	fastIssue   = "5e000000-0000-4000-8000-000000000002"
	cancelCo    = "11111111-2222-4333-8444-555555555555"
	cancelReqID = 7
)

// TestCancelStopsUpstream: a tools/call the client cancels with
// notifications/cancelled stops its request to Paperclip (the stand-in sees
// the request's context end soon after), the server goes on serving, stdout
// carries JSON-RPC only, and an end of input afterwards is not held back
// waiting for an answer to the cancelled call.
func TestCancelStopsUpstream(t *testing.T) {
	started := make(chan string, 10)
	cancelled := make(chan time.Duration, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/health":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"status":"ok","version":"test"}`)
		case strings.Contains(r.URL.Path, slowIssue):
			t0 := time.Now()
			started <- r.URL.Path
			select {
			case <-r.Context().Done():
				cancelled <- time.Since(t0)
			case <-time.After(25 * time.Second):
				w.WriteHeader(http.StatusGatewayTimeout)
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":"injected"}`)
		}
	}))
	defer srv.Close()

	cmd := exec.Command(stdio.Binary(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"PAPERCLIP_API_URL=" + srv.URL, "PAPERCLIP_API_KEY=" + cancelKey, "PAPERCLIP_COMPANY_ID=" + cancelCo,
		"PAPERCLIP_MCP_TIMEOUT=30s", "PAPERCLIP_MCP_SECRETS_DIR=" + t.TempDir()}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	var stderrMu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		stderrMu.Lock()
		defer stderrMu.Unlock()
		return stderr.Write(p)
	})
	stderrText := func() string {
		stderrMu.Lock()
		defer stderrMu.Unlock()
		return stderr.String()
	}
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()

	// Every stdout line must be one JSON-RPC 2.0 message.
	responses := make(chan map[string]any, 20)
	var badLines []string
	var linesMu sync.Mutex
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			var m map[string]any
			if json.Unmarshal(line, &m) != nil || m["jsonrpc"] != "2.0" {
				linesMu.Lock()
				badLines = append(badLines, string(line))
				linesMu.Unlock()
				continue
			}
			if strings.Contains(string(line), cancelKey) {
				linesMu.Lock()
				badLines = append(badLines, "holds the API key: "+string(line))
				linesMu.Unlock()
			}
			if _, ok := m["id"]; ok && m["method"] == nil {
				responses <- m
			}
		}
	}()
	send := func(v any) {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		_, err = stdin.Write(append(b, '\n'))
		require.NoError(t, err)
	}
	await := func(id int, within time.Duration) map[string]any {
		deadline := time.After(within)
		for {
			select {
			case m := <-responses:
				if fmt.Sprint(m["id"]) == fmt.Sprint(id) {
					return m
				}
				t.Logf("response to id %v while waiting for %d: %v", m["id"], id, m)
			case <-deadline:
				return nil
			}
		}
	}

	send(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{
		"protocolVersion": "2025-11-25", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "cancel-test", "version": "0"}}})
	require.NotNil(t, await(1, 20*time.Second), "no initialize answer; stderr:\n%s", stderrText())
	send(map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"})

	send(map[string]any{"jsonrpc": "2.0", "id": cancelReqID, "method": "tools/call", "params": map[string]any{
		"name": "paperclip_get_issue", "arguments": map[string]any{"issueId": slowIssue}}})
	select {
	case p := <-started:
		t.Logf("upstream request started: %s", p)
	case <-time.After(15 * time.Second):
		t.Fatalf("the tool call never reached the stand-in; stderr:\n%s", stderrText())
	}
	sentAt := time.Now()
	send(map[string]any{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": map[string]any{"requestId": cancelReqID, "reason": "test"}})
	select {
	case held := <-cancelled:
		t.Logf("upstream request cancelled %v after the notification (held %v)", time.Since(sentAt).Round(time.Millisecond), held.Round(time.Millisecond))
		assert.Less(t, time.Since(sentAt), 3*time.Second, "the upstream request must stop soon after the cancel")
	case <-time.After(5 * time.Second):
		t.Errorf("the upstream request was not cancelled within 5 s of notifications/cancelled")
	}

	// The server goes on serving.
	send(map[string]any{"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": map[string]any{
		"name": "paperclip_get_issue", "arguments": map[string]any{"issueId": fastIssue}}})
	res := await(8, 15*time.Second)
	require.NotNil(t, res, "no answer to the call after the cancelled one")
	result, _ := res["result"].(map[string]any)
	require.NotNil(t, result, "a tool error, not a protocol error: %v", res)
	assert.Equal(t, true, result["isError"])
	assert.Contains(t, fmt.Sprint(result["content"]), "HTTP 500")

	// The cancelled call: the spec says its answer should not be sent;
	// either way, an end of input must not wait for it.
	if m := await(cancelReqID, 500*time.Millisecond); m != nil {
		t.Logf("the cancelled call was answered anyway: %v", m)
	}
	closedAt := time.Now()
	require.NoError(t, stdin.Close())
	select {
	case <-exited:
		t.Logf("exited %v after end of input", time.Since(closedAt).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Errorf("the server did not exit within 10 s of end of input after a cancelled call (drain waiting for an answer that never comes?)")
		_ = cmd.Process.Kill()
		<-exited
	}
	<-readDone
	linesMu.Lock()
	defer linesMu.Unlock()
	assert.Empty(t, badLines, "stdout must carry JSON-RPC messages only")
	assert.NotContains(t, stderrText(), cancelKey, "the key must never be logged")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
