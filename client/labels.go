package client

import (
	"context"
	"net/http"
)

// Label is a company's issue label.
type Label struct {
	ID        string `json:"id"`
	CompanyID string `json:"companyId"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	CreatedAt string `json:"createdAt"`
}

// ListLabels lists a company's labels, by name
// (GET /api/companies/{companyId}/labels; no paging).
func (c *Client) ListLabels(ctx context.Context, companyID string) ([]Label, error) {
	var out []Label
	err := c.do(ctx, request{route: routeListLabels, params: []string{companyID}}, &out)
	return out, err
}

// CreateLabel creates a label (POST /api/companies/{companyId}/labels).
// Both name (trimmed, 1..48) and color (#RRGGBB) are required by the server;
// a name the company already has answers 500.
func (c *Client) CreateLabel(ctx context.Context, companyID, name, color string) (*Label, error) {
	var out Label
	err := c.do(ctx, request{route: routeCreateLabel, params: []string{companyID},
		body: map[string]any{"name": name, "color": color}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (every one is checked against the server's
// /api/openapi.json by test/integration).
var (
	routeListLabels  = route(http.MethodGet, "/companies/{companyId}/labels")
	routeCreateLabel = route(http.MethodPost, "/companies/{companyId}/labels")
)
