package tools

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Context budget: what a host forwards to the model for each tool is its
// name, description and input schema. The default selection must fit in
// 24 KB and the whole catalogue in 90 KB.
const (
	defaultBudget = 24 * 1024
	allBudget     = 90 * 1024
)

// forwardedBytes is the size of name + description + inputSchema as JSON.
func forwardedBytes(tools []Tool) int {
	n := 0
	for _, t := range tools {
		b, _ := json.Marshal(map[string]any{"name": t.Def().Name, "description": t.Def().Description, "inputSchema": t.Def().RawInputSchema})
		n += len(b)
	}
	return n
}

func TestContextBudget(t *testing.T) {
	def, err := Select(Selection{})
	require.NoError(t, err)
	all, err := Select(Selection{Toolsets: []string{"all"}})
	require.NoError(t, err)
	ro, err := Select(Selection{Toolsets: []string{"all"}, ReadOnly: true})
	require.NoError(t, err)
	d, a, r := forwardedBytes(def), forwardedBytes(all), forwardedBytes(ro)
	t.Logf("forwarded to the model: default %d tools %d bytes; all %d tools %d bytes; all read-only %d tools %d bytes", len(def), d, len(all), a, len(ro), r)
	assert.LessOrEqual(t, d, defaultBudget, "the default toolsets' definitions must fit in 24 KB")
	assert.LessOrEqual(t, a, allBudget, "all toolsets' definitions must fit in 90 KB")
}
