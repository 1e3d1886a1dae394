package tools

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

func TestGetCurrentUserAsTheLocalBoard(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/cli-auth/me", 200, map[string]any{
		"user": map[string]any{"id": "local-board", "name": "Board", "email": "local@paperclip.local"}, "userId": "local-board",
		"isInstanceAdmin": true, "companyIds": []string{testCompany},
		"memberships": []map[string]any{{"companyId": testCompany, "membershipRole": "owner", "status": "active"}},
		"source":      "local_implicit", "keyId": nil})
	d := s.deps(client.Config{})
	var u CurrentUser
	md := callOK(t, d, "paperclip_get_current_user", map[string]any{}, &u)
	assert.Equal(t, "local-board", u.UserID)
	assert.True(t, u.IsInstanceAdmin)
	assert.Equal(t, []UserMembership{{CompanyID: testCompany, Role: "owner", Status: "active"}}, u.Memberships)
	assert.Contains(t, md, "## Board user Board (`local-board`)")
	assert.Contains(t, md, "implicit local board")
	assert.Contains(t, md, "`"+testCompany+"` · owner · active")
	assert.Contains(t, md, "Next:")
	jsonTextIsStructured(t, d, "paperclip_get_current_user", nil)
	assert.True(t, findTool(t, "paperclip_get_current_user").Spec.BoardOnly)
}

// The identity routes answer the wrong key kind with 401, which is not a bad
// key: each tool names the tool to use instead, never "check the key".
func TestIdentityWrongKeyKindSaysWhatToUse(t *testing.T) {
	for _, tc := range []struct {
		tool, route, msg string
		want             []string
	}{
		{"paperclip_get_current_user", "GET /api/cli-auth/me", "Board authentication required",
			[]string{"needs a board identity", "agent key or run JWT", "not a bad key", "paperclip_get_me"}},
		{"paperclip_get_me", "GET /api/agents/me", "Agent authentication required",
			[]string{"agent key (pcp_…) or a run JWT", "acts as a board", "paperclip_get_current_user", "paperclip_get_agent"}},
		{"paperclip_get_inbox", "GET /api/agents/me/inbox-lite", "Agent authentication required",
			[]string{"agent key (pcp_…) or a run JWT", "A board has no inbox", "paperclip_list_issues", "status=todo,in_progress,blocked assigneeAgentId="}},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			s := newStub(t)
			s.reply(tc.route, 401, map[string]any{"error": tc.msg})
			d := s.deps(client.Config{APIKey: "pcp_board_0123456789abcdef"})
			msg := callErr(t, d, tc.tool, map[string]any{})
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			assert.Contains(t, msg, "401 "+tc.msg)
			assert.NotContains(t, msg, "Check PAPERCLIP_API_KEY", "a wrong key kind is not a bad key")
		})
	}
}

// A key that does not verify keeps the generic 401 text.
func TestIdentityBadKeyStillSaysCheckTheKey(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/agents/me", 401, map[string]any{"error": "Agent token did not verify; obtain fresh credentials and retry"})
	d := s.deps(client.Config{APIKey: "pcp_deadbeefdeadbeef"})
	msg := callErr(t, d, "paperclip_get_me", map[string]any{})
	assert.Contains(t, msg, "Check PAPERCLIP_API_KEY")
	assert.NotContains(t, msg, "pcp_deadbeefdeadbeef")
}

func TestGetMeAsAnAgent(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/agents/me", 200, map[string]any{
		"id": testAgent, "companyId": testCompany, "name": "Coder", "role": "engineer", "title": "Backend", "status": "idle",
		"adapterType": "process", "adapterConfig": map[string]any{"env": map[string]any{"TOKEN": "s3cr3t-value"}},
		"budgetMonthlyCents": 1000, "spentMonthlyCents": 250, "urlKey": "coder", "createdAt": "2026-12-01T10:00:00.000Z",
		"permissions":    map[string]any{"canCreateAgents": true, "canCreateSkills": false},
		"chainOfCommand": []map[string]any{{"id": "00000000-0000-4000-8000-000000000001", "name": "CEO", "role": "ceo", "title": nil}},
		"access":         map[string]any{"canAssignTasks": true},
	})
	d := s.deps(client.Config{APIKey: "pcp_0123456789abcdef"})
	var me Me
	md := callOK(t, d, "paperclip_get_me", map[string]any{}, &me)
	assert.Equal(t, testAgent, me.ID)
	assert.Equal(t, testCompany, me.CompanyID)
	assert.Equal(t, []string{"canCreateAgents"}, me.Permissions)
	require.NotNil(t, me.CanAssignTasks)
	assert.True(t, *me.CanAssignTasks)
	assert.Equal(t, []ChainLink{{ID: "00000000-0000-4000-8000-000000000001", Name: "CEO", Role: "ceo"}}, me.ChainOfCommand)
	assert.Contains(t, md, "## You are agent Coder (`"+testAgent+"`): idle")
	assert.Contains(t, md, "reports to CEO (ceo")
	assert.Contains(t, md, "250 of 1000 cents")
	assert.Contains(t, md, "paperclip_get_inbox")
	res := call(t, d, "paperclip_get_me", map[string]any{"response_format": "json"})
	assert.NotContains(t, text(res), "s3cr3t-value", "the adapter configuration may hold secrets")
	jsonTextIsStructured(t, d, "paperclip_get_me", nil)
}

