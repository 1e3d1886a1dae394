package tools

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func TestDashboardReadsAsCounts(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/dashboard", 200, map[string]any{
		"companyId": testCompany, "agents": map[string]any{"active": 2, "running": 1, "paused": 1, "error": 1},
		"tasks":            map[string]any{"open": 11, "inProgress": 3, "blocked": 1, "done": 7},
		"costs":            map[string]any{"monthSpendCents": 1234, "monthBudgetCents": 10000, "monthUtilizationPercent": 12.34},
		"pendingApprovals": 2, "budgets": map[string]any{"activeIncidents": 0},
		"runActivity": []any{
			map[string]any{"date": "2026-12-01", "succeeded": 3, "failed": 0, "total": 3},
			map[string]any{"date": "2026-12-02", "succeeded": 1, "failed": 2, "total": 3},
		},
	})
	d := s.deps(client.Config{})
	var v DashboardView
	md := callOK(t, d, "paperclip_get_dashboard", map[string]any{}, &v)
	assert.Equal(t, 4, v.RunsSucceeded)
	assert.Equal(t, 2, v.RunsFailed)
	assert.Contains(t, md, "- Agents: 2 active · 1 running · 1 paused · 1 in error")
	assert.Contains(t, md, "- Tasks: 11 open · 3 in progress · 1 blocked · 7 done")
	assert.Contains(t, md, "- Spend this month: $12.34 of $100.00 (12.3 %)")
	assert.Contains(t, md, "- Runs 2026-12-01 to 2026-12-02: 4 succeeded · 2 failed; failures on 2026-12-02 (2)")
	assert.Contains(t, md, "paperclip_diagnose_run")
	jsonTextIsStructured(t, d, "paperclip_get_dashboard", nil)

	s = newStub(t)
	s.reply("GET /api/companies/{companyId}/dashboard", 404, map[string]any{"error": "Company not found"})
	d = s.deps(client.Config{})
	assert.Contains(t, callErr(t, d, "paperclip_get_dashboard", map[string]any{}), "paperclip_list_companies")
	assert.Contains(t, callErr(t, d, "paperclip_get_dashboard", map[string]any{"companyId": "acme"}), "companyId")
}

func activityRows(n int) []any {
	rows := []any{}
	for i := 1; i <= n; i++ {
		rows = append(rows, map[string]any{"id": fmt.Sprintf("ac000000-0000-4000-8000-%012d", i), "actorType": "user", "actorId": "local-board",
			"action": "issue.created", "entityType": "issue", "entityId": fmt.Sprintf("e%d", i), "details": map[string]any{"title": "<x> & y"},
			"createdAt": "2026-12-02T10:00:00.000Z"})
	}
	return rows
}

// The activity route takes limit only (max 500), newest first: pages are
// cut from offset+limit+1 rows, and the total is exact only when fewer came.
func TestActivityPagesFromALimit(t *testing.T) {
	s := newStub(t)
	stored := 7
	s.handle("GET /api/companies/{companyId}/activity", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		writeJSON(w, 200, activityRows(min(limit, stored, 500)))
	})
	d := s.deps(client.Config{})
	var p Page[ActivityView]
	callOK(t, d, "paperclip_get_activity", map[string]any{"limit": 3, "entityType": "issue", "agentId": testAgent}, &p)
	assert.Equal(t, 3, p.Count)
	assert.Nil(t, p.Total, "more rows exist than were read: no total")
	require.NotNil(t, p.NextOffset)
	q := s.requests()[0].Query
	assert.Equal(t, "4", url.Values(q).Get("limit"))
	assert.Equal(t, "issue", url.Values(q).Get("entityType"))
	assert.Equal(t, testAgent, url.Values(q).Get("agentId"))
	assert.Empty(t, url.Values(q).Get("offset"), "the route has no offset")

	p = Page[ActivityView]{}
	md := callOK(t, d, "paperclip_get_activity", map[string]any{"limit": 5, "offset": 3}, &p)
	assert.Equal(t, 4, p.Count)
	require.NotNil(t, p.Total)
	assert.Equal(t, 7, *p.Total, "fewer came back than asked: the total is exact")
	assert.Nil(t, p.NextOffset)
	assert.Equal(t, "9", url.Values(s.requests()[1].Query).Get("limit"))
	assert.Contains(t, md, `**issue.created** issue `+"`e4`"+` by user:local-board · {"title":"<x> & y"}`)

	stored = 10000
	p = Page[ActivityView]{}
	callOK(t, d, "paperclip_get_activity", map[string]any{"limit": 100, "offset": 400}, &p)
	assert.Equal(t, "500", url.Values(s.requests()[2].Query).Get("limit"), "capped at the server's maximum")
	assert.Equal(t, 100, p.Count)
	assert.Nil(t, p.Total)
	assert.Nil(t, p.NextOffset)
	assert.Contains(t, p.Note, "only the 500 newest")
	n := len(s.requests())
	callOK(t, d, "paperclip_get_activity", map[string]any{"offset": 500}, &p)
	assert.Contains(t, p.Note, "nothing is reachable from offset 500")
	assert.Len(t, s.requests(), n, "nothing to ask past the cap")
	jsonTextIsStructured(t, d, "paperclip_get_activity", map[string]any{"limit": 2})
}

