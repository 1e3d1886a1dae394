package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// resourceClient is an in-process client of a server built as cmd builds
// it (cmdClient). Closing it (at cleanup) ends the session.
func resourceClient(t *testing.T, d *Deps) (*mcpclient.Client, *server.MCPServer) {
	t.Helper()
	c, s, _ := cmdClient(t, d, Registry())
	return c, s
}

// readResource reads uri and returns its one text content.
func readResource(t *testing.T, c *mcpclient.Client, uri string) mcp.TextResourceContents {
	t.Helper()
	res, err := c.ReadResource(context.Background(), mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: uri}})
	require.NoError(t, err, uri)
	require.Len(t, res.Contents, 1, uri)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok, "%s: a text content: %#v", uri, res.Contents[0])
	assert.Equal(t, uri, tc.URI)
	return tc
}

func readResourceErr(t *testing.T, c *mcpclient.Client, uri string) string {
	t.Helper()
	_, err := c.ReadResource(context.Background(), mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: uri}})
	require.Error(t, err, "%s: want an error", uri)
	return err.Error()
}

// rpc sends one raw request (the client has no subscribe method).
var rpcID atomic.Int64

func rpc(t *testing.T, c *mcpclient.Client, method string, params any) *transport.JSONRPCResponse {
	t.Helper()
	resp, err := c.GetTransport().SendRequest(context.Background(), transport.JSONRPCRequest{JSONRPC: mcp.JSONRPC_VERSION,
		ID: mcp.NewRequestId(rpcID.Add(1)), Method: method, Params: params})
	require.NoError(t, err)
	require.Nil(t, resp.Error, "%s: %+v", method, resp.Error)
	return resp
}

func toolStructured(t *testing.T, c *mcpclient.Client, name string, args map[string]any) (*mcp.CallToolResult, string) {
	t.Helper()
	markCalled(name)
	res, err := c.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
	require.NoError(t, err)
	require.False(t, res.IsError, "%s: %s", name, text(res))
	sc, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	return res, string(sc)
}

func links(res *mcp.CallToolResult) []mcp.ResourceLink {
	var out []mcp.ResourceLink
	for _, c := range res.Content {
		if l, ok := c.(mcp.ResourceLink); ok {
			out = append(out, l)
		}
	}
	return out
}

// runRequests counts the fake's requests for one run (GET the run itself).
func (f *fakePaperclip) runRequests(runID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r == "GET /api/heartbeat-runs/"+runID {
			n++
		}
	}
	return n
}

func (f *fakePaperclip) setRun(runID string, change func(r *client.Run)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.runs {
		if f.runs[i].ID == runID {
			change(&f.runs[i])
		}
	}
}

func (f *fakePaperclip) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

const missingRun = "99999999-9999-4999-8999-999999999999"

func TestResourceTemplatesList(t *testing.T) {
	d := newFake().serve(t)
	c, _ := resourceClient(t, d)
	res, err := c.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	got := map[string]string{}
	for _, tpl := range res.ResourceTemplates {
		got[tpl.URITemplate.Raw()] = tpl.MIMEType
		assert.NotEmpty(t, tpl.Description, tpl.Name)
	}
	assert.Equal(t, map[string]string{
		"paperclip://runs/{runId}":                         "application/json",
		"paperclip://runs/{runId}/events":                  "application/json",
		"paperclip://runs/{runId}/log{?offset,limitBytes}": "application/x-ndjson",
		"paperclip://issues/{issueId}":                     "text/markdown",
		"paperclip://agents/{agentId}":                     "application/json",
	}, got)
}

