package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Dashboard is a company's dashboard (GET /api/companies/{companyId}/dashboard).
type Dashboard struct {
	CompanyID string `json:"companyId"`
	Agents    struct {
		Active  int `json:"active"`
		Running int `json:"running"`
		Paused  int `json:"paused"`
		Error   int `json:"error"`
	} `json:"agents"`
	Tasks struct {
		Open       int `json:"open"`
		InProgress int `json:"inProgress"`
		Blocked    int `json:"blocked"`
		Done       int `json:"done"`
	} `json:"tasks"`
	Costs struct {
		MonthSpendCents         int64   `json:"monthSpendCents"`
		MonthBudgetCents        int64   `json:"monthBudgetCents"`
		MonthUtilizationPercent float64 `json:"monthUtilizationPercent"`
	} `json:"costs"`
	PendingApprovals int `json:"pendingApprovals"`
	Budgets          struct {
		ActiveIncidents  int `json:"activeIncidents"`
		PendingApprovals int `json:"pendingApprovals"`
		PausedAgents     int `json:"pausedAgents"`
		PausedProjects   int `json:"pausedProjects"`
	} `json:"budgets"`
	RunActivity []RunActivityDay `json:"runActivity"`
}

// RunActivityDay is one day of a dashboard's run activity.
type RunActivityDay struct {
	Date      string `json:"date"`
	Succeeded int    `json:"succeeded"`
	Failed    int    `json:"failed"`
	Recovered int    `json:"recovered"`
	Other     int    `json:"other"`
	Total     int    `json:"total"`
}

// GetDashboard reads a company's dashboard; an unknown company is 404.
func (c *Client) GetDashboard(ctx context.Context, companyID string) (*Dashboard, error) {
	var out Dashboard
	if err := c.do(ctx, request{route: routeGetDashboard, params: []string{companyID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Activity is one row of a company's activity log.
type Activity struct {
	ID         string         `json:"id"`
	ActorType  string         `json:"actorType"`
	ActorID    string         `json:"actorId"`
	Action     string         `json:"action"`
	EntityType string         `json:"entityType"`
	EntityID   string         `json:"entityId"`
	AgentID    *string        `json:"agentId"`
	RunID      *string        `json:"runId"`
	Details    map[string]any `json:"details"`
	CreatedAt  string         `json:"createdAt"`
}

// ActivityFilter narrows a company's activity log.
type ActivityFilter struct {
	AgentID, EntityType, EntityID string
	// Limit is sent as is: the server clamps it to 1..500 (default 100).
	Limit int
}

// ListActivity reads a company's activity log, newest first
// (GET /api/companies/{companyId}/activity; limit only, no offset).
func (c *Client) ListActivity(ctx context.Context, companyID string, f ActivityFilter) ([]Activity, error) {
	q := url.Values{}
	for k, v := range map[string]string{"agentId": f.AgentID, "entityType": f.EntityType, "entityId": f.EntityID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out []Activity
	err := c.do(ctx, request{route: routeListActivity, params: []string{companyID}, query: q}, &out)
	return out, err
}

// CostSummary is a company's spend against its budget over a window.
type CostSummary struct {
	CompanyID          string  `json:"companyId"`
	SpendCents         int64   `json:"spendCents"`
	BudgetCents        int64   `json:"budgetCents"`
	UtilizationPercent float64 `json:"utilizationPercent"`
}

// CostRow is one agent's or one project's spend.
type CostRow struct {
	AgentID           string `json:"agentId"`
	AgentName         string `json:"agentName"`
	AgentStatus       string `json:"agentStatus"`
	ProjectID         string `json:"projectId"`
	ProjectName       string `json:"projectName"`
	CostCents         int64  `json:"costCents"`
	InputTokens       int64  `json:"inputTokens"`
	CachedInputTokens int64  `json:"cachedInputTokens"`
	OutputTokens      int64  `json:"outputTokens"`
}

func window(from, to string) url.Values {
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	return q
}

// CostSummary reads GET /api/companies/{companyId}/costs/summary (from, to: ISO).
func (c *Client) CostSummary(ctx context.Context, companyID, from, to string) (*CostSummary, error) {
	var out CostSummary
	if err := c.do(ctx, request{route: routeCostSummary, params: []string{companyID}, query: window(from, to)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CostsByAgent reads GET /api/companies/{companyId}/costs/by-agent.
func (c *Client) CostsByAgent(ctx context.Context, companyID, from, to string) ([]CostRow, error) {
	var out []CostRow
	err := c.do(ctx, request{route: routeCostsByAgent, params: []string{companyID}, query: window(from, to)}, &out)
	return out, err
}

// CostsByProject reads GET /api/companies/{companyId}/costs/by-project.
func (c *Client) CostsByProject(ctx context.Context, companyID, from, to string) ([]CostRow, error) {
	var out []CostRow
	err := c.do(ctx, request{route: routeCostsByProject, params: []string{companyID}, query: window(from, to)}, &out)
	return out, err
}

// CostEvent is the body of POST /api/companies/{companyId}/cost-events.
// costCents must be an integer and occurredAt a UTC time with a Z.
type CostEvent struct {
	AgentID      string `json:"agentId"`
	Provider     string `json:"provider"`
	Model        string `json:"model"`
	InputTokens  int64  `json:"inputTokens"`
	OutputTokens int64  `json:"outputTokens"`
	CostCents    int64  `json:"costCents"`
	OccurredAt   string `json:"occurredAt"`
	ProjectID    string `json:"projectId,omitempty"`
}

// ReportedCost is a stored cost event.
type ReportedCost struct {
	CostEvent
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
}

// ReportCostEvent records a cost event; an agent may only report its own.
func (c *Client) ReportCostEvent(ctx context.Context, companyID string, e CostEvent) (*ReportedCost, error) {
	var out ReportedCost
	if err := c.do(ctx, request{route: routeReportCost, params: []string{companyID}, body: e}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeGetDashboard   = route(http.MethodGet, "/companies/{companyId}/dashboard")
	routeListActivity   = route(http.MethodGet, "/companies/{companyId}/activity")
	routeCostSummary    = route(http.MethodGet, "/companies/{companyId}/costs/summary")
	routeCostsByAgent   = route(http.MethodGet, "/companies/{companyId}/costs/by-agent")
	routeCostsByProject = route(http.MethodGet, "/companies/{companyId}/costs/by-project")
	routeReportCost     = route(http.MethodPost, "/companies/{companyId}/cost-events")
)
