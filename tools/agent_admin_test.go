package tools

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const testRevision = "5e000000-0000-4000-8000-000000000001"

func agentRow(status string) map[string]any {
	return map[string]any{"id": testAgent, "companyId": testCompany, "name": "Coder", "role": "engineer", "status": status,
		"adapterType": "process", "adapterConfig": map[string]any{"env": map[string]any{"OPENAI_API_KEY": "sk-agent-secret"}},
		"permissions": map[string]any{"canCreateAgents": true, "canAssignTasks": true}, "createdAt": "2026-12-02T10:00:00.000Z"}
}

func TestOrgChartAsATree(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/org", 200, []any{map[string]any{"id": "a1", "name": "CEO", "role": "ceo", "status": "idle",
		"reports": []any{map[string]any{"id": "a2", "name": "CTO", "role": "cto", "status": "running",
			"reports": []any{map[string]any{"id": "a3", "name": "Dev", "role": "engineer", "status": "error", "reports": []any{}}}}}}})
	d := s.deps(client.Config{})
	var c OrgChart
	md := callOK(t, d, "paperclip_get_org_chart", map[string]any{}, &c)
	require.Len(t, c.Agents, 3)
	assert.Equal(t, "a2", c.Agents[2].ReportsTo)
	assert.Contains(t, md, "- **CEO** (ceo) · idle · `a1`\n  - **CTO** (cto) · running · `a2`\n    - **Dev** (engineer) · error · `a3`")
	jsonTextIsStructured(t, d, "paperclip_get_org_chart", nil)
}

