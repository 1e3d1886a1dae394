package client

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Attachment is a file attached to an issue, as Paperclip returns it.
type Attachment struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	IssueID          string  `json:"issueId"`
	IssueCommentID   *string `json:"issueCommentId"`
	ContentType      string  `json:"contentType"`
	ByteSize         int64   `json:"byteSize"`
	SHA256           string  `json:"sha256"`
	OriginalFilename *string `json:"originalFilename"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedAt        string  `json:"createdAt"`
	ContentPath      string  `json:"contentPath"`
}

// AttachmentContent is (the start of) an attachment's bytes.
type AttachmentContent struct {
	Body        []byte
	ContentType string // as served, without parameters
	Filename    string // from Content-Disposition, when given
	// TotalBytes is the attachment's whole size; Body is shorter when the
	// download was capped.
	TotalBytes int64
}

// ListAttachments lists an issue's attachments, newest first. No paging.
// GET /api/issues/{issueId}/attachments
func (c *Client) ListAttachments(ctx context.Context, issueID string) ([]Attachment, error) {
	var out []Attachment
	err := c.do(ctx, request{route: routeListAttachments, params: []string{issueID}}, &out)
	return out, err
}

// UploadAttachment sends one file as multipart/form-data field "file", with
// its filename and content type in the part headers. Paperclip refuses files
// over its limit (10 MiB by default) and empty files with 422.
// POST /api/companies/{companyId}/issues/{issueId}/attachments
func (c *Client) UploadAttachment(ctx context.Context, companyID, issueID, filename, contentType string, content []byte) (*Attachment, error) {
	var out Attachment
	rq := request{route: routeUploadAttachment, params: []string{companyID, issueID},
		file: &filePart{field: "file", filename: filename, contentType: contentType, content: content}}
	if err := c.do(ctx, rq, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadAttachment reads at most maxBytes of an attachment's content (a
// Range request, so a large file is not transferred to be refused) and
// reports its whole size.
// GET /api/attachments/{attachmentId}/content
func (c *Client) DownloadAttachment(ctx context.Context, attachmentID string, maxBytes int64) (*AttachmentContent, error) {
	if maxBytes < 1 {
		return nil, errors.New("DownloadAttachment: maxBytes must be at least 1")
	}
	var raw Raw
	err := c.do(ctx, request{route: routeDownloadAttachment, params: []string{attachmentID},
		query:  url.Values{"download": {"true"}},
		header: map[string]string{"Range": fmt.Sprintf("bytes=0-%d", maxBytes-1)}}, &raw)
	if apiErr, ok := AsAPIError(err); ok && apiErr.Status == http.StatusRequestedRangeNotSatisfiable {
		// Paperclip answers 416 to any range of an empty object.
		return &AttachmentContent{Body: []byte{}}, nil
	}
	if err != nil {
		return nil, err
	}
	out := &AttachmentContent{Body: raw.Body, TotalBytes: int64(len(raw.Body))}
	if mt, _, err := mime.ParseMediaType(raw.Header.Get("Content-Type")); err == nil {
		out.ContentType = mt
	}
	if _, params, err := mime.ParseMediaType(raw.Header.Get("Content-Disposition")); err == nil {
		out.Filename = params["filename"]
	}
	// 206: "bytes 0-N/TOTAL". A server that ignores Range answers 200 with all of it.
	if cr := raw.Header.Get("Content-Range"); raw.Status == http.StatusPartialContent && cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				out.TotalBytes = n
			}
		}
	}
	if int64(len(out.Body)) > maxBytes {
		out.Body = out.Body[:maxBytes]
	}
	return out, nil
}

// DeleteAttachment deletes an attachment and its stored file; unknown id: 404.
// DELETE /api/attachments/{attachmentId}
func (c *Client) DeleteAttachment(ctx context.Context, attachmentID string) error {
	return c.do(ctx, request{route: routeDeleteAttachment, params: []string{attachmentID}}, nil)
}

// ContentURL is where an attachment's content can be fetched with the same
// credentials.
func (c *Client) ContentURL(attachmentID string) string {
	return c.origin + "/api/attachments/" + url.PathEscape(attachmentID) + "/content"
}

// The routes of this file.
var (
	routeListAttachments    = route(http.MethodGet, "/issues/{issueId}/attachments")
	routeUploadAttachment   = route(http.MethodPost, "/companies/{companyId}/issues/{issueId}/attachments")
	routeDownloadAttachment = route(http.MethodGet, "/attachments/{attachmentId}/content")
	routeDeleteAttachment   = route(http.MethodDelete, "/attachments/{attachmentId}")
)