// runFake is a fake with one failed run, its events and a log of
// multi-byte characters, and its agent.
func runFake(t *testing.T) (*fakePaperclip, *Deps, string, []byte) {
	f := newFake()
	ids := f.seedRuns(2, func(i int) string { return []string{"", "succeeded", "failed"}[i] })
	id := ids[1]
	log := ndjson("hello ✓", "wörld", "日本語 🚀", "stderr line", "the end")
	size := int64(len(log))
	f.setRun(id, func(r *client.Run) {
		r.LogBytes, r.ExitCode, r.Error, r.ErrorCode = &size, ptr(3), ptr("Process exited with code 3"), ptr("adapter_failed")
		r.StderrExcerpt = ptr("something went wrong")
	})
	f.mu.Lock()
	f.logs[id] = log
	for i := 1; i <= 130; i++ {
		lvl := "info"
		if i == 130 {
			lvl = "error"
		}
		f.events[id] = append(f.events[id], client.RunEvent{Seq: int64(i), EventType: "lifecycle", Level: ptr(lvl),
			Message: ptr(fmt.Sprintf("event %d", i)), Payload: json.RawMessage(`{"n":` + fmt.Sprint(i) + `}`), CreatedAt: "2026-11-26T10:00:00Z"})
	}
	f.agents = []client.Agent{{ID: testAgent, CompanyID: testCompany, Name: "Builder", Role: "engineer", Status: "error",
		AdapterType: "process", ErrorReason: ptr("exit 3"), CreatedAt: "2026-11-01T00:00:00Z"}}
	f.mu.Unlock()
	d := f.serve(t)
	d.CompanyID, d.AgentID = testCompany, testAgent
	return f, d, id, log
}

func TestResourceReadRunAndAgent(t *testing.T) {
	_, d, id, log := runFake(t)
	c, _ := resourceClient(t, d)

	run := readResource(t, c, "paperclip://runs/"+id)
	assert.Equal(t, "application/json", run.MIMEType)
	_, want := toolStructured(t, c, "paperclip_get_heartbeat_run", map[string]any{"runId": id, "response_format": "json"})
	assert.JSONEq(t, want, run.Text, "the run resource is the tool's structured result")
	var got RunDetail
	require.NoError(t, json.Unmarshal([]byte(run.Text), &got))
	assert.Equal(t, "failed", got.Status)
	assert.Equal(t, 3, *got.ExitCode)
	assert.Equal(t, int64(len(log)), *got.LogBytes)
	assert.Equal(t, "adapter_failed", got.ErrorCode)

	agent := readResource(t, c, "paperclip://agents/"+testAgent)
	assert.Equal(t, "application/json", agent.MIMEType)
	_, want = toolStructured(t, c, "paperclip_get_agent", map[string]any{"agentId": testAgent, "response_format": "json"})
	assert.JSONEq(t, want, agent.Text)
	assert.Contains(t, agent.Text, `"name":"Builder"`)
}

func TestResourceReadEvents(t *testing.T) {
	f, d, id, _ := runFake(t)
	c, _ := resourceClient(t, d)
	ev := readResource(t, c, "paperclip://runs/"+id+"/events")
	assert.Equal(t, "application/json", ev.MIMEType)
	var page eventsResource
	require.NoError(t, json.Unmarshal([]byte(ev.Text), &page))
	require.Len(t, page.Items, 100, "the tool's default page")
	assert.Equal(t, int64(1), page.Items[0].Seq)
	assert.Equal(t, "event 1", page.Items[0].Message)
	assert.Equal(t, map[string]any{"n": float64(100)}, page.Items[99].Data)
	assert.True(t, page.HasMore)
	assert.Equal(t, int64(100), page.NextAfterSeq)
	assert.Contains(t, page.Next, "paperclip_list_run_events with runId="+id+" afterSeq=100")

	// Large payloads: the page is cut to what fits, and says where to go on.
	big := strings.Repeat("x", 3000)
	f.mu.Lock()
	for i := range f.events[id] {
		f.events[id][i].Payload = json.RawMessage(`{"blob":"` + big + `"}`)
	}
	f.mu.Unlock()
	ev = readResource(t, c, "paperclip://runs/"+id+"/events")
	assert.LessOrEqual(t, utf8.RuneCountInString(ev.Text), maxResultChars)
	page = eventsResource{}
	require.NoError(t, json.Unmarshal([]byte(ev.Text), &page))
	require.NotEmpty(t, page.Items)
	require.Less(t, len(page.Items), 10)
	last := page.Items[len(page.Items)-1].Seq
	assert.Equal(t, last, page.NextAfterSeq)
	assert.Equal(t, len(page.Items), page.Count)
	assert.Contains(t, page.Next, fmt.Sprintf("afterSeq=%d", last))
}

