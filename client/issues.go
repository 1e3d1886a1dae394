package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Issue is an issue as Paperclip returns it from the list, get, create,
// update, checkout and release routes (the fields this server uses). The
// routes differ in what they add: create adds the dedup flags, update the
// comment and the changes, get the relations.
type Issue struct {
	ID                string       `json:"id"`
	CompanyID         string       `json:"companyId"`
	Identifier        *string      `json:"identifier"`
	Title             string       `json:"title"`
	Description       *string      `json:"description"`
	Status            string       `json:"status"`
	Priority          string       `json:"priority"`
	AssigneeAgentID   *string      `json:"assigneeAgentId"`
	AssigneeUserID    *string      `json:"assigneeUserId"`
	ProjectID         *string      `json:"projectId"`
	GoalID            *string      `json:"goalId"`
	ParentID          *string      `json:"parentId"`
	BillingCode       *string      `json:"billingCode"`
	CheckoutRunID     *string      `json:"checkoutRunId"`
	ExecutionRunID    *string      `json:"executionRunId"`
	ExecutionLockedAt *string      `json:"executionLockedAt"`
	LabelIDs          []string     `json:"labelIds"`
	Labels            []IssueLabel `json:"labels"`
	StartedAt         *string      `json:"startedAt"`
	CompletedAt       *string      `json:"completedAt"`
	CancelledAt       *string      `json:"cancelledAt"`
	CreatedAt         string       `json:"createdAt"`
	UpdatedAt         string       `json:"updatedAt"`

	// GET /issues/{id} only.
	BlockedBy []IssueLink `json:"blockedBy"`
	Blocks    []IssueLink `json:"blocks"`
	Ancestors []IssueLink `json:"ancestors"`

	// POST /companies/{companyId}/issues only: true when an existing open
	// issue was returned instead of a new one (HTTP 200 instead of 201).
	Deduplicated        bool    `json:"deduplicated"`
	DeduplicationReason *string `json:"deduplicationReason"`

	// PATCH /issues/{id} only: the comment added, and what changed
	// (field name -> {from, to}).
	Comment *IssueComment  `json:"comment"`
	Changes map[string]any `json:"changes"`
}

// IssueLabel is a label attached to an issue.
type IssueLabel struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// IssueLink is another issue as a relation or an ancestor names it.
type IssueLink struct {
	ID         string  `json:"id"`
	Identifier *string `json:"identifier"`
	Title      string  `json:"title"`
	Status     string  `json:"status"`
	Priority   string  `json:"priority"`
}

// IssueComment is the comment PATCH /issues/{id} adds when given one.
type IssueComment struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	CreatedAt string `json:"createdAt"`
}

// IssueQuery filters GET /companies/{companyId}/issues. Every field but
// Limit is left out when empty; the route honours limit (1..1000) and
// offset itself, and ignores goalId (so there is no GoalID here).
type IssueQuery struct {
	Status          string // one status or a CSV of statuses
	AssigneeAgentID string
	ProjectID       string
	LabelID         string
	Q               string
	Limit           int
	Offset          int
}

// ListIssues lists a company's issues, one server-side page: a bare array,
// no total, ordered by priority then latest activity. The compact view is
// not used: the server caches it, so it lags behind writes.
func (c *Client) ListIssues(ctx context.Context, companyID string, q IssueQuery) ([]Issue, error) {
	v := url.Values{"limit": {strconv.Itoa(q.Limit)}}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	for k, val := range map[string]string{"status": q.Status, "assigneeAgentId": q.AssigneeAgentID,
		"projectId": q.ProjectID, "labelId": q.LabelID, "q": q.Q} {
		if val != "" {
			v.Set(k, val)
		}
	}
	var out []Issue
	err := c.do(ctx, request{route: routeListIssues, params: []string{companyID}, query: v}, &out)
	return out, err
}

