package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func TestListRunsPagesVisitEachRunOnce(t *testing.T) {
	f := newFake()
	ids := f.seedRuns(23, func(i int) string { return "succeeded" })
	d := f.serve(t)
	d.CompanyID = testCompany

	seen := map[string]int{}
	offset, pages := 0, 0
	for {
		var p Page[RunSummary]
		callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"limit": 5, "offset": offset, "response_format": "json"}, &p)
		pages++
		for _, r := range p.Items {
			seen[r.ID]++
		}
		assert.Equal(t, len(p.Items), p.Count)
		if !p.HasMore {
			assert.Nil(t, p.NextOffset)
			break
		}
		require.NotNil(t, p.NextOffset)
		offset = *p.NextOffset
		require.Less(t, pages, 10)
	}
	assert.Equal(t, 5, pages)
	assert.Len(t, seen, 23)
	for _, id := range ids {
		assert.Equal(t, 1, seen[id], id)
	}
}

func TestListRunsNameTheAgents(t *testing.T) {
	f := newFake()
	f.seedRuns(2, func(int) string { return "failed" })
	f.agents = []client.Agent{{ID: testAgent, CompanyID: testCompany, Name: "Flaky Bot"}}
	d := f.serve(t)
	var p Page[RunSummary]
	md := callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany}, &p)
	require.Len(t, p.Items, 2)
	assert.Equal(t, "Flaky Bot", p.Items[0].AgentName)
	assert.Contains(t, md, "agent Flaky Bot `"+testAgent+"`")

	// The names are kept: the next page reads the runs alone.
	agentReads := func() (n int) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, r := range f.requests {
			if strings.HasSuffix(r, "/companies/"+testCompany+"/agents") {
				n++
			}
		}
		return n
	}
	require.Equal(t, 1, agentReads())
	var kept Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany}, &kept)
	assert.Equal(t, "Flaky Bot", kept.Items[0].AgentName)
	assert.Equal(t, 1, agentReads(), "kept names: no second read of the agents")

	// A run of an agent the kept names do not know reads them again.
	f.mu.Lock()
	f.agents = append(f.agents, client.Agent{ID: "a2222222-0000-4000-8000-000000000002", CompanyID: testCompany, Name: "New Hire"})
	f.mu.Unlock()
	f.addRun(client.Run{ID: "r2222222-0000-4000-8000-000000000002", CompanyID: testCompany, AgentID: "a2222222-0000-4000-8000-000000000002", Status: "running",
		CreatedAt: "2026-12-31T10:00:00Z"})
	var hired Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany}, &hired)
	names := map[string]string{}
	for _, r := range hired.Items {
		names[r.AgentID] = r.AgentName
	}
	assert.Equal(t, "New Hire", names["a2222222-0000-4000-8000-000000000002"])
	assert.Equal(t, 2, agentReads())

	// A key that may not list agents: the runs come back all the same, unnamed.
	f.mu.Lock()
	f.fail["/api/companies/"+testCompany+"/agents"] = 403
	f.mu.Unlock()
	var again Page[RunSummary]
	callOK(t, f.serve(t), "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany}, &again)
	require.Len(t, again.Items, 3, "the runs come back all the same")
	assert.Empty(t, again.Items[0].AgentName)
}

func TestListRunsTotalIsExactOrAbsent(t *testing.T) {
	f := newFake()
	f.seedRuns(8, func(int) string { return "succeeded" })
	d := f.serve(t)

	var p Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": 3}, &p)
	assert.Nil(t, p.Total, "8 runs exist but only 4 were read: total cannot be known")
	assert.True(t, p.HasMore)

	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": 50}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 8, *p.Total)
	assert.Equal(t, 8, p.Count)
	assert.False(t, p.HasMore)
	assert.Contains(t, strings.Join(f.requests, "\n"), "heartbeat-runs?limit=51", "always a bounded request")
}

func TestListRunsStatusFilterIsAppliedHere(t *testing.T) {
	f := newFake()
	f.seedRuns(30, func(i int) string {
		if i%3 == 0 {
			return "failed"
		}
		return "succeeded"
	})
	d := f.serve(t)
	d.CompanyID = testCompany
	var p Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"status": "failed", "limit": 4}, &p)
	assert.Equal(t, 4, p.Count)
	for _, r := range p.Items {
		assert.Equal(t, "failed", r.Status)
	}
	require.NotNil(t, p.Total)
	assert.Equal(t, 10, *p.Total)
	assert.Equal(t, "00000000-0000-4000-8000-000000000030", p.Items[0].ID, "newest first")
}