func TestResourceReadLogWindows(t *testing.T) {
	_, d, id, log := runFake(t)
	c, _ := resourceClient(t, d)

	whole := readResource(t, c, "paperclip://runs/"+id+"/log")
	assert.Equal(t, "application/x-ndjson", whole.MIMEType)
	assert.Equal(t, string(log), whole.Text, "the default window holds the whole small log, byte for byte")
	assert.Equal(t, float64(len(log)), whole.Meta["totalBytes"])
	assert.Equal(t, true, whole.Meta["eof"])
	assert.NotContains(t, whole.Meta, "next")

	// A window that ends inside "✓" (3 bytes): it stops before it.
	check := strings.Index(string(log), "✓")
	require.Greater(t, check, 0)
	w := readResource(t, c, fmt.Sprintf("paperclip://runs/%s/log?offset=0&limitBytes=%d", id, check+2))
	assert.Equal(t, string(log[:check]), w.Text, "whole characters only, the exact bytes")
	assert.Equal(t, float64(check), w.Meta["nextOffset"])
	assert.Equal(t, runLogResourceURI(id, int64(check), check+2), w.Meta["next"])

	// A window that starts inside "日" is moved past the partial character.
	cjk := strings.Index(string(log), "日")
	w = readResource(t, c, fmt.Sprintf("paperclip://runs/%s/log?limitBytes=40&offset=%d", id, cjk+1))
	assert.Equal(t, float64(cjk+3), w.Meta["offset"], "parameters in any order; the offset moved to the next character")
	assert.True(t, strings.HasPrefix(string(log[cjk+3:]), w.Text))
	assert.NotContains(t, w.Text, "\uFFFD")

	// Walking 7-byte windows by _meta.next rebuilds the log exactly.
	var b strings.Builder
	uri := fmt.Sprintf("paperclip://runs/%s/log?limitBytes=7", id)
	for i := 0; i < 1000; i++ {
		w := readResource(t, c, uri)
		require.NotContains(t, w.Text, "\uFFFD")
		off := int64(w.Meta["offset"].(float64))
		next := int64(w.Meta["nextOffset"].(float64))
		require.Equal(t, string(log[off:next]), w.Text)
		b.WriteString(w.Text)
		n, ok := w.Meta["next"].(string)
		if !ok {
			break
		}
		uri = n
	}
	assert.Equal(t, string(log), b.String())
}

func TestResourceReadLogIsBounded(t *testing.T) {
	f, d, id, _ := runFake(t)
	var lines []string
	for i := range 600 {
		lines = append(lines, fmt.Sprintf("line %03d: café 日本語 🚀 %s", i, strings.Repeat("z", 40)))
	}
	log := ndjson(lines...)
	size := int64(len(log))
	require.Greater(t, len(log), 3*maxResultChars)
	f.setRun(id, func(r *client.Run) { r.LogBytes = &size })
	f.mu.Lock()
	f.logs[id] = log
	f.mu.Unlock()
	c, _ := resourceClient(t, d)
	w := readResource(t, c, fmt.Sprintf("paperclip://runs/%s/log?offset=0&limitBytes=1048576", id))
	assert.LessOrEqual(t, utf8.RuneCountInString(w.Text), maxResultChars)
	assert.LessOrEqual(t, len(w.Text), logResourceRead)
	assert.GreaterOrEqual(t, len(w.Text), logResourceRead-3)
	assert.Equal(t, string(log[:len(w.Text)]), w.Text)
	assert.Contains(t, w.Meta["note"], "at most 25000 bytes")
	assert.Equal(t, runLogResourceURI(id, int64(len(w.Text)), 1048576), w.Meta["next"])
}

