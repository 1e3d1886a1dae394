package client

import (
	"context"
	"net/http"
)

// Secret is a company secret as Paperclip returns it: metadata only, the
// value never comes back.
type Secret struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	Key            string  `json:"key"`
	Name           string  `json:"name"`
	Provider       string  `json:"provider"`
	Status         string  `json:"status"`
	ManagedMode    string  `json:"managedMode"`
	ExternalRef    *string `json:"externalRef"`
	LatestVersion  int     `json:"latestVersion"`
	Description    *string `json:"description"`
	ReferenceCount *int    `json:"referenceCount"`
	LastRotatedAt  *string `json:"lastRotatedAt"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// SecretFields are the fields of a secret write; nil pointers are not sent.
// Value goes in and never comes out.
type SecretFields struct {
	Name        *string `json:"name,omitempty"`
	Value       *string `json:"value,omitempty"`
	Provider    *string `json:"provider,omitempty"`
	ManagedMode *string `json:"managedMode,omitempty"`
	Description *string `json:"description,omitempty"`
	ExternalRef *string `json:"externalRef,omitempty"`
	Status      *string `json:"status,omitempty"`
}

// ListSecrets lists a company's secrets (GET /api/companies/{companyId}/secrets;
// board only; no paging).
func (c *Client) ListSecrets(ctx context.Context, companyID string) ([]Secret, error) {
	var out []Secret
	err := c.do(ctx, request{route: routeListSecrets, params: []string{companyID}}, &out)
	return out, err
}

// SecretCatalog lists a company's secrets as an agent may see them: id,
// name, key, status (GET /api/companies/{companyId}/secrets/catalog).
func (c *Client) SecretCatalog(ctx context.Context, companyID string) ([]Secret, error) {
	var out []Secret
	err := c.do(ctx, request{route: routeSecretCatalog, params: []string{companyID}}, &out)
	return out, err
}

// CreateSecret creates a secret (POST /api/companies/{companyId}/secrets; 201).
func (c *Client) CreateSecret(ctx context.Context, companyID string, f SecretFields) (*Secret, error) {
	var out Secret
	if err := c.do(ctx, request{route: routeCreateSecret, params: []string{companyID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RotateSecret stores a new version (POST /api/secrets/{secretId}/rotate).
func (c *Client) RotateSecret(ctx context.Context, secretID string, f SecretFields) (*Secret, error) {
	var out Secret
	if err := c.do(ctx, request{route: routeRotateSecret, params: []string{secretID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateSecret changes a secret's metadata (PATCH /api/secrets/{secretId}).
func (c *Client) UpdateSecret(ctx context.Context, secretID string, f SecretFields) (*Secret, error) {
	var out Secret
	if err := c.do(ctx, request{route: routeUpdateSecret, params: []string{secretID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

var (
	routeListSecrets   = route(http.MethodGet, "/companies/{companyId}/secrets")
	routeSecretCatalog = route(http.MethodGet, "/companies/{companyId}/secrets/catalog")
	routeCreateSecret  = route(http.MethodPost, "/companies/{companyId}/secrets")
	routeRotateSecret  = route(http.MethodPost, "/secrets/{id}/rotate")
	routeUpdateSecret  = route(http.MethodPatch, "/secrets/{id}")
)
