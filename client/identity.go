package client

import (
	"context"
	"net/http"
)

// CurrentUser is the board identity behind the request
// (GET /api/cli-auth/me).
type CurrentUser struct {
	User *struct {
		ID    string  `json:"id"`
		Name  *string `json:"name"`
		Email *string `json:"email"`
	} `json:"user"`
	UserID          string       `json:"userId"`
	IsInstanceAdmin bool         `json:"isInstanceAdmin"`
	CompanyIDs      []string     `json:"companyIds"`
	Memberships     []Membership `json:"memberships"`
	// Source is how the board was recognised: local_implicit (no key on a
	// local_trusted server), board_key, session, ...
	Source string  `json:"source"`
	KeyID  *string `json:"keyId"`
}

// Membership is a board user's role in one company.
type Membership struct {
	CompanyID      string `json:"companyId"`
	MembershipRole string `json:"membershipRole"`
	Status         string `json:"status"`
}

// GetCurrentUser returns the board user of the request
// (GET /api/cli-auth/me). Board only: an agent key or run JWT gets 401
// "Board authentication required" (a 401 that is not a bad key).
func (c *Client) GetCurrentUser(ctx context.Context) (*CurrentUser, error) {
	var out CurrentUser
	if err := c.do(ctx, request{route: routeCurrentUser}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Me is the calling agent as GET /api/agents/me returns it: the agent
// (adapterConfig left out, it may hold secrets) plus its reporting chain
// and task-assignment access.
type Me struct {
	Agent
	Permissions    map[string]any `json:"permissions"`
	ChainOfCommand []ChainLink    `json:"chainOfCommand"`
	Access         *struct {
		CanAssignTasks bool `json:"canAssignTasks"`
	} `json:"access"`
	// TrustPreset is set on the reduced view a low-trust run gets.
	TrustPreset any `json:"trustPreset"`
}

// ChainLink is one manager above an agent.
type ChainLink struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Role  string  `json:"role"`
	Title *string `json:"title"`
}

// GetMe returns the agent of the request (GET /api/agents/me). Agent only: a
// board gets 401 "Agent authentication required".
func (c *Client) GetMe(ctx context.Context) (*Me, error) {
	var out Me
	if err := c.do(ctx, request{route: routeGetMe}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// InboxIssue is one issue of an agent's compact inbox.
type InboxIssue struct {
	ID         string  `json:"id"`
	Identifier *string `json:"identifier"`
	Title      string  `json:"title"`
	Status     string  `json:"status"`
	Priority   string  `json:"priority"`
	ProjectID  *string `json:"projectId"`
	GoalID     *string `json:"goalId"`
	ParentID   *string `json:"parentId"`
	UpdatedAt  string  `json:"updatedAt"`
	ActiveRun  *struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"activeRun"`
	DependencyReady           *bool    `json:"dependencyReady"`
	UnresolvedBlockerCount    int      `json:"unresolvedBlockerCount"`
	UnresolvedBlockerIssueIDs []string `json:"unresolvedBlockerIssueIds"`
}

// InboxLimit is the most issues GET /api/agents/me/inbox-lite returns: it
// takes no paging parameters and stops there.
const InboxLimit = 500

// GetInbox returns the issues assigned to the calling agent in todo,
// in_progress or blocked (GET /api/agents/me/inbox-lite; at most InboxLimit,
// no paging). Agent only: a board gets 401 "Agent authentication required".
func (c *Client) GetInbox(ctx context.Context) ([]InboxIssue, error) {
	var out []InboxIssue
	err := c.do(ctx, request{route: routeInbox}, &out)
	return out, err
}

// Revoked is the answer of POST /api/cli-auth/revoke-current.
type Revoked struct {
	Revoked bool   `json:"revoked"`
	KeyID   string `json:"keyId"`
}

// RevokeCurrentSession revokes the board API key the request carries
// (POST /api/cli-auth/revoke-current). Only a pcp_board_ bearer has one:
// the implicit local board, agent keys and run JWTs get 400 "Current board
// API key context is required". The key answers 401 afterwards.
func (c *Client) RevokeCurrentSession(ctx context.Context) (*Revoked, error) {
	var out Revoked
	if err := c.do(ctx, request{route: routeRevokeCurrent}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (every one is checked against the server's
// /api/openapi.json by test/integration).
var (
	routeCurrentUser   = route(http.MethodGet, "/cli-auth/me")
	routeGetMe         = route(http.MethodGet, "/agents/me")
	routeInbox         = route(http.MethodGet, "/agents/me/inbox-lite")
	routeRevokeCurrent = route(http.MethodPost, "/cli-auth/revoke-current")
)
