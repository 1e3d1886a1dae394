package integration

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type restAgentDetail struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Title         *string        `json:"title"`
	Status        string         `json:"status"`
	Role          string         `json:"role"`
	Icon          *string        `json:"icon"`
	AdapterConfig map[string]any `json:"adapterConfig"`
	Permissions   struct {
		CanCreateAgents bool `json:"canCreateAgents"`
	} `json:"permissions"`
}

// TestAgentAdminAgainstREST: an agent's whole administration through the
// tools, each step read back with REST.
func TestAgentAdminAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " AgentAdmin IT " + randSuffix()}, &company)
	C := company.ID
	secrets := t.TempDir()
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "agents,agent_admin", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_MCP_SECRETS_DIR": secrets})

	// The documented icon examples are refused before sending.
	msg := s.CallErr(t, "paperclip_create_agent", map[string]any{"name": "nope", "icon": "gear"})
	assert.Contains(t, msg, "icon")
	var created struct {
		ID string `json:"id"`
	}
	s.CallOK(t, "paperclip_create_agent", map[string]any{"name": "builder-" + randSuffix(), "role": "engineer", "icon": "hammer", "title": "Builder",
		"adapterType": "process", "adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, &created)
	A := created.ID
	var rest restAgentDetail
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "engineer", rest.Role)
	assert.Equal(t, "hammer", deref(rest.Icon))
	var restAgents []restAgentDetail
	restGET(t, "/companies/"+C+"/agents", &restAgents)
	require.Len(t, restAgents, 1, "the refused agent was never created")

	// Update twice, see the revisions, roll back to the first: Paperclip
	// restores the config a revision left (its afterConfig), not the one
	// before it.
	s.CallOK(t, "paperclip_update_agent", map[string]any{"agentId": A, "title": "Builder v2", "adapterConfig": map[string]any{"args": []string{"-c", "exit 1"}}}, nil)
	s.CallOK(t, "paperclip_update_agent", map[string]any{"agentId": A, "title": "Builder v3", "adapterConfig": map[string]any{"args": []string{"-c", "exit 2"}}}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "Builder v3", deref(rest.Title))
	var restRevs []struct {
		ID          string   `json:"id"`
		ChangedKeys []string `json:"changedKeys"`
	}
	restGET(t, "/agents/"+A+"/config-revisions", &restRevs)
	var revs struct {
		Items []struct {
			ID          string   `json:"id"`
			ChangedKeys []string `json:"changedKeys"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_list_agent_config_revisions", map[string]any{"agentId": A}, &revs)
	require.Len(t, restRevs, 2)
	require.NotNil(t, revs.Total)
	assert.Equal(t, len(restRevs), *revs.Total)
	assert.Equal(t, restRevs[0].ID, revs.Items[0].ID)
	assert.ElementsMatch(t, restRevs[0].ChangedKeys, revs.Items[0].ChangedKeys)
	md := s.CallOK(t, "paperclip_rollback_agent_config", map[string]any{"agentId": A, "revisionId": restRevs[1].ID}, nil)
	assert.Contains(t, md, "new revision")
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "Builder v2", deref(rest.Title), "the rollback restored the config that revision made")
	assert.Equal(t, []any{"-c", "exit 1"}, rest.AdapterConfig["args"])
	restGET(t, "/agents/"+A+"/config-revisions", &restRevs)
	assert.Len(t, restRevs, 3, "the rollback is itself a revision")

	// Pause, resume.
	s.CallOK(t, "paperclip_pause_agent", map[string]any{"agentId": A}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "paused", rest.Status)
	s.CallOK(t, "paperclip_resume_agent", map[string]any{"agentId": A}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "idle", rest.Status)

	// Permissions.
	s.CallOK(t, "paperclip_update_agent_permissions", map[string]any{"agentId": A, "canAssignTasks": true, "canCreateAgents": true}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.True(t, rest.Permissions.CanCreateAgents)

	// A key: the token goes to a file, works, and is in no tool text.
	var key struct {
		ID    string `json:"id"`
		Token struct {
			File  string `json:"file"`
			Bytes int    `json:"bytes"`
		} `json:"token"`
	}
	msg = s.CallErr(t, "paperclip_create_agent_key", map[string]any{"agentId": A, "expiresAt": "2027-01-01T00:00:00Z"})
	assert.Contains(t, msg, "never expire")
	md = s.CallOK(t, "paperclip_create_agent_key", map[string]any{"agentId": A, "name": "ci"}, &key)
	st, err := os.Stat(key.Token.File)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	raw, err := os.ReadFile(key.Token.File)
	require.NoError(t, err)
	token := strings.TrimSpace(string(raw))
	require.Len(t, token, key.Token.Bytes)
	assert.NotContains(t, md, token)
	var restKeys []struct {
		ID string `json:"id"`
	}
	restGET(t, "/agents/"+A+"/keys", &restKeys)
	require.Len(t, restKeys, 1, "the refused expiresAt created no key")
	var me struct {
		ID string `json:"id"`
	}
	a.as(token).expect(http.StatusOK, http.MethodGet, "/agents/me", nil, &me)
	assert.Equal(t, A, me.ID, "the token in the file is the agent's key")

	// Skills: the required mode goes out; this adapter says it cannot sync.
	var skills struct {
		Items []struct {
			Key string `json:"key"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_list_company_skills", map[string]any{}, &skills)
	var restSkills []struct {
		Key string `json:"key"`
	}
	restGET(t, "/companies/"+C+"/skills", &restSkills)
	require.NotNil(t, skills.Total)
	assert.Equal(t, len(restSkills), *skills.Total)
	require.NotEmpty(t, restSkills)
	var sync struct {
		Supported bool     `json:"supported"`
		Warnings  []string `json:"warnings"`
	}
	s.CallOK(t, "paperclip_sync_agent_skills", map[string]any{"agentId": A, "desiredSkills": []string{restSkills[0].Key}}, &sync)
	assert.False(t, sync.Supported, "the process adapter does not sync skills, and the tool says so")
	assert.NotEmpty(t, sync.Warnings)

	// Instructions path: the process adapter needs an adapterConfigKey.
	msg = s.CallErr(t, "paperclip_set_agent_instructions_path", map[string]any{"agentId": A, "path": "/tmp/AGENTS.md"})
	assert.Contains(t, msg, "adapterConfigKey")
	s.CallOK(t, "paperclip_set_agent_instructions_path", map[string]any{"agentId": A, "path": "/tmp/AGENTS.md", "adapterConfigKey": "instructionsFilePath"}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "/tmp/AGENTS.md", rest.AdapterConfig["instructionsFilePath"])

	// Invoke: 202, a run or a skip, both successes.
	var inv struct {
		Status string `json:"status"`
	}
	s.CallOK(t, "paperclip_invoke_heartbeat", map[string]any{"agentId": A}, &inv)
	assert.NotEmpty(t, inv.Status)

	// The org chart agrees with REST.
	var org []struct {
		ID string `json:"id"`
	}
	restGET(t, "/companies/"+C+"/org", &org)
	var chart struct {
		Agents []struct {
			ID string `json:"id"`
		} `json:"agents"`
	}
	callJSON(t, s, "paperclip_get_org_chart", map[string]any{}, &chart)
	require.Len(t, chart.Agents, len(org))
	assert.Equal(t, org[0].ID, chart.Agents[0].ID)

	// Board-only tools under an agent key: Paperclip's 403, explained.
	other := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": token, "PAPERCLIP_TOOLSETS": "agent_admin", "PAPERCLIP_COMPANY_ID": C,
		"PAPERCLIP_TOOLS": "paperclip_pause_agent,paperclip_terminate_agent,paperclip_create_agent_key"})
	for _, name := range []string{"paperclip_pause_agent", "paperclip_terminate_agent", "paperclip_create_agent_key"} {
		msg = other.CallErr(t, name, map[string]any{"agentId": A})
		assert.Contains(t, msg, "403", name)
		assert.Contains(t, msg, "board only", name)
	}
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "idle", rest.Status, "nothing changed")
	// A non-CEO agent may not manage permissions; the company's CEO may.
	msg = other.CallErr(t, "paperclip_update_agent_permissions", map[string]any{"agentId": A, "canAssignTasks": false, "canCreateAgents": false})
	assert.Contains(t, msg, "403")
	var ceo struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "ceo-" + randSuffix(), "role": "ceo", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, &ceo)
	asCEO := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": createAgentKey(t, ceo.ID), "PAPERCLIP_TOOLSETS": "agent_admin", "PAPERCLIP_COMPANY_ID": C})
	asCEO.CallOK(t, "paperclip_update_agent_permissions", map[string]any{"agentId": A, "canAssignTasks": false, "canCreateAgents": false}, nil)
	restGET(t, "/agents/"+A, &rest)
	assert.False(t, rest.Permissions.CanCreateAgents, "the CEO agent changed them: the tool is not board only")

	// Terminate: REST shows it, and the key is dead. The run the invoke
	// started must end first, and so must the agent's own update after it:
	// Paperclip 2026.916.1 writes the run's final status, then reads the agent
	// and writes its status ("error" for this failed run) with no guard, so a
	// terminate between the two is overwritten (a CI run saw "error" after
	// terminate when only the run was awaited).
	deadline := time.Now().Add(60 * time.Second)
	for {
		var runs []Run
		restGET(t, "/companies/"+C+"/heartbeat-runs", &runs)
		live := 0
		for _, r := range runs {
			if r.AgentID == A && !terminalRunStatus[r.Status] {
				live++
			}
		}
		restGET(t, "/agents/"+A, &rest)
		if live == 0 && rest.Status != "running" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the invoked run of %s did not end within 60 s", A)
		time.Sleep(300 * time.Millisecond)
	}
	md = s.CallOK(t, "paperclip_terminate_agent", map[string]any{"agentId": A}, nil)
	assert.Contains(t, md, "cannot be undone")
	restGET(t, "/agents/"+A, &rest)
	assert.Equal(t, "terminated", rest.Status)
	code, _ := a.as(token).raw(http.MethodGet, "/agents/me", nil)
	assert.Equal(t, http.StatusUnauthorized, code, "terminate revoked the agent's keys")

	for _, out := range []string{s.Stderr(), other.Stderr(), asCEO.Stderr()} {
		assert.NotContains(t, out, token, "the token never reaches a log line")
	}
}
