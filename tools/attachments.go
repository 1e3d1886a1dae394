package tools

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findAttachment = "Find attachment ids with paperclip_list_attachments issueId=<issue>."

// Bounds of the attachment tools.
const (
	// maxUploadBytes is Paperclip's default attachment limit
	// (PAPERCLIP_ATTACHMENT_MAX_BYTES); larger files get 422.
	maxUploadBytes = 10 << 20
	// maxInlineBinary is the largest binary returned as base64 (its base64
	// text, 21,848 characters, stays under the output bound).
	maxInlineBinary = 16 << 10
	// textFetchBytes is how much of a text attachment is read: more than the
	// text budget can hold, even at 4 bytes a character.
	textFetchBytes = 96 << 10
	textBudget     = 20000
)

// uploadDirEnv names the only directory upload_attachment reads files from.
const uploadDirEnv = "PAPERCLIP_MCP_UPLOAD_DIR"

// AttachmentSummary is one attachment.
type AttachmentSummary struct {
	ID             string `json:"id"`
	Filename       string `json:"filename,omitempty"`
	ContentType    string `json:"contentType"`
	ByteSize       int64  `json:"byteSize"`
	IssueCommentID string `json:"issueCommentId,omitempty"`
	CreatedBy      string `json:"createdBy,omitempty"`
	CreatedAt      string `json:"createdAt"`
	ContentPath    string `json:"contentPath"`
}

func attachmentSummary(a *client.Attachment) AttachmentSummary {
	return AttachmentSummary{ID: a.ID, Filename: clip(str(a.OriginalFilename), 120), ContentType: a.ContentType, ByteSize: a.ByteSize,
		IssueCommentID: str(a.IssueCommentID), CreatedBy: actor(a.CreatedByAgentID, a.CreatedByUserID), CreatedAt: a.CreatedAt, ContentPath: a.ContentPath}
}

func attachmentLine(a AttachmentSummary) string {
	parts := []string{fmt.Sprintf("**%s** `%s`", orDash(a.Filename), a.ID), a.ContentType, humanBytes(a.ByteSize),
		shortTime(a.CreatedAt) + prefixed(" by ", a.CreatedBy)}
	if a.IssueCommentID != "" {
		parts = append(parts, "on comment `"+a.IssueCommentID+"`")
	}
	return "- " + strings.Join(parts, " · ")
}

// ListAttachmentsArgs are the arguments of paperclip_list_attachments.
type ListAttachmentsArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or ABC-12"`
	Paging
	Format
}