func TestResourceBadParameters(t *testing.T) {
	f, d, id, _ := runFake(t)
	c, _ := resourceClient(t, d)
	before := f.requestCount()
	for uri, want := range map[string]string{
		"paperclip://runs/not-a-uuid":                             "runId must be a UUID",
		"paperclip://runs/":                                       "runId is required",
		"paperclip://runs/not-a-uuid/events":                      "runId must be a UUID",
		"paperclip://runs/12/log":                                 "runId must be a UUID",
		"paperclip://runs/" + id + "/log?offset=-1":               "offset must be a byte offset",
		"paperclip://runs/" + id + "/log?offset=x":                "offset must be a byte offset",
		"paperclip://runs/" + id + "/log?limitBytes=2":            "limitBytes must be a whole number from 4 to 1048576",
		"paperclip://runs/" + id + "/log?limitBytes=2000000":      "limitBytes must be a whole number from 4 to 1048576",
		"paperclip://runs/" + id + "/log?foo=1":                   "offset and limitBytes only",
		"paperclip://runs/" + id + "/log?offset=1&offset=2":       "give it once",
		"paperclip://issues/not%20an%20id":                        "issueId must be a UUID or an identifier like ABC-12",
		"paperclip://agents/bob":                                  "agentId must be a UUID",
		"paperclip://runs/" + id + "/log?offset=0&limitBytes=1e3": "limitBytes must be a whole number",
	} {
		msg := readResourceErr(t, c, uri)
		assert.Contains(t, msg, want, uri)
	}
	assert.Equal(t, before, f.requestCount(), "nothing was sent to Paperclip")
	// A URI no template matches: mcp-go's own resource-not-found.
	_, err := c.ReadResource(context.Background(), mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "paperclip://projects/x"}})
	require.Error(t, err)
	assert.ErrorIs(t, err, mcp.ErrResourceNotFound)
}

func TestResourceNotFound(t *testing.T) {
	_, d, _, _ := runFake(t)
	c, _ := resourceClient(t, d)
	for _, uri := range []string{"paperclip://runs/" + missingRun, "paperclip://runs/" + missingRun + "/events", "paperclip://runs/" + missingRun + "/log"} {
		msg := readResourceErr(t, c, uri)
		assert.Contains(t, msg, "Not found (404 Heartbeat run not found)", uri)
		assert.Contains(t, msg, "paperclip_list_heartbeat_runs", uri)
	}
	msg := readResourceErr(t, c, "paperclip://agents/"+missingRun)
	assert.Contains(t, msg, "Not found (404 Agent not found)")
	assert.Contains(t, msg, "paperclip_list_agents")

	// Handler errors wrap server.ErrResourceNotFound for a 404.
	ref, err := parseResourceURI("paperclip://runs/" + missingRun)
	require.NoError(t, err)
	_, err = readRunResource(context.Background(), d, ref, "paperclip://runs/"+missingRun)
	rerr := d.resourceErr(context.Background(), Spec{Name: "x", NotFound: findRunResource}, "u", err)
	assert.ErrorIs(t, rerr, server.ErrResourceNotFound)
}

