package tools

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAccessFollowsTheName guards the access kinds by the tools' names: a
// tool named like a read is Read, one named like a deletion is destructive.
func TestAccessFollowsTheName(t *testing.T) {
	for _, tool := range Registry() {
		verb := strings.SplitN(strings.TrimPrefix(tool.Spec.Name, "paperclip_"), "_", 2)[0]
		switch verb {
		case "get", "list", "check", "preview", "diagnose", "download":
			assert.Equal(t, Read, tool.Spec.Access, "%s reads: its Access must be Read", tool.Spec.Name)
		case "delete", "terminate", "archive", "revoke", "cancel":
			assert.True(t, tool.Spec.Access.Destructive(), "%s destroys: its Access must be Destructive or DestructiveIdempotent", tool.Spec.Name)
		}
		if tool.Spec.Access.ReadOnly() {
			assert.True(t, tool.Spec.Access.Idempotent(), "read implies idempotent")
		}
	}
}

func TestAZeroAccessFailsAtStart(t *testing.T) {
	assert.PanicsWithValue(t, "tool paperclip_x: no Access kind (Read, Write, WriteIdempotent, Destructive, DestructiveIdempotent)", func() {
		define(Spec{Name: "paperclip_x", Toolset: Runs, Description: "x"}, listCompanies, listCompaniesMarkdown)
	})
	assert.Panics(t, func() {
		define(Spec{Name: "paperclip_x", Toolset: "nope", Access: Read, Description: "x"}, listCompanies, listCompaniesMarkdown)
	})
}

func names(tools []Tool) []string {
	out := []string{}
	for _, t := range tools {
		out = append(out, t.Spec.Name)
	}
	return out
}

func TestSelection(t *testing.T) {
	def, err := Select(Selection{})
	require.NoError(t, err)
	for _, tool := range def {
		info, _ := tool.Spec.Toolset.info()
		assert.True(t, info.Default, "%s is served by default only when its toolset is a default one", tool.Spec.Name)
	}
	assert.NotContains(t, names(def), "paperclip_cloud_push", "cloud tools are opt-in: no published Paperclip serves them")

	all, err := Select(Selection{Toolsets: []string{"all"}})
	require.NoError(t, err)
	assert.Len(t, all, len(Registry()))

	ro, err := Select(Selection{Toolsets: []string{"all"}, ReadOnly: true})
	require.NoError(t, err)
	require.NotEmpty(t, ro)
	for _, tool := range ro {
		assert.Equal(t, Read, tool.Spec.Access, "read-only mode serves %s", tool.Spec.Name)
	}
	ro2, err := Select(Selection{Toolsets: []string{"runs"}, Tools: []string{"paperclip_cancel_heartbeat_run"}, ReadOnly: true})
	require.NoError(t, err)
	assert.NotContains(t, names(ro2), "paperclip_cancel_heartbeat_run", "read-only wins over a tool named explicitly")

	runs, err := Select(Selection{Toolsets: []string{"runs"}, Exclude: []string{"paperclip_list_live_runs"}, Tools: []string{"paperclip_get_agent"}})
	require.NoError(t, err)
	got := names(runs)
	assert.Contains(t, got, "paperclip_get_agent")
	assert.Contains(t, got, "paperclip_diagnose_run")
	assert.NotContains(t, got, "paperclip_list_live_runs")
	assert.NotContains(t, got, "paperclip_list_agents")
	assert.NotContains(t, got, "paperclip_wakeup_agent", "wake lives with the agents")

	agent, err := Select(Selection{Toolsets: []string{"runs", "companies"}, NotBoard: true})
	require.NoError(t, err)
	assert.NotContains(t, names(agent), "paperclip_cancel_heartbeat_run", "board-only tools are left out for agent keys")
	assert.NotContains(t, names(agent), "paperclip_list_companies")
	agent, err = Select(Selection{Toolsets: []string{"runs"}, Tools: []string{"paperclip_cancel_heartbeat_run"}, NotBoard: true})
	require.NoError(t, err)
	assert.Contains(t, names(agent), "paperclip_cancel_heartbeat_run", "unless named explicitly")

	_, err = Select(Selection{Toolsets: []string{"runs", "isues"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown toolset "isues"; valid toolsets: default, all, identity, issues`)
	_, err = Select(Selection{Tools: []string{"paperclip_nope"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown tool "paperclip_nope"; valid tools: paperclip_`)
}

func TestInstructionsFollowTheSelectionAndStaySmall(t *testing.T) {
	all, err := Select(Selection{Toolsets: []string{"all"}})
	require.NoError(t, err)
	text := Instructions(all)
	t.Logf("%d bytes: %s", len(text), text)
	assert.Less(t, len(text), 2048, "hosts cut longer instructions")
	assert.Contains(t, text, "paperclip_diagnose_run")

	cloud, err := Select(Selection{Toolsets: []string{"cloud"}})
	require.NoError(t, err)
	text = Instructions(cloud)
	assert.NotContains(t, text, "paperclip_diagnose_run", "only what is served is named")
	assert.Contains(t, text, "cloud")
}
