package tools

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	testApproval   = "a9900000-0000-4000-8000-000000000001"
	testHireSecret = "sk-hire-secret-value-123"
)

func approvalID(i int) string { return fmt.Sprintf("a9900000-0000-4000-8000-%012d", i) }

func approvalRow(id, typ, status, created string, payload map[string]any) map[string]any {
	return map[string]any{"id": id, "companyId": testCompany, "type": typ, "status": status,
		"requestedByAgentId": testAgent, "requestedByUserId": nil, "payload": payload, "decisionNote": nil,
		"decidedByUserId": nil, "decidedAt": nil, "createdAt": created, "updatedAt": created}
}

func hirePayload() map[string]any {
	return map[string]any{"name": "Scout", "role": "researcher", "agentId": "a6e00000-0000-4000-8000-000000000009",
		"adapterType": "process", "adapterConfig": map[string]any{"env": map[string]any{"TOKEN": testHireSecret}},
		"runtimeConfig": map[string]any{"x": testHireSecret}, "requestedConfigurationSnapshot": map[string]any{"adapterConfig": testHireSecret}}
}

// The route has no paging and no order: one request, sorted newest first
// here, paged here with an exact total; status is one exact value.
func TestApprovalsListPagesHereWithOneStatus(t *testing.T) {
	s := newStub(t)
	rows := []any{}
	for i, day := range []int{3, 1, 5, 2, 4} {
		rows = append(rows, approvalRow(approvalID(i+1), "request_board_approval", "pending",
			fmt.Sprintf("2026-12-0%dT10:00:00.000Z", day), map[string]any{"title": fmt.Sprintf("ask %d", day)}))
	}
	s.reply("GET /api/companies/{companyId}/approvals", 200, rows)
	d := s.deps(client.Config{})
	var titles []string
	for offset := 0; ; {
		var p Page[ApprovalSummary]
		callOK(t, d, "paperclip_list_approvals", map[string]any{"limit": 2, "offset": offset, "status": "pending"}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, 5, *p.Total)
		for _, a := range p.Items {
			titles = append(titles, a.Summary)
		}
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	assert.Equal(t, []string{"ask 5", "ask 4", "ask 3", "ask 2", "ask 1"}, titles, "newest first")
	for _, r := range s.requests() {
		assert.Equal(t, map[string][]string{"status": {"pending"}}, r.Query, "no paging sent: it is done here")
	}
	md := text(call(t, d, "paperclip_list_approvals", map[string]any{"limit": 2, "status": "pending"}))
	assert.Contains(t, md, "## Approvals pending: 2 shown from offset 0 (5 in all), newest first")
	assert.Contains(t, md, "- `"+approvalID(3)+"` · request_board_approval · pending · by agent `"+testAgent+"` · 2026-12-05 10:00:00Z · ask 5")
	assert.Contains(t, md, "More: call paperclip_list_approvals with offset=2, status=pending.")

	n := len(s.requests())
	for _, bad := range []string{"pending,approved", "open", "PENDING"} {
		msg := callErr(t, d, "paperclip_list_approvals", map[string]any{"status": bad})
		assert.Contains(t, msg, "status")
	}
	assert.Len(t, s.requests(), n, "a CSV or unknown status is refused before sending (upstream it matches nothing)")

	callOK(t, d, "paperclip_list_approvals", nil, &Page[ApprovalSummary]{})
	assert.Empty(t, s.requests()[n].Query, "no status: every approval")
	jsonTextIsStructured(t, d, "paperclip_list_approvals", nil)
}

func TestApprovalsListOfAnUnknownCompany(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/companies/{companyId}/approvals", 200, []any{})
	s.reply("GET /api/companies/{companyId}", 404, map[string]any{"error": "Company not found"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_approvals", map[string]any{"companyId": "33333333-0000-4000-8000-000000000001"})
	assert.Contains(t, msg, "No company has id 33333333-0000-4000-8000-000000000001")
}

// A hire's payload carries the adapter and runtime configuration: never shown.
func TestApprovalsGetShowsTheApprovalWithoutSecrets(t *testing.T) {
	s := newStub(t)
	row := approvalRow(testApproval, "hire_agent", "revision_requested", "2026-12-01T10:00:00.000Z", hirePayload())
	row["decisionNote"] = "Give it a budget"
	row["decidedByUserId"] = "local-board"
	row["decidedAt"] = "2026-12-01T11:00:00.000Z"
	s.reply("GET /api/approvals/{approvalId}", 200, row)
	d := s.deps(client.Config{})
	var a ApprovalDetail
	md := callOK(t, d, "paperclip_get_approval", map[string]any{"approvalId": testApproval}, &a)
	assert.Equal(t, "hire_agent", a.Type)
	assert.Equal(t, "Give it a budget", a.DecisionNote)
	assert.Equal(t, "Scout", a.Payload["name"])
	for _, k := range hiddenPayloadKeys {
		assert.NotContains(t, a.Payload, k)
	}
	assert.Contains(t, md, "## Approval `"+testApproval+"`: hire_agent · revision_requested")
	assert.Contains(t, md, "- requested by agent `"+testAgent+"` · created 2026-12-01 10:00:00Z")
	assert.Contains(t, md, "- decision note: Give it a budget (by local-board, 2026-12-01 11:00:00Z)")
	assert.Contains(t, md, "- payload: hire Scout (researcher), agent `a6e00000-0000-4000-8000-000000000009`")
	assert.Contains(t, md, "paperclip_resubmit_approval approvalId="+testApproval)
	for _, f := range []string{"markdown", "json"} {
		res := call(t, d, "paperclip_get_approval", map[string]any{"approvalId": testApproval, "response_format": f})
		assert.NotContains(t, text(res), testHireSecret)
		assert.NotContains(t, fmt.Sprint(res.StructuredContent), testHireSecret)
	}
	jsonTextIsStructured(t, d, "paperclip_get_approval", map[string]any{"approvalId": testApproval})

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_get_approval", map[string]any{"approvalId": "nope"}), "UUID")
	assert.Len(t, s.requests(), n, "a malformed id (500 upstream) is refused before sending")

	s2 := newStub(t)
	s2.reply("GET /api/approvals/{approvalId}", 404, map[string]any{"error": "Approval not found"})
	msg := callErr(t, s2.deps(client.Config{}), "paperclip_get_approval", map[string]any{"approvalId": testApproval})
	assert.Contains(t, msg, "Not found (404 Approval not found). "+findApproval)
}

func TestApprovalsCreate(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/approvals", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		writeJSON(w, 201, approvalRow(testApproval, m["type"].(string), "pending", "2026-12-01T10:00:00.000Z", m["payload"].(map[string]any)))
	})
	d := s.deps(client.Config{})
	var a ApprovalDetail
	md := callOK(t, d, "paperclip_create_approval", map[string]any{"type": "request_board_approval",
		"payload": map[string]any{"title": "Buy a GPU"}, "issueIds": []any{"1550e000-0000-4000-8000-000000000001"}}, &a)
	assert.Equal(t, "pending", a.Status)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/companies/"+testCompany+"/approvals", reqs[0].Path)
	assert.Equal(t, map[string]any{"type": "request_board_approval", "payload": map[string]any{"title": "Buy a GPU"},
		"issueIds": []any{"1550e000-0000-4000-8000-000000000001"}}, reqs[0].JSON(t))
	assert.Contains(t, md, "## Created approval `"+testApproval+"`: request_board_approval · pending")
	assert.Contains(t, md, "- payload: Buy a GPU")
	assert.Contains(t, md, "paperclip_approve, paperclip_reject or paperclip_request_revision")

	for _, bad := range []map[string]any{
		{"type": "board_approval", "payload": map[string]any{}},
		{"type": "hire_agent"},
		{"type": "hire_agent", "payload": map[string]any{}, "requestedByAgentId": "bot"},
		{"type": "hire_agent", "payload": map[string]any{}, "issueIds": []any{"ABC-1"}},
	} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_create_approval", bad))
	}
	assert.Len(t, s.requests(), 1, "bad arguments are refused before sending")
}

