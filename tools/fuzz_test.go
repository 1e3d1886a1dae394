package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// The tool fuzzers: bad input never panics the server. A panic inside a
// handler is recovered by handlerOf and answered as a tool error that says
// "failed inside paperclip-mcp (a bug"; these targets fail on that text, on
// a Go error, on a result the MCP layer cannot encode or that breaks the
// tool's outputSchema, and on a call that hangs or floods Paperclip.
//
//	go test ./tools -run '^$' -fuzz '^FuzzToolArguments$' -fuzztime 3m -parallel 1
//	go test ./tools -run '^$' -fuzz '^FuzzToolResults$' -fuzztime 3m -parallel 1
//
// The tool is picked by name: an exact name is that tool (so a corpus
// entry stays the same tool when tools are added), anything else is hashed
// onto the registry. Every iteration gets a fresh client (fresh OpenAPI and
// final-run caches), so an input reproduces on its own.
//
// The output bound (maxResultChars) is checked too; a text over it is
// logged, and fails only with PAPERCLIP_FUZZ_STRICT=1.

const (
	fuzzUUID      = "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"
	fuzzAPIKey    = "pcp_fuzz_key_0123456789abcdef"
	fuzzBugMark   = "failed inside paperclip-mcp (a bug"
	fuzzMaxCall   = 8 * time.Second // a call longer than this is a hang: the fake answers at once
	fuzzMaxReqs   = 1000            // requests one call may send before it is a flood
	fuzzBoundSlop = 200             // characters over maxResultChars tolerated in a text
)

