package client

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const attIssue = "22222222-3333-4444-8555-666666666666"

func TestUploadAttachmentIsOneMultipartPostWithRunID(t *testing.T) {
	c, rec := newTest(t, Config{RunID: runID, Retries: 3},
		status(503, `{"error":"busy"}`))
	_, err := c.UploadAttachment(context.Background(), cid, attIssue, `a "quoted" name.txt`, "text/plain", []byte("hello"))
	apiErr, ok := AsAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 503, apiErr.Status)
	require.Len(t, rec.requests, 1, "a POST is never retried, even on 503")

	req := rec.requests[0]
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/api/companies/"+cid+"/issues/"+attIssue+"/attachments", req.URL.Path)
	assert.Equal(t, runID, req.Header.Get("X-Paperclip-Run-Id"))
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	require.NoError(t, err)
	assert.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(strings.NewReader(rec.bodies[0]), params["boundary"])
	part, err := mr.NextPart()
	require.NoError(t, err)
	assert.Equal(t, "file", part.FormName())
	assert.Equal(t, `a "quoted" name.txt`, part.FileName())
	assert.Equal(t, "text/plain", part.Header.Get("Content-Type"))
	b, _ := io.ReadAll(part)
	assert.Equal(t, "hello", string(b))
	_, err = mr.NextPart()
	assert.Equal(t, io.EOF, err, "one part only")
}

func TestUploadAttachmentDecodesTheAttachment(t *testing.T) {
	c, _ := newTest(t, Config{}, status(201, `{"id":"a1","issueId":"`+attIssue+`","contentType":"text/plain","byteSize":5,"sha256":"x","originalFilename":"a.txt","contentPath":"/api/attachments/a1/content"}`))
	at, err := c.UploadAttachment(context.Background(), cid, attIssue, "a.txt", "text/plain", []byte("hello"))
	require.NoError(t, err)
	assert.Equal(t, "a1", at.ID)
	assert.Equal(t, int64(5), at.ByteSize)
	assert.Equal(t, "/api/attachments/a1/content", at.ContentPath)
}

func rawAnswer(code int, body string, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

func TestDownloadAttachmentAsksForARangeAndReportsTheSize(t *testing.T) {
	c, rec := newTest(t, Config{RunID: runID},
		status(503, `{"error":"busy"}`),
		rawAnswer(206, "hello", "Content-Type", "text/markdown; charset=utf-8", "Content-Range", "bytes 0-4/1000",
			"Content-Disposition", `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.md`))
	got, err := c.DownloadAttachment(context.Background(), "a1", 5)
	require.NoError(t, err)
	require.Len(t, rec.requests, 2, "a GET is retried on 503")
	req := rec.requests[1]
	assert.Equal(t, "/api/attachments/a1/content", req.URL.Path)
	assert.Equal(t, "true", req.URL.Query().Get("download"))
	assert.Equal(t, "bytes=0-4", req.Header.Get("Range"))
	assert.Empty(t, req.Header.Get("X-Paperclip-Run-Id"), "the run id goes on mutations only")
	assert.Equal(t, []byte("hello"), got.Body)
	assert.Equal(t, "text/markdown", got.ContentType)
	assert.Equal(t, "résumé.md", got.Filename)
	assert.Equal(t, int64(1000), got.TotalBytes)
}

func TestDownloadAttachmentWithoutRangeSupport(t *testing.T) {
	c, _ := newTest(t, Config{}, rawAnswer(200, "0123456789", "Content-Type", "application/octet-stream"))
	got, err := c.DownloadAttachment(context.Background(), "a1", 4)
	require.NoError(t, err)
	assert.Equal(t, int64(10), got.TotalBytes, "a 200 carries the whole file")
	assert.Equal(t, []byte("0123"), got.Body, "cut to what was asked")
}

func TestDownloadAttachmentEmptyAnd404(t *testing.T) {
	c, _ := newTest(t, Config{}, rawAnswer(416, "", "Content-Range", "bytes */0"))
	got, err := c.DownloadAttachment(context.Background(), "a1", 4)
	require.NoError(t, err)
	assert.Equal(t, int64(0), got.TotalBytes)
	assert.Empty(t, got.Body)

	c, _ = newTest(t, Config{}, status(404, `{"error":"Attachment not found"}`))
	_, err = c.DownloadAttachment(context.Background(), "a1", 4)
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, "Attachment not found", apiErr.Message)
}

func TestPutDocumentTellsCreatedFromUpdated(t *testing.T) {
	c, rec := newTest(t, Config{RunID: runID},
		status(201, `{"key":"plan","body":"new","latestRevisionNumber":1}`),
		status(200, `{"key":"plan","latestBody":"old","body":"new","latestRevisionNumber":2}`))
	doc, created, err := c.PutDocument(context.Background(), attIssue, "plan", UpsertDocument{Format: "markdown", Body: "new"})
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, 1, doc.LatestRevisionNumber)
	doc, created, err = c.PutDocument(context.Background(), attIssue, "plan", UpsertDocument{Format: "markdown", Body: "new", BaseRevisionID: runID})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, "new", doc.Body, "the new body, not the stale latestBody")
	assert.Equal(t, "PUT", rec.requests[0].Method)
	assert.Equal(t, runID, rec.requests[0].Header.Get("X-Paperclip-Run-Id"))
	assert.Equal(t, "application/json", rec.requests[0].Header.Get("Content-Type"))
	assert.JSONEq(t, `{"title":null,"format":"markdown","body":"new"}`, rec.bodies[0])
	assert.JSONEq(t, `{"title":null,"format":"markdown","body":"new","baseRevisionId":"`+runID+`"}`, rec.bodies[1])
}

func TestRawKeepsStatusHeadersAndBody(t *testing.T) {
	c, _ := newTest(t, Config{}, rawAnswer(202, "not json", "X-Thing", "1"))
	var out Raw
	require.NoError(t, c.do(context.Background(), request{route: Route{Method: http.MethodGet, Pattern: "/x"}}, &out))
	assert.Equal(t, 202, out.Status)
	assert.Equal(t, "1", out.Header.Get("X-Thing"))
	assert.True(t, bytes.Equal([]byte("not json"), out.Body))
}
