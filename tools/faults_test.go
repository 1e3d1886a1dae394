package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// The fault matrix: a stand-in for Paperclip that answers every request with
// one fault (refused connection, reset, timeout, trickle, 5xx, 429, bodies of
// the wrong kind or size), and every read tool plus a sample of the write
// tools of every toolset called against each. Each call must end in a tool
// error (never a protocol error, never a panic) whose text says what
// happened and what to do, without the API key; GETs must be retried as
// client.shouldRetry says and writes never; a huge body must be refused after
// a bounded read; and the same tool must work again once the fault clears.

const (
	faultKey     = "pcp_board_faultmatrixsecret0123456789"
	faultQuery   = "qsecretfaultmatrix77" // sent in a query string: never in an error
	faultUUID    = "fa000000-0000-4000-8000-000000000001"
	faultRetries = 2
	faultTimeout = 300 * time.Millisecond
	hugeBytes    = 50 << 20
)

// faultKind is one way Paperclip can misbehave.
type faultKind struct {
	Name string
	// Retried: a GET that meets this fault is tried 1+faultRetries times.
	Retried bool
	// Body: a 2xx answer whose body is wrong; a tool that takes any bytes
	// (a download, a log) may succeed, and that success is valid.
	Body bool
	// Sample: slow; run on a few tools only.
	Sample bool
	// Want: fragments that must all be in the error text; Next: one of them
	// must be (the next step).
	Want []string
	Next []string
	// MinTime / MaxTime bound how long a GET call takes (the waits of the
	// retry policy); zero: unchecked.
	MinTime, MaxTime time.Duration
	serve            func(l *faultLane, w http.ResponseWriter, r *http.Request)
}

