package integration

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type mcpComment struct {
	ID        string `json:"id"`
	IssueID   string `json:"issueId"`
	Body      string `json:"body"`
	BodyChars int    `json:"bodyChars"`
	Clipped   bool   `json:"clipped"`
	CreatedAt string `json:"createdAt"`
}

type mcpCommentPage struct {
	Items      []mcpComment `json:"items"`
	Total      *int         `json:"total"`
	Count      int          `json:"count"`
	HasMore    bool         `json:"has_more"`
	NextOffset *int         `json:"next_offset"`
}

type restComment struct {
	ID      string `json:"id"`
	IssueID string `json:"issueId"`
	Body    string `json:"body"`
}

func commentIDs[T any](items []T, id func(T) string) []string {
	out := []string{}
	for _, c := range items {
		out = append(out, id(c))
	}
	return out
}

func mcpIDs(p mcpCommentPage) []string {
	return commentIDs(p.Items, func(c mcpComment) string { return c.ID })
}

func restIDs(cs []restComment) []string {
	return commentIDs(cs, func(c restComment) string { return c.ID })
}

// commentsCompany makes a company with two unassigned issues (no agent is
// woken by comments on them).
func commentsCompany(t *testing.T) (companyID string, issues [2]struct{ ID, Identifier string }) {
	t.Helper()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Comments IT " + randSuffix()}, &company)
	for i := range issues {
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/issues",
			map[string]any{"title": "thread " + randSuffix()}, &issues[i])
	}
	return company.ID, issues
}

