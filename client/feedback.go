package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// FeedbackTrace is the trace Paperclip records when the board votes on an
// agent's comment or document revision (one per vote).
type FeedbackTrace struct {
	ID              string  `json:"id"`
	CompanyID       string  `json:"companyId"`
	FeedbackVoteID  string  `json:"feedbackVoteId"`
	IssueID         string  `json:"issueId"`
	ProjectID       *string `json:"projectId"`
	IssueIdentifier *string `json:"issueIdentifier"`
	IssueTitle      string  `json:"issueTitle"`
	AuthorUserID    string  `json:"authorUserId"`
	TargetType      string  `json:"targetType"`
	TargetID        string  `json:"targetId"`
	Vote            string  `json:"vote"`
	Status          string  `json:"status"`
	Destination     *string `json:"destination"`
	ExportID        *string `json:"exportId"`
	ConsentVersion  *string `json:"consentVersion"`
	PayloadDigest   *string `json:"payloadDigest"`
	// PayloadSnapshot is null unless includePayload=true was asked for.
	PayloadSnapshot json.RawMessage        `json:"payloadSnapshot"`
	TargetSummary   *FeedbackTargetSummary `json:"targetSummary"`
	AttemptCount    int                    `json:"attemptCount"`
	LastAttemptedAt *string                `json:"lastAttemptedAt"`
	ExportedAt      *string                `json:"exportedAt"`
	FailureReason   *string                `json:"failureReason"`
	CreatedAt       string                 `json:"createdAt"`
	UpdatedAt       string                 `json:"updatedAt"`
}

// FeedbackTargetSummary describes what was voted on.
type FeedbackTargetSummary struct {
	Label          string  `json:"label"`
	Excerpt        *string `json:"excerpt"`
	AuthorAgentID  *string `json:"authorAgentId"`
	AuthorUserID   *string `json:"authorUserId"`
	CreatedAt      *string `json:"createdAt"`
	DocumentKey    *string `json:"documentKey"`
	DocumentTitle  *string `json:"documentTitle"`
	RevisionNumber *int    `json:"revisionNumber"`
}

// FeedbackTraceFilter narrows a trace list. IssueID and ProjectID only
// apply to the company route (the issue route is one issue already).
type FeedbackTraceFilter struct {
	IssueID, ProjectID       string
	TargetType, Vote, Status string
	// From and To bound createdAt, inclusive (ISO times).
	From, To                   string
	SharedOnly, IncludePayload bool
}

