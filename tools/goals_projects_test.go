package tools

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	testWorkspace = "62000000-0000-4000-8000-000000000001"
)

func goalRow(id, title, parent string) map[string]any {
	var p any
	if parent != "" {
		p = parent
	}
	return map[string]any{"id": id, "companyId": testCompany, "title": title, "level": "team", "status": "active", "parentId": p,
		"createdAt": "2026-12-02T10:00:00.000Z", "updatedAt": "2026-12-02T10:00:00.000Z"}
}

func TestGoalsAsATree(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/goals", 200, []any{
		goalRow("60000000-0000-4000-8000-000000000003", "Child B", testGoal),
		goalRow(testGoal, "Root", ""),
		goalRow("60000000-0000-4000-8000-000000000002", "Grandchild", "60000000-0000-4000-8000-000000000003"),
		goalRow("60000000-0000-4000-8000-000000000004", "Orphan", "60000000-0000-4000-8000-000000000099"),
	})
	s.reply("GET /api/goals/{goalId}", 200, goalRow(testGoal, "Root", ""))
	s.handle("POST /api/companies/{companyId}/goals", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, goalRow(testGoal, stubReq{Body: body}.JSON(t)["title"].(string), ""))
	})
	s.handle("PATCH /api/goals/{goalId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		g := goalRow(testGoal, "Root", "")
		g["status"] = stubReq{Body: body}.JSON(t)["status"]
		writeJSON(w, 200, g)
	})
	d := s.deps(client.Config{})
	var p Page[GoalView]
	md := callOK(t, d, "paperclip_list_goals", map[string]any{}, &p)
	require.Len(t, p.Items, 4)
	var order []string
	var depth []int
	for _, g := range p.Items {
		order, depth = append(order, g.Title), append(depth, g.Depth)
	}
	assert.Equal(t, []string{"Root", "Child B", "Grandchild", "Orphan"}, order)
	assert.Equal(t, []int{0, 1, 2, 0}, depth)
	assert.Contains(t, md, "\n    - **Grandchild**")

	var g GoalView
	callOK(t, d, "paperclip_get_goal", map[string]any{"goalId": testGoal}, &g)
	assert.Equal(t, "Root", g.Title)
	callOK(t, d, "paperclip_create_goal", map[string]any{"title": "Ship", "level": "company"}, &g)
	assert.Equal(t, map[string]any{"title": "Ship", "level": "company", "status": "planned"}, s.requests()[2].JSON(t))
	md = callOK(t, d, "paperclip_update_goal", map[string]any{"goalId": testGoal, "status": "achieved"}, &g)
	assert.Equal(t, "achieved", g.Status)
	assert.Contains(t, md, "## Updated goal Root")

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_update_goal", map[string]any{"goalId": testGoal, "status": "completed"}), "achieved")
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_goal", map[string]any{"title": "x", "level": "org"}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_get_goal", map[string]any{"goalId": "g-1"}))
	assert.Contains(t, callErr(t, d, "paperclip_update_goal", map[string]any{"goalId": testGoal}), "Nothing to change")
	assert.Len(t, s.requests(), n, "refused before sending")
}

func projectRow(name string, archived bool) map[string]any {
	var at any
	if archived {
		at = "2026-12-02T10:00:00.000Z"
	}
	return map[string]any{"id": testProject, "companyId": testCompany, "name": name, "status": "planned", "goalIds": []any{testGoal},
		"archivedAt": at, "env": map[string]any{"DB_PASSWORD": "project-env-secret"},
		"workspaces": []any{map[string]any{"id": testWorkspace, "projectId": testProject, "name": "repo", "sourceType": "git_repo",
			"repoUrl": "https://example.com/x.git", "isPrimary": true}},
		"createdAt": "2026-12-02T10:00:00.000Z", "updatedAt": "2026-12-02T10:00:00.000Z"}
}

