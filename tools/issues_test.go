package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	testIssue    = "0000aaaa-0000-4000-8000-000000000001"
	testGoal     = "90a1b2c3-0000-4000-8000-000000000001"
	otherAgent   = "bbbbbbbb-0000-4000-8000-000000000002"
	testRun      = "77777777-0000-4000-8000-000000000007"
	otherRun     = "88888888-0000-4000-8000-000000000008"
	testProject  = "50000000-0000-4000-8000-000000000005"
	testLabel    = "1abe1000-0000-4000-8000-000000000001"
	issuePattern = "GET /api/companies/{companyId}/issues"
)

// issueRow is an issue as Paperclip's routes answer it (the fields the
// tools read, plus a few they must ignore).
func issueRow(n int, extra map[string]any) map[string]any {
	row := map[string]any{
		"id": fmt.Sprintf("0000aaaa-0000-4000-8000-%012d", n), "companyId": testCompany, "identifier": fmt.Sprintf("ABC-%d", n),
		"title": fmt.Sprintf("Issue number %d", n), "description": "Do the thing.", "status": "todo", "priority": "medium",
		"assigneeAgentId": nil, "assigneeUserId": nil, "projectId": nil, "goalId": nil, "parentId": nil, "billingCode": nil,
		"checkoutRunId": nil, "executionRunId": nil, "executionLockedAt": nil, "labelIds": []string{}, "labels": []any{},
		"createdAt": "2026-11-26T10:00:00.000Z", "updatedAt": "2026-11-26T11:00:00.000Z", "statusVersion": 3, "workMode": "standard",
	}
	for k, v := range extra {
		row[k] = v
	}
	return row
}

// servePool answers the issue list from pool with the route's own paging
// (limit, offset), and records nothing more than the stub does.
func servePool(s *stub, pool []map[string]any) {
	s.handle(issuePattern, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		page := []map[string]any{}
		for i := offset; i < len(pool) && i < offset+limit; i++ {
			page = append(page, pool[i])
		}
		writeJSON(w, http.StatusOK, page)
	})
}

func pool(n int, extra func(i int) map[string]any) []map[string]any {
	out := make([]map[string]any, 0, n)
	for i := 1; i <= n; i++ {
		var e map[string]any
		if extra != nil {
			e = extra(i)
		}
		out = append(out, issueRow(i, e))
	}
	return out
}

func TestListIssuesPagesOnTheServer(t *testing.T) {
	s := newStub(t)
	servePool(s, pool(7, func(i int) map[string]any {
		if i == 2 {
			return map[string]any{"assigneeAgentId": testAgent, "status": "in_progress", "priority": "high"}
		}
		return nil
	}))
	d := s.deps(client.Config{})

	var p Page[IssueSummary]
	md := callOK(t, d, "paperclip_list_issues", map[string]any{"limit": 3, "status": "todo,in_progress", "assigneeAgentId": testAgent,
		"projectId": testProject, "labelId": testLabel, "q": "thing"}, &p)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	q := reqs[0].Query
	assert.Equal(t, []string{"4"}, q["limit"], "one more than the page: it says whether more exist")
	assert.NotContains(t, q, "offset")
	assert.Equal(t, []string{"todo,in_progress"}, q["status"], "the route takes a CSV of statuses")
	assert.Equal(t, []string{testAgent}, q["assigneeAgentId"])
	assert.Equal(t, []string{testProject}, q["projectId"])
	assert.Equal(t, []string{testLabel}, q["labelId"])
	assert.Equal(t, []string{"thing"}, q["q"])
	assert.NotContains(t, q, "view", "the compact view is cached by the server and lags behind writes")
	assert.Equal(t, 3, p.Count)
	assert.True(t, p.HasMore)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 3, *p.NextOffset)
	assert.Nil(t, p.Total, "Paperclip gives no total: none is made up")
	assert.Equal(t, "ABC-2", p.Items[1].Identifier)
	assert.Contains(t, md, "- **ABC-2** `0000aaaa-0000-4000-8000-000000000002` · in_progress · high · agent `"+testAgent+"` · Issue number 2")
	assert.Contains(t, md, "- **ABC-1** `0000aaaa-0000-4000-8000-000000000001` · todo · medium · unassigned · Issue number 1")
	assert.Contains(t, md, "(more exist)")
	assert.Contains(t, md, "More: call paperclip_list_issues with offset=3")

	// Walk the pages: every issue once, and the last page knows the total.
	var seen []string
	var last Page[IssueSummary]
	for offset := 0; ; {
		var p Page[IssueSummary]
		callOK(t, d, "paperclip_list_issues", map[string]any{"limit": 3, "offset": offset}, &p)
		for _, it := range p.Items {
			seen = append(seen, it.Identifier)
		}
		last = p
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	assert.Equal(t, []string{"ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-5", "ABC-6", "ABC-7"}, seen)
	require.NotNil(t, last.Total)
	assert.Equal(t, 7, *last.Total, "the last page reached the end: the total is exact")
	assert.Equal(t, 6, last.Offset)

	// Past the end with an offset: no total can be known.
	var past Page[IssueSummary]
	callOK(t, d, "paperclip_list_issues", map[string]any{"offset": 50}, &past)
	assert.Nil(t, past.Total)
	assert.Equal(t, 0, past.Count)
	assert.False(t, past.HasMore)

	jsonTextIsStructured(t, d, "paperclip_list_issues", map[string]any{"limit": 2})
}