func listAttachments(ctx context.Context, d *Deps, a ListAttachmentsArgs) (Page[AttachmentSummary], error) {
	all, err := d.Client.ListAttachments(ctx, a.IssueID)
	if err != nil {
		return Page[AttachmentSummary]{Items: []AttachmentSummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	p := pageFrom(all, a.Offset, a.Limit, true, attachmentSummary)
	return p, nil
}

func listAttachmentsMarkdown(a ListAttachmentsArgs, p Page[AttachmentSummary]) string {
	var m md
	m.line("## Attachments of %s, newest first: %d shown from offset %d (%d in all)", a.IssueID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No attachments.")
	}
	for _, at := range p.Items {
		m.line("%s", attachmentLine(at))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_attachments", "")
	m.line("Next: paperclip_download_attachment attachmentId=<id> reads one.")
	return m.String()
}

// listAttachmentsTool declares paperclip_list_attachments.
func listAttachmentsTool() Tool {
	return define(Spec{Name: "paperclip_list_attachments", Title: "List an issue's attachments", Toolset: Attachments,
		Description: "An issue's files, newest first: id, name, type, size. Then download one.",
		Access:      Read, NotFound: findIssueHint},
		listAttachments, listAttachmentsMarkdown)
}

// AttachmentIDArgs identify one attachment.
type AttachmentIDArgs struct {
	AttachmentID string `json:"attachmentId" jsonschema:"format=uuid"`
}

// DownloadAttachmentArgs are the arguments of paperclip_download_attachment.
type DownloadAttachmentArgs struct {
	AttachmentIDArgs
	Format
}

// AttachmentContent is an attachment's content, as text or base64.
type AttachmentContent struct {
	AttachmentID string `json:"attachmentId"`
	Filename     string `json:"filename,omitempty"`
	ContentType  string `json:"contentType"`
	ByteSize     int64  `json:"byteSize"`
	Encoding     string `json:"encoding" jsonschema:"enum=utf-8,enum=base64"`
	Content      string `json:"content"`
	Clipped      bool   `json:"clipped" jsonschema:"description=True when content is only the start (see note)"`
	ContentURL   string `json:"contentUrl" jsonschema:"description=Where the whole content can be fetched with the same credentials"`
	Note         string `json:"note,omitempty"`
}

func downloadAttachment(ctx context.Context, d *Deps, a DownloadAttachmentArgs) (AttachmentContent, error) {
	got, err := d.Client.DownloadAttachment(ctx, a.AttachmentID, textFetchBytes)
	if err != nil {
		return AttachmentContent{}, err
	}
	out := AttachmentContent{AttachmentID: a.AttachmentID, Filename: got.Filename, ContentType: got.ContentType, ByteSize: got.TotalBytes,
		ContentURL: d.Client.ContentURL(a.AttachmentID)}
	complete := int64(len(got.Body)) == got.TotalBytes
	if isTextContent(got.ContentType, got.Body, complete) {
		body := got.Body
		if !complete {
			body = trimPartialRune(body)
		}
		text := string(body)
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
			out.Note = "The content is not valid UTF-8: invalid bytes are shown as \uFFFD. "
		}
		out.Encoding = "utf-8"
		out.Content, out.Clipped = clipJSON(text, textBudget)
		out.Clipped = out.Clipped || !complete
		if out.Clipped {
			out.Note += fmt.Sprintf("The attachment is longer than a result may be: %d bytes in all; content holds the first %d characters. The whole file is at %s.",
				got.TotalBytes, utf8.RuneCountInString(out.Content), out.ContentURL)
		}
		out.Note = strings.TrimSpace(out.Note)
		return out, nil
	}
	if got.TotalBytes > maxInlineBinary {
		return out, inputErrorf("Attachment %s (%s, %s, %d bytes) is binary and larger than the %d KiB this tool returns inline as base64. Fetch it from %s with the same credentials (Authorization header), e.g. with curl -o.",
			a.AttachmentID, orDash(got.Filename), orDash(got.ContentType), got.TotalBytes, maxInlineBinary>>10, out.ContentURL)
	}
	out.Encoding, out.Content = "base64", base64.StdEncoding.EncodeToString(got.Body)
	return out, nil
}

// isTextContent: text types are text; the generic binary type is text when
// its bytes are UTF-8 without control characters.
func isTextContent(contentType string, body []byte, complete bool) bool {
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	switch ct {
	case "application/json", "application/xml", "application/javascript", "application/x-yaml", "application/yaml", "application/toml", "application/x-sh", "application/sql":
		return true
	case "", "application/octet-stream", "binary/octet-stream", "application/x-binary":
		if !complete {
			body = trimPartialRune(body)
		}
		if len(body) == 0 || !utf8.Valid(body) {
			return false
		}
		for _, b := range body {
			if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
				return false
			}
		}
		return true
	}
	return false
}

// trimPartialRune drops an incomplete UTF-8 character a byte range cut at the end.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		r := b[len(b)-i]
		if r < 0x80 {
			return b
		}
		if utf8.RuneStart(r) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

func downloadAttachmentMarkdown(_ DownloadAttachmentArgs, r AttachmentContent) string {
	var m md
	m.line("## Attachment %s (`%s`): %s, %s", orDash(r.Filename), r.AttachmentID, orDash(r.ContentType), humanBytes(r.ByteSize))
	if r.Note != "" {
		m.line("%s", r.Note)
	}
	if r.Encoding == "base64" {
		m.line("Binary content, base64-encoded:")
	}
	fence := strings.Repeat("`", max(3, longestRun(r.Content, '`')+1))
	m.line("%s", fence)
	m.line("%s", strings.TrimSuffix(r.Content, "\n"))
	m.line("%s", fence)
	m.line("Next: paperclip_list_attachments lists the issue's other files.")
	return m.String()
}

// downloadAttachmentTool declares paperclip_download_attachment.
func downloadAttachmentTool() Tool {
	return define(Spec{Name: "paperclip_download_attachment", Title: "Download an attachment", Toolset: Attachments,
		Description: "An attachment's content: text as UTF-8 (clipped), binaries up to 16 KiB as base64.",
		Access:      Read, NotFound: findAttachment},
		downloadAttachment, downloadAttachmentMarkdown)
}

func longestRun(s string, c rune) int {
	best, n := 0, 0
	for _, r := range s {
		if r == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// UploadAttachmentArgs are the arguments of paperclip_upload_attachment.
type UploadAttachmentArgs struct {
	CompanyArg
	IssueID  string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or ABC-12"`
	FilePath string `json:"filePath" jsonschema:"description=Relative path"`
	Filename string `json:"filename,omitempty" jsonschema:"maxLength=255,description=Default: the file's name"`
	MimeType string `json:"mimeType,omitempty" jsonschema:"description=Default: detected"`
}

// UploadedAttachment is the new attachment.
type UploadedAttachment struct {
	AttachmentSummary
	IssueID string `json:"issueId"`
	SHA256  string `json:"sha256"`
	File    string `json:"file" jsonschema:"description=The local file that was sent"`
	Note    string `json:"note,omitempty"`
}

func uploadAttachment(ctx context.Context, d *Deps, a UploadAttachmentArgs) (UploadedAttachment, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return UploadedAttachment{}, err
	}
	path, content, err := readUpload(a.FilePath)
	if err != nil {
		return UploadedAttachment{}, err
	}
	name := a.Filename
	if name == "" {
		name = filepath.Base(a.FilePath)
	}
	if strings.ContainsAny(name, "/\\") || strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return UploadedAttachment{}, inputErrorf("filename %q must be a plain name: no slashes or control characters.", clip(name, 60))
	}
	note := ""
	ct := a.MimeType
	if ct == "" {
		ct = detectMimeType(name, content)
		note = "Content type " + ct + " was detected from the file name or content; pass mimeType to choose another."
	} else if mt, _, err := mime.ParseMediaType(ct); err != nil || strings.Count(mt, "/") != 1 || strings.HasPrefix(mt, "/") || strings.HasSuffix(mt, "/") {
		return UploadedAttachment{}, inputErrorf("mimeType %q is not a content type such as text/plain or image/png. Nothing was sent to Paperclip.", clip(ct, 60))
	} else {
		ct = mt
	}
	at, err := d.Client.UploadAttachment(ctx, companyID, a.IssueID, name, ct, content)
	if err != nil {
		if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 422 && strings.Contains(apiErr.Message, "does not belong") {
			return UploadedAttachment{}, inputErrorf("Issue %s is not in company %s (422 %s). Pass the issue's own companyId.", a.IssueID, companyID, apiErr.Message)
		}
		return UploadedAttachment{}, err
	}
	return UploadedAttachment{AttachmentSummary: attachmentSummary(at), IssueID: at.IssueID, SHA256: at.SHA256, File: path, Note: note}, nil
}

// readUpload reads a file from under the upload directory, and refuses
// anything else before it is read: "..", an absolute path outside, a
// symlink that leads outside, what is not a regular file, and files over
// Paperclip's limit or empty.
func readUpload(p string) (string, []byte, error) {
	root := os.Getenv(uploadDirEnv)
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", nil, inputErrorf("No upload directory: %s is unset and the working directory is unknown (%v). Set %s.", uploadDirEnv, err, uploadDirEnv)
		}
		root = wd
	}
	rootAbs, err := filepath.Abs(root)
	if err == nil {
		root, err = filepath.EvalSymlinks(rootAbs)
	}
	if err != nil {
		return "", nil, inputErrorf("The upload directory %s (%s) is not usable: %v.", rootAbs, uploadDirEnv, err)
	}
	refuse := func(why string) error {
		return inputErrorf("Refused filePath %q: %s. Files are read only from under the upload directory %s (%s); nothing was sent to Paperclip.", clip(p, 200), why, root, uploadDirEnv)
	}
	if strings.ContainsRune(p, 0) {
		return "", nil, refuse("it holds a NUL character")
	}
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == filepath.Separator }) {
		if part == ".." {
			return "", nil, refuse(`it contains ".."`)
		}
	}
	full := filepath.Join(root, p)
	if filepath.IsAbs(p) {
		full = filepath.Clean(p)
		if !within(rootAbs, full) && !within(root, full) {
			return "", nil, refuse("it is outside the upload directory")
		}
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		if os.IsNotExist(err) {
			return "", nil, inputErrorf("No file %q under the upload directory %s (%s). Give a path relative to it.", clip(p, 200), root, uploadDirEnv)
		}
		return "", nil, refuse(err.Error())
	}
	if !within(root, real) {
		return "", nil, refuse("it is a symlink that leads outside the upload directory")
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", nil, refuse(err.Error())
	}
	switch {
	case !fi.Mode().IsRegular():
		return "", nil, refuse("it is not a regular file")
	case fi.Size() > maxUploadBytes:
		return "", nil, refuse(fmt.Sprintf("it has %d bytes, over Paperclip's attachment limit of 10 MiB", fi.Size()))
	case fi.Size() == 0:
		return "", nil, refuse("it is empty (Paperclip refuses empty attachments)")
	}
	f, err := os.Open(real)
	if err != nil {
		return "", nil, refuse(err.Error())
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, maxUploadBytes+1))
	if err != nil {
		return "", nil, refuse(err.Error())
	}
	if len(content) > maxUploadBytes {
		return "", nil, refuse("it grew over Paperclip's attachment limit of 10 MiB while being read")
	}
	return real, content, nil
}

