package tools

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func companyRow(name, status string) map[string]any {
	return map[string]any{"id": testCompany, "name": name, "status": status, "issuePrefix": "ACM", "budgetMonthlyCents": 10000,
		"spentMonthlyCents": 250, "createdAt": "2026-12-02T10:00:00.000Z"}
}

func TestCompanyAdmin(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, companyRow(stubReq{Body: body}.JSON(t)["name"].(string), "active"))
	})
	s.handle("PATCH /api/companies/{companyId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, companyRow("Acme 2", "active"))
	})
	s.reply("POST /api/companies/{companyId}/archive", 200, companyRow("Acme", "archived"))
	d := s.deps(client.Config{})

	var c CompanySummary
	md := callOK(t, d, "paperclip_create_company", map[string]any{"name": " Acme ", "budgetMonthlyCents": 10000}, &c)
	assert.Equal(t, map[string]any{"name": "Acme", "budgetMonthlyCents": float64(10000)}, s.requests()[0].JSON(t))
	assert.Contains(t, md, "budget $100.00 a month, $2.50 spent")

	callOK(t, d, "paperclip_update_company", map[string]any{"name": "Acme 2", "status": "active"}, &c)
	r := s.requests()[1]
	assert.Equal(t, "/api/companies/"+testCompany, r.Path, "companyId defaults to PAPERCLIP_COMPANY_ID")
	assert.Equal(t, map[string]any{"name": "Acme 2", "status": "active"}, r.JSON(t))

	md = callOK(t, d, "paperclip_archive_company", map[string]any{}, &c)
	assert.Equal(t, "archived", c.Status)
	assert.Contains(t, md, "agents are paused")
	assert.Contains(t, md, "status=active")

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_update_company", map[string]any{}), "Nothing to change")
	assert.NotEmpty(t, callErr(t, d, "paperclip_update_company", map[string]any{"status": "deleted"}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_update_company", map[string]any{"budgetMonthlyCents": 1.5}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_company", map[string]any{"name": "  "}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_archive_company", map[string]any{"companyId": "acme"}))
	assert.Len(t, s.requests(), n, "refused before sending")
}