func TestListRunsWindowLimitIsStated(t *testing.T) {
	f := newFake()
	f.seedRuns(1100, func(int) string { return "succeeded" }) // more than Paperclip's 1000-row window
	d := f.serve(t)
	var p Page[RunSummary]
	callOK(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "status": "failed"}, &p)
	assert.Equal(t, 0, p.Count)
	assert.Nil(t, p.Total, "no claim about runs that could not be read")
	assert.NotEmpty(t, p.Note)
}

func TestRunToolsRejectBadIDsBeforeSending(t *testing.T) {
	f := newFake()
	d := f.serve(t)
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_get_heartbeat_run", map[string]any{"runId": "../companies"}, "must be a UUID"},
		{"paperclip_list_run_events", map[string]any{"runId": "x"}, "must be a UUID"},
		{"paperclip_get_run_log", map[string]any{"runId": "1; drop"}, "must be a UUID"},
		{"paperclip_cancel_heartbeat_run", map[string]any{"runId": ""}, "runId is required"},
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": "acme"}, "companyId must be a UUID"},
		{"paperclip_list_heartbeat_runs", map[string]any{}, "PAPERCLIP_COMPANY_ID"},
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": 0}, "limit must be between 1 and 100"},
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "offset": -1}, "offset must be at least 0"},
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "status": "done"}, "status must be one of"},
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "limit": "ten"}, "limit must be a number"},
		{"paperclip_get_run_log", map[string]any{"runId": testAgent, "limitBytes": 2}, "limitBytes must be between 4 and 1048576"},
		{"paperclip_wakeup_agent", map[string]any{}, "agentId is required"},
		{"paperclip_wakeup_agent", map[string]any{"agentId": testAgent, "source": "cron"}, "source must be one of"},
		{"paperclip_get_heartbeat_run", map[string]any{"runId": testAgent, "extra": 1}, `unknown argument "extra"`},
		{"paperclip_get_heartbeat_run", map[string]any{"runId": testAgent, "response_format": "xml"}, "response_format must be one of markdown, json"},
	} {
		msg := callErr(t, d, tc.tool, tc.args)
		assert.Contains(t, msg, tc.want, tc.tool)
	}
	assert.Empty(t, f.requests, "nothing doomed reaches the server")
}

