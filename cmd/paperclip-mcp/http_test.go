package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/tools"
)

const (
	httpToken = "tok_0123456789abcdef01234567"
	heldKey   = "pcp_board_heldkey0123456789"
	aliceKey  = "pcp_alice_0123456789abcdef"
	bobKey    = "pcp_bob_0123456789abcdef00"
)

// Token mode: only the server's token gets in; Paperclip sees the server's
// own key (or none), never the token.
func TestHTTPTokenMode(t *testing.T) {
	for name, key := range map[string]string{"held key": heldKey, "no key": ""} {
		t.Run(name, func(t *testing.T) {
			p := newStandIn(t)
			cfg := httpConfig(t, p.URL, []string{"--http", "0.0.0.0:8080"}, map[string]string{"PAPERCLIP_MCP_HTTP_TOKEN": httpToken, "PAPERCLIP_API_KEY": key})
			srv, log := mcpServer(t, cfg)
			for what, hdr := range map[string]map[string]string{
				"missing":     nil,
				"wrong":       bearer("tok_wrong_0123456789abcdef0"),
				"prefix":      bearer(httpToken[:len(httpToken)-1]),
				"not bearer":  {"Authorization": "Basic " + httpToken},
				"a Paperclip": bearer(aliceKey),
			} {
				a := post(t, srv.URL+"/mcp", listRuns(1, companyA), hdr)
				assert.Equal(t, http.StatusUnauthorized, a.Status, what)
				assert.Equal(t, `Bearer realm="paperclip-mcp"`, a.Header.Get("WWW-Authenticate"), what)
				assert.Contains(t, a.Body, "PAPERCLIP_MCP_HTTP_TOKEN", what)
			}
			assert.Empty(t, p.requests(), "a refused caller reaches nothing")

			a := post(t, srv.URL+"/mcp", initialize(1), bearer(httpToken))
			require.Equal(t, http.StatusOK, a.Status, a.Body)
			a = post(t, srv.URL+"/mcp", listRuns(2, companyA), bearer(httpToken))
			require.Equal(t, http.StatusOK, a.Status, a.Body)
			text, isErr := a.text(t)
			assert.False(t, isErr, text)
			assert.Contains(t, text, `"items":[]`)

			auths := p.authsFor(companyA)
			require.NotEmpty(t, auths)
			want := ""
			if key != "" {
				want = "Bearer " + key
			}
			for _, got := range auths {
				assert.Equal(t, want, got, "Paperclip sees the server's key (or none)")
				assert.NotContains(t, got, httpToken, "the token never reaches Paperclip")
			}
			assert.NotContains(t, log.String(), httpToken)
		})
	}
}

// Pass-through: each caller's bearer token is its own Paperclip key, for its
// requests only; a loopback caller without one reaches a local_trusted
// Paperclip; a caller's key is in no answer and no log line.
func TestHTTPPassThrough(t *testing.T) {
	p := newStandIn(t)
	cfg := httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil)
	srv, log := mcpServer(t, cfg)

	// Two callers at once, each on its own company: neither key crosses over.
	var wg sync.WaitGroup
	for key, company := range map[string]string{aliceKey: companyA, bobKey: companyB} {
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := post(t, srv.URL+"/mcp", listRuns(i, company), bearer(key))
				assert.Equal(t, http.StatusOK, a.Status, a.Body)
				text, isErr := a.text(t)
				assert.False(t, isErr, text)
			}()
		}
	}
	wg.Wait()
	for key, company := range map[string]string{aliceKey: companyA, bobKey: companyB} {
		auths := p.authsFor(company)
		require.NotEmpty(t, auths)
		for _, got := range auths {
			assert.Equal(t, "Bearer "+key, got, "company %s is asked with its caller's key only", company)
		}
	}

	// No Authorization, on a loopback listener: through, with no key.
	a := post(t, srv.URL+"/mcp", listRuns(7, companyB), map[string]string{"Authorization": ""})
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	auths := p.authsFor(companyB)
	assert.Equal(t, "", auths[len(auths)-1], "no caller key: no Authorization")

	for _, k := range []string{aliceKey, bobKey} {
		assert.NotContains(t, log.String(), k, "the caller's key is in no log line")
	}
}

