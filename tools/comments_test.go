package tools

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const commentIssue = "22222222-0000-4000-8000-000000000001"

func commentID(i int) string { return fmt.Sprintf("cccccccc-0000-4000-8000-%012d", i) }

// commentServer serves GET /api/issues/{id}/comments as Paperclip
// 2026.916.1 does: order defaults to desc, limit is cut to 500, no offset,
// an unknown or non-UUID anchor gives [], and in asc order the anchor comes
// back itself (its timestamp is compared at millisecond precision).
type commentServer struct {
	comments []map[string]any // oldest first
}

func newCommentServer(n int, body func(i int) string) *commentServer {
	cs := &commentServer{}
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		b := fmt.Sprintf("comment %d", i)
		if body != nil {
			b = body(i)
		}
		cs.comments = append(cs.comments, map[string]any{"id": commentID(i), "companyId": testCompany, "issueId": commentIssue,
			"authorAgentId": nil, "authorUserId": "local-board", "authorType": "user", "createdByRunId": nil, "body": b,
			"deletedAt": nil, "createdAt": base.Add(time.Duration(i) * time.Second).Format(time.RFC3339Nano), "updatedAt": base.Format(time.RFC3339Nano)})
	}
	return cs
}

func (cs *commentServer) mount(s *stub) {
	s.handle("GET /api/issues/{issueId}/comments", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		q := r.URL.Query()
		list := append([]map[string]any{}, cs.comments...)
		desc := q.Get("order") != "asc"
		if desc {
			slices.Reverse(list)
		}
		if after := q.Get("after"); after != "" {
			at := -1
			for i, c := range list {
				if c["id"] == after {
					at = i
				}
			}
			if at < 0 {
				writeJSON(w, 200, []any{})
				return
			}
			if desc {
				list = list[at+1:]
			} else {
				list = list[at:] // the anchor itself comes back
			}
		}
		if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 {
			list = list[:min(len(list), min(l, 500))]
		}
		writeJSON(w, 200, list)
	})
	s.handle("GET /api/issues/{issueId}/comments/{commentId}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		for _, c := range cs.comments {
			if c["id"] == r.PathValue("commentId") {
				writeJSON(w, 200, c)
				return
			}
		}
		writeJSON(w, 404, map[string]any{"error": "Comment not found"})
	})
}

func ids(p Page[CommentView]) []string {
	out := []string{}
	for _, c := range p.Items {
		out = append(out, c.ID)
	}
	return out
}

func commentRange(from, to int) []string {
	out := []string{}
	for i := from; i <= to; i++ {
		out = append(out, commentID(i))
	}
	return out
}

func TestListCommentsSendsAscByDefault(t *testing.T) {
	s := newStub(t)
	newCommentServer(3, nil).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	md := callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue}, &p)
	assert.Equal(t, commentRange(1, 3), ids(p), "oldest first, as documented (the server's default is desc)")
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	assert.False(t, p.HasMore)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{"asc"}, reqs[0].Query["order"])
	assert.Equal(t, []string{"51"}, reqs[0].Query["limit"], "offset+limit+1: a page and one more")
	assert.Contains(t, md, "## Comments on issue "+commentIssue+": 3 shown from offset 0 (3 in all), oldest first")
	assert.Contains(t, md, "- `"+commentID(1)+"` · 2026-12-01 10:00:01Z · user local-board · 9 chars: comment 1")
	assert.Contains(t, md, "after="+commentID(3))

	p = Page[CommentView]{}
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": "ABC-12", "order": "desc"}, &p)
	assert.Equal(t, []string{commentID(3), commentID(2), commentID(1)}, ids(p))
	assert.Equal(t, []string{"desc"}, s.requests()[1].Query["order"])
	assert.Equal(t, "/api/issues/ABC-12/comments", s.requests()[1].Path)
	jsonTextIsStructured(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue})
}

func TestListCommentsPagesHereWithHonestTotals(t *testing.T) {
	s := newStub(t)
	newCommentServer(7, nil).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "limit": 3, "offset": 3}, &p)
	assert.Equal(t, commentRange(4, 6), ids(p))
	assert.True(t, p.HasMore)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 6, *p.NextOffset)
	assert.Nil(t, p.Total, "7 read for a window of 7: whether more exist is unknown, so no total")
	assert.NotEmpty(t, p.Note)

	p = Page[CommentView]{}
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "limit": 3, "offset": 6}, &p)
	assert.Equal(t, commentRange(7, 7), ids(p))
	require.NotNil(t, p.Total)
	assert.Equal(t, 7, *p.Total, "the server ran out: total is exact")
	assert.Nil(t, p.NextOffset)
}

