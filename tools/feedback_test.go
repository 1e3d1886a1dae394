package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	fbIssue   = "1f26b34f-96a6-48de-9d91-6ed14b89648d"
	fbProject = "22222222-3333-4444-8555-666666666666"
	fbBundle  = "ad5976b8-c243-48b2-93cc-7ebaedd8c122"
)

// traceRow is a trace as Paperclip 2026.916.1 answers it (copied from a
// real answer; payloadSnapshot only with includePayload=true).
func traceRow(i int, vote string, payload any) map[string]any {
	reason := any(nil)
	if vote == "down" {
		reason = fmt.Sprintf("Too terse %d", i)
	}
	var snap any
	if payload != nil {
		snap = map[string]any{"vote": map[string]any{"id": "52df7aad-e42e-461b-9850-fa4777608c77", "value": vote, "reason": reason},
			"bundle": nil, "exportEligible": false, "blob": payload}
	}
	return map[string]any{
		"id": fmt.Sprintf("70000000-0000-4000-8000-%012d", i), "companyId": testCompany, "feedbackVoteId": "52df7aad-e42e-461b-9850-fa4777608c77",
		"issueId": fbIssue, "projectId": nil, "issueIdentifier": "FBX-2", "issueTitle": "Assigned feedback", "authorUserId": "local-board",
		"targetType": "issue_comment", "targetId": fmt.Sprintf("444a06b1-8378-4398-9917-%012d", i), "vote": vote, "status": "local_only",
		"destination": nil, "exportId": nil, "consentVersion": nil, "schemaVersion": "paperclip-feedback-envelope-v2",
		"bundleVersion": "paperclip-feedback-bundle-v2", "payloadVersion": "paperclip-feedback-v1", "payloadDigest": "340e51d7",
		"payloadSnapshot": snap,
		"targetSummary": map[string]any{"label": "Comment", "excerpt": fmt.Sprintf("Agent says hello %d", i), "createdAt": "2026-12-03T07:33:47.751Z",
			"documentKey": nil, "authorUserId": nil, "authorAgentId": testAgent, "documentTitle": nil, "revisionNumber": nil},
		"redactionSummary": map[string]any{"notes": []string{"local_only_trace_stores_metadata_only"}, "counts": map[string]any{}},
		"attemptCount":     0, "lastAttemptedAt": nil, "exportedAt": nil, "failureReason": nil,
		"createdAt": fmt.Sprintf("2026-12-03T07:%02d:48.003Z", 59-i), "updatedAt": "2026-12-03T07:33:48.009Z",
	}
}