// reject's reason and request_revision's feedback are the real decisionNote;
// approve takes an optional one; all three are board only.
func TestApprovalsDecisionsSendTheDecisionNote(t *testing.T) {
	s := newStub(t)
	for _, p := range []struct{ path, status string }{{"approve", "approved"}, {"reject", "rejected"}, {"request-revision", "revision_requested"}} {
		status := p.status
		s.handle("POST /api/approvals/{approvalId}/"+p.path, func(w http.ResponseWriter, r *http.Request, body []byte) {
			row := approvalRow(r.PathValue("approvalId"), "hire_agent", status, "2026-12-01T10:00:00.000Z", hirePayload())
			row["decisionNote"] = stubReq{Body: body}.JSON(t)["decisionNote"]
			writeJSON(w, 200, row)
		})
	}
	s.reply("GET /api/approvals/{approvalId}", 200, approvalRow(testApproval, "hire_agent", "pending", "2026-12-01T10:00:00.000Z", hirePayload()))
	d := s.deps(client.Config{})
	var a ApprovalDetail
	md := callOK(t, d, "paperclip_reject", map[string]any{"approvalId": testApproval, "reason": "Too costly"}, &a)
	assert.Equal(t, "Too costly", a.DecisionNote)
	assert.Contains(t, md, "- decision note: Too costly")
	assert.Contains(t, md, "the pending agent `a6e00000-0000-4000-8000-000000000009` is terminated")
	md = callOK(t, d, "paperclip_request_revision", map[string]any{"approvalId": testApproval, "feedback": "Smaller budget"}, &a)
	assert.Equal(t, "revision_requested", a.Status)
	assert.Contains(t, md, "paperclip_resubmit_approval approvalId="+testApproval)
	md = callOK(t, d, "paperclip_approve", map[string]any{"approvalId": testApproval, "decisionNote": "ok"}, &a)
	assert.Contains(t, md, "the hired agent `a6e00000-0000-4000-8000-000000000009` is active now")
	callOK(t, d, "paperclip_approve", map[string]any{"approvalId": testApproval}, &a)
	callOK(t, d, "paperclip_reject", map[string]any{"approvalId": testApproval}, &a)

	reqs := []stubReq{}
	for _, r := range s.requests() {
		if r.Method == http.MethodPost {
			reqs = append(reqs, r)
		}
	}
	require.Len(t, reqs, 5)
	assert.Equal(t, "/api/approvals/"+testApproval+"/reject", reqs[0].Path)
	assert.Equal(t, map[string]any{"decisionNote": "Too costly"}, reqs[0].JSON(t), "reason is sent as decisionNote")
	assert.Equal(t, "/api/approvals/"+testApproval+"/request-revision", reqs[1].Path)
	assert.Equal(t, map[string]any{"decisionNote": "Smaller budget"}, reqs[1].JSON(t), "feedback is sent as decisionNote")
	assert.Equal(t, map[string]any{"decisionNote": "ok"}, reqs[2].JSON(t))
	assert.Equal(t, map[string]any{}, reqs[3].JSON(t), "no note: none sent")
	assert.Equal(t, map[string]any{}, reqs[4].JSON(t))
	for _, r := range reqs {
		assert.NotContains(t, string(r.Body), testHireSecret)
	}
	assert.NotContains(t, md, testHireSecret)

	for _, name := range []string{"paperclip_approve", "paperclip_reject", "paperclip_request_revision"} {
		tool := findTool(t, name)
		assert.True(t, tool.Spec.BoardOnly, name)
		assert.True(t, strings.HasPrefix(tool.Def().Description, "Board only."), name)
	}
	for _, name := range []string{"paperclip_create_approval", "paperclip_resubmit_approval", "paperclip_add_approval_comment", "paperclip_create_agent_hire"} {
		assert.False(t, findTool(t, name).Spec.BoardOnly, name)
	}
	assert.True(t, *findTool(t, "paperclip_reject").Def().Annotations.DestructiveHint, "a rejection is final")
	assert.True(t, *findTool(t, "paperclip_approve").Def().Annotations.IdempotentHint, "approving twice is a no-op upstream")

	s2 := newStub(t)
	s2.reply("GET /api/approvals/{approvalId}", 200, approvalRow(testApproval, "request_board_approval", "pending", "2026-12-01T10:00:00.000Z", map[string]any{}))
	s2.reply("POST /api/approvals/{approvalId}/approve", 403, map[string]any{"error": "Board access required"})
	s2.reply("POST /api/approvals/{approvalId}/request-revision", 422, map[string]any{"error": "Only pending approvals can request revision"})
	d2 := s2.deps(client.Config{})
	msg := callErr(t, d2, "paperclip_approve", map[string]any{"approvalId": testApproval})
	assert.Contains(t, msg, "paperclip_approve is board only")
	msg = callErr(t, d2, "paperclip_request_revision", map[string]any{"approvalId": testApproval, "feedback": "x"})
	assert.Contains(t, msg, "422 Only pending approvals can request revision")
}

