package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

type restTrace struct {
	ID              string `json:"id"`
	IssueID         string `json:"issueId"`
	IssueIdentifier string `json:"issueIdentifier"`
	TargetType      string `json:"targetType"`
	TargetID        string `json:"targetId"`
	Vote            string `json:"vote"`
	Status          string `json:"status"`
	CreatedAt       string `json:"createdAt"`
	PayloadSnapshot *struct {
		Vote struct {
			Reason *string `json:"reason"`
		} `json:"vote"`
	} `json:"payloadSnapshot"`
}

type mcpTrace struct {
	ID                  string `json:"id"`
	IssueID             string `json:"issueId"`
	IssueIdentifier     string `json:"issueIdentifier"`
	TargetType          string `json:"targetType"`
	TargetID            string `json:"targetId"`
	TargetLabel         string `json:"targetLabel"`
	TargetAuthorAgentID string `json:"targetAuthorAgentId"`
	Excerpt             string `json:"excerpt"`
	Vote                string `json:"vote"`
	Status              string `json:"status"`
	Reason              string `json:"reason"`
	Payload             string `json:"payload"`
	CreatedAt           string `json:"createdAt"`
}

type mcpTracePage struct {
	Items      []mcpTrace `json:"items"`
	Total      *int       `json:"total"`
	Count      int        `json:"count"`
	HasMore    bool       `json:"has_more"`
	NextOffset *int       `json:"next_offset"`
}

func traceIDs[T any](items []T, id func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// asRun sends one request as an agent inside one of its runs (the key and
// X-Paperclip-Run-Id): how an agent's comment or document gets written.
func asRun(t *testing.T, token, runID, method, path string, body, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(method, apiURL(path), bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Paperclip-Run-Id", runID)
	resp, err := sharedHTTP.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.True(t, resp.StatusCode/100 == 2, "%s %s as run: HTTP %d: %s", method, path, resp.StatusCode, clip(data))
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out))
	}
}

type fbIssue struct {
	ID            string  `json:"id"`
	Identifier    string  `json:"identifier"`
	CheckoutRunID *string `json:"checkoutRunId"`
}

// feedbackWork makes an issue assigned to agentID and waits for the run
// Paperclip starts for it: only inside that run may the agent write on
// the issue (and only agent-authored output can be voted on).
func feedbackWork(t *testing.T, a *api, companyID, agentID, title string) (fbIssue, string) {
	t.Helper()
	var is fbIssue
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+companyID+"/issues",
		map[string]any{"title": title, "status": "todo", "assigneeAgentId": agentID}, &is)
	deadline := time.Now().Add(45 * time.Second)
	for {
		var cur fbIssue
		restGET(t, "/issues/"+is.ID, &cur)
		if runID := deref(cur.CheckoutRunID); runID != "" {
			var run Run
			restGET(t, "/heartbeat-runs/"+runID, &run)
			if run.Status == "running" {
				t.Cleanup(func() { a.raw(http.MethodPost, "/heartbeat-runs/"+runID+"/cancel", map[string]any{}) })
				return cur, runID
			}
			require.False(t, terminalRunStatus[run.Status], "the assignment run ended before the test could use it: %s", run.Status)
		}
		require.True(t, time.Now().Before(deadline), "no running assignment run for %s", is.Identifier)
		time.Sleep(200 * time.Millisecond)
	}
}

