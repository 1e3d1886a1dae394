package tools

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// exportBody is an export as Paperclip 2026.916.1 answers it (trimmed).
func exportBody(png []byte, readme string) map[string]any {
	return map[string]any{
		"rootPath": "acme",
		"manifest": map[string]any{"schemaVersion": 7, "includes": map[string]any{"company": true, "agents": true, "projects": false, "issues": false, "skills": false},
			"source": map[string]any{"companyId": testCompany, "companyName": "Acme"},
			"agents": []any{map[string]any{"slug": "ceo", "name": "Ceo", "path": "agents/ceo/AGENTS.md", "adapterType": "process"}},
			"skills": []any{}, "projects": []any{}, "issues": []any{},
			"envInputs": []any{map[string]any{"key": "OPENAI_API_KEY", "kind": "secret", "requirement": "required", "agentSlug": "ceo"}}},
		"files": map[string]any{
			"COMPANY.md":           "---\nname: \"Acme\"\n---\n",
			"agents/ceo/AGENTS.md": "---\nname: \"Ceo\"\n---\n",
			".paperclip.yaml":      "schema: \"paperclip/v1\"\n",
			"README.md":            readme,
			"images/org-chart.png": map[string]any{"encoding": "base64", "data": base64.StdEncoding.EncodeToString(png), "contentType": "image/png"},
		},
		"warnings": []any{}, "paperclipExtensionPath": ".paperclip.yaml",
	}
}

func TestPortabilityExportSummaryAndContent(t *testing.T) {
	s := newStub(t)
	big := strings.Repeat("# Acme\n\nAll about it.\n", 1200) // ~26 KB: more than one result holds
	s.reply("POST /api/companies/{companyId}/exports", 200, exportBody(make([]byte, 3000), big))
	d := s.deps(client.Config{})

	// By default: a summary, no content.
	var v ExportView
	md := callOK(t, d, "paperclip_export_company", map[string]any{"include": map[string]any{"agents": true, "issues": false}, "projectIssues": []any{"p1"}}, &v)
	assert.Equal(t, map[string]any{"include": map[string]any{"agents": true, "issues": false}, "projectIssues": []any{"p1"}}, s.requests()[0].JSON(t))
	assert.Equal(t, "/api/companies/"+testCompany+"/exports", s.requests()[0].Path)
	require.Len(t, v.Files, 5)
	assert.Nil(t, v.Source)
	assert.Equal(t, []string{"ceo"}, v.Agents)
	assert.Equal(t, []string{"OPENAI_API_KEY (secret, required)"}, v.EnvInputs)
	assert.Equal(t, ExportFile{Path: "images/org-chart.png", Bytes: 3000, Base64: true}, v.Files[4], "files in path order")
	assert.Contains(t, md, "5 files")
	assert.Contains(t, md, "includes: company, agents")
	assert.Contains(t, md, `contentPaths=["*"]`)
	assert.NotContains(t, md, "All about it")

	// "*": the text files that fit; the README does not, and the result says so.
	v = ExportView{}
	md = callOK(t, d, "paperclip_export_company", map[string]any{"contentPaths": []any{"*"}}, &v)
	require.NotNil(t, v.Source)
	assert.Equal(t, "inline", v.Source.Type)
	assert.Len(t, v.Source.Files, 3, "COMPANY.md, AGENTS.md and .paperclip.yaml; not the image, not the README")
	assert.Equal(t, []string{"README.md"}, v.NotShown)
	assert.Contains(t, md, "### COMPANY.md")
	assert.Contains(t, md, "Not shown (they would not fit this result): README.md")
	assert.Less(t, len(md), maxResultChars)

	// A binary only when named; an unknown path is refused with the list.
	v = ExportView{}
	callOK(t, d, "paperclip_export_company", map[string]any{"contentPaths": []any{"images/org-chart.png"}, "response_format": "json"}, &v)
	var entry struct{ Encoding, Data string }
	require.NoError(t, json.Unmarshal(v.Source.Files["images/org-chart.png"], &entry))
	assert.Equal(t, "base64", entry.Encoding)
	assert.Contains(t, callErr(t, d, "paperclip_export_company", map[string]any{"contentPaths": []any{"nope.md"}}), "Its files: .paperclip.yaml, COMPANY.md")
	jsonTextIsStructured(t, d, "paperclip_export_company", map[string]any{})
}