// The resubmit route has no comment field: a comment is posted with the
// comments route first (after checking the state), then the approval is
// resubmitted.
func TestApprovalsResubmitPostsTheCommentFirst(t *testing.T) {
	s := newStub(t)
	status := "revision_requested"
	s.handle("GET /api/approvals/{approvalId}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, approvalRow(testApproval, "request_board_approval", status, "2026-12-01T10:00:00.000Z", map[string]any{"title": "v1"}))
	})
	s.reply("POST /api/approvals/{approvalId}/comments", 201, map[string]any{"id": "c0000000-0000-4000-8000-000000000001",
		"approvalId": testApproval, "authorAgentId": testAgent, "authorUserId": nil, "body": "Budget halved", "createdAt": "2026-12-01T12:00:00.000Z"})
	s.handle("POST /api/approvals/{approvalId}/resubmit", func(w http.ResponseWriter, r *http.Request, body []byte) {
		p, _ := stubReq{Body: body}.JSON(t)["payload"].(map[string]any)
		if p == nil {
			p = map[string]any{"title": "v1"}
		}
		writeJSON(w, 200, approvalRow(testApproval, "request_board_approval", "pending", "2026-12-01T10:00:00.000Z", p))
	})
	d := s.deps(client.Config{})
	var r ResubmitResult
	md := callOK(t, d, "paperclip_resubmit_approval", map[string]any{"approvalId": testApproval, "comment": " Budget halved ",
		"payload": map[string]any{"title": "v2"}}, &r)
	assert.Equal(t, "pending", r.Approval.Status)
	require.NotNil(t, r.Comment)
	assert.Equal(t, "Budget halved", r.Comment.Body)
	assert.Contains(t, r.Message, "resubmit takes no comment, so the comment was posted first as approval comment c0000000-0000-4000-8000-000000000001")
	assert.Contains(t, md, "## Resubmitted `"+testApproval+"`: request_board_approval · pending")
	assert.Contains(t, md, "- payload: v2")
	reqs := s.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "GET /api/approvals/"+testApproval, reqs[0].Method+" "+reqs[0].Path)
	assert.Equal(t, "POST /api/approvals/"+testApproval+"/comments", reqs[1].Method+" "+reqs[1].Path)
	assert.Equal(t, map[string]any{"body": "Budget halved"}, reqs[1].JSON(t))
	assert.Equal(t, "POST /api/approvals/"+testApproval+"/resubmit", reqs[2].Method+" "+reqs[2].Path)
	assert.Equal(t, map[string]any{"payload": map[string]any{"title": "v2"}}, reqs[2].JSON(t), "no comment field in the resubmit body")

	r = ResubmitResult{}
	md = callOK(t, d, "paperclip_resubmit_approval", map[string]any{"approvalId": testApproval}, &r)
	assert.Nil(t, r.Comment)
	assert.Equal(t, "Resubmitted: pending again.", r.Message)
	reqs = s.requests()
	require.Len(t, reqs, 5, "no comment: GET and resubmit only")
	assert.Equal(t, map[string]any{}, reqs[4].JSON(t), "no payload: the old one stays")
	assert.NotContains(t, md, "comment")

	status = "pending"
	msg := callErr(t, d, "paperclip_resubmit_approval", map[string]any{"approvalId": testApproval, "comment": "again"})
	assert.Contains(t, msg, "is pending: only a revision_requested approval can be resubmitted, so nothing was posted or changed")
	assert.Len(t, s.requests(), 6, "only the GET: the comment is not posted when the resubmit cannot happen")

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_resubmit_approval", map[string]any{"approvalId": testApproval, "comment": "   "}), "blank")
	assert.Len(t, s.requests(), n)

	s2 := newStub(t)
	s2.reply("GET /api/approvals/{approvalId}", 200, approvalRow(testApproval, "request_board_approval", "revision_requested", "2026-12-01T10:00:00.000Z", map[string]any{}))
	s2.reply("POST /api/approvals/{approvalId}/comments", 201, map[string]any{"id": "c0000000-0000-4000-8000-000000000002",
		"approvalId": testApproval, "body": "x", "createdAt": "2026-12-01T12:00:00.000Z"})
	s2.reply("POST /api/approvals/{approvalId}/resubmit", 403, map[string]any{"error": "Only requesting agent can resubmit this approval"})
	msg = callErr(t, s2.deps(client.Config{}), "paperclip_resubmit_approval", map[string]any{"approvalId": testApproval, "comment": "x"})
	assert.Contains(t, msg, "The comment was posted (`c0000000-0000-4000-8000-000000000002`), but the resubmit failed: Permission denied (403 Only requesting agent can resubmit this approval)")
}