func TestListIssuesRefusesBadFiltersBeforeSending(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"status": "todo,doing"}, `status "doing" is not a status`},
		{map[string]any{"status": "open"}, `status "open" is not a status`},
		{map[string]any{"status": "todo,"}, "status must match"},
		{map[string]any{"assigneeAgentId": "bob"}, "assigneeAgentId must be a UUID"},
		{map[string]any{"goalId": "G-1"}, "goalId must be a UUID"},
		{map[string]any{"limit": 500}, "limit must be"},
	} {
		msg := callErr(t, d, "paperclip_list_issues", tc.args)
		assert.Contains(t, msg, tc.want, "%v", tc.args)
	}
	assert.Empty(t, s.requests(), "refused before anything is sent")
}

func TestListIssuesFiltersGoalHere(t *testing.T) {
	t.Run("enough matches in the first pages", func(t *testing.T) {
		s := newStub(t)
		servePool(s, pool(1200, func(i int) map[string]any {
			if i%3 == 0 {
				return map[string]any{"goalId": testGoal}
			}
			return nil
		}))
		d := s.deps(client.Config{})
		var p Page[IssueSummary]
		md := callOK(t, d, "paperclip_list_issues", map[string]any{"goalId": testGoal, "limit": 5, "offset": 2, "status": "todo"}, &p)
		reqs := s.requests()
		require.Len(t, reqs, 1, "the first page of 500 holds offset+limit+1 matches")
		assert.NotContains(t, reqs[0].Query, "goalId", "the route ignores goalId: it is not sent")
		assert.Equal(t, []string{"500"}, reqs[0].Query["limit"])
		assert.Equal(t, []string{"todo"}, reqs[0].Query["status"], "the other filters still go to Paperclip")
		require.Equal(t, 5, p.Count)
		assert.Equal(t, "ABC-9", p.Items[0].Identifier, "offset counts matches: the third match is ABC-9")
		for _, it := range p.Items {
			assert.Equal(t, testGoal, it.GoalID)
		}
		assert.True(t, p.HasMore)
		require.NotNil(t, p.NextOffset)
		assert.Equal(t, 7, *p.NextOffset)
		assert.Nil(t, p.Total)
		assert.Contains(t, p.Note, "Paperclip's list ignores it")
		assert.Contains(t, md, "Note: goalId is matched by this server")
	})
	t.Run("every issue read: exact total", func(t *testing.T) {
		s := newStub(t)
		servePool(s, pool(10, func(i int) map[string]any {
			if i <= 4 {
				return map[string]any{"goalId": testGoal}
			}
			return nil
		}))
		d := s.deps(client.Config{})
		var p Page[IssueSummary]
		callOK(t, d, "paperclip_list_issues", map[string]any{"goalId": testGoal}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, 4, *p.Total)
		assert.Equal(t, 4, p.Count)
		assert.False(t, p.HasMore)
		assert.Contains(t, p.Note, "all 10 issues matching the other filters were read")
	})
	t.Run("the scan bound is said, not hidden", func(t *testing.T) {
		s := newStub(t)
		servePool(s, pool(3000, func(i int) map[string]any {
			if i > 2500 {
				return map[string]any{"goalId": testGoal}
			}
			return nil
		}))
		d := s.deps(client.Config{})
		var p Page[IssueSummary]
		md := callOK(t, d, "paperclip_list_issues", map[string]any{"goalId": testGoal}, &p)
		assert.Len(t, s.requests(), goalScanMax/goalScanPage)
		assert.Equal(t, 0, p.Count)
		assert.Nil(t, p.Total, "matches may exist past the bound: no total")
		assert.Contains(t, p.Note, "Incomplete")
		assert.Contains(t, p.Note, "only the first 2000 issues")
		assert.Contains(t, md, "Narrow with status")
	})
}

