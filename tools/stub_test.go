package tools

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// stub is the hermetic stand-in for CRUD routes: handlers on net/http
// patterns ("GET /api/issues/{issueId}"), every request recorded. A route
// with no handler answers what the real server answers for an unknown
// route: 404 {"error":"API route not found"}. Stateful flows use a fake
// instead (fake_test.go).
type stub struct {
	t   *testing.T
	mux *http.ServeMux

	mu   sync.Mutex
	reqs []stubReq
}

// stubReq is one request the stub received.
type stubReq struct {
	Method, Path string
	RawPath      string // as sent, escaped
	Query        map[string][]string
	Header       http.Header
	Body         []byte
}

// JSON decodes the request body.
func (r stubReq) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body %s", r.Body)
	return m
}

func newStub(t *testing.T) *stub {
	s := &stub{t: t, mux: http.NewServeMux()}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "API route not found"})
	})
	return s
}

// handle serves pattern with h; the body has been read (and recorded).
func (s *stub) handle(pattern string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h(w, r, body)
	})
}

// reply serves pattern with a fixed JSON answer.
func (s *stub) reply(pattern string, code int, v any) {
	s.handle(pattern, func(w http.ResponseWriter, _ *http.Request, _ []byte) { writeJSON(w, code, v) })
}

// requests is what the stub received so far, in order.
func (s *stub) requests() []stubReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubReq(nil), s.reqs...)
}

// deps starts the stub and returns Deps whose client talks to it, with
// testCompany and testAgent as the configured defaults. Options tune the
// client (an API key, a run id).
func (s *stub) deps(cfg client.Config) *Deps {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, stubReq{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		recordRoute(r.Method, r.URL.EscapedPath())
		s.mux.ServeHTTP(w, r)
	}))
	s.t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.Retries == 0 {
		cfg.Retries = -1
	}
	c, err := client.New(cfg)
	require.NoError(s.t, err)
	return &Deps{Client: c, CompanyID: testCompany, AgentID: testAgent, APIKey: cfg.APIKey}
}
