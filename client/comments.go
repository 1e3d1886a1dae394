package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Comment is an issue comment as Paperclip returns it (the fields this
// server uses).
type Comment struct {
	ID             string  `json:"id"`
	CompanyID      string  `json:"companyId"`
	IssueID        string  `json:"issueId"`
	AuthorAgentID  *string `json:"authorAgentId"`
	AuthorUserID   *string `json:"authorUserId"`
	AuthorType     *string `json:"authorType"`
	CreatedByRunID *string `json:"createdByRunId"`
	Body           string  `json:"body"`
	DeletedAt      *string `json:"deletedAt"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
}

// CommentPageLimit is the largest limit GET /api/issues/{id}/comments
// honours (larger ones are cut to it).
const CommentPageLimit = 500

// CommentQuery is what the comment list route takes. It has no offset.
type CommentQuery struct {
	// After is a comment id: only comments after it (in Order) are listed.
	// A non-UUID or unknown id gives an empty list.
	After string
	// Order is asc or desc; the server's default is desc, so it is always sent.
	Order string
	// Limit is 1..CommentPageLimit; 0 sends none, which returns every comment.
	Limit int
}

// ListComments lists an issue's comments (GET /api/issues/{issueId}/comments).
// The issue may be a UUID or an identifier such as ABC-12.
func (c *Client) ListComments(ctx context.Context, issueID string, q CommentQuery) ([]Comment, error) {
	v := url.Values{}
	order := q.Order
	if order == "" {
		order = "asc"
	}
	v.Set("order", order)
	if q.After != "" {
		v.Set("after", q.After)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(min(q.Limit, CommentPageLimit)))
	}
	var out []Comment
	err := c.do(ctx, request{route: routeListComments, params: []string{issueID}, query: v}, &out)
	return out, err
}

// GetComment fetches one comment of an issue
// (GET /api/issues/{issueId}/comments/{commentId}). A comment of another
// issue is 404 "Comment not found"; a malformed commentId is 500.
func (c *Client) GetComment(ctx context.Context, issueID, commentID string) (*Comment, error) {
	var out Comment
	if err := c.do(ctx, request{route: routeGetComment, params: []string{issueID, commentID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddComment posts a comment on an issue (POST /api/issues/{issueId}/comments).
func (c *Client) AddComment(ctx context.Context, issueID, body string) (*Comment, error) {
	var out Comment
	err := c.do(ctx, request{route: routeAddComment, params: []string{issueID}, body: map[string]any{"body": body}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (every one is checked against the server's
// /api/openapi.json by test/integration).
var (
	routeListComments = route(http.MethodGet, "/issues/{issueId}/comments")
	routeGetComment   = route(http.MethodGet, "/issues/{issueId}/comments/{commentId}")
	routeAddComment   = route(http.MethodPost, "/issues/{issueId}/comments")
)
