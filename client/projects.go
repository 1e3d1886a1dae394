package client

import (
	"context"
	"net/http"
	"net/url"
)

// Project is a project as Paperclip returns it (the fields this server
// uses; env is left out on purpose: it may hold secrets).
type Project struct {
	ID          string      `json:"id"`
	CompanyID   string      `json:"companyId"`
	Name        string      `json:"name"`
	Description *string     `json:"description"`
	Status      string      `json:"status"`
	GoalIDs     []string    `json:"goalIds"`
	LeadAgentID *string     `json:"leadAgentId"`
	TargetDate  *string     `json:"targetDate"`
	ArchivedAt  *string     `json:"archivedAt"`
	PauseReason *string     `json:"pauseReason"`
	URLKey      string      `json:"urlKey"`
	CreatedAt   string      `json:"createdAt"`
	UpdatedAt   string      `json:"updatedAt"`
	Workspaces  []Workspace `json:"workspaces"`
}

// Workspace is a project's workspace: a local folder or a repository.
type Workspace struct {
	ID         string  `json:"id"`
	ProjectID  string  `json:"projectId"`
	Name       string  `json:"name"`
	SourceType string  `json:"sourceType"`
	Cwd        *string `json:"cwd"`
	RepoURL    *string `json:"repoUrl"`
	RepoRef    *string `json:"repoRef"`
	IsPrimary  bool    `json:"isPrimary"`
	CreatedAt  string  `json:"createdAt"`
	UpdatedAt  string  `json:"updatedAt"`
}

// WorkspaceFields are the writable fields of a workspace; nil pointers are not sent.
type WorkspaceFields struct {
	Name    *string `json:"name,omitempty"`
	Cwd     *string `json:"cwd,omitempty"`
	RepoURL *string `json:"repoUrl,omitempty"`
	RepoRef *string `json:"repoRef,omitempty"`
}

// ProjectFields are the writable fields of a project. ArchivedAt is sent
// when ArchiveSet is true: a time archives, nil restores.
type ProjectFields struct {
	Name        *string          `json:"name,omitempty"`
	Description *string          `json:"description,omitempty"`
	Status      *string          `json:"status,omitempty"`
	GoalID      *string          `json:"goalId,omitempty"`
	Workspace   *WorkspaceFields `json:"workspace,omitempty"`
	ArchiveSet  bool             `json:"-"`
	ArchivedAt  *string          `json:"-"`
}

func (f ProjectFields) body() map[string]any {
	b := map[string]any{}
	for k, v := range map[string]*string{"name": f.Name, "description": f.Description, "status": f.Status, "goalId": f.GoalID} {
		if v != nil {
			b[k] = *v
		}
	}
	if f.Workspace != nil {
		b["workspace"] = f.Workspace
	}
	if f.ArchiveSet {
		b["archivedAt"] = f.ArchivedAt
	}
	return b
}

// ListProjects lists a company's projects (no paging; archived ones only when asked).
func (c *Client) ListProjects(ctx context.Context, companyID string, includeArchived bool) ([]Project, error) {
	q := url.Values{}
	if includeArchived {
		q.Set("includeArchived", "true")
	}
	var out []Project
	err := c.do(ctx, request{route: routeListProjects, params: []string{companyID}, query: q}, &out)
	return out, err
}

// GetProject reads one project with its workspaces.
func (c *Client) GetProject(ctx context.Context, id string) (*Project, error) {
	var out Project
	if err := c.do(ctx, request{route: routeGetProject, params: []string{id}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateProject creates a project (POST /api/companies/{companyId}/projects;
// 201, or 200 on an idempotent replay).
func (c *Client) CreateProject(ctx context.Context, companyID string, f ProjectFields) (*Project, error) {
	var out Project
	if err := c.do(ctx, request{route: routeCreateProject, params: []string{companyID}, body: f.body()}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateProject changes a project (PATCH /api/projects/{projectId}).
func (c *Client) UpdateProject(ctx context.Context, id string, f ProjectFields) (*Project, error) {
	var out Project
	if err := c.do(ctx, request{route: routeUpdateProject, params: []string{id}, body: f.body()}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListWorkspaces lists a project's workspaces (no paging).
func (c *Client) ListWorkspaces(ctx context.Context, projectID string) ([]Workspace, error) {
	var out []Workspace
	err := c.do(ctx, request{route: routeListWorkspaces, params: []string{projectID}}, &out)
	return out, err
}

// CreateWorkspace adds a workspace to a project; cwd or repoUrl is required.
func (c *Client) CreateWorkspace(ctx context.Context, projectID string, f WorkspaceFields) (*Workspace, error) {
	var out Workspace
	if err := c.do(ctx, request{route: routeCreateWorkspace, params: []string{projectID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateWorkspace changes a workspace.
func (c *Client) UpdateWorkspace(ctx context.Context, projectID, workspaceID string, f WorkspaceFields) (*Workspace, error) {
	var out Workspace
	if err := c.do(ctx, request{route: routeUpdateWorkspace, params: []string{projectID, workspaceID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteWorkspace deletes a workspace and returns it.
func (c *Client) DeleteWorkspace(ctx context.Context, projectID, workspaceID string) (*Workspace, error) {
	var out Workspace
	if err := c.do(ctx, request{route: routeDeleteWorkspace, params: []string{projectID, workspaceID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeListProjects    = route(http.MethodGet, "/companies/{companyId}/projects")
	routeCreateProject   = route(http.MethodPost, "/companies/{companyId}/projects")
	routeGetProject      = route(http.MethodGet, "/projects/{projectId}")
	routeUpdateProject   = route(http.MethodPatch, "/projects/{projectId}")
	routeListWorkspaces  = route(http.MethodGet, "/projects/{projectId}/workspaces")
	routeCreateWorkspace = route(http.MethodPost, "/projects/{projectId}/workspaces")
	routeUpdateWorkspace = route(http.MethodPatch, "/projects/{projectId}/workspaces/{workspaceId}")
	routeDeleteWorkspace = route(http.MethodDelete, "/projects/{projectId}/workspaces/{workspaceId}")
)
