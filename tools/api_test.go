package tools

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// apiDoc is a slice of Paperclip 2026.916.1's /api/openapi.json, in its
// shapes: no operationId, x-paperclip-authorization on each operation.
var apiDoc = map[string]any{
	"openapi": "3.0.3", "info": map[string]any{"title": "Paperclip API"},
	"paths": map[string]any{
		"/api/companies/{companyId}/org": map[string]any{"get": map[string]any{"tags": []any{"agents"}, "summary": "Get org chart data",
			"parameters":                []any{map[string]any{"name": "companyId", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
			"x-paperclip-authorization": map[string]any{"actor": "board_or_agent"}}},
		"/api/companies/{companyId}/teams": map[string]any{
			"get": map[string]any{"tags": []any{"teams"}, "summary": "List teams",
				"parameters": []any{map[string]any{"name": "companyId", "in": "path", "required": true, "schema": map[string]any{"type": "string"}},
					map[string]any{"name": "q", "in": "query", "schema": map[string]any{"type": "string"}}},
				"x-paperclip-authorization": map[string]any{"actor": "board_or_agent"}},
			"post": map[string]any{"tags": []any{"teams"}, "summary": "Create a team",
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}, "required": []any{"name"}}}}},
				"x-paperclip-authorization": map[string]any{"actor": "board"}}},
		"/api/teams/{teamId}": map[string]any{"delete": map[string]any{"tags": []any{"teams"}, "summary": "Delete a team",
			"x-paperclip-authorization": map[string]any{"actor": "board"}}},
		"/api/assets/{assetId}/upload": map[string]any{"post": map[string]any{"tags": []any{"assets"}, "summary": "Upload",
			"requestBody":               map[string]any{"content": map[string]any{"multipart/form-data": map[string]any{}}},
			"x-paperclip-authorization": map[string]any{"actor": "board"}}},
		"/api/instance/flags": map[string]any{"get": map[string]any{"tags": []any{"instance"}, "summary": "Big flags",
			"x-paperclip-authorization": map[string]any{"actor": "board", "instanceAdmin": true}}},
		"/mcp/runtime-tools": map[string]any{"get": map[string]any{"tags": []any{"tools"}, "summary": "Runtime tools",
			"x-paperclip-authorization": map[string]any{"actor": "runtime_tools"}}},
	},
}

func TestAPISearchAndDescribe(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/openapi.json", 200, apiDoc)
	d := s.deps(client.Config{})

	var p Page[APIOperationSummary]
	md := callOK(t, d, "paperclip_search_api_operations", map[string]any{"query": "org chart"}, &p)
	require.Len(t, p.Items, 1)
	assert.Equal(t, APIOperationSummary{Operation: "GET /api/companies/{companyId}/org", Summary: "Get org chart data", Tags: []string{"agents"},
		Parameters: []string{"companyId (path, required)"}, Actor: "board_or_agent", DedicatedTool: "paperclip_get_org_chart"}, p.Items[0])
	assert.Contains(t, md, "**use paperclip_get_org_chart**")

	p = Page[APIOperationSummary]{}
	callOK(t, d, "paperclip_search_api_operations", map[string]any{"tag": "teams", "limit": 1}, &p)
	assert.Equal(t, 3, *p.Total)
	assert.True(t, p.HasMore)
	p = Page[APIOperationSummary]{}
	callOK(t, d, "paperclip_search_api_operations", map[string]any{"tag": "Teams", "method": "DELETE"}, &p)
	require.Len(t, p.Items, 1)
	assert.Equal(t, "DELETE /api/teams/{teamId}", p.Items[0].Operation)
	assert.NotEmpty(t, callErr(t, d, "paperclip_search_api_operations", map[string]any{"method": "TRACE"}))

	var op APIOperation
	md = callOK(t, d, "paperclip_describe_api_operation", map[string]any{"operation": "POST /api/companies/{id}/teams"}, &op)
	assert.Equal(t, "POST /api/companies/{companyId}/teams", op.Operation, "placeholder names do not matter")
	assert.JSONEq(t, `{"actor":"board"}`, string(op.Authorization))
	assert.True(t, op.BodyRequired)
	assert.Contains(t, string(op.BodySchema), `"required":["name"]`)
	assert.Contains(t, md, `"required": [`)
	op = APIOperation{}
	callOK(t, d, "paperclip_describe_api_operation", map[string]any{"operation": "get /instance/flags"}, &op)
	assert.Equal(t, "GET /api/instance/flags", op.Operation, "the method's case and /api are forgiven")
	op = APIOperation{}
	callOK(t, d, "paperclip_describe_api_operation", map[string]any{"operation": "POST /api/assets/{assetId}/upload"}, &op)
	assert.Contains(t, op.NotCallable, "multipart/form-data")
	assert.Contains(t, callErr(t, d, "paperclip_describe_api_operation", map[string]any{"operation": "GET /api/nowhere"}), "paperclip_search_api_operations")
	assert.Contains(t, callErr(t, d, "paperclip_describe_api_operation", map[string]any{"operation": "/api/companies"}), "a method and a path")
	jsonTextIsStructured(t, d, "paperclip_search_api_operations", map[string]any{})

	openapiReads := 0
	for _, r := range s.requests() {
		if r.Path == "/api/openapi.json" {
			openapiReads++
		}
	}
	assert.Equal(t, 1, openapiReads, "the document is read once and kept")
}

