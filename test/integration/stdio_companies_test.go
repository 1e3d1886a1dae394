package integration

import (
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/tools"
)

// TestStdioCompanies: paperclip_list_companies lists what GET /api/companies
// lists, paperclip_get_company reads one, and a list tool given a well-formed
// id of no company says so instead of "0 runs" (REST itself answers an empty
// list for it, which is the surprise written down here).
func TestStdioCompanies(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	s := startMCP(t, nil)

	t.Run("list matches REST", func(t *testing.T) {
		var rest []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		restGET(t, "/companies", &rest)
		var page tools.Page[tools.CompanySummary]
		callJSON(t, s, "paperclip_list_companies", map[string]any{"limit": 100}, &page)
		require.NotNil(t, page.Total)
		require.Equal(t, len(rest), *page.Total)
		want := map[string]string{}
		for _, c := range rest {
			want[c.ID] = c.Name
		}
		got := map[string]string{}
		for _, c := range page.Items {
			got[c.ID] = c.Name
		}
		if len(rest) <= 100 {
			assert.Equal(t, want, got)
		}
		assert.Equal(t, w.CompanyName, got[w.CompanyID])
	})

	t.Run("get one", func(t *testing.T) {
		var c tools.CompanySummary
		callJSON(t, s, "paperclip_get_company", map[string]any{"companyId": w.CompanyID}, &c)
		assert.Equal(t, w.CompanyID, c.ID)
		assert.Equal(t, w.CompanyName, c.Name)
		assert.Equal(t, w.IssuePrefix, c.IssuePrefix)
	})

	t.Run("a well-formed id of no company", func(t *testing.T) {
		missing := "99999999-9999-4999-8999-999999999999"
		var runs []Run
		restGET(t, "/companies/"+missing+"/heartbeat-runs", &runs)
		assert.Empty(t, runs, "REST answers an empty list, not 404, for a company that does not exist")
		code, _ := newAPI(t).raw("GET", "/companies/"+missing, nil)
		require.Equal(t, 404, code)
		for _, name := range []string{"paperclip_list_heartbeat_runs", "paperclip_list_live_runs", "paperclip_list_agents", "paperclip_diagnose_run"} {
			msg := s.CallErr(t, name, map[string]any{"companyId": missing})
			assert.Contains(t, msg, "No company has id "+missing, name)
			assert.Contains(t, msg, "paperclip_list_companies", name)
		}
		_, err := s.Client.ListTools(t.Context(), mcp.ListToolsRequest{})
		require.NoError(t, err, "the session is alive after the tool errors")
	})
}