// TestFeedbackTracesSendEveryFilterAndPageLocally: every filter goes out
// as Paperclip spells it (times in the Z form), no paging is sent (the
// route has none), and the page is cut here with an exact total.
func TestFeedbackTracesSendEveryFilterAndPageLocally(t *testing.T) {
	s := newStub(t)
	var rows []any
	for i := 0; i < 5; i++ {
		rows = append(rows, traceRow(i, []string{"up", "down"}[i%2], map[string]any{"k": i}))
	}
	s.reply("GET /api/companies/{companyId}/feedback-traces", 200, rows)
	d := s.deps(client.Config{})

	var p Page[FeedbackTraceView]
	md := callOK(t, d, "paperclip_list_feedback_traces", map[string]any{
		"targetType": "issue_comment", "vote": "down", "status": "local_only", "from": "2026-12-01", "to": "2026-12-03T12:00:00+02:00",
		"sharedOnly": true, "includePayload": true, "projectId": fbProject, "issueId": fbIssue, "limit": 2, "offset": 2}, &p)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/companies/"+testCompany+"/feedback-traces", reqs[0].Path, "companyId defaults to PAPERCLIP_COMPANY_ID")
	assert.Equal(t, map[string][]string{
		"targetType": {"issue_comment"}, "vote": {"down"}, "status": {"local_only"},
		"from": {"2026-12-01T00:00:00.000Z"}, "to": {"2026-12-03T10:00:00.000Z"},
		"sharedOnly": {"true"}, "includePayload": {"true"}, "projectId": {fbProject}, "issueId": {fbIssue},
	}, reqs[0].Query, "exactly the filters; no limit or offset")

	require.NotNil(t, p.Total)
	assert.Equal(t, 5, *p.Total)
	assert.Equal(t, 2, p.Count)
	assert.Equal(t, 2, p.Offset)
	assert.True(t, p.HasMore)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 4, *p.NextOffset)
	require.Len(t, p.Items, 2)
	it := p.Items[0]
	assert.Equal(t, "70000000-0000-4000-8000-000000000002", it.ID)
	assert.Equal(t, "up", it.Vote)
	assert.Equal(t, "Comment", it.TargetLabel)
	assert.Equal(t, testAgent, it.TargetAuthorAgentID)
	assert.Equal(t, "FBX-2", it.IssueIdentifier)
	assert.Equal(t, "Too terse 3", p.Items[1].Reason, "the reason comes from the payload snapshot")
	assert.Contains(t, p.Items[1].Payload, `"k":3`)
	assert.Equal(t, utf8.RuneCountInString(p.Items[1].Payload), p.Items[1].PayloadChars, "a small payload is whole")

	assert.Contains(t, md, "## Feedback traces: 2 shown from offset 2 (5 in all; 1 up, 1 down shown)")
	assert.Contains(t, md, "- **down** `70000000-0000-4000-8000-000000000003` · issue_comment `444a06b1-8378-4398-9917-000000000003` on FBX-2 · local_only · 2026-12-03 07:56:48Z · reason: Too terse 3 · “Agent says hello 3”")
	assert.Contains(t, md, "payload (")
	assert.Contains(t, md, "More: call paperclip_list_feedback_traces with offset=4, and the same filters.")
	assert.Contains(t, md, "Next: paperclip_get_feedback_trace_bundle traceId=70000000-0000-4000-8000-000000000002")

	// Without includePayload there is neither payload nor reason.
	p = Page[FeedbackTraceView]{}
	s2 := newStub(t)
	s2.reply("GET /api/companies/{companyId}/feedback-traces", 200, []any{traceRow(1, "down", nil)})
	d2 := s2.deps(client.Config{})
	callOK(t, d2, "paperclip_list_feedback_traces", map[string]any{"companyId": fbProject}, &p)
	require.Len(t, p.Items, 1)
	assert.Empty(t, p.Items[0].Payload)
	assert.Empty(t, p.Items[0].Reason)
	assert.Equal(t, "/api/companies/"+fbProject+"/feedback-traces", s2.requests()[0].Path)
	assert.Empty(t, s2.requests()[0].Query, "no filter, no query")
	jsonTextIsStructured(t, d2, "paperclip_list_feedback_traces", map[string]any{})
}