// Paperclip echoes a caller's key in an error: neither the tool error nor
// the server's log says it.
func TestHTTPCallerKeyIsScrubbed(t *testing.T) {
	p := newStandIn(t)
	srv, log := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil))
	a := post(t, srv.URL+"/mcp", listRuns(8, companyEcho), bearer(aliceKey))
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	text, isErr := a.text(t)
	assert.True(t, isErr, text)
	assert.Equal(t, []string{"Bearer " + aliceKey}, p.authsFor(companyEcho), "the echo was of this key")
	assert.Contains(t, text, "bad credentials: Bearer [redacted]")
	assert.NotContains(t, a.Body, aliceKey, "the caller's key is in no answer")
	assert.Contains(t, log.String(), `msg="tool error"`)
	assert.NotContains(t, log.String(), aliceKey, "the caller's key is in no log line")
}

// Pass-through on an address others reach: a caller without a key is refused.
func TestHTTPPassThroughElsewhereNeedsAKey(t *testing.T) {
	p := newStandIn(t)
	srv, _ := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "0.0.0.0:8080"}, nil))
	a := post(t, srv.URL+"/mcp", listRuns(1, companyA), nil)
	assert.Equal(t, http.StatusUnauthorized, a.Status, a.Body)
	assert.NotEmpty(t, a.Header.Get("WWW-Authenticate"))
	assert.Empty(t, p.requests())
	a = post(t, srv.URL+"/mcp", listRuns(1, companyA), bearer(aliceKey))
	assert.Equal(t, http.StatusOK, a.Status, a.Body)
	assert.Equal(t, []string{"Bearer " + aliceKey}, p.authsFor(companyA)[:1])
}

