package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdioAgents compares paperclip_list_agents and paperclip_get_agent with
// the REST API, and checks that diagnose names the agent.
func TestStdioAgents(t *testing.T) {
	t.Parallel()
	w := seedWorld(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_COMPANY_ID": w.CompanyID})

	var rest []struct {
		ID, Name, Role, Status, AdapterType string
		ErrorReason                         *string
	}
	restGET(t, "/companies/"+w.CompanyID+"/agents", &rest)
	require.GreaterOrEqual(t, len(rest), 4)

	type agent struct {
		ID, Name, Role, Status, AdapterType, ErrorReason string
	}
	var got []agent
	offset := 0
	for pages := 0; pages < 10; pages++ {
		var p struct {
			Items      []agent `json:"items"`
			Total      *int    `json:"total"`
			NextOffset *int    `json:"next_offset"`
		}
		s.CallOK(t, "paperclip_list_agents", map[string]any{"limit": 3, "offset": offset, "response_format": "json"}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, len(rest), *p.Total)
		got = append(got, p.Items...)
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	require.Len(t, got, len(rest))
	for i, r := range rest {
		assert.Equal(t, r.ID, got[i].ID, "same order as REST")
		assert.Equal(t, r.Name, got[i].Name)
		assert.Equal(t, r.Status, got[i].Status)
		assert.Equal(t, r.AdapterType, got[i].AdapterType)
		if r.ErrorReason != nil {
			assert.Equal(t, *r.ErrorReason, got[i].ErrorReason)
		}
	}

	names := map[string]string{}
	for _, r := range rest {
		names[r.ID] = r.Name
	}
	var runs struct {
		Items []struct{ AgentID, AgentName string } `json:"items"`
	}
	s.CallOK(t, "paperclip_list_heartbeat_runs", map[string]any{"limit": 100, "response_format": "json"}, &runs)
	require.NotEmpty(t, runs.Items)
	for _, r := range runs.Items {
		assert.Equal(t, names[r.AgentID], r.AgentName, "run lists name the agent as REST does")
	}

	failID := w.Agents["fail"]
	var one agent
	md := s.CallOK(t, "paperclip_get_agent", map[string]any{"agentId": failID}, nil)
	s.CallOK(t, "paperclip_get_agent", map[string]any{"agentId": failID, "response_format": "json"}, &one)
	assert.Equal(t, failID, one.ID)
	assert.Equal(t, "fail", one.Name)
	assert.NotContains(t, md, "command", "adapter configuration (may hold secrets) is not shown")
	t.Logf("get_agent markdown:\n%s", md)

	var g struct {
		Agent   *agent   `json:"agent"`
		Summary []string `json:"summary"`
	}
	s.CallOK(t, "paperclip_diagnose_run", map[string]any{"agentId": failID, "response_format": "json"}, &g)
	require.NotNil(t, g.Agent)
	assert.Equal(t, "fail", g.Agent.Name)
	assert.Contains(t, strings.Join(g.Summary, "\n"), fmt.Sprintf("agent fail (%s)", failID))
}
