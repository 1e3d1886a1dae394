package integration

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompanyAdminAgainstREST: create, update, archive and restore a company
// through the tools, each read back with REST; the CEO agent may rename it
// but not change its budget; archive is board only.
func TestCompanyAdminAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "companies,company_admin"})

	var created struct {
		ID string `json:"id"`
	}
	name := randLetters(3) + " CompanyAdmin IT " + randSuffix()
	s.CallOK(t, "paperclip_create_company", map[string]any{"name": name, "budgetMonthlyCents": 5000}, &created)
	C := created.ID
	var rest struct {
		Name               string `json:"name"`
		Status             string `json:"status"`
		BudgetMonthlyCents int64  `json:"budgetMonthlyCents"`
		Description        *string
	}
	restGET(t, "/companies/"+C, &rest)
	assert.Equal(t, name, rest.Name)
	assert.Equal(t, int64(5000), rest.BudgetMonthlyCents)

	s.CallOK(t, "paperclip_update_company", map[string]any{"companyId": C, "description": "Makes things", "budgetMonthlyCents": 7000}, nil)
	restGET(t, "/companies/"+C, &rest)
	assert.Equal(t, "Makes things", deref(rest.Description))
	assert.Equal(t, int64(7000), rest.BudgetMonthlyCents)

	var agent, ceo struct {
		ID string `json:"id"`
	}
	for _, x := range []struct {
		role string
		out  *struct {
			ID string `json:"id"`
		}
	}{{"engineer", &agent}, {"ceo", &ceo}} {
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": x.role + "-" + randSuffix(), "role": x.role,
			"adapterType": "process", "adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, x.out)
	}

	// The CEO agent: name yes (the tool is not board only), budget no (Paperclip's strict schema).
	asCEO := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": createAgentKey(t, ceo.ID), "PAPERCLIP_TOOLSETS": "company_admin", "PAPERCLIP_COMPANY_ID": C,
		"PAPERCLIP_TOOLS": "paperclip_archive_company"})
	asCEO.CallOK(t, "paperclip_update_company", map[string]any{"name": name + " renamed"}, nil)
	restGET(t, "/companies/"+C, &rest)
	assert.Equal(t, name+" renamed", rest.Name)
	msg := asCEO.CallErr(t, "paperclip_update_company", map[string]any{"budgetMonthlyCents": 1})
	assert.Contains(t, msg, "400")
	msg = asCEO.CallErr(t, "paperclip_archive_company", map[string]any{})
	assert.Contains(t, msg, "403")
	assert.Contains(t, msg, "board only")
	restGET(t, "/companies/"+C, &rest)
	assert.Equal(t, int64(7000), rest.BudgetMonthlyCents)
	assert.Equal(t, "active", rest.Status)

	// Archive pauses the agents; status=active restores it.
	md := s.CallOK(t, "paperclip_archive_company", map[string]any{"companyId": C}, nil)
	assert.Contains(t, md, "agents are paused")
	restGET(t, "/companies/"+C, &rest)
	assert.Equal(t, "archived", rest.Status)
	var ag struct {
		Status      string  `json:"status"`
		PauseReason *string `json:"pauseReason"`
	}
	restGET(t, "/agents/"+agent.ID, &ag)
	assert.Equal(t, "paused", ag.Status)
	assert.Equal(t, "company_archived", deref(ag.PauseReason))
	s.CallOK(t, "paperclip_archive_company", map[string]any{"companyId": C}, nil) // idempotent
	s.CallOK(t, "paperclip_update_company", map[string]any{"companyId": C, "status": "active"}, nil)
	restGET(t, "/companies/"+C, &rest)
	require.Equal(t, "active", rest.Status)
	restGET(t, "/agents/"+agent.ID, &ag)
	assert.Equal(t, "idle", ag.Status, "restoring the company resumes the agents it paused")
}