// checkHTTP at start: a held key is never served without a token beyond
// loopback; the token is long enough; --http is host:port.
func TestHTTPConfigAtStart(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(httpToken+"\n"), 0o600))
	const refused = "with a Paperclip key and no PAPERCLIP_MCP_HTTP_TOKEN"
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string // "" allowed
	}{
		"key, all interfaces":   {[]string{"--http", "0.0.0.0:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, "refusing to serve HTTP on 0.0.0.0:8080 " + refused},
		"key, empty host":       {[]string{"--http", ":8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, refused},
		"key, LAN address":      {[]string{"--http", "192.168.1.20:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, refused},
		"key, a name":           {nil, map[string]string{"PAPERCLIP_API_KEY": heldKey, "PAPERCLIP_MCP_HTTP": "mcp.example.com:8080"}, refused},
		"key, IPv6 any":         {[]string{"--http", "[::]:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, refused},
		"key, loopback":         {[]string{"--http", "127.0.0.1:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, ""},
		"key, localhost":        {[]string{"--http", "localhost:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, ""},
		"key, IPv6 loopback":    {[]string{"--http", "[::1]:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}, ""},
		"key and token":         {[]string{"--http", "0.0.0.0:8080"}, map[string]string{"PAPERCLIP_API_KEY": heldKey, "PAPERCLIP_MCP_HTTP_TOKEN": httpToken}, ""},
		"pass-through anywhere": {[]string{"--http", "0.0.0.0:8080"}, nil, ""},
		"short token":           {[]string{"--http", "127.0.0.1:8080"}, map[string]string{"PAPERCLIP_MCP_HTTP_TOKEN": "fifteen-chars!!"}, "PAPERCLIP_MCP_HTTP_TOKEN is 15 characters; use at least 16"},
		"spaced token":          {[]string{"--http", "127.0.0.1:8080"}, map[string]string{"PAPERCLIP_MCP_HTTP_TOKEN": "tok 0123456789abcdef"}, "white space"},
		"no port":               {[]string{"--http", "8080"}, nil, `--http "8080" is not host:port`},
		"url":                   {[]string{"--http", "http://127.0.0.1:8080"}, nil, "is not host:port"},
		"token file missing":    {[]string{"--http", "127.0.0.1:8080", "--http-token-file", "/nonexistent/token"}, nil, "cannot read --http-token-file"},
	} {
		_, _, err := parseConfig(tc.args, env(tc.env), &bytes.Buffer{})
		if tc.want == "" {
			assert.NoError(t, err, name)
			continue
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.NotContains(t, err.Error(), heldKey, name)
		assert.NotContains(t, err.Error(), "fifteen-chars", name)
	}

	// The token file wins over the env, trimmed; then a held key may be served anywhere.
	cfg, _, err := parseConfig([]string{"--http", "0.0.0.0:8080", "--http-token-file", tokenFile},
		env(map[string]string{"PAPERCLIP_API_KEY": heldKey, "PAPERCLIP_MCP_HTTP_TOKEN": "ignored-env-token-000"}), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, httpToken, cfg.HTTP.Token)

	// Through run: the refusal is one line on stderr and exit 2, nothing served.
	var stdout, stderr bytes.Buffer
	code := run([]string{"--http", "0.0.0.0:0"}, env(map[string]string{"PAPERCLIP_API_KEY": heldKey}), strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "refusing to serve HTTP on 0.0.0.0:0")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, stderr.String())
	assert.NotContains(t, stderr.String(), heldKey)
	assert.Empty(t, stdout.String())
}

// Host and Origin: a foreign one is refused (DNS rebinding, a web page
// driving a local server) unless configured.
func TestHTTPHostAndOrigin(t *testing.T) {
	p := newStandIn(t)
	srv, _ := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, map[string]string{
		"PAPERCLIP_MCP_HTTP_HOSTS":   "mcp.internal",
		"PAPERCLIP_MCP_HTTP_ORIGINS": "https://app.example.com/",
	}))
	for name, tc := range map[string]struct {
		hdr  map[string]string
		want int
		msg  string
	}{
		"loopback Host":        {nil, http.StatusOK, ""},
		"localhost Host":       {map[string]string{"Host": "localhost:1234"}, http.StatusOK, ""},
		"foreign Host":         {map[string]string{"Host": "evil.example"}, http.StatusForbidden, "PAPERCLIP_MCP_HTTP_HOSTS"},
		"foreign Host, port":   {map[string]string{"Host": "evil.example:80"}, http.StatusForbidden, "PAPERCLIP_MCP_HTTP_HOSTS"},
		"a listed Host":        {map[string]string{"Host": "mcp.internal"}, http.StatusOK, ""},
		"a listed Host, port":  {map[string]string{"Host": "MCP.internal:8443"}, http.StatusOK, ""},
		"foreign Origin":       {map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden, "PAPERCLIP_MCP_HTTP_ORIGINS"},
		"loopback-ish Origin":  {map[string]string{"Origin": "http://localhost.evil.example"}, http.StatusForbidden, "PAPERCLIP_MCP_HTTP_ORIGINS"},
		"localhost Origin":     {map[string]string{"Origin": "http://localhost:3000"}, http.StatusOK, ""},
		"127.0.0.1 Origin":     {map[string]string{"Origin": "http://127.0.0.1:6274"}, http.StatusOK, ""},
		"a listed Origin":      {map[string]string{"Origin": "https://app.example.com"}, http.StatusOK, ""},
		"a listed Origin, not": {map[string]string{"Origin": "http://app.example.com"}, http.StatusForbidden, "PAPERCLIP_MCP_HTTP_ORIGINS"},
	} {
		a := post(t, srv.URL+"/mcp", initialize(1), tc.hdr)
		assert.Equal(t, tc.want, a.Status, "%s: %s", name, a.Body)
		if tc.want == http.StatusOK {
			assert.Contains(t, string(a.Msg.Result), `"protocolVersion":"2025-11-25"`, name)
		} else {
			assert.Contains(t, a.Body, tc.msg, name)
		}
	}
	// Without a list, only loopback Hosts and Origins.
	srv, _ = mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil))
	assert.Equal(t, http.StatusForbidden, post(t, srv.URL+"/mcp", initialize(1), map[string]string{"Host": "mcp.internal"}).Status)
	assert.Equal(t, http.StatusForbidden, post(t, srv.URL+"/mcp", initialize(1), map[string]string{"Origin": "https://app.example.com"}).Status)
	assert.Equal(t, http.StatusForbidden, do(t, mustRequest(t, http.MethodGet, srv.URL+"/healthz", "evil.example")).Status, "every path is checked")
	assert.Empty(t, p.requests())

	// Listening beyond loopback (behind a proxy on the same host) with no
	// list: any Host, the token being what keeps others out.
	srv, _ = mcpServer(t, httpConfig(t, p.URL, []string{"--http", "0.0.0.0:8080"}, map[string]string{"PAPERCLIP_MCP_HTTP_TOKEN": httpToken}))
	a := post(t, srv.URL+"/mcp", initialize(1), map[string]string{"Host": "mcp.example.com", "Authorization": "Bearer " + httpToken})
	assert.Equal(t, http.StatusOK, a.Status, a.Body)
	a = post(t, srv.URL+"/mcp", initialize(1), map[string]string{"Host": "mcp.example.com"})
	assert.Equal(t, http.StatusUnauthorized, a.Status, a.Body)
}

func mustRequest(t *testing.T, method, url, host string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	return req
}

// A body over 4 MiB is refused before it reaches a tool, whether its
// length is declared or it streams in chunks.
func TestHTTPBodyLimit(t *testing.T) {
	p := newStandIn(t)
	srv, _ := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil))
	// A valid tools/call, over the limit by its _meta padding: were it read
	// whole, it would reach Paperclip.
	big := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"paperclip_list_heartbeat_runs","arguments":{"companyId":%q},"_meta":{"pad":"%s"}}}`,
		companyA, strings.Repeat("x", httpMaxBody))
	small := strings.Replace(big, strings.Repeat("x", httpMaxBody), "x", 1)

	a := post(t, srv.URL+"/mcp", big, nil)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.Status, "declared length")
	assert.Contains(t, a.Body, "over 4 MiB")

	req, err := http.NewRequest(http.MethodPost, srv.URL+"/mcp", io.MultiReader(strings.NewReader(big))) // no length: chunked
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	require.Equal(t, int64(0), req.ContentLength)
	a = do(t, req)
	assert.Contains(t, []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}, a.Status, "chunked: %.200s", a.Body)
	require.NotNil(t, a.Msg.Error, a.Body)
	assert.Contains(t, a.Msg.Error.Message, "request body too large")
	assert.Empty(t, p.requests(), "nothing reached Paperclip")

	// The same call under the limit does.
	a = post(t, srv.URL+"/mcp", small, nil)
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	assert.NotEmpty(t, p.authsFor(companyA))
}

// /healthz says the process is alive; /readyz that Paperclip answers.
func TestHTTPHealthAndReadiness(t *testing.T) {
	p := newStandIn(t)
	srv, _ := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, map[string]string{"PAPERCLIP_API_KEY": heldKey}))
	get := func(path string) answer { return do(t, mustRequest(t, http.MethodGet, srv.URL+path, "")) }

	a := get("/healthz")
	assert.Equal(t, http.StatusOK, a.Status)
	assert.JSONEq(t, `{"status":"alive"}`, a.Body)
	a = get("/readyz")
	assert.Equal(t, http.StatusOK, a.Status)
	assert.JSONEq(t, `{"status":"ready","paperclip":"`+standInVersion+`"}`, a.Body)

	p.setHealth(false)
	a = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, a.Status, a.Body)
	assert.Contains(t, a.Body, `"status":"not ready"`)
	assert.Contains(t, a.Body, "database down")
	assert.Equal(t, http.StatusOK, get("/healthz").Status, "alive while Paperclip is not")

	p.Close() // nothing listens
	a = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, a.Status, a.Body)
	assert.Contains(t, a.Body, "Paperclip does not answer at "+p.URL)
	assert.NotContains(t, a.Body, heldKey)
}

// X-Paperclip-Toolsets and X-Paperclip-Read-Only narrow what a request
// sees and may call, never widen it; a bad value is a 400 that says why.
func TestHTTPNarrowingHeaders(t *testing.T) {
	p := newStandIn(t)
	spec := map[string]tools.Spec{}
	for _, tool := range tools.Registry() {
		spec[tool.Spec.Name] = tool.Spec
	}
	served := func(cfg Config, keep func(tools.Spec) bool) []string {
		out := []string{}
		for _, tool := range cfg.Tools {
			if keep(tool.Spec) {
				out = append(out, tool.Spec.Name)
			}
		}
		return out
	}
	cfg := httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil)
	srv, _ := mcpServer(t, cfg)
	list := func(hdr map[string]string) []string {
		a := post(t, srv.URL+"/mcp", listTools(1), hdr)
		require.Equal(t, http.StatusOK, a.Status, a.Body)
		return a.toolNames(t)
	}
	isRuns := func(s tools.Spec) bool { return s.Toolset == tools.Runs }
	isRead := func(s tools.Spec) bool { return s.Access.ReadOnly() }

	all := list(nil)
	assert.ElementsMatch(t, served(cfg, func(tools.Spec) bool { return true }), all, "no header: everything served")
	require.Contains(t, all, "paperclip_cancel_heartbeat_run")

	runs := list(map[string]string{"X-Paperclip-Toolsets": "runs"})
	assert.ElementsMatch(t, served(cfg, isRuns), runs)
	assert.Less(t, len(runs), len(all))

	ro := list(map[string]string{"X-Paperclip-Read-Only": "true"})
	assert.ElementsMatch(t, served(cfg, isRead), ro)
	assert.NotContains(t, ro, "paperclip_cancel_heartbeat_run")
	assert.Contains(t, ro, "paperclip_list_heartbeat_runs")

	both := list(map[string]string{"X-Paperclip-Toolsets": "runs", "X-Paperclip-Read-Only": "yes"})
	assert.ElementsMatch(t, served(cfg, func(s tools.Spec) bool { return isRuns(s) && isRead(s) }), both)

	// A write tool left out by the header cannot be called either.
	cancel := callTool(2, "paperclip_cancel_heartbeat_run", map[string]any{"runId": companyA})
	for _, hdr := range []map[string]string{{"X-Paperclip-Read-Only": "true"}, {"X-Paperclip-Toolsets": "issues"}} {
		a := post(t, srv.URL+"/mcp", cancel, hdr)
		require.NotNil(t, a.Msg.Error, "%v: %s", hdr, a.Body)
		assert.Contains(t, a.Msg.Error.Message, "not found", "%v", hdr)
	}
	assert.Empty(t, p.requests(), "nothing reached Paperclip")
	// Unnarrowed, it is called (the stand-in's [] is no run, so it is a
	// tool error, but it reached Paperclip).
	a := post(t, srv.URL+"/mcp", cancel, nil)
	require.NotNil(t, a.Msg.Result, a.Body)
	assert.NotEmpty(t, p.authsFor("/api/heartbeat-runs/"+companyA))

	// Widening is impossible: a server of runs, read-only, stays so.
	narrow := httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0", "--toolsets", "runs", "--read-only"}, nil)
	srv, _ = mcpServer(t, narrow)
	want := served(narrow, func(tools.Spec) bool { return true })
	for _, hdr := range []map[string]string{
		{"X-Paperclip-Toolsets": "all"},
		{"X-Paperclip-Toolsets": "runs,issues,agent_admin"},
		{"X-Paperclip-Read-Only": "false"},
		{"X-Paperclip-Toolsets": "all", "X-Paperclip-Read-Only": "false"},
	} {
		got := list(hdr)
		assert.Subset(t, want, got, "%v", hdr)
		for _, name := range got {
			assert.Equal(t, tools.Runs, spec[name].Toolset, "%v: %s", hdr, name)
			assert.True(t, spec[name].Access.ReadOnly(), "%v: %s", hdr, name)
		}
	}
	assert.Empty(t, list(map[string]string{"X-Paperclip-Toolsets": "issues"}), "a toolset not served adds nothing")
	a = post(t, srv.URL+"/mcp", callTool(3, "paperclip_list_issues", map[string]any{"companyId": companyA}), map[string]string{"X-Paperclip-Toolsets": "all"})
	require.NotNil(t, a.Msg.Error, a.Body)
	assert.Contains(t, a.Msg.Error.Message, "not found")

	for hdr, msg := range map[[2]string]string{
		{"X-Paperclip-Read-Only", "maybe"}: `X-Paperclip-Read-Only "maybe" is not true or false`,
		{"X-Paperclip-Toolsets", "isues"}:  `X-Paperclip-Toolsets: unknown toolset "isues"`,
	} {
		a := post(t, srv.URL+"/mcp", listTools(4), map[string]string{hdr[0]: hdr[1]})
		assert.Equal(t, http.StatusBadRequest, a.Status, hdr)
		require.NotNil(t, a.Msg.Error, a.Body)
		assert.Contains(t, a.Msg.Error.Message, msg)
	}
}

var logLine = regexp.MustCompile(`msg="http request" method=(\S+) path=(\S+) rpc=(\S+) tool=(\S+) status=(\d+) ms=(\d+)$`)

// One line per request on stderr: method, path, JSON-RPC method, tool,
// status and time; never a credential.
func TestHTTPRequestLog(t *testing.T) {
	p := newStandIn(t)
	srv, log := mcpServer(t, httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, map[string]string{"PAPERCLIP_MCP_HTTP_TOKEN": httpToken, "PAPERCLIP_API_KEY": heldKey}))
	const wrong = "tok_wrong_0123456789abcdef0"
	post(t, srv.URL+"/mcp", initialize(1), bearer(httpToken))
	post(t, srv.URL+"/mcp", listRuns(2, companyA), bearer(httpToken))
	post(t, srv.URL+"/mcp", listRuns(3, companyA), bearer(wrong))
	post(t, srv.URL+"/mcp", listTools(4), map[string]string{"Authorization": "Bearer " + httpToken, "X-Paperclip-Read-Only": "maybe"})
	do(t, mustRequest(t, http.MethodGet, srv.URL+"/healthz", ""))

	var got [][]string
	for _, l := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		for _, secret := range []string{httpToken, heldKey, wrong, "Bearer", "Authorization"} {
			assert.NotContains(t, l, secret, "a log line holds no credential")
		}
		if m := logLine.FindStringSubmatch(l); m != nil {
			got = append(got, m[1:6]) // ms varies
		} else {
			assert.NotContains(t, l, `msg="http request"`, "malformed: %s", l)
		}
	}
	assert.Equal(t, [][]string{
		{"POST", "/mcp", "initialize", `""`, "200"},
		{"POST", "/mcp", "tools/call", "paperclip_list_heartbeat_runs", "200"},
		{"POST", "/mcp", "tools/call", "paperclip_list_heartbeat_runs", "401"},
		{"POST", "/mcp", "tools/list", `""`, "400"},
		{"GET", "/healthz", `""`, `""`, "200"},
	}, got, log.String())
}

// The server's own process: SIGTERM stops new connections at once, lets a
// call in flight answer, and exits 0.
func TestHTTPShutdownOnSIGTERM(t *testing.T) {
	p := newStandIn(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	cmd := exec.Command(os.Args[0], "--http", addr, "--log-level", "debug")
	cmd.Env = []string{"PAPERCLIP_MCP_TEST_CHILD=1", "PAPERCLIP_API_URL=" + p.URL}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAPERCLIP_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stderr syncBuf
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	require.NoError(t, cmd.Start())
	cmd.WaitDelay = 5 * time.Second
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	url := "http://" + addr
	waitFor(t, 10*time.Second, "the server answers /healthz", func() bool {
		res, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})

	call := make(chan answer, 1)
	go func() { call <- post(t, url+"/mcp", listRuns(9, companySlow), nil) }()
	select {
	case <-p.arrived:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the call never reached Paperclip", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitFor(t, 10*time.Second, "new connections are refused", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case <-call:
		require.FailNow(t, "the call was answered before Paperclip answered it")
	case <-exited:
		require.FailNow(t, "the server exited with a call in flight", "%v\n%s", waitErr, stderr.String())
	default:
	}

	p.Release()
	var a answer
	select {
	case a = <-call:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the call in flight got no answer", stderr.String())
	}
	assert.Equal(t, http.StatusOK, a.Status, a.Body)
	text, isErr := a.text(t)
	assert.False(t, isErr, text)
	assert.Contains(t, text, `"items":[]`)

	select {
	case <-exited:
		require.NoError(t, waitErr, "exit 0: %s", stderr.String())
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the server did not exit", stderr.String())
	}
	assert.Equal(t, 0, cmd.ProcessState.ExitCode())
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "nothing listens after exit")
	assert.Contains(t, stderr.String(), "stopping: no new requests")
	assert.NotContains(t, stderr.String(), "were cut")
}

// Stateless: any copy answers any request, with no session to carry.
func TestHTTPStatelessAcrossServers(t *testing.T) {
	p := newStandIn(t)
	cfg := httpConfig(t, p.URL, []string{"--http", "127.0.0.1:0"}, nil)
	a, _ := mcpServer(t, cfg)
	b, _ := mcpServer(t, cfg)
	for i, step := range []struct {
		srv  string
		body string
	}{
		{a.URL, initialize(1)},
		{b.URL, listTools(2)},
		{a.URL, listRuns(3, companyA)},
		{b.URL, listRuns(4, companyB)},
	} {
		res := post(t, step.srv+"/mcp", step.body, nil)
		require.Equal(t, http.StatusOK, res.Status, "step %d: %s", i, res.Body)
		assert.Empty(t, res.Header.Get("Mcp-Session-Id"), "step %d: no session", i)
		assert.Equal(t, fmt.Sprint(i+1), string(res.Msg.ID), "step %d", i)
		require.NotNil(t, res.Msg.Result, "step %d: %s", i, res.Body)
		if i >= 2 {
			text, isErr := res.text(t)
			assert.False(t, isErr, text)
		}
	}
	assert.NotEmpty(t, p.authsFor(companyA))
	assert.NotEmpty(t, p.authsFor(companyB))

	// mcp-go's own Streamable HTTP client, through a whole session.
	tr, err := transport.NewStreamableHTTP(a.URL + "/mcp")
	require.NoError(t, err)
	c := mcpclient.NewClient(tr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.Start(ctx))
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = protoVersion
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	ir, err := c.Initialize(ctx, init)
	require.NoError(t, err)
	assert.Equal(t, protoVersion, ir.ProtocolVersion)
	assert.Equal(t, "paperclip-mcp", ir.ServerInfo.Name)
	assert.Empty(t, tr.GetSessionId(), "stateless: no session id")
	lr, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	assert.Len(t, lr.Tools, len(cfg.Tools))
	call := mcp.CallToolRequest{}
	call.Params.Name = "paperclip_list_heartbeat_runs"
	call.Params.Arguments = map[string]any{"companyId": companyA}
	cr, err := c.CallTool(ctx, call)
	require.NoError(t, err)
	require.False(t, cr.IsError, "%v", cr.Content)
	require.NotEmpty(t, cr.Content)
	assert.Contains(t, cr.Content[0].(mcp.TextContent).Text, "paperclip_diagnose_run", "the markdown answer")
}
