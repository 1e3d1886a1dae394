package tools

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	// listBodyChars bounds a comment body in lists; getBodyChars in
	// paperclip_get_comment (the output bound is 25,000 characters).
	listBodyChars = 500
	getBodyChars  = 10000
	// maxCommentReads bounds the requests one list call makes (of
	// client.CommentPageLimit comments each).
	maxCommentReads  = 20
	findComment      = "Check issueId (a UUID or an identifier like ABC-12) and commentId: a comment is found only under its own issue; paperclip_list_comments issueId=… lists the ids."
	commentIssueHint = "Check issueId: a UUID or an identifier like ABC-12 (paperclip_list_issues or paperclip_get_inbox list them)."
)

// CommentView is one comment; Body is clipped to BodyChars characters when
// Clipped.
type CommentView struct {
	ID             string `json:"id"`
	IssueID        string `json:"issueId"`
	AuthorType     string `json:"authorType,omitempty"`
	AuthorAgentID  string `json:"authorAgentId,omitempty"`
	AuthorUserID   string `json:"authorUserId,omitempty"`
	CreatedByRunID string `json:"createdByRunId,omitempty"`
	CreatedAt      string `json:"createdAt"`
	DeletedAt      string `json:"deletedAt,omitempty"`
	Body           string `json:"body"`
	BodyChars      int    `json:"bodyChars" jsonschema:"description=Length of the whole body"`
	Clipped        bool   `json:"clipped,omitempty" jsonschema:"description=Body is cut; see bodyChars"`
}

func commentView(c *client.Comment, max int) CommentView {
	n := utf8.RuneCountInString(c.Body)
	return CommentView{ID: c.ID, IssueID: c.IssueID, AuthorType: str(c.AuthorType), AuthorAgentID: str(c.AuthorAgentID),
		AuthorUserID: str(c.AuthorUserID), CreatedByRunID: str(c.CreatedByRunID), CreatedAt: c.CreatedAt, DeletedAt: str(c.DeletedAt),
		Body: clip(c.Body, max), BodyChars: n, Clipped: n > max}
}

func (c CommentView) author() string {
	var s string
	switch {
	case c.AuthorAgentID != "":
		s = fmt.Sprintf("agent `%s`", c.AuthorAgentID)
	case c.AuthorUserID != "":
		s = "user " + c.AuthorUserID
	default:
		s = orDash(c.AuthorType)
	}
	if c.CreatedByRunID != "" {
		s += fmt.Sprintf(" (run `%s`)", c.CreatedByRunID)
	}
	return s
}

func commentLine(c CommentView) string {
	s := fmt.Sprintf("- `%s` · %s · %s", c.ID, shortTime(c.CreatedAt), c.author())
	if c.DeletedAt != "" {
		s += " · deleted " + shortTime(c.DeletedAt)
	}
	s += fmt.Sprintf(" · %d chars: %s", c.BodyChars, oneLine(c.Body, listBodyChars))
	return s
}

// AddCommentArgs are the arguments of paperclip_add_comment.
type AddCommentArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or identifier (ABC-12)"`
	Body    string `json:"body" jsonschema:"minLength=1,description=Markdown text"`
}

func addComment(ctx context.Context, d *Deps, a AddCommentArgs) (CommentView, error) {
	if strings.TrimSpace(a.Body) == "" {
		return CommentView{}, inputErrorf("body is blank: write the comment's text (markdown).")
	}
	c, err := d.Client.AddComment(ctx, a.IssueID, a.Body)
	if err != nil {
		return CommentView{}, err
	}
	return commentView(c, listBodyChars), nil
}

func addCommentMarkdown(a AddCommentArgs, c CommentView) string {
	var m md
	m.line("## Added comment `%s` to issue %s", c.ID, a.IssueID)
	m.line("- %s · %s · %d chars", shortTime(c.CreatedAt), c.author(), c.BodyChars)
	m.blank()
	m.line("Next: paperclip_list_comments issueId=%s after=%s shows replies posted after it.", a.IssueID, c.ID)
	return m.String()
}

// addCommentTool declares paperclip_add_comment.
func addCommentTool() Tool {
	return define(Spec{Name: "paperclip_add_comment", Title: "Add a comment", Toolset: Comments,
		Description: "Post a markdown comment on an issue (to report progress or answer). It may wake the issue's assignee.",
		Access:      Write, NotFound: commentIssueHint},
		addComment, addCommentMarkdown)
}

// GetCommentArgs identify one comment.
type GetCommentArgs struct {
	IssueID   string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or identifier (ABC-12)"`
	CommentID string `json:"commentId" jsonschema:"format=uuid,description=Comment id (from paperclip_list_comments)"`
	Format
}

func getComment(ctx context.Context, d *Deps, a GetCommentArgs) (CommentView, error) {
	c, err := d.Client.GetComment(ctx, a.IssueID, a.CommentID)
	if err != nil {
		return CommentView{}, err
	}
	return commentView(c, getBodyChars), nil
}

func getCommentMarkdown(a GetCommentArgs, c CommentView) string {
	var m md
	m.line("## Comment `%s` on issue %s", c.ID, a.IssueID)
	deleted := ""
	if c.DeletedAt != "" {
		deleted = " · deleted " + shortTime(c.DeletedAt)
	}
	m.line("- %s · %s · %d chars%s", shortTime(c.CreatedAt), c.author(), c.BodyChars, deleted)
	m.blank()
	m.line("%s", c.Body)
	if c.Clipped {
		m.blank()
		m.line("[Body cut at %d of %d characters to keep the answer readable.]", getBodyChars, c.BodyChars)
	}
	m.blank()
	m.line("Next: paperclip_add_comment issueId=%s to reply.", a.IssueID)
	return m.String()
}