// TestFeedbackRefusalsSendNothing: the documented examples (issue,
// comment, resolved) are not Paperclip's enums (it answers 400), a
// malformed id is a 500 upstream, a bad time a 400: all refused here.
func TestFeedbackRefusalsSendNothing(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_list_feedback_traces", map[string]any{"targetType": "issue"}, `targetType must be one of issue_comment, issue_document_revision, got "issue"`},
		{"paperclip_list_feedback_traces", map[string]any{"targetType": "comment"}, "issue_document_revision"},
		{"paperclip_list_feedback_traces", map[string]any{"vote": "resolved"}, `vote must be one of up, down, got "resolved"`},
		{"paperclip_list_feedback_traces", map[string]any{"vote": "+1"}, "vote must be one of"},
		{"paperclip_list_feedback_traces", map[string]any{"status": "resolved"}, `status must be one of local_only, pending, sent, failed, got "resolved"`},
		{"paperclip_list_feedback_traces", map[string]any{"status": "open"}, "status must be one of"},
		{"paperclip_list_feedback_traces", map[string]any{"issueId": "ABC-12"}, `issueId must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got "ABC-12"`},
		{"paperclip_list_feedback_traces", map[string]any{"issueId": "ABC-12"}, "for an identifier such as ABC-12 call paperclip_list_issue_feedback_traces"},
		{"paperclip_list_feedback_traces", map[string]any{"projectId": "apollo"}, "projectId must be a UUID"},
		{"paperclip_list_feedback_traces", map[string]any{"companyId": "acme"}, "companyId must be a UUID"},
		{"paperclip_list_feedback_traces", map[string]any{"from": "yesterday"}, "from must be an ISO 8601 time"},
		{"paperclip_list_feedback_traces", map[string]any{"to": "soon"}, "to must be an ISO 8601 time"},
		{"paperclip_list_feedback_traces", map[string]any{"limit": 101}, "limit"},
		{"paperclip_list_feedback_traces", map[string]any{"sharedOnly": "yes"}, "sharedOnly must be true or false"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "../companies"}, "issueId must match"},
		{"paperclip_list_issue_feedback_traces", map[string]any{}, "issueId is required"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "vote": "meh"}, "vote must be one of"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "targetType": "issue"}, "targetType must be one of"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "status": "resolved"}, "status must be one of"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "from": "last week"}, "from must be an ISO 8601 time"},
		{"paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "projectId": fbProject}, `unknown argument "projectId"`},
		{"paperclip_get_feedback_trace_bundle", map[string]any{"traceId": "trace-1"}, `traceId must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got "trace-1". Find trace ids with paperclip_list_feedback_traces.`},
		{"paperclip_get_feedback_trace_bundle", map[string]any{}, "traceId is required"},
	} {
		msg := callErr(t, d, tc.tool, tc.args)
		assert.Contains(t, msg, tc.want, "%s %v", tc.tool, tc.args)
	}
	assert.Empty(t, s.requests(), "nothing is sent for a refused argument")
}

// TestIssueFeedbackTracesTakeAnIdentifier: the issue route accepts ABC-12
// in its path, gets the same filters (one builder) and never issueId or
// projectId in its query.
func TestIssueFeedbackTracesTakeAnIdentifier(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/feedback-traces", 200, []any{traceRow(0, "up", nil), traceRow(1, "down", nil)})
	d := s.deps(client.Config{})
	var p Page[FeedbackTraceView]
	md := callOK(t, d, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2", "vote": "up", "targetType": "issue_document_revision",
		"status": "sent", "from": "2026-12-01T10:00:00Z", "to": "2026-12-02", "sharedOnly": true, "includePayload": true, "limit": 1}, &p)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/issues/FBX-2/feedback-traces", reqs[0].Path)
	assert.Equal(t, map[string][]string{"vote": {"up"}, "targetType": {"issue_document_revision"}, "status": {"sent"},
		"from": {"2026-12-01T10:00:00.000Z"}, "to": {"2026-12-02T00:00:00.000Z"}, "sharedOnly": {"true"}, "includePayload": {"true"}}, reqs[0].Query)
	require.NotNil(t, p.Total)
	assert.Equal(t, 2, *p.Total)
	assert.Equal(t, 1, p.Count)
	assert.Contains(t, md, "## Feedback traces of issue FBX-2: 1 shown from offset 0 (2 in all; 1 up, 0 down shown)")
	assert.Contains(t, md, "More: call paperclip_list_issue_feedback_traces with offset=1, and the same filters.")

	p = Page[FeedbackTraceView]{}
	md = callOK(t, d, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": fbIssue, "offset": 5}, &p)
	assert.Equal(t, 0, p.Count)
	assert.False(t, p.HasMore)
	assert.Contains(t, md, "(2 in all;")
	assert.Equal(t, "/api/issues/"+fbIssue+"/feedback-traces", s.requests()[1].Path)
}

