package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const attID = "bbbbbbbb-0000-4000-8000-000000000001"

// attJSON is an attachment as Paperclip answers it.
func attJSON(id, name, ct string, size int) map[string]any {
	return map[string]any{"id": id, "companyId": testCompany, "issueId": docIssueUUID, "issueCommentId": nil, "contentType": ct,
		"byteSize": size, "sha256": strings.Repeat("ab", 32), "originalFilename": name, "createdByUserId": "local-board",
		"createdAt": "2026-12-02T16:29:04.774Z", "contentPath": "/api/attachments/" + id + "/content"}
}

// uploadPart is what the stub saw in a multipart upload.
type uploadPart struct {
	field, filename, contentType string
	content                      []byte
}

func parseUpload(t *testing.T, r *http.Request, body []byte) []uploadPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts []uploadPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		require.NoError(t, err)
		b, _ := io.ReadAll(p)
		parts = append(parts, uploadPart{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b})
	}
}

// uploadStub answers uploads like Paperclip and records the parts.
func uploadStub(t *testing.T) (*stub, *[]uploadPart) {
	s := newStub(t)
	var got []uploadPart
	s.handle("POST /api/companies/{companyId}/issues/{issueId}/attachments", func(w http.ResponseWriter, r *http.Request, body []byte) {
		parts := parseUpload(t, r, body)
		got = append(got, parts...)
		if len(parts) != 1 || parts[0].field != "file" {
			writeJSON(w, 400, map[string]any{"error": "Missing file field 'file'"})
			return
		}
		writeJSON(w, 201, attJSON(attID, parts[0].filename, parts[0].contentType, len(parts[0].content)))
	})
	return s, &got
}

func TestUploadAttachmentSendsTheFileAsMultipart(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "notes.md"), []byte("# Notes\n"), 0o644))
	t.Setenv(uploadDirEnv, dir)
	s, got := uploadStub(t)
	d := s.deps(client.Config{RunID: "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"})

	var r UploadedAttachment
	md := callOK(t, d, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": "sub/notes.md"}, &r)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/companies/"+testCompany+"/issues/ABC-12/attachments", reqs[0].Path, "companyId defaults to PAPERCLIP_COMPANY_ID")
	assert.Equal(t, "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f", reqs[0].Header.Get("X-Paperclip-Run-Id"))
	require.Len(t, *got, 1)
	assert.Equal(t, uploadPart{"file", "notes.md", "text/markdown", []byte("# Notes\n")}, (*got)[0])
	assert.Equal(t, attID, r.ID)
	assert.Equal(t, int64(8), r.ByteSize)
	assert.Equal(t, "text/markdown", r.ContentType)
	assert.Contains(t, r.Note, "detected")
	assert.Contains(t, md, "attachment `"+attID+"` · text/markdown · 8 B ·")
	assert.Contains(t, md, "Next: paperclip_download_attachment attachmentId="+attID)

	// An absolute path inside the directory, a chosen name and type.
	r = UploadedAttachment{}
	callOK(t, d, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": filepath.Join(dir, "sub", "notes.md"),
		"filename": "renamed.txt", "mimeType": "text/plain; charset=utf-8", "companyId": "99999999-2222-4333-8444-555555555555"}, &r)
	assert.Equal(t, uploadPart{"file", "renamed.txt", "text/plain", []byte("# Notes\n")}, (*got)[1])
	assert.Equal(t, "/api/companies/99999999-2222-4333-8444-555555555555/issues/ABC-12/attachments", s.requests()[1].Path)
	assert.Empty(t, r.Note)
}

func TestUploadAttachmentDetectsTheType(t *testing.T) {
	dir := t.TempDir()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...)
	files := map[string][]byte{"a.txt": []byte("hi"), "b.csv": []byte("a,b\n"), "c.json": []byte("{}"), "image": png, "blob.xyz123": {0, 1, 2, 3}}
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o644))
	}
	t.Setenv(uploadDirEnv, dir)
	s, got := uploadStub(t)
	d := s.deps(client.Config{})
	want := map[string]string{"a.txt": "text/plain", "b.csv": "text/csv", "c.json": "application/json", "image": "image/png", "blob.xyz123": "application/octet-stream"}
	for name, ct := range want {
		var r UploadedAttachment
		callOK(t, d, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": name}, &r)
		assert.Equal(t, ct, (*got)[len(*got)-1].contentType, name)
	}
}

func TestUploadAttachmentDefaultsToTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "here.txt"), []byte("here"), 0o644))
	t.Setenv(uploadDirEnv, "")
	t.Chdir(dir)
	s, got := uploadStub(t)
	var r UploadedAttachment
	callOK(t, s.deps(client.Config{}), "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": "here.txt"}, &r)
	assert.Equal(t, []byte("here"), (*got)[0].content)
}

func TestUploadAttachmentRefusesWhatIsNotUnderTheDirectory(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "uploads")
	outside := filepath.Join(root, "secret.txt")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(outside, []byte("secret"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ok.txt"), []byte("ok"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "link.txt")))
	require.NoError(t, os.Symlink(root, filepath.Join(dir, "uplink")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "ok.txt"), filepath.Join(dir, "inside-link.txt")))
	big, err := os.Create(filepath.Join(dir, "big.bin"))
	require.NoError(t, err)
	require.NoError(t, big.Truncate(maxUploadBytes+1)) // sparse: 10 MiB + 1 byte
	require.NoError(t, big.Close())
	t.Setenv(uploadDirEnv, dir)
	s, _ := uploadStub(t)
	d := s.deps(client.Config{})

	cases := []struct{ path, want string }{
		{"../secret.txt", `it contains ".."`},
		{"sub/../../secret.txt", `it contains ".."`},
		{"sub/../ok.txt", `it contains ".."`},
		{outside, "it is outside the upload directory"},
		{"/etc/passwd", "it is outside the upload directory"},
		{"link.txt", "symlink that leads outside"},
		{"uplink/secret.txt", "symlink that leads outside"},
		{"sub", "not a regular file"},
		{"big.bin", "10485761 bytes, over Paperclip's attachment limit of 10 MiB"},
		{"empty.txt", "it is empty"},
		{"missing.txt", `No file "missing.txt" under the upload directory`},
	}
	for _, c := range cases {
		msg := callErr(t, d, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": c.path})
		assert.Contains(t, msg, c.want, c.path)
		assert.Contains(t, msg, uploadDirEnv, c.path)
	}
	for _, args := range []map[string]any{
		{"filePath": "ok.txt", "filename": "a/b.txt"},
		{"filePath": "ok.txt", "filename": "a\r\nX-Evil: 1"},
		{"filePath": "ok.txt", "mimeType": "not a type"},
		{"filePath": ""},
	} {
		args["issueId"] = docIssue
		callErr(t, d, "paperclip_upload_attachment", args)
	}
	noCompany := s.deps(client.Config{})
	noCompany.CompanyID = ""
	msg := callErr(t, noCompany, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": "ok.txt"})
	assert.Contains(t, msg, "companyId is required")
	assert.Empty(t, s.requests(), "every refusal comes before any request")

	var r UploadedAttachment
	callOK(t, d, "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": "inside-link.txt"}, &r)
	assert.Equal(t, "inside-link.txt", r.Filename, "a symlink that stays inside is fine")
}

func TestUploadAttachmentExplainsAForeignIssue(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644))
	t.Setenv(uploadDirEnv, dir)
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/issues/{issueId}/attachments", 422, map[string]any{"error": "Issue does not belong to company"})
	msg := callErr(t, s.deps(client.Config{}), "paperclip_upload_attachment", map[string]any{"issueId": docIssue, "filePath": "a.txt"})
	assert.Contains(t, msg, "is not in company "+testCompany)
	assert.Contains(t, msg, "companyId")
}