func TestApprovalsComments(t *testing.T) {
	s := newStub(t)
	rows := []any{}
	for i := 1; i <= 3; i++ {
		rows = append(rows, map[string]any{"id": fmt.Sprintf("c0000000-0000-4000-8000-%012d", i), "companyId": testCompany, "approvalId": testApproval,
			"authorAgentId": nil, "authorUserId": "local-board", "body": fmt.Sprintf("note %d", i),
			"createdAt": fmt.Sprintf("2026-12-01T10:0%d:00.000Z", i), "updatedAt": "2026-12-01T10:00:00.000Z"})
	}
	s.reply("GET /api/approvals/{approvalId}/comments", 200, rows)
	s.handle("POST /api/approvals/{approvalId}/comments", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, map[string]any{"id": "c0000000-0000-4000-8000-000000000009", "approvalId": testApproval,
			"authorAgentId": testAgent, "authorUserId": nil, "body": stubReq{Body: body}.JSON(t)["body"], "createdAt": "2026-12-01T12:00:00.000Z"})
	})
	d := s.deps(client.Config{})
	var c ApprovalCommentView
	md := callOK(t, d, "paperclip_add_approval_comment", map[string]any{"approvalId": testApproval, "body": "Why 3 GPUs?"}, &c)
	assert.Equal(t, "Why 3 GPUs?", c.Body)
	assert.Equal(t, testAgent, c.AuthorAgentID)
	assert.Contains(t, md, "## Commented on approval `"+testApproval+"` (comment `c0000000-0000-4000-8000-000000000009`)")
	assert.Equal(t, map[string]any{"body": "Why 3 GPUs?"}, s.requests()[0].JSON(t))
	n := len(s.requests())
	for _, bad := range []map[string]any{{"approvalId": testApproval, "body": ""}, {"approvalId": testApproval, "body": "  \n"}, {"approvalId": "x", "body": "b"}} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_add_approval_comment", bad))
	}
	assert.Len(t, s.requests(), n)

	var p Page[ApprovalCommentView]
	md = callOK(t, d, "paperclip_list_approval_comments", map[string]any{"approvalId": testApproval, "limit": 2, "offset": 1}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	assert.Equal(t, []string{"note 2", "note 3"}, []string{p.Items[0].Body, p.Items[1].Body})
	assert.False(t, p.HasMore)
	assert.Contains(t, md, "## Comments on approval `"+testApproval+"`: 2 shown from offset 1 (3 in all), oldest first")
	assert.Contains(t, md, "- 2026-12-01 10:02:00Z · user local-board · `c0000000-0000-4000-8000-000000000002`: note 2")
	assert.Empty(t, s.requests()[n].Query)
	jsonTextIsStructured(t, d, "paperclip_list_approval_comments", map[string]any{"approvalId": testApproval})
}

