package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnvAndFlags(t *testing.T) {
	var stderr bytes.Buffer
	cfg, done, err := parseConfig([]string{"--timeout", "5s", "--agent-id", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"}, env(map[string]string{
		"PAPERCLIP_API_URL":    "http://127.0.0.1:3199/api/",
		"PAPERCLIP_API_KEY":    " pcp_board_x ",
		"PAPERCLIP_COMPANY_ID": "11111111-2222-4333-8444-555555555555",
		"PAPERCLIP_AGENT_ID":   "00000000-0000-4000-8000-000000000001",
		"PAPERCLIP_RUN_ID":     "not-a-uuid",
	}), &stderr)
	require.NoError(t, err)
	assert.False(t, done)
	assert.Equal(t, "http://127.0.0.1:3199", cfg.APIURL)
	assert.Equal(t, "pcp_board_x", cfg.APIKey)
	assert.Equal(t, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", cfg.AgentID, "flags override env")
	assert.Equal(t, 5*time.Second, cfg.Timeout)
	assert.Equal(t, "not-a-uuid", cfg.RunID, "kept, but never sent (the client checks)")
}

func TestDefaults(t *testing.T) {
	cfg, _, err := parseConfig(nil, env(nil), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:3100", cfg.APIURL)
	assert.Empty(t, cfg.APIKey)
	assert.Equal(t, 30*time.Second, cfg.Timeout)
}

func TestKeyFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(f, []byte("pcp_from_file\n"), 0o600))
	cfg, _, err := parseConfig([]string{"--api-key-file", f}, env(map[string]string{"PAPERCLIP_API_KEY": "pcp_env"}), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "pcp_from_file", cfg.APIKey)
}

func TestBadConfigStopsWithOneLine(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"url":     {nil, map[string]string{"PAPERCLIP_API_URL": "localhost:3100"}, "must start with http:// or https://"},
		"company": {nil, map[string]string{"PAPERCLIP_COMPANY_ID": "acme"}, "PAPERCLIP_COMPANY_ID \"acme\" is not a UUID"},
		"agent":   {[]string{"--agent-id", "bob"}, nil, "PAPERCLIP_AGENT_ID \"bob\" is not a UUID"},
		"timeout": {[]string{"--timeout", "soon"}, nil, "not a positive duration"},
		"level":   {nil, map[string]string{"PAPERCLIP_MCP_LOG_LEVEL": "loud"}, "log level"},
		"flag":    {[]string{"--nope"}, nil, "flag provided but not defined"},
		"arg":     {[]string{"extra"}, nil, "unexpected argument"},
		"keyfile": {[]string{"--api-key-file", "/nonexistent/key"}, nil, "cannot read --api-key-file"},
		"space":   {nil, map[string]string{"PAPERCLIP_API_KEY": "pcp a b"}, "white space"},
		"toolset": {[]string{"--toolsets", "runs,isues"}, nil, `unknown toolset "isues"; valid toolsets: default, all, identity, issues, comments`},
		"envset":  {nil, map[string]string{"PAPERCLIP_TOOLSETS": "everything"}, `unknown toolset "everything"`},
		"tool":    {[]string{"--tools", "paperclip_nope"}, nil, `unknown tool "paperclip_nope"; valid tools: paperclip_`},
		"exclude": {[]string{"--exclude-tools", "nope"}, nil, `unknown tool "nope"`},
		"ro":      {nil, map[string]string{"PAPERCLIP_READ_ONLY": "maybe"}, `PAPERCLIP_READ_ONLY "maybe" is not true or false`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, env(tc.env), strings.NewReader(""), &stdout, &stderr)
		assert.Equal(t, 2, code, name)
		assert.Empty(t, stdout.String(), "%s: stdout is for JSON-RPC only", name)
		assert.Contains(t, stderr.String(), tc.want, name)
		if name != "flag" { // the flag package adds its usage
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, "%s: one line: %q", name, stderr.String())
		}
		assert.NotContains(t, stderr.String(), "pcp a b", "%s: never echo a key", name)
	}
}

