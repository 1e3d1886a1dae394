package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findTrace = "Find trace ids with paperclip_list_feedback_traces."

// Bounds of what one trace or bundle may put in a result, so that one huge
// payload or file cannot fill the output bound on its own.
const (
	tracePayloadChars  = 4000 // a trace's payload snapshot, as JSON text
	traceExcerptChars  = 300  // what was voted on
	traceReasonChars   = 500  // a down vote's reason (Paperclip keeps up to 1000)
	bundleFileMax      = 30   // files listed
	bundlePreviewChars = 2000 // the head of one file
	bundlePreviewTotal = 6000 // the heads of all files
	bundleNoteMax      = 20
)

// ---------------------------------------------------------------- lists

// FeedbackFilterArgs are the filters both trace lists take.
type FeedbackFilterArgs struct {
	TargetType     string `json:"targetType,omitempty" jsonschema:"enum=issue_comment,enum=issue_document_revision"`
	Vote           string `json:"vote,omitempty" jsonschema:"enum=up,enum=down"`
	Status         string `json:"status,omitempty" jsonschema:"enum=local_only,enum=pending,enum=sent,enum=failed"`
	From           string `json:"from,omitempty" jsonschema:"maxLength=40,description=Created at or after: ISO time or date"`
	To             string `json:"to,omitempty" jsonschema:"maxLength=40,description=Created at or before (a date is its 00:00Z)"`
	SharedOnly     bool   `json:"sharedOnly,omitempty" jsonschema:"description=Only traces shared for export (not local_only)"`
	IncludePayload bool   `json:"includePayload,omitempty" jsonschema:"description=Add each payload snapshot (clipped)"`
}

// filter is the client filter: times in the Z form Paperclip parses.
func (f FeedbackFilterArgs) filter() (client.FeedbackTraceFilter, error) {
	from, err := zTime("from", f.From)
	if err != nil {
		return client.FeedbackTraceFilter{}, err
	}
	to, err := zTime("to", f.To)
	if err != nil {
		return client.FeedbackTraceFilter{}, err
	}
	return client.FeedbackTraceFilter{TargetType: f.TargetType, Vote: f.Vote, Status: f.Status, From: from, To: to,
		SharedOnly: f.SharedOnly, IncludePayload: f.IncludePayload}, nil
}

// FeedbackTraceView is one feedback trace: a board vote on an agent's output.
type FeedbackTraceView struct {
	ID                  string `json:"id"`
	Vote                string `json:"vote"`
	Status              string `json:"status"`
	TargetType          string `json:"targetType"`
	TargetID            string `json:"targetId"`
	TargetLabel         string `json:"targetLabel,omitempty"`
	TargetAuthorAgentID string `json:"targetAuthorAgentId,omitempty"`
	Excerpt             string `json:"excerpt,omitempty" jsonschema:"description=What was voted on (clipped)"`
	Reason              string `json:"reason,omitempty" jsonschema:"description=A down vote's reason (with includePayload)"`
	IssueID             string `json:"issueId"`
	IssueIdentifier     string `json:"issueIdentifier,omitempty"`
	IssueTitle          string `json:"issueTitle"`
	ProjectID           string `json:"projectId,omitempty"`
	Destination         string `json:"destination,omitempty"`
	ExportID            string `json:"exportId,omitempty"`
	AttemptCount        int    `json:"attemptCount"`
	FailureReason       string `json:"failureReason,omitempty"`
	CreatedAt           string `json:"createdAt"`
	ExportedAt          string `json:"exportedAt,omitempty"`
	Payload             string `json:"payload,omitempty" jsonschema:"description=The payload snapshot as JSON text (clipped)"`
	PayloadChars        int    `json:"payloadChars,omitempty" jsonschema:"description=Full size of the payload snapshot"`
}