// fuzzTool is the tool an input names: an exact name, or a hash of it.
func fuzzTool(name string) Tool {
	all := Registry()
	for _, t := range all {
		if t.Spec.Name == name {
			return t
		}
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return all[int(h.Sum32()%uint32(len(all)))]
}

// fuzzPaperclip answers every request at once with what the iteration set:
// a status and a body. Keep-alives are off so that the fresh client of
// each iteration leaves no idle connection behind.
type fuzzPaperclip struct {
	srv      *httptest.Server
	reply    atomic.Pointer[fuzzReply]
	requests atomic.Int64
	upload   string // a file under the upload directory
}

type fuzzReply struct {
	status int
	body   []byte
}

func (p *fuzzPaperclip) set(status int, body []byte) {
	p.reply.Store(&fuzzReply{status: status, body: body})
	p.requests.Store(0)
}

// newFuzzPaperclip starts the fake and makes the process safe to fuzz in:
// secrets and uploads in temporary directories, off-host requests (a cloud
// remoteUrl from the input) sent to a proxy that is not there, cloud waits
// shortened.
func newFuzzPaperclip(f *testing.F) *fuzzPaperclip {
	f.Helper()
	p := &fuzzPaperclip{}
	p.set(http.StatusOK, []byte(`{}`))
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		rep := p.reply.Load()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		_, _ = w.Write(rep.body)
	}))
	p.srv.Config.SetKeepAlivesEnabled(false)
	p.srv.Start()
	f.Cleanup(p.srv.Close)

	f.Setenv(secretsDirEnv, filepath.Join(f.TempDir(), "secrets"))
	up := f.TempDir()
	if err := os.WriteFile(filepath.Join(up, "a.txt"), []byte("hello\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Setenv(uploadDirEnv, up)
	p.upload = "a.txt"
	// Loopback never goes through a proxy; anything else fails at once.
	f.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
	f.Setenv("HTTP_PROXY", "http://127.0.0.1:9")
	f.Setenv("NO_PROXY", "")

	poll, limit := cloudPollInterval, cloudWaitLimit
	cloudPollInterval, cloudWaitLimit = time.Millisecond, 20*time.Millisecond
	f.Cleanup(func() { cloudPollInterval, cloudWaitLimit = poll, limit })
	return p
}

// deps is a fresh Deps (fresh client, fresh caches) for one iteration.
func (p *fuzzPaperclip) deps(t *testing.T) *Deps {
	c, err := client.New(client.Config{BaseURL: p.srv.URL, APIKey: fuzzAPIKey, Retries: -1, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &Deps{Client: c, CompanyID: testCompany, AgentID: testAgent, APIKey: fuzzAPIKey}
}

// fuzzCheck fails on the bug signals of one call's result.
func fuzzCheck(t *testing.T, p *fuzzPaperclip, tool string, input []byte, took time.Duration, res *mcp.CallToolResult, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s answered a Go error (tools answer tool errors) for %q: %v", tool, input, err)
	}
	if res == nil {
		t.Fatalf("%s answered no result for %q", tool, input)
	}
	txt := text(res)
	if strings.Contains(txt, fuzzBugMark) {
		t.Fatalf("%s panicked for %q: %s", tool, input, txt)
	}
	if took > fuzzMaxCall {
		t.Fatalf("%s took %v for %q (the fake answers at once): %s", tool, took, input, clip(txt, 300))
	}
	if n := p.requests.Load(); n > fuzzMaxReqs {
		t.Fatalf("%s sent %d requests for %q", tool, n, input)
	}
	if n := utf8.RuneCountInString(txt); n > maxResultChars+fuzzBoundSlop {
		if os.Getenv("PAPERCLIP_FUZZ_STRICT") != "" {
			t.Fatalf("%s: a text of %d characters (bound %d, error=%v) for %q", tool, n, maxResultChars, res.IsError, input)
		}
		t.Logf("%s: a text of %d characters (bound %d, error=%v)", tool, n, maxResultChars, res.IsError)
	}
	if raw, ok := res.StructuredContent.(json.RawMessage); ok && !json.Valid(raw) {
		t.Fatalf("%s: structured content is not JSON for %q: %q", tool, input, clip(string(raw), 300))
	}
}

// fuzzValue is the simplest value a property schema accepts.
func fuzzValue(p *propSchema) any {
	switch p.Type {
	case "string":
		if len(p.Enum) > 0 {
			return p.Enum[0]
		}
		switch p.Format {
		case "uuid":
			return fuzzUUID
		case "date-time":
			return "2026-12-01T09:30:00Z"
		case "uri":
			return "https://example.invalid/x"
		}
		if p.re != nil {
			for _, c := range []string{fuzzUUID, "ABC-12", "#6B7280", "https://example.invalid/x.git", "x"} {
				if p.re.MatchString(c) {
					return c
				}
			}
		}
		if p.MinLength != nil && *p.MinLength > 1 {
			return strings.Repeat("x", *p.MinLength)
		}
		return "x"
	case "integer", "number":
		n := 1.0
		if p.Minimum != nil && *p.Minimum > n {
			n = *p.Minimum
		}
		if p.Maximum != nil && n > *p.Maximum {
			n = *p.Maximum
		}
		return n
	case "boolean":
		return false
	case "array":
		items := []any{}
		if p.MinItems != nil && p.Items != nil {
			for range *p.MinItems {
				items = append(items, fuzzValue(p.Items))
			}
		}
		return items
	case "object":
		obj := map[string]any{}
		for _, k := range p.Required {
			if q := p.Properties[k]; q != nil {
				obj[k] = fuzzValue(q)
			}
		}
		return obj
	}
	return nil
}

// fuzzArgOverrides are the arguments, on top of the generated ones, of the
// tools whose simplest arguments are refused before anything is sent.
func fuzzArgOverrides(p *fuzzPaperclip) map[string]map[string]any {
	importArgs := map[string]any{"source": map[string]any{"type": "inline", "files": map[string]any{"COMPANY.md": "# x"}},
		"target": map[string]any{"mode": "new_company", "newCompanyName": "n"}}
	return map[string]map[string]any{
		"paperclip_call_api_operation":           {"operation": "GET /api/companies/{companyId}/org", "pathParams": map[string]any{"companyId": testCompany}},
		"paperclip_describe_api_operation":       {"operation": "GET /api/companies/{companyId}/org"},
		"paperclip_report_cost_event":            {"occurredAt": "2026-12-01T09:30:00Z"},
		"paperclip_upload_attachment":            {"filePath": p.upload},
		"paperclip_add_routine_trigger":          {"cronExpression": "0 9 * * *", "timezone": "UTC"},
		"paperclip_apply_company_import":         importArgs,
		"paperclip_preview_company_import":       importArgs,
		"paperclip_create_secret":                {"value": "v"},
		"paperclip_rotate_secret":                {"value": "v"},
		"paperclip_create_workspace":             {"cwd": "/tmp/x"},
		"paperclip_update_workspace":             {"cwd": "/tmp/x"},
		"paperclip_update_agent":                 {"name": "n"},
		"paperclip_update_company":               {"name": "n"},
		"paperclip_update_experimental_settings": {"enableCloudSync": true},
		"paperclip_update_goal":                  {"title": "t"},
		"paperclip_update_issue":                 {"title": "t", "comment": "c"},
		"paperclip_update_project":               {"name": "n"},
		"paperclip_update_routine":               {"title": "t"},
		"paperclip_update_routine_trigger":       {"label": "l"},
		"paperclip_update_secret":                {"name": "n"},
	}
}

// fuzzArgs builds the minimal valid arguments of every tool once.
func fuzzArgs(p *fuzzPaperclip) map[string]map[string]any {
	over := fuzzArgOverrides(p)
	out := map[string]map[string]any{}
	for _, t := range Registry() {
		s := t.built().args().checker
		args := map[string]any{}
		for _, k := range s.Required {
			prop := s.Properties[k]
			args[k] = fuzzValue(&prop)
		}
		if _, ok := s.Properties["remoteUrl"]; ok {
			args["remoteUrl"] = p.srv.URL
		}
		for k, v := range over[t.Spec.Name] {
			args[k] = v
		}
		out[t.Spec.Name] = args
	}
	return out
}

func fuzzMustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzToolArguments feeds any bytes as the arguments of any tool, against
// a Paperclip that answers {} , [] or 404 to everything.
func FuzzToolArguments(f *testing.F) {
	p := newFuzzPaperclip(f)
	minimal := fuzzArgs(p)
	for _, t := range Registry() {
		f.Add(t.Spec.Name, uint8(0), fuzzMustMarshal(minimal[t.Spec.Name]))
	}
	huge := strings.Repeat("é", 30000)
	deep := strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200)
	deepArr := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	seeds := []struct {
		tool, args string
	}{
		// not objects, not JSON
		{"paperclip_get_issue", ``},
		{"paperclip_get_issue", `null`},
		{"paperclip_get_issue", `[1,2]`},
		{"paperclip_get_issue", `"ABC-1"`},
		{"paperclip_get_issue", `{"issueId":`},
		{"paperclip_get_issue", "\xff\xfe{}"},
		{"paperclip_get_issue", deepArr},
		{"paperclip_list_issues", deep},
		// wrong types, nulls, huge and odd numbers
		{"paperclip_list_issues", `{"limit":"abc","offset":null}`},
		{"paperclip_list_issues", `{"limit":1e308,"offset":-1e308}`},
		{"paperclip_list_issues", `{"limit":50.5,"offset":1e400}`},
		{"paperclip_list_issues", `{"limit":100,"offset":9007199254740993}`},
		{"paperclip_list_issues", `{"companyId":{"a":1},"status":["todo"]}`},
		{"paperclip_list_heartbeat_runs", `{"companyId":"` + testCompany + `","limit":-0}`},
		{"paperclip_get_heartbeat_run", `{"runId":null}`},
		{"paperclip_get_heartbeat_run", `{"runId":"` + strings.ToUpper(fuzzUUID) + `"}`},
		{"paperclip_get_run_log", `{"runId":"` + fuzzUUID + `","offset":1e18,"limitBytes":1e18}`},
		{"paperclip_get_run_log", `{"runId":"` + fuzzUUID + `","offset":-1}`},
		// unicode
		{"paperclip_create_issue", `{"title":"` + huge + `"}`},
		{"paperclip_create_issue", `{"title":"\u0000\ud800\udc00\ufffd 日本語 🚀","description":"\udc00"}`},
		{"paperclip_add_comment", `{"issueId":"ABC-12","body":"` + strings.Repeat("🎉", 5000) + `"}`},
		{"paperclip_add_comment", `{"issueId":"abc-1\n","body":"x"}`},
		// nested objects
		{"paperclip_create_project", `{"name":"p","workspace":{"cwd":"/tmp","repoUrl":"https://example.invalid/x.git"}}`},
		{"paperclip_create_project", `{"name":"p","workspace":{"repoUrl":"not a url","extra":1}}`},
		{"paperclip_create_project", `{"name":"p","workspace":[]}`},
		{"paperclip_create_project", `{"name":"p","workspace":{"cwd":{"x":[]}}}`},
		{"paperclip_preview_company_import", `{"source":{"type":"inline","files":{"COMPANY.md":"# x","a/b.md":{"encoding":"base64","data":"!!"}}},"target":{"mode":"new_company","newCompanyName":"n"}}`},
		{"paperclip_preview_company_import", `{"source":{"type":"github","url":"https://github.com/x/y"},"target":{"mode":"existing_company","companyId":"` + testCompany + `"},"include":{"agents":true},"adapterOverrides":{"ceo":{"adapterType":"process","adapterConfig":{"command":"x"}}}}`},
		{"paperclip_preview_company_import", `{"source":{"type":"inline","files":[]},"target":{}}`},
		{"paperclip_preview_company_import", `{"source":{"type":"inline","files":{"a":5,"b":null,"c":{"encoding":"hex"}}},"target":{"mode":"new_company"}}`},
		{"paperclip_apply_company_import", `{"source":{"type":"inline","files":{"COMPANY.md":"# x"}},"target":{"mode":"new_company","newCompanyName":"n"},"collisionStrategy":"replace"}`},
		{"paperclip_apply_company_import", `{"source":{"type":"inline"},"target":{"mode":"existing_company"},"adapterOverrides":{"a":null,"b":{},"c":5}}`},
		{"paperclip_call_api_operation", `{"operation":"GET /api/companies/{companyId}/org","pathParams":{"companyId":"../../x"},"query":{"a":["1",2,null],"b":{"c":1}}}`},
		{"paperclip_call_api_operation", `{"operation":"POST /api/companies/{companyId}/teams","pathParams":{"companyId":"` + testCompany + `"},"body":{"name":"t","nested":[[[{}]]]}}`},
		{"paperclip_call_api_operation", `{"operation":"DELETE /api/teams/{teamId}","pathParams":{"teamId":5}}`},
		{"paperclip_call_api_operation", `{"operation":"GET   /api/x?y=1#z","query":{"":""}}`},
		{"paperclip_call_api_operation", `{"operation":"get /api/companies/{companyId}/org","pathParams":{}}`},
		{"paperclip_update_issue", `{"issueId":"ABC-12","status":"done","clear":["description","goalId"],"labelIds":[],"comment":"c"}`},
		{"paperclip_update_issue", `{"issueId":"ABC-12","clear":["nope",null,5],"labelIds":[null]}`},
		{"paperclip_update_issue", `{"issueId":"ABC-12","title":"","description":null,"executionRunId":"x"}`},
		{"paperclip_update_issue", `{"issueId":"` + fuzzUUID + `","assigneeAgentId":"` + testAgent + `","clear":["assigneeAgentId"]}`},
		{"paperclip_checkout_issue", `{"issueId":"ABC-12","expectedStatuses":[]}`},
		{"paperclip_create_agent", `{"name":"a","adapterConfig":{"env":{"K":{"type":"secret_ref","secretId":"x"}}},"permissions":{"canCreateAgents":"yes"},"budgetMonthlyCents":1e300}`},
		{"paperclip_create_approval", `{"type":"hire_agent","payload":{"name":"a","nested":{"deep":[1,{"x":null}]}},"issueIds":["` + fuzzUUID + `"]}`},
		{"paperclip_wakeup_agent", `{"payload":{"a":[1,2,3]},"reason":"` + huge + `"}`},
		{"paperclip_add_routine_trigger", `{"routineId":"` + fuzzUUID + `","kind":"schedule","cronExpression":"* * * * * * *","timezone":"Mars/Olympus"}`},
		{"paperclip_add_routine_trigger", `{"routineId":"` + fuzzUUID + `","kind":"webhook","signingMode":"github_hmac"}`},
		{"paperclip_report_cost_event", `{"provider":"p","model":"m","costCents":0,"occurredAt":"yesterday"}`},
		{"paperclip_report_cost_event", `{"provider":"p","model":"m","costCents":1e15,"occurredAt":"2026-02-30T25:61:00+14:00"}`},
		{"paperclip_create_agent_key", `{"agentId":"` + fuzzUUID + `","expiresAt":"2027-01-01T00:00:00Z"}`},
		{"paperclip_upload_attachment", `{"issueId":"ABC-12","filePath":"../../etc/passwd"}`},
		{"paperclip_upload_attachment", `{"issueId":"ABC-12","filePath":"/etc/passwd"}`},
		{"paperclip_upload_attachment", `{"issueId":"ABC-12","filePath":"a.txt\u0000"}`},
		{"paperclip_start_cloud_connect", `{"remoteUrl":"http://example.invalid"}`},
		{"paperclip_start_cloud_connect", `{"remoteUrl":"https://u:p@example.invalid/?q#f","redirectUri":"javascript:x"}`},
		{"paperclip_check_cloud_upstream", `{"remoteUrl":"` + p.srv.URL + `/stack-1"}`},
		{"paperclip_cloud_push", `{"connectionId":"` + fuzzUUID + `","wait":true}`},
		{"paperclip_update_experimental_settings", `{"enableCloudSync":true,"enableApps":null}`},
		{"paperclip_search_api_operations", `{"query":"companies","method":"GET","limit":100,"offset":1e9}`},
		{"paperclip_upsert_document", `{"issueId":"ABC-12","key":"plan","body":"` + huge + `","baseRevisionId":"` + fuzzUUID + `"}`},
		{"paperclip_sync_agent_skills", `{"agentId":"` + fuzzUUID + `","desiredSkills":[` + strings.TrimSuffix(strings.Repeat(`"s",`, 101), ",") + `]}`},
	}
	for _, s := range seeds {
		for _, reply := range []uint8{0, 1, 2} {
			f.Add(s.tool, reply, []byte(s.args))
		}
	}
	f.Fuzz(func(t *testing.T, name string, reply uint8, data []byte) {
		tool := fuzzTool(name)
		switch reply % 3 {
		case 0:
			p.set(http.StatusOK, []byte(`{}`))
		case 1:
			p.set(http.StatusOK, []byte(`[]`))
		default:
			p.set(http.StatusNotFound, []byte(`{"error":"API route not found"}`))
		}
		d := p.deps(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*fuzzMaxCall)
		defer cancel()
		start := time.Now()
		res, err := tool.Handler(d)(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: tool.Spec.Name, Arguments: json.RawMessage(data)}})
		fuzzCheck(t, p, tool.Spec.Name, data, time.Since(start), res, err)
	})
}

