package tools

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func labelRow(i int, name, color string) map[string]any {
	return map[string]any{"id": fmt.Sprintf("1abe1000-0000-4000-8000-%012d", i), "companyId": testCompany, "name": name, "color": color,
		"createdAt": "2026-12-01T10:00:00.000Z", "updatedAt": "2026-12-01T10:00:00.000Z"}
}

// Paperclip requires color although the documented tool makes it optional:
// a default is sent, a given one is checked first.
func TestCreateLabelColor(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/labels", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		writeJSON(w, 201, labelRow(1, m["name"].(string), m["color"].(string)))
	})
	d := s.deps(client.Config{})
	var l LabelView
	md := callOK(t, d, "paperclip_create_label", map[string]any{"name": "  bug "}, &l)
	assert.Equal(t, "bug", l.Name)
	assert.Equal(t, defaultLabelColor, l.Color)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/companies/"+testCompany+"/labels", reqs[0].Path, "companyId defaults to PAPERCLIP_COMPANY_ID")
	assert.Equal(t, map[string]any{"name": "bug", "color": "#6B7280"}, reqs[0].JSON(t))
	assert.Contains(t, md, "## Created label bug (`1abe1000-0000-4000-8000-000000000001`) · #6B7280")
	assert.Contains(t, md, `labelIds=["1abe1000-0000-4000-8000-000000000001"]`)

	callOK(t, d, "paperclip_create_label", map[string]any{"name": "urgent", "color": "#ff0000"}, &l)
	assert.Equal(t, "#ff0000", l.Color)
	assert.Equal(t, map[string]any{"name": "urgent", "color": "#ff0000"}, s.requests()[1].JSON(t))

	for _, bad := range []map[string]any{
		{"name": "x", "color": "red"},
		{"name": "x", "color": "#fff"},
		{"name": "x", "color": "#12345G"},
		{"name": strings.Repeat("n", 49)},
		{"name": ""},
		{"name": "   "},
		{"name": "x", "companyId": "acme"},
	} {
		msg := callErr(t, d, "paperclip_create_label", bad)
		assert.NotEmpty(t, msg)
	}
	assert.Len(t, s.requests(), 2, "bad arguments are refused before sending")
	assert.Contains(t, callErr(t, d, "paperclip_create_label", map[string]any{"name": "x", "color": "red"}), "color")
	assert.Contains(t, callErr(t, d, "paperclip_create_label", map[string]any{"name": strings.Repeat("n", 49)}), "48")
}

// Paperclip answers a duplicate name with 500: the tool names the label.
func TestCreateLabelDuplicateName(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/labels", 500, map[string]any{"error": "Internal server error"})
	s.reply("GET /api/companies/{companyId}/labels", 200, []any{labelRow(1, "bug", "#ff0000")})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_create_label", map[string]any{"name": "bug"})
	assert.Contains(t, msg, `already has a label "bug" (`+"`1abe1000-0000-4000-8000-000000000001`"+`, #ff0000)`)
	assert.Contains(t, msg, "nothing was created")

	msg = callErr(t, d, "paperclip_create_label", map[string]any{"name": "other"})
	assert.Contains(t, msg, "HTTP 500", "a 500 that is not a duplicate stays a server error")
}

func TestListLabelsPagesHere(t *testing.T) {
	s := newStub(t)
	rows := []any{}
	for i, n := range []string{"alpha", "beta", "gamma", "delta", "epsilon"} {
		rows = append(rows, labelRow(i+1, n, "#00ff00"))
	}
	s.reply("GET /api/companies/{companyId}/labels", 200, rows)
	d := s.deps(client.Config{})
	var names []string
	for offset := 0; ; {
		var p Page[LabelView]
		callOK(t, d, "paperclip_list_labels", map[string]any{"limit": 2, "offset": offset}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, 5, *p.Total)
		for _, l := range p.Items {
			names = append(names, l.Name)
		}
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	assert.Equal(t, []string{"alpha", "beta", "gamma", "delta", "epsilon"}, names)
	for _, r := range s.requests() {
		assert.Empty(t, r.Query, "the labels route has no paging: it is done here")
	}
	md := text(call(t, d, "paperclip_list_labels", map[string]any{"limit": 2}))
	assert.Contains(t, md, "## Labels: 2 shown from offset 0 (5 in all)")
	assert.Contains(t, md, "- **alpha** `1abe1000-0000-4000-8000-000000000001` · #00ff00")
	assert.Contains(t, md, "More: call paperclip_list_labels with offset=2.")
	jsonTextIsStructured(t, d, "paperclip_list_labels", nil)
}

// An empty list under a well-formed id of no company is a wrong id, not "no labels".
func TestListLabelsOfAnUnknownCompany(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/labels", 200, []any{})
	s.reply("GET /api/companies/{companyId}", 404, map[string]any{"error": "Company not found"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_labels", map[string]any{"companyId": "33333333-0000-4000-8000-000000000001"})
	assert.Contains(t, msg, "No company has id 33333333-0000-4000-8000-000000000001")
}