func TestResourceReadIssue(t *testing.T) {
	st := newStub(t)
	issueID := "33333333-4444-4555-8666-777777777777"
	issue := map[string]any{"id": issueID, "companyId": testCompany, "identifier": "ABC-12", "title": "Fix the build",
		"description": "The build fails on main.", "status": "in_progress", "priority": "high", "assigneeAgentId": testAgent,
		"labelIds": []string{}, "labels": []any{}, "createdAt": "2026-11-20T10:00:00Z", "updatedAt": "2026-11-26T10:00:00Z"}
	st.reply("GET /api/issues/ABC-12", 200, issue)
	st.reply("GET /api/issues/ABC-99", 404, map[string]any{"error": "Issue not found"})
	var comments []map[string]any
	for i := 1; i <= 60; i++ {
		comments = append(comments, map[string]any{"id": fmt.Sprintf("cccccccc-0000-4000-8000-%012d", i), "issueId": issueID,
			"authorAgentId": testAgent, "authorType": "agent", "body": fmt.Sprintf("comment number %d", i),
			"createdAt": fmt.Sprintf("2026-11-26T10:%02d:00Z", i-1), "updatedAt": "2026-11-26T10:00:00Z"})
	}
	st.handle("GET /api/issues/ABC-12/comments", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		out := append([]map[string]any{}, comments...)
		if r.URL.Query().Get("order") == "desc" {
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
		}
		var n int
		fmt.Sscan(r.URL.Query().Get("limit"), &n)
		writeJSON(w, 200, out[:min(n, len(out))])
	})
	d := st.deps(client.Config{})
	c, _ := resourceClient(t, d)
	res := readResource(t, c, "paperclip://issues/ABC-12")
	assert.Equal(t, "text/markdown", res.MIMEType)
	assert.Contains(t, res.Text, "## ABC-12 (`"+issueID+"`): Fix the build")
	assert.Contains(t, res.Text, "The build fails on main.")
	assert.Contains(t, res.Text, "### Comments: the latest 50, oldest first")
	assert.Contains(t, res.Text, "comment number 60")
	assert.Contains(t, res.Text, "comment number 11\n")
	assert.NotContains(t, res.Text, "comment number 10\n", "only the latest 50")
	assert.Less(t, strings.Index(res.Text, "comment number 11\n"), strings.Index(res.Text, "comment number 60"), "oldest first")

	msg := readResourceErr(t, c, "paperclip://issues/ABC-99")
	assert.Contains(t, msg, "Not found (404 Issue not found)")
	assert.Contains(t, msg, "paperclip_list_issues")

	// Long bodies: the oldest comments go first, the text stays bounded.
	for i := range comments {
		comments[i]["body"] = strings.Repeat("long body ", 400) + fmt.Sprint(i+1)
	}
	res = readResource(t, c, "paperclip://issues/ABC-12")
	assert.LessOrEqual(t, utf8.RuneCountInString(res.Text), maxResultChars)
	assert.Contains(t, res.Text, "paperclip_get_comment issueId=ABC-12 commentId=cccccccc-0000-4000-8000-000000000060")
	assert.Contains(t, res.Text, "Fix the build")
}

func TestResourceReadsAreScrubbed(t *testing.T) {
	f, d, id, _ := runFake(t)
	d.APIKey = "pcp_board_secretsecret"
	f.setRun(id, func(r *client.Run) { r.StderrExcerpt = ptr("token pcp_board_secretsecret leaked") })
	c, _ := resourceClient(t, d)
	run := readResource(t, c, "paperclip://runs/"+id)
	assert.NotContains(t, run.Text, d.APIKey)
	assert.Contains(t, run.Text, "token "+redacted+" leaked")
	// A secret this server was given, inside the log, never reaches the host.
	d.rememberSecret("wörld")
	w := readResource(t, c, "paperclip://runs/"+id+"/log")
	assert.NotContains(t, w.Text, "wörld")
	assert.Contains(t, w.Text, redacted)
}