func feedbackTraceView(t *client.FeedbackTrace) FeedbackTraceView {
	v := FeedbackTraceView{ID: t.ID, Vote: t.Vote, Status: t.Status, TargetType: t.TargetType, TargetID: t.TargetID,
		IssueID: t.IssueID, IssueIdentifier: str(t.IssueIdentifier), IssueTitle: clip(t.IssueTitle, 200), ProjectID: str(t.ProjectID),
		Destination: str(t.Destination), ExportID: str(t.ExportID), AttemptCount: t.AttemptCount,
		FailureReason: clip(str(t.FailureReason), 300), CreatedAt: t.CreatedAt, ExportedAt: str(t.ExportedAt)}
	if s := t.TargetSummary; s != nil {
		v.TargetLabel = clip(s.Label, 100)
		v.TargetAuthorAgentID = str(s.AuthorAgentID)
		v.Excerpt = clip(str(s.Excerpt), traceExcerptChars)
	}
	if p := t.PayloadSnapshot; len(p) > 0 && string(p) != "null" {
		var snap struct {
			Vote struct {
				Reason *string `json:"reason"`
			} `json:"vote"`
		}
		if json.Unmarshal(p, &snap) == nil {
			v.Reason = clip(str(snap.Vote.Reason), traceReasonChars)
		}
		var parsed any
		text := string(p)
		if json.Unmarshal(p, &parsed) == nil {
			text = jsonText(parsed)
		}
		v.PayloadChars = utf8.RuneCountInString(text)
		v.Payload = clip(text, tracePayloadChars)
	}
	return v
}

func feedbackTraceLine(t FeedbackTraceView) string {
	issue := t.IssueIdentifier
	if issue == "" {
		issue = "`" + t.IssueID + "`"
	}
	target := t.TargetType
	if t.TargetLabel != "" && t.TargetType == "issue_document_revision" {
		target += " (" + t.TargetLabel + ")"
	}
	line := fmt.Sprintf("- **%s** `%s` · %s `%s` on %s · %s · %s", t.Vote, t.ID, target, t.TargetID, issue, t.Status, shortTime(t.CreatedAt))
	if t.Reason != "" {
		line += " · reason: " + oneLine(t.Reason, 160)
	}
	if t.Excerpt != "" {
		line += " · “" + oneLine(t.Excerpt, 160) + "”"
	}
	if t.FailureReason != "" {
		line += " · failed: " + oneLine(t.FailureReason, 120)
	}
	if t.Payload != "" {
		line += fmt.Sprintf("\n  payload (%d chars): %s", t.PayloadChars, oneLine(t.Payload, 400))
	}
	return line
}

func feedbackTracesMarkdown(title, tool string, p Page[FeedbackTraceView]) string {
	var m md
	up := 0
	for _, t := range p.Items {
		if t.Vote == "up" {
			up++
		}
	}
	m.line("## %s: %d shown from offset %d (%d in all; %d up, %d down shown), newest first", title, p.Count, p.Offset, *p.Total, up, p.Count-up)
	if p.Count == 0 {
		m.line("No feedback traces match. A trace is recorded when the board votes up or down on an agent's comment or document revision.")
	}
	for _, t := range p.Items {
		m.line("%s", feedbackTraceLine(t))
	}
	m.pageTail(p.Note, p.NextOffset, tool, ", and the same filters")
	if p.Count > 0 {
		m.blank()
		m.line("Next: paperclip_get_feedback_trace_bundle traceId=%s shows what a trace holds (source run, log, files).", p.Items[0].ID)
	}
	return m.String()
}

// ListFeedbackTracesArgs are the arguments of paperclip_list_feedback_traces.
type ListFeedbackTracesArgs struct {
	CompanyArg
	FeedbackFilterArgs
	ProjectID string `json:"projectId,omitempty" jsonschema:"format=uuid"`
	// issueId keeps the pattern every issueId has, and is narrowed to a
	// UUID: this route answers 500 to an identifier (the issue route takes one).
	IssueID string `json:"issueId,omitempty" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,format=uuid,description=Issue UUID (for ABC-12 use paperclip_list_issue_feedback_traces)"`
	Paging
	Format
}

func listFeedbackTraces(ctx context.Context, d *Deps, a ListFeedbackTracesArgs) (Page[FeedbackTraceView], error) {
	page := Page[FeedbackTraceView]{Items: []FeedbackTraceView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	f, err := a.filter()
	if err != nil {
		return page, err
	}
	f.IssueID, f.ProjectID = a.IssueID, a.ProjectID
	all, err := d.Client.ListFeedbackTraces(ctx, companyID, f)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(all, a.Offset, a.Limit, true, feedbackTraceView), nil
}

func listFeedbackTracesMarkdown(_ ListFeedbackTracesArgs, p Page[FeedbackTraceView]) string {
	return feedbackTracesMarkdown("Feedback traces", "paperclip_list_feedback_traces", p)
}

// listFeedbackTracesTool declares paperclip_list_feedback_traces.
func listFeedbackTracesTool() Tool {
	return define(Spec{Name: "paperclip_list_feedback_traces", Title: "List feedback traces", Toolset: Feedback, BoardOnly: true,
		Description: "Board only: a company's feedback traces (board up/down votes on agent comments and document revisions), newest first; filter by vote, status, target, issue, project, time.",
		Access:      Read, NotFound: "Check companyId. " + findCompany + " issueId here is a UUID: for an identifier such as ABC-12 call paperclip_list_issue_feedback_traces."},
		listFeedbackTraces, listFeedbackTracesMarkdown)
}

// ListIssueFeedbackTracesArgs are the arguments of paperclip_list_issue_feedback_traces.
type ListIssueFeedbackTracesArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$,description=Issue UUID or ABC-12"`
	FeedbackFilterArgs
	Paging
	Format
}