func TestListIssuesOfNoCompanySaysSo(t *testing.T) {
	s := newStub(t)
	s.reply(issuePattern, 200, []any{})
	s.reply("GET /api/companies/{companyId}", 404, map[string]any{"error": "Company not found"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_issues", map[string]any{})
	assert.Contains(t, msg, "No company has id "+testCompany)
}

func TestGetIssueByIdentifier(t *testing.T) {
	s := newStub(t)
	long := strings.Repeat("x", descriptionMax+50)
	s.reply("GET /api/issues/{issueId}", 200, issueRow(12, map[string]any{
		"assigneeAgentId": testAgent, "status": "in_progress", "checkoutRunId": testRun, "executionRunId": testRun,
		"executionLockedAt": "2026-11-26T11:05:00.000Z", "goalId": testGoal, "billingCode": "ACME",
		"labels":      []any{map[string]any{"id": testLabel, "name": "bug", "color": "#ff0000"}},
		"labelIds":    []string{testLabel},
		"blockedBy":   []any{map[string]any{"id": testIssue, "identifier": "ABC-1", "title": "Earlier work", "status": "todo"}},
		"ancestors":   []any{map[string]any{"id": testIssue, "identifier": "ABC-1", "title": "Parent", "status": "in_progress"}},
		"description": long,
	}))
	d := s.deps(client.Config{})
	var i IssueDetail
	md := callOK(t, d, "paperclip_get_issue", map[string]any{"issueId": "ABC-12"}, &i)
	assert.Equal(t, "/api/issues/ABC-12", s.requests()[0].Path)
	assert.Equal(t, "ABC-12", i.Identifier)
	assert.Equal(t, []string{"bug"}, i.Labels)
	assert.Equal(t, testRun, i.CheckoutRunID)
	assert.True(t, i.DescriptionClipped)
	assert.Len(t, []rune(i.Description), descriptionMax+1)
	require.Len(t, i.BlockedBy, 1)
	assert.Equal(t, "ABC-1", i.BlockedBy[0].Identifier)
	assert.Contains(t, md, "## ABC-12 (`0000aaaa-0000-4000-8000-000000000012`): Issue number 12")
	assert.Contains(t, md, "in_progress · priority medium · agent `"+testAgent+"`")
	assert.Contains(t, md, "run lock: checkout run `"+testRun+"`")
	assert.Contains(t, md, "blocked by: ABC-1 Earlier work (todo)")
	assert.Contains(t, md, "labels bug · billing code ACME")
	assert.Contains(t, md, "[description cut at")
	assert.Contains(t, md, "Next: paperclip_list_comments issueId=ABC-12")
	jsonTextIsStructured(t, d, "paperclip_get_issue", map[string]any{"issueId": testIssue})
}

func TestIssueIDsAreCheckedAndNotFoundSaysWhereToLook(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}", 404, map[string]any{"error": "Issue not found"})
	s.reply("GET /api/issues/{issueId}/heartbeat-context", 404, map[string]any{"error": "Issue not found"})
	d := s.deps(client.Config{})
	for _, bad := range []string{"not an id", "ABC", "12", "ABC-12/../x", "ABC-x"} {
		msg := callErr(t, d, "paperclip_get_issue", map[string]any{"issueId": bad})
		assert.Contains(t, msg, "issueId must match", bad)
	}
	assert.Empty(t, s.requests())
	for _, name := range []string{"paperclip_get_issue", "paperclip_get_heartbeat_context"} {
		msg := callErr(t, d, name, map[string]any{"issueId": "ABC-999"})
		assert.Contains(t, msg, "404 Issue not found", name)
		assert.Contains(t, msg, "paperclip_list_issues", name)
		assert.Contains(t, msg, "paperclip_get_inbox", name)
	}
}

func TestHeartbeatContext(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/heartbeat-context", 200, map[string]any{
		"issue": map[string]any{"id": testIssue, "identifier": "ABC-1", "title": "Fix the build", "description": "It is red.",
			"status": "in_progress", "priority": "high", "projectId": testProject, "goalId": testGoal, "parentId": nil,
			"assigneeAgentId": testAgent, "assigneeUserId": nil, "updatedAt": "2026-11-26T11:00:00.000Z",
			"blockedBy": []any{}, "blocks": []any{map[string]any{"id": "0000aaaa-0000-4000-8000-000000000009", "identifier": "ABC-9", "title": "Release", "status": "blocked"}},
			"blockerAttention": map[string]any{"state": "none"}},
		"ancestors":     []any{map[string]any{"id": "0000aaaa-0000-4000-8000-000000000003", "identifier": "ABC-3", "title": "Epic", "status": "in_progress", "priority": "high"}},
		"project":       map[string]any{"id": testProject, "name": "Website", "status": "in_progress", "targetDate": nil},
		"goal":          map[string]any{"id": testGoal, "title": "Ship 1.0", "status": "planned", "level": "company", "parentId": nil},
		"commentCursor": map[string]any{"totalComments": 4, "latestCommentId": "c0000000-0000-4000-8000-000000000004", "latestCommentAt": "2026-11-26T10:59:00.000Z"},
		"wakeComment":   nil,
		"attachments":   []any{map[string]any{"id": "a0000000-0000-4000-8000-000000000001", "filename": "log.txt", "contentType": "text/plain", "byteSize": 2048, "contentPath": "/api/attachments/x/content"}},
		"continuationSummary": map[string]any{"key": "continuation-summary", "title": "Where I stopped", "body": "Step 2 of 3 done.",
			"latestRevisionId": "d0000000-0000-4000-8000-000000000001", "updatedAt": "2026-11-26T10:58:00.000Z"},
		"planReviewContext": nil, "documentReviewContext": nil, "currentExecutionWorkspace": nil,
	})
	d := s.deps(client.Config{})
	var c IssueContext
	md := callOK(t, d, "paperclip_get_heartbeat_context", map[string]any{"issueId": "abc-1"}, &c)
	assert.Equal(t, "/api/issues/abc-1/heartbeat-context", s.requests()[0].Path)
	assert.Equal(t, "ABC-1", c.Issue.Identifier)
	assert.Equal(t, 4, c.CommentCount)
	require.NotNil(t, c.Goal)
	assert.Equal(t, "Ship 1.0", c.Goal.Name)
	require.Len(t, c.Issue.Ancestors, 1)
	require.Len(t, c.Attachments, 1)
	require.NotNil(t, c.ContinuationSummary)
	assert.Nil(t, c.Workspace)
	for _, want := range []string{"## Heartbeat context of ABC-1", "ancestors: ABC-3 Epic (in_progress)", "project Website", "goal Ship 1.0",
		"blocks: ABC-9 Release (blocked)", "4 comments, latest `c0000000-0000-4000-8000-000000000004`", "attachment log.txt",
		"### Continuation summary", "Step 2 of 3 done.", "### Description", "It is red.", "Next: paperclip_list_comments issueId=ABC-1"} {
		assert.Contains(t, md, want)
	}
	jsonTextIsStructured(t, d, "paperclip_get_heartbeat_context", map[string]any{"issueId": testIssue})
}