func TestResourcesListFailedFirst(t *testing.T) {
	f := newFake()
	statuses := map[int]string{3: "failed", 7: "timed_out", 12: "failed", 25: "failed"}
	f.seedRuns(30, func(i int) string {
		if s, ok := statuses[i]; ok {
			return s
		}
		if i == 30 {
			return "running"
		}
		return "succeeded"
	})
	f.agents = []client.Agent{{ID: testAgent, CompanyID: testCompany, Name: "Builder", Status: "active"}}
	d := f.serve(t)
	d.CompanyID = testCompany
	c, _ := resourceClient(t, d)
	res, err := c.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	require.Len(t, res.Resources, resourceListMax)
	// The latest 20 runs are 11..30; of those, 25 and 12 failed (newest first), then the rest newest first.
	want := []int{25, 12, 30, 29, 28, 27, 26, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 11}
	for i, r := range res.Resources {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", want[i])
		assert.Equal(t, "paperclip://runs/"+id, r.URI, "position %d", i)
		assert.Equal(t, "application/json", r.MIMEType)
		assert.Contains(t, r.Name, "agent Builder")
		assert.Contains(t, r.Description, id)
	}
	assert.True(t, strings.HasPrefix(res.Resources[0].Name, "Run failed · agent Builder · 2026-11-26"), res.Resources[0].Name)
	assert.True(t, strings.HasPrefix(res.Resources[2].Name, "Run running"), res.Resources[2].Name)
	// Every listed run reads.
	readResource(t, c, res.Resources[0].URI)

	// Without a configured company: the companies the key can see.
	d2 := f.serve(t)
	c2, _ := resourceClient(t, d2)
	res, err = c2.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	require.Len(t, res.Resources, resourceListMax)
	assert.Contains(t, res.Resources[0].URI, fmt.Sprintf("%012d", 25))

	// An agent key may not list companies (403): its own company's runs.
	f.mu.Lock()
	f.fail["/api/companies"] = 403
	f.mu.Unlock()
	logs := &syncLog{}
	d3 := f.serve(t)
	d3.Logger = slog.New(slog.NewTextHandler(logs, nil))
	c3, _ := resourceClient(t, d3)
	res, err = c3.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	assert.Empty(t, res.Resources, "a board that may not list companies: no runs")
	assert.Contains(t, logs.String(), "resources/list: cannot list companies")
	f.mu.Lock()
	f.me = &client.Agent{ID: testAgent, CompanyID: testCompany, Name: "Builder"}
	f.mu.Unlock()
	res, err = c3.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	require.Len(t, res.Resources, resourceListMax)
	assert.Contains(t, res.Resources[0].URI, fmt.Sprintf("%012d", 25))
}

func TestResourcesListSurvivesASilentPaperclip(t *testing.T) {
	old := resourceListTimeout
	resourceListTimeout = 300 * time.Millisecond
	t.Cleanup(func() { resourceListTimeout = old })
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	cl, err := client.New(client.Config{BaseURL: srv.URL, Retries: -1})
	require.NoError(t, err)
	for _, company := range []string{testCompany, ""} {
		d := &Deps{Client: cl, CompanyID: company}
		c, _ := resourceClient(t, d)
		start := time.Now()
		res, err := c.ListResources(context.Background(), mcp.ListResourcesRequest{})
		require.NoError(t, err, "resources/list never fails")
		assert.Empty(t, res.Resources)
		assert.Less(t, time.Since(start), 3*time.Second)
	}
}

// subscriptionFake is a fake with one running run, and short polling.
func subscriptionFake(t *testing.T) (*fakePaperclip, *Deps, string) {
	oldPoll := subscriptionPoll
	subscriptionPoll = 20 * time.Millisecond
	t.Cleanup(func() { subscriptionPoll = oldPoll })
	f := newFake()
	id := f.seedRuns(1, func(int) string { return "running" })[0]
	size := int64(10)
	f.setRun(id, func(r *client.Run) { r.LogBytes = &size })
	d := f.serve(t)
	d.CompanyID = testCompany
	return f, d, id
}

