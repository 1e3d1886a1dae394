package tools

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	findDocument  = "Find document keys with paperclip_list_documents issueId=…; issue ids with paperclip_list_issues."
	findIssueHint = "Check issueId (a UUID or an identifier like ABC-12); find issues with paperclip_list_issues."
)

// docBodyBudget bounds a whole document body, in JSON characters (what the
// output bound counts).
const (
	docBodyBudget = 22000
)

// DocKey names one document of an issue.
type DocKey struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or ABC-12"`
	Key     string `json:"key" jsonschema:"maxLength=64,description=e.g. plan"`
}

var docKeyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// docKey checks a key before it is sent and returns it as Paperclip stores
// it (lower case), with a note when that differs from what was given.
func docKey(key string) (string, string, error) {
	low := strings.ToLower(key)
	if !docKeyRE.MatchString(low) {
		return "", "", inputErrorf("key %q is not a document key: use letters, digits, _ and - (starting with a letter or digit; upper case is lower-cased), at most 64 characters. Nothing was sent to Paperclip.", clip(key, 80))
	}
	if low == key {
		return key, "", nil
	}
	return low, fmt.Sprintf("Key %q was lower-cased to %q, as Paperclip stores keys.", key, low), nil
}

// DocumentSummary is one document in a list.
type DocumentSummary struct {
	Key            string `json:"key"`
	Title          string `json:"title,omitempty"`
	Format         string `json:"format"`
	RevisionID     string `json:"latestRevisionId,omitempty"`
	RevisionNumber int    `json:"latestRevisionNumber"`
	BodyChars      int    `json:"bodyChars"`
	Excerpt        string `json:"excerpt,omitempty" jsonschema:"description=Start of the body (lists clip it)"`
	UpdatedBy      string `json:"updatedBy,omitempty"`
	UpdatedAt      string `json:"updatedAt"`
	LockedAt       string `json:"lockedAt,omitempty"`
}

func documentSummary(d *client.Document, excerpt int) DocumentSummary {
	s := DocumentSummary{Key: d.Key, Title: str(d.Title), Format: d.Format, RevisionID: str(d.LatestRevisionID),
		RevisionNumber: d.LatestRevisionNumber, BodyChars: utf8.RuneCountInString(d.Body),
		UpdatedBy: actor(d.UpdatedByAgentID, d.UpdatedByUserID), UpdatedAt: d.UpdatedAt, LockedAt: str(d.LockedAt)}
	if excerpt > 0 {
		s.Title = clip(s.Title, 120)
		s.Excerpt, _ = clipJSON(d.Body, excerpt)
	}
	return s
}

// actor names who did something: "agent <id>" or "user <id>".
func actor(agentID, userID *string) string {
	switch {
	case str(agentID) != "":
		return "agent " + *agentID
	case str(userID) != "":
		return "user " + *userID
	}
	return ""
}

func documentLine(s DocumentSummary) string {
	parts := []string{fmt.Sprintf("**%s**", s.Key)}
	if s.Title != "" {
		parts = append(parts, fmt.Sprintf("%q", oneLine(s.Title, 80)))
	}
	parts = append(parts, fmt.Sprintf("rev %d `%s`", s.RevisionNumber, s.RevisionID), fmt.Sprintf("%d chars", s.BodyChars),
		"updated "+shortTime(s.UpdatedAt)+prefixed(" by ", s.UpdatedBy))
	if s.LockedAt != "" {
		parts = append(parts, "locked")
	}
	if s.Excerpt != "" {
		parts = append(parts, "“"+oneLine(s.Excerpt, 100)+"”")
	}
	return "- " + strings.Join(parts, " · ")
}

// ListDocumentsArgs are the arguments of paperclip_list_documents.
type ListDocumentsArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or ABC-12"`
	Paging
	Format
}

