package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	findProject   = "Find project ids with paperclip_list_projects."
	findWorkspace = "Find workspace ids with paperclip_list_workspaces."
)

// WorkspaceView is one workspace of a project.
type WorkspaceView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	SourceType string `json:"sourceType"`
	Cwd        string `json:"cwd,omitempty"`
	RepoURL    string `json:"repoUrl,omitempty"`
	RepoRef    string `json:"repoRef,omitempty"`
	IsPrimary  bool   `json:"isPrimary"`
}

func workspaceView(w *client.Workspace) WorkspaceView {
	return WorkspaceView{ID: w.ID, Name: w.Name, SourceType: w.SourceType, Cwd: str(w.Cwd), RepoURL: str(w.RepoURL), RepoRef: str(w.RepoRef), IsPrimary: w.IsPrimary}
}

func primaryText(primary bool) string {
	if primary {
		return " · primary"
	}
	return ""
}

func workspaceLine(w WorkspaceView) string {
	where := strings.TrimSpace(w.Cwd + " " + w.RepoURL + wrapped("@", w.RepoRef, ""))
	return fmt.Sprintf("- **%s** `%s` · %s · %s%s", w.Name, w.ID, w.SourceType, where, primaryText(w.IsPrimary))
}

// ProjectView is one project (env is never shown: it may hold secrets).
type ProjectView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Status      string          `json:"status"`
	Archived    bool            `json:"archived"`
	GoalIDs     []string        `json:"goalIds"`
	LeadAgentID string          `json:"leadAgentId,omitempty"`
	TargetDate  string          `json:"targetDate,omitempty"`
	Description string          `json:"description,omitempty"`
	Workspaces  []WorkspaceView `json:"workspaces"`
	UpdatedAt   string          `json:"updatedAt"`
}

func projectView(p *client.Project, descMax int) ProjectView {
	v := ProjectView{ID: p.ID, Name: p.Name, Status: p.Status, Archived: str(p.ArchivedAt) != "", GoalIDs: append([]string{}, p.GoalIDs...),
		LeadAgentID: str(p.LeadAgentID), TargetDate: str(p.TargetDate), Description: clip(str(p.Description), descMax),
		Workspaces: []WorkspaceView{}, UpdatedAt: p.UpdatedAt}
	for i := range p.Workspaces {
		v.Workspaces = append(v.Workspaces, workspaceView(&p.Workspaces[i]))
	}
	return v
}

func projectLine(p ProjectView) string {
	s := fmt.Sprintf("- **%s** `%s` · %s", p.Name, p.ID, p.Status)
	if p.Archived {
		s += " · archived"
	}
	if len(p.GoalIDs) > 0 {
		s += " · goal `" + strings.Join(p.GoalIDs, "`, `") + "`"
	}
	return s + fmt.Sprintf(" · %d workspace(s)", len(p.Workspaces))
}

// ---------------------------------------------------------------- projects

// ListProjectsArgs are the arguments of paperclip_list_projects.
type ListProjectsArgs struct {
	CompanyArg
	IncludeArchived bool `json:"includeArchived,omitempty" jsonschema:"default=false"`
	Paging
	Format
}

