package client

import (
	"context"
	"net/http"
)

// Goal is a company, team, agent or task goal.
type Goal struct {
	ID           string  `json:"id"`
	CompanyID    string  `json:"companyId"`
	Title        string  `json:"title"`
	Description  *string `json:"description"`
	Level        string  `json:"level"`
	Status       string  `json:"status"`
	ParentID     *string `json:"parentId"`
	OwnerAgentID *string `json:"ownerAgentId"`
	CreatedAt    string  `json:"createdAt"`
	UpdatedAt    string  `json:"updatedAt"`
}

// GoalFields are the writable fields of a goal; nil pointers are not sent.
type GoalFields struct {
	Title        *string `json:"title,omitempty"`
	Description  *string `json:"description,omitempty"`
	Level        *string `json:"level,omitempty"`
	Status       *string `json:"status,omitempty"`
	ParentID     *string `json:"parentId,omitempty"`
	OwnerAgentID *string `json:"ownerAgentId,omitempty"`
}

// ListGoals lists a company's goals (GET /api/companies/{companyId}/goals; no paging).
func (c *Client) ListGoals(ctx context.Context, companyID string) ([]Goal, error) {
	var out []Goal
	err := c.do(ctx, request{route: routeListGoals, params: []string{companyID}}, &out)
	return out, err
}

// GetGoal reads one goal (GET /api/goals/{goalId}).
func (c *Client) GetGoal(ctx context.Context, id string) (*Goal, error) {
	var out Goal
	if err := c.do(ctx, request{route: routeGetGoal, params: []string{id}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateGoal creates a goal (POST /api/companies/{companyId}/goals).
func (c *Client) CreateGoal(ctx context.Context, companyID string, f GoalFields) (*Goal, error) {
	var out Goal
	if err := c.do(ctx, request{route: routeCreateGoal, params: []string{companyID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateGoal changes a goal (PATCH /api/goals/{goalId}).
func (c *Client) UpdateGoal(ctx context.Context, id string, f GoalFields) (*Goal, error) {
	var out Goal
	if err := c.do(ctx, request{route: routeUpdateGoal, params: []string{id}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeListGoals  = route(http.MethodGet, "/companies/{companyId}/goals")
	routeCreateGoal = route(http.MethodPost, "/companies/{companyId}/goals")
	routeGetGoal    = route(http.MethodGet, "/goals/{goalId}")
	routeUpdateGoal = route(http.MethodPatch, "/goals/{goalId}")
)
