package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// TestProjectsReplayAndPaging: a 200 idempotent replay of create_project is a
// success; list_projects sends includeArchived only when asked and pages one
// request client-side with an exact total.
func TestProjectsReplayAndPaging(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/projects", 200, projectRow("Apollo", false))
	s.reply("GET /api/companies/{companyId}/projects", 200, []any{projectRow("A", false), projectRow("B", false), projectRow("C", false)})
	d := s.deps(client.Config{})

	var p ProjectView
	md := callOK(t, d, "paperclip_create_project", map[string]any{"name": "Apollo"}, &p)
	assert.Equal(t, "Apollo", p.Name)
	assert.Contains(t, md, "## Created project Apollo")

	var page Page[ProjectView]
	callOK(t, d, "paperclip_list_projects", map[string]any{"limit": 2}, &page)
	assert.Empty(t, s.requests()[1].Query, "includeArchived=false is the server's default: not sent")
	require.NotNil(t, page.Total)
	assert.Equal(t, 3, *page.Total)
	assert.Equal(t, 2, page.Count)
	require.NotNil(t, page.NextOffset)
	assert.Equal(t, 2, *page.NextOffset)

	n := len(s.requests())
	assert.NotEmpty(t, callErr(t, d, "paperclip_get_project", map[string]any{"projectId": "p-1"}), "malformed id refused (500 upstream)")
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_project", map[string]any{"name": "x", "goalId": "g-1"}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_project", map[string]any{"name": "x", "workspace": map[string]any{"repoUrl": "example.com/x"}}), "repoUrl must be a URL")
	assert.Contains(t, callErr(t, d, "paperclip_create_project", map[string]any{"name": "x", "workspace": map[string]any{"repoUrl": "example.com/x"}}), "workspace.repoUrl must match", "checked inside the workspace object too")
	assert.Contains(t, callErr(t, d, "paperclip_create_project", map[string]any{"name": "x", "workspace": map[string]any{"cwd": "/tmp", "path": "/tmp"}}), `workspace has no key "path" (it takes cwd, repoUrl)`, "an unknown nested key is refused, not dropped")
	assert.NotEmpty(t, callErr(t, d, "paperclip_list_workspaces", map[string]any{"projectId": "p-1"}))
	assert.Len(t, s.requests(), n, "refused before sending")
}