// GetIssue fetches one issue by UUID or identifier (ABC-12); anything
// unknown answers 404 "Issue not found".
func (c *Client) GetIssue(ctx context.Context, issueID string) (*Issue, error) {
	var out Issue
	if err := c.do(ctx, request{route: routeGetIssue, params: []string{issueID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// IssueCreate is the body of POST /companies/{companyId}/issues.
type IssueCreate struct {
	Title                                string   `json:"title"`
	Description                          string   `json:"description,omitempty"`
	Status                               string   `json:"status,omitempty"`
	Priority                             string   `json:"priority,omitempty"`
	ParentID                             string   `json:"parentId,omitempty"`
	GoalID                               string   `json:"goalId,omitempty"`
	ProjectID                            string   `json:"projectId,omitempty"`
	AssigneeAgentID                      string   `json:"assigneeAgentId,omitempty"`
	BillingCode                          string   `json:"billingCode,omitempty"`
	LabelIDs                             []string `json:"labelIds,omitempty"`
	InheritExecutionWorkspaceFromIssueID string   `json:"inheritExecutionWorkspaceFromIssueId,omitempty"`
	// AllowDuplicate skips Paperclip's dedup of an open issue with the same
	// title and parent created in the last 48 h.
	AllowDuplicate bool `json:"allowDuplicate,omitempty"`
}

// CreateIssue creates an issue: 201 with the new issue, or 200 with an
// existing one and Deduplicated set.
func (c *Client) CreateIssue(ctx context.Context, companyID string, in IssueCreate) (*Issue, error) {
	var out Issue
	if err := c.do(ctx, request{route: routeCreateIssue, params: []string{companyID}, body: in}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateIssue patches an issue. fields holds only what changes; a nil value
// is sent as JSON null (clears a nullable field). Unknown keys are dropped
// by Paperclip without an error, so callers send only known ones.
func (c *Client) UpdateIssue(ctx context.Context, issueID string, fields map[string]any) (*Issue, error) {
	var out Issue
	if err := c.do(ctx, request{route: routeUpdateIssue, params: []string{issueID}, body: fields}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckoutIssue assigns the issue to agentID and sets it in_progress, when
// its status is one of expectedStatuses. Agents must send a run id
// (X-Paperclip-Run-Id, from Config.RunID) and may check out only as
// themselves; 409 "Issue checkout conflict" carries who holds it.
func (c *Client) CheckoutIssue(ctx context.Context, issueID, agentID string, expectedStatuses []string) (*Issue, error) {
	body := map[string]any{"agentId": agentID, "expectedStatuses": expectedStatuses}
	var out Issue
	if err := c.do(ctx, request{route: routeCheckoutIssue, params: []string{issueID}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReleaseIssue clears the assignee and the run locks; in_progress goes back
// to todo. Agents: only the assignee, with a run id.
func (c *Client) ReleaseIssue(ctx context.Context, issueID string) (*Issue, error) {
	var out Issue
	if err := c.do(ctx, request{route: routeReleaseIssue, params: []string{issueID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// HeartbeatContext is GET /issues/{id}/heartbeat-context: what an agent
// needs to resume work on an issue, in one call.
type HeartbeatContext struct {
	Issue struct {
		ID              string      `json:"id"`
		Identifier      *string     `json:"identifier"`
		Title           string      `json:"title"`
		Description     *string     `json:"description"`
		Status          string      `json:"status"`
		Priority        string      `json:"priority"`
		ProjectID       *string     `json:"projectId"`
		GoalID          *string     `json:"goalId"`
		ParentID        *string     `json:"parentId"`
		AssigneeAgentID *string     `json:"assigneeAgentId"`
		AssigneeUserID  *string     `json:"assigneeUserId"`
		BlockedBy       []IssueLink `json:"blockedBy"`
		Blocks          []IssueLink `json:"blocks"`
		UpdatedAt       string      `json:"updatedAt"`
	} `json:"issue"`
	Ancestors []IssueLink `json:"ancestors"`
	Project   *struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"project"`
	Goal *struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Status string `json:"status"`
		Level  string `json:"level"`
	} `json:"goal"`
	CommentCursor struct {
		TotalComments   int     `json:"totalComments"`
		LatestCommentID *string `json:"latestCommentId"`
		LatestCommentAt *string `json:"latestCommentAt"`
	} `json:"commentCursor"`
	Attachments []struct {
		ID          string `json:"id"`
		Filename    string `json:"filename"`
		ContentType string `json:"contentType"`
		ByteSize    int64  `json:"byteSize"`
	} `json:"attachments"`
	ContinuationSummary *struct {
		Key              string  `json:"key"`
		Title            *string `json:"title"`
		Body             string  `json:"body"`
		LatestRevisionID *string `json:"latestRevisionId"`
		UpdatedAt        string  `json:"updatedAt"`
	} `json:"continuationSummary"`
	CurrentExecutionWorkspace *struct {
		ID         string  `json:"id"`
		Name       *string `json:"name"`
		Status     string  `json:"status"`
		Cwd        *string `json:"cwd"`
		BranchName *string `json:"branchName"`
	} `json:"currentExecutionWorkspace"`
}

// GetHeartbeatContext fetches an issue's heartbeat context.
func (c *Client) GetHeartbeatContext(ctx context.Context, issueID string) (*HeartbeatContext, error) {
	var out HeartbeatContext
	if err := c.do(ctx, request{route: routeHeartbeatContext, params: []string{issueID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeListIssues       = route(http.MethodGet, "/companies/{companyId}/issues")
	routeCreateIssue      = route(http.MethodPost, "/companies/{companyId}/issues")
	routeGetIssue         = route(http.MethodGet, "/issues/{issueId}")
	routeUpdateIssue      = route(http.MethodPatch, "/issues/{issueId}")
	routeCheckoutIssue    = route(http.MethodPost, "/issues/{issueId}/checkout")
	routeReleaseIssue     = route(http.MethodPost, "/issues/{issueId}/release")
	routeHeartbeatContext = route(http.MethodGet, "/issues/{issueId}/heartbeat-context")
)
