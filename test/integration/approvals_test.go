package integration

import (
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apprRest is an approval as REST returns it.
type apprRest struct {
	ID                 string         `json:"id"`
	CompanyID          string         `json:"companyId"`
	Type               string         `json:"type"`
	Status             string         `json:"status"`
	RequestedByAgentID *string        `json:"requestedByAgentId"`
	RequestedByUserID  *string        `json:"requestedByUserId"`
	Payload            map[string]any `json:"payload"`
	DecisionNote       *string        `json:"decisionNote"`
	DecidedByUserID    *string        `json:"decidedByUserId"`
	CreatedAt          string         `json:"createdAt"`
}

// apprTool is an approval as the tools return it.
type apprTool struct {
	ID                 string         `json:"id"`
	CompanyID          string         `json:"companyId"`
	Type               string         `json:"type"`
	Status             string         `json:"status"`
	RequestedByAgentID string         `json:"requestedByAgentId"`
	RequestedByUserID  string         `json:"requestedByUserId"`
	DecisionNote       string         `json:"decisionNote"`
	DecidedByUserID    string         `json:"decidedByUserId"`
	Summary            string         `json:"summary"`
	Payload            map[string]any `json:"payload"`
	CreatedAt          string         `json:"createdAt"`
}

type apprComment struct {
	ID            string  `json:"id"`
	Body          string  `json:"body"`
	AuthorAgentID *string `json:"authorAgentId"`
	AuthorUserID  *string `json:"authorUserId"`
}

type apprPage[T any] struct {
	Items      []T  `json:"items"`
	Total      *int `json:"total"`
	Count      int  `json:"count"`
	HasMore    bool `json:"has_more"`
	NextOffset *int `json:"next_offset"`
}

type apprAgent struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Status string `json:"status"`
}

type apprHire struct {
	Agent    apprAgent `json:"agent"`
	Approval *apprTool `json:"approval"`
	Message  string    `json:"message"`
}

