package integration

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type restDashboard struct {
	Agents struct {
		Active, Running, Paused, Error int
	} `json:"agents"`
	Tasks struct {
		Open       int `json:"open"`
		InProgress int `json:"inProgress"`
		Blocked    int `json:"blocked"`
		Done       int `json:"done"`
	} `json:"tasks"`
	Costs struct {
		MonthSpendCents  int64 `json:"monthSpendCents"`
		MonthBudgetCents int64 `json:"monthBudgetCents"`
	} `json:"costs"`
	PendingApprovals int `json:"pendingApprovals"`
}

type mcpCostTable struct {
	Items []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		CostCents int64  `json:"costCents"`
	} `json:"items"`
	TotalCents int64 `json:"totalCents"`
}

type restCostRow struct {
	AgentID   string `json:"agentId"`
	ProjectID string `json:"projectId"`
	CostCents int64  `json:"costCents"`
}

// TestDashboardCostsAgainstREST: the dashboard, a cost event and the cost
// reads, and the activity log, each compared with what REST says.
func TestDashboardCostsAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company, agent, other, project struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Costs IT " + randSuffix(), "budgetMonthlyCents": 10000}, &company)
	C := company.ID
	for _, ag := range []*struct {
		ID string `json:"id"`
	}{&agent, &other} {
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "coster-" + randSuffix(), "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, ag)
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/projects", map[string]any{"name": "Costly " + randSuffix()}, &project)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "dashboard", "PAPERCLIP_COMPANY_ID": C})

	// A cost with an offset time: sent in Z form, stored, counted.
	var rep struct {
		ID         string `json:"id"`
		OccurredAt string `json:"occurredAt"`
		CostCents  int64  `json:"costCents"`
	}
	md := s.CallOK(t, "paperclip_report_cost_event", map[string]any{"agentId": agent.ID, "provider": "anthropic", "model": "claude-it",
		"inputTokens": 1000, "outputTokens": 200, "costCents": 1234, "occurredAt": nowPlus2h(), "projectId": project.ID}, &rep)
	assert.Contains(t, md, "$12.34")
	require.NotEmpty(t, rep.ID)
	assert.Regexp(t, `Z$`, rep.OccurredAt)

	// A fraction of a cent is refused before sending: the spend is unchanged.
	msg := s.CallErr(t, "paperclip_report_cost_event", map[string]any{"agentId": agent.ID, "provider": "a", "model": "m", "costCents": 1.5, "occurredAt": nowPlus2h()})
	assert.Contains(t, msg, "costCents")

	var restSum struct {
		SpendCents  int64 `json:"spendCents"`
		BudgetCents int64 `json:"budgetCents"`
	}
	restGET(t, "/companies/"+C+"/costs/summary", &restSum)
	assert.Equal(t, int64(1234), restSum.SpendCents, "REST counts the event once, and not the refused one")
	var sum struct {
		SpendCents  int64 `json:"spendCents"`
		BudgetCents int64 `json:"budgetCents"`
	}
	callJSON(t, s, "paperclip_get_cost_summary", map[string]any{}, &sum)
	assert.Equal(t, restSum.SpendCents, sum.SpendCents)
	assert.Equal(t, int64(10000), sum.BudgetCents)
	md = s.CallOK(t, "paperclip_get_cost_summary", map[string]any{}, nil)
	assert.Contains(t, md, "$12.34 of $100.00 (12.3 %)")

	var restByAgent, restByProject []restCostRow
	restGET(t, "/companies/"+C+"/costs/by-agent", &restByAgent)
	restGET(t, "/companies/"+C+"/costs/by-project", &restByProject)
	var byAgent, byProject mcpCostTable
	callJSON(t, s, "paperclip_get_costs_by_agent", map[string]any{}, &byAgent)
	callJSON(t, s, "paperclip_get_costs_by_project", map[string]any{}, &byProject)
	require.Len(t, byAgent.Items, len(restByAgent))
	require.Len(t, byProject.Items, len(restByProject))
	require.Len(t, restByProject, 1)
	assert.Equal(t, restByAgent[0].AgentID, byAgent.Items[0].ID)
	assert.Equal(t, agent.ID, byAgent.Items[0].ID)
	assert.Equal(t, project.ID, byProject.Items[0].ID)
	assert.Equal(t, int64(1234), byAgent.TotalCents)
	assert.Equal(t, restByProject[0].CostCents, byProject.TotalCents)
	md = s.CallOK(t, "paperclip_get_costs_by_agent", map[string]any{}, nil)
	assert.Contains(t, md, "| **Total** | | **$12.34** | 1000 | 200 |")
	// A window that ends before the event counts nothing.
	callJSON(t, s, "paperclip_get_costs_by_agent", map[string]any{"to": "2020-01-01"}, &byAgent)
	assert.Zero(t, byAgent.TotalCents)

	// An agent reports only its own costs: Paperclip's 403, explained.
	as := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "dashboard", "PAPERCLIP_COMPANY_ID": C,
		"PAPERCLIP_API_KEY": createAgentKey(t, agent.ID), "PAPERCLIP_AGENT_ID": agent.ID})
	msg = as.CallErr(t, "paperclip_report_cost_event", map[string]any{"agentId": other.ID, "provider": "a", "model": "m", "costCents": 1, "occurredAt": nowPlus2h()})
	assert.Contains(t, msg, "403")
	assert.Contains(t, msg, "own costs")
	as.CallOK(t, "paperclip_report_cost_event", map[string]any{"provider": "a", "model": "m", "costCents": 6, "occurredAt": nowPlus2h()}, nil)
	restGET(t, "/companies/"+C+"/costs/summary", &restSum)
	assert.Equal(t, int64(1240), restSum.SpendCents, "agentId defaulted to PAPERCLIP_AGENT_ID")

	// The dashboard agrees with REST.
	var rest restDashboard
	restGET(t, "/companies/"+C+"/dashboard", &rest)
	var dash struct {
		AgentsActive     int   `json:"agentsActive"`
		AgentsPaused     int   `json:"agentsPaused"`
		TasksOpen        int   `json:"tasksOpen"`
		MonthSpendCents  int64 `json:"monthSpendCents"`
		MonthBudgetCents int64 `json:"monthBudgetCents"`
		PendingApprovals int   `json:"pendingApprovals"`
	}
	callJSON(t, s, "paperclip_get_dashboard", map[string]any{}, &dash)
	assert.Equal(t, rest.Agents.Active, dash.AgentsActive)
	assert.Equal(t, rest.Agents.Paused, dash.AgentsPaused)
	assert.Equal(t, rest.Tasks.Open, dash.TasksOpen)
	assert.Equal(t, rest.Costs.MonthSpendCents, dash.MonthSpendCents)
	assert.Equal(t, int64(10000), dash.MonthBudgetCents)
	assert.Equal(t, rest.PendingApprovals, dash.PendingApprovals)
	md = s.CallOK(t, "paperclip_get_dashboard", map[string]any{}, nil)
	assert.Contains(t, md, "- Spend this month: $12.40 of $100.00")
	msg = s.CallErr(t, "paperclip_get_dashboard", map[string]any{"companyId": randomUUID()})
	assert.Contains(t, msg, "404")

	// The activity log pages from the newest rows, as REST orders them.
	var restAct []struct {
		ID     string `json:"id"`
		Action string `json:"action"`
	}
	restGET(t, "/companies/"+C+"/activity?limit=500", &restAct)
	require.GreaterOrEqual(t, len(restAct), 4, "agent and project creation, cost events")
	var ids []string
	var total *int
	for offset := 0; ; {
		var p struct {
			Items []struct {
				ID     string `json:"id"`
				Action string `json:"action"`
			} `json:"items"`
			Total      *int `json:"total"`
			NextOffset *int `json:"next_offset"`
		}
		callJSON(t, s, "paperclip_get_activity", map[string]any{"limit": 2, "offset": offset}, &p)
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		total = p.Total
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	want := []string{}
	actions := map[string]bool{}
	for _, r := range restAct {
		want = append(want, r.ID)
		actions[r.Action] = true
	}
	assert.Equal(t, want, ids)
	require.NotNil(t, total, "the last page knows the total")
	assert.Equal(t, len(restAct), *total)
	assert.True(t, actions["agent.created"], "REST shows the agent creation: %v", actions)
	var filtered struct {
		Items []struct {
			EntityID string `json:"entityId"`
		} `json:"items"`
	}
	callJSON(t, s, "paperclip_get_activity", map[string]any{"entityType": "agent", "entityId": agent.ID}, &filtered)
	require.NotEmpty(t, filtered.Items)
	for _, it := range filtered.Items {
		assert.Equal(t, agent.ID, it.EntityID)
	}
}

// nowPlus2h is now written with a +02:00 offset, a form Paperclip's
// validator refuses (it wants Z): the tool converts it.
func nowPlus2h() string {
	return time.Now().Add(-time.Minute).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)
}
