package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The one test scaffold: every hermetic tool test calls tools through call,
// which runs them in an in-process mcp-go server with output-schema
// validation on, as cmd builds it. TestMain fails the package when a
// registered tool was never called by any test.

var (
	calledMu sync.Mutex
	called   = map[string]bool{}
	servers  sync.Map // *Deps -> *mcpclient.Client
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		var never []string
		for _, t := range Registry() {
			if !called[t.Spec.Name] {
				never = append(never, t.Spec.Name)
			}
		}
		sort.Strings(never)
		if len(never) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: no hermetic test calls these registered tools: %s\n", strings.Join(never, ", "))
			code = 1
		}
		if err := checkDedicated(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// markCalled records that a test called the tool (for TestMain's check).
func markCalled(name string) {
	calledMu.Lock()
	called[name] = true
	calledMu.Unlock()
}

func findTool(t *testing.T, name string) Tool {
	t.Helper()
	for _, tool := range Registry() {
		if tool.Spec.Name == name {
			return tool
		}
	}
	t.Fatalf("no tool %s", name)
	return Tool{}
}

// inProcess is the in-process client of a server that serves every tool
// bound to d, made once per d.
func inProcess(t *testing.T, d *Deps) *mcpclient.Client {
	t.Helper()
	if c, ok := servers.Load(d); ok {
		return c.(*mcpclient.Client)
	}
	s := server.NewMCPServer("paperclip-mcp", "test", server.WithToolCapabilities(false), server.WithOutputSchemaValidation())
	Register(s, d, Registry())
	c, err := mcpclient.NewInProcessClient(s)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	_, err = c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{ProtocolVersion: "2025-11-25",
		ClientInfo: mcp.Implementation{Name: "scaffold", Version: "0"}}})
	require.NoError(t, err)
	actual, _ := servers.LoadOrStore(d, c)
	return actual.(*mcpclient.Client)
}

// call runs a tool through the in-process server (argument checks,
// defaults, error mapping, output validation) and returns the result, with
// its structured content as the JSON bytes.
func call(t *testing.T, d *Deps, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	findTool(t, name)
	markCalled(name)
	startRoutes()
	res, err := inProcess(t, d).CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
	endRoutes(name, err == nil && !res.IsError)
	require.NoError(t, err, "%s: tools answer tool errors, never protocol errors (or the result broke its outputSchema)", name)
	if raw, ok := res.StructuredContent.(json.RawMessage); ok {
		require.True(t, isEncoderOutput(raw), "%s: the structured content is not json.Marshal's compact output (cmd writes it as it is): %s", name, clip(string(raw), 300))
	}
	if res.StructuredContent != nil {
		raw, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		res.StructuredContent = json.RawMessage(raw)
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// callOK decodes the structured content of a successful call into out.
func callOK(t *testing.T, d *Deps, name string, args map[string]any, out any) string {
	t.Helper()
	res := call(t, d, name, args)
	require.False(t, res.IsError, "tool error: %s", text(res))
	raw, ok := res.StructuredContent.(json.RawMessage)
	require.True(t, ok)
	require.NoError(t, json.Unmarshal(raw, out))
	return text(res)
}

func callErr(t *testing.T, d *Deps, name string, args map[string]any) string {
	t.Helper()
	res := call(t, d, name, args)
	require.True(t, res.IsError, "want a tool error, got %s", text(res))
	return text(res)
}

// jsonTextIsStructured calls a read tool with response_format=json and
// checks that its text is its structured content.
func jsonTextIsStructured(t *testing.T, d *Deps, name string, args map[string]any) {
	t.Helper()
	a := map[string]any{"response_format": "json"}
	for k, v := range args {
		a[k] = v
	}
	res := call(t, d, name, a)
	require.False(t, res.IsError, text(res))
	raw, ok := res.StructuredContent.(json.RawMessage)
	require.True(t, ok)
	assert.JSONEq(t, string(raw), text(res), "%s: the json text is the structured content", name)
}

// isEncoderOutput says whether b is what json.Marshal writes: valid,
// compact, with <, >, &, U+2028 and U+2029 escaped. The stdio server
// writes structured content as it is, trusting it to be so.
func isEncoderOutput(b []byte) bool {
	if !json.Valid(b) || bytes.ContainsAny(b, "<>&\u2028\u2029") {
		return false
	}
	var c bytes.Buffer
	return json.Compact(&c, b) == nil && bytes.Equal(c.Bytes(), b)
}

// cmdClient is an in-process client of a server built as cmd builds it:
// hooks, the tool and extras options (results validated against their
// outputSchema), the served tools and the extras, bound to d. Closing it
// (at cleanup) ends the session.
func cmdClient(t *testing.T, d *Deps, served []Tool, opts ...mcpclient.ClientOption) (*mcpclient.Client, *server.MCPServer, *mcp.InitializeResult) {
	t.Helper()
	hooks := &server.Hooks{}
	s := server.NewMCPServer("paperclip-mcp", "test", append([]server.ServerOption{server.WithHooks(hooks), server.WithToolCapabilities(false),
		server.WithOutputSchemaValidation(), server.WithResourceRecovery()}, ServerOptions(d)...)...)
	Register(s, d, served)
	RegisterExtras(s, d, served, hooks)
	c, err := mcpclient.NewInProcessClientWithOptions(s, opts...)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init, err := c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{ProtocolVersion: "2025-11-25",
		ClientInfo: mcp.Implementation{Name: "cmd-like", Version: "0"}}})
	require.NoError(t, err)
	return c, s, init
}