// TestCommentsAgainstREST: comments added through the tool, listed oldest
// first by default (REST's default is newest first), after an anchor,
// paged here, read one by one; a comment of another issue is not found.
func TestCommentsAgainstREST(t *testing.T) {
	t.Parallel()
	companyID, issues := commentsCompany(t)
	issue, other := issues[0], issues[1]
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": companyID})

	var added []string
	for i, body := range []string{"first: tests started", "second: **2 of 3** pass", "third: done\nall green"} {
		issueRef := issue.ID
		if i == 1 {
			issueRef = issue.Identifier // identifiers work too
		}
		var c mcpComment
		md := s.CallOK(t, "paperclip_add_comment", map[string]any{"issueId": issueRef, "body": body}, &c)
		assert.Equal(t, issue.ID, c.IssueID)
		assert.Contains(t, md, "## Added comment `"+c.ID+"`")
		var rc restComment
		a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments/"+c.ID, nil, &rc)
		assert.Equal(t, body, rc.Body, "REST has the comment as written")
		added = append(added, c.ID)
	}

	var restAsc, restDefault, restDesc []restComment
	a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments?order=asc", nil, &restAsc)
	a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments", nil, &restDefault)
	a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments?order=desc", nil, &restDesc)
	require.Equal(t, added, restIDs(restAsc))
	// Surprise pinned: the server's default order is desc, the documented one asc.
	assert.Equal(t, restIDs(restDesc), restIDs(restDefault), "REST without order is newest first")

	var p mcpCommentPage
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID}, &p)
	assert.Equal(t, restIDs(restAsc), mcpIDs(p), "the tool's default is REST order=asc")
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	for i, c := range p.Items {
		assert.Equal(t, restAsc[i].Body, c.Body)
	}
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.Identifier, "order": "desc"}, &p)
	assert.Equal(t, restIDs(restDesc), mcpIDs(p))

	// after: the comments after the anchor, without the anchor. REST in asc
	// order sends the anchor back too (pinned): its timestamp is compared at
	// millisecond precision against microseconds.
	// (A timestamp that falls on a whole millisecond would not come back, so
	// two anchors are asked: at least one is sent back.)
	included := 0
	for i := 0; i < 2; i++ {
		var restAfter []restComment
		a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments?order=asc&after="+added[i], nil, &restAfter)
		got := restIDs(restAfter)
		assert.Contains(t, [][]string{added[i:], added[i+1:]}, got, "REST after=%s", added[i])
		if len(got) == len(added[i:]) {
			included++
		}
	}
	assert.Positive(t, included, "Paperclip %s: after in asc order sends the anchor itself back", serverVersion)
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "after": added[0]}, &p)
	assert.Equal(t, added[1:], mcpIDs(p))
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "after": added[2]}, &p)
	assert.Empty(t, p.Items, "nothing after the newest")
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "after": added[2], "order": "desc"}, &p)
	assert.Equal(t, []string{added[1], added[0]}, mcpIDs(p))

	// An unknown or non-UUID anchor is [] on the server; an error here.
	for _, bad := range []string{"00000000-0000-4000-8000-000000000000", "not-a-uuid"} {
		var got []restComment
		a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments?order=asc&after="+bad, nil, &got)
		assert.Empty(t, got, "REST answers [] for after=%s", bad)
	}
	msg := s.CallErr(t, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "after": "00000000-0000-4000-8000-000000000000"})
	assert.Contains(t, msg, "is not a comment of issue")
	msg = s.CallErr(t, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "after": "not-a-uuid"})
	assert.Contains(t, msg, "after")

	// Paging here (the route has no offset).
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "limit": 2}, &p)
	assert.Equal(t, added[:2], mcpIDs(p))
	assert.True(t, p.HasMore)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 2, *p.NextOffset)
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": issue.ID, "limit": 2, "offset": 2}, &p)
	assert.Equal(t, added[2:], mcpIDs(p))
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	md := s.CallOK(t, "paperclip_list_comments", map[string]any{"issueId": issue.ID}, nil)
	assert.Contains(t, md, "oldest first")
	assert.Contains(t, md, "third: done all green", "one line per comment")
	t.Logf("list_comments markdown:\n%s", md)

	// get one; a comment of another issue; a malformed id.
	var one mcpComment
	callJSON(t, s, "paperclip_get_comment", map[string]any{"issueId": issue.Identifier, "commentId": added[2]}, &one)
	assert.Equal(t, "third: done\nall green", one.Body)
	code, _ := a.raw(http.MethodGet, "/issues/"+other.ID+"/comments/"+added[0], nil)
	assert.Equal(t, http.StatusNotFound, code)
	msg = s.CallErr(t, "paperclip_get_comment", map[string]any{"issueId": other.ID, "commentId": added[0]})
	assert.Contains(t, msg, "404 Comment not found")
	assert.Contains(t, msg, "paperclip_list_comments")
	code, _ = a.raw(http.MethodGet, "/issues/"+issue.ID+"/comments/not-a-uuid", nil)
	assert.Equal(t, http.StatusInternalServerError, code, "pinned: a malformed commentId is a 500 on the server")
	msg = s.CallErr(t, "paperclip_get_comment", map[string]any{"issueId": issue.ID, "commentId": "not-a-uuid"})
	assert.Contains(t, msg, "commentId")
	assert.NotContains(t, msg, "500")

	// A long body: cut in lists, whole in get.
	long := strings.Repeat("0123456789", 300)
	var lc mcpComment
	s.CallOK(t, "paperclip_add_comment", map[string]any{"issueId": other.ID, "body": long}, &lc)
	p = mcpCommentPage{}
	callJSON(t, s, "paperclip_list_comments", map[string]any{"issueId": other.ID}, &p)
	require.Len(t, p.Items, 1)
	assert.True(t, p.Items[0].Clipped)
	assert.Equal(t, 3000, p.Items[0].BodyChars)
	one = mcpComment{}
	callJSON(t, s, "paperclip_get_comment", map[string]any{"issueId": other.ID, "commentId": lc.ID}, &one)
	assert.Equal(t, long, one.Body)
	assert.False(t, one.Clipped)

	msg = s.CallErr(t, "paperclip_add_comment", map[string]any{"issueId": issue.ID, "body": "   "})
	assert.Contains(t, msg, "blank")
	msg = s.CallErr(t, "paperclip_add_comment", map[string]any{"issueId": issue.Identifier + "999", "body": "x"})
	assert.Contains(t, msg, "404 Issue not found")
	var after []restComment
	a.expect(http.StatusOK, http.MethodGet, "/issues/"+issue.ID+"/comments?order=asc", nil, &after)
	assert.Equal(t, added, restIDs(after), "refused comments were not posted")
}

