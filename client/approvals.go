package client

import (
	"context"
	"net/http"
	"net/url"
)

// Approval is a board approval as Paperclip returns it. The server redacts
// secret-looking values of the payload; a hire's payload still carries the
// adapter and runtime configuration, which callers must not show.
type Approval struct {
	ID                 string         `json:"id"`
	CompanyID          string         `json:"companyId"`
	Type               string         `json:"type"`
	Status             string         `json:"status"`
	RequestedByAgentID *string        `json:"requestedByAgentId"`
	RequestedByUserID  *string        `json:"requestedByUserId"`
	Payload            map[string]any `json:"payload"`
	DecisionNote       *string        `json:"decisionNote"`
	DecidedByUserID    *string        `json:"decidedByUserId"`
	DecidedAt          *string        `json:"decidedAt"`
	CreatedAt          string         `json:"createdAt"`
	UpdatedAt          string         `json:"updatedAt"`
}

// ApprovalComment is a comment on an approval.
type ApprovalComment struct {
	ID            string  `json:"id"`
	ApprovalID    string  `json:"approvalId"`
	AuthorAgentID *string `json:"authorAgentId"`
	AuthorUserID  *string `json:"authorUserId"`
	Body          string  `json:"body"`
	CreatedAt     string  `json:"createdAt"`
}

// ApprovalIssue is an issue linked to an approval (a narrower row than Issue).
type ApprovalIssue struct {
	ID              string  `json:"id"`
	Identifier      *string `json:"identifier"`
	Title           string  `json:"title"`
	Status          string  `json:"status"`
	Priority        string  `json:"priority"`
	AssigneeAgentID *string `json:"assigneeAgentId"`
	CreatedAt       string  `json:"createdAt"`
}

// CreateApprovalRequest is the body of POST /companies/{companyId}/approvals.
type CreateApprovalRequest struct {
	Type               string         `json:"type"`
	Payload            map[string]any `json:"payload"`
	RequestedByAgentID string         `json:"requestedByAgentId,omitempty"`
	IssueIDs           []string       `json:"issueIds,omitempty"`
}

// AgentHireRequest is the body of POST /companies/{companyId}/agent-hires
// (the fields this server sends; the route has no goalId or projectId).
type AgentHireRequest struct {
	Name          string         `json:"name"`
	Role          string         `json:"role,omitempty"`
	Title         string         `json:"title,omitempty"`
	Capabilities  string         `json:"capabilities,omitempty"`
	ReportsTo     string         `json:"reportsTo,omitempty"`
	AdapterType   string         `json:"adapterType,omitempty"`
	AdapterConfig map[string]any `json:"adapterConfig,omitempty"`
	SourceIssueID string         `json:"sourceIssueId,omitempty"`
}

// AgentHire is what the hire route answers: the agent, and its approval
// (nil when the company does not require board approval for new agents).
type AgentHire struct {
	Agent      Agent     `json:"agent"`
	Approval   *Approval `json:"approval"`
	Idempotent bool      `json:"idempotent"`
}

// ListApprovals lists a company's approvals (GET /api/companies/{companyId}/approvals).
// status is one exact value or empty (a CSV matches nothing); no paging, no order.
func (c *Client) ListApprovals(ctx context.Context, companyID, status string) ([]Approval, error) {
	var q url.Values
	if status != "" {
		q = url.Values{"status": {status}}
	}
	var out []Approval
	err := c.do(ctx, request{route: routeListApprovals, params: []string{companyID}, query: q}, &out)
	return out, err
}

// GetApproval fetches one approval (GET /api/approvals/{approvalId}).
func (c *Client) GetApproval(ctx context.Context, approvalID string) (*Approval, error) {
	return c.approvalCall(ctx, request{route: routeGetApproval, params: []string{approvalID}})
}

// CreateApproval creates a pending approval (POST /api/companies/{companyId}/approvals).
func (c *Client) CreateApproval(ctx context.Context, companyID string, in CreateApprovalRequest) (*Approval, error) {
	return c.approvalCall(ctx, request{route: routeCreateApproval, params: []string{companyID}, body: in})
}

// ApproveApproval approves (POST /api/approvals/{approvalId}/approve; board
// only). The note replaces any earlier decision note (nil clears it).
func (c *Client) ApproveApproval(ctx context.Context, approvalID string, decisionNote *string) (*Approval, error) {
	return c.approvalCall(ctx, request{route: routeApproveApproval, params: []string{approvalID}, body: noteBody(decisionNote)})
}