// within reports whether path is dir or under it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// mimeTypes covers what Go's table may lack on a slim system.
var mimeTypes = map[string]string{
	".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain", ".log": "text/plain", ".csv": "text/csv",
	".json": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml", ".pdf": "application/pdf",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".zip": "application/zip", ".html": "text/html",
}

// detectMimeType picks a content type from the extension, else the content.
func detectMimeType(name string, content []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	t := mimeTypes[ext]
	if t == "" && ext != "" {
		t = mime.TypeByExtension(ext)
	}
	if t == "" {
		t = http.DetectContentType(content)
	}
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return "application/octet-stream"
}

func uploadAttachmentMarkdown(_ UploadAttachmentArgs, r UploadedAttachment) string {
	var m md
	m.line("## Uploaded %s to issue %s", r.Filename, r.IssueID)
	size := humanBytes(r.ByteSize)
	if r.ByteSize >= 1024 {
		size += fmt.Sprintf(" (%d bytes)", r.ByteSize)
	}
	m.line("- attachment `%s` · %s · %s · sha256 %s", r.ID, r.ContentType, size, r.SHA256)
	m.line("- from %s", r.File)
	if r.Note != "" {
		m.line("- %s", r.Note)
	}
	m.line("Next: paperclip_download_attachment attachmentId=%s reads it back; paperclip_list_attachments issueId=%s lists the issue's files.", r.ID, r.IssueID)
	return m.String()
}