func TestCostsTablesAndWindow(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/costs/summary", 200, map[string]any{"companyId": testCompany, "spendCents": 250, "budgetCents": 0, "utilizationPercent": 0})
	s.reply("GET /api/companies/{companyId}/costs/by-agent", 200, []any{
		map[string]any{"agentId": testAgent, "agentName": "Coder", "agentStatus": "idle", "costCents": 200, "inputTokens": 1000, "outputTokens": 300},
		map[string]any{"agentId": "00000000-0000-4000-8000-000000000002", "agentName": "Writer", "agentStatus": "paused", "costCents": 50, "inputTokens": 10, "outputTokens": 5},
	})
	s.reply("GET /api/companies/{companyId}/costs/by-project", 200, []any{})
	s.reply("GET /api/companies/{companyId}", 200, map[string]any{"id": testCompany, "name": "Acme", "status": "active"})
	d := s.deps(client.Config{})

	var sum CostSummaryView
	md := callOK(t, d, "paperclip_get_cost_summary", map[string]any{"from": "2026-12-01T02:00:00+02:00", "to": "2026-12-31"}, &sum)
	q := s.requests()[0].Query
	assert.Equal(t, "2026-12-01T00:00:00.000Z", url.Values(q).Get("from"), "sent in the Z form Paperclip accepts")
	assert.Equal(t, "2026-12-31T00:00:00.000Z", url.Values(q).Get("to"))
	assert.Contains(t, md, "$2.50 (no monthly budget set)")

	var tab CostTable
	md = callOK(t, d, "paperclip_get_costs_by_agent", map[string]any{}, &tab)
	assert.Empty(t, s.requests()[1].Query, "no window: Paperclip's default")
	assert.Equal(t, int64(250), tab.TotalCents)
	assert.Equal(t, int64(1010), tab.InputTokens)
	assert.Contains(t, md, "| Coder (idle) | `"+testAgent+"` | $2.00 | 1000 | 300 |")
	assert.Contains(t, md, "| **Total** | | **$2.50** | 1010 | 305 |")

	md = callOK(t, d, "paperclip_get_costs_by_project", map[string]any{}, &tab)
	assert.Empty(t, tab.Items)
	assert.Contains(t, md, "No costs reported in this window.")
	jsonTextIsStructured(t, d, "paperclip_get_costs_by_project", nil)

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_get_cost_summary", map[string]any{"from": "last week"}), "from must be an ISO 8601 time")
	assert.Len(t, s.requests(), n, "a bad time is refused before sending")
}

func TestReportCostEvent(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/cost-events", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		m["id"] = "c0570000-0000-4000-8000-000000000001"
		writeJSON(w, 201, m)
	})
	d := s.deps(client.Config{})
	d.AgentID = testAgent
	var r ReportedCostView
	md := callOK(t, d, "paperclip_report_cost_event", map[string]any{"provider": "anthropic", "model": "claude", "inputTokens": 100,
		"outputTokens": 50, "costCents": 123, "occurredAt": "2026-12-02T12:00:00+02:00"}, &r)
	body := s.requests()[0].JSON(t)
	assert.Equal(t, testAgent, body["agentId"], "agentId defaults to PAPERCLIP_AGENT_ID")
	assert.Equal(t, "2026-12-02T10:00:00.000Z", body["occurredAt"])
	assert.Equal(t, float64(123), body["costCents"])
	assert.NotContains(t, body, "projectId")
	assert.Contains(t, md, "$1.23 for agent")

	for _, bad := range []map[string]any{
		{"provider": "a", "model": "m", "costCents": 1.5, "occurredAt": "2026-12-02T10:00:00Z"},
		{"provider": "a", "model": "m", "costCents": -1, "occurredAt": "2026-12-02T10:00:00Z"},
		{"provider": "a", "model": "m", "costCents": 1, "occurredAt": "noon"},
		{"provider": "a", "model": "m", "costCents": 1},
		{"provider": "a", "model": "m", "costCents": 1, "occurredAt": "2026-12-02T10:00:00Z", "projectId": "p1"},
	} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_report_cost_event", bad))
	}
	assert.Contains(t, callErr(t, d, "paperclip_report_cost_event", map[string]any{"provider": "a", "model": "m", "costCents": 1.5, "occurredAt": "2026-12-02T10:00:00Z"}), "costCents")
	assert.Len(t, s.requests(), 1, "bad arguments are refused before sending")
}
