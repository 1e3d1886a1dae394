package integration

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type restGoal struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Level    string  `json:"level"`
	Status   string  `json:"status"`
	ParentID *string `json:"parentId"`
}

type restProject struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	ArchivedAt *string  `json:"archivedAt"`
	GoalIDs    []string `json:"goalIds"`
	Workspaces []struct {
		ID      string  `json:"id"`
		Cwd     *string `json:"cwd"`
		RepoURL *string `json:"repoUrl"`
	} `json:"workspaces"`
}

// TestGoalsProjectsAgainstREST: goals, projects and workspaces through the
// tools, each write read back with REST, and the refused enums sending nothing.
func TestGoalsProjectsAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Goals IT " + randSuffix()}, &company)
	C := company.ID
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "goals,projects", "PAPERCLIP_COMPANY_ID": C})

	// Goals: create a root and a child, update with the real status name.
	var root, child struct {
		ID string `json:"id"`
	}
	s.CallOK(t, "paperclip_create_goal", map[string]any{"title": "Grow revenue", "level": "company", "status": "active"}, &root)
	s.CallOK(t, "paperclip_create_goal", map[string]any{"title": "Launch EU", "level": "team", "parentId": root.ID}, &child)
	msg := s.CallErr(t, "paperclip_update_goal", map[string]any{"goalId": child.ID, "status": "completed"})
	assert.Contains(t, msg, "achieved")
	var rg restGoal
	restGET(t, "/goals/"+child.ID, &rg)
	assert.Equal(t, "planned", rg.Status, "the refused update changed nothing; planned is the default")
	assert.Equal(t, root.ID, deref(rg.ParentID))
	s.CallOK(t, "paperclip_update_goal", map[string]any{"goalId": child.ID, "status": "achieved", "title": "Launch EU (done)"}, nil)
	restGET(t, "/goals/"+child.ID, &rg)
	assert.Equal(t, "achieved", rg.Status)
	assert.Equal(t, "Launch EU (done)", rg.Title)

	var restGoals []restGoal
	restGET(t, "/companies/"+C+"/goals", &restGoals)
	var goals struct {
		Items []struct {
			ID    string `json:"id"`
			Depth int    `json:"depth"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_list_goals", map[string]any{}, &goals)
	require.NotNil(t, goals.Total)
	assert.Equal(t, len(restGoals), *goals.Total)
	require.Len(t, goals.Items, 2)
	assert.Equal(t, root.ID, goals.Items[0].ID, "the parent comes first")
	assert.Equal(t, 1, goals.Items[1].Depth)
	var g struct {
		Level  string `json:"level"`
		Status string `json:"status"`
	}
	callJSON(t, s, "paperclip_get_goal", map[string]any{"goalId": root.ID}, &g)
	assert.Equal(t, "company", g.Level)
	assert.Equal(t, "active", g.Status)

	// Projects: the documented `active` is refused, nothing is created.
	msg = s.CallErr(t, "paperclip_create_project", map[string]any{"name": "Nope", "status": "active"})
	assert.Contains(t, msg, "in_progress")
	msg = s.CallErr(t, "paperclip_create_project", map[string]any{"name": "Nope", "workspace": map[string]any{}})
	assert.Contains(t, msg, "needs cwd")
	var restProjects []restProject
	restGET(t, "/companies/"+C+"/projects", &restProjects)
	assert.Empty(t, restProjects)

	cwd := t.TempDir()
	var proj struct {
		ID         string `json:"id"`
		Workspaces []struct {
			ID string `json:"id"`
		} `json:"workspaces"`
	}
	s.CallOK(t, "paperclip_create_project", map[string]any{"name": "Apollo", "status": "planned", "goalId": root.ID, "workspace": map[string]any{"cwd": cwd}}, &proj)
	var rp restProject
	restGET(t, "/projects/"+proj.ID, &rp)
	assert.Equal(t, "planned", rp.Status)
	assert.Equal(t, []string{root.ID}, rp.GoalIDs)
	require.Len(t, rp.Workspaces, 1)
	assert.Equal(t, cwd, deref(rp.Workspaces[0].Cwd))

	s.CallOK(t, "paperclip_update_project", map[string]any{"projectId": proj.ID, "status": "in_progress", "name": "Apollo 11"}, nil)
	restGET(t, "/projects/"+proj.ID, &rp)
	assert.Equal(t, "in_progress", rp.Status)
	assert.Equal(t, "Apollo 11", rp.Name)

	// Archive: archivedAt, then the project leaves the default list.
	s.CallOK(t, "paperclip_update_project", map[string]any{"projectId": proj.ID, "archived": true}, nil)
	restGET(t, "/projects/"+proj.ID, &rp)
	require.NotNil(t, rp.ArchivedAt)
	var plist struct {
		Items []struct {
			ID       string `json:"id"`
			Archived bool   `json:"archived"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_list_projects", map[string]any{}, &plist)
	assert.Empty(t, plist.Items, "archived projects are left out by default, as REST does")
	callJSON(t, s, "paperclip_list_projects", map[string]any{"includeArchived": true}, &plist)
	require.Len(t, plist.Items, 1)
	assert.True(t, plist.Items[0].Archived)
	s.CallOK(t, "paperclip_update_project", map[string]any{"projectId": proj.ID, "archived": false}, nil)
	restGET(t, "/projects/"+proj.ID, &rp)
	assert.Nil(t, rp.ArchivedAt, "archived=false restores it")
	var pg struct {
		Name string `json:"name"`
	}
	callJSON(t, s, "paperclip_get_project", map[string]any{"projectId": proj.ID}, &pg)
	assert.Equal(t, rp.Name, pg.Name)

	// Workspaces: create (a repository), update, list, delete.
	msg = s.CallErr(t, "paperclip_create_workspace", map[string]any{"projectId": proj.ID})
	assert.Contains(t, msg, "needs cwd")
	var ws struct {
		ID string `json:"id"`
	}
	s.CallOK(t, "paperclip_create_workspace", map[string]any{"projectId": proj.ID, "repoUrl": "https://example.com/apollo.git"}, &ws)
	s.CallOK(t, "paperclip_update_workspace", map[string]any{"projectId": proj.ID, "workspaceId": ws.ID, "repoUrl": "https://example.com/apollo-11.git"}, nil)
	var restWS []struct {
		ID      string  `json:"id"`
		RepoURL *string `json:"repoUrl"`
	}
	restGET(t, "/projects/"+proj.ID+"/workspaces", &restWS)
	require.Len(t, restWS, 2)
	urls := map[string]string{}
	for _, w := range restWS {
		urls[w.ID] = deref(w.RepoURL)
	}
	assert.Equal(t, "https://example.com/apollo-11.git", urls[ws.ID])
	var wl struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_list_workspaces", map[string]any{"projectId": proj.ID}, &wl)
	require.NotNil(t, wl.Total)
	assert.Equal(t, 2, *wl.Total)
	s.CallOK(t, "paperclip_delete_workspace", map[string]any{"projectId": proj.ID, "workspaceId": ws.ID}, nil)
	restGET(t, "/projects/"+proj.ID+"/workspaces", &restWS)
	require.Len(t, restWS, 1)
	assert.NotEqual(t, ws.ID, restWS[0].ID)
	msg = s.CallErr(t, "paperclip_delete_workspace", map[string]any{"projectId": proj.ID, "workspaceId": ws.ID})
	assert.Contains(t, msg, "404")
	assert.Contains(t, msg, "paperclip_list_workspaces")
}

// TestGoalsProjectsServerFacts pins what the real server does behind the
// traps the tools guard against, and that the guards send nothing.
func TestGoalsProjectsServerFacts(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " GoalsF IT " + randSuffix()}, &company)
	C := company.ID

	// The documented enums are refused by the server.
	code, _ := a.raw(http.MethodPost, "/companies/"+C+"/goals", map[string]any{"title": "x", "status": "completed"})
	assert.Equal(t, http.StatusBadRequest, code, "goal status completed")
	code, _ = a.raw(http.MethodPost, "/companies/"+C+"/projects", map[string]any{"name": "x", "status": "active"})
	assert.Equal(t, http.StatusBadRequest, code, "project status active")
	code, _ = a.raw(http.MethodPost, "/companies/"+C+"/projects", map[string]any{"name": "x", "workspace": map[string]any{"name": "w"}})
	assert.Equal(t, http.StatusBadRequest, code, "workspace without cwd or repoUrl")
	code, _ = a.raw(http.MethodPost, "/companies/"+C+"/projects", map[string]any{"name": "x", "workspace": map[string]any{"repoUrl": "example.com/x"}})
	assert.Equal(t, http.StatusBadRequest, code, "repoUrl that is not a URL")
	// Malformed ids are a 500 upstream: the tools refuse them first.
	code, _ = a.raw(http.MethodGet, "/goals/not-a-uuid", nil)
	assert.Equal(t, http.StatusInternalServerError, code, "malformed goal id")
	code, _ = a.raw(http.MethodGet, "/projects/not-a-uuid", nil)
	assert.Equal(t, http.StatusInternalServerError, code, "malformed project id")
	var none []restProject
	restGET(t, "/companies/"+C+"/projects", &none)
	require.Empty(t, none)

	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "goals,projects", "PAPERCLIP_COMPANY_ID": C})
	assert.Contains(t, s.CallErr(t, "paperclip_create_project", map[string]any{"name": "Nope", "workspace": map[string]any{"repoUrl": "example.com/x"}}), "workspace.repoUrl must match")
	assert.NotEmpty(t, s.CallErr(t, "paperclip_create_goal", map[string]any{"title": "Nope", "level": "org"}))
	assert.NotEmpty(t, s.CallErr(t, "paperclip_get_goal", map[string]any{"goalId": "not-a-uuid"}))
	assert.NotEmpty(t, s.CallErr(t, "paperclip_update_project", map[string]any{"projectId": "not-a-uuid", "status": "planned"}))
	var goals []restGoal
	restGET(t, "/companies/"+C+"/goals", &goals)
	assert.Empty(t, goals, "refused calls created nothing")
	restGET(t, "/companies/"+C+"/projects", &none)
	assert.Empty(t, none)
}