func TestCreateIssueSendsTheRealNames(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/issues", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		writeJSON(w, http.StatusCreated, issueRow(5, map[string]any{"title": in["title"], "status": in["status"], "priority": in["priority"]}))
	})
	d := s.deps(client.Config{})
	var r CreateIssueResult
	md := callOK(t, d, "paperclip_create_issue", map[string]any{"title": "Write the docs", "description": "All of them.", "status": "todo",
		"priority": "high", "parentId": testIssue, "goalId": testGoal, "projectId": testProject, "assigneeAgentId": testAgent,
		"billingCode": "ACME", "labelIds": []any{testLabel}, "inheritExecutionWorkspaceFromIssueId": testIssue}, &r)
	req := s.requests()[0]
	assert.Equal(t, "/api/companies/"+testCompany+"/issues", req.Path, "the company defaults to PAPERCLIP_COMPANY_ID")
	assert.Equal(t, map[string]any{"title": "Write the docs", "description": "All of them.", "status": "todo", "priority": "high",
		"parentId": testIssue, "goalId": testGoal, "projectId": testProject, "assigneeAgentId": testAgent, "billingCode": "ACME",
		"labelIds": []any{testLabel}, "inheritExecutionWorkspaceFromIssueId": testIssue}, req.JSON(t))
	assert.True(t, r.Created)
	assert.False(t, r.Deduplicated)
	assert.Empty(t, r.Note)
	assert.Contains(t, md, "## Created ABC-5")
	assert.Contains(t, md, "Next: paperclip_checkout_issue issueId=ABC-5")

	callOK(t, d, "paperclip_create_issue", map[string]any{"title": "Minimal"}, &r)
	assert.Equal(t, map[string]any{"title": "Minimal", "priority": "medium"}, s.requests()[1].JSON(t),
		"only what is given, and the documented default priority; Paperclip picks the status")
}

