package integration

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// runScript runs `bash examples/run.sh` the way a host does: env is its whole
// environment besides PATH and HOME, stdin gets initialize and then each of
// calls, and every stdout line must be JSON-RPC. It returns the answers by
// id, everything said on stderr, and the exit error (nil on a clean exit).
func runScript(t *testing.T, env map[string]string, wait time.Duration, calls ...map[string]any) (map[int]json.RawMessage, string, error) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(stdio.RepoRoot(), "examples", "run.sh"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())

	msgs := []map[string]any{
		{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{
			"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "runscript-test", "version": "0"}}},
		{"jsonrpc": "2.0", "method": "notifications/initialized"},
	}
	for i, c := range calls {
		msgs = append(msgs, map[string]any{"jsonrpc": "2.0", "id": i + 2, "method": "tools/call", "params": c})
	}
	go func() {
		for _, m := range msgs {
			b, _ := json.Marshal(m)
			if _, err := stdin.Write(append(b, '\n')); err != nil {
				return
			}
		}
	}()

	answers := map[int]json.RawMessage{}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(wait)
read:
	for len(answers) < 1+len(calls) {
		select {
		case line, ok := <-lines:
			if !ok {
				break read
			}
			var m struct {
				JSONRPC string          `json:"jsonrpc"`
				ID      int             `json:"id"`
				Result  json.RawMessage `json:"result"`
			}
			require.NoError(t, json.Unmarshal([]byte(line), &m), "stdout carries JSON-RPC only; got %q\nstderr:\n%s", line, stderr.String())
			require.Equal(t, "2.0", m.JSONRPC, line)
			answers[m.ID] = m.Result
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("no answer within %s; stderr:\n%s", wait, stderr.String())
		}
	}
	_ = stdin.Close()
	done := make(chan error, 1)
	go func() {
		for range lines { // drain, so that the server can exit
		}
		done <- cmd.Wait()
	}()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		err = <-done
		t.Errorf("run.sh did not exit within 20 s of stdin closing")
	}
	return answers, stderr.String(), err
}

// ourPaperclipRuns says whether the state dir of port runs a Paperclip that
// test/paperclip/up.sh started (its pid file names a live process).
func ourPaperclipRuns(port int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/var/tmp/paperclip-mcp/state-%d/server.pid", port))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && syscall.Kill(pid, 0) == nil
}

func companyIDsAt(t *testing.T, origin string) []string {
	t.Helper()
	res, err := http.Get(origin + "/api/companies")
	require.NoError(t, err)
	defer res.Body.Close()
	var cs []struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&cs))
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestRunScriptMovesOffABusyPort is what a new user hit: `make run` on a
// machine where 127.0.0.1:3199 is taken. Without PAPERCLIP_PORT the script
// reuses a Paperclip of ours there, else moves to the next free port, says
// so, and the hint it prints names that port. The server then answers over
// clean stdout, with what the REST API of that Paperclip says.
func TestRunScriptMovesOffABusyPort(t *testing.T) {
	requireServer(t) // the install is cached by the harness, so a start takes seconds
	before := map[int]bool{}
	for p := 3199; p <= 3218; p++ {
		before[p] = ourPaperclipRuns(p)
	}
	wantMove := !before[3199]
	if l, err := net.Listen("tcp", "127.0.0.1:3199"); err == nil {
		t.Cleanup(func() { _ = l.Close() })
		t.Log("holding 127.0.0.1:3199 with a plain listener, as another program would")
	} else if before[3199] {
		t.Log("a Paperclip of ours runs on 3199: the script must reuse it")
	} else {
		t.Log("another program holds 127.0.0.1:3199 already")
	}

	answers, stderr, err := runScript(t, nil, 4*time.Minute,
		map[string]any{"name": "paperclip_list_companies", "arguments": map[string]any{"response_format": "json"}})
	t.Logf("stderr:\n%s", stderr)
	require.NoError(t, err)
	assert.NotContains(t, stderr, "unbound variable")
	m := regexp.MustCompile(`using a local real Paperclip on 127\.0\.0\.1:(\d+)`).FindStringSubmatch(stderr)
	require.NotNil(t, m, "the script names the port it uses")
	port, _ := strconv.Atoi(m[1])
	if !before[port] {
		t.Cleanup(func() {
			out, err := exec.Command("bash", filepath.Join(stdio.RepoRoot(), "test", "paperclip", "down.sh"),
				fmt.Sprintf("/var/tmp/paperclip-mcp/state-%d", port)).CombinedOutput()
			assert.NoError(t, err, string(out))
		})
	}
	if wantMove {
		assert.NotEqual(t, 3199, port)
		if before[port] {
			assert.Contains(t, stderr, fmt.Sprintf("reusing the local Paperclip of ours on 127.0.0.1:%d", port))
		} else {
			assert.Contains(t, stderr, fmt.Sprintf("127.0.0.1:3199 is in use by another program: using 127.0.0.1:%d", port))
		}
		assert.Contains(t, stderr, fmt.Sprintf("claude mcp add paperclip -e PAPERCLIP_PORT=%d", port), "the hint works when pasted")
		assert.Contains(t, stderr, fmt.Sprintf("make stop PAPERCLIP_PORT=%d", port))
	} else {
		assert.Equal(t, 3199, port)
	}

	var res struct {
		StructuredContent struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		} `json:"structuredContent"`
		IsError bool `json:"isError"`
	}
	require.NoError(t, json.Unmarshal(answers[2], &res), string(answers[2]))
	require.False(t, res.IsError, string(answers[2]))
	got := []string{}
	for _, c := range res.StructuredContent.Items {
		got = append(got, c.ID)
	}
	rest := companyIDsAt(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	assert.NotEmpty(t, rest, "the script makes a demo company when there is none")
	assert.ElementsMatch(t, rest, got, "the tool lists what REST lists on that port")
	assert.Contains(t, stderr, "-e PAPERCLIP_COMPANY_ID=", "the hint names the company the server is scoped to")
}