func echoAuth(r *http.Request) string {
	// A broken server that echoes the credentials it got: the scrubber must
	// keep them out of every result.
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func writeRaw(w http.ResponseWriter, status int, ctype, body string) {
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func waitCtx(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-time.After(d):
	}
}

// bodyNext: what an error about an unusable answer should say to do.
var bodyNext = []string{"call again", "Call again", "Check", "check", "report"}

var transportNext = []string{"Check that the server is running", "Call again", "call again"}

var faultKinds = []*faultKind{
	{Name: "refused", Retried: true, Want: []string{"Paperclip is not reachable at"}, Next: []string{"Check that the server is running and that PAPERCLIP_API_URL points at it"}},
	{Name: "reset-mid-body", Retried: true, Want: []string{"Paperclip"}, Next: transportNext,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"id\":\"" + faultUUID + "\",\"title\":\"cut he")
			_ = buf.Flush()
			_ = conn.Close()
		}},
	{Name: "timeout-before-headers", Retried: true, Want: []string{"did not answer in time"}, Next: []string{"Call again"},
		MinTime: (1 + faultRetries) * faultTimeout,
		serve: func(_ *faultLane, _ http.ResponseWriter, r *http.Request) {
			waitCtx(r, 10*faultTimeout)
		}},
	{Name: "trickle", Retried: true, Want: []string{"did not answer in time"}, Next: []string{"Call again"},
		MinTime: (1 + faultRetries) * faultTimeout,
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			body := `[{"id":"` + faultUUID + `","title":"` + strings.Repeat("slow ", 200)
			for i := 0; i < len(body); i++ {
				if _, err := w.Write([]byte{body[i]}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(faultTimeout / 10):
				}
			}
		}},
	{Name: "500", Want: []string{"Paperclip failed with HTTP 500"}, Next: []string{"call again later"},
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, 500, "application/json", `{"error":"internal error for token `+echoAuth(r)+`"}`)
		}},
	{Name: "502", Retried: true, Want: []string{"Paperclip failed with HTTP 502"}, Next: []string{"call again later"},
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, 502, "text/html", `<html><body><h1>502 Bad Gateway</h1><p>`+echoAuth(r)+`</p></body></html>`)
		}},
	{Name: "503", Retried: true, Want: []string{"Paperclip failed with HTTP 503"}, Next: []string{"call again later"},
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, 503, "application/json", `{"message":"down for maintenance","code":"`+echoAuth(r)+`"}`)
		}},
	{Name: "504", Retried: true, Want: []string{"Paperclip failed with HTTP 504", "Gateway Timeout"}, Next: []string{"call again later"},
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) { writeRaw(w, 504, "", "") }},
	{Name: "429", Retried: true, Want: []string{"rate limiting (429", "Wait a few seconds"}, Next: []string{"call again"},
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 429, "application/json", `{"error":"Too many requests"}`)
		}},
	{Name: "429-retry-after-30", Want: []string{"rate limiting (429", "Wait 30 s"}, Next: []string{"call again"}, MaxTime: 5 * time.Second,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			writeRaw(w, 429, "application/json", `{"error":"Too many requests"}`)
		}},
	{Name: "429-retry-after-1", Retried: true, Sample: true, Want: []string{"rate limiting (429", "Wait 1 s"}, Next: []string{"call again"},
		MinTime: faultRetries * time.Second, MaxTime: faultRetries*time.Second + 3*time.Second,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeRaw(w, 429, "application/json", `{"error":"Too many requests"}`)
		}},
	{Name: "invalid-json", Body: true, Want: []string{"Paperclip answered HTTP 200 with a body that is not the expected JSON"}, Next: bodyNext,
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, 200, "application/json", `{"id": "`+faultUUID+`", "title": "half`+echoAuth(r))
		}},
	{Name: "html-200", Body: true, Want: []string{"Paperclip answered HTTP 200 with an HTML page"}, Next: bodyNext,
		serve: func(_ *faultLane, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, 200, "text/html; charset=utf-8", `<!doctype html><html><head><title>Sign in</title></head><body>Please sign in. `+echoAuth(r)+`</body></html>`)
		}},
	{Name: "shape-array", Body: true, Want: []string{"Paperclip answered HTTP 200 with"}, Next: bodyNext,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", `[{"id":5,"title":7},[1,2],"x"]`)
		}},
	{Name: "shape-id-number", Body: true, Want: []string{"Paperclip answered HTTP 200 with"}, Next: bodyNext,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", `{"id": 5}`)
		}},
	{Name: "empty-body", Body: true, Want: []string{"Paperclip answered HTTP 200 with an empty body"}, Next: bodyNext,
		serve: func(_ *faultLane, w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", "")
		}},
	{Name: "huge-50MB", Want: []string{"larger than 8 MiB"}, Next: []string{"Ask for less"},
		serve: func(l *faultLane, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			item := []byte(`{"id":"` + faultUUID + `","title":"` + strings.Repeat("x", 900) + `"},`)
			chunk := bytes.Repeat(item, 64)
			n, _ := w.Write([]byte("["))
			sent := n
			for sent < hugeBytes && r.Context().Err() == nil {
				n, err := w.Write(chunk)
				sent += n
				l.addWritten(n)
				if err != nil {
					return
				}
			}
		}},
}

// ---------------------------------------------------------------- the stand-in

// faultReq is one request the stand-in got.
type faultReq struct {
	Method, Path, RawQuery, Auth string
	Remote                       bool // sent to the cloud stack, not to Paperclip
}

// faultLane is the stand-in's state for one tool: its current fault (nil:
// healthy, answering Healthy) and the requests it received.
type faultLane struct {
	mu       sync.Mutex
	fault    *faultKind
	healthy  string
	reqs     []faultReq
	written  int64
	inflight int
	idleAt   time.Time
}

// quiet waits until no request of the lane is in flight and none started
// for a moment, so that a best-effort side read of a call (cut short when
// the call ends) is counted with that call, not the next.
func (l *faultLane) quiet() {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		idle := l.inflight == 0 && time.Since(l.idleAt) > 30*time.Millisecond
		l.mu.Unlock()
		if idle {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// awaitAttempts waits until some GET route of the lane was hit n times, or
// for at most d.
func (l *faultLane) awaitAttempts(n int, d time.Duration) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		l.mu.Lock()
		counts := map[string]int{}
		done := false
		for _, r := range l.reqs {
			if r.Method == http.MethodGet {
				counts[r.Path]++
				done = done || counts[r.Path] >= n
			}
		}
		l.mu.Unlock()
		if done || len(counts) == 0 { // all its attempts, or no GET to wait for
			return
		}
	}
}