func TestGetRunAndNotFound(t *testing.T) {
	f := newFake()
	start := "2026-11-26T10:00:00.000Z"
	end := "2026-11-26T10:00:03.250Z"
	three := 3
	f.addRun(client.Run{ID: testAgent, CompanyID: testCompany, AgentID: testAgent, Status: "failed", CreatedAt: start,
		StartedAt: &start, FinishedAt: &end, ExitCode: &three, Error: ptr("Process exited with code 3"), ErrorCode: ptr("adapter_failed"),
		StderrExcerpt: ptr("boom\n"), Execution: &client.RunExecution{Phase: "failed", Label: "Failed"}})
	d := f.serve(t)
	var r RunDetail
	md := callOK(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": testAgent}, &r)
	assert.Equal(t, "failed", r.Status)
	assert.Equal(t, int64(3250), *r.DurationMs)
	assert.True(t, r.Finished)
	assert.Contains(t, md, "exit code 3")
	assert.Contains(t, md, "adapter_failed")
	assert.Contains(t, md, "paperclip_diagnose_run")

	msg := callErr(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": "00000000-0000-4000-8000-000000000999"})
	assert.Contains(t, msg, "404 Heartbeat run not found")
	assert.Contains(t, msg, "paperclip_list_heartbeat_runs")
}

func ptr[T any](v T) *T { return &v }

func TestEventsCursorWalk(t *testing.T) {
	f := newFake()
	f.addRun(client.Run{ID: testAgent, CompanyID: testCompany, Status: "succeeded"})
	for i := int64(1); i <= 12; i++ {
		f.events[testAgent] = append(f.events[testAgent], client.RunEvent{ID: 100 + i, Seq: i, EventType: "lifecycle",
			Level: ptr("info"), Message: ptr(fmt.Sprintf("event %d", i)), Payload: json.RawMessage(`{"n":1}`), CreatedAt: "2026-11-26T10:00:00Z"})
	}
	d := f.serve(t)
	var all []RunEvent
	after := int64(0)
	for i := 0; i < 10; i++ {
		var p EventsPage
		callOK(t, d, "paperclip_list_run_events", map[string]any{"runId": testAgent, "afterSeq": after, "limit": 5}, &p)
		all = append(all, p.Items...)
		after = p.NextAfterSeq
		if !p.HasMore {
			break
		}
	}
	require.Len(t, all, 12)
	for i, e := range all {
		assert.Equal(t, int64(i+1), e.Seq)
		assert.Equal(t, "lifecycle", e.Type, "eventType is renamed type")
		assert.JSONEq(t, `{"n":1}`, mustJSON(e.Data), "payload is renamed data")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ndjson builds a log the way Paperclip writes it.
func ndjson(lines ...string) []byte {
	var b strings.Builder
	for i, l := range lines {
		stream := "stdout"
		if i%4 == 3 {
			stream = "stderr"
		}
		// Paperclip's own field order: ts, stream, chunk, seq.
		rec, _ := json.Marshal(struct {
			TS     string `json:"ts"`
			Stream string `json:"stream"`
			Chunk  string `json:"chunk"`
			Seq    int    `json:"seq"`
		}{"2026-11-26T10:00:0" + fmt.Sprint(i%10) + ".000Z", stream, l + "\n", i + 1})
		b.Write(rec)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func TestLogSlicesJoinToTheExactBytes(t *testing.T) {
	var lines []string
	for i := 0; i < 60; i++ {
		lines = append(lines, fmt.Sprintf("línea %d: héllo wörld ✓ 日本語テキスト 🚀🎉 ünïcödé %s", i, strings.Repeat("ß", i%7)))
	}
	log := ndjson(lines...)
	f := newFake()
	size := int64(len(log))
	f.addRun(client.Run{ID: testAgent, CompanyID: testCompany, Status: "succeeded", LogBytes: &size})
	f.logs[testAgent] = log
	d := f.serve(t)

	for _, limit := range []int{4, 5, 6, 7, 11, 13, 97, 333, 1000, 4096, 16384} {
		var joined []byte
		offset := int64(0)
		for calls := 0; ; calls++ {
			require.Less(t, calls, len(log)+10, "no progress at limit %d", limit)
			var s LogSlice
			callOK(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": offset, "limitBytes": limit, "response_format": "json"}, &s)
			require.Equal(t, offset, s.Offset)
			require.NotContains(t, s.Content, "\uFFFD", "limit %d offset %d", limit, offset)
			require.Equal(t, s.Offset+int64(len(s.Content)), s.NextOffset)
			require.LessOrEqual(t, len(s.Content), limit)
			require.Equal(t, size, s.TotalBytes)
			joined = append(joined, s.Content...)
			if s.EOF {
				assert.Equal(t, s.TotalBytes, s.NextOffset)
				break
			}
			require.Greater(t, s.NextOffset, offset)
			offset = s.NextOffset
		}
		assert.Equal(t, string(log), string(joined), "limit %d", limit)
	}
}

func TestLogOffsetInsideACharacterIsMovedPastIt(t *testing.T) {
	log := ndjson("日本")
	f := newFake()
	size := int64(len(log))
	f.addRun(client.Run{ID: testAgent, Status: "succeeded", LogBytes: &size})
	f.logs[testAgent] = log
	d := f.serve(t)
	at := int64(strings.Index(string(log), "日") + 1) // inside the first character
	var s LogSlice
	callOK(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent, "offset": at, "response_format": "json"}, &s)
	assert.Equal(t, at+2, s.Offset)
	assert.True(t, strings.HasPrefix(s.Content, "本"))
	assert.Equal(t, string(log[at+2:]), s.Content)
}

func TestLogOfARunWithoutLogIsEmpty(t *testing.T) {
	f := newFake()
	f.addRun(client.Run{ID: testAgent, Status: "queued"})
	d := f.serve(t)
	var s LogSlice
	md := callOK(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent}, &s)
	assert.Equal(t, "", s.Content)
	assert.Equal(t, int64(0), s.NextOffset)
	assert.Equal(t, int64(0), s.TotalBytes)
	assert.True(t, s.EOF)
	assert.False(t, s.Final)
	assert.Contains(t, md, "no log yet")
}

func TestLogMarkdownIsReadableLines(t *testing.T) {
	log := ndjson("hello world", "second line", "third", "oops on stderr")
	f := newFake()
	size := int64(len(log))
	f.addRun(client.Run{ID: testAgent, Status: "succeeded", LogBytes: &size})
	f.logs[testAgent] = log
	d := f.serve(t)
	res := call(t, d, "paperclip_get_run_log", map[string]any{"runId": testAgent})
	md := text(res)
	assert.Contains(t, md, "10:00:00.000 stdout| hello world")
	assert.Contains(t, md, "stderr| oops on stderr")
	assert.NotContains(t, md, `"chunk"`, "no raw NDJSON in markdown")
	assert.Contains(t, md, "End of the log.")
}

func TestCancelIsIdempotent(t *testing.T) {
	f := newFake()
	f.addRun(client.Run{ID: testAgent, Status: "running"})
	d := f.serve(t)
	var c CancelResult
	callOK(t, d, "paperclip_cancel_heartbeat_run", map[string]any{"runId": testAgent}, &c)
	assert.True(t, c.Cancelled)
	posts := func() int {
		n := 0
		for _, r := range f.requests {
			if strings.HasPrefix(r, "POST") {
				n++
			}
		}
		return n
	}
	callOK(t, d, "paperclip_cancel_heartbeat_run", map[string]any{"runId": testAgent}, &c)
	assert.False(t, c.Cancelled, "the second cancel changed nothing")
	assert.Contains(t, c.Message, "already finished as cancelled")
	assert.Equal(t, 2, posts(), "the cancel is still sent (a key without the right gets its 403)")
	f.mu.Lock()
	f.runs[0].Status = "succeeded"
	f.mu.Unlock()
	callOK(t, d, "paperclip_cancel_heartbeat_run", map[string]any{"runId": testAgent}, &c)
	assert.False(t, c.Cancelled)
	assert.Contains(t, c.Message, "already finished as succeeded")
}

func TestJSONTextEqualsStructuredContent(t *testing.T) {
	f := newFake()
	f.seedRuns(3, func(int) string { return "succeeded" })
	d := f.serve(t)
	res := call(t, d, "paperclip_list_heartbeat_runs", map[string]any{"companyId": testCompany, "response_format": "json"})
	require.False(t, res.IsError)
	assert.JSONEq(t, string(res.StructuredContent.(json.RawMessage)), text(res))
}

func TestDiagnoseFindsLatestFailedRun(t *testing.T) {
	f := newFake()
	ids := f.seedRuns(5, func(i int) string {
		if i == 2 || i == 3 {
			return "failed"
		}
		return "succeeded"
	})
	target := ids[2] // run 3: the newest failed one
	log := ndjson("starting", "working", "still working", "fatal: cannot open config.yaml")
	size := int64(len(log))
	f.mu.Lock()
	for i := range f.runs {
		if f.runs[i].ID == target {
			f.runs[i].Error, f.runs[i].ErrorCode, f.runs[i].ExitCode, f.runs[i].LogBytes = ptr("Process exited with code 3"), ptr("adapter_failed"), ptr(3), &size
		}
	}
	f.logs[target] = log
	f.events[target] = []client.RunEvent{
		{Seq: 1, EventType: "lifecycle", Level: ptr("info"), Message: ptr("run started")},
		{Seq: 2, EventType: "lifecycle", Level: ptr("error"), Message: ptr("run failed")},
	}
	f.mu.Unlock()
	d := f.serve(t)
	d.CompanyID = testCompany

	var g Diagnosis
	md := callOK(t, d, "paperclip_diagnose_run", map[string]any{"agentId": testAgent}, &g)
	assert.Equal(t, target, g.Run.ID)
	assert.True(t, g.Failed)
	assert.Contains(t, g.Selected, "latest failed run")
	require.Len(t, g.Events, 1)
	assert.Equal(t, "run failed", g.Events[0].Message)
	assert.Equal(t, "fatal: cannot open config.yaml", g.LogTail[len(g.LogTail)-1].Text)
	joined := strings.Join(g.Summary, "\n")
	assert.Contains(t, joined, "Process exited with code 3")
	assert.Contains(t, joined, "Last stderr line: fatal: cannot open config.yaml")
	assert.Contains(t, md, "paperclip_wakeup_agent")
}

func TestDiagnoseWithNoRuns(t *testing.T) {
	f := newFake()
	d := f.serve(t)
	msg := callErr(t, d, "paperclip_diagnose_run", map[string]any{"companyId": testCompany})
	assert.Contains(t, msg, "no heartbeat runs yet")
}

func TestErrorMappingSaysWhatToDo(t *testing.T) {
	spec := Spec{Name: "paperclip_cancel_heartbeat_run", BoardOnly: true, NotFound: findRun}
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{&client.APIError{Status: 401, Message: "Agent token did not verify; obtain fresh credentials and retry"}, []string{"PAPERCLIP_API_KEY", "401"}},
		{&client.APIError{Status: 403, Message: "Board access required"}, []string{"board only", "pcp_board_"}},
		{&client.APIError{Status: 404, Message: "Heartbeat run not found"}, []string{"paperclip_list_heartbeat_runs"}},
		{&client.APIError{Status: 404, Message: "API route not found", Method: "GET", Path: "/api/x"}, []string{"does not serve GET /api/x"}},
		{&client.APIError{Status: 409, Message: "Issue checkout conflict"}, []string{"409", "current state"}},
		{&client.APIError{Status: 422, Message: "Agent shortname lookup requires companyId query parameter"}, []string{"422"}},
		{&client.APIError{Status: 429, Message: "Too many requests", RetryAfter: 30}, []string{"Wait 30 s"}},
		{&client.APIError{Status: 500, Message: "Internal server error", Method: "GET", Path: "/api/x"}, []string{"server-side", "call again later"}},
		{&client.APIError{Status: 400, Message: "Validation error", Details: []any{map[string]any{"path": []any{"source"}, "message": "Invalid option"}}}, []string{"source: Invalid option"}},
		{&client.TransportError{Method: "GET", Path: "/api/x", BaseURL: "http://127.0.0.1:9", Err: fmt.Errorf("connection refused")}, []string{"not reachable at http://127.0.0.1:9", "PAPERCLIP_API_URL"}},
		{&client.TransportError{Method: "GET", Path: "/api/x", BaseURL: "http://h", Timeout: true, Err: context.DeadlineExceeded}, []string{"did not answer in time", "--timeout"}},
	} {
		msg := explain(tc.err, spec)
		for _, w := range tc.want {
			assert.Contains(t, msg, w, "%v", tc.err)
		}
	}
}

func TestSecretsNeverReachResults(t *testing.T) {
	key := "pcp_board_0123456789abcdef"
	f := newFake()
	f.addRun(client.Run{ID: testAgent, Status: "failed", Error: ptr("token " + key + " was rejected")})
	d := f.serve(t)
	d.APIKey = key
	res := call(t, d, "paperclip_get_heartbeat_run", map[string]any{"runId": testAgent, "response_format": "json"})
	assert.NotContains(t, text(res), key)
	assert.NotContains(t, string(res.StructuredContent.(json.RawMessage)), key)
	assert.Contains(t, text(res), "[redacted]")
}

func TestWakeupReportsSkip(t *testing.T) {
	srvDeps := fakeWakeup(t, `{"status":"skipped","reason":"agent_paused","message":"Agent is paused"}`)
	var w WakeupResult
	md := callOK(t, srvDeps, "paperclip_wakeup_agent", map[string]any{"agentId": testAgent, "reason": "retry"}, &w)
	assert.False(t, w.Queued)
	assert.Equal(t, "agent_paused", w.Reason)
	assert.Contains(t, md, "skipped")
}

func fakeWakeup(t *testing.T, body string) *Deps {
	f := newFake()
	d := f.serve(t)
	// The fake has no wakeup route: answer through a tiny override server.
	srv := newStaticServer(t, 202, body)
	c, err := client.New(client.Config{BaseURL: srv, Retries: -1, Timeout: 5 * time.Second})
	require.NoError(t, err)
	d.Client = c
	return d
}

func TestLogMarkdownOfCutRecords(t *testing.T) {
	log := ndjson("first line of output", "a \"quoted\" second line ✓", "third")
	cut := string(log[20 : len(log)-15]) // starts inside record 1, ends inside record 3
	lines := parseLog(cut)
	require.NotEmpty(t, lines)
	for _, l := range lines {
		assert.NotContains(t, l.String(), `"chunk"`, "no raw NDJSON")
		assert.NotContains(t, l.String(), `"seq"`)
	}
	joined := ""
	for _, l := range lines {
		joined += l.String() + "\n"
	}
	assert.Contains(t, joined, `stdout| a "quoted" second line ✓`)
	assert.Contains(t, joined, "stdout| …thi", "the head of the cut last record, with its stream")
	assert.True(t, lines[0].partial)
	last := lines[len(lines)-1]
	assert.True(t, last.partial)
	assert.NotEmpty(t, last.ts)
}