// RejectApproval rejects (POST /api/approvals/{approvalId}/reject; board only).
func (c *Client) RejectApproval(ctx context.Context, approvalID string, decisionNote *string) (*Approval, error) {
	return c.approvalCall(ctx, request{route: routeRejectApproval, params: []string{approvalID}, body: noteBody(decisionNote)})
}

// RequestApprovalRevision sends a pending approval back to its requester
// (POST /api/approvals/{approvalId}/request-revision; board only).
func (c *Client) RequestApprovalRevision(ctx context.Context, approvalID string, decisionNote *string) (*Approval, error) {
	return c.approvalCall(ctx, request{route: routeRequestApprovalRevision, params: []string{approvalID}, body: noteBody(decisionNote)})
}

// ResubmitApproval puts a revision_requested approval back to pending
// (POST /api/approvals/{approvalId}/resubmit). The route takes only a
// payload (nil keeps the old one); it has no comment field.
func (c *Client) ResubmitApproval(ctx context.Context, approvalID string, payload map[string]any) (*Approval, error) {
	body := map[string]any{}
	if payload != nil {
		body["payload"] = payload
	}
	return c.approvalCall(ctx, request{route: routeResubmitApproval, params: []string{approvalID}, body: body})
}

// ListApprovalComments lists an approval's comments, oldest first
// (GET /api/approvals/{approvalId}/comments; no paging).
func (c *Client) ListApprovalComments(ctx context.Context, approvalID string) ([]ApprovalComment, error) {
	var out []ApprovalComment
	err := c.do(ctx, request{route: routeListApprovalComments, params: []string{approvalID}}, &out)
	return out, err
}

// AddApprovalComment comments on an approval (POST /api/approvals/{approvalId}/comments).
func (c *Client) AddApprovalComment(ctx context.Context, approvalID, body string) (*ApprovalComment, error) {
	var out ApprovalComment
	if err := c.do(ctx, request{route: routeAddApprovalComment, params: []string{approvalID},
		body: map[string]any{"body": body}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListApprovalIssues lists the issues linked to an approval
// (GET /api/approvals/{approvalId}/issues; no paging).
func (c *Client) ListApprovalIssues(ctx context.Context, approvalID string) ([]ApprovalIssue, error) {
	var out []ApprovalIssue
	err := c.do(ctx, request{route: routeListApprovalIssues, params: []string{approvalID}}, &out)
	return out, err
}

// CreateAgentHire hires an agent (POST /api/companies/{companyId}/agent-hires):
// pending_approval with a hire_agent approval when the company requires
// board approval for new agents, else idle at once with no approval.
func (c *Client) CreateAgentHire(ctx context.Context, companyID string, in AgentHireRequest) (*AgentHire, error) {
	var out AgentHire
	if err := c.do(ctx, request{route: routeCreateAgentHire, params: []string{companyID}, body: in}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) approvalCall(ctx context.Context, r request) (*Approval, error) {
	var out Approval
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func noteBody(note *string) map[string]any {
	body := map[string]any{}
	if note != nil {
		body["decisionNote"] = *note
	}
	return body
}

// The routes of this file (every one is checked against the server's
// /api/openapi.json by test/integration).
var (
	routeListApprovals           = route(http.MethodGet, "/companies/{companyId}/approvals")
	routeCreateApproval          = route(http.MethodPost, "/companies/{companyId}/approvals")
	routeGetApproval             = route(http.MethodGet, "/approvals/{approvalId}")
	routeApproveApproval         = route(http.MethodPost, "/approvals/{approvalId}/approve")
	routeRejectApproval          = route(http.MethodPost, "/approvals/{approvalId}/reject")
	routeRequestApprovalRevision = route(http.MethodPost, "/approvals/{approvalId}/request-revision")
	routeResubmitApproval        = route(http.MethodPost, "/approvals/{approvalId}/resubmit")
	routeListApprovalComments    = route(http.MethodGet, "/approvals/{approvalId}/comments")
	routeAddApprovalComment      = route(http.MethodPost, "/approvals/{approvalId}/comments")
	routeListApprovalIssues      = route(http.MethodGet, "/approvals/{approvalId}/issues")
	routeCreateAgentHire         = route(http.MethodPost, "/companies/{companyId}/agent-hires")
)