// fuzzResultsServer is the MCP server of FuzzToolResults: every tool, with
// output-schema validation on as cmd builds it, bound to one Deps whose
// value each iteration replaces.
type fuzzResultsServer struct {
	srv *server.MCPServer
	d   *Deps
	mu  sync.Mutex
}

func newFuzzResultsServer() *fuzzResultsServer {
	r := &fuzzResultsServer{d: &Deps{}}
	r.srv = server.NewMCPServer("paperclip-mcp", "fuzz", server.WithToolCapabilities(false), server.WithOutputSchemaValidation())
	Register(r.srv, r.d, Registry())
	return r
}

// call sends one tools/call as JSON-RPC and decodes the answer from its
// wire form, as a client would see it.
func (r *fuzzResultsServer) call(ctx context.Context, d *Deps, name string, args []byte) (*mcp.CallToolResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.d = Deps{Client: d.Client, CompanyID: d.CompanyID, AgentID: d.AgentID, APIKey: d.APIKey}
	msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, name, args)
	resp := r.srv.HandleMessage(ctx, json.RawMessage(msg))
	if ok, raw := structuredOf(resp); ok && !isEncoderOutput(raw) {
		return nil, fmt.Errorf("the structured content is not json.Marshal's compact output: %s", clip(string(raw), 300))
	}
	wire, err := json.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("the answer cannot be encoded for the wire: %w", err)
	}
	var out struct {
		Result *struct {
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
			StructuredContent json.RawMessage `json:"structuredContent"`
			IsError           bool            `json:"isError"`
		} `json:"result"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(wire, &out); err != nil {
		return nil, fmt.Errorf("the answer does not decode: %w: %s", err, clip(string(wire), 300))
	}
	if out.Error != nil {
		return nil, fmt.Errorf("protocol error %d: %s", out.Error.Code, out.Error.Message)
	}
	if out.Result == nil {
		return nil, fmt.Errorf("no result: %s", clip(string(wire), 300))
	}
	res := &mcp.CallToolResult{IsError: out.Result.IsError}
	for _, c := range out.Result.Content {
		res.Content = append(res.Content, mcp.NewTextContent(c.Text))
	}
	if len(out.Result.StructuredContent) > 0 {
		res.StructuredContent = out.Result.StructuredContent
	}
	return res, nil
}

// FuzzToolResults calls any tool with valid arguments against a Paperclip
// that answers every request 200 with the input as the body: every client
// decoder, view builder and markdown renderer meets arbitrary JSON.
func FuzzToolResults(f *testing.F) {
	p := newFuzzPaperclip(f)
	args := fuzzArgs(p)
	rs := newFuzzResultsServer()

	odd := []string{
		`{}`, `[]`, `null`, `"str"`, `1e308`, `-0`, `true`, `{"items":5}`, `[[[[]]]]`, `[null,null]`, `[1,"a",{}]`,
		`{"id":3,"status":{},"name":[],"createdAt":5}`, `{"id":"\udc00","name":"\ud800\udc00\u0000"}`,
		`{"id":"` + strings.Repeat("x", 40000) + `"}`, `[{"id":null}]`, `{"error":"boom"}`,
		`{"data":{"items":[]},"nextCursor":{}}`, `{"paths":{}}`, `{"paths":null}`,
	}
	for _, t := range Registry() {
		for _, body := range odd[:4] {
			f.Add(t.Spec.Name, []byte(body))
		}
	}
	byTool := map[string][]any{
		"paperclip_get_issue": {fuzzIssueJSON(1, nil), fuzzIssueJSON(2, map[string]any{"labels": []any{map[string]any{"id": 5, "name": nil}}, "statusVersion": "x"})},
		"paperclip_list_issues": {[]any{fuzzIssueJSON(1, nil), fuzzIssueJSON(2, map[string]any{"description": strings.Repeat("long line ", 5000)})},
			[]any{fuzzIssueJSON(3, map[string]any{"identifier": nil, "title": 7})}},
		"paperclip_update_issue":        {fuzzIssueJSON(1, map[string]any{"comment": map[string]any{"id": fuzzUUID}})},
		"paperclip_get_heartbeat_run":   {fuzzRunJSON("succeeded"), fuzzRunJSON("running"), fuzzRunJSON("\u202e")},
		"paperclip_list_heartbeat_runs": {[]any{fuzzRunJSON("failed"), fuzzRunJSON("queued")}, fuzzRepeatJSON(fuzzRunJSON("succeeded"), 1000)},
		"paperclip_list_live_runs":      {[]any{fuzzRunJSON("running")}},
		"paperclip_diagnose_run":        {fuzzRunJSON("failed")},
		"paperclip_get_run_log":         {map[string]any{"runId": fuzzUUID, "store": "local", "logRef": "x", "content": "héllo\n", "nextOffset": 3}, map[string]any{"content": nil, "nextOffset": -5}},
		"paperclip_list_run_events": {[]any{map[string]any{"id": 1, "runId": fuzzUUID, "seq": 1, "eventType": "log", "stream": "stdout", "level": "info",
			"message": "hi", "payload": map[string]any{"x": strings.Repeat("x", 3000)}, "createdAt": "2026-12-02T10:00:00.000Z"}}},
		"paperclip_get_agent":   {fuzzAgentJSON("active"), fuzzAgentJSON("")},
		"paperclip_list_agents": {[]any{fuzzAgentJSON("paused"), fuzzAgentJSON("terminated")}},
		"paperclip_get_approval": {map[string]any{"id": fuzzUUID, "companyId": testCompany, "type": "hire_agent", "status": "pending",
			"requestedByAgentId": testAgent, "payload": map[string]any{"name": "x"}, "createdAt": "2026-12-02T10:00:00.000Z"}},
		"paperclip_list_approvals": {[]any{map[string]any{"id": fuzzUUID, "type": "hire_agent", "status": "approved", "payload": []any{}, "decidedAt": "not a time"}}},
		"paperclip_get_routine":    {fuzzRoutineJSON()},
		"paperclip_list_routines":  {[]any{fuzzRoutineJSON()}},
		"paperclip_list_companies": {[]any{map[string]any{"id": testCompany, "name": "Acme", "status": "active", "issuePrefix": "ACM", "budgetMonthlyCents": 10000, "spentMonthlyCents": 250}}},
		"paperclip_list_projects": {[]any{map[string]any{"id": fuzzUUID, "companyId": testCompany, "name": "P", "status": "planned", "goalIds": []any{fuzzUUID},
			"workspaces": []any{map[string]any{"id": fuzzUUID, "name": "repo", "repoUrl": "https://example.com/x.git", "isPrimary": true}}}}},
		"paperclip_list_goals":   {[]any{map[string]any{"id": fuzzUUID, "title": "G", "level": "team", "status": "active", "parentId": fuzzUUID}}},
		"paperclip_get_document": {map[string]any{"id": fuzzUUID, "key": "plan", "title": nil, "format": "markdown", "body": "# Plan\n", "latestRevisionId": fuzzUUID, "latestRevisionNumber": 2}},
		"paperclip_list_attachments": {[]any{map[string]any{"id": fuzzUUID, "issueId": fuzzUUID, "contentType": "text/plain", "byteSize": -1,
			"sha256": strings.Repeat("ab", 32), "originalFilename": "../a.txt", "contentPath": "/api/attachments/x/content"}}},
		"paperclip_list_plugins": {[]any{map[string]any{"id": fuzzUUID, "pluginKey": "acme.x", "status": "error", "lastError": map[string]any{"message": "x"},
			"manifestJson": map[string]any{"capabilities": "notalist"}}}},
		"paperclip_list_secrets": {[]any{map[string]any{"id": fuzzUUID, "name": "K", "key": "k", "provider": "vault", "status": "active", "managedMode": "external_reference",
			"externalRef": "vault://kv/x", "latestVersion": 1e20}}},
		"paperclip_create_agent_key": {map[string]any{"id": fuzzUUID, "name": "default", "token": "pcp_secret_value", "createdAt": "2026-12-02T10:00:00.000Z"}},
		"paperclip_get_dashboard": {map[string]any{"companyId": testCompany, "agents": map[string]any{"active": 1, "running": "x"}, "tasks": map[string]any{"open": 3},
			"costs": map[string]any{"monthSpendCents": 1e300, "monthBudgetCents": 0}, "pendingApprovals": -1}},
		"paperclip_search_api_operations":  {fuzzApiDocJSON()},
		"paperclip_describe_api_operation": {fuzzApiDocJSON()},
		"paperclip_call_api_operation":     {fuzzApiDocJSON()},
		"paperclip_preview_company_import": {map[string]any{"include": map[string]any{"company": true}, "plan": map[string]any{"agentPlans": []any{map[string]any{"slug": "ceo", "action": "create"}}},
			"warnings": []any{"w"}, "errors": []any{}, "manifest": map[string]any{"agents": []any{map[string]any{"slug": 5}}}}},
		"paperclip_check_cloud_upstream": {map[string]any{"schema": "paperclip-upstream-discovery-v1", "schemaMajor": 1, "features": []any{"push"}, "stackId": "s"},
			map[string]any{"schema": "paperclip-upstream-discovery-v1", "schemaMajor": 1e308, "features": "push"}},
	}
	for name, bodies := range byTool {
		for _, b := range bodies {
			f.Add(name, fuzzMustMarshal(b))
		}
	}
	for _, name := range []string{"paperclip_get_issue", "paperclip_list_heartbeat_runs", "paperclip_get_run_log", "paperclip_diagnose_run",
		"paperclip_get_dashboard", "paperclip_search_api_operations", "paperclip_list_agents", "paperclip_get_routine", "paperclip_cloud_push"} {
		for _, body := range odd[4:] {
			f.Add(name, []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		if !json.Valid(body) {
			return
		}
		tool := fuzzTool(name)
		p.set(http.StatusOK, body)
		d := p.deps(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*fuzzMaxCall)
		defer cancel()
		start := time.Now()
		res, err := rs.call(ctx, d, tool.Spec.Name, fuzzMustMarshal(args[tool.Spec.Name]))
		fuzzCheck(t, p, tool.Spec.Name, body, time.Since(start), res, err)
		if txt := text(res); res.IsError && strings.HasPrefix(txt, "output schema validation failed") {
			t.Fatalf("%s: the result breaks its outputSchema for body %q: %s", tool.Spec.Name, clip(string(body), 500), clip(txt, 500))
		}
	})
}

func fuzzIssueJSON(n int, extra map[string]any) map[string]any {
	row := map[string]any{
		"id": fmt.Sprintf("0000aaaa-0000-4000-8000-%012d", n), "companyId": testCompany, "identifier": fmt.Sprintf("ABC-%d", n),
		"title": fmt.Sprintf("Issue %d", n), "description": "Do the thing.", "status": "todo", "priority": "medium",
		"assigneeAgentId": nil, "projectId": nil, "goalId": nil, "parentId": nil, "labelIds": []string{}, "labels": []any{},
		"createdAt": "2026-11-26T10:00:00.000Z", "updatedAt": "2026-11-26T11:00:00.000Z", "statusVersion": 3,
	}
	for k, v := range extra {
		row[k] = v
	}
	return row
}

func fuzzRunJSON(status string) map[string]any {
	return map[string]any{"id": fuzzUUID, "companyId": testCompany, "agentId": testAgent, "invocationSource": "on_demand", "triggerDetail": "manual",
		"status": status, "startedAt": "2026-12-02T10:00:00.000Z", "finishedAt": "2026-12-02T10:01:00.000Z", "createdAt": "2026-12-02T10:00:00.000Z",
		"error": "exit 1", "errorCode": "adapter_failed", "exitCode": 1, "signal": nil, "logBytes": 12, "stdoutExcerpt": "out\n", "stderrExcerpt": "err\n",
		"contextSnapshot": map[string]any{"issueId": fuzzUUID, "wakeReason": "x"}}
}

func fuzzRepeatJSON(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func fuzzAgentJSON(status string) map[string]any {
	return map[string]any{"id": testAgent, "companyId": testCompany, "name": "Coder", "role": "engineer", "status": status,
		"adapterType": "process", "adapterConfig": map[string]any{"env": map[string]any{"OPENAI_API_KEY": "sk-agent-secret"}},
		"permissions": map[string]any{"canCreateAgents": true}, "createdAt": "2026-12-02T10:00:00.000Z"}
}

func fuzzRoutineJSON() map[string]any {
	return map[string]any{"id": fuzzUUID, "companyId": testCompany, "title": "Daily", "status": "active", "assigneeAgentId": testAgent,
		"concurrencyPolicy": "coalesce_if_active", "catchUpPolicy": "skip_missed", "latestRevisionNumber": 2,
		"triggers": []any{map[string]any{"id": fuzzUUID, "kind": "schedule", "enabled": true, "cronExpression": "0 9 * * *", "timezone": "UTC"}}}
}

func fuzzApiDocJSON() map[string]any {
	return map[string]any{"openapi": "3.0.3", "paths": map[string]any{
		"/api/companies/{companyId}/org": map[string]any{"get": map[string]any{"tags": []any{"agents"}, "summary": "Org",
			"parameters":                []any{map[string]any{"name": "companyId", "in": "path", "required": true}},
			"x-paperclip-authorization": map[string]any{"actor": "board_or_agent"}}}}}
}

func structuredOf(msg mcp.JSONRPCMessage) (bool, json.RawMessage) {
	if resp, ok := msg.(mcp.JSONRPCResponse); ok {
		if r, ok := resp.Result.(*mcp.CallToolResult); ok {
			raw, ok := r.StructuredContent.(json.RawMessage)
			return ok, raw
		}
	}
	return false, nil
}