// TestRunScriptStopsAtAnExplicitBusyPort: with PAPERCLIP_PORT given, the
// script does not move; it stops with one line naming the port and the knob,
// prints nothing on stdout, and exits non-zero.
func TestRunScriptStopsAtAnExplicitBusyPort(t *testing.T) {
	requireServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	port := l.Addr().(*net.TCPAddr).Port

	cmd := exec.Command("bash", filepath.Join(stdio.RepoRoot(), "examples", "run.sh"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PAPERCLIP_PORT=" + strconv.Itoa(port)}
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	t.Logf("stderr:\n%s", stderr.String())
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the script fails: %v", err)
	assert.Empty(t, stdout.String(), "stdout is the protocol stream")
	assert.Contains(t, stderr.String(), fmt.Sprintf("127.0.0.1:%d is in use by another program; set PAPERCLIP_PORT to a free port", port))
	assert.NotContains(t, stderr.String(), "unbound variable")
}

// TestRunScriptWithAGivenURL: with PAPERCLIP_API_URL the script starts
// nothing, serves at once, and the hint repeats the URL (never a key).
func TestRunScriptWithAGivenURL(t *testing.T) {
	requireServer(t)
	answers, stderr, err := runScript(t, map[string]string{"PAPERCLIP_API_URL": baseURL, "PAPERCLIP_API_KEY": "pcp_secret_never_shown"}, time.Minute)
	t.Logf("stderr:\n%s", stderr)
	require.NoError(t, err)
	require.Contains(t, string(answers[1]), `"serverInfo"`)
	assert.Contains(t, stderr, "claude mcp add paperclip -e PAPERCLIP_API_URL="+baseURL+" -e PAPERCLIP_API_KEY=<your key> -- bash ")
	assert.NotContains(t, stderr, "pcp_secret_never_shown")
	assert.NotContains(t, stderr, "local real Paperclip")
}

// TestRunScriptServesHTTP: `make run ARGS='--http ADDR'` serves Streamable
// HTTP at ADDR/mcp against the given Paperclip, the hint is the URL to add,
// and SIGTERM stops it with exit status 0.
func TestRunScriptServesHTTP(t *testing.T) {
	requireServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	cmd := exec.Command("bash", filepath.Join(stdio.RepoRoot(), "examples", "run.sh"), "--http", addr)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PAPERCLIP_API_URL=" + baseURL}
	stderr := &lockedBuffer{}
	cmd.Stderr, cmd.Stdout = stderr, stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	deadline := time.Now().Add(60 * time.Second) // the script may build the binary first
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "no /healthz within 60 s; output:\n%s", stderr.String())
		time.Sleep(100 * time.Millisecond)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/mcp", strings.NewReader(
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"paperclip_list_companies","arguments":{"response_format":"json"}}}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body struct {
		Result struct {
			IsError           bool           `json:"isError"`
			StructuredContent map[string]any `json:"structuredContent"`
		} `json:"result"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.False(t, body.Result.IsError, "%+v", body)
	assert.NotEmpty(t, body.Result.StructuredContent)

	out := stderr.String()
	assert.Contains(t, out, "serving MCP over Streamable HTTP at http://"+addr+"/mcp")
	assert.Contains(t, out, "claude mcp add --transport http paperclip http://"+addr+"/mcp")
	assert.NotContains(t, out, "serving MCP on stdio")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "exit status 0 after SIGTERM; output:\n%s", stderr.String())
	case <-time.After(40 * time.Second):
		t.Fatalf("not stopped within 40 s of SIGTERM")
	}
}
