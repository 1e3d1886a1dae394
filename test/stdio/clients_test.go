package stdio_test

import (
	"context"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// TestDiscoverProbingClient: mcp-go's client in its default mode probes
// server/discover in place before anything else (as the Go SDK and Claude
// Code do); the probe is answered at once, and tools work in that mode.
func TestDiscoverProbingClient(t *testing.T) {
	c, err := mcpclient.NewStdioMCPClient(stdio.Binary(t), []string{"PAPERCLIP_API_URL=http://127.0.0.1:9"})
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Initialize(ctx, mcp.InitializeRequest{})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 2*time.Second, "the discover probe must not stall")
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	assert.NotEmpty(t, tools.Tools)
	res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "paperclip_get_heartbeat_run",
		Arguments: map[string]any{"runId": "not-a-uuid"}}})
	require.NoError(t, err)
	require.True(t, res.IsError)
	text, _ := mcp.AsTextContent(res.Content[0])
	assert.True(t, strings.Contains(text.Text, "must be a UUID"), text.Text)
}