func TestApprovalsIssues(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/approvals/{approvalId}/issues", 200, []any{
		map[string]any{"id": "1550e000-0000-4000-8000-000000000001", "identifier": "ACM-1", "title": "Buy GPUs", "status": "todo",
			"priority": "high", "assigneeAgentId": testAgent, "description": "long", "createdAt": "2026-12-01T10:00:00.000Z"},
		map[string]any{"id": "1550e000-0000-4000-8000-000000000002", "identifier": "ACM-2", "title": "Rack", "status": "backlog",
			"priority": "low", "assigneeAgentId": nil, "createdAt": "2026-12-01T10:00:00.000Z"},
	})
	d := s.deps(client.Config{})
	var p Page[ApprovalIssueView]
	md := callOK(t, d, "paperclip_list_approval_issues", map[string]any{"approvalId": testApproval, "limit": 1}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 2, *p.Total)
	assert.Equal(t, ApprovalIssueView{ID: "1550e000-0000-4000-8000-000000000001", Identifier: "ACM-1", Title: "Buy GPUs", Status: "todo",
		Priority: "high", AssigneeAgentID: testAgent}, p.Items[0])
	assert.Contains(t, md, "## Issues linked to approval `"+testApproval+"`: 1 shown from offset 0 (2 in all)")
	assert.Contains(t, md, "- ACM-1 `1550e000-0000-4000-8000-000000000001` · todo · high · Buy GPUs · assignee `"+testAgent+"`")
	assert.Contains(t, md, "More: call paperclip_list_approval_issues with offset=1, approvalId="+testApproval+".")
	jsonTextIsStructured(t, d, "paperclip_list_approval_issues", map[string]any{"approvalId": testApproval})
}

