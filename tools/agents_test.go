package tools

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func TestListAgentsPagesClientSide(t *testing.T) {
	f := newFake()
	for i := 1; i <= 7; i++ {
		f.agents = append(f.agents, client.Agent{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), CompanyID: testCompany,
			Name: fmt.Sprintf("Agent %d", i), Role: "engineer", Status: "idle", AdapterType: "process"})
	}
	f.agents[2].Status, f.agents[2].ErrorReason = "error", ptr("Process exited with code 3")
	d := f.serve(t)
	d.CompanyID = testCompany
	var seen []string
	for offset := 0; ; {
		var p Page[AgentSummary]
		callOK(t, d, "paperclip_list_agents", map[string]any{"limit": 3, "offset": offset}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, 7, *p.Total, "Paperclip returns every agent: total is exact")
		for _, a := range p.Items {
			seen = append(seen, a.Name)
		}
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	assert.Equal(t, []string{"Agent 1", "Agent 2", "Agent 3", "Agent 4", "Agent 5", "Agent 6", "Agent 7"}, seen)
	for _, r := range f.requests {
		assert.NotContains(t, r, "?", "the agents route refuses any query parameter")
	}
	md := text(call(t, d, "paperclip_list_agents", map[string]any{}))
	assert.Contains(t, md, "**Agent 3**")
	assert.Contains(t, md, "error: Process exited with code 3")
}

func TestGetAgentAndDiagnoseNamesIt(t *testing.T) {
	f := newFake()
	f.agents = []client.Agent{{ID: testAgent, CompanyID: testCompany, Name: "Flaky Bot", Role: "engineer", Status: "paused",
		AdapterType: "process", PauseReason: ptr("budget exceeded")}}
	ids := f.seedRuns(1, func(int) string { return "failed" })
	d := f.serve(t)
	var a AgentDetail
	md := callOK(t, d, "paperclip_get_agent", map[string]any{"agentId": testAgent}, &a)
	assert.Equal(t, "Flaky Bot", a.Name)
	assert.Contains(t, md, "paused")
	assert.Contains(t, md, "budget exceeded")
	assert.NotContains(t, md, "adapterConfig")

	msg := callErr(t, d, "paperclip_get_agent", map[string]any{"agentId": "00000000-0000-4000-8000-000000000999"})
	assert.Contains(t, msg, "paperclip_list_agents")

	var g Diagnosis
	callOK(t, d, "paperclip_diagnose_run", map[string]any{"runId": ids[0]}, &g)
	require.NotNil(t, g.Agent)
	joined := strings.Join(g.Summary, "\n")
	assert.Contains(t, joined, "agent Flaky Bot ("+testAgent+")")
	assert.Contains(t, joined, "The agent is paused (budget exceeded)")
}