type restLabel struct {
	ID, Name, Color string
}

// TestLabelsAgainstREST: create with the default and a given colour, list
// equals REST, a duplicate name is explained (REST answers 500).
func TestLabelsAgainstREST(t *testing.T) {
	t.Parallel()
	companyID, _ := commentsCompany(t)
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": companyID})

	// Pinned: the real route requires color, documented as optional.
	code, body := a.raw(http.MethodPost, "/companies/"+companyID+"/labels", map[string]any{"name": "no-colour"})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "color")

	var def, given restLabel
	md := s.CallOK(t, "paperclip_create_label", map[string]any{"name": "needs-review"}, &def)
	assert.Equal(t, "#6B7280", def.Color, "a default colour is supplied")
	assert.Contains(t, md, "Created label needs-review")
	s.CallOK(t, "paperclip_create_label", map[string]any{"name": "Bug", "color": "#d73a4a"}, &given)
	assert.Equal(t, "#d73a4a", given.Color)
	var third restLabel
	s.CallOK(t, "paperclip_create_label", map[string]any{"name": "alpha", "companyId": companyID}, &third)

	var rest []restLabel
	a.expect(http.StatusOK, http.MethodGet, "/companies/"+companyID+"/labels", nil, &rest)
	require.Len(t, rest, 3)
	var p struct {
		Items      []restLabel `json:"items"`
		Total      *int        `json:"total"`
		NextOffset *int        `json:"next_offset"`
	}
	callJSON(t, s, "paperclip_list_labels", map[string]any{}, &p)
	assert.Equal(t, rest, p.Items, "same labels, colours and order as REST")
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	p.Items, p.Total, p.NextOffset = nil, nil, nil
	callJSON(t, s, "paperclip_list_labels", map[string]any{"limit": 2, "offset": 1}, &p)
	assert.Equal(t, rest[1:], p.Items)
	assert.Nil(t, p.NextOffset)
	md = s.CallOK(t, "paperclip_list_labels", map[string]any{}, nil)
	assert.Contains(t, md, "**Bug** `"+given.ID+"` · #d73a4a")

	// Pinned: a duplicate name is a 500 on the server.
	code, _ = a.raw(http.MethodPost, "/companies/"+companyID+"/labels", map[string]any{"name": "Bug", "color": "#000000"})
	assert.Equal(t, http.StatusInternalServerError, code)
	msg := s.CallErr(t, "paperclip_create_label", map[string]any{"name": "Bug"})
	assert.Contains(t, msg, `already has a label "Bug"`)
	assert.Contains(t, msg, given.ID)
	msg = s.CallErr(t, "paperclip_create_label", map[string]any{"name": "x", "color": "red"})
	assert.Contains(t, msg, "color")
	msg = s.CallErr(t, "paperclip_create_label", map[string]any{"name": strings.Repeat("n", 49)})
	assert.Contains(t, msg, "48")
	a.expect(http.StatusOK, http.MethodGet, "/companies/"+companyID+"/labels", nil, &rest)
	assert.Len(t, rest, 3, "nothing more was created")

	// A well-formed id of no company: REST says [], the tool says why.
	var none []restLabel
	a.expect(http.StatusOK, http.MethodGet, "/companies/00000000-0000-4000-8000-00000000abcd/labels", nil, &none)
	assert.Empty(t, none)
	msg = s.CallErr(t, "paperclip_list_labels", map[string]any{"companyId": "00000000-0000-4000-8000-00000000abcd"})
	assert.Contains(t, msg, "No company has id")
}