func listDocuments(ctx context.Context, d *Deps, a ListDocumentsArgs) (Page[DocumentSummary], error) {
	all, err := d.Client.ListDocuments(ctx, a.IssueID)
	if err != nil {
		return Page[DocumentSummary]{Items: []DocumentSummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	n := excerptBudget(min(a.Limit, max(len(all)-a.Offset, 1)))
	p := pageFrom(all, a.Offset, a.Limit, true, func(doc *client.Document) DocumentSummary { return documentSummary(doc, n) })
	return p, nil
}

func listDocumentsMarkdown(a ListDocumentsArgs, p Page[DocumentSummary]) string {
	var m md
	m.line("## Documents of %s: %d shown from offset %d (%d in all)", a.IssueID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No documents.")
	}
	for _, s := range p.Items {
		m.line("%s", documentLine(s))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_documents", "")
	m.line("Next: paperclip_get_document issueId=%s key=<key> reads one in full.", a.IssueID)
	return m.String()
}

// listDocumentsTool declares paperclip_list_documents.
func listDocumentsTool() Tool {
	return define(Spec{Name: "paperclip_list_documents", Title: "List an issue's documents", Toolset: Documents,
		Description: "An issue's documents: key, title, revision, size, start of body. Then paperclip_get_document.",
		Access:      Read, NotFound: findIssueHint},
		listDocuments, listDocumentsMarkdown)
}

// GetDocumentArgs are the arguments of paperclip_get_document.
type GetDocumentArgs struct {
	DocKey
	Format
}

// DocumentDetail is one document with its body.
type DocumentDetail struct {
	DocumentSummary
	ID        string `json:"id"`
	IssueID   string `json:"issueId"`
	Body      string `json:"body"`
	Clipped   bool   `json:"clipped" jsonschema:"description=True when body is only the start of the document (see note)"`
	Note      string `json:"note,omitempty"`
	CreatedAt string `json:"createdAt"`
}

func getDocument(ctx context.Context, d *Deps, a GetDocumentArgs) (DocumentDetail, error) {
	key, note, err := docKey(a.Key)
	if err != nil {
		return DocumentDetail{}, err
	}
	doc, err := d.Client.GetDocument(ctx, a.IssueID, key)
	if err != nil {
		return DocumentDetail{}, err
	}
	out := DocumentDetail{DocumentSummary: documentSummary(doc, 0), ID: doc.ID, IssueID: doc.IssueID, CreatedAt: doc.CreatedAt, Note: note}
	out.Body, out.Clipped = clipJSON(doc.Body, docBodyBudget)
	if out.Clipped {
		out.Note = strings.TrimSpace(out.Note + fmt.Sprintf(" The document is longer than a result may be: it has %d characters, and body holds the first %d. The whole body is at GET %s/api/issues/%s/documents/%s.",
			out.BodyChars, utf8.RuneCountInString(out.Body), d.Client.Origin(), doc.IssueID, doc.Key))
	}
	return out, nil
}

func getDocumentMarkdown(_ GetDocumentArgs, r DocumentDetail) string {
	var m md
	title := ""
	if r.Title != "" {
		title = fmt.Sprintf(" (%q)", oneLine(r.Title, 120))
	}
	m.line("## Document %s%s of issue %s", r.Key, title, r.IssueID)
	m.line("- revision %d `%s` · %s · %d characters · updated %s%s", r.RevisionNumber, r.RevisionID, r.Format, r.BodyChars,
		shortTime(r.UpdatedAt), prefixed(" by ", r.UpdatedBy))
	if r.LockedAt != "" {
		m.line("- locked since %s", shortTime(r.LockedAt))
	}
	if r.Note != "" {
		m.line("- %s", r.Note)
	}
	m.blank()
	m.line("%s", strings.TrimRight(r.Body, "\n"))
	if r.Clipped {
		m.line("[… clipped: %d characters in all]", r.BodyChars)
	}
	m.blank()
	m.line("Next: paperclip_upsert_document issueId=%s key=%s body=… baseRevisionId=%s saves a new revision; paperclip_get_document_revisions shows the history.",
		r.IssueID, r.Key, r.RevisionID)
	return m.String()
}

// getDocumentTool declares paperclip_get_document.
func getDocumentTool() Tool {
	return define(Spec{Name: "paperclip_get_document", Title: "Get a document", Toolset: Documents,
		Description: "One document's body and latestRevisionId (the baseRevisionId of an edit).",
		Access:      Read, NotFound: findDocument},
		getDocument, getDocumentMarkdown)
}

// DocumentRevisionsArgs are the arguments of paperclip_get_document_revisions.
type DocumentRevisionsArgs struct {
	DocKey
	Paging
	Format
}

// RevisionSummary is one revision of a document.
type RevisionSummary struct {
	ID             string `json:"id"`
	RevisionNumber int    `json:"revisionNumber"`
	Title          string `json:"title,omitempty"`
	ChangeSummary  string `json:"changeSummary,omitempty"`
	BodyChars      int    `json:"bodyChars"`
	Excerpt        string `json:"excerpt" jsonschema:"description=Start of the body (clipped)"`
	CreatedBy      string `json:"createdBy,omitempty"`
	CreatedAt      string `json:"createdAt"`
}

func getDocumentRevisions(ctx context.Context, d *Deps, a DocumentRevisionsArgs) (Page[RevisionSummary], error) {
	key, _, err := docKey(a.Key)
	if err != nil {
		return Page[RevisionSummary]{Items: []RevisionSummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	all, err := d.Client.ListDocumentRevisions(ctx, a.IssueID, key)
	if err != nil {
		return Page[RevisionSummary]{Items: []RevisionSummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	if len(all) == 0 {
		// Paperclip answers [] for a key the issue does not have.
		if _, err := d.Client.GetDocument(ctx, a.IssueID, key); err != nil {
			return Page[RevisionSummary]{Items: []RevisionSummary{}, Offset: a.Offset, Limit: a.Limit}, err
		}
	}
	n := excerptBudget(min(a.Limit, max(len(all)-a.Offset, 1)))
	p := pageFrom(all, a.Offset, a.Limit, true, func(r *client.DocumentRevision) RevisionSummary {
		ex, _ := clipJSON(r.Body, n)
		return RevisionSummary{ID: r.ID, RevisionNumber: r.RevisionNumber, Title: clip(str(r.Title), 120), ChangeSummary: clip(str(r.ChangeSummary), 200),
			BodyChars: utf8.RuneCountInString(r.Body), Excerpt: ex, CreatedBy: actor(r.CreatedByAgentID, r.CreatedByUserID), CreatedAt: r.CreatedAt}
	})
	return p, nil
}

func getDocumentRevisionsMarkdown(a DocumentRevisionsArgs, p Page[RevisionSummary]) string {
	key := strings.ToLower(a.Key)
	var m md
	m.line("## Revisions of document %s (issue %s), newest first: %d shown from offset %d (%d in all)", key, a.IssueID, p.Count, p.Offset, *p.Total)
	for _, r := range p.Items {
		parts := []string{fmt.Sprintf("**rev %d** `%s`", r.RevisionNumber, r.ID), shortTime(r.CreatedAt) + prefixed(" by ", r.CreatedBy)}
		if r.Title != "" {
			parts = append(parts, fmt.Sprintf("%q", oneLine(r.Title, 80)))
		}
		if r.ChangeSummary != "" {
			parts = append(parts, "change: "+oneLine(r.ChangeSummary, 100))
		}
		parts = append(parts, fmt.Sprintf("%d chars", r.BodyChars), "“"+oneLine(r.Excerpt, 100)+"”")
		m.line("- %s", strings.Join(parts, " · "))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_get_document_revisions", "")
	m.line("Next: paperclip_get_document issueId=%s key=%s reads the latest body.", a.IssueID, key)
	return m.String()
}

// getDocumentRevisionsTool declares paperclip_get_document_revisions.
func getDocumentRevisionsTool() Tool {
	return define(Spec{Name: "paperclip_get_document_revisions", Title: "List a document's revisions", Toolset: Documents,
		Description: "A document's revisions, newest first: author, start of body.",
		Access:      Read, NotFound: findDocument},
		getDocumentRevisions, getDocumentRevisionsMarkdown)
}

// UpsertDocumentArgs are the arguments of paperclip_upsert_document.
type UpsertDocumentArgs struct {
	DocKey
	Title          *string `json:"title,omitempty" jsonschema:"maxLength=200,description=Omitted: keep; empty: clear"`
	Body           string  `json:"body" jsonschema:"maxLength=524288"`
	DocFormat      string  `json:"format,omitempty" jsonschema:"enum=markdown,default=markdown"`
	BaseRevisionID string  `json:"baseRevisionId,omitempty" jsonschema:"format=uuid,description=Default: the current revision"`
}

// UpsertDocumentResult says what was saved.
type UpsertDocumentResult struct {
	Created        bool     `json:"created" jsonschema:"description=true: a new document (201); false: a new revision of an existing one (200)"`
	Status         int      `json:"status"`
	IssueID        string   `json:"issueId"`
	Key            string   `json:"key"`
	Title          string   `json:"title,omitempty"`
	RevisionID     string   `json:"revisionId"`
	RevisionNumber int      `json:"revisionNumber"`
	BaseRevisionID string   `json:"baseRevisionId,omitempty" jsonschema:"description=The revision this one replaced"`
	BodyChars      int      `json:"bodyChars"`
	Notes          []string `json:"notes"`
}

func upsertDocument(ctx context.Context, d *Deps, a UpsertDocumentArgs) (UpsertDocumentResult, error) {
	key, note, err := docKey(a.Key)
	if err != nil {
		return UpsertDocumentResult{Notes: []string{}}, err
	}
	out := UpsertDocumentResult{IssueID: a.IssueID, Key: key, Notes: []string{}}
	if note != "" {
		out.Notes = append(out.Notes, note)
	}
	base, title, autoBase := a.BaseRevisionID, a.Title, false
	if base == "" || title == nil {
		// Paperclip updates only with the current revision as base (409
		// otherwise) and clears a title that is not sent: read it first.
		cur, err := d.Client.GetDocument(ctx, a.IssueID, key)
		switch {
		case err == nil:
			if base == "" {
				base, autoBase = str(cur.LatestRevisionID), true
			}
			if title == nil && cur.Title != nil {
				title = cur.Title
				out.Notes = append(out.Notes, "Title kept from the current revision.")
			}
		case !isAPIError(err, 404, "Document not found"):
			return out, err
		}
	}
	in := client.UpsertDocument{Format: "markdown", Body: a.Body, BaseRevisionID: base}
	if title != nil && *title != "" {
		in.Title = title
	}
	doc, created, err := d.Client.PutDocument(ctx, a.IssueID, key, in)
	if err != nil {
		return out, upsertConflict(err, a, key, autoBase)
	}
	out.Created, out.Status = created, 200
	if created {
		out.Status = 201
	}
	out.Key, out.Title, out.RevisionID, out.RevisionNumber = doc.Key, str(doc.Title), str(doc.LatestRevisionID), doc.LatestRevisionNumber
	out.BodyChars = utf8.RuneCountInString(doc.Body)
	if !created {
		out.BaseRevisionID = base
		if autoBase {
			out.Notes = append(out.Notes, fmt.Sprintf("No baseRevisionId was given: this replaced the current revision %s.", base))
		}
	}
	if doc.Key != key {
		out.Notes = append(out.Notes, fmt.Sprintf("Document %q is locked, so Paperclip saved this text as a new document %q.", key, doc.Key))
	}
	if doc.Body != a.Body {
		if unescapeLineBreaks(a.Body) == doc.Body {
			out.Notes = append(out.Notes, `Paperclip stored the two-character sequences \n and \r of the body as line breaks (it does so for every document body).`)
		} else {
			out.Notes = append(out.Notes, fmt.Sprintf("The stored body differs from the one sent (%d characters stored, %d sent).", out.BodyChars, utf8.RuneCountInString(a.Body)))
		}
	}
	return out, nil
}

// unescapeLineBreaks does what Paperclip does to every document body.
func unescapeLineBreaks(s string) string {
	return strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "\n").Replace(s)
}

// upsertConflict turns Paperclip's 409s on a document write into what to do.
func upsertConflict(err error, a UpsertDocumentArgs, key string, autoBase bool) error {
	apiErr, ok := client.AsAPIError(err)
	if !ok || apiErr.Status != 409 {
		return err
	}
	current := ""
	if m, ok := apiErr.Details.(map[string]any); ok {
		current, _ = m["currentRevisionId"].(string)
	}
	switch {
	case apiErr.Message == "Document was updated by someone else" && autoBase:
		return inputErrorf("Not saved: document %s changed while this call saved it (409 %s). Call again to replace the new revision %s, or read it first with paperclip_get_document.", key, apiErr.Message, current)
	case apiErr.Message == "Document was updated by someone else":
		return inputErrorf("Not saved: baseRevisionId %s is not the current revision of document %s (409 %s); the current one is %s. Read it with paperclip_get_document, merge your change into its body, and call again with baseRevisionId=%s; or leave baseRevisionId out to replace it with your body.",
			a.BaseRevisionID, key, apiErr.Message, current, current)
	case apiErr.Message == "Document does not exist yet":
		return inputErrorf("Not saved: issue %s has no document %s yet, so baseRevisionId has nothing to match (409 %s). Leave baseRevisionId out to create it, or check the key with paperclip_list_documents.", a.IssueID, key, apiErr.Message)
	case strings.HasPrefix(apiErr.Message, "Document update requires baseRevisionId"):
		return inputErrorf("Not saved: document %s was created by someone else while this call saved it (409). Call again to replace it, or read it first with paperclip_get_document.", key)
	case apiErr.Message == "Document is locked":
		return inputErrorf("Not saved: document %s is locked (409 Document is locked). A board user must unlock it first; or save under another key.", key)
	}
	return err
}

func isAPIError(err error, status int, message string) bool {
	apiErr, ok := client.AsAPIError(err)
	return ok && apiErr.Status == status && apiErr.Message == message
}

func upsertDocumentMarkdown(_ UpsertDocumentArgs, r UpsertDocumentResult) string {
	var m md
	what := "Updated"
	if r.Created {
		what = "Created"
	}
	m.line("## %s document %s of issue %s (%d)", what, r.Key, r.IssueID, r.Status)
	title := ""
	if r.Title != "" {
		title = fmt.Sprintf(" · %q", oneLine(r.Title, 120))
	}
	m.line("- revision %d `%s`%s · %d characters%s", r.RevisionNumber, r.RevisionID, title, r.BodyChars,
		prefixed(" · replaced revision ", r.BaseRevisionID))
	for _, n := range r.Notes {
		m.line("- %s", n)
	}
	m.blank()
	m.line("Next: paperclip_get_document issueId=%s key=%s reads it; pass baseRevisionId=%s on the next edit to refuse overwriting someone else's.", r.IssueID, r.Key, r.RevisionID)
	return m.String()
}

// upsertDocumentTool declares paperclip_upsert_document.
func upsertDocumentTool() Tool {
	return define(Spec{Name: "paperclip_upsert_document", Title: "Create or update a document", Toolset: Documents,
		Description: "Create a document or save a new revision (markdown); baseRevisionId refuses overwriting a newer edit.",
		Access:      Write, NotFound: findIssueHint},
		upsertDocument, upsertDocumentMarkdown)
}

// DeleteDocumentResult says what was deleted.
type DeleteDocumentResult struct {
	IssueID string `json:"issueId"`
	Key     string `json:"key"`
	Deleted bool   `json:"deleted"`
}

func deleteDocument(ctx context.Context, d *Deps, a DocKey) (DeleteDocumentResult, error) {
	key, _, err := docKey(a.Key)
	if err != nil {
		return DeleteDocumentResult{}, err
	}
	if err := d.Client.DeleteDocument(ctx, a.IssueID, key); err != nil {
		return DeleteDocumentResult{}, err
	}
	return DeleteDocumentResult{IssueID: a.IssueID, Key: key, Deleted: true}, nil
}

func deleteDocumentMarkdown(_ DocKey, r DeleteDocumentResult) string {
	return fmt.Sprintf("Deleted document %s of issue %s, with all its revisions.\nNext: paperclip_list_documents issueId=%s shows what is left.\n", r.Key, r.IssueID, r.IssueID)
}

// deleteDocumentTool declares paperclip_delete_document.
func deleteDocumentTool() Tool {
	return define(Spec{Name: "paperclip_delete_document", Title: "Delete a document", Toolset: Documents, BoardOnly: true,
		Description: "Delete an issue document and all its revisions; cannot be undone.",
		Access:      Destructive, NotFound: findDocument},
		deleteDocument, deleteDocumentMarkdown)
}

// jsonCost is how many characters r takes in a JSON string (as encoding/json
// writes it, HTML escapes included).
func jsonCost(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
		return 2
	case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029':
		return 6
	}
	return 1
}

// clipJSON keeps the start of s that takes at most budget characters as a
// JSON string, and says whether it cut.
func clipJSON(s string, budget int) (string, bool) {
	cost := 0
	for i, r := range s {
		if cost += jsonCost(r); cost > budget {
			return s[:i], true
		}
	}
	return s, false
}

// excerptBudget shares the page's budget among n body excerpts.
func excerptBudget(n int) int {
	return min(4000, max(200, 16000/max(n, 1)))
}

func documentTools() []Tool {
	return []Tool{listDocumentsTool(), getDocumentTool(), getDocumentRevisionsTool(), upsertDocumentTool(), deleteDocumentTool()}
}