func (l *faultLane) set(f *faultKind, healthy string) {
	l.mu.Lock()
	l.fault, l.healthy, l.reqs, l.written = f, healthy, nil, 0
	l.mu.Unlock()
}

func (l *faultLane) addWritten(n int) {
	l.mu.Lock()
	l.written += int64(n)
	l.mu.Unlock()
}

func (l *faultLane) snapshot() ([]faultReq, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]faultReq(nil), l.reqs...), l.written
}

// faultServer serves lanes under /lane/<name>/..., so that each tool has its
// own base URL (client.Config.BaseURL keeps a path) and its own counts.
type faultServer struct {
	srv   *httptest.Server
	mu    sync.Mutex
	lanes map[string]*faultLane
	// only: every path goes to this lane (a cloud stack, whose discovery
	// URL drops the path of remoteUrl).
	only string
}

func newFaultServer(t *testing.T) *faultServer {
	fs := &faultServer{lanes: map[string]*faultLane{}}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve)) // 127.0.0.1 only
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *faultServer) lane(name string) *faultLane {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.lanes[name] == nil {
		fs.lanes[name] = &faultLane{}
	}
	return fs.lanes[name]
}

func (fs *faultServer) laneURL(name string) string { return fs.srv.URL + "/lane/" + name }

func (fs *faultServer) serve(w http.ResponseWriter, r *http.Request) {
	name, p := fs.only, strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		rest, ok := strings.CutPrefix(r.URL.Path, "/lane/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		name, p, _ = strings.Cut(rest, "/")
	}
	l := fs.lane(name)
	l.mu.Lock()
	l.reqs = append(l.reqs, faultReq{Method: r.Method, Path: "/" + p, RawQuery: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Remote: fs.only != ""})
	f, healthy := l.fault, l.healthy
	l.inflight++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.inflight--
		l.idleAt = time.Now()
		l.mu.Unlock()
	}()
	if f == nil {
		writeRaw(w, 200, "application/json", healthy)
		return
	}
	f.serve(l, w, r)
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// syncLog collects what tools log, to check that the key is never in it.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func faultDeps(t *testing.T, url string, timeout time.Duration, logs *syncLog) *Deps {
	c, err := client.New(client.Config{BaseURL: url, APIKey: faultKey, Timeout: timeout,
		Retries: faultRetries, RetryWait: time.Millisecond, MaxRetryWait: 5 * time.Millisecond})
	require.NoError(t, err)
	return &Deps{Client: c, CompanyID: testCompany, AgentID: testAgent, APIKey: faultKey,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

// ---------------------------------------------------------------- arguments

// faultArgOverrides are the arguments a generated set would get wrong.
var faultArgOverrides = map[string]map[string]any{
	"paperclip_add_routine_trigger":          {"kind": "schedule", "cronExpression": "0 9 * * 1-5"},
	"paperclip_call_api_operation":           {"operation": "GET /api/companies/{companyId}/org"},
	"paperclip_describe_api_operation":       {"operation": "GET /api/companies/{companyId}/org"},
	"paperclip_create_approval":              {"type": "request_board_approval", "payload": map[string]any{"title": "x", "summary": "y"}},
	"paperclip_report_cost_event":            {"occurredAt": "2026-01-01T00:00:00Z", "costCents": 1},
	"paperclip_upload_attachment":            {"filePath": "registry.go"},
	"paperclip_list_issues":                  {"q": faultQuery},
	"paperclip_update_agent_permissions":     {"canAssignTasks": true, "canCreateAgents": false},
	"paperclip_apply_company_import":         {"source": map[string]any{"type": "inline", "files": map[string]any{"COMPANY.md": "# x"}}},
	"paperclip_preview_company_import":       {"source": map[string]any{"type": "inline", "files": map[string]any{"COMPANY.md": "# x"}}},
	"paperclip_create_secret":                {"value": "faultmatrix-managed-value"},
	"paperclip_rotate_secret":                {"value": "faultmatrix-rotated-value"},
	"paperclip_update_goal":                  {"title": "x"},
	"paperclip_update_experimental_settings": {"enableCloudSync": true},
	"paperclip_create_workspace":             {"cwd": "/tmp/faultmatrix"},
	"paperclip_finish_cloud_connect":         {"code": "x", "state": "y"},
}

// genArgs fills the required properties of an input schema with valid values.
func genArgs(schema map[string]any) map[string]any {
	out := map[string]any{}
	props, _ := schema["properties"].(map[string]any)
	req, _ := schema["required"].([]any)
	for _, r := range req {
		name := r.(string)
		p, _ := props[name].(map[string]any)
		out[name] = genValue(name, p)
	}
	return out
}

func genValue(name string, p map[string]any) any {
	if enum, ok := p["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	switch p["type"] {
	case "integer", "number":
		if m, ok := p["minimum"].(float64); ok && m > 0 {
			return m
		}
		return 1
	case "boolean":
		return false
	case "array":
		items, _ := p["items"].(map[string]any)
		return []any{genValue(name, items)}
	case "object":
		return genArgs(p)
	}
	if p["format"] == "uuid" || strings.HasSuffix(name, "Id") || strings.Contains(fmt.Sprint(p["pattern"]), "[0-9a-fA-F-]{36}") {
		return faultUUID
	}
	return "x"
}

func faultArgs(t *testing.T, tool Tool, remote string) map[string]any {
	raw := tool.Def().RawInputSchema
	var schema map[string]any
	require.NoError(t, json.Unmarshal(raw, &schema))
	args := genArgs(schema)
	for k, v := range faultArgOverrides[tool.Spec.Name] {
		args[k] = v
	}
	if _, ok := args["remoteUrl"]; ok {
		args["remoteUrl"] = remote // the cloud stack: the same stand-in
	}
	return args
}

// ---------------------------------------------------------------- one call

type faultOutcome struct {
	Tool, Toolset, Fault string
	Read                 bool
	Reached              bool
	IsError              bool
	Text                 string
	Structured           string
	ProtoErr             error
	Reqs                 []faultReq
	Written              int64
	Took                 time.Duration
	Problems             []string
	// Tolerant: the tool answers any HTTP answer with a result (a problem
	// list), so only a fault without an answer must be a tool error.
	Tolerant bool
}

func (f *faultKind) transport() bool {
	switch f.Name {
	case "refused", "reset-mid-body", "timeout-before-headers", "trickle":
		return true
	}
	return false
}

// rawCall is call without require (it runs in goroutines): the in-process
// server must exist already.
func rawCall(d *Deps, c interface {
	CallTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error)
}, name string, args map[string]any) (*mcp.CallToolResult, error) {
	markCalled(name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
}

func resultText(res *mcp.CallToolResult) (string, string) {
	if res == nil {
		return "", ""
	}
	sc := ""
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		sc = string(b)
	}
	return text(res), sc
}

