package integration

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

func listedTools(t *testing.T, s *stdio.Session) map[string]mcp.Tool {
	t.Helper()
	res, err := s.Client.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	out := map[string]mcp.Tool{}
	for _, tool := range res.Tools {
		out[tool.Name] = tool
	}
	return out
}

// TestSelectionOverStdio: the selection at start, as a host sees it from
// the built binary against the real server.
func TestSelectionOverStdio(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()

	t.Run("read-only lists no tool that writes, and a write cannot be called", func(t *testing.T) {
		s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_READ_ONLY": "true", "PAPERCLIP_COMPANY_ID": w.CompanyID})
		tools := listedTools(t, s)
		require.NotEmpty(t, tools)
		for name, tool := range tools {
			require.NotNil(t, tool.Annotations.ReadOnlyHint, name)
			assert.True(t, *tool.Annotations.ReadOnlyHint, "read-only mode lists %s", name)
		}
		assert.NotContains(t, tools, "paperclip_wakeup_agent")
		before := len(restRuns(t, w.CompanyID, "&agentId="+w.Agents["ok"]))
		_, err := s.Client.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{
			Name: "paperclip_wakeup_agent", Arguments: map[string]any{"agentId": w.Agents["ok"]}}})
		require.Error(t, err, "an unregistered tool cannot be called")
		assert.Len(t, restRuns(t, w.CompanyID, "&agentId="+w.Agents["ok"]), before, "and nothing was woken")
		// Reads still work and agree with REST.
		var p struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		callJSON(t, s, "paperclip_list_agents", map[string]any{}, &p)
		assert.Len(t, p.Items, len(w.Agents))
	})

	t.Run("an agent key gets no board-only tool unless named", func(t *testing.T) {
		key := createAgentKey(t, w.Agents["ok"])
		s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key, "PAPERCLIP_TOOLSETS": "runs,companies"})
		tools := listedTools(t, s)
		assert.NotContains(t, tools, "paperclip_cancel_heartbeat_run")
		assert.NotContains(t, tools, "paperclip_list_companies")
		assert.Contains(t, tools, "paperclip_list_heartbeat_runs")

		s = startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key, "PAPERCLIP_TOOLSETS": "runs", "PAPERCLIP_TOOLS": "paperclip_cancel_heartbeat_run"})
		require.Contains(t, listedTools(t, s), "paperclip_cancel_heartbeat_run")
		msg := s.CallErr(t, "paperclip_cancel_heartbeat_run", map[string]any{"runId": w.Runs["ok"][0]})
		assert.Contains(t, msg, "board only", "named explicitly, it is served, and Paperclip's 403 is explained")
	})

	t.Run("the default selection", func(t *testing.T) {
		s := startMCP(t, nil)
		tools := listedTools(t, s)
		assert.Contains(t, tools, "paperclip_diagnose_run")
		assert.NotContains(t, tools, "paperclip_cloud_push", "cloud is opt-in")
		assert.NotContains(t, tools, "paperclip_update_experimental_settings", "settings are opt-in")
	})
}
