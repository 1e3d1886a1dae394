package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tools/list answer drain writes is mcp-go's, byte for byte, for every
// selection a user can make (toolsets, read-only, the key's kind).
func TestToolsListTailIsMcpGos(t *testing.T) {
	for name, e := range map[string]map[string]string{
		"default":         {},
		"all":             {"PAPERCLIP_TOOLSETS": "all"},
		"all read-only":   {"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_READ_ONLY": "true"},
		"agent key, all":  {"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_API_KEY": "pcp_0123456789abcdef0123456789abcdef"},
		"runs and issues": {"PAPERCLIP_TOOLSETS": "runs,issues"},
	} {
		t.Run(name, func(t *testing.T) {
			m := map[string]string{"PAPERCLIP_API_URL": "http://127.0.0.1:1"}
			for k, v := range e {
				m[k] = v
			}
			cfg, done, err := parseConfig(nil, env(m), &bytes.Buffer{})
			require.NoError(t, err)
			require.False(t, done)
			s, _, err := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			require.NoError(t, err)

			answer, err := json.Marshal(s.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":7,"method":"tools/list"}`)))
			require.NoError(t, err)
			prefix := []byte(`{"jsonrpc":"2.0","id":7,`)
			require.True(t, bytes.HasPrefix(answer, prefix), "%.80s", answer)
			tail := toolsListTail(s)
			require.NotNil(t, tail)
			if !assert.Equal(t, string(answer[len(prefix):]), string(tail)) {
				return
			}
			var res mcp.ListToolsResult
			require.NoError(t, json.Unmarshal(tail[len(`"result":`):len(tail)-1], &res))
			assert.Len(t, res.Tools, len(cfg.Tools))
		})
	}
}

// appendTool writes what json.Marshal writes for a tool, also where the
// catalogue has nothing to test it: strings to escape, no output schema, no
// title, and the fields it leaves to mcp-go.
func TestAppendToolIsJSONMarshal(t *testing.T) {
	ro := true
	for name, tool := range map[string]mcp.Tool{
		"escaped": {Name: "x_<b>", Title: "A & B", Description: "line\u2028sep <i>",
			RawInputSchema:  json.RawMessage(`{"type":"object","properties":{"q":{"type":"string","description":"a <tag> & \u2029"}}}`),
			RawOutputSchema: json.RawMessage(`{"type":"object","description":"<out>"}`),
			Annotations:     mcp.ToolAnnotation{Title: "<t>", ReadOnlyHint: &ro}},
		"bare":       {Name: "bare", RawInputSchema: json.RawMessage(`{"type":"object"}`)},
		"with meta":  {Name: "meta", RawInputSchema: json.RawMessage(`{"type":"object"}`), Meta: &mcp.Meta{AdditionalFields: map[string]any{"k": "v"}}},
		"structured": {Name: "structured", InputSchema: mcp.ToolInputSchema{Type: "object", Properties: map[string]any{"a": map[string]any{"type": "string"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(tool)
			require.NoError(t, err)
			got, err := appendTool([]byte("["), &tool)
			require.NoError(t, err)
			assert.Equal(t, "["+string(want), string(got))
		})
	}
}