func TestCreateIssueSaysWhenItWasDeduplicated(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/issues", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		if in["allowDuplicate"] == true {
			writeJSON(w, http.StatusCreated, issueRow(8, map[string]any{"title": in["title"]}))
			return
		}
		writeJSON(w, http.StatusOK, issueRow(7, map[string]any{"title": "Same title", "deduplicated": true, "deduplicationReason": "recent_open_title"}))
	})
	d := s.deps(client.Config{})
	var r CreateIssueResult
	md := callOK(t, d, "paperclip_create_issue", map[string]any{"title": "same  TITLE"}, &r)
	assert.False(t, r.Created)
	assert.True(t, r.Deduplicated)
	assert.Equal(t, "recent_open_title", r.DeduplicationReason)
	assert.Equal(t, "ABC-7", r.Identifier)
	assert.Contains(t, r.Note, "Not created: Paperclip returned the existing issue ABC-7")
	assert.Contains(t, r.Note, "allowDuplicate=true")
	assert.Contains(t, md, "## Not created: existing issue ABC-7")
	assert.Contains(t, md, "allowDuplicate=true")

	callOK(t, d, "paperclip_create_issue", map[string]any{"title": "same  TITLE", "allowDuplicate": true}, &r)
	assert.Equal(t, true, s.requests()[1].JSON(t)["allowDuplicate"])
	assert.True(t, r.Created)
	assert.Equal(t, "ABC-8", r.Identifier)
}

func TestCreateIssueRefusesWhatTheValidatorWould(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"title": "x", "status": "open"}, "status must be one of backlog, todo, in_progress, in_review, done, blocked, cancelled"},
		{map[string]any{"title": "x", "priority": "urgent"}, "priority must be one of critical, high, medium, low"},
		{map[string]any{"title": "x", "labelIds": []any{"bug"}}, "labelIds[0] must be a UUID"},
		{map[string]any{"title": "x", "parentId": "ABC-1"}, "parentId must be a UUID"},
		{map[string]any{"title": ""}, "title is required"},
		{map[string]any{"description": "no title"}, "title is required"},
	} {
		msg := callErr(t, d, "paperclip_create_issue", tc.args)
		assert.Contains(t, msg, tc.want, "%v", tc.args)
	}
	assert.Empty(t, s.requests())
}

func TestUpdateIssueSendsOnlyWhatChanges(t *testing.T) {
	s := newStub(t)
	s.handle("PATCH /api/issues/{issueId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, http.StatusOK, issueRow(3, map[string]any{"status": "done", "priority": "low",
			"comment": map[string]any{"id": "c0000000-0000-4000-8000-000000000001", "body": "Done.", "createdAt": "2026-11-26T12:00:00.000Z"},
			"changes": map[string]any{"status": map[string]any{"from": "todo", "to": "done"}, "goalId": map[string]any{"from": testGoal, "to": nil},
				"statusVersion": map[string]any{"from": 3, "to": 4}}}))
	})
	d := s.deps(client.Config{})
	var r UpdateIssueResult
	md := callOK(t, d, "paperclip_update_issue", map[string]any{"issueId": "ABC-3", "status": "done", "comment": "Done.",
		"labelIds": []any{}, "clear": []any{"goalId", "assigneeAgentId"}}, &r)
	req := s.requests()[0]
	assert.Equal(t, "/api/issues/ABC-3", req.Path)
	assert.Equal(t, map[string]any{"status": "done", "comment": "Done.", "labelIds": []any{}, "goalId": nil, "assigneeAgentId": nil}, req.JSON(t),
		"given fields, [] for labels, null for what clear names; nothing else")
	assert.Equal(t, []string{"goalId", "status"}, r.Changed, "internal counters are not shown")
	assert.Equal(t, "c0000000-0000-4000-8000-000000000001", r.CommentID)
	assert.Contains(t, md, "- changed: goalId, status")
	assert.Contains(t, md, "- comment `c0000000-0000-4000-8000-000000000001` added")
}