// TestSelectionAtStart: what is served is decided at start from flags and
// env, and a tool that is not selected is not registered.
func TestSelectionAtStart(t *testing.T) {
	names := func(cfg Config) []string {
		out := []string{}
		for _, t := range cfg.Tools {
			out = append(out, t.Spec.Name)
		}
		return out
	}
	cfg, _, err := parseConfig(nil, env(nil), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Contains(t, names(cfg), "paperclip_diagnose_run")
	assert.NotContains(t, names(cfg), "paperclip_cloud_push", "cloud is opt-in")

	cfg, _, err = parseConfig([]string{"--read-only", "--toolsets", "all"}, env(nil), &bytes.Buffer{})
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Tools)
	for _, tool := range cfg.Tools {
		assert.True(t, tool.Spec.Access.ReadOnly(), "read-only serves %s", tool.Spec.Name)
	}

	cfg, _, err = parseConfig(nil, env(map[string]string{"PAPERCLIP_TOOLSETS": "runs", "PAPERCLIP_API_KEY": "pcp_agentkey123", "PAPERCLIP_TOOLS": "paperclip_get_agent"}), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Contains(t, names(cfg), "paperclip_get_agent")
	assert.NotContains(t, names(cfg), "paperclip_cancel_heartbeat_run", "an agent key gets no board-only tool unless named")
	assert.NotContains(t, names(cfg), "paperclip_list_agents")

	// Over the protocol: an unselected tool is not listed and cannot be called.
	in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n" +
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"paperclip_cancel_heartbeat_run","arguments":{"runId":"00000000-0000-4000-8000-000000000001"}}}` + "\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--read-only", "--api-url", "http://127.0.0.1:9"}, env(nil), in, &stdout, &stderr)
	assert.Equal(t, 0, code)
	out := stdout.String()
	assert.Contains(t, out, `"paperclip_diagnose_run"`)
	assert.NotContains(t, out, `"name":"paperclip_cancel_heartbeat_run"`)
	assert.Contains(t, out, `"id":3,"error"`, "calling an unregistered tool is a protocol error: %s", out)
}

func TestVersionAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run([]string{"--version"}, env(nil), strings.NewReader(""), &stdout, &stderr))
	assert.Contains(t, stderr.String(), "paperclip-mcp "+version)
	assert.Empty(t, stdout.String())
	stderr.Reset()
	assert.Equal(t, 0, run([]string{"--help"}, env(nil), strings.NewReader(""), &stdout, &stderr))
	assert.Contains(t, stderr.String(), "PAPERCLIP_API_URL")
	assert.Empty(t, stdout.String())
}

func TestServesStdioUntilEOF(t *testing.T) {
	in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"server/discover","params":{}}` + "\n" +
		`{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--api-key-file", writeKey(t, "pcp_board_supersecretvalue")}, env(map[string]string{"PAPERCLIP_MCP_LOG_LEVEL": "debug"}), in, &stdout, &stderr)
	assert.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 3, stdout.String())
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, `{"jsonrpc":"2.0"`), "stdout carries JSON-RPC only: %q", l)
	}
	assert.Contains(t, stdout.String(), `"id":1,"result":{"protocolVersion":"2025-03-26"`)
	assert.Contains(t, stdout.String(), `"id":2,"error":{"code":-32601`)
	assert.Contains(t, stdout.String(), `"id":3,"result":{"protocolVersion":"2025-11-25"`, "no version asked: 2025-11-25")
	assert.NotContains(t, stderr.String(), "supersecretvalue")
	assert.Contains(t, stderr.String(), "auth=\"board key\"")
}

func writeKey(t *testing.T, key string) string {
	f := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(f, []byte(key), 0o600))
	return f
}

// TestEndOfInputWaitsForAnswers: a client that writes its requests and
// closes stdin still gets every answer, even of a slow tool call.
func TestEndOfInputWaitsForAnswers(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer slow.Close()
	in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"paperclip_list_heartbeat_runs","arguments":{"companyId":"11111111-2222-4333-8444-555555555555"}}}` + "\n")
	var stdout syncBuf
	var stderr bytes.Buffer
	code := run(nil, env(map[string]string{"PAPERCLIP_API_URL": slow.URL}), in, &stdout, &stderr)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout.String(), `"id":"call-1","result"`, "the answer to the last call was not lost")
	assert.Contains(t, stdout.String(), `"total":0`)
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// idOf reads a response's id from the keys before its result, and agrees
// with a full parse on every shape.
func TestIDOfReadsTheLeadingKeys(t *testing.T) {
	for line, want := range map[string]struct {
		id  string
		req bool
	}{
		`{"jsonrpc":"2.0","id":7,"result":{"content":[]}}`:           {"7", false},
		`{"jsonrpc":"2.0","id":"a","error":{"code":-32601}}`:         {`"a"`, false},
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{}}`: {"3", true},
		`{"jsonrpc":"2.0","method":"tools/list","id":4}`:             {"4", true},
		`{"result":{},"id":9,"jsonrpc":"2.0"}`:                       {"9", false},
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`:     {"", false},
		`{"jsonrpc":"2.0","id":null,"result":{}}`:                    {"", false},
		`not json`: {"", false},
		`{"jsonrpc":"2.0","id":5,"method":"ping"}`:                      {"5", true},
		`{"id":6,"result":{"x":"` + strings.Repeat("y", 100000) + `"}}`: {"6", false},
	} {
		id, req := idOf([]byte(line))
		fid, freq := fullIDOf([]byte(line))
		assert.Equal(t, want.id, id, line[:min(len(line), 60)])
		assert.Equal(t, want.req, req, line[:min(len(line), 60)])
		assert.Equal(t, fid, id, "as a full parse")
		assert.Equal(t, freq, req, "as a full parse")
	}
}

// The drain answers a second tools/list from the first answer's bytes: the
// server behind it sees one, the client gets both, each with its own id.
func TestDrainAnswersToolsListOnce(t *testing.T) {
	// A client that sends each request after the answer to the one before.
	pr, pw := io.Pipe()
	var out syncBuf
	go func() {
		for i, l := range []string{`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`, `{"jsonrpc":"2.0","id":2,"method":"ping"}`,
			`{"jsonrpc":"2.0","id":"b","method":"tools/list"}`, `{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"cursor":"x"}}`} {
			for strings.Count(out.String(), "\n") < i {
				time.Sleep(time.Millisecond)
			}
			_, _ = pw.Write([]byte(l + "\n"))
		}
		for strings.Count(out.String(), "\n") < 4 {
			time.Sleep(time.Millisecond)
		}
		_ = pw.Close()
	}()
	d := newDrain(pr, &out, time.Second, nil)
	seen := serveDrain(t, d, func(method string) string {
		if method == "tools/list" {
			return `{"tools":[{"name":"t"}]}`
		}
		return `{}`
	})
	assert.Len(t, seen, 3, "the second cursor-less tools/list never reached the server")
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, got, 4)
	assert.Contains(t, got, `{"jsonrpc":"2.0","id":"b","result":{"tools":[{"name":"t"}]}}`)
	assert.Contains(t, got, `{"jsonrpc":"2.0","id":4,"result":{"tools":[{"name":"t"}]}}`, "a paged request goes to the server")
}