// getCommentTool declares paperclip_get_comment.
func getCommentTool() Tool {
	return define(Spec{Name: "paperclip_get_comment", Title: "Get a comment", Toolset: Comments,
		Description: "One comment of an issue with its body (cut past 10,000 characters).",
		Access:      Read, NotFound: findComment},
		getComment, getCommentMarkdown)
}

// ListCommentsArgs are the arguments of paperclip_list_comments.
type ListCommentsArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or identifier (ABC-12)"`
	After   string `json:"after,omitempty" jsonschema:"format=uuid,description=Comment id: list only later ones"`
	Order   string `json:"order,omitempty" jsonschema:"enum=asc,enum=desc,default=asc,description=asc: oldest first"`
	Paging
	Format
}

// readComments reads up to need comments of an issue in order, after the
// anchor when given, chaining the server's after cursor past its page limit
// (the route has no offset). exhausted is true when the server had no more.
//
// Paperclip compares the anchor's timestamp at millisecond precision while
// it stores microseconds, so in asc order the anchor itself (and comments of
// the same millisecond before it) come back too: everything up to the
// anchor is dropped here. (In desc order the same rounding can skip a
// comment of the anchor's millisecond when a page boundary falls there.)
// anchorSeen says whether the anchor came back.
func readComments(ctx context.Context, d *Deps, issueID, order, after string, need int) (out []client.Comment, exhausted, anchorSeen bool, err error) {
	out = []client.Comment{}
	cursor := after
	for range maxCommentReads {
		ask := need - len(out)
		if cursor != "" {
			ask++ // room for the anchor the server may send back
		}
		ask = min(ask, client.CommentPageLimit)
		page, err := d.Client.ListComments(ctx, issueID, client.CommentQuery{After: cursor, Order: order, Limit: ask})
		if err != nil {
			return out, false, anchorSeen, err
		}
		raw := len(page)
		if cursor != "" {
			for i := range page {
				if page[i].ID == cursor {
					page = page[i+1:]
					if cursor == after {
						anchorSeen = true
					}
					break
				}
			}
		}
		out = append(out, page...)
		if raw < ask {
			return out, true, anchorSeen, nil
		}
		if len(out) >= need || len(page) == 0 {
			return out, false, anchorSeen, nil
		}
		cursor = out[len(out)-1].ID
	}
	return out, false, anchorSeen, nil
}

func listComments(ctx context.Context, d *Deps, a ListCommentsArgs) (Page[CommentView], error) {
	empty := Page[CommentView]{Items: []CommentView{}, Offset: a.Offset, Limit: a.Limit}
	need := a.Offset + a.Limit + 1
	if need > maxCommentReads*client.CommentPageLimit {
		return empty, inputErrorf("offset %d is too deep to read here (Paperclip's comment list has no offset, so every comment before it is read). "+
			"Use after=<the last comment id you have> with a small offset instead.", a.Offset)
	}
	all, exhausted, anchorSeen, err := readComments(ctx, d, a.IssueID, a.Order, a.After, need)
	if err != nil {
		return empty, err
	}
	if len(all) == 0 && a.After != "" && !anchorSeen {
		// Paperclip answers an unknown anchor with an empty list: say which.
		if _, err := d.Client.GetComment(ctx, a.IssueID, a.After); err != nil {
			if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 404 && apiErr.Message == "Comment not found" {
				return empty, inputErrorf("after=%s is not a comment of issue %s (Paperclip would answer an empty list). "+
					"Call paperclip_list_comments issueId=%s without after to see its comment ids.", a.After, a.IssueID, a.IssueID)
			}
			return empty, err
		}
	}
	p := pageFrom(all, a.Offset, a.Limit, exhausted, func(c *client.Comment) CommentView { return commentView(c, listBodyChars) })
	if !exhausted {
		p.Note = "Paperclip gives no comment count: total is absent because more comments exist than were read."
	}
	return p, nil
}

func listCommentsMarkdown(a ListCommentsArgs, p Page[CommentView]) string {
	var m md
	order := "oldest first"
	if a.Order == "desc" {
		order = "newest first"
	}
	total := "more exist"
	if p.Total != nil {
		total = fmt.Sprintf("%d in all", *p.Total)
	}
	scope := ""
	if a.After != "" {
		scope = fmt.Sprintf(" after `%s`", a.After)
	}
	m.line("## Comments on issue %s%s: %d shown from offset %d (%s), %s", a.IssueID, scope, p.Count, p.Offset, total, order)
	if p.Count == 0 {
		m.line("No comments.")
	}
	for _, c := range p.Items {
		m.line("%s", commentLine(c))
	}
	more := ""
	if p.Count > 0 {
		more = " (or after=" + p.Items[p.Count-1].ID + " offset=0)"
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_comments", more)
	if p.Count > 0 {
		last := p.Items[p.Count-1].ID
		m.line("Next: paperclip_get_comment issueId=%s commentId=<id> shows a whole body; after=%s resumes from the last one shown.", a.IssueID, last)
	} else {
		m.line("Next: paperclip_add_comment issueId=%s posts one.", a.IssueID)
	}
	return m.String()
}

// listCommentsTool declares paperclip_list_comments.
func listCommentsTool() Tool {
	return define(Spec{Name: "paperclip_list_comments", Title: "List comments", Toolset: Comments,
		Description: "An issue's comments, oldest first by default, bodies cut at 500 characters. after (a comment id) reads only later ones.",
		Access:      Read, NotFound: commentIssueHint},
		listComments, listCommentsMarkdown)
}

func commentTools() []Tool {
	return []Tool{addCommentTool(), getCommentTool(), listCommentsTool()}
}