func TestUpdateIssueRefusals(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		args map[string]any
		want []string
	}{
		{map[string]any{"issueId": "ABC-3", "executionRunId": testRun}, []string{"executionRunId and executionLockedAt cannot be set",
			"drop them without a word", "paperclip_release_issue issueId=ABC-3", "force-release", "Nothing was sent"}},
		{map[string]any{"issueId": "ABC-3", "status": "todo", "executionLockedAt": "2026-11-26T12:00:00Z"}, []string{"cannot be set", "paperclip_release_issue"}},
		{map[string]any{"issueId": "ABC-3"}, []string{"Nothing to update", "clear=[...]"}},
		{map[string]any{"issueId": "ABC-3", "goalId": nil}, []string{"Nothing to update", "null argument counts as not given"}},
		{map[string]any{"issueId": "ABC-3", "goalId": testGoal, "clear": []any{"goalId"}}, []string{"goalId is both given and in clear"}},
		{map[string]any{"issueId": "ABC-3", "clear": []any{"title"}}, []string{"clear[0] must be one of description"}},
		{map[string]any{"issueId": "ABC-3", "status": "finished"}, []string{"status must be one of"}},
		{map[string]any{"issueId": "ABC-3", "priority": "p1"}, []string{"priority must be one of critical"}},
		{map[string]any{"issueId": "ABC-3", "assigneeAgentId": "me"}, []string{"assigneeAgentId must be a UUID"}},
	} {
		msg := callErr(t, d, "paperclip_update_issue", tc.args)
		for _, w := range tc.want {
			assert.Contains(t, msg, w, "%v", tc.args)
		}
	}
	assert.Empty(t, s.requests(), "every refusal comes before anything is sent")
}

func TestAgentWithoutRunIDIsToldWhatToSet(t *testing.T) {
	s := newStub(t)
	for _, p := range []string{"PATCH /api/issues/{issueId}", "POST /api/issues/{issueId}/checkout", "POST /api/issues/{issueId}/release"} {
		s.reply(p, 401, map[string]any{"error": "Agent run id required"})
	}
	d := s.deps(client.Config{APIKey: "pcp_agentkey_0123456789"})
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"paperclip_update_issue", map[string]any{"issueId": "ABC-3", "status": "done"}},
		{"paperclip_checkout_issue", map[string]any{"issueId": "ABC-3"}},
		{"paperclip_release_issue", map[string]any{"issueId": "ABC-3"}},
	} {
		msg := callErr(t, d, tc.tool, tc.args)
		assert.Contains(t, msg, "401 Agent run id required", tc.tool)
		assert.Contains(t, msg, "PAPERCLIP_RUN_ID", tc.tool)
		assert.NotContains(t, msg, "Check PAPERCLIP_API_KEY", "%s: the key is fine; the run id is missing", tc.tool)
		assert.NotContains(t, msg, "pcp_agentkey_0123456789")
	}
}

func TestCheckoutFillsAgentAndExpectedStatuses(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/issues/{issueId}/checkout", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in struct {
			AgentID string `json:"agentId"`
		}
		_ = json.Unmarshal(body, &in)
		writeJSON(w, http.StatusOK, issueRow(4, map[string]any{"status": "in_progress", "assigneeAgentId": in.AgentID,
			"checkoutRunId": testRun, "executionRunId": testRun}))
	})
	d := s.deps(client.Config{RunID: testRun})
	var i IssueDetail
	md := callOK(t, d, "paperclip_checkout_issue", map[string]any{"issueId": "ABC-4"}, &i)
	req := s.requests()[0]
	assert.Equal(t, "/api/issues/ABC-4/checkout", req.Path)
	assert.Equal(t, map[string]any{"agentId": testAgent, "expectedStatuses": []any{"todo", "backlog", "blocked", "in_review"}}, req.JSON(t),
		"Paperclip requires both: the caller's agent (PAPERCLIP_AGENT_ID) and the default statuses")
	assert.Equal(t, testRun, req.Header.Get("X-Paperclip-Run-Id"), "an agent's checkout carries its run id")
	assert.Equal(t, "in_progress", i.Status)
	assert.Equal(t, testAgent, i.AssigneeAgentID)
	assert.Contains(t, md, "## Checked out ABC-4")
	assert.Contains(t, md, "paperclip_update_issue issueId=ABC-4 status=done")

	callOK(t, d, "paperclip_checkout_issue", map[string]any{"issueId": testIssue, "agentId": otherAgent, "expectedStatuses": []any{"in_progress"}}, &i)
	assert.Equal(t, map[string]any{"agentId": otherAgent, "expectedStatuses": []any{"in_progress"}}, s.requests()[1].JSON(t))
}