// uploadAttachmentTool declares paperclip_upload_attachment.
func uploadAttachmentTool() Tool {
	return define(Spec{Name: "paperclip_upload_attachment", Title: "Upload an attachment", Toolset: Attachments,
		Description: "Attach a file (<= 10 MiB) from PAPERCLIP_MCP_UPLOAD_DIR (default: working dir) to an issue.",
		Access:      Write, NotFound: findIssueHint},
		uploadAttachment, uploadAttachmentMarkdown)
}

// DeletedAttachment says what was deleted.
type DeletedAttachment struct {
	AttachmentID string `json:"attachmentId"`
	Deleted      bool   `json:"deleted"`
}

func deleteAttachment(ctx context.Context, d *Deps, a AttachmentIDArgs) (DeletedAttachment, error) {
	if err := d.Client.DeleteAttachment(ctx, a.AttachmentID); err != nil {
		return DeletedAttachment{}, err
	}
	return DeletedAttachment{AttachmentID: a.AttachmentID, Deleted: true}, nil
}

func deleteAttachmentMarkdown(_ AttachmentIDArgs, r DeletedAttachment) string {
	return fmt.Sprintf("Deleted attachment %s and its stored file.\nNext: paperclip_list_attachments issueId=… shows what is left.\n", r.AttachmentID)
}

// deleteAttachmentTool declares paperclip_delete_attachment.
func deleteAttachmentTool() Tool {
	return define(Spec{Name: "paperclip_delete_attachment", Title: "Delete an attachment", Toolset: Attachments,
		Description: "Delete an attachment and its stored file; this cannot be undone.",
		Access:      Destructive, NotFound: findAttachment},
		deleteAttachment, deleteAttachmentMarkdown)
}

func attachmentTools() []Tool {
	return []Tool{listAttachmentsTool(), downloadAttachmentTool(), uploadAttachmentTool(), deleteAttachmentTool()}
}