// TestFeedbackTracesAgainstREST: real votes on real agent output (two
// comments and a document revision on one issue, a comment on another),
// listed through the tools with every kind of filter and compared with
// what REST answers for the same query; a bundle compared with REST's;
// and an agent key refused with 403 by all three tools.
func TestFeedbackTracesAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Feedback IT " + randSuffix()}, &company)
	C := company.ID
	var agents [2]struct {
		ID string `json:"id"`
	}
	for i := range agents {
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "feedback-" + randSuffix(), "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "echo working; sleep 90"}, "timeoutSec": 120}}, &agents[i])
		id := agents[i].ID
		t.Cleanup(func() { a.raw(http.MethodPost, "/agents/"+id+"/pause", map[string]any{}) })
	}
	keys := []string{createAgentKey(t, agents[0].ID), createAgentKey(t, agents[1].ID)}

	one, run1 := feedbackWork(t, a, C, agents[0].ID, "Write the plan")
	two, run2 := feedbackWork(t, a, C, agents[1].ID, "Write the notes")
	var c1, c2, c3 struct {
		ID string `json:"id"`
	}
	asRun(t, keys[0], run1, http.MethodPost, "/issues/"+one.ID+"/comments", map[string]any{"body": "First draft is done."}, &c1)
	asRun(t, keys[0], run1, http.MethodPost, "/issues/"+one.ID+"/comments", map[string]any{"body": "Second pass, with tests."}, &c2)
	var doc struct {
		LatestRevisionID string `json:"latestRevisionId"`
	}
	asRun(t, keys[0], run1, http.MethodPut, "/issues/"+one.ID+"/documents/plan", map[string]any{"title": "Plan", "format": "markdown", "body": "# Plan\n\nStep 1"}, &doc)
	asRun(t, keys[1], run2, http.MethodPost, "/issues/"+two.ID+"/comments", map[string]any{"body": "Notes are in."}, &c3)

	// The board votes (oldest first): down on c1, up on c2, up on the
	// revision, down on c3.
	vote := func(issueID, targetType, targetID, v, reason string) {
		a.expect(http.StatusCreated, http.MethodPost, "/issues/"+issueID+"/feedback-votes",
			map[string]any{"targetType": targetType, "targetId": targetID, "vote": v, "reason": reason}, nil)
		time.Sleep(5 * time.Millisecond) // distinct createdAt
	}
	vote(one.ID, "issue_comment", c1.ID, "down", "Too terse")
	vote(one.ID, "issue_comment", c2.ID, "up", "kept only for down votes")
	vote(one.ID, "issue_document_revision", doc.LatestRevisionID, "up", "")
	vote(two.ID, "issue_comment", c3.ID, "down", "Missing the why")

	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "feedback", "PAPERCLIP_COMPANY_ID": C})
	compare := func(t *testing.T, restQuery string, args map[string]any) []restTrace {
		t.Helper()
		var rest []restTrace
		restGET(t, "/companies/"+C+"/feedback-traces"+restQuery, &rest)
		var p mcpTracePage
		callJSON(t, s, "paperclip_list_feedback_traces", args, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, len(rest), *p.Total, "%v", args)
		assert.Equal(t, traceIDs(rest, func(r restTrace) string { return r.ID }), traceIDs(p.Items, func(m mcpTrace) string { return m.ID }), "%v", args)
		return rest
	}

	all := compare(t, "", map[string]any{})
	require.Len(t, all, 4, "one trace per vote")
	assert.Equal(t, c3.ID, all[0].TargetID, "newest first")
	assert.Equal(t, c1.ID, all[3].TargetID)
	for _, r := range all {
		assert.Equal(t, "local_only", r.Status, "a vote without allowSharing stays local")
	}
	ups := compare(t, "?vote=up", map[string]any{"vote": "up"})
	assert.Len(t, ups, 2)
	assert.Len(t, compare(t, "?vote=down", map[string]any{"vote": "down"}), 2)
	revs := compare(t, "?targetType=issue_document_revision", map[string]any{"targetType": "issue_document_revision"})
	require.Len(t, revs, 1)
	assert.Equal(t, doc.LatestRevisionID, revs[0].TargetID)
	assert.Len(t, compare(t, "?targetType=issue_comment&vote=down", map[string]any{"targetType": "issue_comment", "vote": "down"}), 2)
	onTwo := compare(t, "?issueId="+two.ID, map[string]any{"issueId": two.ID})
	require.Len(t, onTwo, 1)
	assert.Equal(t, c3.ID, onTwo[0].TargetID)
	assert.Len(t, compare(t, "?status=local_only", map[string]any{"status": "local_only"}), 4)
	assert.Empty(t, compare(t, "?status=sent", map[string]any{"status": "sent"}))
	assert.Empty(t, compare(t, "?sharedOnly=true", map[string]any{"sharedOnly": true}), "nothing was shared")

	// Times: a date, and an RFC 3339 time with an offset, sent in the Z form.
	today := time.Now().UTC().Format("2006-01-02")
	assert.Len(t, compare(t, "?from="+today+"T00:00:00.000Z", map[string]any{"from": today}), 4)
	assert.Empty(t, compare(t, "?to=2000-01-01T00:00:00.000Z", map[string]any{"to": "2000-01-01"}))
	second, err := time.Parse(time.RFC3339Nano, all[2].CreatedAt)
	require.NoError(t, err)
	third, err := time.Parse(time.RFC3339Nano, all[1].CreatedAt)
	require.NoError(t, err)
	plus2 := time.FixedZone("+02", 2*3600)
	// Paperclip stores microseconds and shows milliseconds: a trace's
	// createdAt as from includes it, as to it (almost always) leaves it out.
	third = third.Add(time.Millisecond)
	window := compare(t, "?from="+second.UTC().Format("2006-01-02T15:04:05.000Z")+"&to="+third.UTC().Format("2006-01-02T15:04:05.000Z"),
		map[string]any{"from": second.In(plus2).Format(time.RFC3339Nano), "to": third.In(plus2).Format(time.RFC3339Nano)})
	assert.Equal(t, []string{all[1].ID, all[2].ID}, traceIDs(window, func(r restTrace) string { return r.ID }), "the window holds the middle two")

	// Paging is local, over everything REST returned.
	var p mcpTracePage
	callJSON(t, s, "paperclip_list_feedback_traces", map[string]any{"limit": 2, "offset": 1}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 4, *p.Total)
	assert.Equal(t, []string{all[1].ID, all[2].ID}, traceIDs(p.Items, func(m mcpTrace) string { return m.ID }))
	assert.True(t, p.HasMore)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 3, *p.NextOffset)

	// includePayload: the reason, kept only for down votes.
	var withPayload []restTrace
	restGET(t, "/companies/"+C+"/feedback-traces?includePayload=true&issueId="+one.ID, &withPayload)
	p = mcpTracePage{}
	callJSON(t, s, "paperclip_list_feedback_traces", map[string]any{"includePayload": true, "issueId": one.ID}, &p)
	require.Len(t, p.Items, 3)
	require.Len(t, withPayload, 3)
	reasons := map[string]string{}
	for i, it := range p.Items {
		assert.Equal(t, withPayload[i].ID, it.ID)
		require.NotNil(t, withPayload[i].PayloadSnapshot)
		assert.Equal(t, deref(withPayload[i].PayloadSnapshot.Vote.Reason), it.Reason)
		assert.NotEmpty(t, it.Payload)
		reasons[it.TargetID] = it.Reason
	}
	assert.Equal(t, "Too terse", reasons[c1.ID])
	assert.Empty(t, reasons[c2.ID], "Paperclip drops the reason of an up vote")
	md := s.CallOK(t, "paperclip_list_feedback_traces", map[string]any{"issueId": one.ID, "includePayload": true}, nil)
	assert.Contains(t, md, "## Feedback traces: 3 shown from offset 0 (3 in all; 2 up, 1 down shown)")
	assert.Contains(t, md, "reason: Too terse")
	assert.Contains(t, md, "“First draft is done.”")
	assert.Contains(t, md, "issue_document_revision (plan rev 1)")

	// The issue route takes the identifier.
	var restIssue []restTrace
	restGET(t, "/issues/"+one.Identifier+"/feedback-traces?vote=up", &restIssue)
	require.Len(t, restIssue, 2)
	p = mcpTracePage{}
	callJSON(t, s, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": one.Identifier, "vote": "up"}, &p)
	assert.Equal(t, traceIDs(restIssue, func(r restTrace) string { return r.ID }), traceIDs(p.Items, func(m mcpTrace) string { return m.ID }))
	for _, it := range p.Items {
		assert.Equal(t, one.Identifier, it.IssueIdentifier)
		assert.Equal(t, agents[0].ID, it.TargetAuthorAgentID)
	}
	msg := s.CallErr(t, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": "ZZZ-999999"})
	assert.Contains(t, msg, "404")
	assert.Contains(t, msg, "Issue not found")

	// The bundle of the first comment's trace, against REST's.
	traceID := all[3].ID
	var rb struct {
		TraceID       string   `json:"traceId"`
		CaptureStatus string   `json:"captureStatus"`
		Notes         []string `json:"notes"`
		PaperclipRun  *struct {
			ID         string `json:"id"`
			EventCount int    `json:"eventCount"`
		} `json:"paperclipRun"`
		Integrity struct {
			BundleDigest string `json:"bundleDigest"`
		} `json:"integrity"`
		Files []struct {
			Path       string `json:"path"`
			ByteLength int64  `json:"byteLength"`
		} `json:"files"`
	}
	restGET(t, "/feedback-traces/"+traceID+"/bundle", &rb)
	var b struct {
		TraceID       string   `json:"traceId"`
		IssueID       string   `json:"issueId"`
		Vote          string   `json:"vote"`
		TargetType    string   `json:"targetType"`
		CaptureStatus string   `json:"captureStatus"`
		Notes         []string `json:"notes"`
		Run           *struct {
			ID         string `json:"id"`
			EventCount int    `json:"eventCount"`
		} `json:"run"`
		BundleDigest string `json:"bundleDigest"`
		FileCount    int    `json:"fileCount"`
		TotalBytes   int64  `json:"totalBytes"`
		Files        []struct {
			Path  string `json:"path"`
			Bytes int64  `json:"bytes"`
		} `json:"files"`
	}
	callJSON(t, s, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": traceID}, &b)
	assert.Equal(t, rb.TraceID, b.TraceID)
	assert.Equal(t, one.ID, b.IssueID)
	assert.Equal(t, "down", b.Vote)
	assert.Equal(t, "issue_comment", b.TargetType)
	assert.Equal(t, rb.CaptureStatus, b.CaptureStatus)
	assert.Equal(t, rb.Notes, b.Notes)
	assert.Equal(t, rb.Integrity.BundleDigest, b.BundleDigest)
	require.NotNil(t, rb.PaperclipRun)
	require.NotNil(t, b.Run)
	// Each read may or may not have the id mangled by Paperclip's redaction.
	if client.IsUUID(rb.PaperclipRun.ID) {
		assert.Equal(t, run1, rb.PaperclipRun.ID, "the source run is the run that wrote the comment")
	}
	assert.Contains(t, []string{run1, ""}, b.Run.ID, "the run's id, or none when Paperclip mangled it")
	assert.Equal(t, rb.PaperclipRun.EventCount, b.Run.EventCount)
	assert.Equal(t, len(rb.Files), b.FileCount)
	var total int64
	for i, f := range rb.Files {
		total += f.ByteLength
		if i < len(b.Files) {
			assert.Equal(t, f.Path, b.Files[i].Path)
			assert.Equal(t, f.ByteLength, b.Files[i].Bytes)
		}
	}
	assert.Equal(t, total, b.TotalBytes)
	md = s.CallOK(t, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": traceID}, nil)
	assert.Contains(t, md, "## Feedback trace bundle `"+traceID+"`: down vote on issue_comment of "+one.Identifier)
	// Paperclip's redaction may mangle the run id in one answer and not
	// in the next (a run of digits reads as a phone number); the tool then
	// shows no id rather than a broken one.
	assert.Regexp(t, "- Source run (`"+run1+"` )?by ", md)
	assert.Contains(t, md, "Next: paperclip_list_issue_feedback_traces issueId="+one.Identifier)
	msg = s.CallErr(t, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": "00000000-0000-4000-8000-000000000000"})
	assert.Contains(t, msg, "404 Feedback trace not found")
	assert.Contains(t, msg, "paperclip_list_feedback_traces")

	// An agent key: all three are board only. The toolset alone serves
	// none of them to an agent key; named, they are served and Paperclip
	// answers 403.
	hidden := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "feedback", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_API_KEY": keys[0]})
	listed, err := hidden.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	assert.Empty(t, listed.Tools, "the feedback toolset serves nothing to an agent key")
	as := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "feedback", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_AGENT_ID": agents[0].ID, "PAPERCLIP_API_KEY": keys[0],
		"PAPERCLIP_TOOLS": "paperclip_list_feedback_traces,paperclip_list_issue_feedback_traces,paperclip_get_feedback_trace_bundle"})
	msg = as.CallErr(t, "paperclip_list_feedback_traces", map[string]any{})
	assert.Contains(t, msg, "403 Board access required")
	msg = as.CallErr(t, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": one.Identifier})
	assert.Contains(t, msg, "403 Only board users can view feedback traces")
	assert.Contains(t, msg, "board only")
	msg = as.CallErr(t, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": traceID})
	assert.Contains(t, msg, "403 Only board users can view feedback trace bundles")
}

// TestFeedbackServerFacts pins what the real server does behind the traps
// the tools guard against, and that the guards send nothing.
func TestFeedbackServerFacts(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " FeedbackF IT " + randSuffix()}, &company)
	C := company.ID
	list := "/companies/" + C + "/feedback-traces"
	for _, q := range []string{"targetType=issue", "targetType=comment", "vote=resolved", "status=resolved", "from=yesterday"} {
		code, body := a.raw(http.MethodGet, list+"?"+q, nil)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", q, body)
	}
	for _, q := range []string{"issueId=ABC-12", "projectId=apollo"} {
		code, _ := a.raw(http.MethodGet, list+"?"+q, nil)
		assert.Equal(t, http.StatusInternalServerError, code, "a malformed %s is a 500", q)
	}
	code, _ := a.raw(http.MethodGet, "/feedback-traces/not-a-uuid/bundle", nil)
	assert.Equal(t, http.StatusInternalServerError, code, "malformed trace id")
	code, body := a.raw(http.MethodGet, "/feedback-traces/00000000-0000-4000-8000-000000000000/bundle", nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, string(body), "Feedback trace not found")
	code, body = a.raw(http.MethodGet, "/companies/00000000-0000-4000-8000-000000000000/feedback-traces", nil)
	assert.Equal(t, http.StatusOK, code, "an unknown company is an empty list, not a 404")
	assert.Equal(t, "[]", strings.TrimSpace(string(body)))
	code, _ = a.raw(http.MethodGet, list+"?limit=1&offset=5", nil)
	assert.Equal(t, http.StatusOK, code, "limit and offset are ignored (no paging)")

	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "feedback", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_MCP_LOG_LEVEL": "debug"})
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_list_feedback_traces", map[string]any{"targetType": "issue"}, "issue_comment"},
		{"paperclip_list_feedback_traces", map[string]any{"vote": "resolved"}, "up, down"},
		{"paperclip_list_feedback_traces", map[string]any{"status": "resolved"}, "local_only"},
		{"paperclip_list_feedback_traces", map[string]any{"issueId": "ABC-12"}, "issueId must be a UUID"},
		{"paperclip_list_feedback_traces", map[string]any{"projectId": "apollo"}, "projectId must be a UUID"},
		{"paperclip_list_feedback_traces", map[string]any{"from": "yesterday"}, "from must be an ISO 8601 time"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "ABC-12", "targetType": "comment"}, "issue_document_revision"},
		{"paperclip_get_feedback_trace_bundle", map[string]any{"traceId": "not-a-uuid"}, "traceId must be a UUID"},
	} {
		msg := s.CallErr(t, tc.tool, tc.args)
		assert.Contains(t, msg, tc.want, "%s %v", tc.tool, tc.args)
	}
	var empty mcpTracePage
	callJSON(t, s, "paperclip_list_feedback_traces", map[string]any{}, &empty)
	require.NotNil(t, empty.Total)
	assert.Equal(t, 0, *empty.Total)
	paths := waitRequestPaths(t, s, 2)
	assert.Equal(t, []string{"/api" + list, "/api/companies/" + C}, paths, "only the last call reached Paperclip (the list, then the company check of an empty list)")
}