func TestAgentAdminWrites(t *testing.T) {
	s := newStub(t)
	for _, p := range []string{"POST /api/agents/{agentId}/pause", "POST /api/agents/{agentId}/resume", "POST /api/agents/{agentId}/terminate",
		"POST /api/agents/{agentId}/config-revisions/{revisionId}/rollback", "PATCH /api/agents/{agentId}/permissions"} {
		s.reply(p, 200, agentRow("idle"))
	}
	s.handle("POST /api/companies/{companyId}/agents", func(w http.ResponseWriter, r *http.Request, body []byte) { writeJSON(w, 201, agentRow("idle")) })
	s.handle("PATCH /api/agents/{agentId}", func(w http.ResponseWriter, r *http.Request, body []byte) { writeJSON(w, 200, agentRow("idle")) })
	s.reply("GET /api/agents/{agentId}/config-revisions", 200, []any{map[string]any{"id": testRevision, "source": "patch", "changedKeys": []any{"adapterConfig"},
		"beforeConfig": map[string]any{"adapterConfig": map[string]any{"env": map[string]any{"OPENAI_API_KEY": "sk-agent-secret"}}}, "createdByUserId": "local-board", "createdAt": "2026-12-02T10:00:00.000Z"}})
	s.reply("GET /api/companies/{companyId}/skills", 200, []any{map[string]any{"id": "s1", "key": "org/repo/review", "slug": "review", "name": "review", "trustLevel": "markdown_only", "sourceType": "local_path"}})
	s.reply("POST /api/agents/{agentId}/skills/sync", 200, map[string]any{"adapterType": "process", "supported": false, "mode": "unsupported", "desiredSkills": []any{}, "warnings": []any{"This adapter does not implement skill sync yet."}})
	s.reply("PATCH /api/agents/{agentId}/instructions-path", 200, map[string]any{"agentId": testAgent, "adapterType": "claude_local", "adapterConfigKey": "instructionsFilePath", "path": "/repo/AGENTS.md"})
	s.reply("POST /api/agents/{agentId}/heartbeat/invoke", 202, map[string]any{"status": "skipped", "reason": "agent_paused", "message": "Agent is paused"})
	d := s.deps(client.Config{})
	d.AgentID = testAgent

	var a AgentDetail
	md := callOK(t, d, "paperclip_create_agent", map[string]any{"name": "Coder", "role": "engineer", "icon": "code", "adapterConfig": map[string]any{"command": "/bin/true"}, "budgetMonthlyCents": 0}, &a)
	assert.Equal(t, map[string]any{"name": "Coder", "role": "engineer", "icon": "code", "adapterType": "process", "adapterConfig": map[string]any{"command": "/bin/true"}, "budgetMonthlyCents": float64(0)}, s.requests()[0].JSON(t))
	assert.NotContains(t, md, "sk-agent-secret")
	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_create_agent", map[string]any{"name": "x", "icon": "gear"}), "icon")
	assert.Contains(t, callErr(t, d, "paperclip_create_agent", map[string]any{"name": "x", "role": "manager"}), "role")
	assert.Contains(t, callErr(t, d, "paperclip_update_agent", map[string]any{"agentId": testAgent}), "Nothing to change")
	assert.Contains(t, callErr(t, d, "paperclip_create_agent_key", map[string]any{"agentId": testAgent, "expiresAt": "2027-01-01"}), "never expire")
	assert.Len(t, s.requests(), n, "refused before sending")

	callOK(t, d, "paperclip_update_agent", map[string]any{"agentId": testAgent, "title": "Lead", "adapterConfig": map[string]any{"model": "m"}}, &a)
	assert.Equal(t, map[string]any{"title": "Lead", "adapterConfig": map[string]any{"model": "m"}}, s.requests()[n].JSON(t))
	md = callOK(t, d, "paperclip_pause_agent", map[string]any{"agentId": testAgent}, &a)
	assert.Contains(t, md, "paperclip_resume_agent")
	callOK(t, d, "paperclip_resume_agent", map[string]any{"agentId": testAgent}, &a)
	md = callOK(t, d, "paperclip_terminate_agent", map[string]any{"agentId": testAgent}, &a)
	assert.Contains(t, md, "API keys are revoked")
	md = callOK(t, d, "paperclip_rollback_agent_config", map[string]any{"agentId": testAgent, "revisionId": testRevision}, &a)
	assert.Contains(t, md, "as a new revision")

	var p PermissionsView
	callOK(t, d, "paperclip_update_agent_permissions", map[string]any{"agentId": testAgent, "canAssignTasks": true, "canCreateAgents": false}, &p)
	assert.Equal(t, map[string]any{"canAssignTasks": true, "canCreateAgents": false}, s.requests()[len(s.requests())-1].JSON(t))
	assert.Contains(t, callErr(t, d, "paperclip_update_agent_permissions", map[string]any{"agentId": testAgent, "canAssignTasks": true}), "canCreateAgents")

	var revs Page[ConfigRevisionView]
	md = callOK(t, d, "paperclip_list_agent_config_revisions", map[string]any{"agentId": testAgent}, &revs)
	assert.Equal(t, []string{"adapterConfig"}, revs.Items[0].ChangedKeys)
	assert.NotContains(t, md+text(call(t, d, "paperclip_list_agent_config_revisions", map[string]any{"agentId": testAgent, "response_format": "json"})), "sk-agent-secret",
		"revisions never show config values")
	var skills Page[SkillView]
	callOK(t, d, "paperclip_list_company_skills", map[string]any{}, &skills)
	assert.Equal(t, "org/repo/review", skills.Items[0].Key)

	var sync SkillSyncView
	md = callOK(t, d, "paperclip_sync_agent_skills", map[string]any{"agentId": testAgent, "desiredSkills": []any{"review"}}, &sync)
	assert.Equal(t, map[string]any{"mode": "replace", "desiredSkills": []any{"review"}}, s.requests()[len(s.requests())-1].JSON(t), "the required mode is sent")
	assert.Contains(t, md, "does not sync skills")

	var ip InstructionsPathView
	callOK(t, d, "paperclip_set_agent_instructions_path", map[string]any{"agentId": testAgent, "path": "/repo/AGENTS.md"}, &ip)
	assert.Equal(t, map[string]any{"path": "/repo/AGENTS.md"}, s.requests()[len(s.requests())-1].JSON(t))
	callOK(t, d, "paperclip_set_agent_instructions_path", map[string]any{"agentId": testAgent, "path": ""}, &ip)
	assert.Equal(t, map[string]any{"path": nil}, s.requests()[len(s.requests())-1].JSON(t), "an empty path clears it")

	var w WakeupResult
	md = callOK(t, d, "paperclip_invoke_heartbeat", map[string]any{}, &w)
	assert.Equal(t, "/api/agents/"+testAgent+"/heartbeat/invoke", s.requests()[len(s.requests())-1].Path, "agentId defaults to PAPERCLIP_AGENT_ID")
	assert.False(t, w.Queued, "202 skipped is a success that says why")
	assert.Contains(t, md, "Agent is paused")
}