func TestRunIDHeaderOnlyWhenConfigured(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/issues/{issueId}/checkout", 200, issueRow(4, map[string]any{"status": "in_progress"}))
	s.reply("GET /api/issues/{issueId}", 200, issueRow(4, nil))
	d := s.deps(client.Config{})
	var i IssueDetail
	callOK(t, d, "paperclip_checkout_issue", map[string]any{"issueId": "ABC-4"}, &i)
	assert.Empty(t, s.requests()[0].Header.Get("X-Paperclip-Run-Id"), "no run id configured, none sent")

	s2 := newStub(t)
	s2.reply("GET /api/issues/{issueId}", 200, issueRow(4, nil))
	d2 := s2.deps(client.Config{RunID: testRun})
	callOK(t, d2, "paperclip_get_issue", map[string]any{"issueId": "ABC-4"}, &i)
	assert.Empty(t, s2.requests()[0].Header.Get("X-Paperclip-Run-Id"), "reads do not carry the run id")
}

func TestCheckoutRefusalsBeforeSending(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"issueId": "ABC-4", "expectedStatuses": []any{}}, "expectedStatuses must have at least 1 items"},
		{map[string]any{"issueId": "ABC-4", "expectedStatuses": []any{"todo", "open"}}, "expectedStatuses[1] must be one of backlog"},
		{map[string]any{"issueId": "ABC-4", "agentId": "me"}, "agentId must be a UUID"},
		{map[string]any{"issueId": "#4"}, "issueId must match"},
	} {
		msg := callErr(t, d, "paperclip_checkout_issue", tc.args)
		assert.Contains(t, msg, tc.want, "%v", tc.args)
	}
	noAgent := s.deps(client.Config{})
	noAgent.AgentID = ""
	msg := callErr(t, noAgent, "paperclip_checkout_issue", map[string]any{"issueId": "ABC-4"})
	assert.Contains(t, msg, "agentId is required")
	assert.Contains(t, msg, "PAPERCLIP_AGENT_ID")
	assert.Empty(t, s.requests())
}

