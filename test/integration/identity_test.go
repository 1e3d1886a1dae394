package integration

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// identityWorld is a company of its own with one agent and that agent's key.
type identityWorld struct {
	CompanyID, IssuePrefix, AgentID, AgentKey string
}

func newIdentityWorld(t *testing.T) identityWorld {
	t.Helper()
	a := newAPI(t)
	var company struct {
		ID          string `json:"id"`
		IssuePrefix string `json:"issuePrefix"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Identity IT " + randSuffix()}, &company)
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/agents", map[string]any{
		"name": "inbox-" + randSuffix(), "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}},
	}, &agent)
	return identityWorld{CompanyID: company.ID, IssuePrefix: company.IssuePrefix, AgentID: agent.ID, AgentKey: createAgentKey(t, agent.ID)}
}

type mcpCurrentUser struct {
	UserID          string   `json:"userId"`
	IsInstanceAdmin bool     `json:"isInstanceAdmin"`
	Source          string   `json:"source"`
	KeyID           string   `json:"keyId"`
	CompanyIDs      []string `json:"companyIds"`
}

type restCurrentUser struct {
	UserID          string   `json:"userId"`
	IsInstanceAdmin bool     `json:"isInstanceAdmin"`
	Source          string   `json:"source"`
	KeyID           *string  `json:"keyId"`
	CompanyIDs      []string `json:"companyIds"`
}

type mcpInboxPage struct {
	Items []struct {
		ID         string `json:"id"`
		Identifier string `json:"identifier"`
		Title      string `json:"title"`
		Status     string `json:"status"`
	} `json:"items"`
	Total      *int   `json:"total"`
	Count      int    `json:"count"`
	NextOffset *int   `json:"next_offset"`
	Note       string `json:"note"`
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// TestIdentityAsAnAgent: get_me and get_inbox with an agent key equal what
// REST says for that key; the board-only identity tools say what to use.
func TestIdentityAsAnAgent(t *testing.T) {
	t.Parallel()
	w := newIdentityWorld(t)
	a := newAPI(t)
	agentREST := a.as(w.AgentKey)

	// Two issues assigned to the agent: assignment wakes it (exit 0), which
	// may move an issue to in_progress; the inbox holds todo, in_progress and blocked.
	var made []string
	for i := 0; i < 2; i++ {
		var issue struct {
			ID         string `json:"id"`
			Identifier string `json:"identifier"`
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues",
			map[string]any{"title": "inbox item " + randSuffix(), "assigneeAgentId": w.AgentID}, &issue)
		made = append(made, issue.ID)
	}

	s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": w.AgentKey, "PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID,
		// Board-only tools are left out for agent keys unless named.
		"PAPERCLIP_TOOLS": "paperclip_get_current_user,paperclip_revoke_current_session"})

	var restMe struct {
		ID, CompanyID, Name, Role, Status string
	}
	agentREST.expect(http.StatusOK, http.MethodGet, "/agents/me", nil, &restMe)
	var me struct {
		ID, CompanyID, Name, Role, Status string
		Permissions                       []string `json:"permissions"`
	}
	callJSON(t, s, "paperclip_get_me", map[string]any{}, &me)
	assert.Equal(t, w.AgentID, me.ID)
	assert.Equal(t, restMe.ID, me.ID)
	assert.Equal(t, restMe.CompanyID, me.CompanyID)
	assert.Equal(t, restMe.Name, me.Name)
	assert.Equal(t, restMe.Role, me.Role)
	md := s.CallOK(t, "paperclip_get_me", map[string]any{}, nil)
	assert.Contains(t, md, "## You are agent "+restMe.Name)
	assert.NotContains(t, md, "/bin/sh", "the adapter configuration is not shown")

	// Compare with REST at the same moment: statuses move while the agent runs.
	var rest []struct {
		ID, Identifier, Title, Status string
	}
	var inbox mcpInboxPage
	deadline := time.Now().Add(20 * time.Second)
	for {
		agentREST.expect(http.StatusOK, http.MethodGet, "/agents/me/inbox-lite", nil, &rest)
		inbox = mcpInboxPage{}
		callJSON(t, s, "paperclip_get_inbox", map[string]any{}, &inbox)
		same := len(rest) == len(inbox.Items)
		for i := 0; same && i < len(rest); i++ {
			same = rest[i].ID == inbox.Items[i].ID && rest[i].Status == inbox.Items[i].Status
		}
		if same || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	require.Len(t, inbox.Items, len(rest), "the inbox is what REST says")
	require.NotNil(t, inbox.Total)
	assert.Equal(t, len(rest), *inbox.Total, "the whole inbox comes at once: total is exact")
	var restInboxIDs, toolIDs []string
	for i, r := range rest {
		restInboxIDs, toolIDs = append(restInboxIDs, r.ID), append(toolIDs, inbox.Items[i].ID)
		assert.Equal(t, r.Identifier, inbox.Items[i].Identifier)
		assert.Equal(t, r.Title, inbox.Items[i].Title)
	}
	assert.Equal(t, restInboxIDs, toolIDs, "same order as REST")
	assert.Subset(t, toolIDs, made, "the issues assigned to the agent are in its inbox")

	// What get_inbox suggests to a board is the same set: the company's
	// issues of that agent in todo, in_progress or blocked.
	var boardView []struct{ ID string }
	a.expect(http.StatusOK, http.MethodGet, "/companies/"+w.CompanyID+"/issues?status=todo,in_progress,blocked&assigneeAgentId="+w.AgentID, nil, &boardView)
	var boardIDs []string
	for _, b := range boardView {
		boardIDs = append(boardIDs, b.ID)
	}
	assert.ElementsMatch(t, restInboxIDs, boardIDs, "the board's equivalent of the inbox")

	var page mcpInboxPage
	callJSON(t, s, "paperclip_get_inbox", map[string]any{"limit": 1}, &page)
	require.Len(t, page.Items, 1)
	require.NotNil(t, page.NextOffset)
	assert.Equal(t, 1, *page.NextOffset)
	md = s.CallOK(t, "paperclip_get_inbox", map[string]any{}, nil)
	assert.Contains(t, md, w.IssuePrefix+"-")
	assert.Contains(t, md, "paperclip_checkout_issue")
	t.Logf("get_inbox markdown:\n%s", md)

	// The board-only identity routes refuse an agent key with 401 or 400,
	// which is not a bad key: pinned via REST, explained by the tools.
	code, body := agentREST.raw(http.MethodGet, "/cli-auth/me", nil)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, string(body), "Board authentication required")
	msg := s.CallErr(t, "paperclip_get_current_user", map[string]any{})
	assert.Contains(t, msg, "paperclip_get_me")
	assert.NotContains(t, msg, "Check PAPERCLIP_API_KEY")

	code, body = agentREST.raw(http.MethodPost, "/cli-auth/revoke-current", map[string]any{})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "Current board API key context is required")
	msg = s.CallErr(t, "paperclip_revoke_current_session", map[string]any{})
	assert.Contains(t, msg, "Nothing was revoked")
	assert.Contains(t, msg, "agent keys and run JWTs")
	code, _ = agentREST.raw(http.MethodGet, "/agents/me", nil)
	assert.Equal(t, http.StatusOK, code, "the agent key still works")
}

// TestIdentityAsTheLocalBoard: get_current_user equals REST /cli-auth/me;
// the agent-only tools and revoke say what to use instead.
func TestIdentityAsTheLocalBoard(t *testing.T) {
	t.Parallel()
	w := newIdentityWorld(t)
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID})

	var rest restCurrentUser
	a.expect(http.StatusOK, http.MethodGet, "/cli-auth/me", nil, &rest)
	var u mcpCurrentUser
	callJSON(t, s, "paperclip_get_current_user", map[string]any{}, &u)
	assert.Equal(t, rest.UserID, u.UserID)
	assert.Equal(t, rest.IsInstanceAdmin, u.IsInstanceAdmin)
	assert.Equal(t, "local_implicit", rest.Source)
	assert.Equal(t, rest.Source, u.Source)
	assert.Nil(t, rest.KeyID)
	assert.Empty(t, u.KeyID)
	assert.Contains(t, u.CompanyIDs, w.CompanyID)
	assert.Equal(t, sortedCopy(rest.CompanyIDs), sortedCopy(u.CompanyIDs))
	md := s.CallOK(t, "paperclip_get_current_user", map[string]any{}, nil)
	assert.Contains(t, md, "implicit local board")
	assert.Contains(t, md, w.CompanyID)

	for _, tc := range []struct {
		tool, path string
		want       []string
	}{
		{"paperclip_get_me", "/agents/me", []string{"paperclip_get_current_user", "agent key"}},
		{"paperclip_get_inbox", "/agents/me/inbox-lite", []string{"A board has no inbox", "paperclip_list_issues"}},
	} {
		code, body := a.raw(http.MethodGet, tc.path, nil)
		assert.Equal(t, http.StatusUnauthorized, code, tc.path)
		assert.Contains(t, string(body), "Agent authentication required", tc.path)
		msg := s.CallErr(t, tc.tool, map[string]any{})
		for _, want := range tc.want {
			assert.Contains(t, msg, want, tc.tool)
		}
		assert.NotContains(t, msg, "Check PAPERCLIP_API_KEY", tc.tool)
	}
	code, body := a.raw(http.MethodPost, "/cli-auth/revoke-current", map[string]any{})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "Current board API key context is required")
	msg := s.CallErr(t, "paperclip_revoke_current_session", map[string]any{})
	assert.Contains(t, msg, "Nothing was revoked")
	assert.Contains(t, msg, "implicit local board")
}

// revocableBoardKey is createBoardKey for a key the test revokes itself:
// its cleanup accepts the 404 "Board API key not found" that DELETE answers
// for a key revoked already (createBoardKey's cleanup would fail on it).
func revocableBoardKey(t *testing.T) (id, token string) {
	t.Helper()
	a := newAPI(t)
	var key struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/board-api-keys", map[string]any{"name": "it-revoke-" + randSuffix(), "expiresAt": nil}, &key)
	require.NotEmpty(t, key.ID)
	t.Cleanup(func() {
		if code, body := a.raw(http.MethodDelete, "/board-api-keys/"+key.ID, nil); code != http.StatusOK && code != http.StatusNotFound {
			t.Errorf("deleting board key: HTTP %d %s", code, body)
		}
	})
	return key.ID, key.Token
}

// TestRevokeCurrentSession revokes a fresh board key through the tool; the
// key answers 401 afterwards, to REST and to the tools.
func TestRevokeCurrentSession(t *testing.T) {
	t.Parallel()
	w := newIdentityWorld(t)
	keyID, token := revocableBoardKey(t)
	keyREST := newAPI(t).as(token)
	s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": token, "PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID})

	var u mcpCurrentUser
	callJSON(t, s, "paperclip_get_current_user", map[string]any{}, &u)
	assert.Equal(t, "board_key", u.Source)
	assert.Equal(t, keyID, u.KeyID)
	var rest restCurrentUser
	keyREST.expect(http.StatusOK, http.MethodGet, "/cli-auth/me", nil, &rest)
	require.NotNil(t, rest.KeyID)
	assert.Equal(t, *rest.KeyID, u.KeyID)

	var r struct {
		Revoked bool   `json:"revoked"`
		KeyID   string `json:"keyId"`
	}
	md := s.CallOK(t, "paperclip_revoke_current_session", map[string]any{}, &r)
	assert.True(t, r.Revoked)
	assert.Equal(t, keyID, r.KeyID)
	assert.Contains(t, md, "gets 401")
	t.Logf("revoke markdown:\n%s", md)

	code, body := keyREST.raw(http.MethodGet, "/cli-auth/me", nil)
	assert.Equal(t, http.StatusUnauthorized, code, "the key is dead: %s", body)
	// Surprise: a revoked board key is told "Agent token did not verify".
	assert.Contains(t, string(body), "did not verify")
	msg := s.CallErr(t, "paperclip_get_current_user", map[string]any{})
	assert.Contains(t, msg, "401")
	assert.Contains(t, msg, "Check PAPERCLIP_API_KEY", "now the key really is bad")
	msg = s.CallErr(t, "paperclip_revoke_current_session", map[string]any{})
	assert.Contains(t, msg, "401", "a second revoke has no key left to revoke")
}
