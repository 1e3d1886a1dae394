package schemas_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/tools"
)

// TestToolSnapshots compares every tool definition, as tools/list sends it,
// with its committed snapshot in snapshots/. UPDATE_SNAPSHOTS=1 rewrites
// them; a missing snapshot is written locally and fails in CI.
func TestToolSnapshots(t *testing.T) {
	update := os.Getenv("UPDATE_SNAPSHOTS") == "1"
	ci := os.Getenv("CI") == "true"
	names := map[string]bool{}
	for _, tool := range tools.Registry() {
		names[tool.Def().Name+".json"] = true
		got, err := json.MarshalIndent(tool.Def(), "", "  ")
		require.NoError(t, err)
		got = append(got, '\n')
		path := filepath.Join("snapshots", tool.Def().Name+".json")
		want, err := os.ReadFile(path)
		switch {
		case update || (os.IsNotExist(err) && !ci):
			require.NoError(t, os.WriteFile(path, got, 0o644))
			if !update {
				t.Logf("wrote missing snapshot %s", path)
			}
		case err != nil:
			t.Errorf("snapshot %s is missing: run UPDATE_SNAPSHOTS=1 go test ./schemas and commit it", path)
		default:
			assert.JSONEq(t, string(want), string(got), "%s changed: review the diff, then UPDATE_SNAPSHOTS=1 go test ./schemas", tool.Def().Name)
		}
	}
	entries, err := os.ReadDir("snapshots")
	require.NoError(t, err)
	for _, e := range entries {
		if !names[e.Name()] {
			t.Errorf("snapshots/%s belongs to no tool: delete it", e.Name())
		}
	}
}
