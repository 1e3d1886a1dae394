package client

import (
	"context"
	"net/http"
)

// OrgNode is one agent in a company's org chart, with its reports.
type OrgNode struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Status  string    `json:"status"`
	Reports []OrgNode `json:"reports"`
}

// GetOrgChart reads a company's org chart (GET /api/companies/{companyId}/org).
func (c *Client) GetOrgChart(ctx context.Context, companyID string) ([]OrgNode, error) {
	var out []OrgNode
	err := c.do(ctx, request{route: routeOrgChart, params: []string{companyID}}, &out)
	return out, err
}

// CreateAgent creates an agent (POST /api/companies/{companyId}/agents);
// body holds the fields to send.
func (c *Client) CreateAgent(ctx context.Context, companyID string, body map[string]any) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeCreateAgent, params: []string{companyID}, body: body})
}

// UpdateAgent changes an agent (PATCH /api/agents/{agentId}); adapterConfig is merged.
func (c *Client) UpdateAgent(ctx context.Context, agentID string, body map[string]any) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeUpdateAgent, params: []string{agentID}, body: body})
}

// PauseAgent pauses an agent and cancels its active runs (board only).
func (c *Client) PauseAgent(ctx context.Context, agentID string) (*Agent, error) {
	return c.agentCall(ctx, request{route: routePauseAgent, params: []string{agentID}})
}

// ResumeAgent sets a paused agent idle.
func (c *Client) ResumeAgent(ctx context.Context, agentID string) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeResumeAgent, params: []string{agentID}})
}

// TerminateAgent terminates an agent and revokes its keys (board only; idempotent).
func (c *Client) TerminateAgent(ctx context.Context, agentID string) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeTerminateAgent, params: []string{agentID}})
}

// RollbackAgentConfig restores a config revision (as a new revision).
func (c *Client) RollbackAgentConfig(ctx context.Context, agentID, revisionID string) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeRollbackConfig, params: []string{agentID, revisionID}})
}

// UpdateAgentPermissions sets what an agent may do (board, or the company's CEO agent).
func (c *Client) UpdateAgentPermissions(ctx context.Context, agentID string, canAssignTasks, canCreateAgents bool) (*Agent, error) {
	return c.agentCall(ctx, request{route: routeAgentPermissions, params: []string{agentID},
		body: map[string]any{"canAssignTasks": canAssignTasks, "canCreateAgents": canCreateAgents}})
}

func (c *Client) agentCall(ctx context.Context, rq request) (*Agent, error) {
	var out Agent
	if err := c.do(ctx, rq, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AgentKey is a new agent API key. Token is shown this once: callers must
// not pass it on.
type AgentKey struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Token     string `json:"token"`
	CreatedAt string `json:"createdAt"`
}

// CreateAgentKey creates an API key for an agent (board only; keys never expire).
func (c *Client) CreateAgentKey(ctx context.Context, agentID, name string) (*AgentKey, error) {
	body := map[string]any{}
	if name != "" {
		body["name"] = name
	}
	var out AgentKey
	if err := c.do(ctx, request{route: routeCreateAgentKey, params: []string{agentID}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ConfigRevision is one revision of an agent's configuration. The configs
// themselves are not decoded: they hold adapterConfig, which may hold secrets.
type ConfigRevision struct {
	ID                       string   `json:"id"`
	Source                   string   `json:"source"`
	ChangedKeys              []string `json:"changedKeys"`
	RolledBackFromRevisionID *string  `json:"rolledBackFromRevisionId"`
	CreatedByUserID          *string  `json:"createdByUserId"`
	CreatedByAgentID         *string  `json:"createdByAgentId"`
	CreatedAt                string   `json:"createdAt"`
}

// ListAgentConfigRevisions lists an agent's config revisions, newest first (no paging).
func (c *Client) ListAgentConfigRevisions(ctx context.Context, agentID string) ([]ConfigRevision, error) {
	var out []ConfigRevision
	err := c.do(ctx, request{route: routeConfigRevisions, params: []string{agentID}}, &out)
	return out, err
}

// Skill is one skill of a company's library.
type Skill struct {
	ID          string  `json:"id"`
	Key         string  `json:"key"`
	Slug        string  `json:"slug"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	SourceType  string  `json:"sourceType"`
	TrustLevel  string  `json:"trustLevel"`
}

// ListCompanySkills lists a company's skills (no paging).
func (c *Client) ListCompanySkills(ctx context.Context, companyID string) ([]Skill, error) {
	var out []Skill
	err := c.do(ctx, request{route: routeCompanySkills, params: []string{companyID}}, &out)
	return out, err
}

// SkillSync is what syncing an agent's skills answers.
type SkillSync struct {
	AdapterType   string   `json:"adapterType"`
	Supported     bool     `json:"supported"`
	Mode          string   `json:"mode"`
	DesiredSkills []string `json:"desiredSkills"`
	Warnings      []string `json:"warnings"`
	Entries       []struct {
		Key     string `json:"key"`
		Desired bool   `json:"desired"`
		State   string `json:"state"`
	} `json:"entries"`
}

// SyncAgentSkills adds, removes or replaces an agent's desired skills
// (POST /api/agents/{agentId}/skills/sync; mode is required).
func (c *Client) SyncAgentSkills(ctx context.Context, agentID, mode string, skills []string) (*SkillSync, error) {
	var out SkillSync
	err := c.do(ctx, request{route: routeSyncSkills, params: []string{agentID}, body: map[string]any{"mode": mode, "desiredSkills": skills}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// InstructionsPath is where an agent's adapter reads its instructions file.
type InstructionsPath struct {
	AgentID          string  `json:"agentId"`
	AdapterType      string  `json:"adapterType"`
	AdapterConfigKey string  `json:"adapterConfigKey"`
	Path             *string `json:"path"`
}

// SetAgentInstructionsPath sets (path) or clears (nil) the instructions path (board only).
func (c *Client) SetAgentInstructionsPath(ctx context.Context, agentID string, path *string, adapterConfigKey string) (*InstructionsPath, error) {
	body := map[string]any{"path": path}
	if adapterConfigKey != "" {
		body["adapterConfigKey"] = adapterConfigKey
	}
	var out InstructionsPath
	if err := c.do(ctx, request{route: routeInstructionsPath, params: []string{agentID}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeOrgChart         = route(http.MethodGet, "/companies/{companyId}/org")
	routeCreateAgent      = route(http.MethodPost, "/companies/{companyId}/agents")
	routeUpdateAgent      = route(http.MethodPatch, "/agents/{agentId}")
	routePauseAgent       = route(http.MethodPost, "/agents/{agentId}/pause")
	routeResumeAgent      = route(http.MethodPost, "/agents/{agentId}/resume")
	routeTerminateAgent   = route(http.MethodPost, "/agents/{agentId}/terminate")
	routeCreateAgentKey   = route(http.MethodPost, "/agents/{agentId}/keys")
	routeConfigRevisions  = route(http.MethodGet, "/agents/{agentId}/config-revisions")
	routeRollbackConfig   = route(http.MethodPost, "/agents/{agentId}/config-revisions/{revisionId}/rollback")
	routeCompanySkills    = route(http.MethodGet, "/companies/{companyId}/skills")
	routeSyncSkills       = route(http.MethodPost, "/agents/{agentId}/skills/sync")
	routeInstructionsPath = route(http.MethodPatch, "/agents/{agentId}/instructions-path")
	routeAgentPermissions = route(http.MethodPatch, "/agents/{agentId}/permissions")
)