// contentStub serves attachment bytes the way Paperclip does: Range honoured
// (206 + Content-Range), the stored content type, a Content-Disposition.
func contentStub(t *testing.T, name, ct string, content []byte) *stub {
	s := newStub(t)
	s.handle("GET /api/attachments/{attachmentId}/content", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.PathValue("attachmentId") != attID {
			writeJSON(w, 404, map[string]any{"error": "Attachment not found"})
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		body, code := content, 200
		var end int
		if _, err := fmt.Sscanf(r.Header.Get("Range"), "bytes=0-%d", &end); err == nil {
			end = min(end, len(content)-1)
			body, code = content[:end+1], 206
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", end, len(content)))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(code)
		_, _ = w.Write(body)
	})
	return s
}

func TestDownloadAttachmentText(t *testing.T) {
	s := contentStub(t, "notes.md", "text/markdown; charset=utf-8", []byte("# Notes\n```go\nx := 1\n```\n"))
	d := s.deps(client.Config{})
	var r AttachmentContent
	md := callOK(t, d, "paperclip_download_attachment", map[string]any{"attachmentId": attID}, &r)
	assert.Equal(t, "utf-8", r.Encoding)
	assert.Equal(t, "# Notes\n```go\nx := 1\n```\n", r.Content)
	assert.Equal(t, "notes.md", r.Filename)
	assert.Equal(t, "text/markdown", r.ContentType)
	assert.Equal(t, int64(25), r.ByteSize)
	assert.False(t, r.Clipped)
	req := s.requests()[0]
	assert.Equal(t, fmt.Sprintf("bytes=0-%d", textFetchBytes-1), req.Header.Get("Range"), "never more than a result can hold is transferred")
	assert.Equal(t, []string{"true"}, req.Query["download"])
	assert.Contains(t, md, "````\n# Notes\n```go", "the fence is longer than any run of backticks inside")
}

func TestDownloadAttachmentLongTextIsClipped(t *testing.T) {
	content := []byte(strings.Repeat("é<line>\n", 20000)) // 180,000 bytes, a 2-byte character first
	s := contentStub(t, "big.txt", "text/plain", content)
	d := s.deps(client.Config{})
	for _, format := range []string{"markdown", "json"} {
		res := call(t, d, "paperclip_download_attachment", map[string]any{"attachmentId": attID, "response_format": format})
		require.False(t, res.IsError, text(res))
		assert.Less(t, utf8.RuneCountInString(text(res)), maxResultChars)
		assert.NotContains(t, text(res), "[Cut:")
		var r AttachmentContent
		require.NoError(t, json.Unmarshal(res.StructuredContent.(json.RawMessage), &r))
		assert.True(t, r.Clipped)
		assert.True(t, utf8.ValidString(r.Content))
		assert.True(t, strings.HasPrefix(string(content), r.Content))
		assert.Equal(t, int64(len(content)), r.ByteSize)
		assert.Contains(t, r.Note, "180000 bytes in all")
		assert.Contains(t, r.Note, "/api/attachments/"+attID+"/content")
	}
}

func TestDownloadAttachmentRangeCutInsideACharacter(t *testing.T) {
	// The range ends inside the 2-byte é: the half character is dropped, not
	// shown as a replacement character.
	content := append(bytes.Repeat([]byte("a"), textFetchBytes-1), []byte("éz")...)
	s := contentStub(t, "a.txt", "text/plain", content)
	var r AttachmentContent
	callOK(t, s.deps(client.Config{}), "paperclip_download_attachment", map[string]any{"attachmentId": attID, "response_format": "json"}, &r)
	assert.NotContains(t, r.Content, "\uFFFD")
	assert.Empty(t, strings.Trim(r.Content, "a"))
}

func TestDownloadAttachmentSmallBinaryAsBase64(t *testing.T) {
	content := make([]byte, maxInlineBinary)
	for i := range content {
		content[i] = byte(i * 7)
	}
	s := contentStub(t, "img.png", "image/png", content)
	d := s.deps(client.Config{})
	res := call(t, d, "paperclip_download_attachment", map[string]any{"attachmentId": attID, "response_format": "json"})
	require.False(t, res.IsError, text(res))
	assert.Less(t, utf8.RuneCountInString(text(res)), maxResultChars, "16 KiB of base64 fits a result")
	var r AttachmentContent
	require.NoError(t, json.Unmarshal(res.StructuredContent.(json.RawMessage), &r))
	assert.JSONEq(t, string(res.StructuredContent.(json.RawMessage)), text(res))
	assert.Equal(t, "base64", r.Encoding)
	got, err := base64.StdEncoding.DecodeString(r.Content)
	require.NoError(t, err)
	assert.Equal(t, content, got)
	md := text(call(t, d, "paperclip_download_attachment", map[string]any{"attachmentId": attID}))
	assert.Contains(t, md, "Binary content, base64-encoded:")
}

func TestDownloadAttachmentRefusesLargeBinaries(t *testing.T) {
	s := contentStub(t, "video.mp4", "video/mp4", make([]byte, 50000))
	msg := callErr(t, s.deps(client.Config{}), "paperclip_download_attachment", map[string]any{"attachmentId": attID})
	assert.Contains(t, msg, "50000 bytes")
	assert.Contains(t, msg, "larger than the 16 KiB")
	assert.Contains(t, msg, "/api/attachments/"+attID+"/content")
	assert.Contains(t, msg, "video.mp4")
}

func TestDownloadAttachmentGenericTypeSniffed(t *testing.T) {
	s := contentStub(t, "x.log", "application/octet-stream", []byte("plain words\n"))
	var r AttachmentContent
	callOK(t, s.deps(client.Config{}), "paperclip_download_attachment", map[string]any{"attachmentId": attID}, &r)
	assert.Equal(t, "utf-8", r.Encoding, "UTF-8 bytes under the generic binary type read as text")
	assert.Equal(t, "plain words\n", r.Content)
}

func TestAttachmentIDsChecked(t *testing.T) {
	s := contentStub(t, "a", "text/plain", []byte("a"))
	d := s.deps(client.Config{})
	for _, tool := range []string{"paperclip_download_attachment", "paperclip_delete_attachment"} {
		msg := callErr(t, d, tool, map[string]any{"attachmentId": "not-a-uuid"})
		assert.Contains(t, msg, "attachmentId must be a UUID", tool)
	}
	assert.Empty(t, s.requests(), "a malformed id would be a 500 upstream: refused before sending")
	msg := callErr(t, d, "paperclip_download_attachment", map[string]any{"attachmentId": "bbbbbbbb-0000-4000-8000-000000000999"})
	assert.Contains(t, msg, "404 Attachment not found")
	assert.Contains(t, msg, "paperclip_list_attachments")
}

func TestDeleteAttachment(t *testing.T) {
	s := newStub(t)
	s.handle("DELETE /api/attachments/{attachmentId}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.PathValue("attachmentId") == attID {
			writeJSON(w, 200, map[string]any{"ok": true})
			return
		}
		writeJSON(w, 404, map[string]any{"error": "Attachment not found"})
	})
	d := s.deps(client.Config{})
	var r DeletedAttachment
	md := callOK(t, d, "paperclip_delete_attachment", map[string]any{"attachmentId": attID}, &r)
	assert.True(t, r.Deleted)
	assert.Contains(t, md, "Deleted attachment "+attID)
	msg := callErr(t, d, "paperclip_delete_attachment", map[string]any{"attachmentId": "bbbbbbbb-0000-4000-8000-000000000999"})
	assert.Contains(t, msg, "404 Attachment not found")
	assert.Contains(t, msg, "paperclip_list_attachments issueId=<issue>.")
	def := findTool(t, "paperclip_delete_attachment").Def()
	assert.True(t, *def.Annotations.DestructiveHint)
	assert.False(t, *def.Annotations.ReadOnlyHint)
}