// judge checks one outcome against its fault and fills Problems.
func (o *faultOutcome) judge(f *faultKind) {
	bad := func(format string, a ...any) { o.Problems = append(o.Problems, fmt.Sprintf(format, a...)) }
	if o.ProtoErr != nil {
		bad("protocol error instead of a tool error: %v", o.ProtoErr)
		return
	}
	all := o.Text + "\n" + o.Structured
	for _, secret := range []string{faultKey, "faultmatrixsecret", faultQuery} {
		if strings.Contains(all, secret) {
			bad("the result holds the secret %q: %s", secret, clip(all, 400))
		}
	}
	if strings.Contains(o.Text, "inside paperclip-mcp (a bug") {
		bad("panicked: %s", o.Text)
	}
	for _, r := range o.Reqs {
		switch {
		case r.Remote && r.Auth != "":
			bad("request %s %s to the cloud stack carries Authorization: the Paperclip key must never go off-host", r.Method, r.Path)
		case !r.Remote && r.Auth != "Bearer "+faultKey:
			bad("request %s %s without the key in Authorization", r.Method, r.Path)
		}
		if r.RawQuery != "" && o.IsError && strings.Contains(o.Text, "?"+r.RawQuery) {
			bad("the error repeats the request's query string: %s", o.Text)
		}
	}
	if !o.IsError {
		if !f.Body && !(o.Tolerant && !f.transport()) {
			bad("succeeded against fault %s: %s", f.Name, clip(o.Text, 300))
		}
		return
	}
	if !o.Reached {
		return // refused before sending: judged by the caller
	}
	want, next := f.Want, f.Next
	if o.Tolerant && f.transport() {
		// The cloud stack, not Paperclip, is what failed to answer.
		want, next = []string{"The cloud stack"}, []string{"Check remoteUrl"}
	}
	if alt, ok := faultBodyWant[o.Tool]; ok && f.Body && strings.Contains(o.Text, alt) {
		want = nil // its own words for an answer without what it asked for
	}
	for _, w := range want {
		if !strings.Contains(o.Text, w) {
			bad("error text lacks %q: %s", w, o.Text)
		}
	}
	if len(next) > 0 {
		found := false
		for _, n := range next {
			found = found || strings.Contains(o.Text, n)
		}
		if !found {
			bad("error text names no next step (one of %q): %s", next, o.Text)
		}
	}
	// The retry policy, counted at the stand-in.
	counts := map[string]int{}
	var order []string
	for _, r := range o.Reqs {
		k := r.Method + " " + r.Path
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	// Every GET is sent at most 1+faultRetries times against a retried
	// fault, and the one that failed the call exactly that often (a side
	// read in flight beside it may be cut short when the call ends); once
	// against any other fault. A write is sent once.
	// A GET again after a write is a re-read (the write's effect checked),
	// not a retry.
	writes := 0
	for _, r := range o.Reqs {
		if r.Method != http.MethodGet {
			writes++
		}
	}
	fullGET, anyGET := false, false
	for _, k := range order {
		n := counts[k]
		switch {
		case !strings.HasPrefix(k, "GET "):
			if n != 1 {
				bad("%s was sent %d times: a write is never retried", k, n)
			}
		case f.Retried:
			anyGET = true
			fullGET = fullGET || n == 1+faultRetries
			if n > (1+faultRetries)*(1+writes) {
				bad("%s was sent %d times against %s: at most %d (retried %d times)", k, n, f.Name, 1+faultRetries, faultRetries)
			}
		default:
			if n > 1+writes {
				bad("%s was sent %d times against %s: want 1 (not retried)", k, n, f.Name)
			}
		}
	}
	if f.Retried && anyGET && !fullGET {
		bad("no GET was retried %d times against %s: %v", faultRetries, f.Name, counts)
	}
	onlyGET := len(order) > 0
	for _, k := range order {
		onlyGET = onlyGET && strings.HasPrefix(k, "GET ")
	}
	if onlyGET && f.Retried && f.MinTime > 0 && o.Took < f.MinTime {
		bad("took %v, less than the %v the retries must take", o.Took, f.MinTime)
	}
	if f.MaxTime > 0 && o.Took > f.MaxTime {
		bad("took %v, more than %v", o.Took, f.MaxTime)
	}
	// Per request: the client's 8 MiB, plus what the sockets buffer (a tool
	// may read two routes at once, as get_run_log does).
	if limit := int64(max(1, len(o.Reqs))) * (client.MaxBodyBytes + 12<<20); f.Name == "huge-50MB" && o.Written > limit {
		bad("the stand-in wrote %d MB of the huge body over %d requests before the client stopped reading", o.Written>>20, len(o.Reqs))
	}
}

// ---------------------------------------------------------------- the matrix

// faultSubjects: every read tool, and the first two write tools (by name) of
// every toolset.
func faultSubjects() []Tool {
	var out []Tool
	writes := map[Toolset]int{}
	for _, tool := range Registry() {
		if tool.Spec.Access.ReadOnly() {
			out = append(out, tool)
			continue
		}
		if writes[tool.Spec.Toolset] < 2 {
			writes[tool.Spec.Toolset]++
			out = append(out, tool)
		}
	}
	return out
}

// faultSample is the tools the slow faults run on: a list, a get, a write.
var faultSample = map[string]bool{"paperclip_list_issues": true, "paperclip_get_agent": true, "paperclip_add_comment": true}

// faultHealthy are the healthy answers tried, in order, to show recovery.
var faultHealthy = []string{`[]`, `{}`,
	`{"openapi":"3.1.0","info":{"title":"Paperclip","version":"1"},"paths":{"/api/companies/{companyId}/org":{"get":{"summary":"Org chart","tags":["agents"]}}}}`}

type faultMatrix struct {
	mu       sync.Mutex
	outcomes []*faultOutcome
	recover  map[string]string // tool -> the healthy answer it worked with, or why not
}

type faultCaller interface {
	CallTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error)
}