// Destructive calls ask the person unless told not to, and not inside a
// heartbeat run (a run id is set), where no one answers.
func TestConfirmDefaults(t *testing.T) {
	const run = "99999999-2222-4333-8444-555555555555"
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want bool
	}{
		{nil, nil, true},
		{nil, map[string]string{"PAPERCLIP_RUN_ID": run}, false},
		{[]string{"--run-id", run}, nil, false},
		{nil, map[string]string{"PAPERCLIP_RUN_ID": run, "PAPERCLIP_MCP_CONFIRM": "true"}, true},
		{[]string{"--confirm"}, map[string]string{"PAPERCLIP_RUN_ID": run}, true},
		{nil, map[string]string{"PAPERCLIP_MCP_CONFIRM": "false"}, false},
		{[]string{"--confirm=false"}, nil, false},
	} {
		cfg, _, err := parseConfig(tc.args, env(tc.env), &bytes.Buffer{})
		require.NoError(t, err)
		assert.Equal(t, tc.want, cfg.Confirm, "%v %v", tc.args, tc.env)
	}
	_, _, err := parseConfig(nil, env(map[string]string{"PAPERCLIP_MCP_CONFIRM": "maybe"}), &bytes.Buffer{})
	assert.ErrorContains(t, err, `PAPERCLIP_MCP_CONFIRM "maybe" is not true or false`)
}

// serveDrain plays the server behind d until its input ends: it reads each
// request d hands on and writes the result answer gives for its method. It
// returns the methods it saw, in order.
func serveDrain(t *testing.T, d *drain, answer func(method string) string) []string {
	t.Helper()
	var seen []string
	r := bufio.NewReader(d)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			require.NoError(t, json.Unmarshal(line, &m))
			seen = append(seen, m.Method)
			_, _ = d.Write([]byte(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":` + answer(m.Method) + "}\n"))
		}
		if err != nil {
			return seen
		}
	}
}

// With its own list bytes, drain answers the first tools/list itself when
// nothing else is pending, and leaves it to the server when something is
// (a client that sends initialize and tools/list at once gets them in order).
func TestDrainWritesTheFirstToolsListItself(t *testing.T) {
	serve := func(t *testing.T, lines []string) (seen []string, out string, made int) {
		pr, pw := io.Pipe()
		var buf syncBuf
		go func() {
			for _, l := range lines {
				_, _ = pw.Write([]byte(l))
				for strings.Count(buf.String(), "\n") < strings.Count(l, "\n") {
					time.Sleep(time.Millisecond)
				}
				buf.mu.Lock()
				buf.b.Reset()
				buf.mu.Unlock()
			}
			_ = pw.Close()
		}()
		var all syncBuf
		d := newDrain(pr, io.MultiWriter(&buf, &all), time.Second, nil)
		d.list = func() []byte { made++; return []byte(`"result":{"tools":[{"name":"own"}]}}`) }
		seen = serveDrain(t, d, func(string) string { return `{"tools":[{"name":"server"}]}` })
		return seen, all.String(), made
	}
	const list1, list2 = `{"jsonrpc":"2.0","id":1,"method":"tools/list"}` + "\n", `{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n"
	seen, out, made := serve(t, []string{list1, list2})
	assert.Empty(t, seen, "the server never saw a tools/list")
	assert.Equal(t, 1, made)
	assert.Equal(t, `{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"own"}]}}`+"\n"+`{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"own"}]}}`+"\n", out)

	seen, out, made = serve(t, []string{`{"jsonrpc":"2.0","id":0,"method":"initialize"}` + "\n" + list1, list2})
	assert.Equal(t, []string{"initialize", "tools/list"}, seen, "with initialize pending, the server answers the list")
	assert.Zero(t, made)
	assert.Contains(t, out, `{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"server"}]}}`, "and its answer serves the next")
}
