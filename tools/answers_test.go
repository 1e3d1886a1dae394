package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Answers a new user found wrong: each test pins the true answer.

func logRun(t *testing.T, log []byte, status string) *Deps {
	t.Helper()
	f := newFake()
	size := int64(len(log))
	f.addRun(client.Run{ID: testAgent, CompanyID: testCompany, Status: status, LogBytes: &size})
	f.logs[testAgent] = log
	return f.serve(t)
}

func TestLogPastTheEndIsEmptyWithTheTrueSize(t *testing.T) {
	log := ndjson("reading config.yaml", "error: config.yaml: no such file or directory")
	d := logRun(t, log, "failed")
	size := int64(len(log))
	var s LogSlice
	callOK(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": 99999, "response_format": "json"}, &s)
	assert.Equal(t, "", s.Content)
	assert.Equal(t, size, s.TotalBytes, "the log's size, not the offset asked for")
	assert.Equal(t, size, s.NextOffset, "nextOffset is the end")
	assert.True(t, s.PastEnd)
	assert.True(t, s.EOF)

	md := text(call(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": 99999}))
	assert.Contains(t, md, "Offset 99999 is past the end of the log")
	assert.Contains(t, md, "bytes", "it states the size")
	assert.NotContains(t, md, "of 99999")

	// The very end is not past it.
	md = text(call(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": size}))
	assert.NotContains(t, md, "past the end")
	assert.Contains(t, md, "End of the log.")
}

func TestLogSliceInsideOneLongRecordShowsItsText(t *testing.T) {
	long := strings.Repeat("the agent printed a very long line with ünïcödé, ", 400) // ~20 KB in one record
	log := ndjson("short first line", long, "last line")
	d := logRun(t, log, "succeeded")
	for _, at := range []struct{ offset, limit int }{{9000, 2000}, {200, 60}, {len(log) - 60, 40}} {
		md := text(call(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": at.offset, "limitBytes": at.limit}))
		body := md[strings.Index(md, "```\n")+4 : strings.LastIndex(md, "```")]
		assert.NotEmpty(t, strings.TrimSpace(body), "offset %d: the code block shows the slice's text\n%s", at.offset, md)
		assert.NotContains(t, md, "? ?", "offset %d: no unknown time and stream placeholders", at.offset)
		assert.NotContains(t, md, `","seq":`, "offset %d: no raw NDJSON", at.offset)
	}
	md := text(call(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": 9000, "limitBytes": 2000}))
	assert.Contains(t, md, "very long line with ünïcödé")
}

func TestLogSliceOfRecordFieldsOnlyIsShownAsIs(t *testing.T) {
	lines := parseLog(`","seq":12}`)
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0].String(), `seq`)
}

func diagnoseFake(t *testing.T, status string, exit int, events []client.RunEvent) (*fakePaperclip, *Deps) {
	t.Helper()
	f := newFake()
	f.agents = []client.Agent{{ID: testAgent, CompanyID: testCompany, Name: "Flaky Bot", Role: "engineer", Status: "idle", AdapterType: "process"}}
	log := ndjson("reading config.yaml", "x", "y", "error: config.yaml: no such file or directory")
	size := int64(len(log))
	run := client.Run{ID: "00000000-0000-4000-8000-000000000001", CompanyID: testCompany, AgentID: testAgent, Status: status,
		ExitCode: &exit, LogBytes: &size, CreatedAt: "2026-11-26T10:00:00Z"}
	if status == "failed" {
		run.Error, run.ErrorCode = ptr("Process exited with code 3"), ptr("adapter_failed")
	}
	f.addRun(run)
	f.logs[run.ID] = log
	f.events[run.ID] = events
	d := f.serve(t)
	d.CompanyID = testCompany
	return f, d
}

func TestDiagnoseOfAnAgentThatDoesNotExist(t *testing.T) {
	_, d := diagnoseFake(t, "failed", 3, nil)
	msg := callErr(t, d, "paperclip_diagnose_run", map[string]any{"agentId": "99999999-9999-4999-8999-999999999999"})
	assert.Contains(t, msg, "No agent has id 99999999-9999-4999-8999-999999999999")
	assert.Contains(t, msg, "paperclip_list_agents")
	assert.NotContains(t, msg, "wake")
}

func TestDiagnoseOfAnAgentOfAnotherCompany(t *testing.T) {
	f, d := diagnoseFake(t, "failed", 3, nil)
	other := "22222222-3333-4444-8555-666666666666"
	f.agents = append(f.agents, client.Agent{ID: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", CompanyID: other, Name: "Elsewhere"})
	msg := callErr(t, d, "paperclip_diagnose_run", map[string]any{"agentId": "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"})
	assert.Contains(t, msg, "belongs to company "+other)
	assert.Contains(t, msg, "companyId="+other)
}

func TestDiagnoseOfASucceededRunSaysSo(t *testing.T) {
	_, d := diagnoseFake(t, "succeeded", 0, nil)
	var g Diagnosis
	md := callOK(t, d, "paperclip_diagnose_run", map[string]any{"runId": "00000000-0000-4000-8000-000000000001"}, &g)
	assert.False(t, g.Failed)
	assert.Contains(t, md, "The run succeeded: nothing failed")
	assert.NotContains(t, md, "Error: -")
	assert.NotContains(t, md, "After a fix")
	assert.Contains(t, md, "status=failed", "it says how to find a failure instead")
}

func TestDiagnoseShowsTheCommandAndWorkingDirectory(t *testing.T) {
	invoke := `{"command":"/bin/sh","commandArgs":["-c","echo reading config.yaml; echo \"error: config.yaml: no such file or directory\" 1>&2; exit 3"],"cwd":"/tmp","env":{"PAPERCLIP_API_KEY":"***REDACTED***","HOME":"/root"}}`
	_, d := diagnoseFake(t, "failed", 3, []client.RunEvent{
		{Seq: 1, EventType: "lifecycle", Level: ptr("info"), Message: ptr("run started"), CreatedAt: "2026-11-26T10:00:00Z"},
		{Seq: 2, EventType: "adapter.invoke", Level: ptr("info"), Message: ptr("adapter invocation"), Payload: json.RawMessage(invoke), CreatedAt: "2026-11-26T10:00:00Z"},
		{Seq: 3, EventType: "lifecycle", Level: ptr("error"), Message: ptr("run failed"), CreatedAt: "2026-11-26T10:00:01Z"},
	})
	var g Diagnosis
	md := callOK(t, d, "paperclip_diagnose_run", map[string]any{"agentId": testAgent}, &g)
	require.NotNil(t, g.Invocation)
	assert.Equal(t, "/bin/sh", g.Invocation.Command)
	assert.Equal(t, "/tmp", g.Invocation.Cwd)
	assert.Contains(t, md, `command: /bin/sh -c 'echo reading config.yaml; echo "error: config.yaml: no such file or directory" 1>&2; exit 3' · cwd: /tmp`)

	// The events list shows the same, with plain JSON (no \u003e escapes).
	md = text(call(t, d, "paperclip_list_run_events", map[string]any{"runId": "00000000-0000-4000-8000-000000000001"}))
	assert.Contains(t, md, "1>&2; exit 3' · cwd: /tmp")
	assert.NotContains(t, md, `\u003e`)
	assert.NotContains(t, md, `\u0026`)
	assert.Contains(t, md, `"PAPERCLIP_API_KEY":"***REDACTED***"`)
}

func TestDiagnoseStructuredContentIsBounded(t *testing.T) {
	big := `{"blob":"` + strings.Repeat("x", 50000) + `"}`
	var events []client.RunEvent
	for i := 1; i <= 60; i++ {
		events = append(events, client.RunEvent{Seq: int64(i), EventType: "lifecycle", Level: ptr("error"), Message: ptr(strings.Repeat("m", 2000)), Payload: json.RawMessage(big)})
	}
	_, d := diagnoseFake(t, "failed", 3, events)
	res := call(t, d, "paperclip_diagnose_run", map[string]any{"agentId": testAgent})
	require.False(t, res.IsError, text(res))
	raw := res.StructuredContent.(json.RawMessage)
	assert.Less(t, len(raw), maxResultChars, "structured content is bounded like the text")
	assert.Less(t, len(text(res)), maxResultChars)
	assert.NotContains(t, string(raw), strings.Repeat("x", 1000), "no whole event payloads")
}

func TestEmptyListsSayWhenTheCompanyDoesNotExist(t *testing.T) {
	f := newFake()
	d := f.serve(t)
	missing := "99999999-9999-4999-8999-999999999999"
	for _, name := range []string{"paperclip_list_heartbeat_runs", "paperclip_list_live_runs", "paperclip_list_agents", "paperclip_diagnose_run"} {
		msg := callErr(t, d, name, map[string]any{"companyId": missing})
		assert.Contains(t, msg, "No company has id "+missing, name)
		assert.Contains(t, msg, "paperclip_list_companies", name)
	}
	// A company that exists and has nothing is an empty list, not an error.
	var p Page[RunSummary]
	md := callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany}, &p)
	assert.Equal(t, 0, p.Count)
	assert.Contains(t, md, "No runs match.")
	var c Page[CompanySummary]
	callOK(t, d, "paperclip_list_companies", map[string]any{}, &c)
	require.Equal(t, 1, c.Count)
	assert.Equal(t, testCompany, c.Items[0].ID)
}

func TestArgumentsThatAreNotAnObjectAreRefused(t *testing.T) {
	f := newFake()
	d := f.serve(t)
	for _, args := range []any{[]any{1, 2}, "runId", 42.0, json.RawMessage(`[1]`), json.RawMessage(`"x"`)} {
		req := mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "paperclip_get_heartbeat_run", Arguments: args}}
		res, err := findTool(t, "paperclip_get_heartbeat_run").Handler(d)(t.Context(), req)
		require.NoError(t, err)
		require.True(t, res.IsError, "%v", args)
		assert.Contains(t, text(res), "must be a JSON object of named parameters", "%v", args)
	}
	assert.Empty(t, f.requests, "nothing was sent")

	msg := callErr(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": nil})
	assert.Contains(t, msg, "runId is required (null counts as not given)")
	msg = callErr(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": "abc"})
	assert.Contains(t, msg, "limit must be a number, got a string")
	// null for an optional parameter is "not given": the default applies.
	var p Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": nil}, &p)
	assert.Equal(t, 50, p.Limit)
}

func TestBoundTextCutsAtALineAndSaysHowToPage(t *testing.T) {
	short := "a\nb\n"
	assert.Equal(t, short, boundText(short), "a short text is left alone")

	line := strings.Repeat("é", 99) + "\n" // 100 runes, multi-byte on purpose
	long := strings.Repeat(line, 400)      // 40,000 runes
	got := boundText(long)
	assert.LessOrEqual(t, utf8.RuneCountInString(got), maxResultChars)
	assert.True(t, utf8.ValidString(got), "never cuts inside a rune")
	body, note, ok := strings.Cut(got, "\n[Cut: ")
	require.True(t, ok, "the cut is announced")
	assert.Contains(t, note, "offset")
	for _, l := range strings.Split(body, "\n") {
		assert.Equal(t, 99, utf8.RuneCountInString(l), "only whole lines are kept")
	}
}

func TestGetCompany(t *testing.T) {
	f := newFake()
	d := f.serve(t)
	d.CompanyID = testCompany
	var c CompanySummary
	md := callOK(t, d, "paperclip_get_company", map[string]any{}, &c)
	assert.Equal(t, testCompany, c.ID, "companyId defaults to PAPERCLIP_COMPANY_ID")
	assert.Contains(t, md, "`"+testCompany+"`")
	msg := callErr(t, d, "paperclip_get_company", map[string]any{"companyId": "99999999-9999-4999-8999-999999999999"})
	assert.Contains(t, msg, "Not found (404")
	assert.Contains(t, msg, "paperclip_list_companies")
}

func TestARouteTheServerDoesNotServeIsNamedWithItsVersion(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/health", 200, map[string]any{"status": "ok", "version": "2099.1.0"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": "00000000-0000-4000-8000-000000000001"})
	assert.Equal(t, "This Paperclip server (version 2099.1.0) does not serve GET /api/heartbeat-runs/00000000-0000-4000-8000-000000000001, "+
		"which paperclip_get_heartbeat_run needs (404 API route not found): it is older or newer than this tool expects. Nothing changed.", msg)
}

// TestAListPageThatWouldPassTheBoundIsShortened: the page keeps the items
// that fit, has_more and next_offset point at the first one not shown, a
// note says so, and walking next_offset visits every item exactly once.
func TestAListPageThatWouldPassTheBoundIsShortened(t *testing.T) {
	f := newFake()
	long := strings.Repeat("a long description ", 20)
	for i := 0; i < 100; i++ {
		f.companies = append(f.companies, client.Company{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("Company %03d", i), Status: "active", Description: &long})
	}
	d := f.serve(t)
	seen := map[string]int{}
	offset, calls := 0, 0
	for {
		calls++
		require.Less(t, calls, 20)
		var p Page[CompanySummary]
		res := call(t, d, "paperclip_list_companies", map[string]any{"limit": 100, "offset": offset, "response_format": "json"})
		require.False(t, res.IsError, text(res))
		raw := res.StructuredContent.(json.RawMessage)
		require.NoError(t, json.Unmarshal(raw, &p))
		assert.LessOrEqual(t, len(raw), maxResultChars)
		assert.True(t, json.Valid([]byte(text(res))), "the JSON text is never cut")
		for _, c := range p.Items {
			seen[c.ID]++
		}
		if !p.HasMore {
			break
		}
		if p.Count < 100 && offset+p.Count < 101 {
			assert.Contains(t, p.Note, "Shortened to")
		}
		require.NotNil(t, p.NextOffset)
		assert.Equal(t, offset+p.Count, *p.NextOffset)
		offset = *p.NextOffset
	}
	assert.Len(t, seen, 101, "every company once (100 + the test company)")
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	assert.Greater(t, calls, 1, "the first page was shortened")
}

func TestAMalformedIDSaysWhereIDsComeFrom(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": "run-1"})
	assert.Contains(t, msg, `runId must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got "run-1". Find run ids with paperclip_list_heartbeat_runs.`)
	msg = callErr(t, d, "paperclip_get_agent", map[string]any{"agentId": "bob"})
	assert.Contains(t, msg, "paperclip_list_agents")
	assert.Empty(t, s.requests(), "nothing is sent for a malformed id")
}

// TestAShortenedPageSaysSoInMarkdown: the note of a page cut to fit the
// bound reaches the markdown of every list, not only its JSON.
func TestAShortenedPageSaysSoInMarkdown(t *testing.T) {
	f := newFake()
	long := strings.Repeat("a long description ", 20)
	for i := 0; i < 100; i++ {
		f.companies = append(f.companies, client.Company{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("Company %03d", i), Status: "active", Description: &long})
	}
	md := text(call(t, f.serve(t), "paperclip_list_companies", map[string]any{"limit": 100}))
	assert.Contains(t, md, "Shortened to")
	assert.Regexp(t, `More: call paperclip_list_companies with offset=\d+\.`, md)
}