// faultBound is one tool under test with its clients: live (the stand-in,
// short timeout: the timeout faults), slow (the stand-in, a timeout long
// enough for a busy machine: every other fault) and dead (a closed port).
type faultBound struct {
	tool                Tool
	live                *Deps
	liveC, slowC, deadC faultCaller
	lane, remote        *faultLane
	args, deadArgs      map[string]any
}

// faultBodyWant: tools that check what a 2xx answer holds and say so in
// their own words when it lacks it.
var faultBodyWant = map[string]string{
	"paperclip_update_experimental_settings": "No flag of the request took effect",
}

// faultTolerant are the tools that answer any HTTP answer with a result.
var faultTolerant = map[string]string{
	"paperclip_check_cloud_upstream": "any answer of the cloud stack but a discovery document is a problem in the result (usable=false), by design",
}

func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix takes tens of seconds")
	}
	t.Setenv(secretsDirEnv, t.TempDir()) // create_agent_key writes what it is shown once
	fs := newFaultServer(t)
	refused := closedPort(t)
	logs := &syncLog{}
	subjects := faultSubjects()
	m := &faultMatrix{recover: map[string]string{}}

	var all []faultBound
	for _, tool := range subjects {
		name := tool.Spec.Name
		live := faultDeps(t, fs.laneURL(name), faultTimeout, logs)
		slow := faultDeps(t, fs.laneURL(name), 20*time.Second, logs)
		dead := faultDeps(t, refused+"/lane/"+name, faultTimeout, logs)
		remote := newFaultServer(t)
		remote.only = "remote"
		b := faultBound{tool: tool, live: live, liveC: inProcess(t, live), slowC: inProcess(t, slow), deadC: inProcess(t, dead),
			lane: fs.lane(name), remote: remote.lane("remote"),
			args: faultArgs(t, tool, remote.srv.URL), deadArgs: faultArgs(t, tool, refused)}
		all = append(all, b)
	}

	start := time.Now()
	sem := make(chan struct{}, 10)
	hugeSem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, b := range all {
		wg.Add(1)
		go func(b faultBound) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, f := range faultKinds {
				if f.Sample && !faultSample[b.tool.Spec.Name] {
					continue
				}
				if f.Name == "huge-50MB" {
					hugeSem <- struct{}{}
				}
				o := b.run(f)
				if f.Name == "huge-50MB" {
					<-hugeSem
				}
				m.mu.Lock()
				m.outcomes = append(m.outcomes, o)
				m.mu.Unlock()
			}
			why := b.recover()
			m.mu.Lock()
			m.recover[b.tool.Spec.Name] = why
			m.mu.Unlock()
		}(b)
	}
	wg.Wait()
	t.Logf("fault matrix: %d calls of %d tools in %v", len(m.outcomes), len(all), time.Since(start).Round(time.Millisecond))

	if path := os.Getenv("FAULT_MATRIX_DUMP"); path != "" { // every outcome, for a human to read
		var b strings.Builder
		for _, o := range m.outcomes {
			fmt.Fprintf(&b, "%s\t%s\terr=%v\treqs=%d\t%s\n", o.Tool, o.Fault, o.IsError, len(o.Reqs), strings.ReplaceAll(clip(o.Text, 400), "\n", " | "))
		}
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	}
	m.report(t, subjects)
	if strings.Contains(logs.String(), faultKey) || strings.Contains(logs.String(), "faultmatrixsecret") {
		t.Errorf("the API key reached the tools' log")
	}
}