func TestPortabilityPreviewAndApply(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/imports/preview", 200, map[string]any{
		"include": map[string]any{"company": true, "agents": true}, "targetCompanyId": nil, "targetCompanyName": nil, "collisionStrategy": "rename",
		"selectedAgentSlugs": []any{"ceo"},
		"plan": map[string]any{"companyAction": "create", "agentPlans": []any{map[string]any{"slug": "ceo", "action": "create", "plannedName": "Ceo", "existingAgentId": nil, "reason": nil}},
			"projectPlans": []any{}, "issuePlans": []any{map[string]any{"slug": "first", "action": "create", "plannedTitle": "First task", "reason": nil}}},
		"manifest":  map[string]any{"agents": []any{map[string]any{"slug": "ceo", "adapterType": "process"}}},
		"files":     map[string]any{"COMPANY.md": "x"},
		"envInputs": []any{}, "warnings": []any{}, "errors": []any{}})
	s.handle("POST /api/companies/{companyId}/imports/apply", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, map[string]any{"company": map[string]any{"id": testCompany, "name": "Acme copy", "action": "created"},
			"agents":   []any{map[string]any{"slug": "ceo", "id": testAgent, "action": "created", "name": "Ceo", "reason": nil}},
			"projects": []any{}, "skills": []any{}, "routines": []any{}, "envInputs": []any{}, "warnings": []any{}})
	})
	d := s.deps(client.Config{})
	files := map[string]any{"COMPANY.md": "---\nname: Acme\n---\n", "images/x.png": map[string]any{"encoding": "base64", "data": "AAAA"}}
	args := func(extra map[string]any) map[string]any {
		a := map[string]any{"source": map[string]any{"type": "inline", "rootPath": "acme", "files": files}, "target": map[string]any{"mode": "new_company", "newCompanyName": "Acme copy"}}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}

	var p ImportPreviewView
	md := callOK(t, d, "paperclip_preview_company_import", args(map[string]any{"agents": []any{"ceo"}}), &p)
	assert.Equal(t, map[string]any{"source": map[string]any{"type": "inline", "rootPath": "acme", "files": files, "expectedFileCount": float64(2)},
		"target": map[string]any{"mode": "new_company", "newCompanyName": "Acme copy"}, "agents": []any{"ceo"}}, s.requests()[0].JSON(t),
		"expectedFileCount is set, so that a truncated package fails closed")
	assert.Equal(t, []string{"ceo (adapter process)"}, p.RefusedOnApply)
	assert.Contains(t, md, "apply will refuse")
	assert.Contains(t, md, "First task `first` → create")
	assert.Contains(t, md, "Next: paperclip_apply_company_import")

	// Refused before sending.
	n := len(s.requests())
	for want, a := range map[string]map[string]any{
		"Only the legacy route POST /api/companies/import": args(map[string]any{"collisionStrategy": "replace"}),
		"source.files is empty":                            {"source": map[string]any{"type": "inline"}, "target": map[string]any{"mode": "new_company"}},
		"source.url must be":                               {"source": map[string]any{"type": "github", "url": "ftp://x"}, "target": map[string]any{"mode": "new_company"}},
		"target.mode is required":                          {"source": map[string]any{"type": "inline", "files": files}, "target": map[string]any{}},
		"writes only into its own company":                 args(map[string]any{"target": map[string]any{"mode": "existing_company", "companyId": "43b779e4-e924-4c22-97f4-eb120b8ea085"}}),
		"goes with mode=existing_company":                  args(map[string]any{"target": map[string]any{"mode": "new_company", "companyId": testCompany}}),
		`source.files["bad"] must be`:                      {"source": map[string]any{"type": "inline", "files": map[string]any{"bad": 3}}, "target": map[string]any{"mode": "new_company"}},
		"not among source.files":                           args(map[string]any{"selectedFiles": []any{"other.md"}}),
		"source.type":                                      {"source": map[string]any{"type": "zip", "files": files}, "target": map[string]any{"mode": "new_company"}},
	} {
		assert.Contains(t, callErr(t, d, "paperclip_preview_company_import", a), want)
	}
	assert.Contains(t, callErr(t, d, "paperclip_apply_company_import", args(map[string]any{"adapterOverrides": map[string]any{"ceo": map[string]any{}}})), "adapterType is required")
	assert.Len(t, s.requests(), n, "refused before sending")

	// Apply checks the plan first: a process agent without an override is
	// refused before the apply is sent (Paperclip would make the company,
	// then answer 403); with one, the apply goes.
	msg := callErr(t, d, "paperclip_apply_company_import", args(nil))
	assert.Contains(t, msg, "nothing written")
	assert.Contains(t, msg, `{"ceo":{"adapterType":"claude_local"}}`)
	require.Len(t, s.requests(), n+1)
	assert.Equal(t, "/api/companies/"+testCompany+"/imports/preview", s.requests()[n].Path, "only the preview was sent")
	var r ImportResultView
	md = callOK(t, d, "paperclip_apply_company_import", args(map[string]any{"adapterOverrides": map[string]any{"ceo": map[string]any{"adapterType": "claude_local"}}}), &r)
	body := s.requests()[len(s.requests())-1].JSON(t)
	assert.Equal(t, map[string]any{"ceo": map[string]any{"adapterType": "claude_local"}}, body["adapterOverrides"])
	assert.Equal(t, "created", r.CompanyAction)
	assert.Contains(t, md, "Ceo `ceo` → created")
	assert.Contains(t, md, "paperclip_list_agents companyId="+testCompany)
}

// Errors in the plan (an agent slug not in the package, say) stop the apply
// before it is sent.
func TestPortabilityApplyRefusesAPlanWithErrors(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/imports/preview", 200, map[string]any{"collisionStrategy": "rename",
		"plan":     map[string]any{"companyAction": "none", "agentPlans": []any{}, "projectPlans": []any{}, "issuePlans": []any{}},
		"warnings": []any{"No agents selected for import."}, "errors": []any{"Selected agent slug not found in manifest: nobody"}})
	d := s.deps(client.Config{})
	args := map[string]any{"source": map[string]any{"type": "inline", "files": map[string]any{"COMPANY.md": "x"}},
		"target": map[string]any{"mode": "existing_company"}, "agents": []any{"nobody"}}
	var p ImportPreviewView
	md := callOK(t, d, "paperclip_preview_company_import", args, &p)
	assert.Equal(t, testCompany, s.requests()[0].JSON(t)["target"].(map[string]any)["companyId"], "existing_company defaults to the route's company")
	assert.Contains(t, md, "**error**: Selected agent slug not found")
	assert.Contains(t, md, "apply would fail")
	assert.Contains(t, callErr(t, d, "paperclip_apply_company_import", args), "Selected agent slug not found in manifest: nobody")
	for _, r := range s.requests() {
		assert.NotContains(t, r.Path, "/apply")
	}
}