// query is the one place the filter becomes query parameters (no paging:
// Paperclip returns every matching trace).
func (f FeedbackTraceFilter) query() url.Values {
	q := url.Values{}
	for _, kv := range [][2]string{{"issueId", f.IssueID}, {"projectId", f.ProjectID}, {"targetType", f.TargetType},
		{"vote", f.Vote}, {"status", f.Status}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	if f.SharedOnly {
		q.Set("sharedOnly", "true")
	}
	if f.IncludePayload {
		q.Set("includePayload", "true")
	}
	return q
}

// ListFeedbackTraces lists a company's feedback traces, newest first
// (GET /api/companies/{companyId}/feedback-traces; board only, no paging).
func (c *Client) ListFeedbackTraces(ctx context.Context, companyID string, f FeedbackTraceFilter) ([]FeedbackTrace, error) {
	var out []FeedbackTrace
	err := c.do(ctx, request{route: routeListFeedbackTraces, params: []string{companyID}, query: f.query()}, &out)
	return out, err
}

// ListIssueFeedbackTraces lists one issue's feedback traces, newest first
// (GET /api/issues/{issueId}/feedback-traces; board only; the issue may be
// an identifier; f.IssueID and f.ProjectID are not sent).
func (c *Client) ListIssueFeedbackTraces(ctx context.Context, issueID string, f FeedbackTraceFilter) ([]FeedbackTrace, error) {
	f.IssueID, f.ProjectID = "", ""
	var out []FeedbackTrace
	err := c.do(ctx, request{route: routeListIssueFeedbackTraces, params: []string{issueID}, query: f.query()}, &out)
	return out, err
}

// FeedbackTraceBundle is a trace with what Paperclip can gather about how
// the voted-on output was made: the source run, its events and log, and the
// adapter's own session files when the adapter is supported. Paperclip
// redacts it (values that look like secrets, names or phone numbers).
type FeedbackTraceBundle struct {
	TraceID                string               `json:"traceId"`
	ExportID               *string              `json:"exportId"`
	CompanyID              string               `json:"companyId"`
	IssueID                string               `json:"issueId"`
	IssueIdentifier        *string              `json:"issueIdentifier"`
	AdapterType            *string              `json:"adapterType"`
	CaptureStatus          string               `json:"captureStatus"`
	Notes                  []string             `json:"notes"`
	Envelope               *FeedbackEnvelope    `json:"envelope"`
	Surface                json.RawMessage      `json:"surface"`
	PaperclipRun           *FeedbackBundleRun   `json:"paperclipRun"`
	RawAdapterTrace        json.RawMessage      `json:"rawAdapterTrace"`
	NormalizedAdapterTrace json.RawMessage      `json:"normalizedAdapterTrace"`
	Privacy                *FeedbackPrivacy     `json:"privacy"`
	Integrity              FeedbackIntegrity    `json:"integrity"`
	Files                  []FeedbackBundleFile `json:"files"`
}

// FeedbackEnvelope is the trace's metadata inside a bundle (redacted).
type FeedbackEnvelope struct {
	IssueTitle    string  `json:"issueTitle"`
	TargetType    string  `json:"targetType"`
	Vote          string  `json:"vote"`
	Status        string  `json:"status"`
	Destination   *string `json:"destination"`
	SchemaVersion string  `json:"schemaVersion"`
	BundleVersion string  `json:"bundleVersion"`
	CreatedAt     string  `json:"createdAt"`
	ExportedAt    *string `json:"exportedAt"`
}

// FeedbackBundleRun is the part of the source run a bundle carries that is
// read here (the rest, such as contextSnapshot, is left out).
type FeedbackBundleRun struct {
	ID               string  `json:"id"`
	AgentID          string  `json:"agentId"`
	AgentName        string  `json:"agentName"`
	AdapterType      string  `json:"adapterType"`
	InvocationSource string  `json:"invocationSource"`
	Status           string  `json:"status"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	Error            *string `json:"error"`
	LogBytes         *int64  `json:"logBytes"`
	EventCount       int     `json:"eventCount"`
}

// FeedbackPrivacy is what the redaction did.
type FeedbackPrivacy struct {
	Notes                  []string            `json:"notes"`
	BundleRedactionSummary *FeedbackRedactions `json:"bundleRedactionSummary"`
}

// FeedbackRedactions lists the redacted, truncated and omitted fields.
type FeedbackRedactions struct {
	Strategy        string   `json:"strategy"`
	RedactedFields  []string `json:"redactedFields"`
	TruncatedFields []string `json:"truncatedFields"`
	OmittedFields   []string `json:"omittedFields"`
	Notes           []string `json:"notes"`
}

// FeedbackIntegrity holds the bundle's digests.
type FeedbackIntegrity struct {
	PayloadDigest *string `json:"payloadDigest"`
	BundleDigest  string  `json:"bundleDigest"`
}

// FeedbackBundleFile is one file of a bundle, contents inline (up to 10 MB).
type FeedbackBundleFile struct {
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
	Encoding    string `json:"encoding"`
	ByteLength  int64  `json:"byteLength"`
	SHA256      string `json:"sha256"`
	Source      string `json:"source"`
	Contents    string `json:"contents"`
}

// GetFeedbackTraceBundle reads a trace's bundle
// (GET /api/feedback-traces/{traceId}/bundle; board only).
func (c *Client) GetFeedbackTraceBundle(ctx context.Context, traceID string) (*FeedbackTraceBundle, error) {
	var out FeedbackTraceBundle
	if err := c.do(ctx, request{route: routeGetFeedbackTraceBundle, params: []string{traceID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeListFeedbackTraces      = route(http.MethodGet, "/companies/{companyId}/feedback-traces")
	routeListIssueFeedbackTraces = route(http.MethodGet, "/issues/{issueId}/feedback-traces")
	routeGetFeedbackTraceBundle  = route(http.MethodGet, "/feedback-traces/{traceId}/bundle")
)