func listIssueFeedbackTraces(ctx context.Context, d *Deps, a ListIssueFeedbackTracesArgs) (Page[FeedbackTraceView], error) {
	page := Page[FeedbackTraceView]{Items: []FeedbackTraceView{}, Offset: a.Offset, Limit: a.Limit}
	f, err := a.filter()
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListIssueFeedbackTraces(ctx, a.IssueID, f)
	if err != nil {
		return page, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, feedbackTraceView), nil
}

func listIssueFeedbackTracesMarkdown(a ListIssueFeedbackTracesArgs, p Page[FeedbackTraceView]) string {
	return feedbackTracesMarkdown("Feedback traces of issue "+a.IssueID, "paperclip_list_issue_feedback_traces", p)
}

// listIssueFeedbackTracesTool declares paperclip_list_issue_feedback_traces.
func listIssueFeedbackTracesTool() Tool {
	return define(Spec{Name: "paperclip_list_issue_feedback_traces", Title: "List an issue's feedback traces", Toolset: Feedback, BoardOnly: true,
		Description: "Board only: one issue's feedback traces (votes on its agent comments and document revisions), newest first, with the filters of paperclip_list_feedback_traces.",
		Access:      Read, NotFound: issueNotFound},
		listIssueFeedbackTraces, listIssueFeedbackTracesMarkdown)
}

// ---------------------------------------------------------------- bundle

// FeedbackBundleArgs identify one trace.
type FeedbackBundleArgs struct {
	TraceID string `json:"traceId" jsonschema:"format=uuid"`
	Format
}

// FeedbackBundleRunView is the run that made the voted-on output.
type FeedbackBundleRunView struct {
	ID               string `json:"id,omitempty"`
	AgentID          string `json:"agentId,omitempty"`
	AgentName        string `json:"agentName,omitempty"`
	AdapterType      string `json:"adapterType,omitempty"`
	InvocationSource string `json:"invocationSource,omitempty"`
	Status           string `json:"status"`
	StartedAt        string `json:"startedAt,omitempty"`
	FinishedAt       string `json:"finishedAt,omitempty"`
	Error            string `json:"error,omitempty"`
	LogBytes         int64  `json:"logBytes"`
	EventCount       int    `json:"eventCount"`
}