// run calls the tool once against fault f and judges the outcome.
func (b faultBound) run(f *faultKind) *faultOutcome {
	name := b.tool.Spec.Name
	o := &faultOutcome{Tool: name, Toolset: string(b.tool.Spec.Toolset), Fault: f.Name, Read: b.tool.Spec.Access.ReadOnly()}
	_, o.Tolerant = faultTolerant[name]
	b.lane.set(f, "")
	b.remote.set(f, "")
	// Only the faults that are a timeout use the short one: any other gets
	// a timeout long enough that a busy machine (-race) cannot turn it
	// into a timeout.
	c, args := b.slowC, b.args
	switch f.Name {
	case "refused":
		c, args = b.deadC, b.deadArgs
	case "timeout-before-headers", "trickle":
		c = b.liveC
	}
	t0 := time.Now()
	res, err := rawCall(b.live, c, name, args)
	o.Took = time.Since(t0)
	o.ProtoErr = err
	if res != nil {
		o.IsError = res.IsError
		o.Text, o.Structured = resultText(res)
	}
	b.lane.quiet()
	b.remote.quiet()
	if f.Retried {
		// On a busy machine the server may start the last retry's handler
		// after the client has given up on it: wait (bounded) for a GET to
		// show all its attempts before counting.
		b.lane.awaitAttempts(1+faultRetries, 2*time.Second)
	}
	reqs, w1 := b.lane.snapshot()
	rreqs, w2 := b.remote.snapshot()
	o.Reqs, o.Written = append(reqs, rreqs...), w1+w2
	o.Reached = len(o.Reqs) > 0
	if f.Name == "refused" {
		o.Reached = strings.Contains(o.Text, "not reachable") || strings.Contains(o.Text, "could not be reached")
	}
	o.judge(f)
	return o
}

