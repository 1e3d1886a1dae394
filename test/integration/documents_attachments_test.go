package integration

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docWorld is a company of its own with one issue.
type docWorld struct {
	CompanyID, IssueID, Identifier string
}

func newDocWorld(t *testing.T, what string) docWorld {
	t.Helper()
	a := newAPI(t)
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " " + what + " IT " + randSuffix()}, &company)
	var issue struct {
		ID         string `json:"id"`
		Identifier string `json:"identifier"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/issues", map[string]any{"title": what + " " + randSuffix()}, &issue)
	require.NotEmpty(t, issue.Identifier)
	return docWorld{CompanyID: company.ID, IssueID: issue.ID, Identifier: issue.Identifier}
}

// restDocument is a document as GET /api/issues/{id}/documents/{key} returns it.
type restDocument struct {
	ID                   string  `json:"id"`
	Key                  string  `json:"key"`
	Title                *string `json:"title"`
	Format               string  `json:"format"`
	Body                 string  `json:"body"`
	LatestRevisionID     string  `json:"latestRevisionId"`
	LatestRevisionNumber int     `json:"latestRevisionNumber"`
	UpdatedAt            string  `json:"updatedAt"`
}

type mcpUpsert struct {
	Created        bool     `json:"created"`
	Status         int      `json:"status"`
	Key            string   `json:"key"`
	Title          string   `json:"title"`
	RevisionID     string   `json:"revisionId"`
	RevisionNumber int      `json:"revisionNumber"`
	BaseRevisionID string   `json:"baseRevisionId"`
	BodyChars      int      `json:"bodyChars"`
	Notes          []string `json:"notes"`
}

type mcpDocument struct {
	Key            string `json:"key"`
	Title          string `json:"title"`
	Format         string `json:"format"`
	RevisionID     string `json:"latestRevisionId"`
	RevisionNumber int    `json:"latestRevisionNumber"`
	BodyChars      int    `json:"bodyChars"`
	Excerpt        string `json:"excerpt"`
	UpdatedAt      string `json:"updatedAt"`
	ID             string `json:"id"`
	Body           string `json:"body"`
	Clipped        bool   `json:"clipped"`
}

type mcpPage[T any] struct {
	Items      []T  `json:"items"`
	Total      *int `json:"total"`
	Count      int  `json:"count"`
	HasMore    bool `json:"has_more"`
	NextOffset *int `json:"next_offset"`
}

// TestDocumentsAgainstREST walks a document's life through the tools and
// checks every step with REST: create, update without baseRevisionId, get,
// revisions, list, the conflicts, the board-only delete.
func TestDocumentsAgainstREST(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t, "Docs")
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID})
	docPath := "/issues/" + w.IssueID + "/documents/plan"

	// Create, with an upper-case key.
	var created mcpUpsert
	md := s.CallOK(t, "paperclip_upsert_document", map[string]any{"issueId": w.Identifier, "key": "Plan", "title": "Plan v1", "body": "# Plan\n\nstep 1"}, &created)
	assert.True(t, created.Created)
	assert.Equal(t, 201, created.Status)
	assert.Equal(t, "plan", created.Key)
	assert.Contains(t, strings.Join(created.Notes, " "), `lower-cased to "plan"`)
	assert.Contains(t, md, "Created document plan")
	var rest restDocument
	restGET(t, docPath, &rest)
	assert.Equal(t, created.RevisionID, rest.LatestRevisionID)
	assert.Equal(t, 1, rest.LatestRevisionNumber)
	assert.Equal(t, "Plan v1", deref(rest.Title))
	assert.Equal(t, "markdown", rest.Format)
	rev1 := rest.LatestRevisionID

	// Update without baseRevisionId (and without title): the tool reads the
	// current revision, so this is an update, not Paperclip's 409.
	var updated mcpUpsert
	md = s.CallOK(t, "paperclip_upsert_document", map[string]any{"issueId": w.Identifier, "key": "plan", "body": "# Plan\n\nstep 1\nstep 2"}, &updated)
	assert.False(t, updated.Created)
	assert.Equal(t, 200, updated.Status)
	assert.Equal(t, rev1, updated.BaseRevisionID)
	assert.Equal(t, 2, updated.RevisionNumber)
	assert.Contains(t, md, "Updated document plan")
	restGET(t, docPath, &rest)
	assert.Equal(t, updated.RevisionID, rest.LatestRevisionID)
	assert.Equal(t, "# Plan\n\nstep 1\nstep 2", rest.Body)
	assert.Equal(t, "Plan v1", deref(rest.Title), "the title was kept (Paperclip clears a title that is not sent)")

	// get_document equals REST.
	var got mcpDocument
	callJSON(t, s, "paperclip_get_document", map[string]any{"issueId": w.IssueID, "key": "plan"}, &got)
	assert.Equal(t, rest.ID, got.ID)
	assert.Equal(t, rest.Key, got.Key)
	assert.Equal(t, deref(rest.Title), got.Title)
	assert.Equal(t, rest.Body, got.Body)
	assert.False(t, got.Clipped)
	assert.Equal(t, rest.LatestRevisionID, got.RevisionID)
	assert.Equal(t, rest.LatestRevisionNumber, got.RevisionNumber)
	assert.Equal(t, rest.UpdatedAt, got.UpdatedAt)

	// Revisions: two, newest first, as REST.
	var restRevs []struct {
		ID             string `json:"id"`
		RevisionNumber int    `json:"revisionNumber"`
		Body           string `json:"body"`
	}
	restGET(t, docPath+"/revisions", &restRevs)
	require.Len(t, restRevs, 2)
	var revs mcpPage[struct {
		ID             string `json:"id"`
		RevisionNumber int    `json:"revisionNumber"`
		Excerpt        string `json:"excerpt"`
		BodyChars      int    `json:"bodyChars"`
	}]
	callJSON(t, s, "paperclip_get_document_revisions", map[string]any{"issueId": w.Identifier, "key": "plan"}, &revs)
	require.NotNil(t, revs.Total)
	assert.Equal(t, 2, *revs.Total)
	require.Len(t, revs.Items, 2)
	for i, r := range restRevs {
		assert.Equal(t, r.ID, revs.Items[i].ID)
		assert.Equal(t, r.RevisionNumber, revs.Items[i].RevisionNumber)
		assert.Equal(t, r.Body, revs.Items[i].Excerpt, "short bodies are whole in the excerpt")
	}
	assert.Equal(t, rev1, revs.Items[1].ID)

	// Paperclip answers 200 [] for the revisions of a key the issue does not
	// have; the tool says the document is not found.
	var none []any
	restGET(t, "/issues/"+w.IssueID+"/documents/nothing-here/revisions", &none)
	assert.Empty(t, none)
	msg := s.CallErr(t, "paperclip_get_document_revisions", map[string]any{"issueId": w.IssueID, "key": "nothing-here"})
	assert.Contains(t, msg, "404 Document not found")

	// A second document, then list equals REST.
	s.CallOK(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "notes", "body": "n"}, nil)
	var restList []restDocument
	restGET(t, "/issues/"+w.IssueID+"/documents?includeSystem=true", &restList)
	var list mcpPage[mcpDocument]
	callJSON(t, s, "paperclip_list_documents", map[string]any{"issueId": w.Identifier}, &list)
	require.NotNil(t, list.Total)
	assert.Equal(t, len(restList), *list.Total)
	require.Len(t, list.Items, len(restList))
	for i, r := range restList {
		assert.Equal(t, r.Key, list.Items[i].Key)
		assert.Equal(t, r.LatestRevisionID, list.Items[i].RevisionID)
		assert.Equal(t, len([]rune(r.Body)), list.Items[i].BodyChars)
		assert.Equal(t, r.Body, list.Items[i].Excerpt)
	}
	var page mcpPage[mcpDocument]
	callJSON(t, s, "paperclip_list_documents", map[string]any{"issueId": w.Identifier, "limit": 1}, &page)
	assert.Equal(t, 1, page.Count)
	require.NotNil(t, page.NextOffset)
	assert.Equal(t, 1, *page.NextOffset)

	// A stale baseRevisionId, and one on a key that does not exist yet.
	msg = s.CallErr(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "plan", "body": "x", "title": "T", "baseRevisionId": rev1})
	assert.Contains(t, msg, "is not the current revision")
	assert.Contains(t, msg, "the current one is "+rest.LatestRevisionID)
	assert.Contains(t, msg, "paperclip_get_document")
	msg = s.CallErr(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "brand-new", "body": "x", "baseRevisionId": rev1})
	assert.Contains(t, msg, "has no document brand-new yet")
	assert.Contains(t, msg, "Leave baseRevisionId out")
	restGET(t, docPath, &rest)
	assert.Equal(t, 2, rest.LatestRevisionNumber, "no conflict wrote anything")

	// Key and body checks happen before sending.
	msg = s.CallErr(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "has space", "body": "x"})
	assert.Contains(t, msg, "is not a document key")

	// What the real server does that the documentation does not say: a PUT
	// without title clears it, escaped line breaks become line breaks, and
	// the update answer carries the stale body as latestBody.
	var raw map[string]any
	a.expect(http.StatusCreated, http.MethodPut, "/issues/"+w.IssueID+"/documents/quirks", map[string]any{"format": "markdown", "title": "Has title", "body": `a\nb`}, &raw)
	assert.Equal(t, "a\nb", raw["body"])
	a.expect(http.StatusOK, http.MethodPut, "/issues/"+w.IssueID+"/documents/quirks", map[string]any{"format": "markdown", "body": "c", "baseRevisionId": raw["latestRevisionId"]}, &raw)
	assert.Nil(t, raw["title"], "a PUT without title clears the title")
	assert.Equal(t, "a\nb", raw["latestBody"], "the update answer's latestBody is the previous body")
	assert.Equal(t, "c", raw["body"])
	code, body := a.raw(http.MethodPut, "/issues/"+w.IssueID+"/documents/quirks", map[string]any{"format": "markdown", "body": "d"})
	assert.Equal(t, http.StatusConflict, code, "an update without baseRevisionId is a 409: %s", body)
	code, _ = a.raw(http.MethodPut, "/issues/"+w.IssueID+"/documents/quirks", map[string]any{"body": "d"})
	assert.Equal(t, http.StatusBadRequest, code, "format is required")
	var quirk mcpUpsert
	s.CallOK(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "quirks", "body": `x\ny`}, &quirk)
	assert.Contains(t, strings.Join(quirk.Notes, " "), "as line breaks")

	// delete_document is board only: an agent key gets the board-only message.
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/agents", map[string]any{
		"name": "docs-" + randSuffix(), "role": "engineer", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}},
	}, &agent)
	as := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": createAgentKey(t, agent.ID), "PAPERCLIP_TOOLSETS": "documents",
		"PAPERCLIP_COMPANY_ID": w.CompanyID, "PAPERCLIP_TOOLS": "paperclip_delete_document"})
	msg = as.CallErr(t, "paperclip_delete_document", map[string]any{"issueId": w.IssueID, "key": "plan"})
	assert.Contains(t, msg, "403 Board authentication required")
	assert.Contains(t, msg, "board only")
	code, _ = a.as(createAgentKey(t, agent.ID)).raw(http.MethodDelete, docPath, nil)
	assert.Equal(t, http.StatusForbidden, code)
	restGET(t, docPath, &rest)

	// The board deletes; then get gives the 404 message, and so does a second delete.
	var del struct {
		Deleted bool   `json:"deleted"`
		Key     string `json:"key"`
	}
	s.CallOK(t, "paperclip_delete_document", map[string]any{"issueId": w.IssueID, "key": "PLAN"}, &del)
	assert.True(t, del.Deleted)
	code, _ = a.raw(http.MethodGet, docPath, nil)
	assert.Equal(t, http.StatusNotFound, code)
	msg = s.CallErr(t, "paperclip_get_document", map[string]any{"issueId": w.IssueID, "key": "plan"})
	assert.Contains(t, msg, "404 Document not found")
	assert.Contains(t, msg, "paperclip_list_documents")
	msg = s.CallErr(t, "paperclip_delete_document", map[string]any{"issueId": w.IssueID, "key": "plan"})
	assert.Contains(t, msg, "404 Document not found")
}

// TestDocumentBodyBound: a body longer than a result may hold comes back
// clipped with a note giving its length; REST holds all of it.
func TestDocumentBodyBound(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t, "DocBound")
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID})
	long := strings.Repeat("A line of the <long> document.\n", 2000) // 62,000 characters
	s.CallOK(t, "paperclip_upsert_document", map[string]any{"issueId": w.IssueID, "key": "long", "body": long}, nil)
	var rest restDocument
	restGET(t, "/issues/"+w.IssueID+"/documents/long", &rest)
	assert.Equal(t, long, rest.Body)
	var got struct {
		mcpDocument
		Note string `json:"note"`
	}
	callJSON(t, s, "paperclip_get_document", map[string]any{"issueId": w.IssueID, "key": "long"}, &got)
	assert.True(t, got.Clipped)
	assert.Equal(t, len(long), got.BodyChars)
	assert.True(t, strings.HasPrefix(long, got.Body))
	assert.Contains(t, got.Note, "it has 62000 characters")
	md := s.CallOK(t, "paperclip_get_document", map[string]any{"issueId": w.IssueID, "key": "long"}, nil)
	assert.Less(t, len([]rune(md)), 25000)
	assert.NotContains(t, md, "[Cut:")
}

type mcpAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	ByteSize    int64  `json:"byteSize"`
	ContentPath string `json:"contentPath"`
	SHA256      string `json:"sha256"`
	IssueID     string `json:"issueId"`
}

type restAttachment struct {
	ID               string `json:"id"`
	OriginalFilename string `json:"originalFilename"`
	ContentType      string `json:"contentType"`
	ByteSize         int64  `json:"byteSize"`
	SHA256           string `json:"sha256"`
	ContentPath      string `json:"contentPath"`
}

// TestAttachmentsAgainstREST uploads from a directory set as
// PAPERCLIP_MCP_UPLOAD_DIR, lists and downloads as REST does, refuses what is
// outside the directory before sending, and deletes.
func TestAttachmentsAgainstREST(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t, "Files")
	dir, outside := t.TempDir(), t.TempDir()
	text := []byte("hello text\nsecond line\n")
	bin := make([]byte, 300)
	for i := range bin {
		bin[i] = byte(i * 37)
	}
	big := bytes.Repeat([]byte{0, 1, 2, 3, 0xff}, 4000) // 20,000 bytes
	require.NoError(t, os.WriteFile(filepath.Join(dir, "note.txt"), text, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blob.bin"), bin, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")))
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID, "PAPERCLIP_MCP_UPLOAD_DIR": dir})
	listPath := "/issues/" + w.IssueID + "/attachments"

	var up1, up2, up3 mcpAttachment
	md := s.CallOK(t, "paperclip_upload_attachment", map[string]any{"issueId": w.Identifier, "filePath": "note.txt"}, &up1)
	assert.Equal(t, int64(len(text)), up1.ByteSize)
	assert.Equal(t, "text/plain", up1.ContentType)
	assert.Equal(t, "note.txt", up1.Filename)
	assert.Equal(t, w.IssueID, up1.IssueID)
	assert.Contains(t, md, "attachment `"+up1.ID+"`")
	s.CallOK(t, "paperclip_upload_attachment", map[string]any{"issueId": w.IssueID, "filePath": filepath.Join(dir, "blob.bin")}, &up2)
	assert.Equal(t, "application/octet-stream", up2.ContentType)
	assert.Equal(t, int64(300), up2.ByteSize)
	s.CallOK(t, "paperclip_upload_attachment", map[string]any{"issueId": w.IssueID, "filePath": "big.bin", "filename": "big.dat", "mimeType": "application/zip"}, &up3)
	assert.Equal(t, "application/zip", up3.ContentType)
	assert.Equal(t, "big.dat", up3.Filename)

	// list equals REST.
	var rest []restAttachment
	restGET(t, listPath, &rest)
	require.Len(t, rest, 3)
	var list mcpPage[mcpAttachment]
	callJSON(t, s, "paperclip_list_attachments", map[string]any{"issueId": w.Identifier}, &list)
	require.NotNil(t, list.Total)
	assert.Equal(t, 3, *list.Total)
	require.Len(t, list.Items, 3)
	for i, r := range rest {
		assert.Equal(t, r.ID, list.Items[i].ID)
		assert.Equal(t, r.OriginalFilename, list.Items[i].Filename)
		assert.Equal(t, r.ContentType, list.Items[i].ContentType)
		assert.Equal(t, r.ByteSize, list.Items[i].ByteSize)
		assert.Equal(t, r.ContentPath, list.Items[i].ContentPath)
	}
	for _, r := range rest {
		if r.ID == up1.ID {
			assert.Equal(t, r.SHA256, up1.SHA256)
		}
	}

	// download gives the same bytes as REST and as the file.
	type download struct {
		Encoding, Content, ContentType, Filename, ContentURL string
		ByteSize                                             int64
	}
	var d1, d2 download
	callJSON(t, s, "paperclip_download_attachment", map[string]any{"attachmentId": up1.ID}, &d1)
	code, restBytes := newAPI(t).raw(http.MethodGet, "/attachments/"+up1.ID+"/content", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, text, restBytes)
	assert.Equal(t, "utf-8", d1.Encoding)
	assert.Equal(t, string(text), d1.Content)
	assert.Equal(t, "note.txt", d1.Filename)
	callJSON(t, s, "paperclip_download_attachment", map[string]any{"attachmentId": up2.ID}, &d2)
	assert.Equal(t, "base64", d2.Encoding)
	decoded, err := base64.StdEncoding.DecodeString(d2.Content)
	require.NoError(t, err)
	assert.Equal(t, bin, decoded)
	_, restBytes = newAPI(t).raw(http.MethodGet, "/attachments/"+up2.ID+"/content", nil)
	assert.Equal(t, bin, restBytes)
	msg := s.CallErr(t, "paperclip_download_attachment", map[string]any{"attachmentId": up3.ID})
	assert.Contains(t, msg, "20000 bytes")
	assert.Contains(t, msg, baseURL+"/api/attachments/"+up3.ID+"/content")

	// Outside the directory: refused before sending.
	for path, want := range map[string]string{
		"../" + filepath.Base(outside) + "/secret.txt": `contains ".."`,
		filepath.Join(outside, "secret.txt"):           "outside the upload directory",
		"link.txt":                                     "symlink that leads outside",
	} {
		msg := s.CallErr(t, "paperclip_upload_attachment", map[string]any{"issueId": w.IssueID, "filePath": path})
		assert.Contains(t, msg, want, path)
		assert.Contains(t, msg, "nothing was sent to Paperclip", path)
	}
	restGET(t, listPath, &rest)
	assert.Len(t, rest, 3, "nothing was uploaded by the refused calls")

	// A malformed id would be a 500 upstream: refused here.
	code, _ = newAPI(t).raw(http.MethodGet, "/attachments/not-a-uuid/content", nil)
	assert.Equal(t, http.StatusInternalServerError, code)
	msg = s.CallErr(t, "paperclip_download_attachment", map[string]any{"attachmentId": "not-a-uuid"})
	assert.Contains(t, msg, "attachmentId must be a UUID")

	// delete, then list shows it gone; a second delete is a 404 with how to find ids.
	var del struct {
		Deleted bool `json:"deleted"`
	}
	s.CallOK(t, "paperclip_delete_attachment", map[string]any{"attachmentId": up1.ID}, &del)
	assert.True(t, del.Deleted)
	restGET(t, listPath, &rest)
	require.Len(t, rest, 2)
	for _, r := range rest {
		assert.NotEqual(t, up1.ID, r.ID)
	}
	callJSON(t, s, "paperclip_list_attachments", map[string]any{"issueId": w.IssueID}, &list)
	assert.Equal(t, 2, *list.Total)
	msg = s.CallErr(t, "paperclip_delete_attachment", map[string]any{"attachmentId": up1.ID})
	assert.Contains(t, msg, "404 Attachment not found")
	assert.Contains(t, msg, "paperclip_list_attachments")
}