func listProjects(ctx context.Context, d *Deps, a ListProjectsArgs) (Page[ProjectView], error) {
	page := Page[ProjectView]{Items: []ProjectView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListProjects(ctx, companyID, a.IncludeArchived)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(all, a.Offset, a.Limit, true, func(p *client.Project) ProjectView { return projectView(p, 200) }), nil
}

func listProjectsMarkdown(_ ListProjectsArgs, p Page[ProjectView]) string {
	var m md
	m.line("## Projects: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No projects (archived ones show with includeArchived=true).")
	}
	for _, x := range p.Items {
		m.line("%s", projectLine(x))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_projects", "")
	return m.String()
}

// listProjectsTool declares paperclip_list_projects.
func listProjectsTool() Tool {
	return define(Spec{Name: "paperclip_list_projects", Title: "List projects", Toolset: Projects,
		Description: "A company's projects with status, goals and workspaces; archived ones only with includeArchived.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listProjects, listProjectsMarkdown)
}

// ProjectArgs identify one project.
type ProjectArgs struct {
	ProjectID string `json:"projectId" jsonschema:"format=uuid"`
	Format
}

func getProject(ctx context.Context, d *Deps, a ProjectArgs) (ProjectView, error) {
	p, err := d.Client.GetProject(ctx, a.ProjectID)
	if err != nil {
		return ProjectView{}, err
	}
	return projectView(p, 4000), nil
}

func projectMarkdown(title string, p ProjectView) string {
	var m md
	m.line("## %s %s (`%s`)", title, p.Name, p.ID)
	m.line("%s", strings.TrimPrefix(projectLine(p), "- "))
	if p.Description != "" {
		m.blank()
		m.line("%s", p.Description)
	}
	if len(p.Workspaces) > 0 {
		m.blank()
		m.line("Workspaces:")
		for _, w := range p.Workspaces {
			m.line("%s", workspaceLine(w))
		}
	}
	m.blank()
	m.line("Next: paperclip_list_issues projectId=%s lists its issues.", p.ID)
	return m.String()
}

func getProjectMarkdown(_ ProjectArgs, p ProjectView) string { return projectMarkdown("Project", p) }

// getProjectTool declares paperclip_get_project.
func getProjectTool() Tool {
	return define(Spec{Name: "paperclip_get_project", Title: "Get a project", Toolset: Projects,
		Description: "One project: status, goals, lead, description and its workspaces (folders or repositories).",
		Access:      Read, NotFound: findProject},
		getProject, getProjectMarkdown)
}

// WorkspaceArg is a new workspace: a local folder, a repository, or both.
type WorkspaceArg struct {
	Cwd     string `json:"cwd,omitempty" jsonschema:"maxLength=4096,description=Local folder"`
	RepoURL string `json:"repoUrl,omitempty" jsonschema:"maxLength=2000,pattern=^[A-Za-z][A-Za-z0-9+.-]*://[^ ]+$"`
}

func (w WorkspaceArg) fields(what string) (*client.WorkspaceFields, error) {
	if w.Cwd == "" && w.RepoURL == "" {
		return nil, inputErrorf("%s needs cwd (a local folder) or repoUrl (a repository URL), or both.", what)
	}
	return &client.WorkspaceFields{Cwd: nonEmpty(w.Cwd), RepoURL: nonEmpty(w.RepoURL)}, nil
}

// CreateProjectArgs are the arguments of paperclip_create_project.
type CreateProjectArgs struct {
	CompanyArg
	Name        string        `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Description string        `json:"description,omitempty" jsonschema:"maxLength=20000"`
	Status      string        `json:"status,omitempty" jsonschema:"enum=backlog,enum=planned,enum=in_progress,enum=completed,enum=cancelled,default=backlog"`
	GoalID      string        `json:"goalId,omitempty" jsonschema:"format=uuid"`
	Workspace   *WorkspaceArg `json:"workspace,omitempty" jsonschema:"description=Its first workspace"`
}

func createProject(ctx context.Context, d *Deps, a CreateProjectArgs) (ProjectView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return ProjectView{}, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return ProjectView{}, inputErrorf("name is blank: give the project a name.")
	}
	f := client.ProjectFields{Name: &name, Description: nonEmpty(a.Description), Status: nonEmpty(a.Status), GoalID: nonEmpty(a.GoalID)}
	if a.Workspace != nil {
		if f.Workspace, err = a.Workspace.fields("workspace"); err != nil {
			return ProjectView{}, err
		}
	}
	p, err := d.Client.CreateProject(ctx, companyID, f)
	if err != nil {
		return ProjectView{}, err
	}
	return projectView(p, 4000), nil
}

func createProjectMarkdown(_ CreateProjectArgs, p ProjectView) string {
	return projectMarkdown("Created project", p)
}

// createProjectTool declares paperclip_create_project.
func createProjectTool() Tool {
	return define(Spec{Name: "paperclip_create_project", Title: "Create a project", Toolset: Projects,
		Description: "Create a project, optionally for a goal and with a first workspace (a folder or a repository).",
		Access:      Write, NotFound: "Check companyId and goalId. " + findGoal},
		createProject, createProjectMarkdown)
}

// UpdateProjectArgs are the arguments of paperclip_update_project.
type UpdateProjectArgs struct {
	ProjectID   string `json:"projectId" jsonschema:"format=uuid"`
	Name        string `json:"name,omitempty" jsonschema:"maxLength=200"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=20000"`
	Status      string `json:"status,omitempty" jsonschema:"enum=backlog,enum=planned,enum=in_progress,enum=completed,enum=cancelled"`
	Archived    *bool  `json:"archived,omitempty" jsonschema:"description=true archives it (there is no archived status); false restores it"`
}

func updateProject(ctx context.Context, d *Deps, a UpdateProjectArgs) (ProjectView, error) {
	f := client.ProjectFields{Description: nonEmpty(a.Description), Status: nonEmpty(a.Status)}
	if a.Name != "" {
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return ProjectView{}, inputErrorf("name is blank: give a name, or leave it out.")
		}
		f.Name = &name
	}
	if a.Archived != nil {
		f.ArchiveSet = true
		if *a.Archived {
			now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
			f.ArchivedAt = &now
		}
	}
	if f.Name == nil && f.Description == nil && f.Status == nil && !f.ArchiveSet {
		return ProjectView{}, inputErrorf("Nothing to change: give at least one of name, description, status, archived.")
	}
	p, err := d.Client.UpdateProject(ctx, a.ProjectID, f)
	if err != nil {
		return ProjectView{}, err
	}
	return projectView(p, 4000), nil
}

func updateProjectMarkdown(_ UpdateProjectArgs, p ProjectView) string {
	return projectMarkdown("Updated project", p)
}

// updateProjectTool declares paperclip_update_project.
func updateProjectTool() Tool {
	return define(Spec{Name: "paperclip_update_project", Title: "Update a project", Toolset: Projects,
		Description: "Change a project's name, description or status, or archive or restore it.",
		Access:      WriteIdempotent, NotFound: findProject},
		updateProject, updateProjectMarkdown)
}

// ---------------------------------------------------------------- workspaces

// ListWorkspacesArgs are the arguments of paperclip_list_workspaces.
type ListWorkspacesArgs struct {
	ProjectID string `json:"projectId" jsonschema:"format=uuid"`
	Paging
	Format
}

func listWorkspaces(ctx context.Context, d *Deps, a ListWorkspacesArgs) (Page[WorkspaceView], error) {
	page := Page[WorkspaceView]{Items: []WorkspaceView{}, Offset: a.Offset, Limit: a.Limit}
	all, err := d.Client.ListWorkspaces(ctx, a.ProjectID)
	if err != nil {
		return page, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, workspaceView), nil
}

func listWorkspacesMarkdown(a ListWorkspacesArgs, p Page[WorkspaceView]) string {
	var m md
	m.line("## Workspaces of project `%s`: %d shown from offset %d (%d in all)", a.ProjectID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No workspaces: paperclip_create_workspace adds one.")
	}
	for _, w := range p.Items {
		m.line("%s", workspaceLine(w))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_workspaces", "")
	return m.String()
}

// listWorkspacesTool declares paperclip_list_workspaces.
func listWorkspacesTool() Tool {
	return define(Spec{Name: "paperclip_list_workspaces", Title: "List a project's workspaces", Toolset: Projects,
		Description: "A project's workspaces: the folders and repositories its agents work in.",
		Access:      Read, NotFound: findProject},
		listWorkspaces, listWorkspacesMarkdown)
}

// CreateWorkspaceArgs are the arguments of paperclip_create_workspace.
type CreateWorkspaceArgs struct {
	ProjectID string `json:"projectId" jsonschema:"format=uuid"`
	WorkspaceArg
}

func createWorkspace(ctx context.Context, d *Deps, a CreateWorkspaceArgs) (WorkspaceView, error) {
	f, err := a.WorkspaceArg.fields("A workspace")
	if err != nil {
		return WorkspaceView{}, err
	}
	w, err := d.Client.CreateWorkspace(ctx, a.ProjectID, *f)
	if err != nil {
		return WorkspaceView{}, err
	}
	return workspaceView(w), nil
}

func workspaceMarkdown(title string, w WorkspaceView) string {
	var m md
	m.line("## %s workspace %s (`%s`)", title, w.Name, w.ID)
	m.line("%s", workspaceLine(w))
	return m.String()
}

func createWorkspaceMarkdown(_ CreateWorkspaceArgs, w WorkspaceView) string {
	return workspaceMarkdown("Created", w)
}

// createWorkspaceTool declares paperclip_create_workspace.
func createWorkspaceTool() Tool {
	return define(Spec{Name: "paperclip_create_workspace", Title: "Add a workspace to a project", Toolset: Projects,
		Description: "Add a workspace to a project: a local folder (cwd), a repository (repoUrl), or both; one is required.",
		Access:      Write, NotFound: findProject},
		createWorkspace, createWorkspaceMarkdown)
}

// UpdateWorkspaceArgs are the arguments of paperclip_update_workspace.
type UpdateWorkspaceArgs struct {
	ProjectID   string `json:"projectId" jsonschema:"format=uuid"`
	WorkspaceID string `json:"workspaceId" jsonschema:"format=uuid"`
	WorkspaceArg
}

func updateWorkspace(ctx context.Context, d *Deps, a UpdateWorkspaceArgs) (WorkspaceView, error) {
	f, err := a.WorkspaceArg.fields("An update")
	if err != nil {
		return WorkspaceView{}, err
	}
	w, err := d.Client.UpdateWorkspace(ctx, a.ProjectID, a.WorkspaceID, *f)
	if err != nil {
		return WorkspaceView{}, err
	}
	return workspaceView(w), nil
}

func updateWorkspaceMarkdown(_ UpdateWorkspaceArgs, w WorkspaceView) string {
	return workspaceMarkdown("Updated", w)
}

// updateWorkspaceTool declares paperclip_update_workspace.
func updateWorkspaceTool() Tool {
	return define(Spec{Name: "paperclip_update_workspace", Title: "Update a workspace", Toolset: Projects,
		Description: "Change a project workspace's folder (cwd) or repository (repoUrl).",
		Access:      WriteIdempotent, NotFound: findWorkspace},
		updateWorkspace, updateWorkspaceMarkdown)
}

// WorkspaceIDArgs identify one workspace.
type WorkspaceIDArgs struct {
	ProjectID   string `json:"projectId" jsonschema:"format=uuid"`
	WorkspaceID string `json:"workspaceId" jsonschema:"format=uuid"`
}

func deleteWorkspace(ctx context.Context, d *Deps, a WorkspaceIDArgs) (WorkspaceView, error) {
	w, err := d.Client.DeleteWorkspace(ctx, a.ProjectID, a.WorkspaceID)
	if err != nil {
		return WorkspaceView{}, err
	}
	return workspaceView(w), nil
}

func deleteWorkspaceMarkdown(_ WorkspaceIDArgs, w WorkspaceView) string {
	return workspaceMarkdown("Deleted", w) + "Paperclip forgot it; the folder or repository itself is untouched.\n"
}

// deleteWorkspaceTool declares paperclip_delete_workspace.
func deleteWorkspaceTool() Tool {
	return define(Spec{Name: "paperclip_delete_workspace", Title: "Delete a workspace", Toolset: Projects,
		Description: "Remove a workspace from a project (the folder or repository is not touched). Cannot be undone; add it again with paperclip_create_workspace.",
		Access:      Destructive, NotFound: findWorkspace},
		deleteWorkspace, deleteWorkspaceMarkdown)
}

func projectTools() []Tool {
	return []Tool{listProjectsTool(), getProjectTool(), createProjectTool(), updateProjectTool(),
		listWorkspacesTool(), createWorkspaceTool(), updateWorkspaceTool(), deleteWorkspaceTool()}
}