// apprCompany makes a company for one test; requireApproval turns on
// requireBoardApprovalForNewAgents (PATCH as the board).
func apprCompany(t *testing.T, requireApproval bool) string {
	t.Helper()
	a := newAPI(t)
	var c struct {
		ID                               string `json:"id"`
		RequireBoardApprovalForNewAgents bool   `json:"requireBoardApprovalForNewAgents"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Approvals IT " + randSuffix()}, &c)
	if requireApproval {
		a.expect(http.StatusOK, http.MethodPatch, "/companies/"+c.ID, map[string]any{"requireBoardApprovalForNewAgents": true}, &c)
		require.True(t, c.RequireBoardApprovalForNewAgents)
	}
	return c.ID
}

func apprGet(t *testing.T, id string) apprRest {
	t.Helper()
	var r apprRest
	restGET(t, "/approvals/"+id, &r)
	return r
}

func apprComments(t *testing.T, id string) []apprComment {
	t.Helper()
	var cs []apprComment
	restGET(t, "/approvals/"+id+"/comments", &cs)
	return cs
}

func apprIDs[T any](items []T, id func(T) string) []string {
	out := []string{}
	for _, x := range items {
		out = append(out, id(x))
	}
	sort.Strings(out)
	return out
}

// TestApprovalsLifecycleAgainstREST: create → comment → request revision
// (REST decisionNote = the feedback) → resubmit with a comment (REST shows
// the comment, status pending) → approve; another one rejected with a
// reason that REST shows as its decisionNote; the read tools against REST.
func TestApprovalsLifecycleAgainstREST(t *testing.T) {
	t.Parallel()
	companyID := apprCompany(t, false)
	a := newAPI(t)
	var issue struct {
		ID         string `json:"id"`
		Identifier string `json:"identifier"`
		Title      string `json:"title"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+companyID+"/issues", map[string]any{"title": "needs a GPU " + randSuffix()}, &issue)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "approvals", "PAPERCLIP_COMPANY_ID": companyID})

	var ap apprTool
	md := s.CallOK(t, "paperclip_create_approval", map[string]any{"type": "request_board_approval",
		"payload": map[string]any{"title": "Buy a GPU", "summary": "for training"}, "issueIds": []string{issue.ID}}, &ap)
	assert.Contains(t, md, "## Created approval `"+ap.ID+"`: request_board_approval · pending")
	rest := apprGet(t, ap.ID)
	assert.Equal(t, "pending", rest.Status)
	assert.Equal(t, map[string]any{"title": "Buy a GPU", "summary": "for training"}, rest.Payload)
	assert.Equal(t, "local-board", deref(rest.RequestedByUserID), "the local board is the requester")

	var c apprComment
	s.CallOK(t, "paperclip_add_approval_comment", map[string]any{"approvalId": ap.ID, "body": "Which model?"}, &c)
	cs := apprComments(t, ap.ID)
	require.Len(t, cs, 1)
	assert.Equal(t, c.ID, cs[0].ID)
	assert.Equal(t, "Which model?", cs[0].Body)

	md = s.CallOK(t, "paperclip_request_revision", map[string]any{"approvalId": ap.ID, "feedback": "Quote two vendors"}, &ap)
	assert.Contains(t, md, "- decision note: Quote two vendors")
	rest = apprGet(t, ap.ID)
	assert.Equal(t, "revision_requested", rest.Status)
	assert.Equal(t, "Quote two vendors", deref(rest.DecisionNote), "feedback is the real decisionNote")

	var rs struct {
		Approval apprTool     `json:"approval"`
		Comment  *apprComment `json:"comment"`
		Message  string       `json:"message"`
	}
	md = s.CallOK(t, "paperclip_resubmit_approval", map[string]any{"approvalId": ap.ID, "comment": "Two quotes attached"}, &rs)
	require.NotNil(t, rs.Comment)
	assert.Contains(t, md, "resubmit takes no comment, so the comment was posted first as approval comment "+rs.Comment.ID)
	rest = apprGet(t, ap.ID)
	assert.Equal(t, "pending", rest.Status)
	assert.Nil(t, rest.DecisionNote, "a resubmit clears the decision note (pinned)")
	cs = apprComments(t, ap.ID)
	require.Len(t, cs, 2)
	assert.Equal(t, "Two quotes attached", cs[1].Body, "REST shows the comment, oldest first")
	assert.Equal(t, rs.Comment.ID, cs[1].ID)

	// A resubmit of a pending approval is refused before the comment is posted.
	msg := s.CallErr(t, "paperclip_resubmit_approval", map[string]any{"approvalId": ap.ID, "comment": "again"})
	assert.Contains(t, msg, "is pending: only a revision_requested approval can be resubmitted")
	assert.Len(t, apprComments(t, ap.ID), 2)
	code, _ := a.raw(http.MethodPost, "/approvals/"+ap.ID+"/resubmit", map[string]any{})
	assert.Equal(t, http.StatusUnprocessableEntity, code, "REST: only revision_requested approvals can be resubmitted")

	md = s.CallOK(t, "paperclip_approve", map[string]any{"approvalId": ap.ID, "decisionNote": "Go ahead"}, &ap)
	assert.Contains(t, md, "## Approved `"+ap.ID+"`")
	rest = apprGet(t, ap.ID)
	assert.Equal(t, "approved", rest.Status)
	assert.Equal(t, "Go ahead", deref(rest.DecisionNote))
	// Approving again is a no-op upstream: the first note stays.
	s.CallOK(t, "paperclip_approve", map[string]any{"approvalId": ap.ID, "decisionNote": "changed"}, &ap)
	assert.Equal(t, "Go ahead", ap.DecisionNote)
	assert.Equal(t, "Go ahead", deref(apprGet(t, ap.ID).DecisionNote))
	msg = s.CallErr(t, "paperclip_request_revision", map[string]any{"approvalId": ap.ID, "feedback": "late"})
	assert.Contains(t, msg, "422 Only pending approvals can request revision")

	var other apprTool
	s.CallOK(t, "paperclip_create_approval", map[string]any{"type": "budget_override_required", "payload": map[string]any{"reason": "over budget"}}, &other)
	md = s.CallOK(t, "paperclip_reject", map[string]any{"approvalId": other.ID, "reason": "Not this quarter"}, &other)
	assert.Contains(t, md, "## Rejected `"+other.ID+"`")
	rest = apprGet(t, other.ID)
	assert.Equal(t, "rejected", rest.Status)
	assert.Equal(t, "Not this quarter", deref(rest.DecisionNote), "reason is the real decisionNote")
	msg = s.CallErr(t, "paperclip_approve", map[string]any{"approvalId": other.ID})
	assert.Contains(t, msg, "422 Only pending or revision requested approvals can be approved")

	// get: the same as REST.
	var got apprTool
	callJSON(t, s, "paperclip_get_approval", map[string]any{"approvalId": ap.ID}, &got)
	rest = apprGet(t, ap.ID)
	assert.Equal(t, rest.ID, got.ID)
	assert.Equal(t, rest.CompanyID, got.CompanyID)
	assert.Equal(t, rest.Type, got.Type)
	assert.Equal(t, rest.Status, got.Status)
	assert.Equal(t, deref(rest.DecisionNote), got.DecisionNote)
	assert.Equal(t, deref(rest.DecidedByUserID), got.DecidedByUserID)
	assert.Equal(t, deref(rest.RequestedByUserID), got.RequestedByUserID)
	assert.Equal(t, rest.Payload, got.Payload)
	assert.Equal(t, rest.CreatedAt, got.CreatedAt)
	md = s.CallOK(t, "paperclip_get_approval", map[string]any{"approvalId": ap.ID}, &got)
	assert.Contains(t, md, "## Approval `"+ap.ID+"`: request_board_approval · approved")
	assert.Contains(t, md, "- requested by user local-board")
	assert.Contains(t, md, "- decision note: Go ahead (by local-board")
	assert.Contains(t, md, "- payload: Buy a GPU")

	// list: every approval, as REST, with an exact total; one status; pages here.
	var restAll, restApproved, restCSV []apprRest
	restGET(t, "/companies/"+companyID+"/approvals", &restAll)
	restGET(t, "/companies/"+companyID+"/approvals?status=approved", &restApproved)
	restGET(t, "/companies/"+companyID+"/approvals?status=pending,approved", &restCSV)
	assert.Empty(t, restCSV, "REST: a CSV status matches nothing (pinned)")
	var p apprPage[apprTool]
	callJSON(t, s, "paperclip_list_approvals", map[string]any{}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 2, *p.Total)
	idOf := func(x apprRest) string { return x.ID }
	toolID := func(x apprTool) string { return x.ID }
	assert.Equal(t, apprIDs(restAll, idOf), apprIDs(p.Items, toolID))
	assert.Equal(t, other.ID, p.Items[0].ID, "newest first")
	p = apprPage[apprTool]{}
	callJSON(t, s, "paperclip_list_approvals", map[string]any{"status": "approved"}, &p)
	assert.Equal(t, apprIDs(restApproved, idOf), apprIDs(p.Items, toolID))
	assert.Equal(t, []string{ap.ID}, apprIDs(p.Items, toolID))
	p = apprPage[apprTool]{}
	callJSON(t, s, "paperclip_list_approvals", map[string]any{"limit": 1, "offset": 1}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 2, *p.Total)
	assert.Equal(t, []string{ap.ID}, apprIDs(p.Items, toolID))
	assert.False(t, p.HasMore)
	msg = s.CallErr(t, "paperclip_list_approvals", map[string]any{"status": "pending,approved"})
	assert.Contains(t, msg, "status")

	// comments and issues: as REST.
	var pc apprPage[apprComment]
	callJSON(t, s, "paperclip_list_approval_comments", map[string]any{"approvalId": ap.ID}, &pc)
	restCs := apprComments(t, ap.ID)
	require.NotNil(t, pc.Total)
	assert.Equal(t, len(restCs), *pc.Total)
	for i := range restCs {
		assert.Equal(t, restCs[i].ID, pc.Items[i].ID)
		assert.Equal(t, restCs[i].Body, pc.Items[i].Body)
	}
	var restIssues []struct {
		ID, Identifier, Title, Status string
	}
	restGET(t, "/approvals/"+ap.ID+"/issues", &restIssues)
	require.Len(t, restIssues, 1)
	var pi apprPage[struct {
		ID, Identifier, Title, Status string
	}]
	callJSON(t, s, "paperclip_list_approval_issues", map[string]any{"approvalId": ap.ID}, &pi)
	require.NotNil(t, pi.Total)
	assert.Equal(t, 1, *pi.Total)
	assert.Equal(t, restIssues, pi.Items)
	assert.Equal(t, issue.ID, pi.Items[0].ID)
	assert.Equal(t, issue.Identifier, pi.Items[0].Identifier)
	callJSON(t, s, "paperclip_list_approval_issues", map[string]any{"approvalId": other.ID}, &pi)
	assert.Equal(t, 0, *pi.Total)

	msg = s.CallErr(t, "paperclip_get_approval", map[string]any{"approvalId": "7a0e0000-0000-4000-8000-000000000000"})
	assert.Contains(t, msg, "404 Approval not found")
	code, _ = a.raw(http.MethodGet, "/approvals/not-a-uuid", nil)
	assert.Equal(t, http.StatusInternalServerError, code, "REST: a malformed approval id is a 500 (pinned); the tools refuse it first")
	assert.Contains(t, s.CallErr(t, "paperclip_get_approval", map[string]any{"approvalId": "not-a-uuid"}), "UUID")
}

