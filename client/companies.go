package client

import (
	"context"
	"net/http"
)

// Company is a company as Paperclip returns it (the fields this server uses).
type Company struct {
	ID                 string  `json:"id"`
	Name               string  `json:"name"`
	Description        *string `json:"description"`
	Status             string  `json:"status"`
	IssuePrefix        string  `json:"issuePrefix"`
	BudgetMonthlyCents int64   `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64   `json:"spentMonthlyCents"`
	CreatedAt          string  `json:"createdAt"`
}

// ListCompanies lists the companies the caller may see
// (GET /api/companies, board only; no paging).
func (c *Client) ListCompanies(ctx context.Context) ([]Company, error) {
	var out []Company
	err := c.do(ctx, request{route: routeListCompanies}, &out)
	return out, err
}

// GetCompany fetches one company (GET /api/companies/{companyId}); an
// unknown or malformed id answers 404 "Company not found".
func (c *Client) GetCompany(ctx context.Context, companyID string) (*Company, error) {
	var out Company
	if err := c.do(ctx, request{route: routeGetCompany, params: []string{companyID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeListCompanies = route(http.MethodGet, "/companies")
	routeGetCompany    = route(http.MethodGet, "/companies/{companyId}")
)