// An agent key's token is shown once: it goes to a 0600 file, never into
// the result.
func TestCreateAgentKeyWritesTheTokenToAFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(secretsDirEnv, dir)
	const token = "pcp_3f1f20af11ace99738ebeb8276be7a4f6f2e14a80fd836f3"
	s := newStub(t)
	s.reply("POST /api/agents/{agentId}/keys", 201, map[string]any{"id": "4c688d93-5c06-4412-8f9d-758de419cc1e", "name": "ci", "token": token, "createdAt": "2026-12-02T10:00:00.000Z"})
	d := s.deps(client.Config{})
	res := call(t, d, "paperclip_create_agent_key", map[string]any{"agentId": testAgent, "name": "ci"})
	require.False(t, res.IsError, text(res))
	out := text(res) + fmt.Sprint(res.StructuredContent)
	assert.NotContains(t, out, token)
	assert.NotContains(t, out, "3f1f20af11ace997")
	var k AgentKeyView
	callOK(t, d, "paperclip_create_agent_key", map[string]any{"agentId": testAgent}, &k)
	b, err := os.ReadFile(k.Token.File)
	require.NoError(t, err)
	assert.Equal(t, token+"\n", string(b))
	assert.Equal(t, len(token), k.Token.Bytes)
	assert.Equal(t, map[string]any{"name": "default"}, s.requests()[1].JSON(t), "no name: the documented default")
}

// A run that was ending as the terminate landed sets the agent back to
// error (Paperclip writes the agent's status after the run's, unguarded):
// the tool reads the agent back and terminates it once more; when the
// terminate held, one read and nothing more.
func TestTerminateAgentSendsItAgainWhenARunUndidIt(t *testing.T) {
	for _, tc := range []struct {
		name      string
		readBack  []string // the agent's status at each GET
		terminate int      // terminates sent
		resent    bool
	}{
		{"held", []string{"terminated"}, 1, false},
		{"undone by an ending run", []string{"error"}, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t)
			s.reply("POST /api/agents/{agentId}/terminate", 200, agentRow("terminated"))
			var reads atomic.Int32
			s.handle("GET /api/agents/{agentId}", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				n := int(reads.Add(1)) - 1
				writeJSON(w, 200, agentRow(tc.readBack[min(n, len(tc.readBack)-1)]))
			})
			d := s.deps(client.Config{})
			var a TerminatedAgent
			md := callOK(t, d, "paperclip_terminate_agent", map[string]any{"agentId": testAgent}, &a)
			var sent int
			for _, r := range s.requests() {
				if r.Method == http.MethodPost {
					sent++
				}
			}
			assert.Equal(t, tc.terminate, sent)
			assert.EqualValues(t, 1, reads.Load())
			assert.Equal(t, tc.resent, a.Resent)
			assert.Equal(t, "terminated", a.Status)
			assert.Equal(t, tc.resent, strings.Contains(md, "terminated again"), md)
		})
	}
	// A read-back that fails leaves the terminate's own answer.
	s := newStub(t)
	s.reply("POST /api/agents/{agentId}/terminate", 200, agentRow("terminated"))
	s.reply("GET /api/agents/{agentId}", 500, map[string]any{"error": "boom"})
	var a TerminatedAgent
	callOK(t, s.deps(client.Config{}), "paperclip_terminate_agent", map[string]any{"agentId": testAgent}, &a)
	assert.Equal(t, "terminated", a.Status)
	assert.False(t, a.Resent)
}