// recover clears the fault and calls the tool again, with each generic
// healthy answer until one fits; it says which did, or why none.
func (b faultBound) recover() string {
	why := "no generic healthy answer fits"
	for _, h := range faultHealthy {
		b.lane.set(nil, h)
		b.remote.set(nil, h)
		res, err := rawCall(b.live, b.slowC, b.tool.Spec.Name, b.args)
		switch {
		case err == nil && res != nil && !res.IsError:
			return "ok " + h
		case err != nil:
			why = fmt.Sprintf("protocol error on %s: %v", h, err)
		case res != nil:
			why = "tool error on " + h + ": " + clip(text(res), 200)
		}
	}
	return why
}

// faultGap is a known defect the matrix shows: a problem of tool (or "*")
// against a fault whose name has prefix Fault, whose text contains Problem.
// It is logged, not failed; a gap that no longer shows fails the test, so
// that it is removed when fixed.
type faultGap struct {
	Tool, Fault, Problem, Why string
	seen                      int
}

var faultGaps = []*faultGap{}

func matchGap(o *faultOutcome, problem string) *faultGap {
	for _, g := range faultGaps {
		if (g.Tool == "*" || g.Tool == o.Tool) && strings.HasPrefix(o.Fault, g.Fault) && strings.Contains(problem, g.Problem) {
			return g
		}
	}
	return nil
}