// TestFeedbackBoardOnlyAndNotFound: Paperclip's 403 and 404 words reach
// the caller with what to do.
func TestFeedbackBoardOnlyAndNotFound(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/feedback-traces", 403, map[string]any{"error": "Only board users can view feedback traces"})
	s.reply("GET /api/feedback-traces/{traceId}/bundle", 404, map[string]any{"error": "Feedback trace not found"})
	s.reply("GET /api/companies/{companyId}/feedback-traces", 403, map[string]any{"error": "Board access required"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_issue_feedback_traces", map[string]any{"issueId": "FBX-2"})
	assert.Contains(t, msg, "403 Only board users can view feedback traces")
	assert.Contains(t, msg, "paperclip_list_issue_feedback_traces is board only")
	msg = callErr(t, d, "paperclip_list_feedback_traces", map[string]any{})
	assert.Contains(t, msg, "403 Board access required")
	assert.Contains(t, msg, "board only")
	msg = callErr(t, d, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": fbBundle})
	assert.Contains(t, msg, "Feedback trace not found")
	assert.Contains(t, msg, findTrace)

	// The company list's issueId has the pattern of every issueId, narrowed
	// to a UUID; the issue list's takes an identifier.
	var in argSchema
	require.NoError(t, json.Unmarshal(findTool(t, "paperclip_list_feedback_traces").Def().RawInputSchema, &in))
	assert.Equal(t, issueIDPattern, in.Properties["issueId"].Pattern)
	assert.Equal(t, "uuid", in.Properties["issueId"].Format)
	require.NoError(t, json.Unmarshal(findTool(t, "paperclip_list_issue_feedback_traces").Def().RawInputSchema, &in))
	assert.Equal(t, issueIDPattern, in.Properties["issueId"].Pattern)
	assert.Empty(t, in.Properties["issueId"].Format)

	t.Logf("the feedback toolset forwards %d bytes to the model", forwardedBytes(feedbackTools()))
	for _, name := range []string{"paperclip_list_feedback_traces", "paperclip_list_issue_feedback_traces", "paperclip_get_feedback_trace_bundle"} {
		def := findTool(t, name).Def()
		assert.True(t, strings.HasPrefix(def.Description, "Board only: "), name)
		assert.NotEqual(t, "Board only.", firstSentence(def.Description), "%s: the README row says what it does", name)
		assert.LessOrEqual(t, len(def.Description), 220, name)
		assert.True(t, *def.Annotations.ReadOnlyHint, name)
	}
}

// TestFeedbackEmptyListOfAnUnknownCompany: Paperclip answers [] for a
// company that does not exist, so an empty list is checked.
func TestFeedbackEmptyListOfAnUnknownCompany(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/feedback-traces", 200, []any{})
	s.reply("GET /api/companies/{companyId}", 404, map[string]any{"error": "Company not found"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_feedback_traces", map[string]any{})
	assert.Contains(t, msg, "No company has id "+testCompany)

	s2 := newStub(t)
	s2.reply("GET /api/companies/{companyId}/feedback-traces", 200, []any{})
	s2.reply("GET /api/companies/{companyId}", 200, map[string]any{"id": testCompany, "name": "Acme", "status": "active"})
	var p Page[FeedbackTraceView]
	md := callOK(t, s2.deps(client.Config{}), "paperclip_list_feedback_traces", map[string]any{"vote": "down"}, &p)
	assert.Equal(t, 0, p.Count)
	assert.Contains(t, md, "No feedback traces match.")
	assert.NotContains(t, md, "Next:", "no trace to name")
}

// TestFeedbackHugePayloadsStayBounded: one huge payload is clipped in the
// item, and a page of them is cut to fit, JSON and markdown alike.
func TestFeedbackHugePayloadsStayBounded(t *testing.T) {
	s := newStub(t)
	huge := strings.Repeat(`he said "ok" `, 8000) // 104 KB, quotes to escape
	var rows []any
	for i := 0; i < 30; i++ {
		r := traceRow(i, "down", huge)
		r["targetSummary"].(map[string]any)["excerpt"] = strings.Repeat("x", 50000)
		r["issueTitle"] = strings.Repeat("t", 5000)
		rows = append(rows, r)
	}
	s.reply("GET /api/companies/{companyId}/feedback-traces", 200, rows)
	d := s.deps(client.Config{})

	for _, format := range []string{"json", "markdown"} {
		res := call(t, d, "paperclip_list_feedback_traces", map[string]any{"includePayload": true, "limit": 100, "response_format": format})
		require.False(t, res.IsError, text(res))
		raw := res.StructuredContent.(json.RawMessage)
		assert.LessOrEqual(t, len(raw), maxResultChars, format)
		assert.LessOrEqual(t, utf8.RuneCountInString(text(res)), maxResultChars, format)
		var p Page[FeedbackTraceView]
		require.NoError(t, json.Unmarshal(raw, &p))
		require.NotEmpty(t, p.Items, "at least one item fits")
		assert.Less(t, p.Count, 30)
		assert.Contains(t, p.Note, "Shortened to")
		require.NotNil(t, p.NextOffset)
		assert.Equal(t, p.Count, *p.NextOffset)
		it := p.Items[0]
		assert.LessOrEqual(t, utf8.RuneCountInString(it.Payload), tracePayloadChars+1)
		assert.Greater(t, it.PayloadChars, len(huge), "the full size is said")
		assert.LessOrEqual(t, utf8.RuneCountInString(it.Excerpt), traceExcerptChars+1)
		if format == "markdown" {
			assert.Contains(t, text(res), "Shortened to")
			assert.Contains(t, text(res), fmt.Sprintf("More: call paperclip_list_feedback_traces with offset=%d", p.Count))
		}
	}
	// A single trace with a huge payload fits whole, payload clipped.
	var one Page[FeedbackTraceView]
	callOK(t, d, "paperclip_list_feedback_traces", map[string]any{"includePayload": true, "limit": 1}, &one)
	require.Equal(t, 1, one.Count)
	assert.Empty(t, one.Note, "one item fits without shortening")
	assert.True(t, strings.HasSuffix(one.Items[0].Payload, "…"))
}

// bundleRow is a bundle shaped as Paperclip answers it, with n files of
// size bytes each; ids in it are mangled as its redaction does.
func bundleRow(n, size int) map[string]any {
	var files []any
	for i := 0; i < n; i++ {
		files = append(files, map[string]any{"path": fmt.Sprintf("paperclip/file-%02d.json", i), "contentType": "application/json", "encoding": "utf8",
			"byteLength": size, "sha256": fmt.Sprintf("%064d", i), "source": "paperclip_run", "contents": strings.Repeat("{\"line\": \"```\"}\n", size/16)})
	}
	return map[string]any{
		"traceId": fbBundle, "exportId": nil, "companyId": testCompany, "issueId": fbIssue, "issueIdentifier": "FBX-2", "adapterType": "process",
		"captureStatus": "partial", "notes": []string{"adapter_specific_trace_not_supported", "adapter_trace_partial"},
		"envelope": map[string]any{"traceId": fbBundle, "companyId": "e64e19fa-[REDACTED_PHONE]-aa7b-f152286aee7a", "issueTitle": "Assigned feedback",
			"targetType": "issue_comment", "targetId": "444a06b1-[REDACTED_PHONE]-b7005d6e089f", "vote": "down", "status": "local_only",
			"createdAt": "2026-12-03T07:33:48.003Z", "exportedAt": nil},
		"surface": map[string]any{"target": map[string]any{"id": "444a06b1-[REDACTED_PHONE]-b7005d6e089f"},
			"summary": map[string]any{"label": "Comment", "excerpt": "Agent says hello, here is my work"}},
		"paperclipRun": map[string]any{"id": "5ce8550d-3536-4cb8-82de-97f643de523f", "companyId": "e64e19fa-[REDACTED_PHONE]-aa7b-f152286aee7a",
			"agentId": "40fe9213-[REDACTED_PHONE]-149beb9abc3f", "agentName": "fb-sleeper", "adapterType": "process", "invocationSource": "assignment",
			"status": "succeeded", "startedAt": "2026-12-03T07:33:47.126Z", "finishedAt": nil, "error": nil, "logBytes": 371, "eventCount": 12,
			"contextSnapshot": map[string]any{"big": strings.Repeat("c", 100000)}},
		"rawAdapterTrace": nil, "normalizedAdapterTrace": nil,
		"privacy": map[string]any{"notes": []string{}, "bundleRedactionSummary": map[string]any{"strategy": "deterministic_feedback_v2",
			"redactedFields": []string{"a", "b", "c"}, "truncatedFields": []string{"d"}, "omittedFields": []string{}}},
		"integrity": map[string]any{"payloadDigest": "340e51d7", "bundleDigest": "5b545969"},
		"files":     files,
	}
}

// TestFeedbackBundleIsASummaryWithBoundedPreviews: a bundle of 40 files of
// 64 KB is listed (the first 30) with sizes and short previews; the JSON
// stays within the output bound and the markdown says what it holds.
func TestFeedbackBundleIsASummaryWithBoundedPreviews(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/feedback-traces/{traceId}/bundle", 200, bundleRow(40, 64*1024))
	d := s.deps(client.Config{})
	var b FeedbackBundleView
	md := callOK(t, d, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": fbBundle}, &b)
	require.Len(t, s.requests(), 1)
	assert.Equal(t, "/api/feedback-traces/"+fbBundle+"/bundle", s.requests()[0].Path)
	assert.Equal(t, fbBundle, b.TraceID)
	assert.Equal(t, "down", b.Vote)
	assert.Equal(t, "issue_comment", b.TargetType)
	assert.Equal(t, "Agent says hello, here is my work", b.Excerpt)
	assert.Equal(t, 40, b.FileCount)
	assert.Len(t, b.Files, bundleFileMax)
	assert.Equal(t, int64(40*64*1024), b.TotalBytes)
	assert.Equal(t, 3, b.Redacted)
	assert.Equal(t, 1, b.Truncated)
	require.NotNil(t, b.Run)
	assert.Equal(t, "5ce8550d-3536-4cb8-82de-97f643de523f", b.Run.ID)
	assert.Empty(t, b.Run.AgentID, "an id mangled by the redaction is left out")
	assert.Equal(t, 12, b.Run.EventCount)
	previews := 0
	for _, f := range b.Files {
		previews += utf8.RuneCountInString(f.Preview)
		assert.LessOrEqual(t, utf8.RuneCountInString(f.Preview), bundlePreviewChars)
	}
	assert.LessOrEqual(t, previews, bundlePreviewTotal)
	assert.True(t, b.Files[0].Clipped)
	assert.Empty(t, b.Files[29].Preview, "the preview budget is spent on the first files")

	res := call(t, d, "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": fbBundle, "response_format": "json"})
	raw := res.StructuredContent.(json.RawMessage)
	assert.Less(t, len(raw), maxResultChars, "structured content is bounded")
	assert.NotContains(t, string(raw), strings.Repeat("c", 1000), "no run context snapshot")

	assert.Contains(t, md, "## Feedback trace bundle `"+fbBundle+"`: down vote on issue_comment of FBX-2, 40 files (2.5 MB)")
	assert.Contains(t, md, "- Source run `5ce8550d-3536-4cb8-82de-97f643de523f` by fb-sleeper · process · succeeded · 12 events · log 371 B")
	assert.Contains(t, md, "- Redaction: 3 fields redacted, 1 truncated, 0 omitted")
	assert.Contains(t, md, "- `paperclip/file-00.json` application/json · paperclip_run · 64.0 KB")
	assert.Contains(t, md, "- … and 10 more files.")
	assert.Contains(t, md, "Next: paperclip_list_issue_feedback_traces issueId=FBX-2")
	assert.Contains(t, md, "#### paperclip/file-00.json (64.0 KB, the first 2000 characters)\n````\n")
	assert.LessOrEqual(t, utf8.RuneCountInString(md), maxResultChars)

	// A bundle without a source run says so.
	s2 := newStub(t)
	nr := bundleRow(0, 0)
	nr["paperclipRun"], nr["captureStatus"], nr["notes"] = nil, "unavailable", []string{"source_run_missing"}
	s2.reply("GET /api/feedback-traces/{traceId}/bundle", 200, nr)
	b = FeedbackBundleView{}
	md = callOK(t, s2.deps(client.Config{}), "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": fbBundle}, &b)
	assert.Nil(t, b.Run)
	assert.Equal(t, 0, b.FileCount)
	assert.Contains(t, md, "No source run")
	assert.Contains(t, md, "source_run_missing")
	jsonTextIsStructured(t, s2.deps(client.Config{}), "paperclip_get_feedback_trace_bundle", map[string]any{"traceId": fbBundle})
}
