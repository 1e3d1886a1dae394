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

// CompanyFields are the writable fields of a company; nil pointers are not
// sent. A CEO agent may send only name and description (the agent schema
// is strict: anything else answers 400).
type CompanyFields struct {
	Name               *string `json:"name,omitempty"`
	Description        *string `json:"description,omitempty"`
	BudgetMonthlyCents *int64  `json:"budgetMonthlyCents,omitempty"`
	Status             *string `json:"status,omitempty"`
}

// CreateCompany creates a company (POST /api/companies; instance admin).
func (c *Client) CreateCompany(ctx context.Context, f CompanyFields) (*Company, error) {
	var out Company
	if err := c.do(ctx, request{route: routeCreateCompany, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCompany changes a company (PATCH /api/companies/{companyId}; board or its CEO agent).
func (c *Client) UpdateCompany(ctx context.Context, companyID string, f CompanyFields) (*Company, error) {
	var out Company
	if err := c.do(ctx, request{route: routeUpdateCompany, params: []string{companyID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ArchiveCompany archives a company (POST /api/companies/{companyId}/archive;
// board only; idempotent; its agents are paused).
func (c *Client) ArchiveCompany(ctx context.Context, companyID string) (*Company, error) {
	var out Company
	if err := c.do(ctx, request{route: routeArchiveCompany, params: []string{companyID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

var (
	routeCreateCompany  = route(http.MethodPost, "/companies")
	routeUpdateCompany  = route(http.MethodPatch, "/companies/{companyId}")
	routeArchiveCompany = route(http.MethodPost, "/companies/{companyId}/archive")
)