func TestProjectsAndWorkspaces(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/projects", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, projectRow(stubReq{Body: body}.JSON(t)["name"].(string), false))
	})
	s.reply("GET /api/companies/{companyId}/projects", 200, []any{projectRow("Apollo", false)})
	s.reply("GET /api/projects/{projectId}", 200, projectRow("Apollo", false))
	s.handle("PATCH /api/projects/{projectId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		writeJSON(w, 200, projectRow("Apollo", m["archivedAt"] != nil))
	})
	ws := map[string]any{"id": testWorkspace, "projectId": testProject, "name": "tmp", "sourceType": "local_path", "cwd": "/tmp", "isPrimary": false}
	s.reply("GET /api/projects/{projectId}/workspaces", 200, []any{ws})
	s.reply("POST /api/projects/{projectId}/workspaces", 201, ws)
	s.reply("PATCH /api/projects/{projectId}/workspaces/{workspaceId}", 200, ws)
	s.reply("DELETE /api/projects/{projectId}/workspaces/{workspaceId}", 200, ws)
	d := s.deps(client.Config{})

	var p ProjectView
	md := callOK(t, d, "paperclip_create_project", map[string]any{"name": "Apollo", "goalId": testGoal, "workspace": map[string]any{"repoUrl": "https://example.com/x.git"}}, &p)
	assert.Equal(t, map[string]any{"name": "Apollo", "status": "backlog", "goalId": testGoal, "workspace": map[string]any{"repoUrl": "https://example.com/x.git"}}, s.requests()[0].JSON(t))
	assert.Contains(t, md, "**repo** `"+testWorkspace+"` · git_repo · https://example.com/x.git · primary")
	assert.NotContains(t, md, "project-env-secret")

	var page Page[ProjectView]
	callOK(t, d, "paperclip_list_projects", map[string]any{"includeArchived": true}, &page)
	assert.Equal(t, map[string][]string{"includeArchived": {"true"}}, s.requests()[1].Query)
	require.NotNil(t, page.Total)
	callOK(t, d, "paperclip_get_project", map[string]any{"projectId": testProject}, &p)
	assert.NotContains(t, text(call(t, d, "paperclip_get_project", map[string]any{"projectId": testProject, "response_format": "json"})), "project-env-secret")

	callOK(t, d, "paperclip_update_project", map[string]any{"projectId": testProject, "archived": true}, &p)
	last := s.requests()[len(s.requests())-1].JSON(t)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, last["archivedAt"], "archived is archivedAt, in Z form")
	assert.True(t, p.Archived)
	callOK(t, d, "paperclip_update_project", map[string]any{"projectId": testProject, "archived": false, "status": "in_progress"}, &p)
	last = s.requests()[len(s.requests())-1].JSON(t)
	assert.Equal(t, map[string]any{"archivedAt": nil, "status": "in_progress"}, last, "archived=false restores it")

	n := len(s.requests())
	for _, bad := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_create_project", map[string]any{"name": "x", "status": "active"}, "backlog"},
		{"paperclip_update_project", map[string]any{"projectId": testProject, "status": "archived"}, "backlog"},
		{"paperclip_create_project", map[string]any{"name": "x", "workspace": map[string]any{}}, "needs cwd"},
		{"paperclip_create_workspace", map[string]any{"projectId": testProject}, "needs cwd"},
		{"paperclip_create_workspace", map[string]any{"projectId": testProject, "repoUrl": "not a url"}, "repoUrl"},
		{"paperclip_update_workspace", map[string]any{"projectId": testProject, "workspaceId": testWorkspace}, "needs cwd"},
		{"paperclip_update_project", map[string]any{"projectId": testProject}, "Nothing to change"},
		{"paperclip_delete_workspace", map[string]any{"projectId": testProject, "workspaceId": "w1"}, "workspaceId"},
	} {
		assert.Contains(t, callErr(t, d, bad.tool, bad.args), bad.want, bad.tool)
	}
	assert.Len(t, s.requests(), n, "refused before sending")

	var wp Page[WorkspaceView]
	md = callOK(t, d, "paperclip_list_workspaces", map[string]any{"projectId": testProject}, &wp)
	assert.Equal(t, 1, *wp.Total)
	assert.Contains(t, md, "· local_path · /tmp")
	var w WorkspaceView
	callOK(t, d, "paperclip_create_workspace", map[string]any{"projectId": testProject, "cwd": "/tmp"}, &w)
	assert.Equal(t, map[string]any{"cwd": "/tmp"}, s.requests()[len(s.requests())-1].JSON(t))
	callOK(t, d, "paperclip_update_workspace", map[string]any{"projectId": testProject, "workspaceId": testWorkspace, "cwd": "/var/tmp"}, &w)
	md = callOK(t, d, "paperclip_delete_workspace", map[string]any{"projectId": testProject, "workspaceId": testWorkspace}, &w)
	assert.Contains(t, md, "## Deleted workspace tmp")
	assert.Contains(t, md, "untouched")
}