func TestAPICall(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/openapi.json", 200, apiDoc)
	s.reply("GET /api/companies/{companyId}/teams", 200, []any{map[string]any{"id": "t1", "name": "Core"}})
	s.handle("POST /api/companies/{companyId}/teams", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 503, map[string]any{"error": "busy"})
	})
	s.reply("DELETE /api/teams/{teamId}", 204, nil)
	s.reply("GET /api/instance/flags", 200, map[string]any{"blob": strings.Repeat("x", 30000)})
	d := s.deps(client.Config{Retries: 2, RetryWait: time.Millisecond, MaxRetryWait: time.Millisecond})

	var r APICallResult
	md := callOK(t, d, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/companies/{companyId}/teams",
		"pathParams": map[string]any{"companyId": testCompany}, "query": map[string]any{"q": "co", "tag": []any{"a", "b"}, "n": 2}}, &r)
	last := s.requests()[len(s.requests())-1]
	assert.Equal(t, "/api/companies/"+testCompany+"/teams", last.Path)
	assert.Equal(t, map[string][]string{"q": {"co"}, "tag": {"a", "b"}, "n": {"2"}}, last.Query)
	assert.Equal(t, 200, r.Status)
	assert.JSONEq(t, `[{"id":"t1","name":"Core"}]`, string(r.Body))
	assert.Contains(t, md, `"name": "Core"`)

	// A path parameter never leaves its segment.
	callOK(t, d, "paperclip_call_api_operation", map[string]any{"operation": "DELETE /api/teams/{teamId}", "pathParams": map[string]any{"teamId": "../x"}}, &r)
	last = s.requests()[len(s.requests())-1]
	assert.Equal(t, "/api/teams/..%2Fx", last.RawPath, "escaped into one segment")
	assert.Equal(t, 204, r.Status)

	// A write is never retried: one 503, one request.
	n := len(s.requests())
	msg := callErr(t, d, "paperclip_call_api_operation", map[string]any{"operation": "POST /api/companies/{companyId}/teams",
		"pathParams": map[string]any{"companyId": testCompany}, "body": map[string]any{"name": "Ops"}})
	assert.Contains(t, msg, "503")
	assert.Len(t, s.requests(), n+1, "a POST is sent once")
	assert.Equal(t, map[string]any{"name": "Ops"}, s.requests()[n].JSON(t))

	// A long answer is cut, and says how to ask for less.
	r = APICallResult{}
	md = callOK(t, d, "paperclip_call_api_operation", map[string]any{"operation": "GET /api/instance/flags"}, &r)
	assert.True(t, r.Cut)
	assert.Empty(t, r.Body)
	assert.Len(t, r.Text, apiBodyBudget)
	assert.Contains(t, md, "Ask for less")
	assert.Less(t, len(md), maxResultChars+200)

	// Refused before sending.
	n = len(s.requests())
	for args, want := range map[string]string{
		`{"operation":"GET /api/companies/{companyId}/teams"}`:                                     "pathParams needs companyId",
		`{"operation":"DELETE /api/teams/{teamId}","pathParams":{"teamId":".."}}`:                  "one path segment",
		`{"operation":"DELETE /api/teams/{teamId}","pathParams":{"teamId":"t","other":"x"}}`:       "not a placeholder",
		`{"operation":"POST /api/companies/{companyId}/teams","pathParams":{"companyId":"c"}}`:     "needs a JSON body",
		`{"operation":"POST /api/assets/{assetId}/upload","pathParams":{"assetId":"a"},"body":{}}`: "multipart/form-data",
		`{"operation":"GET /mcp/runtime-tools"}`:                                                   "not under /api",
		`{"operation":"GET /api/instance/flags","body":{"x":1}}`:                                   "takes no body",
		`{"operation":"GET /api/instance/flags","query":{"x":{"y":1}}}`:                            "query.x must be",
		`{"operation":"GET /api/teams"}`:                                                           "no operation GET /api/teams",
		`{"operation":"DELETE /api/teams/{teamId}","pathParams":{"teamId":3}}`:                     "pathParams",
	} {
		assert.Contains(t, callErr(t, d, "paperclip_call_api_operation", decodeMap(t, args)), want, args)
	}
	assert.Len(t, s.requests(), n, "refused before sending")
}

// In read-only mode the call tool is published read-only, and sends GETs only.
func TestAPICallReadOnlyMode(t *testing.T) {
	tools, err := Select(Selection{Toolsets: []string{"api"}, ReadOnly: true})
	require.NoError(t, err)
	var call Tool
	for _, tl := range tools {
		if tl.Spec.Name == "paperclip_call_api_operation" {
			call = tl
		}
	}
	require.NotNil(t, call.built, "the call tool is served in read-only mode, in its read-only form")
	def := call.Def()
	assert.True(t, *def.Annotations.ReadOnlyHint)
	assert.False(t, *def.Annotations.DestructiveHint)
	assert.True(t, strings.HasPrefix(def.Description, "Read-only mode: GET operations only."))
	full := findTool(t, "paperclip_call_api_operation").Def()
	assert.True(t, *full.Annotations.DestructiveHint, "it can delete (DELETE operations)")

	s := newStub(t)
	s.reply("GET /api/openapi.json", 200, apiDoc)
	s.reply("GET /api/instance/flags", 200, map[string]any{"a": true})
	d := s.deps(client.Config{})
	h := call.Handler(d)
	res := callHandler(t, h, map[string]any{"operation": "POST /api/companies/{companyId}/teams", "pathParams": map[string]any{"companyId": testCompany}, "body": map[string]any{"name": "x"}})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "read-only mode")
	res = callHandler(t, h, map[string]any{"operation": "GET /api/instance/flags"})
	require.False(t, res.IsError, text(res))
	for _, r := range s.requests() {
		assert.Equal(t, http.MethodGet, r.Method, "nothing but GETs left the server")
	}
}

func callHandler(t *testing.T, h server.ToolHandlerFunc, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := h(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "paperclip_call_api_operation", Arguments: args}})
	require.NoError(t, err)
	return res
}