// TestApprovalsAgentHireAgainstREST: a hire in a company without
// requireBoardApprovalForNewAgents is direct (no approval); with it the
// agent waits in pending_approval until its hire approval is approved
// (active) or rejected (terminated). goalId is refused, not dropped.
func TestApprovalsAgentHireAgainstREST(t *testing.T) {
	t.Parallel()
	// GREETING is not a secret-looking name: REST shows its value in the
	// hire approval's payload; the tools never show adapterConfig at all.
	const secret = "hire-env-value-" + "0451"
	withEnv := func(name string, env map[string]any) map[string]any {
		return map[string]any{"name": name, "role": "researcher", "title": "Analyst", "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}, "env": env}}
	}
	hire := func(name string) map[string]any { return withEnv(name, map[string]any{"GREETING": secret}) }
	type restAgent struct {
		ID, Name, Role, Status string
		Title                  *string
	}

	direct := apprCompany(t, false)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "approvals", "PAPERCLIP_COMPANY_ID": direct})
	var h apprHire
	md := s.CallOK(t, "paperclip_create_agent_hire", hire("Scout "+randSuffix()), &h)
	assert.Nil(t, h.Approval)
	assert.Contains(t, h.Message, "Hired directly: the company needs no board approval")
	assert.NotContains(t, md, secret)
	var ra restAgent
	restGET(t, "/agents/"+h.Agent.ID, &ra)
	assert.Equal(t, "idle", ra.Status)
	assert.Equal(t, "researcher", ra.Role)
	assert.Equal(t, "Analyst", deref(ra.Title))
	var none []apprRest
	restGET(t, "/companies/"+direct+"/approvals", &none)
	assert.Empty(t, none, "no approval when the company does not require one")

	var before, after []restAgent
	restGET(t, "/companies/"+direct+"/agents", &before)
	args := hire("Ghost")
	args["goalId"] = "9000a000-0000-4000-8000-000000000001"
	msg := s.CallErr(t, "paperclip_create_agent_hire", args)
	assert.Contains(t, msg, "goalId is not supported")
	assert.Contains(t, msg, "nothing was sent")
	args = hire("Ghost")
	args["role"] = "lead"
	assert.Contains(t, s.CallErr(t, "paperclip_create_agent_hire", args), "role")
	restGET(t, "/companies/"+direct+"/agents", &after)
	assert.Len(t, after, len(before), "nothing hired")

	gated := apprCompany(t, true)
	g := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "approvals", "PAPERCLIP_COMPANY_ID": gated})
	res := g.Call(t, "paperclip_create_agent_hire", hire("Scout"))
	require.False(t, res.IsError)
	raw, err := json.Marshal(res)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), secret, "the hire's adapter env is in REST's approval payload, never in a tool result")
	var hs apprHire
	require.NoError(t, json.Unmarshal(mustJSON(t, res.StructuredContent), &hs))
	require.NotNil(t, hs.Approval)
	assert.Equal(t, "pending_approval", hs.Agent.Status)
	assert.Contains(t, hs.Message, "Pending board approval")
	rest := apprGet(t, hs.Approval.ID)
	assert.Equal(t, "hire_agent", rest.Type)
	assert.Equal(t, "pending", rest.Status)
	assert.Equal(t, hs.Agent.ID, rest.Payload["agentId"])
	restEnv, _ := json.Marshal(rest.Payload["adapterConfig"])
	assert.Contains(t, string(restEnv), secret, "REST shows a hire's plain adapter env in its payload (pinned)")
	restGET(t, "/agents/"+hs.Agent.ID, &ra)
	assert.Equal(t, "pending_approval", ra.Status)

	var got apprTool
	callJSON(t, g, "paperclip_get_approval", map[string]any{"approvalId": hs.Approval.ID}, &got)
	assert.NotContains(t, got.Payload, "adapterConfig")
	assert.Equal(t, hs.Agent.ID, got.Payload["agentId"])
	md = g.CallOK(t, "paperclip_approve", map[string]any{"approvalId": hs.Approval.ID}, &got)
	assert.Contains(t, md, "the hired agent `"+hs.Agent.ID+"` is active now")
	restGET(t, "/agents/"+hs.Agent.ID, &ra)
	assert.Equal(t, "idle", ra.Status, "approving the hire activates the agent")

	// A secret-looking env name with a plain value: the approval stores it
	// redacted, and approving it cannot activate the agent. The hire warns,
	// and the tool refuses the approve before anything changes.
	var h2 apprHire
	g.CallOK(t, "paperclip_create_agent_hire", withEnv("Scout 2", map[string]any{"API_TOKEN": "tok-" + randSuffix()}), &h2)
	require.NotNil(t, h2.Approval)
	assert.Contains(t, h2.Message, "so it cannot be approved")
	rest = apprGet(t, h2.Approval.ID)
	restEnv, _ = json.Marshal(rest.Payload["adapterConfig"])
	assert.Contains(t, string(restEnv), "***REDACTED***", "REST redacts a secret-looking env value in the hire payload (pinned)")
	msg = g.CallErr(t, "paperclip_approve", map[string]any{"approvalId": h2.Approval.ID})
	assert.Contains(t, msg, "Not approved: this hire's adapterConfig holds a value Paperclip stored redacted")
	assert.Contains(t, msg, "secret_ref")
	assert.Equal(t, "pending", apprGet(t, h2.Approval.ID).Status, "nothing changed")
	g.CallOK(t, "paperclip_reject", map[string]any{"approvalId": h2.Approval.ID, "reason": "Use a secret ref"}, &got)
	restGET(t, "/agents/"+h2.Agent.ID, &ra)
	assert.Equal(t, "terminated", ra.Status, "rejecting the hire terminates the pending agent")
	assert.Equal(t, "Use a secret ref", deref(apprGet(t, h2.Approval.ID).DecisionNote))

	// Pinned upstream bug: REST's approve of such a hire answers 422 yet
	// marks the approval approved, and the agent stays pending_approval.
	var h2b apprHire
	g.CallOK(t, "paperclip_create_agent_hire", withEnv("Scout 2b", map[string]any{"API_TOKEN": "tok-" + randSuffix()}), &h2b)
	require.NotNil(t, h2b.Approval)
	code, body := newAPI(t).raw(http.MethodPost, "/approvals/"+h2b.Approval.ID+"/approve", map[string]any{})
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, string(body), "Refusing to persist redacted placeholder for key: API_TOKEN")
	assert.Equal(t, "approved", apprGet(t, h2b.Approval.ID).Status)
	restGET(t, "/agents/"+h2b.Agent.ID, &ra)
	assert.Equal(t, "pending_approval", ra.Status)
	code, _ = newAPI(t).raw(http.MethodPatch, "/agents/"+h2b.Agent.ID, map[string]any{"status": "idle"})
	assert.Equal(t, http.StatusConflict, code, "Pending approval agents cannot be activated directly")
	newAPI(t).expect(http.StatusOK, http.MethodPost, "/agents/"+h2b.Agent.ID+"/terminate", map[string]any{}, nil)

	// The way out the error names: the value as a company secret reference.
	var sec struct {
		ID string `json:"id"`
	}
	newAPI(t).expect(http.StatusCreated, http.MethodPost, "/companies/"+gated+"/secrets",
		map[string]any{"name": "hire-token-" + randSuffix(), "value": "tok-" + randSuffix()}, &sec)
	var h3 apprHire
	g.CallOK(t, "paperclip_create_agent_hire", withEnv("Scout 3", map[string]any{"API_TOKEN": map[string]any{"type": "secret_ref", "secretId": sec.ID}}), &h3)
	require.NotNil(t, h3.Approval)
	g.CallOK(t, "paperclip_approve", map[string]any{"approvalId": h3.Approval.ID}, &got)
	restGET(t, "/agents/"+h3.Agent.ID, &ra)
	assert.Equal(t, "idle", ra.Status)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestApprovalsBoardOnlyWithAnAgentKey: approve, reject and