// Beyond the server's 500 a page is reached by chaining the after cursor;
// the anchor the server sends back is dropped, so nothing repeats.
func TestListCommentsDeepPagesChainTheCursor(t *testing.T) {
	s := newStub(t)
	newCommentServer(1203, func(int) string { return "x" }).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "limit": 100, "offset": 1100}, &p)
	assert.Equal(t, commentRange(1101, 1200), ids(p))
	assert.True(t, p.HasMore)
	p = Page[CommentView]{}
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "limit": 100, "offset": 1200}, &p)
	assert.Equal(t, commentRange(1201, 1203), ids(p))
	require.NotNil(t, p.Total)
	assert.Equal(t, 1203, *p.Total)
	for _, r := range s.requests() {
		l, _ := strconv.Atoi(firstOr(r.Query["limit"]))
		assert.LessOrEqual(t, l, client.CommentPageLimit)
	}

	msg := callErr(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "offset": 20000})
	assert.Contains(t, msg, "after=")
}

func TestListCommentsAfterAnchor(t *testing.T) {
	s := newStub(t)
	newCommentServer(5, nil).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	md := callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "after": commentID(2)}, &p)
	assert.Equal(t, commentRange(3, 5), ids(p), "the anchor itself is not repeated")
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	assert.Equal(t, []string{commentID(2)}, s.requests()[0].Query["after"])
	assert.Contains(t, md, "after `"+commentID(2)+"`")

	p = Page[CommentView]{}
	callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "after": commentID(4), "order": "desc"}, &p)
	assert.Equal(t, []string{commentID(3), commentID(2), commentID(1)}, ids(p))
}

// The anchor may be the last comment: nothing after it, and no error.
func TestListCommentsAfterTheLastComment(t *testing.T) {
	s := newStub(t)
	newCommentServer(3, nil).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	md := callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "after": commentID(3)}, &p)
	assert.Empty(t, p.Items)
	require.NotNil(t, p.Total)
	assert.Equal(t, 0, *p.Total)
	assert.Len(t, s.requests(), 1, "the anchor came back, so it exists: no second request")
	assert.Contains(t, md, "No comments.")
}

// Paperclip answers an unknown anchor with []: the tool says so instead.
func TestListCommentsUnknownAnchorIsAnError(t *testing.T) {
	s := newStub(t)
	newCommentServer(3, nil).mount(s)
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue, "after": commentID(99)})
	assert.Contains(t, msg, "is not a comment of issue "+commentIssue)
	assert.Contains(t, msg, "without after")
}

func TestCommentArgumentsAreCheckedBeforeSending(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_list_comments", map[string]any{"issueId": commentIssue, "after": "not-a-uuid"}, "after"},
		{"paperclip_list_comments", map[string]any{"issueId": commentIssue, "order": "newest"}, "order"},
		{"paperclip_list_comments", map[string]any{"issueId": "../../companies"}, "issueId"},
		{"paperclip_list_comments", map[string]any{"issueId": commentIssue, "limit": 0}, "limit"},
		{"paperclip_get_comment", map[string]any{"issueId": commentIssue, "commentId": "42"}, "commentId"},
		{"paperclip_get_comment", map[string]any{"issueId": commentIssue}, "commentId"},
		{"paperclip_add_comment", map[string]any{"issueId": commentIssue, "body": ""}, "body"},
		{"paperclip_add_comment", map[string]any{"issueId": commentIssue, "body": "  \n "}, "blank"},
		{"paperclip_add_comment", map[string]any{"body": "hi"}, "issueId"},
	} {
		msg := callErr(t, d, tc.tool, tc.args)
		assert.Contains(t, msg, tc.want, "%s %v", tc.tool, tc.args)
	}
	assert.Empty(t, s.requests(), "refused before anything is sent (a malformed commentId is a 500 on the server)")
}