// report fails the test for every problem and logs the matrix.
func (m *faultMatrix) report(t *testing.T, subjects []Tool) {
	sort.Slice(m.outcomes, func(i, j int) bool {
		if m.outcomes[i].Tool != m.outcomes[j].Tool {
			return m.outcomes[i].Tool < m.outcomes[j].Tool
		}
		return m.outcomes[i].Fault < m.outcomes[j].Fault
	})
	type cell struct{ calls, pass, refused, tolerated, gap int }
	cells := map[string]map[string]*cell{}
	var sets []string
	seenSet := map[string]bool{}
	for _, s := range subjects {
		if !seenSet[string(s.Spec.Toolset)] {
			seenSet[string(s.Spec.Toolset)] = true
			sets = append(sets, string(s.Spec.Toolset))
		}
	}
	sort.Strings(sets)
	problems := 0
	for _, o := range m.outcomes {
		if cells[o.Fault] == nil {
			cells[o.Fault] = map[string]*cell{}
		}
		c := cells[o.Fault][o.Toolset]
		if c == nil {
			c = &cell{}
			cells[o.Fault][o.Toolset] = c
		}
		c.calls++
		switch {
		case len(o.Problems) > 0:
			failed := false
			for _, p := range o.Problems {
				if g := matchGap(o, p); g != nil {
					g.seen++
					continue
				}
				failed = true
				t.Errorf("%s × %s: %s", o.Tool, o.Fault, p)
			}
			if failed {
				problems++
			} else {
				c.gap++
				c.pass++
			}
		case !o.Reached && o.IsError:
			c.refused++
		case !o.IsError:
			c.tolerated++
			c.pass++
		default:
			c.pass++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-24s", "fault \\ toolset")
	for _, s := range sets {
		fmt.Fprintf(&b, " %13s", clip(s, 13))
	}
	b.WriteString("\n")
	for _, f := range faultKinds {
		fmt.Fprintf(&b, "%-24s", f.Name)
		for _, s := range sets {
			c := cells[f.Name][s]
			if c == nil {
				fmt.Fprintf(&b, " %13s", "-")
				continue
			}
			v := fmt.Sprintf("%d/%d", c.pass, c.calls)
			if c.refused > 0 {
				v += fmt.Sprintf(" r%d", c.refused)
			}
			if c.tolerated > 0 {
				v += fmt.Sprintf(" ok%d", c.tolerated)
			}
			if c.gap > 0 {
				v += fmt.Sprintf(" g%d", c.gap)
			}
			fmt.Fprintf(&b, " %13s", v)
		}
		b.WriteString("\n")
	}
	b.WriteString("(pass/calls; rN: refused before sending, a tool error with no request; okN: a success, allowed for a 2xx body; gN: passed but for a known gap)\n")
	t.Log(b.String())

	// Recovery per toolset: at least one tool of every toolset works again.
	recovered := map[string][]string{}
	var names []string
	for n := range m.recover {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		why := m.recover[n]
		ts := ""
		for _, s := range subjects {
			if s.Spec.Name == n {
				ts = string(s.Spec.Toolset)
			}
		}
		if strings.HasPrefix(why, "ok") {
			recovered[ts] = append(recovered[ts], n)
		} else {
			t.Logf("recovery %s: %s", n, why)
		}
	}
	for _, s := range sets {
		if len(recovered[s]) == 0 {
			t.Errorf("no tool of toolset %s worked again once the fault cleared", s)
		}
		t.Logf("recovered in %s: %d tools %v", s, len(recovered[s]), recovered[s])
	}
	for _, g := range faultGaps {
		if g.seen == 0 {
			t.Errorf("known gap no longer shows (fixed? remove it from faultGaps): %s × %s: %s", g.Tool, g.Fault, g.Why)
		} else {
			t.Logf("KNOWN GAP (%d calls) %s × %q: %s", g.seen, g.Tool, g.Fault, g.Why)
		}
	}
	t.Logf("calls with unexplained problems: %d", problems)
}
