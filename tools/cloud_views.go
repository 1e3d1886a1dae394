package tools

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Cloud upstream sync: the views of connections and push runs that the
// cloud tools share.

// ---------------------------------------------------------------- views

// CloudTarget is the cloud stack a connection points at.
type CloudTarget struct {
	StackID          string `json:"stackId"`
	StackSlug        string `json:"stackSlug,omitempty"`
	StackDisplayName string `json:"stackDisplayName,omitempty"`
	CompanyID        string `json:"companyId" jsonschema:"description=The cloud company that receives the import"`
	PrimaryHost      string `json:"primaryHost"`
	Origin           string `json:"origin"`
	Product          string `json:"product"`
	SchemaMajor      int    `json:"schemaMajor" jsonschema:"description=Transfer schema major the stack supports (this Paperclip: 1)"`
	MaxChunkBytes    int64  `json:"maxChunkBytes"`
}

func targetView(t client.CloudTarget) CloudTarget {
	return CloudTarget{StackID: t.StackID, StackSlug: str(t.StackSlug), StackDisplayName: str(t.StackDisplayName),
		CompanyID: t.CompanyID, PrimaryHost: t.PrimaryHost, Origin: t.Origin, Product: t.Product,
		SchemaMajor: t.SchemaMajor, MaxChunkBytes: t.MaxChunkBytes}
}

func (t CloudTarget) name() string {
	n := t.StackDisplayName
	if n == "" {
		n = t.StackSlug
	}
	if n == "" {
		n = t.StackID
	}
	if t.Origin != "" {
		n += " (" + t.Origin + ")"
	}
	return n
}

// CloudConnection is a stored connection to a cloud stack.
type CloudConnection struct {
	ID                     string      `json:"id"`
	CompanyID              string      `json:"companyId"`
	RemoteURL              string      `json:"remoteUrl"`
	Target                 CloudTarget `json:"target"`
	TokenStatus            string      `json:"tokenStatus" jsonschema:"description=pending | connected | expired | revoked"`
	Scopes                 []string    `json:"scopes"`
	AuthorizedGlobalUserID string      `json:"authorizedGlobalUserId,omitempty"`
	ExpiresAt              string      `json:"expiresAt,omitempty"`
	CreatedAt              string      `json:"createdAt"`
	UpdatedAt              string      `json:"updatedAt"`
	LastRunID              string      `json:"lastRunId,omitempty"`
}

func connectionView(c client.CloudConnection) CloudConnection {
	return CloudConnection{ID: c.ID, CompanyID: c.CompanyID, RemoteURL: c.RemoteURL, Target: targetView(c.Target),
		TokenStatus: c.TokenStatus, Scopes: cloudSlice(c.Scopes), AuthorizedGlobalUserID: str(c.AuthorizedGlobalUserID),
		ExpiresAt: str(c.ExpiresAt), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastRunID: str(c.LastRunID)}
}

func cloudSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func connectionLine(c CloudConnection) string {
	s := fmt.Sprintf("- `%s` **%s** → %s", c.ID, c.TokenStatus, c.Target.name())
	if c.ExpiresAt != "" {
		s += " · token expires " + shortTime(c.ExpiresAt)
	}
	if c.LastRunID != "" {
		s += " · last run `" + c.LastRunID + "`"
	}
	return s
}

// CloudRunSummary is one push run in a list.
type CloudRunSummary struct {
	ID              string `json:"id"`
	ConnectionID    string `json:"connectionId"`
	Status          string `json:"status" jsonschema:"description=previewed | running | succeeded | failed | cancelled"`
	ActiveStep      string `json:"activeStep" jsonschema:"description=connect | scan | preview | push | verify | activate"`
	ProgressPercent int    `json:"progressPercent"`
	Finished        bool   `json:"finished" jsonschema:"description=True when the run is no longer running"`
	RetryOfRunID    string `json:"retryOfRunId,omitempty"`
	CreatedAt       string `json:"createdAt"`
	UpdatedAt       string `json:"updatedAt"`
	CompletedAt     string `json:"completedAt,omitempty"`
}

func cloudRunSummary(r *client.CloudRun) CloudRunSummary {
	return CloudRunSummary{ID: r.ID, ConnectionID: r.ConnectionID, Status: r.Status, ActiveStep: r.ActiveStep,
		ProgressPercent: r.ProgressPercent, Finished: r.Status != "running", RetryOfRunID: str(r.RetryOfRunID),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, CompletedAt: str(r.CompletedAt)}
}

func cloudRunLine(r CloudRunSummary) string {
	s := fmt.Sprintf("- `%s` **%s** %s %d %% · connection `%s` · started %s", r.ID, r.Status, r.ActiveStep, r.ProgressPercent, r.ConnectionID, shortTime(r.CreatedAt))
	if r.CompletedAt != "" {
		s += " · ended " + shortTime(r.CompletedAt)
	}
	if r.RetryOfRunID != "" {
		s += " · retry of `" + r.RetryOfRunID + "`"
	}
	return s
}

// CloudActivation is the activation state of one entity type of a run.
type CloudActivation struct {
	EntityType  string `json:"entityType" jsonschema:"enum=agents,enum=routines,enum=monitors"`
	Count       int    `json:"count"`
	Status      string `json:"status" jsonschema:"enum=paused,enum=activated"`
	ActivatedAt string `json:"activatedAt,omitempty"`
}