func TestApprovalsAgentHire(t *testing.T) {
	s := newStub(t)
	requires := false
	s.handle("POST /api/companies/{companyId}/agent-hires", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		agent := map[string]any{"id": "a6e00000-0000-4000-8000-000000000009", "companyId": testCompany, "name": m["name"], "role": m["role"],
			"title": m["title"], "status": "idle", "adapterType": "process", "adapterConfig": map[string]any{"env": map[string]any{"TOKEN": testHireSecret}},
			"createdAt": "2026-12-01T10:00:00.000Z"}
		var approval any
		if requires {
			agent["status"] = "pending_approval"
			approval = approvalRow(testApproval, "hire_agent", "pending", "2026-12-01T10:00:00.000Z", hirePayload())
		}
		writeJSON(w, 201, map[string]any{"agent": agent, "approval": approval})
	})
	d := s.deps(client.Config{})
	var h AgentHireResult
	md := callOK(t, d, "paperclip_create_agent_hire", map[string]any{"name": " Scout ", "role": "researcher", "title": "Analyst",
		"adapterConfig": map[string]any{"command": "/bin/true"}, "sourceIssueId": "1550e000-0000-4000-8000-000000000001"}, &h)
	assert.Nil(t, h.Approval)
	assert.Equal(t, "idle", h.Agent.Status)
	assert.Contains(t, h.Message, "Hired directly: the company needs no board approval for new agents")
	assert.Contains(t, md, "## Hired Scout (`a6e00000-0000-4000-8000-000000000009`): idle")
	assert.Contains(t, md, "paperclip_create_issue assigneeAgentId=a6e00000-0000-4000-8000-000000000009")
	assert.Equal(t, map[string]any{"name": "Scout", "role": "researcher", "title": "Analyst", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/true"}, "sourceIssueId": "1550e000-0000-4000-8000-000000000001"}, s.requests()[0].JSON(t))
	assert.Equal(t, "/api/companies/"+testCompany+"/agent-hires", s.requests()[0].Path)

	requires = true
	res := call(t, d, "paperclip_create_agent_hire", map[string]any{"name": "Scout", "role": "engineer"})
	require.False(t, res.IsError, text(res))
	assert.NotContains(t, text(res), testHireSecret)
	assert.NotContains(t, fmt.Sprint(res.StructuredContent), testHireSecret)
	md = callOK(t, d, "paperclip_create_agent_hire", map[string]any{"name": "Scout", "role": "engineer"}, &h)
	require.NotNil(t, h.Approval)
	assert.Equal(t, testApproval, h.Approval.ID)
	assert.Equal(t, "pending_approval", h.Agent.Status)
	assert.Contains(t, h.Message, "Pending board approval: Scout stays pending_approval until a board member approves approval "+testApproval)
	assert.Contains(t, md, "Next: paperclip_approve approvalId="+testApproval)

	n := len(s.requests())
	msg := callErr(t, d, "paperclip_create_agent_hire", map[string]any{"name": "Scout", "role": "engineer", "goalId": "9000a000-0000-4000-8000-000000000001"})
	assert.Contains(t, msg, "goalId is not supported: Paperclip's hire route has no goalId and would drop it silently, so nothing was sent")
	assert.Contains(t, msg, "paperclip_create_issue with assigneeAgentId=<the new agent> and goalId=9000a000-0000-4000-8000-000000000001")
	msg = callErr(t, d, "paperclip_create_agent_hire", map[string]any{"name": "Scout", "role": "engineer", "projectId": "p"})
	assert.Contains(t, msg, "projectId is not supported")
	for _, bad := range []map[string]any{
		{"name": "Scout", "role": "Lead Engineer"},
		{"name": "Scout"},
		{"name": "  ", "role": "qa"},
		{"name": "Scout", "role": "qa", "reportsTo": "boss"},
	} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_create_agent_hire", bad))
	}
	assert.Contains(t, callErr(t, d, "paperclip_create_agent_hire", map[string]any{"name": "S", "role": "lead"}), "researcher")
	assert.Len(t, s.requests(), n, "refused before sending")
}

