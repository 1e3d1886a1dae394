package integration

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPortabilityAgainstREST: a company exported (summary, then contents),
// the export previewed back as an import into a new company, and applied;
// each step compared with REST. Found here: the preview accepts a process
// adapter that the apply then refuses (403), so the tools say so first.
func TestPortabilityAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Export IT " + randSuffix()}, &company)
	C := company.ID
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "Chief", "role": "ceo", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, &agent)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "import_export", "PAPERCLIP_COMPANY_ID": C})

	// The summary lists what REST's export holds, file by file.
	var rest struct {
		RootPath string                     `json:"rootPath"`
		Files    map[string]json.RawMessage `json:"files"`
	}
	a.expect(http.StatusOK, http.MethodPost, "/companies/"+C+"/exports", map[string]any{}, &rest)
	var summary struct {
		RootPath string `json:"rootPath"`
		Agents   []string
		Files    []struct {
			Path   string `json:"path"`
			Base64 bool   `json:"base64"`
		} `json:"files"`
		Source *json.RawMessage `json:"source"`
	}
	md := s.CallOK(t, "paperclip_export_company", map[string]any{}, &summary)
	assert.Equal(t, rest.RootPath, summary.RootPath)
	require.Len(t, summary.Files, len(rest.Files))
	for _, f := range summary.Files {
		assert.Contains(t, rest.Files, f.Path)
	}
	assert.Nil(t, summary.Source, "no content unless asked")
	assert.Equal(t, []string{"chief"}, summary.Agents)
	assert.Contains(t, md, "COMPANY.md")

	// The text files' contents, as a source for the import tools.
	var full struct {
		Source struct {
			Type     string                     `json:"type"`
			RootPath string                     `json:"rootPath"`
			Files    map[string]json.RawMessage `json:"files"`
		} `json:"source"`
	}
	callJSON(t, s, "paperclip_export_company", map[string]any{"contentPaths": []string{"*"}}, &full)
	require.NotEmpty(t, full.Source.Files)
	for p, content := range full.Source.Files {
		assert.JSONEq(t, string(rest.Files[p]), string(content), "%s is REST's content", p)
	}
	assert.NotContains(t, full.Source.Files, "images/org-chart.png", "binaries only when named")
	source := map[string]any{"type": full.Source.Type, "rootPath": full.Source.RootPath, "files": full.Source.Files}
	target := map[string]any{"mode": "new_company", "newCompanyName": company.Name + " copy"}

	// Preview: the plan REST gives, plus the warning the apply would refuse the process agent.
	var preview struct {
		CompanyAction  string `json:"companyAction"`
		Agents         []struct{ Slug, Action string }
		RefusedOnApply []string `json:"refusedOnApply"`
	}
	md = s.CallOK(t, "paperclip_preview_company_import", map[string]any{"source": source, "target": target}, &preview)
	var restPreview struct {
		Plan struct {
			CompanyAction string `json:"companyAction"`
			AgentPlans    []struct{ Slug, Action string }
		} `json:"plan"`
	}
	a.expect(http.StatusOK, http.MethodPost, "/companies/"+C+"/imports/preview", map[string]any{"source": source, "target": target}, &restPreview)
	assert.Equal(t, restPreview.Plan.CompanyAction, preview.CompanyAction)
	assert.Equal(t, "create", preview.CompanyAction)
	require.Len(t, preview.Agents, 1)
	assert.Equal(t, restPreview.Plan.AgentPlans[0], preview.Agents[0])
	assert.Equal(t, []string{"chief (adapter process)"}, preview.RefusedOnApply)
	assert.Contains(t, md, "apply will refuse")

	// replace is refused before sending; REST says why (403 on this route).
	assert.Contains(t, s.CallErr(t, "paperclip_preview_company_import", map[string]any{"source": source, "target": target, "collisionStrategy": "replace"}), "board only")
	var refusal struct {
		Error string `json:"error"`
	}
	a.expect(http.StatusForbidden, http.MethodPost, "/companies/"+C+"/imports/preview", map[string]any{"source": source, "target": target, "collisionStrategy": "replace"}, &refusal)
	assert.Contains(t, refusal.Error, "replace")

	// Apply without an override: Paperclip's 403, worded, nothing written.
	var companies []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	restGET(t, "/companies", &companies)
	before := len(companies)
	msg := s.CallErr(t, "paperclip_apply_company_import", map[string]any{"source": source, "target": target})
	assert.Contains(t, msg, "adapterOverrides")
	restGET(t, "/companies", &companies)
	assert.Len(t, companies, before, "the refused import made no company")

	// Apply with one: the new company and its agent, on REST.
	var applied struct {
		CompanyID string `json:"companyId"`
		Agents    []struct {
			Slug, ID, Action string
		}
	}
	s.CallOK(t, "paperclip_apply_company_import", map[string]any{"source": source, "target": target,
		"adapterOverrides": map[string]any{"chief": map[string]any{"adapterType": "claude_local"}}}, &applied)
	require.NotEmpty(t, applied.CompanyID)
	var copyCo struct {
		Name string `json:"name"`
	}
	restGET(t, "/companies/"+applied.CompanyID, &copyCo)
	assert.Equal(t, company.Name+" copy", copyCo.Name)
	var agents []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		AdapterType string `json:"adapterType"`
	}
	restGET(t, "/companies/"+applied.CompanyID+"/agents", &agents)
	require.Len(t, agents, 1)
	assert.Equal(t, "Chief", agents[0].Name)
	assert.Equal(t, "claude_local", agents[0].AdapterType)
	require.Len(t, applied.Agents, 1)
	assert.Equal(t, agents[0].ID, applied.Agents[0].ID)
	assert.Equal(t, "created", applied.Agents[0].Action)
}