func TestCheckoutConflictSaysWhoHoldsIt(t *testing.T) {
	conflict := func(details map[string]any) func(w http.ResponseWriter, r *http.Request, body []byte) {
		return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusConflict, map[string]any{"error": "Issue checkout conflict", "details": details})
		}
	}
	for _, tc := range []struct {
		name    string
		details map[string]any
		args    map[string]any
		want    []string
	}{
		{"another agent", map[string]any{"issueId": testIssue, "status": "in_progress", "assigneeAgentId": otherAgent, "checkoutRunId": otherRun, "executionRunId": otherRun},
			map[string]any{"issueId": "ABC-1"},
			[]string{"409 Issue checkout conflict", "ABC-1 is in_progress, agent `" + otherAgent + "`, checkout run `" + otherRun + "`",
				"Another agent holds it", "paperclip_list_issues status=todo", "paperclip_add_comment", "force-release"}},
		{"status not expected", map[string]any{"issueId": testIssue, "status": "done", "assigneeAgentId": nil, "checkoutRunId": nil, "executionRunId": nil},
			map[string]any{"issueId": "ABC-1"},
			[]string{"ABC-1 is done, unassigned, checkout run none", "not among expectedStatuses [todo,backlog,blocked,in_review]",
				`expectedStatuses including "done"`, "paperclip_update_issue status=todo"}},
		{"own other run", map[string]any{"issueId": testIssue, "status": "in_progress", "assigneeAgentId": testAgent, "checkoutRunId": otherRun, "executionRunId": otherRun},
			map[string]any{"issueId": "ABC-1", "expectedStatuses": []any{"in_progress"}},
			[]string{"already holds it through another run that is still live", "paperclip_get_heartbeat_run runId=" + otherRun, "paperclip_cancel_heartbeat_run"}},
		{"execution lock", map[string]any{"issueId": testIssue, "status": "todo", "assigneeAgentId": nil, "checkoutRunId": nil, "executionRunId": otherRun},
			map[string]any{"issueId": "ABC-1"},
			[]string{"A run holds its execution lock", "runId=" + otherRun}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t)
			s.handle("POST /api/issues/{issueId}/checkout", conflict(tc.details))
			d := s.deps(client.Config{})
			msg := callErr(t, d, "paperclip_checkout_issue", tc.args)
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

func TestReleaseIssueAndItsConflicts(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/issues/{issueId}/release", 200, issueRow(6, map[string]any{"status": "todo"}))
	d := s.deps(client.Config{RunID: testRun})
	var i IssueDetail
	md := callOK(t, d, "paperclip_release_issue", map[string]any{"issueId": "ABC-6"}, &i)
	req := s.requests()[0]
	assert.Equal(t, "/api/issues/ABC-6/release", req.Path)
	assert.Equal(t, testRun, req.Header.Get("X-Paperclip-Run-Id"))
	assert.Contains(t, md, "## Released ABC-6 (`0000aaaa-0000-4000-8000-000000000006`): now todo, unassigned")
	assert.Contains(t, md, "paperclip_checkout_issue issueId=ABC-6")

	for _, tc := range []struct {
		body map[string]any
		want []string
	}{
		{map[string]any{"error": "Only assignee can release issue"}, []string{"409 Only assignee can release issue", "only the agent ABC-6 is assigned to", "paperclip_add_comment", "force-release"}},
		{map[string]any{"error": "Only checkout run can release issue", "details": map[string]any{"status": "in_progress", "assigneeAgentId": testAgent, "checkoutRunId": otherRun, "actorRunId": testRun}},
			[]string{"409 Only checkout run can release issue", "checkout run `" + otherRun + "`", "only that run may release it"}},
		{map[string]any{"error": "Issue run ownership conflict", "details": map[string]any{"status": "in_progress", "assigneeAgentId": testAgent, "checkoutRunId": nil, "executionRunId": nil, "actorRunId": testRun}},
			[]string{"409 Issue run ownership conflict", "the run id sent is `" + testRun + "`", "current live run", `expectedStatuses including "in_progress"`, "then release"}},
	} {
		s := newStub(t)
		s.reply("POST /api/issues/{issueId}/release", 409, tc.body)
		d := s.deps(client.Config{})
		msg := callErr(t, d, "paperclip_release_issue", map[string]any{"issueId": "ABC-6"})
		for _, w := range tc.want {
			assert.Contains(t, msg, w)
		}
	}
}

func TestUpdateLockConflictKeepsPaperclipsWords(t *testing.T) {
	s := newStub(t)
	s.reply("PATCH /api/issues/{issueId}", 409, map[string]any{"error": "Another agent's run owns this task (Run checkout lock).",
		"details": map[string]any{"code": "issue_write_assignee_run_lock"}})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_update_issue", map[string]any{"issueId": "ABC-6", "status": "done"})
	assert.Contains(t, msg, "409 Another agent's run owns this task")
}

func TestIssueWriteDenialKeepsPaperclipsGuidance(t *testing.T) {
	s := newStub(t)
	s.reply("PATCH /api/issues/{issueId}", 403, map[string]any{
		"error": "Cross-issue writes need a run to attribute them to (Heartbeat run context). Try this: Send the `X-Paperclip-Run-Id` header with your current run.",
		"details": map[string]any{"code": "cross_issue_influence_run_context_required", "boundary": "Heartbeat run context",
			"whoCanAct": "this agent, once the request carries its own run id.", "sanctionedPath": "Send the `X-Paperclip-Run-Id` header with your current run."}})
	d := s.deps(client.Config{APIKey: "pcp_agentkey_0123456789", RunID: testRun})
	msg := callErr(t, d, "paperclip_update_issue", map[string]any{"issueId": "ABC-6", "comment": "hello"})
	assert.Contains(t, msg, "403 Cross-issue writes need a run")
	assert.Contains(t, msg, "PAPERCLIP_RUN_ID must be a run of this agent that Paperclip started for an issue")
	assert.NotContains(t, msg, "board-only actions need a board key", "not a key problem")
}

// TestIssueIDPatternEverywhere: every issueId any tool takes is the one
// pattern (tags cannot share a constant). The UUID half is loose on purpose:
// Paperclip answers 404 to any issue id it does not know, and the client
// escapes every path segment, so the pattern only has to keep obvious
// mistakes out, in few bytes (it is forwarded to the model with each tool).
func TestIssueIDPatternEverywhere(t *testing.T) {
	n := 0
	for _, tool := range Registry() {
		var s argSchema
		require.NoError(t, json.Unmarshal(tool.Def().RawInputSchema, &s))
		if p, ok := s.Properties["issueId"]; ok {
			assert.Equal(t, issueIDPattern, p.Pattern, tool.Spec.Name)
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 15, "issues, comments, documents and attachments take issueId")
}