// FeedbackBundleFileView is one file of a bundle: its size and digest, and
// the head of its contents.
type FeedbackBundleFileView struct {
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
	Source      string `json:"source"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
	Preview     string `json:"preview,omitempty" jsonschema:"description=The head of the contents"`
	Clipped     bool   `json:"clipped,omitempty" jsonschema:"description=The preview is not the whole file"`
}

// FeedbackBundleView is what a trace's bundle holds, bounded: metadata,
// sizes and previews; the full contents stay in Paperclip.
type FeedbackBundleView struct {
	TraceID         string                   `json:"traceId"`
	IssueID         string                   `json:"issueId"`
	IssueIdentifier string                   `json:"issueIdentifier,omitempty"`
	IssueTitle      string                   `json:"issueTitle,omitempty"`
	TargetType      string                   `json:"targetType,omitempty"`
	Vote            string                   `json:"vote,omitempty"`
	Status          string                   `json:"status,omitempty"`
	CreatedAt       string                   `json:"createdAt,omitempty"`
	Excerpt         string                   `json:"excerpt,omitempty" jsonschema:"description=What was voted on (redacted, clipped)"`
	AdapterType     string                   `json:"adapterType,omitempty"`
	CaptureStatus   string                   `json:"captureStatus" jsonschema:"description=full, partial or unavailable"`
	Notes           []string                 `json:"notes"`
	Run             *FeedbackBundleRunView   `json:"run,omitempty" jsonschema:"description=The source run; absent when unknown"`
	RawTraceChars   int                      `json:"rawAdapterTraceChars,omitempty"`
	NormTraceChars  int                      `json:"normalizedAdapterTraceChars,omitempty"`
	Redacted        int                      `json:"redactedFields" jsonschema:"description=How many fields Paperclip redacted"`
	Truncated       int                      `json:"truncatedFields"`
	Omitted         int                      `json:"omittedFields"`
	PayloadDigest   string                   `json:"payloadDigest,omitempty"`
	BundleDigest    string                   `json:"bundleDigest"`
	FileCount       int                      `json:"fileCount"`
	TotalBytes      int64                    `json:"totalBytes" jsonschema:"description=Sum of the files' sizes"`
	Files           []FeedbackBundleFileView `json:"files" jsonschema:"description=The first 30 files"`
}

// idOnly keeps a value that is a UUID: the bundle's redaction can mangle
// ids (a run of digits looks like a phone number to it).
func idOnly(s string) string {
	if client.IsUUID(s) {
		return s
	}
	return ""
}

func rawChars(r json.RawMessage) int {
	if len(r) == 0 || string(r) == "null" {
		return 0
	}
	return len(r)
}

func feedbackBundleView(b *client.FeedbackTraceBundle) FeedbackBundleView {
	v := FeedbackBundleView{TraceID: b.TraceID, IssueID: b.IssueID, IssueIdentifier: str(b.IssueIdentifier), AdapterType: str(b.AdapterType),
		CaptureStatus: b.CaptureStatus, Notes: []string{}, RawTraceChars: rawChars(b.RawAdapterTrace), NormTraceChars: rawChars(b.NormalizedAdapterTrace),
		PayloadDigest: str(b.Integrity.PayloadDigest), BundleDigest: b.Integrity.BundleDigest, FileCount: len(b.Files), Files: []FeedbackBundleFileView{}}
	for i, n := range b.Notes {
		if i == bundleNoteMax {
			v.Notes = append(v.Notes, fmt.Sprintf("… %d more", len(b.Notes)-i))
			break
		}
		v.Notes = append(v.Notes, clip(n, 100))
	}
	if e := b.Envelope; e != nil {
		v.IssueTitle, v.TargetType, v.Vote, v.Status, v.CreatedAt = clip(e.IssueTitle, 200), e.TargetType, e.Vote, e.Status, e.CreatedAt
	}
	var surface struct {
		Summary struct {
			Excerpt *string `json:"excerpt"`
		} `json:"summary"`
	}
	if json.Unmarshal(b.Surface, &surface) == nil {
		v.Excerpt = clip(str(surface.Summary.Excerpt), traceExcerptChars)
	}
	if r := b.PaperclipRun; r != nil {
		v.Run = &FeedbackBundleRunView{ID: idOnly(r.ID), AgentID: idOnly(r.AgentID), AgentName: clip(r.AgentName, 100), AdapterType: r.AdapterType,
			InvocationSource: r.InvocationSource, Status: r.Status, StartedAt: str(r.StartedAt), FinishedAt: str(r.FinishedAt),
			Error: clip(str(r.Error), 300), EventCount: r.EventCount}
		if r.LogBytes != nil {
			v.Run.LogBytes = *r.LogBytes
		}
	}
	if p := b.Privacy; p != nil && p.BundleRedactionSummary != nil {
		s := p.BundleRedactionSummary
		v.Redacted, v.Truncated, v.Omitted = len(s.RedactedFields), len(s.TruncatedFields), len(s.OmittedFields)
	}
	budget := bundlePreviewTotal
	for i := range b.Files {
		f := &b.Files[i]
		v.TotalBytes += f.ByteLength
		if i >= bundleFileMax {
			continue
		}
		fv := FeedbackBundleFileView{Path: clip(f.Path, 200), ContentType: clip(f.ContentType, 80), Source: clip(f.Source, 80), Bytes: f.ByteLength, SHA256: f.SHA256}
		if r := []rune(f.Contents); len(r) > 0 {
			n := min(bundlePreviewChars, budget, len(r))
			fv.Preview, fv.Clipped = string(r[:n]), n < len(r)
			budget -= n
		}
		v.Files = append(v.Files, fv)
	}
	return v
}

func getFeedbackTraceBundle(ctx context.Context, d *Deps, a FeedbackBundleArgs) (FeedbackBundleView, error) {
	b, err := d.Client.GetFeedbackTraceBundle(ctx, a.TraceID)
	if err != nil {
		return FeedbackBundleView{}, err
	}
	return feedbackBundleView(b), nil
}

// fence is a code fence longer than any run of backticks in s.
func fence(s string) string {
	f := "```"
	for strings.Contains(s, f) {
		f += "`"
	}
	return f
}

