package tools

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/schemas"
)

var toolNameRE = regexp.MustCompile(`^paperclip_[a-z0-9_]{1,40}$`)

// TestRegistryContract walks every tool: it marshals (a tool with both
// InputSchema and RawInputSchema would not, and tools/list would never
// answer), sets every hint and a title, and has flat object schemas.
func TestRegistryContract(t *testing.T) {
	seen := map[string]bool{}
	for _, tool := range Registry() {
		def := tool.Def()
		name := def.Name
		assert.False(t, seen[name], "duplicate %s", name)
		seen[name] = true
		assert.Regexp(t, toolNameRE, name)
		assert.NotEmpty(t, def.Title, name)
		assert.NotEmpty(t, def.Annotations.Title, name)
		assert.GreaterOrEqual(t, len(def.Description), 60, "%s: say when to use it and what next", name)
		assert.NotEmpty(t, tool.Spec.Toolset, name)

		b, err := json.Marshal(def)
		require.NoError(t, err, name)
		var wire map[string]any
		require.NoError(t, json.Unmarshal(b, &wire))
		ann, ok := wire["annotations"].(map[string]any)
		require.True(t, ok, name)
		for _, h := range []string{"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} {
			_, set := ann[h]
			assert.True(t, set, "%s: %s must be set explicitly", name, h)
		}
		if *def.Annotations.ReadOnlyHint {
			assert.False(t, *def.Annotations.DestructiveHint, "%s: read-only cannot be destructive", name)
		}
		for _, k := range []string{"inputSchema", "outputSchema"} {
			s, ok := wire[k].(map[string]any)
			require.True(t, ok, "%s.%s", name, k)
			assert.NoError(t, schemas.Check(s), "%s.%s", name, k)
		}
		in := wire["inputSchema"].(map[string]any)
		props, _ := in["properties"].(map[string]any)
		if tool.Spec.Access.ReadOnly() {
			assert.Contains(t, props, "response_format", "%s: read tools take response_format", name)
		}
		if tool.Spec.BoardOnly {
			assert.True(t, strings.HasPrefix(def.Description, "Board only"), "%s: board-only tools say so first", name)
		}
	}
	for _, want := range []string{"paperclip_list_heartbeat_runs", "paperclip_get_heartbeat_run", "paperclip_list_run_events",
		"paperclip_get_run_log", "paperclip_list_live_runs", "paperclip_cancel_heartbeat_run", "paperclip_wakeup_agent", "paperclip_diagnose_run"} {
		assert.True(t, seen[want], "missing %s", want)
	}
}

// TestReadmeToolTable keeps the README's table equal to the registry.
// UPDATE_README=1 rewrites it.
func TestReadmeToolTable(t *testing.T) {
	const start, end = "<!-- tools:start -->\n", "<!-- tools:end -->"
	path := "../README.md"
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(b)
	i, j := strings.Index(readme, start), strings.Index(readme, end)
	require.True(t, i >= 0 && j > i, "README.md needs the %q and %q markers", start, end)
	want := MarkdownTable()
	got := readme[i+len(start) : j]
	if got != want && os.Getenv("UPDATE_README") == "1" {
		readme = readme[:i+len(start)] + want + readme[j:]
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o644))
		return
	}
	assert.Equal(t, want, got, "the README tool table drifted from the registry: run UPDATE_README=1 go test ./tools -run TestReadmeToolTable")
}
