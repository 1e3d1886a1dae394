package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Document is an issue document as Paperclip returns it (the fields this
// server uses).
type Document struct {
	ID                   string  `json:"id"`
	CompanyID            string  `json:"companyId"`
	IssueID              string  `json:"issueId"`
	Key                  string  `json:"key"`
	Title                *string `json:"title"`
	Format               string  `json:"format"`
	Body                 string  `json:"body"`
	LatestRevisionID     *string `json:"latestRevisionId"`
	LatestRevisionNumber int     `json:"latestRevisionNumber"`
	CreatedByAgentID     *string `json:"createdByAgentId"`
	CreatedByUserID      *string `json:"createdByUserId"`
	UpdatedByAgentID     *string `json:"updatedByAgentId"`
	UpdatedByUserID      *string `json:"updatedByUserId"`
	LockedAt             *string `json:"lockedAt"`
	CreatedAt            string  `json:"createdAt"`
	UpdatedAt            string  `json:"updatedAt"`
}

// DocumentRevision is one stored revision of a document, with its body.
type DocumentRevision struct {
	ID               string  `json:"id"`
	DocumentID       string  `json:"documentId"`
	Key              string  `json:"key"`
	RevisionNumber   int     `json:"revisionNumber"`
	Title            *string `json:"title"`
	Format           string  `json:"format"`
	Body             string  `json:"body"`
	ChangeSummary    *string `json:"changeSummary"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedAt        string  `json:"createdAt"`
}

// UpsertDocument is the body of PUT /issues/{issueId}/documents/{key}.
// Format is required by the server (only "markdown"); Title null clears it;
// BaseRevisionID must be the current latestRevisionId to update, and absent
// to create.
type UpsertDocument struct {
	Title          *string `json:"title"`
	Format         string  `json:"format"`
	Body           string  `json:"body"`
	BaseRevisionID string  `json:"baseRevisionId,omitempty"`
}

// ListDocuments lists an issue's documents with their bodies, by key. The
// route has no paging; includeSystem=true also returns the documents
// Paperclip writes itself (e.g. continuation-summary), which GET by key
// returns anyway.
// GET /api/issues/{issueId}/documents?includeSystem=true
func (c *Client) ListDocuments(ctx context.Context, issueID string) ([]Document, error) {
	var out []Document
	err := c.do(ctx, request{route: routeListDocuments, params: []string{issueID}, query: url.Values{"includeSystem": {"true"}}}, &out)
	return out, err
}

// GetDocument fetches one document with its latest body; 404 "Document not
// found" when the issue has no such key.
// GET /api/issues/{issueId}/documents/{key}
func (c *Client) GetDocument(ctx context.Context, issueID, key string) (*Document, error) {
	var out Document
	if err := c.do(ctx, request{route: routeGetDocument, params: []string{issueID, key}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListDocumentRevisions lists a document's revisions, newest first, with
// their bodies. No paging.
// GET /api/issues/{issueId}/documents/{key}/revisions
func (c *Client) ListDocumentRevisions(ctx context.Context, issueID, key string) ([]DocumentRevision, error) {
	var out []DocumentRevision
	err := c.do(ctx, request{route: routeListDocumentRevisions, params: []string{issueID, key}}, &out)
	return out, err
}

// PutDocument creates (201) or updates (200) a document; created says which.
// The answer of an update also carries a stale latestBody: Body is the new one.
// PUT /api/issues/{issueId}/documents/{key}
func (c *Client) PutDocument(ctx context.Context, issueID, key string, in UpsertDocument) (doc *Document, created bool, err error) {
	var raw Raw
	if err := c.do(ctx, request{route: routePutDocument, params: []string{issueID, key}, body: in}, &raw); err != nil {
		return nil, false, err
	}
	var out Document
	if err := json.Unmarshal(raw.Body, &out); err != nil {
		return nil, false, fmt.Errorf("PUT /api/issues/%s/documents/%s: Paperclip answered HTTP %d with a body that is not a document: %v", issueID, key, raw.Status, err)
	}
	return &out, raw.Status == http.StatusCreated, nil
}

// DeleteDocument deletes a document and its revisions. Board only (an agent
// gets 403 "Board authentication required"); unknown key: 404.
// DELETE /api/issues/{issueId}/documents/{key}
func (c *Client) DeleteDocument(ctx context.Context, issueID, key string) error {
	return c.do(ctx, request{route: routeDeleteDocument, params: []string{issueID, key}}, nil)
}

// The routes of this file.
var (
	routeListDocuments         = route(http.MethodGet, "/issues/{issueId}/documents")
	routeGetDocument           = route(http.MethodGet, "/issues/{issueId}/documents/{key}")
	routeListDocumentRevisions = route(http.MethodGet, "/issues/{issueId}/documents/{key}/revisions")
	routePutDocument           = route(http.MethodPut, "/issues/{issueId}/documents/{key}")
	routeDeleteDocument        = route(http.MethodDelete, "/issues/{issueId}/documents/{key}")
)