func getFeedbackTraceBundleMarkdown(_ FeedbackBundleArgs, b FeedbackBundleView) string {
	var m md
	issue := b.IssueIdentifier
	if issue == "" {
		issue = "`" + b.IssueID + "`"
	}
	m.line("## Feedback trace bundle `%s`: %s vote on %s of %s, %d files (%s)", b.TraceID, orDash(b.Vote), orDash(b.TargetType), issue, b.FileCount, humanBytes(b.TotalBytes))
	m.line("- Issue %s%s · trace %s · created %s", issue, wrapped(" “", oneLine(b.IssueTitle, 120), "”"), orDash(b.Status), shortTime(b.CreatedAt))
	m.line("- Capture %s · adapter %s · notes: %s", orDash(b.CaptureStatus), orDash(b.AdapterType), orDash(strings.Join(b.Notes, ", ")))
	if b.Excerpt != "" {
		m.line("- Voted on: “%s”", oneLine(b.Excerpt, 300))
	}
	if r := b.Run; r != nil {
		m.line("- Source run %s by %s%s · %s · %s · %d events · log %s%s", wrapped("`", r.ID, "`"), orDash(r.AgentName), wrapped(" (`", r.AgentID, "`)"),
			orDash(r.AdapterType), orDash(r.Status), r.EventCount, humanBytes(r.LogBytes), prefixed(" · error: ", oneLine(r.Error, 160)))
	} else {
		m.line("- No source run (see notes).")
	}
	if b.RawTraceChars > 0 || b.NormTraceChars > 0 {
		m.line("- Adapter trace: raw %s, normalized %s (JSON)", humanBytes(int64(b.RawTraceChars)), humanBytes(int64(b.NormTraceChars)))
	}
	m.line("- Redaction: %d fields redacted, %d truncated, %d omitted · bundle digest %s", b.Redacted, b.Truncated, b.Omitted, orDash(b.BundleDigest))
	if b.FileCount > 0 {
		m.blank()
		m.line("### Files")
		for _, f := range b.Files {
			m.line("- `%s` %s · %s · %s", f.Path, f.ContentType, f.Source, humanBytes(f.Bytes))
		}
		if left := b.FileCount - len(b.Files); left > 0 {
			m.line("- … and %d more files.", left)
		}
	}
	m.blank()
	m.line("Next: paperclip_list_issue_feedback_traces issueId=%s lists the issue's other traces.", b.issueRef())
	for _, f := range b.Files {
		if f.Preview == "" {
			continue
		}
		m.blank()
		cut := ""
		if f.Clipped {
			cut = fmt.Sprintf(", the first %d characters", utf8.RuneCountInString(f.Preview))
		}
		m.line("#### %s (%s%s)", f.Path, humanBytes(f.Bytes), cut)
		fc := fence(f.Preview)
		m.line("%s", fc)
		m.line("%s", strings.TrimRight(f.Preview, "\n"))
		m.line("%s", fc)
	}
	return m.String()
}

// issueRef is the issue's identifier when known, else its id.
func (b FeedbackBundleView) issueRef() string {
	if b.IssueIdentifier != "" {
		return b.IssueIdentifier
	}
	return b.IssueID
}

// getFeedbackTraceBundleTool declares paperclip_get_feedback_trace_bundle.
func getFeedbackTraceBundleTool() Tool {
	return define(Spec{Name: "paperclip_get_feedback_trace_bundle", Title: "Get a feedback trace bundle", Toolset: Feedback, BoardOnly: true,
		Description: "Board only: a feedback trace's bundle (the voted-on output, its source run, the run's events, log and adapter files) as sizes, digests and previews.",
		Access:      Read, NotFound: findTrace},
		getFeedbackTraceBundle, getFeedbackTraceBundleMarkdown)
}

// feedbackTools is the feedback traces toolset.
func feedbackTools() []Tool {
	return []Tool{listFeedbackTracesTool(), listIssueFeedbackTracesTool(), getFeedbackTraceBundleTool()}
}