// request_revision answer 403 to an agent key, with a clear error; the
// approval stays pending. The agent may comment and request approvals.
func TestApprovalsBoardOnlyWithAnAgentKey(t *testing.T) {
	t.Parallel()
	companyID := apprCompany(t, false)
	a := newAPI(t)
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+companyID+"/agents", map[string]any{
		"name": "appr-" + randSuffix(), "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}},
	}, &agent)
	key := createAgentKey(t, agent.ID)
	as := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key, "PAPERCLIP_TOOLSETS": "approvals", "PAPERCLIP_COMPANY_ID": companyID,
		"PAPERCLIP_TOOLS": "paperclip_approve,paperclip_reject,paperclip_request_revision"})

	var ap apprTool
	as.CallOK(t, "paperclip_create_approval", map[string]any{"type": "approve_ceo_strategy", "payload": map[string]any{"title": "Plan B"}}, &ap)
	assert.Equal(t, agent.ID, ap.RequestedByAgentID, "requestedByAgentId defaults to the calling agent")
	var c apprComment
	as.CallOK(t, "paperclip_add_approval_comment", map[string]any{"approvalId": ap.ID, "body": "context"}, &c)
	cs := apprComments(t, ap.ID)
	require.Len(t, cs, 1)
	assert.Equal(t, agent.ID, deref(cs[0].AuthorAgentID))

	for name, args := range map[string]map[string]any{
		"paperclip_approve":          {"approvalId": ap.ID},
		"paperclip_reject":           {"approvalId": ap.ID, "reason": "no"},
		"paperclip_request_revision": {"approvalId": ap.ID, "feedback": "more"},
	} {
		msg := as.CallErr(t, name, args)
		assert.Contains(t, msg, "403 Board access required", name)
		assert.Contains(t, msg, name+" is board only", name)
	}
	rest := apprGet(t, ap.ID)
	assert.Equal(t, "pending", rest.Status)
	assert.Nil(t, rest.DecisionNote)
	code, _ := a.as(key).raw(http.MethodPost, "/approvals/"+ap.ID+"/approve", map[string]any{})
	assert.Equal(t, http.StatusForbidden, code)

	// The board asks for a revision; the requesting agent resubmits with a comment.
	board := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "approvals", "PAPERCLIP_COMPANY_ID": companyID})
	board.CallOK(t, "paperclip_request_revision", map[string]any{"approvalId": ap.ID, "feedback": "add numbers"}, &ap)
	var rs struct {
		Approval apprTool     `json:"approval"`
		Comment  *apprComment `json:"comment"`
	}
	as.CallOK(t, "paperclip_resubmit_approval", map[string]any{"approvalId": ap.ID, "comment": "numbers added",
		"payload": map[string]any{"title": "Plan B", "numbers": 3.0}}, &rs)
	require.NotNil(t, rs.Comment)
	rest = apprGet(t, ap.ID)
	assert.Equal(t, "pending", rest.Status)
	assert.Equal(t, map[string]any{"title": "Plan B", "numbers": 3.0}, rest.Payload)
	cs = apprComments(t, ap.ID)
	require.Len(t, cs, 2)
	assert.Equal(t, "numbers added", cs[1].Body)
	assert.Equal(t, agent.ID, deref(cs[1].AuthorAgentID))
}
