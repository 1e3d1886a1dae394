package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// TestInProcessMCPWithOutputValidation calls every run tool through a real
// mcp-go server with output-schema validation on (as cmd builds it), in
// both formats: a structured result that does not match its outputSchema
// would come back as an error here.
func TestInProcessMCPWithOutputValidation(t *testing.T) {
	f := newFake()
	ids := f.seedRuns(4, func(i int) string {
		if i == 2 {
			return "failed"
		}
		return "succeeded"
	})
	log := ndjson("hello ✓", "wörld", "日本語", "stderr line")
	size := int64(len(log))
	f.mu.Lock()
	for i := range f.runs {
		f.runs[i].LogBytes = &size
		f.logs[f.runs[i].ID] = log
		f.events[f.runs[i].ID] = []client.RunEvent{
			{Seq: 1, EventType: "lifecycle", Level: ptr("info"), Message: ptr("run started"), Payload: json.RawMessage(`{"a":1}`)},
			{Seq: 2, EventType: "adapter.invoke", Level: ptr("info"), Payload: json.RawMessage(`"not an object"`)},
			{Seq: 3, EventType: "lifecycle", Level: ptr("error"), Message: ptr("run failed"), Payload: json.RawMessage(`null`)},
		}
	}
	f.mu.Unlock()
	d := f.serve(t)
	d.CompanyID, d.AgentID = testCompany, testAgent

	s := server.NewMCPServer("paperclip-mcp", "test", server.WithToolCapabilities(false), server.WithOutputSchemaValidation())
	Register(s, d, Registry())
	c, err := mcpclient.NewInProcessClient(s)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	_, err = c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{ProtocolVersion: "2025-11-25",
		ClientInfo: mcp.Implementation{Name: "t", Version: "0"}}})
	require.NoError(t, err)
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	assert.Len(t, list.Tools, len(Registry()))

	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"paperclip_list_heartbeat_runs", map[string]any{"limit": 2}},
		{"paperclip_get_heartbeat_run", map[string]any{"runId": ids[1]}},
		{"paperclip_list_run_events", map[string]any{"runId": ids[1]}},
		{"paperclip_get_run_log", map[string]any{"runId": ids[1], "limitBytes": 50}},
		{"paperclip_list_live_runs", map[string]any{}},
		{"paperclip_diagnose_run", map[string]any{}},
		{"paperclip_cancel_heartbeat_run", map[string]any{"runId": ids[0]}},
	} {
		for _, format := range []string{"markdown", "json"} {
			args := map[string]any{}
			for k, v := range tc.args {
				args[k] = v
			}
			if findTool(t, tc.tool).Spec.Access.ReadOnly() {
				args["response_format"] = format
			}
			res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: tc.tool, Arguments: args}})
			require.NoError(t, err, tc.tool)
			require.False(t, res.IsError, "%s %s: %s", tc.tool, format, text(res))
			require.NotNil(t, res.StructuredContent, tc.tool)
			if format == "json" && findTool(t, tc.tool).Spec.Access.ReadOnly() {
				sc, _ := json.Marshal(res.StructuredContent)
				assert.JSONEq(t, string(sc), text(res), "%s: JSON text equals the structured content", tc.tool)
			} else {
				assert.NotEqual(t, '{', text(res)[0], "%s: markdown, not JSON", tc.tool)
			}
		}
	}
	// The non-object payload is wrapped, not dropped.
	res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "paperclip_list_run_events",
		Arguments: map[string]any{"runId": ids[1], "response_format": "json"}}})
	require.NoError(t, err)
	assert.Contains(t, text(res), `"data":{"value":"not an object"}`, fmt.Sprint(res.StructuredContent))
}

// TestOutputValidationIsReallyOn proves the check above can fail: a tool
// whose structured content breaks its own outputSchema is turned into an error.
func TestOutputValidationIsReallyOn(t *testing.T) {
	s := server.NewMCPServer("x", "test", server.WithToolCapabilities(false), server.WithOutputSchemaValidation())
	type out struct {
		N int `json:"n"`
	}
	bad := define(Spec{Name: "paperclip_bad", Title: "bad", Description: "A tool that lies about its output, for this test only.", Toolset: Runs, Access: Read},
		func(context.Context, *Deps, struct{ Format }) (out, error) { return out{N: 1}, nil },
		func(struct{ Format }, out) string { return "n" })
	handler := bad.Handler(&Deps{})
	s.AddTool(bad.Def(), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := handler(ctx, req)
		res.StructuredContent = json.RawMessage(`{"n":"not a number"}`)
		return res, err
	})
	c, err := mcpclient.NewInProcessClient(s)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	_, err = c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{ProtocolVersion: "2025-11-25"}})
	require.NoError(t, err)
	res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "paperclip_bad"}})
	if err == nil {
		assert.True(t, res.IsError, "a result that breaks its outputSchema must not pass: %s", text(res))
	}
}
