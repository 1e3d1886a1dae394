package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPIToolsetAgainstREST: the api toolset over the real server's own
// OpenAPI document: search finds the org chart route and names its tool; a
// call to an operation without a tool answers what REST answers; a write
// goes once and names its tool; read-only mode refuses a POST before
// sending it; a path parameter like ../x stays in its segment.
func TestAPIToolsetAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " API IT " + randSuffix()}, &company)
	C := company.ID
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "api", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_MCP_LOG_LEVEL": "debug"})

	// The document, as served: 838 operations on 2026.916.1.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	restGET(t, "/openapi.json", &doc)
	total := 0
	for _, ops := range doc.Paths {
		for m := range ops {
			switch m {
			case "get", "post", "put", "patch", "delete":
				total++
			}
		}
	}
	var all struct {
		Total *int `json:"total"`
	}
	callJSON(t, s, "paperclip_search_api_operations", map[string]any{"limit": 1}, &all)
	require.NotNil(t, all.Total)
	assert.Equal(t, total, *all.Total, "search sees every operation of the document")

	var hits struct {
		Items []struct {
			Operation     string `json:"operation"`
			DedicatedTool string `json:"dedicatedTool"`
		} `json:"items"`
	}
	md := s.CallOK(t, "paperclip_search_api_operations", map[string]any{"query": "org chart", "method": "GET"}, &hits)
	var org string
	for _, h := range hits.Items {
		if h.Operation == "GET /api/companies/{companyId}/org" {
			org = h.DedicatedTool
		}
	}
	assert.Equal(t, "paperclip_get_org_chart", org, "search finds the org chart route and names its tool")
	assert.Contains(t, md, "**use paperclip_get_org_chart**")

	var op struct {
		Authorization map[string]any `json:"authorization"`
		BodySchema    map[string]any `json:"bodySchema"`
	}
	s.CallOK(t, "paperclip_describe_api_operation", map[string]any{"operation": "POST /api/companies/{companyId}/labels"}, &op)
	assert.Equal(t, "board_or_agent", op.Authorization["actor"])
	assert.Contains(t, op.BodySchema["properties"], "name")

	// An operation without a dedicated tool answers what REST answers.
	var result struct {
		Status        int             `json:"status"`
		Body          json.RawMessage `json:"body"`
		Text          string          `json:"text"`
		DedicatedTool string          `json:"dedicatedTool"`
	}
	s.CallOK(t, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/companies/{companyId}/secret-providers", "pathParams": map[string]any{"companyId": C}}, &result)
	var restProviders json.RawMessage
	restGET(t, "/companies/"+C+"/secret-providers", &restProviders)
	assert.Equal(t, 200, result.Status)
	assert.JSONEq(t, string(restProviders), string(result.Body))
	assert.Empty(t, result.DedicatedTool)

	// A text answer (SVG) comes back as text.
	result.Body, result.Text = nil, ""
	s.CallOK(t, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/companies/{companyId}/org.svg", "pathParams": map[string]any{"companyId": C}}, &result)
	assert.Contains(t, result.Text, "<svg")

	// A write goes once, lands on REST, and names its tool.
	result = struct {
		Status        int             `json:"status"`
		Body          json.RawMessage `json:"body"`
		Text          string          `json:"text"`
		DedicatedTool string          `json:"dedicatedTool"`
	}{}
	s.CallOK(t, "paperclip_call_api_operation", map[string]any{"operation": "POST /api/companies/{companyId}/labels", "pathParams": map[string]any{"companyId": C},
		"body": map[string]any{"name": "via-api", "color": "#112233"}}, &result)
	assert.Equal(t, http.StatusCreated, result.Status)
	assert.Equal(t, "paperclip_create_label", result.DedicatedTool)
	var labels []struct {
		Name string `json:"name"`
	}
	restGET(t, "/companies/"+C+"/labels", &labels)
	require.Len(t, labels, 1)
	assert.Equal(t, "via-api", labels[0].Name)

	// A path parameter like ../x stays in its segment: Paperclip looks for
	// an issue named "../x", it does not reach another route.
	msg := s.CallErr(t, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/issues/{id}", "pathParams": map[string]any{"id": "../x"}})
	assert.Contains(t, msg, "404")
	assert.NotContains(t, msg, "API route not found")
	assert.Contains(t, waitRequestPaths(t, s, 1), "/api/issues/..%2Fx", "sent escaped, as one segment")

	// Read-only mode: the call tool is read-only, and a POST is refused
	// before it is sent (REST still shows one label).
	ro := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "api", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_READ_ONLY": "true", "PAPERCLIP_MCP_LOG_LEVEL": "debug"})
	msg = ro.CallErr(t, "paperclip_call_api_operation", map[string]any{"operation": "POST /api/companies/{companyId}/labels", "pathParams": map[string]any{"companyId": C},
		"body": map[string]any{"name": "refused", "color": "#445566"}})
	assert.Contains(t, msg, "read-only mode")
	restGET(t, "/companies/"+C+"/labels", &labels)
	assert.Len(t, labels, 1, "nothing was sent")
	for _, p := range requestPaths(ro.Stderr()) {
		assert.False(t, strings.Contains(p, "/labels"), "no labels request left the read-only server: %s", p)
	}
	ro.CallOK(t, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/companies/{companyId}/labels", "pathParams": map[string]any{"companyId": C}}, nil)
}
