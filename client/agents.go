package client

import (
	"context"
	"net/http"
)

// Agent is an agent as Paperclip returns it (the fields this server uses;
// adapterConfig is left out on purpose: it may hold secrets in env).
type Agent struct {
	ID                 string  `json:"id"`
	CompanyID          string  `json:"companyId"`
	Name               string  `json:"name"`
	Role               string  `json:"role"`
	Title              *string `json:"title"`
	Status             string  `json:"status"`
	ReportsTo          *string `json:"reportsTo"`
	AdapterType        string  `json:"adapterType"`
	ErrorReason        *string `json:"errorReason"`
	PauseReason        *string `json:"pauseReason"`
	PausedAt           *string `json:"pausedAt"`
	LastHeartbeatAt    *string `json:"lastHeartbeatAt"`
	BudgetMonthlyCents int64   `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64   `json:"spentMonthlyCents"`
	URLKey             string  `json:"urlKey"`
	CreatedAt          string  `json:"createdAt"`
	Capabilities       *string `json:"capabilities"`
	Icon               *string `json:"icon"`
	Permissions        *struct {
		CanCreateAgents bool  `json:"canCreateAgents"`
		CanAssignTasks  *bool `json:"canAssignTasks"`
	} `json:"permissions"`
}

// ListAgents lists a company's agents. The route answers 400 to any query
// parameter ("Unsupported query parameter: limit"), so none is sent: it has
// no paging, and returns every agent.
func (c *Client) ListAgents(ctx context.Context, companyID string) ([]Agent, error) {
	var out []Agent
	err := c.do(ctx, request{route: routeListAgents, params: []string{companyID}}, &out)
	return out, err
}

// GetAgent fetches one agent by id.
func (c *Client) GetAgent(ctx context.Context, agentID string) (*Agent, error) {
	var out Agent
	if err := c.do(ctx, request{route: routeGetAgent, params: []string{agentID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeListAgents = route(http.MethodGet, "/companies/{companyId}/agents")
	routeGetAgent   = route(http.MethodGet, "/agents/{agentId}")
)