func TestListAttachmentsPagesHere(t *testing.T) {
	s := newStub(t)
	var all []map[string]any
	for i := 1; i <= 5; i++ {
		all = append(all, attJSON(fmt.Sprintf("bbbbbbbb-0000-4000-8000-00000000000%d", i), fmt.Sprintf("f%d.txt", i), "text/plain", i*100))
	}
	s.reply("GET /api/issues/{issueId}/attachments", 200, all)
	d := s.deps(client.Config{})
	var p Page[AttachmentSummary]
	md := callOK(t, d, "paperclip_list_attachments", map[string]any{"issueId": docIssue, "limit": 2, "offset": 1}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 5, *p.Total)
	assert.Equal(t, []string{"f2.txt", "f3.txt"}, []string{p.Items[0].Filename, p.Items[1].Filename})
	assert.Equal(t, int64(200), p.Items[0].ByteSize)
	assert.Equal(t, "/api/attachments/bbbbbbbb-0000-4000-8000-000000000002/content", p.Items[0].ContentPath)
	assert.Empty(t, s.requests()[0].Query, "the route takes no paging")
	assert.Contains(t, md, "- **f2.txt** `bbbbbbbb-0000-4000-8000-000000000002` · text/plain · 200 B")
	assert.Contains(t, md, "More: call paperclip_list_attachments with offset=3.")

	res := call(t, d, "paperclip_list_attachments", map[string]any{"issueId": docIssue, "response_format": "json"})
	assert.JSONEq(t, string(res.StructuredContent.(json.RawMessage)), text(res))
}