func TestCommentBodiesAreClipped(t *testing.T) {
	long := strings.Repeat("é", 12000)
	s := newStub(t)
	newCommentServer(2, func(i int) string {
		if i == 1 {
			return "line one\nline two"
		}
		return long
	}).mount(s)
	d := s.deps(client.Config{})
	var p Page[CommentView]
	md := callOK(t, d, "paperclip_list_comments", map[string]any{"issueId": commentIssue}, &p)
	assert.Equal(t, 12000, p.Items[1].BodyChars)
	assert.True(t, p.Items[1].Clipped)
	assert.Equal(t, 501, len([]rune(p.Items[1].Body)), "500 characters and the ellipsis")
	assert.False(t, p.Items[0].Clipped)
	assert.Contains(t, md, "chars: line one line two", "one line per comment")
	assert.Len(t, strings.Split(strings.TrimSpace(md), "\n"), 4, "a header, one line per comment, the next call")

	var c CommentView
	md = callOK(t, d, "paperclip_get_comment", map[string]any{"issueId": commentIssue, "commentId": commentID(2)}, &c)
	assert.True(t, c.Clipped)
	assert.Equal(t, getBodyChars+1, len([]rune(c.Body)))
	assert.Contains(t, md, "[Body cut at 10000 of 12000 characters")

	c = CommentView{}
	md = callOK(t, d, "paperclip_get_comment", map[string]any{"issueId": commentIssue, "commentId": commentID(1), "response_format": "markdown"}, &c)
	assert.Equal(t, "line one\nline two", c.Body, "get keeps the whole body")
	assert.Contains(t, md, "line one\nline two")
	assert.Contains(t, md, "paperclip_add_comment issueId="+commentIssue)
	assert.NotContains(t, md, "deleted")
	jsonTextIsStructured(t, d, "paperclip_get_comment", map[string]any{"issueId": commentIssue, "commentId": commentID(1)})
}

func TestGetCommentOfAnotherIssueIsNotFound(t *testing.T) {
	s := newStub(t)
	newCommentServer(1, nil).mount(s)
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_get_comment", map[string]any{"issueId": commentIssue, "commentId": commentID(7)})
	assert.Contains(t, msg, "Not found (404 Comment not found)")
	assert.Contains(t, msg, "under its own issue")
	assert.Contains(t, msg, "paperclip_list_comments")
}

func TestAddComment(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/issues/{issueId}/comments", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 201, map[string]any{"id": commentID(1), "companyId": testCompany, "issueId": commentIssue, "authorAgentId": testAgent,
			"authorUserId": nil, "authorType": "agent", "createdByRunId": "99999999-0000-4000-8000-000000000001", "body": "Done: tests pass",
			"createdAt": "2026-12-01T10:00:00.000Z", "updatedAt": "2026-12-01T10:00:00.000Z"})
	})
	d := s.deps(client.Config{APIKey: "pcp_0123456789abcdef", RunID: "99999999-0000-4000-8000-000000000001"})
	var c CommentView
	md := callOK(t, d, "paperclip_add_comment", map[string]any{"issueId": "ABC-12", "body": "Done: tests pass"}, &c)
	assert.Equal(t, commentID(1), c.ID)
	assert.Equal(t, testAgent, c.AuthorAgentID)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/issues/ABC-12/comments", reqs[0].Path)
	assert.Equal(t, map[string]any{"body": "Done: tests pass"}, reqs[0].JSON(t))
	assert.Equal(t, "99999999-0000-4000-8000-000000000001", reqs[0].Header.Get("X-Paperclip-Run-Id"))
	assert.Contains(t, md, "## Added comment `"+commentID(1)+"` to issue ABC-12")
	assert.Contains(t, md, "agent `"+testAgent+"` (run `99999999-0000-4000-8000-000000000001`)")
	assert.Contains(t, md, "paperclip_list_comments issueId=ABC-12 after="+commentID(1))

	s2 := newStub(t)
	s2.reply("POST /api/issues/{issueId}/comments", 404, map[string]any{"error": "Issue not found"})
	msg := callErr(t, s2.deps(client.Config{}), "paperclip_add_comment", map[string]any{"issueId": "ABC-999", "body": "x"})
	assert.Contains(t, msg, "404 Issue not found")
	assert.Contains(t, msg, "paperclip_list_issues")
}

func firstOr(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
