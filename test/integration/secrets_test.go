package integration

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type restSecret struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Key            string  `json:"key"`
	Status         string  `json:"status"`
	ManagedMode    string  `json:"managedMode"`
	Provider       string  `json:"provider"`
	ExternalRef    *string `json:"externalRef"`
	LatestVersion  int     `json:"latestVersion"`
	Description    *string `json:"description"`
	ReferenceCount *int    `json:"referenceCount"`
}

// TestSecretsAgainstREST: a secret created, listed, rotated and updated
// through the tools, each step read back with REST, and its values absent
// from every tool output (markdown and JSON) and from stderr at debug level.
func TestSecretsAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Secrets IT " + randSuffix()}, &company)
	C := company.ID
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "secrets", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_MCP_LOG_LEVEL": "debug"})
	first, second := "sk-it-first-"+randSuffix(), "sk-it-second-"+randSuffix()
	var outputs []string
	keep := func(text string) string { outputs = append(outputs, text); return text }

	var created restSecret
	keep(s.CallOK(t, "paperclip_create_secret", map[string]any{"name": "OPENAI_API_KEY", "value": first, "description": "for the CEO"}, &created))
	var rest []restSecret
	restGET(t, "/companies/"+C+"/secrets", &rest)
	require.Len(t, rest, 1)
	assert.Equal(t, created.ID, rest[0].ID)
	assert.Equal(t, "paperclip_managed", rest[0].ManagedMode)
	assert.Equal(t, "local_encrypted", rest[0].Provider, "the default provider")
	assert.Equal(t, 1, rest[0].LatestVersion)

	// Refused before sending: the documented value + externalRef pair, a
	// reference on the local provider; REST still lists one secret.
	keep(s.CallErr(t, "paperclip_create_secret", map[string]any{"name": "X", "value": first, "externalRef": "vault://kv/x", "managedMode": "paperclip_managed"}))
	keep(s.CallErr(t, "paperclip_create_secret", map[string]any{"name": "X", "externalRef": "vault://kv/x"}))
	// The same name twice: Paperclip's 409, with the value never echoed.
	msg := keep(s.CallErr(t, "paperclip_create_secret", map[string]any{"name": "OPENAI_API_KEY", "value": second}))
	assert.Contains(t, msg, "409")
	assert.Contains(t, msg, "already exists")
	// An external reference goes with the mode and provider that accept it.
	var ext restSecret
	keep(s.CallOK(t, "paperclip_create_secret", map[string]any{"name": "VAULT_TOKEN", "externalRef": "vault://kv/token", "provider": "vault"}, &ext))
	restGET(t, "/companies/"+C+"/secrets", &rest)
	require.Len(t, rest, 2)

	// list agrees with REST, in both formats.
	var page struct {
		Items []restSecret `json:"items"`
		Total *int         `json:"total"`
	}
	keep(s.CallOK(t, "paperclip_list_secrets", map[string]any{}, nil))
	callJSON(t, s, "paperclip_list_secrets", map[string]any{}, &page)
	require.NotNil(t, page.Total)
	assert.Equal(t, 2, *page.Total)
	byID := map[string]restSecret{}
	for _, r := range page.Items {
		byID[r.ID] = r
	}
	assert.Equal(t, "external_reference", byID[ext.ID].ManagedMode)
	assert.Equal(t, "vault://kv/token", deref(byID[ext.ID].ExternalRef))
	assert.Equal(t, "vault", byID[ext.ID].Provider)

	// Rotate: a new version on REST; an externalRef on a managed secret is
	// Paperclip's 422, worded.
	keep(s.CallOK(t, "paperclip_rotate_secret", map[string]any{"secretId": created.ID, "value": second}, nil))
	msg = keep(s.CallErr(t, "paperclip_rotate_secret", map[string]any{"secretId": created.ID, "externalRef": "vault://kv/x"}))
	assert.Contains(t, msg, "is paperclip_managed")
	keep(s.CallOK(t, "paperclip_rotate_secret", map[string]any{"secretId": ext.ID, "externalRef": "vault://kv/token2"}, nil))

	// Update: name, description and status on REST.
	keep(s.CallOK(t, "paperclip_update_secret", map[string]any{"secretId": created.ID, "name": "OPENAI", "description": "rotated", "status": "disabled"}, nil))
	restGET(t, "/companies/"+C+"/secrets", &rest)
	for _, r := range rest {
		switch r.ID {
		case created.ID:
			assert.Equal(t, 2, r.LatestVersion, "rotated once")
			assert.Equal(t, "OPENAI", r.Name)
			assert.Equal(t, "rotated", deref(r.Description))
			assert.Equal(t, "disabled", r.Status)
		case ext.ID:
			assert.Equal(t, "vault://kv/token2", deref(r.ExternalRef))
			assert.Equal(t, 2, r.LatestVersion)
		}
	}
	keep(s.CallOK(t, "paperclip_list_secrets", map[string]any{"response_format": "json"}, nil))

	// The values never come out: not in any output, not on stderr.
	for _, out := range append(outputs, s.Stderr()) {
		assert.NotContains(t, out, first)
		assert.NotContains(t, out, second)
	}
	assert.Contains(t, s.Stderr(), "/secrets", "stderr did log the calls (debug level)")

	// An agent sees the catalog only (names, keys, status), and cannot write.
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "secret-user-" + randSuffix(), "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, &agent)
	// With an agent key the board-only tools are not served unless named.
	as := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "secrets", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_API_KEY": createAgentKey(t, agent.ID),
		"PAPERCLIP_TOOLS": "paperclip_create_secret"})
	md := as.CallOK(t, "paperclip_list_secrets", map[string]any{}, &page)
	assert.Contains(t, md, "secrets catalog")
	assert.Len(t, page.Items, 2)
	msg = as.CallErr(t, "paperclip_create_secret", map[string]any{"name": "MINE", "value": "agent-made-value"})
	assert.Contains(t, msg, "403")
	assert.Contains(t, msg, "board")
	restGET(t, "/companies/"+C+"/secrets", &rest)
	assert.Len(t, rest, 2, "the agent's secret was not created")
}