// CloudRunDetail is one push run with everything Paperclip says about it.
type CloudRunDetail struct {
	CloudRunSummary
	CompanyID    string                    `json:"companyId"`
	DryRun       bool                      `json:"dryRun"`
	TargetURL    string                    `json:"targetUrl,omitempty"`
	Summary      []client.CloudSummaryItem `json:"summary"`
	Warnings     []client.CloudWarning     `json:"warnings"`
	Conflicts    []client.CloudConflict    `json:"conflicts"`
	Events       []client.CloudRunEvent    `json:"events"`
	Activation   []CloudActivation         `json:"activation" jsonschema:"description=agents\\, routines\\, monitors: paused until activated (only after success)"`
	Error        string                    `json:"error,omitempty" jsonschema:"description=report.error of a failed run"`
	ErrorMessage string                    `json:"errorMessage,omitempty"`
	Report       map[string]any            `json:"report,omitempty" jsonschema:"description=The run report as Paperclip gives it"`
}

func countOf(summary []client.CloudSummaryItem, key string) int {
	for _, s := range summary {
		if s.Key == key {
			return s.Count
		}
	}
	return 0
}

func cloudRunDetail(r *client.CloudRun) CloudRunDetail {
	d := CloudRunDetail{CloudRunSummary: cloudRunSummary(r), CompanyID: r.CompanyID, DryRun: r.DryRun, TargetURL: str(r.TargetURL),
		Summary: cloudSlice(r.Summary), Warnings: cloudSlice(r.Warnings), Conflicts: cloudSlice(r.Conflicts), Events: cloudSlice(r.Events),
		Activation: []CloudActivation{}}
	checklist := r.ActivationChecklist()
	for _, et := range client.ActivationEntityTypes {
		a := CloudActivation{EntityType: et, Count: countOf(r.Summary, et), Status: "paused"}
		if dec, ok := checklist[et]; ok {
			a.Count, a.Status, a.ActivatedAt = dec.Count, orDash(dec.Status), str(dec.ActivatedAt)
			if a.Status != "activated" {
				a.Status = "paused"
			}
		}
		d.Activation = append(d.Activation, a)
	}
	d.Error, d.ErrorMessage = r.ReportError()
	if len(r.Report) > 0 {
		_ = json.Unmarshal(r.Report, &d.Report) // not an object: left out
	}
	return d
}

// pausedTypes lists the entity types not yet activated, in the recommended order.
func (r CloudRunDetail) pausedTypes() []string {
	out := []string{}
	for _, a := range r.Activation {
		if a.Status != "activated" {
			out = append(out, a.EntityType)
		}
	}
	return out
}

func cloudRunMarkdown(m *md, r CloudRunDetail) {
	m.line("## Push run `%s`: %s at %d %% (step %s)", r.ID, r.Status, r.ProgressPercent, r.ActiveStep)
	m.line("- connection `%s`%s · started %s · ended %s", r.ConnectionID, prefixed(" · target ", r.TargetURL), shortTime(r.CreatedAt), shortTime(r.CompletedAt))
	if r.RetryOfRunID != "" {
		m.line("- retry of run `%s`", r.RetryOfRunID)
	}
	if r.Error != "" || r.ErrorMessage != "" {
		m.line("- error: %s", oneLine(strings.TrimSpace(r.ErrorMessage+" "+prefixed("(", r.Error)+closeIf(r.Error)), 300))
	}
	if len(r.Summary) > 0 {
		m.line("- entities: %s", summaryText(r.Summary))
	}
	if len(r.Conflicts) > 0 {
		m.line("- conflicts reported: %d", len(r.Conflicts))
	}
	if r.Status == "succeeded" {
		parts := []string{}
		for _, a := range r.Activation {
			p := fmt.Sprintf("%s %d %s", a.EntityType, a.Count, a.Status)
			if a.ActivatedAt != "" {
				p += " " + shortTime(a.ActivatedAt)
			}
			parts = append(parts, p)
		}
		m.line("- activation: %s", strings.Join(parts, " · "))
	}
	if n := len(r.Events); n > 0 {
		from := max(0, n-maxCloudEvents)
		m.line("### Events (last %d of %d)", n-from, n)
		for _, e := range r.Events[from:] {
			m.line("- %s %s/%s: %s", clockTime(e.At), e.Phase, e.Type, oneLine(e.Message, 200))
		}
	}
}

// cloudRunNext is the next call for a run in a given state.
func cloudRunNext(r CloudRunDetail) string {
	switch r.Status {
	case "running":
		return fmt.Sprintf("Next: the push is still running; paperclip_get_cloud_push_run connectionId=%s runId=%s follows it, paperclip_cancel_cloud_push_run stops it.", r.ConnectionID, r.ID)
	case "succeeded":
		if p := r.pausedTypes(); len(p) > 0 {
			return fmt.Sprintf("Next: activate one type at a time, %s first: paperclip_activate_cloud_entities connectionId=%s runId=%s entityType=%s.", p[0], r.ConnectionID, r.ID, p[0])
		}
		return "Done: the push succeeded and agents, routines and monitors are all activated."
	case "failed", "cancelled":
		return fmt.Sprintf("Next: push again, resuming this run's import ledger: paperclip_cloud_push connectionId=%s retryOfRunId=%s.", r.ConnectionID, r.ID)
	}
	return ""
}

func summaryText(items []client.CloudSummaryItem) string {
	parts := make([]string, 0, len(items))
	for _, s := range items {
		if s.Key == "warnings" {
			continue // a count of warnings, not of entities: listed on their own
		}
		label := s.Label
		if label == "" {
			label = s.Key
		}
		parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(label), s.Count))
	}
	return strings.Join(parts, " · ")
}
