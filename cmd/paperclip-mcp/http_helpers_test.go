package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain lets a test start this package's binary as the real command:
// with PAPERCLIP_MCP_TEST_CHILD=1 the test binary is main(), flags and all
// (the shutdown test sends it a real SIGTERM).
func TestMain(m *testing.M) {
	if os.Getenv("PAPERCLIP_MCP_TEST_CHILD") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

const (
	companyA = "11111111-2222-4333-8444-555555555555"
	companyB = "22222222-2222-4333-8444-555555555555"
	// companyEcho: the stand-in answers 400 with the caller's Authorization in the body.
	companyEcho = "33333333-2222-4333-8444-555555555555"
	// companySlow: the stand-in holds the answer until the test releases it.
	companySlow = "44444444-2222-4333-8444-555555555555"

	standInVersion = "9.9.9-standin"
	protoVersion   = "2025-11-25"
)

// seen is one request as the stand-in Paperclip received it.
type seen struct{ Method, Path, Auth string }

// standIn is Paperclip on loopback: /api/health answers, a company's runs
// are an empty list, and every request is recorded with its Authorization.
type standIn struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []seen
	arrived chan struct{} // a request for companySlow arrived
	release chan struct{} // close to let it answer
	once    sync.Once
	health  bool // false: /api/health answers 500
}

func newStandIn(t *testing.T) *standIn {
	t.Helper()
	p := &standIn{arrived: make(chan struct{}, 16), release: make(chan struct{}), health: true}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() { p.Release(); p.Close() })
	return p
}

func (p *standIn) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.reqs = append(p.reqs, seen{r.Method, r.URL.Path, r.Header.Get("Authorization")})
	health := p.health
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/api/health":
		if !health {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":"database down"}`)
			return
		}
		_, _ = fmt.Fprintf(w, `{"status":"ok","version":%q,"deploymentMode":"local_trusted"}`, standInVersion)
	case strings.Contains(r.URL.Path, companyEcho):
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "bad credentials: " + r.Header.Get("Authorization")})
	case strings.Contains(r.URL.Path, companySlow):
		p.arrived <- struct{}{}
		select {
		case <-p.release:
		case <-time.After(10 * time.Second):
		}
		_, _ = io.WriteString(w, `[]`)
	default:
		_, _ = io.WriteString(w, `[]`)
	}
}

// Release lets every held request answer.
func (p *standIn) Release() { p.once.Do(func() { close(p.release) }) }

func (p *standIn) setHealth(ok bool) { p.mu.Lock(); p.health = ok; p.mu.Unlock() }

// requests is what reached the stand-in, /api/health (the start probe) left out.
func (p *standIn) requests() []seen {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []seen{}
	for _, s := range p.reqs {
		if s.Path != "/api/health" {
			out = append(out, s)
		}
	}
	return out
}

// authsFor is every Authorization the stand-in saw on paths containing part.
func (p *standIn) authsFor(part string) []string {
	out := []string{}
	for _, s := range p.requests() {
		if strings.Contains(s.Path, part) {
			out = append(out, s.Auth)
		}
	}
	return out
}

// httpConfig is parseConfig's Config for args and env, against api.
func httpConfig(t *testing.T, api string, args []string, e map[string]string) Config {
	t.Helper()
	m := map[string]string{"PAPERCLIP_API_URL": api}
	for k, v := range e {
		m[k] = v
	}
	cfg, done, err := parseConfig(args, env(m), &bytes.Buffer{})
	require.NoError(t, err)
	require.False(t, done)
	require.NotEmpty(t, cfg.HTTP.Addr, "an HTTP config")
	return cfg
}

// mcpServer is httpHandler for cfg, built as run builds it, on a loopback
// httptest server; its log (debug level) is the returned buffer.
func mcpServer(t *testing.T, cfg Config) (*httptest.Server, *syncBuf) {
	t.Helper()
	var log syncBuf
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, c, err := newServer(cfg, logger)
	require.NoError(t, err)
	srv := httptest.NewServer(httpHandler(cfg, s, c, logger))
	t.Cleanup(srv.Close)
	return srv, &log
}

// answer is one HTTP answer to a JSON-RPC POST: the JSON-RPC message is
// read from a JSON body or from the SSE event that carries the response.
type answer struct {
	Status int
	Header http.Header
	Body   string
	Msg    struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
}

// text is a tools/call result's text blocks, and whether it is a tool error.
func (a answer) text(t *testing.T) (string, bool) {
	t.Helper()
	require.NotNil(t, a.Msg.Result, "a result: %s", a.Body)
	var r struct {
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
		IsError bool `json:"isError"`
	}
	require.NoError(t, json.Unmarshal(a.Msg.Result, &r))
	var b strings.Builder
	for _, c := range r.Content {
		b.WriteString(c.Text)
	}
	return b.String(), r.IsError
}

// toolNames is a tools/list result's names.
func (a answer) toolNames(t *testing.T) []string {
	t.Helper()
	require.NotNil(t, a.Msg.Result, "a result: %s", a.Body)
	var r struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(a.Msg.Result, &r))
	out := []string{}
	for _, tool := range r.Tools {
		out = append(out, tool.Name)
	}
	return out
}

// post sends one JSON-RPC message to url as an MCP client does; hdr adds
// or replaces headers ("" value: remove).
func post(t *testing.T, url, body string, hdr map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", protoVersion)
	for k, v := range hdr {
		switch {
		case strings.EqualFold(k, "Host"):
			req.Host = v
		case v == "":
			req.Header.Del(k)
		default:
			req.Header.Set(k, v)
		}
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	a := answer{Status: res.StatusCode, Header: res.Header, Body: string(b)}
	data := b
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		data = nil
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data:"); ok && strings.Contains(d, `"id"`) &&
				(strings.Contains(d, `"result"`) || strings.Contains(d, `"error"`)) {
				data = []byte(strings.TrimSpace(d))
			}
		}
	}
	if len(bytes.TrimSpace(data)) > 0 && data[0] == '{' {
		_ = json.Unmarshal(data, &a.Msg)
	}
	return a
}

func initialize(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, id, protoVersion)
}

func listTools(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list","params":{}}`, id)
}

func callTool(id int, name string, args map[string]any) string {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": map[string]any{"name": name, "arguments": args}})
	return string(b)
}

// listRuns is a tools/call of paperclip_list_heartbeat_runs for company.
func listRuns(id int, company string) string {
	return callTool(id, "paperclip_list_heartbeat_runs", map[string]any{"companyId": company, "response_format": "json"})
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting: "+what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