func updates(c *mcpclient.Client) <-chan string {
	ch := make(chan string, 100)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationResourceUpdated {
			uri, _ := n.Params.AdditionalFields["uri"].(string)
			select {
			case ch <- uri:
			default:
			}
		}
	})
	return ch
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func nextUpdate(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case u := <-ch:
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no notifications/resources/updated")
		return ""
	}
}

func noUpdate(t *testing.T, ch <-chan string, within time.Duration) {
	t.Helper()
	select {
	case u := <-ch:
		t.Fatalf("unexpected update for %s", u)
	case <-time.After(within):
	}
}

func TestSubscriptionUpdatesUntilFinal(t *testing.T) {
	f, d, id := subscriptionFake(t)
	c, _ := resourceClient(t, d)
	ch := updates(c)
	uri := "paperclip://runs/" + id + "/log"
	rpc(t, c, "resources/subscribe", map[string]any{"uri": uri})
	waitFor(t, "the first poll", func() bool { return f.runRequests(id) >= 2 })
	assert.Equal(t, 1, d.subs.count())
	noUpdate(t, ch, 100*time.Millisecond) // nothing changed yet

	bigger := int64(99)
	f.setRun(id, func(r *client.Run) { r.LogBytes = &bigger })
	assert.Equal(t, uri, nextUpdate(t, ch), "the log grew")
	noUpdate(t, ch, 100*time.Millisecond)

	f.setRun(id, func(r *client.Run) { r.Status = "failed" })
	assert.Equal(t, uri, nextUpdate(t, ch), "the run ended")
	waitFor(t, "the subscription to end at the final status", func() bool { return d.subs.count() == 0 })
	n := f.runRequests(id)
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, n, f.runRequests(id), "no polling after the final status")
	noUpdate(t, ch, 50*time.Millisecond)
}

func TestSubscriptionStopsOnUnsubscribeAndSessionEnd(t *testing.T) {
	f, d, id := subscriptionFake(t)
	c, _ := resourceClient(t, d)
	ch := updates(c)
	uri := "paperclip://runs/" + id
	rpc(t, c, "resources/subscribe", map[string]any{"uri": uri})
	rpc(t, c, "resources/subscribe", map[string]any{"uri": uri}) // twice: still one
	waitFor(t, "polling", func() bool { return f.runRequests(id) >= 3 })
	assert.Equal(t, 1, d.subs.count())
	rpc(t, c, "resources/unsubscribe", map[string]any{"uri": uri})
	assert.Equal(t, 0, d.subs.count(), "unsubscribe ends it at once")
	n := f.runRequests(id)
	bigger := int64(500)
	f.setRun(id, func(r *client.Run) { r.LogBytes = &bigger })
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, n, f.runRequests(id), "no polling after unsubscribe")
	noUpdate(t, ch, 20*time.Millisecond)

	// The session's end stops its subscriptions.
	rpc(t, c, "resources/subscribe", map[string]any{"uri": uri + "/log"})
	waitFor(t, "polling again", func() bool { return f.runRequests(id) > n })
	require.NoError(t, c.Close())
	assert.Equal(t, 0, d.subs.count())
	n = f.runRequests(id)
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, n, f.runRequests(id), "no polling after the session ended")
}

func TestSubscriptionBounds(t *testing.T) {
	f, d, id := subscriptionFake(t)
	oldAge := subscriptionMaxAge
	subscriptionMaxAge = time.Second
	t.Cleanup(func() { subscriptionMaxAge = oldAge })
	c, _ := resourceClient(t, d)
	for i := range maxSubscriptions + 5 {
		rpc(t, c, "resources/subscribe", map[string]any{"uri": fmt.Sprintf("paperclip://runs/%s/log?offset=%d", id, i)})
	}
	assert.Equal(t, maxSubscriptions, d.subs.count(), "at most 20 live subscriptions; more are ignored")
	// Not followed: URIs other than a run or its log, bad ids.
	for _, uri := range []string{"paperclip://issues/ABC-1", "paperclip://runs/" + id + "/events", "paperclip://runs/nope", "https://example.com"} {
		rpc(t, c, "resources/subscribe", map[string]any{"uri": uri})
	}
	assert.LessOrEqual(t, d.subs.count(), maxSubscriptions)
	// Every subscription ends after subscriptionMaxAge, even on a run that never ends.
	waitFor(t, "the maximum age", func() bool { return d.subs.count() == 0 })
	n := f.runRequests(id)
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, n, f.runRequests(id))
}