func inboxIssue(i int) map[string]any {
	return map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "identifier": fmt.Sprintf("ABC-%d", i),
		"title": fmt.Sprintf("Task %d", i), "status": "todo", "priority": "medium", "projectId": nil, "goalId": nil, "parentId": nil,
		"updatedAt": "2026-12-01T10:00:00.000Z", "activeRun": nil, "activeRecoveryAction": nil, "dependencyReady": true,
		"unresolvedBlockerCount": 0, "unresolvedBlockerIssueIds": []string{}}
}

func TestInboxPagesHere(t *testing.T) {
	s := newStub(t)
	rows := []map[string]any{}
	for i := 1; i <= 7; i++ {
		rows = append(rows, inboxIssue(i))
	}
	rows[1]["status"], rows[1]["activeRun"] = "in_progress", map[string]any{"id": "99999999-0000-4000-8000-000000000001", "status": "running"}
	rows[2]["status"], rows[2]["dependencyReady"], rows[2]["unresolvedBlockerCount"] = "blocked", false, 1
	rows[2]["unresolvedBlockerIssueIds"] = []string{"00000000-0000-4000-8000-000000000042"}
	s.reply("GET /api/agents/me/inbox-lite", 200, rows)
	d := s.deps(client.Config{APIKey: "pcp_0123456789abcdef"})

	var seen []string
	for offset := 0; ; {
		var p Page[InboxItem]
		callOK(t, d, "paperclip_get_inbox", map[string]any{"limit": 3, "offset": offset}, &p)
		require.NotNil(t, p.Total)
		assert.Equal(t, 7, *p.Total, "the route returns the whole inbox: total is exact")
		for _, it := range p.Items {
			seen = append(seen, it.Identifier)
		}
		if p.NextOffset == nil {
			break
		}
		offset = *p.NextOffset
	}
	assert.Equal(t, []string{"ABC-1", "ABC-2", "ABC-3", "ABC-4", "ABC-5", "ABC-6", "ABC-7"}, seen)
	for _, r := range s.requests() {
		assert.Empty(t, r.Query, "inbox-lite takes no paging parameters: paging is done here")
	}

	var p Page[InboxItem]
	md := callOK(t, d, "paperclip_get_inbox", map[string]any{"limit": 3}, &p)
	assert.True(t, p.Items[2].Blocked)
	assert.Equal(t, []string{"00000000-0000-4000-8000-000000000042"}, p.Items[2].BlockerIssueIDs)
	assert.Equal(t, "running", p.Items[1].ActiveRunStatus)
	assert.Contains(t, md, "- **ABC-2** `00000000-0000-4000-8000-000000000002` · in_progress · medium · Task 2 · run `99999999-0000-4000-8000-000000000001` running")
	assert.Contains(t, md, "**ABC-3**")
	assert.Contains(t, md, "blocked by 1 open issue(s)")
	assert.Contains(t, md, "More: call paperclip_get_inbox with offset=3.")
	assert.Contains(t, md, "paperclip_checkout_issue issueId=ABC-1")
	jsonTextIsStructured(t, d, "paperclip_get_inbox", nil)

	msg := callErr(t, d, "paperclip_get_inbox", map[string]any{"limit": 101})
	assert.Contains(t, msg, "limit")
}

// The route stops at 500 issues: a full window cannot promise a total.
func TestInboxFullWindowHasNoTotal(t *testing.T) {
	s := newStub(t)
	rows := make([]map[string]any, client.InboxLimit)
	for i := range rows {
		rows[i] = inboxIssue(i + 1)
	}
	s.reply("GET /api/agents/me/inbox-lite", 200, rows)
	d := s.deps(client.Config{})
	var p Page[InboxItem]
	md := callOK(t, d, "paperclip_get_inbox", map[string]any{"limit": 100, "offset": 400}, &p)
	assert.Nil(t, p.Total)
	assert.Equal(t, 100, p.Count)
	assert.False(t, p.HasMore)
	assert.Contains(t, p.Note, "at most 500")
	assert.Contains(t, md, "at least 500 in all")
}

func TestRevokeCurrentSession(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/cli-auth/revoke-current", 200, map[string]any{"revoked": true, "keyId": "77777777-0000-4000-8000-000000000001"})
	d := s.deps(client.Config{APIKey: "pcp_board_0123456789abcdef"})
	var r RevokeResult
	md := callOK(t, d, "paperclip_revoke_current_session", map[string]any{}, &r)
	assert.True(t, r.Revoked)
	assert.Equal(t, "77777777-0000-4000-8000-000000000001", r.KeyID)
	assert.Contains(t, md, "gets 401")
	assert.Contains(t, md, "PAPERCLIP_API_KEY")
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.JSONEq(t, `{}`, string(reqs[0].Body))

	tool := findTool(t, "paperclip_revoke_current_session")
	assert.True(t, *tool.Def().Annotations.DestructiveHint, "the key is dead afterwards")
	assert.False(t, *tool.Def().Annotations.IdempotentHint)
	assert.Contains(t, tool.Def().Description, "Destructive")
	assert.Contains(t, tool.Def().Description, "401")
	msg := callErr(t, d, "paperclip_revoke_current_session", map[string]any{"keyId": "x"})
	assert.Contains(t, msg, "keyId")
}

func TestRevokeWithoutABoardKeyExplains(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/cli-auth/revoke-current", 400, map[string]any{"error": "Current board API key context is required"})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_revoke_current_session", map[string]any{})
	assert.Contains(t, msg, "Nothing was revoked")
	assert.Contains(t, msg, "implicit local board")
	assert.Contains(t, msg, "agent keys and run JWTs")
	assert.NotContains(t, msg, "Fix those arguments")
}