// Paperclip marks a hire approved before activating its agent; a redacted
// env value makes the activation fail and strands the agent in
// pending_approval. Such a hire is refused before the approve is sent, and
// the hire itself warns.
func TestApprovalsStrandedHireIsNotApproved(t *testing.T) {
	p := hirePayload()
	p["adapterConfig"] = map[string]any{"env": map[string]any{"API_TOKEN": map[string]any{"type": "plain", "value": redactedSentinel}}}
	s := newStub(t)
	s.reply("GET /api/approvals/{approvalId}", 200, approvalRow(testApproval, "hire_agent", "pending", "2026-12-01T10:00:00.000Z", p))
	s.reply("POST /api/companies/{companyId}/agent-hires", 201, map[string]any{
		"agent":    map[string]any{"id": "a6e00000-0000-4000-8000-000000000009", "name": "Scout", "role": "qa", "status": "pending_approval", "adapterType": "process"},
		"approval": approvalRow(testApproval, "hire_agent", "pending", "2026-12-01T10:00:00.000Z", p)})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_approve", map[string]any{"approvalId": testApproval})
	assert.Contains(t, msg, "Not approved: this hire's adapterConfig holds a value Paperclip stored redacted")
	assert.Contains(t, msg, "agent a6e00000-0000-4000-8000-000000000009, leaving it stuck in pending_approval. Nothing changed. Reject it (paperclip_reject)")
	for _, r := range s.requests() {
		assert.Equal(t, http.MethodGet, r.Method, "the approve is not sent")
	}
	var h AgentHireResult
	callOK(t, d, "paperclip_create_agent_hire", map[string]any{"name": "Scout", "role": "qa"}, &h)
	assert.Contains(t, h.Message, "Warning: Paperclip stored a secret-looking env value of adapterConfig redacted in the approval, so it cannot be approved.")

	// When it happens anyway (a race), the 422 says what state is left.
	s2 := newStub(t)
	s2.reply("GET /api/approvals/{approvalId}", 200, approvalRow(testApproval, "hire_agent", "pending", "2026-12-01T10:00:00.000Z", hirePayload()))
	s2.reply("POST /api/approvals/{approvalId}/approve", 422, map[string]any{"error": "Refusing to persist redacted placeholder for key: API_TOKEN"})
	msg = callErr(t, s2.deps(client.Config{}), "paperclip_approve", map[string]any{"approvalId": testApproval})
	assert.Contains(t, msg, "Paperclip marked the approval approved but could not activate the hired agent (422 Refusing to persist redacted placeholder for key: API_TOKEN)")
	assert.Contains(t, msg, "paperclip_terminate_agent")
}