func TestSubscriptionsAreConcurrencySafe(t *testing.T) {
	f, d, id := subscriptionFake(t)
	c, _ := resourceClient(t, d)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uri := fmt.Sprintf("paperclip://runs/%s/log?offset=%d", id, i%3)
			for _, method := range []string{"resources/subscribe", "resources/unsubscribe"} {
				resp, err := c.GetTransport().SendRequest(context.Background(), transport.JSONRPCRequest{JSONRPC: mcp.JSONRPC_VERSION,
					ID: mcp.NewRequestId(rpcID.Add(1)), Method: method, Params: map[string]any{"uri": uri}})
				if assert.NoError(t, err) {
					assert.Nil(t, resp.Error)
				}
			}
		}()
	}
	wg.Wait()
	waitFor(t, "all ended", func() bool { return d.subs.count() == 0 })
	n := f.runRequests(id)
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, n, f.runRequests(id))
}

func TestResourceLinksInToolResults(t *testing.T) {
	_, d, id, log := runFake(t)
	c, _ := resourceClient(t, d)

	res, _ := toolStructured(t, c, "paperclip_diagnose_run", map[string]any{"runId": id})
	ls := links(res)
	require.Len(t, ls, 2)
	assert.Equal(t, "paperclip://runs/"+id+"/log", ls[0].URI)
	assert.Equal(t, "application/x-ndjson", ls[0].MIMEType)
	assert.Equal(t, "resource_link", ls[0].Type)
	assert.Equal(t, "paperclip://runs/"+id, ls[1].URI)
	assert.Equal(t, "application/json", ls[1].MIMEType)

	res, _ = toolStructured(t, c, "paperclip_get_heartbeat_run", map[string]any{"runId": id})
	ls = links(res)
	require.Len(t, ls, 1)
	assert.Equal(t, "paperclip://runs/"+id+"/log", ls[0].URI)

	res, sc := toolStructured(t, c, "paperclip_get_run_log", map[string]any{"runId": id, "limitBytes": 20})
	var sl LogSlice
	require.NoError(t, json.Unmarshal([]byte(sc), &sl))
	ls = links(res)
	require.Len(t, ls, 1, "more to read: the next window")
	assert.Equal(t, fmt.Sprintf("paperclip://runs/%s/log?offset=%d", id, sl.NextOffset), ls[0].URI)
	// The link reads, and goes on where the tool stopped.
	w := readResource(t, c, ls[0].URI)
	assert.True(t, strings.HasPrefix(string(log[sl.NextOffset:]), w.Text))

	res, _ = toolStructured(t, c, "paperclip_get_run_log", map[string]any{"runId": id})
	assert.Empty(t, links(res), "the whole log was read: no next window")
	// Small links.
	for _, l := range ls {
		b, _ := json.Marshal(l)
		assert.Less(t, len(b), 400)
	}
}

func TestSubscriptionToAMissingRunStops(t *testing.T) {
	f, d, _ := subscriptionFake(t)
	c, _ := resourceClient(t, d)
	rpc(t, c, "resources/subscribe", map[string]any{"uri": "paperclip://runs/" + missingRun})
	waitFor(t, "the 404 to end the subscription", func() bool { return f.runRequests(missingRun) >= 1 && d.subs.count() == 0 })
	time.Sleep(10 * subscriptionPoll)
	assert.Equal(t, 1, f.runRequests(missingRun), "asked once")
}
