package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Cloud upstream sync: preview, push, follow, cancel, activate.

// ---------------------------------------------------------------- preview

// CloudConnectionArgs name a connection of a company.
type CloudConnectionArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id (from paperclip_list_cloud_upstreams or paperclip_finish_cloud_connect)"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

// CloudPreview is the dry run of a push, with a verdict.
type CloudPreview struct {
	ConnectionID       string                    `json:"connectionId"`
	SourceCompanyID    string                    `json:"sourceCompanyId"`
	Target             CloudTarget               `json:"target"`
	TokenStatus        string                    `json:"tokenStatus,omitempty" jsonschema:"description=The connection's token status\\, when it could be read"`
	SchemaCompatible   bool                      `json:"schemaCompatible"`
	LocalSchemaMajor   int                       `json:"localSchemaMajor"`
	Summary            []client.CloudSummaryItem `json:"summary"`
	Warnings           []client.CloudWarning     `json:"warnings"`
	Conflicts          []client.CloudConflict    `json:"conflicts"`
	ConflictsRemaining bool                      `json:"conflictsRemaining"`
	StaleMappings      []string                  `json:"staleMappings" jsonschema:"description=Codes of warnings about stale mappings"`
	GeneratedAt        string                    `json:"generatedAt"`
	Verdict            string                    `json:"verdict" jsonschema:"enum=ready,enum=needs_attention,enum=blocked"`
	ExitCode           int                       `json:"exitCode" jsonschema:"enum=0,enum=2,enum=3,description=The CLI's exit code for this preview: 0 ready\\, 2 conflicts or stale mappings need attention\\, 3 blocked (schema mismatch or blocker)"`
	Reasons            []string                  `json:"reasons" jsonschema:"description=Why the verdict is not ready"`
	VerdictLine        string                    `json:"verdictLine"`
}

func (p *CloudPreview) judge() {
	p.Reasons = []string{}
	blocked, attention := false, false
	if !p.SchemaCompatible {
		blocked = true
		side := "the older side"
		switch {
		case p.Target.SchemaMajor > p.LocalSchemaMajor:
			side = "this local Paperclip server"
		case p.Target.SchemaMajor < p.LocalSchemaMajor:
			side = "the cloud stack (ask its operator)"
		}
		p.Reasons = append(p.Reasons, fmt.Sprintf("schema mismatch: this Paperclip speaks transfer schema %d, the cloud stack %d; upgrade %s, then connect again",
			p.LocalSchemaMajor, p.Target.SchemaMajor, side))
	}
	for _, w := range p.Warnings {
		if w.Severity == "blocker" && !(w.Code == "schema_mismatch" && !p.SchemaCompatible) {
			blocked = true
			p.Reasons = append(p.Reasons, fmt.Sprintf("blocker %s: %s", w.Code, oneLine(w.Title+". "+w.Detail, 200)))
		}
		if strings.Contains(strings.ToLower(w.Code), "stale") {
			attention = true
			p.StaleMappings = append(p.StaleMappings, w.Code)
			p.Reasons = append(p.Reasons, fmt.Sprintf("stale mapping %s: %s", w.Code, oneLine(w.Detail, 200)))
		}
	}
	if p.ConflictsRemaining {
		attention = true
		p.Reasons = append(p.Reasons, fmt.Sprintf("%d conflict(s) remain; resolve them and preview again", len(p.Conflicts)))
	}
	if p.TokenStatus != "" && p.TokenStatus != "connected" {
		attention = true
		p.Reasons = append(p.Reasons, fmt.Sprintf("the connection is %s, so the cloud stack was not asked about conflicts; connect again with paperclip_start_cloud_connect", p.TokenStatus))
	}
	switch {
	case blocked:
		p.Verdict, p.ExitCode = "blocked", 3
		p.VerdictLine = "Blocked: " + strings.Join(p.Reasons, "; ") + "."
	case attention:
		p.Verdict, p.ExitCode = "needs_attention", 2
		p.VerdictLine = "Needs attention: " + strings.Join(p.Reasons, "; ") + "."
	default:
		p.Verdict, p.ExitCode = "ready", 0
		p.VerdictLine = fmt.Sprintf("Ready to push: paperclip_cloud_push connectionId=%s wait=true.", p.ConnectionID)
	}
}

func previewCloudPush(ctx context.Context, d *Deps, a CloudConnectionArgs) (CloudPreview, error) {
	out := CloudPreview{Summary: []client.CloudSummaryItem{}, Warnings: []client.CloudWarning{}, Conflicts: []client.CloudConflict{},
		StaleMappings: []string{}, Reasons: []string{}, LocalSchemaMajor: client.LocalTransferSchemaMajor}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	p, err := d.Client.PreviewCloudPush(ctx, a.ConnectionID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.ConnectionID, out.SourceCompanyID, out.Target = p.ConnectionID, p.SourceCompanyID, targetView(p.Target)
	out.SchemaCompatible, out.GeneratedAt = p.SchemaCompatible, p.GeneratedAt
	out.Summary, out.Warnings, out.Conflicts = cloudSlice(p.Summary), cloudSlice(p.Warnings), cloudSlice(p.Conflicts)
	out.ConflictsRemaining = len(out.Conflicts) > 0
	// A preview over a connection whose token is not usable asks the cloud
	// stack nothing: no conflicts would show. The token status says so.
	if l, err := d.Client.ListCloudUpstreams(ctx, companyID); err == nil {
		for _, c := range l.Connections {
			if c.ID == a.ConnectionID {
				out.TokenStatus = c.TokenStatus
			}
		}
	}
	out.judge()
	return out, nil
}

func previewCloudPushMarkdown(_ CloudConnectionArgs, p CloudPreview) string {
	var m md
	m.line("## Cloud push preview: connection `%s` → %s", p.ConnectionID, p.Target.name())
	m.line("**%s** (exit code %d)", p.VerdictLine, p.ExitCode)
	m.line("- would move: %s", orDash(summaryText(p.Summary)))
	m.line("- transfer schema: local %d, cloud %d · compatible: %t%s", p.LocalSchemaMajor, p.Target.SchemaMajor, p.SchemaCompatible, prefixed(" · token ", p.TokenStatus))
	if len(p.Warnings) > 0 {
		m.line("### Warnings (%d)", len(p.Warnings))
		for _, w := range p.Warnings {
			m.line("- [%s] %s (%s): %s", w.Severity, w.Title, w.Code, oneLine(w.Detail, 240))
		}
	}
	if n := len(p.Conflicts); n > 0 {
		shown := min(n, maxConflicts)
		m.line("### Conflicts (%d of %d)", shown, n)
		for _, c := range p.Conflicts[:shown] {
			m.line("- %s: %q ↔ %q · %s · %s", c.EntityType, c.SourceLabel, c.TargetLabel, c.PlannedAction, oneLine(c.Reason, 200))
		}
		if n > shown {
			m.line("- … %d more in the structured content (response_format=json).", n-shown)
		}
	}
	return m.String()
}

// Preview only reads, but it asks the cloud stack about conflicts: open world.
func previewCloudPushTool() Tool {
	return define(Spec{Name: "paperclip_preview_cloud_push", Title: "Preview a cloud push", Toolset: Cloud, BoardOnly: true,
		Description: "Dry run of a push: counts per entity type, warnings with severity, conflicts (entity type, local and cloud labels, planned action, reason) " +
			"and a one-line verdict: ready, needs attention (conflicts or stale mappings; exit code 2), or blocked (schema mismatch or a blocker warning; exit code 3). " +
			"Nothing is written. Resolve what it lists, preview again, then paperclip_cloud_push.",
		Access: Read, OpenWorld: true, NotFound: findCloudItems},
		previewCloudPush, previewCloudPushMarkdown)
}

// ---------------------------------------------------------------- push

// CloudPushArgs are the arguments of paperclip_cloud_push.
type CloudPushArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=A connected cloud upstream connection"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	RetryOfRunID string `json:"retryOfRunId,omitempty" jsonschema:"format=uuid,description=A failed or cancelled run to resume (same import ledger\\, no duplicates)"`
	Wait         bool   `json:"wait,omitempty" jsonschema:"default=false,description=Follow the run until it ends (at most 50 s)\\, with progress notifications when the client asked for them"`
}

// CloudPushResult is the run as started, or as it ended when waited for.
type CloudPushResult struct {
	Run      CloudRunDetail `json:"run"`
	Waited   bool           `json:"waited"`
	Finished bool           `json:"finished" jsonschema:"description=True when the run is no longer running"`
	TimedOut bool           `json:"timedOut" jsonschema:"description=True when wait gave up while the run still ran"`
	Polls    int            `json:"polls" jsonschema:"description=How many times the run was read while waiting"`
	Message  string         `json:"message"`
}

func cloudPush(ctx context.Context, d *Deps, a CloudPushArgs) (CloudPushResult, error) {
	out := CloudPushResult{Run: cloudRunDetail(&client.CloudRun{})}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	run, err := d.Client.StartCloudPush(ctx, a.ConnectionID, companyID, a.RetryOfRunID)
	if err != nil {
		if apiErr, ok := client.AsAPIError(err); ok && apiErr.Message == "Cloud upstream connection is not connected" {
			status := ""
			if l, lerr := d.Client.ListCloudUpstreams(ctx, companyID); lerr == nil {
				for _, c := range l.Connections {
					if c.ID == a.ConnectionID {
						status = c.TokenStatus
					}
				}
			}
			return out, &errCloudNotConnected{ConnectionID: a.ConnectionID, TokenStatus: status, Err: err}
		}
		return out, d.cloudErr(ctx, err)
	}
	last := run.ProgressPercent
	reportProgress(ctx, float64(last), 100, fmt.Sprintf("%s %d%%", run.ActiveStep, last))
	if a.Wait {
		out.Waited = true
		deadline := time.Now().Add(cloudWaitLimit)
		maxPolls := int(cloudWaitLimit/cloudPollInterval) + 1
		for run.Status == "running" {
			if out.Polls >= maxPolls || time.Now().Add(cloudPollInterval).After(deadline) {
				out.TimedOut = true
				break
			}
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(cloudPollInterval):
			}
			next, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, run.ID, companyID)
			out.Polls++
			if err != nil {
				return out, d.cloudErr(ctx, err)
			}
			run = next
			if run.ProgressPercent > last {
				last = run.ProgressPercent
				reportProgress(ctx, float64(last), 100, fmt.Sprintf("%s %d%%", run.ActiveStep, last))
			}
		}
	}
	out.Run = cloudRunDetail(run)
	out.Finished = out.Run.Finished
	switch {
	case out.TimedOut:
		out.Message = fmt.Sprintf("Push run %s is still running after %s (%s, %d %%). %s", run.ID, cloudWaitLimit, run.ActiveStep, run.ProgressPercent, cloudRunNext(out.Run))
	case !out.Finished:
		out.Message = fmt.Sprintf("Push run %s started (%s, %d %%); it goes on in the background. %s", run.ID, run.ActiveStep, run.ProgressPercent, cloudRunNext(out.Run))
	case run.Status == "succeeded":
		out.Message = fmt.Sprintf("Push run %s succeeded: everything landed in the cloud stack paused. %s", run.ID, cloudRunNext(out.Run))
	default:
		why := ""
		if out.Run.ErrorMessage != "" || out.Run.Error != "" {
			why = ": " + oneLine(cloudFirst(out.Run.ErrorMessage, out.Run.Error), 200)
		}
		out.Message = fmt.Sprintf("Push run %s ended %s%s. %s", run.ID, run.Status, why, cloudRunNext(out.Run))
	}
	if len(out.Run.Conflicts) > 0 {
		out.Message += fmt.Sprintf(" The cloud stack reported %d conflict(s): those entities were not imported as is.", len(out.Run.Conflicts))
	}
	return out, nil
}

func cloudFirst(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

func cloudPushMarkdown(_ CloudPushArgs, r CloudPushResult) string {
	var m md
	m.line("%s", r.Message)
	m.blank()
	cloudRunMarkdown(&m, r.Run)
	return m.String()
}

// Destructive: a push may update entities that already exist in the
// cloud stack (planned action "update"), not only add new ones.
func cloudPushTool() Tool {
	return define(Spec{Name: "paperclip_cloud_push", Title: "Push a company to the cloud", Toolset: Cloud, BoardOnly: true,
		Description: "Start pushing the company over a connected connection; everything lands in the cloud stack paused. One push at a time per connection. " +
			"With wait=true, follows the run until it ends (at most 50 s; a longer push keeps running) and sends progress notifications as it walks connect, scan, preview, push, verify, activate; " +
			"otherwise follow it with paperclip_get_cloud_push_run. After a failure, push again with retryOfRunId. Preview first with paperclip_preview_cloud_push.",
		Access: Destructive, OpenWorld: true, NotFound: findCloudItems},
		cloudPush, cloudPushMarkdown)
}

// ---------------------------------------------------------------- get, cancel

// CloudRunArgs identify a push run.
type CloudRunArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=Push run id (from paperclip_cloud_push or paperclip_list_cloud_upstreams)"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

func (a CloudRunArgs) check(d *Deps) (string, error) {
	return d.company(a.CompanyID)
}

func getCloudPushRun(ctx context.Context, d *Deps, a CloudRunArgs) (CloudRunDetail, error) {
	out := cloudRunDetail(&client.CloudRun{})
	companyID, err := a.check(d)
	if err != nil {
		return out, err
	}
	r, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	return cloudRunDetail(r), nil
}

func getCloudPushRunMarkdown(_ CloudRunArgs, r CloudRunDetail) string {
	var m md
	cloudRunMarkdown(&m, r)
	m.blank()
	m.line("%s", cloudRunNext(r))
	return m.String()
}

// getCloudPushRunTool declares paperclip_get_cloud_push_run.
func getCloudPushRunTool() Tool {
	return define(Spec{Name: "paperclip_get_cloud_push_run", Title: "Get a cloud push run", Toolset: Cloud, BoardOnly: true,
		Description: "One push run: status, active step, progress %, counts, warnings, conflicts, events, the activation state of agents, routines and monitors, " +
			"and the error of a failed run. Says what to call next.",
		Access: Read, NotFound: findCloudItems},
		getCloudPushRun, getCloudPushRunMarkdown)
}

// CloudCancelArgs identify the push run to cancel.
type CloudCancelArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=The running push run to cancel"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
}

// CloudCancelResult is the run after the cancel request.
type CloudCancelResult struct {
	Run       CloudRunDetail `json:"run"`
	Cancelled bool           `json:"cancelled" jsonschema:"description=True when this call cancelled the run"`
	Message   string         `json:"message"`
}

func cancelCloudPushRun(ctx context.Context, d *Deps, a CloudCancelArgs) (CloudCancelResult, error) {
	out := CloudCancelResult{Run: cloudRunDetail(&client.CloudRun{})}
	companyID, err := CloudRunArgs{ConnectionID: a.ConnectionID, RunID: a.RunID, CompanyID: a.CompanyID}.check(d)
	if err != nil {
		return out, err
	}
	// Read first: Paperclip answers a run that is not running unchanged, so
	// only the status before tells whether this call cancelled it.
	before, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	r := before
	if before.Status == "running" {
		if r, err = d.Client.CancelCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID); err != nil {
			return out, d.cloudErr(ctx, err)
		}
	}
	out.Run = cloudRunDetail(r)
	out.Cancelled = before.Status == "running" && r.Status == "cancelled"
	switch {
	case out.Cancelled:
		out.Message = fmt.Sprintf("Push run %s is cancelled; what reached the cloud stack stays there, paused. %s", r.ID, cloudRunNext(out.Run))
	case before.Status == "running":
		out.Message = fmt.Sprintf("Cancel was requested; push run %s is %s. Check it with paperclip_get_cloud_push_run.", r.ID, r.Status)
	default:
		out.Message = fmt.Sprintf("Push run %s was not running (it is %s); nothing changed.", r.ID, r.Status)
	}
	return out, nil
}

func cancelCloudPushRunMarkdown(_ CloudCancelArgs, r CloudCancelResult) string {
	var m md
	m.line("%s", r.Message)
	m.line("%s", cloudRunLine(r.Run.CloudRunSummary))
	return m.String()
}

// Destructive: it abandons a push half way; what already reached the
// cloud stack stays there, and only a new push (retryOfRunId) resumes.
// Idempotent: a run that is not running comes back unchanged.
// Open world: Paperclip tells the cloud stack to cancel its import.
func cancelCloudPushRunTool() Tool {
	return define(Spec{Name: "paperclip_cancel_cloud_push_run", Title: "Cancel a cloud push run", Toolset: Cloud, BoardOnly: true,
		Description: "Cancel a running push run. What already reached the cloud stack stays there, paused; resume later with paperclip_cloud_push retryOfRunId. " +
			"A run that is not running comes back unchanged.",
		Access: DestructiveIdempotent, OpenWorld: true, NotFound: findCloudItems},
		cancelCloudPushRun, cancelCloudPushRunMarkdown)
}

// ---------------------------------------------------------------- activate

// ActivateArgs are the arguments of paperclip_activate_cloud_entities.
type ActivateArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=A succeeded push run"`
	EntityType   string `json:"entityType" jsonschema:"enum=agents,enum=routines,enum=monitors,description=What to activate: agents first\\, then routines\\, then monitors"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
}

// ActivateResult is the run after activation.
type ActivateResult struct {
	EntityType  string          `json:"entityType"`
	Decision    CloudActivation `json:"decision"`
	StillPaused []string        `json:"stillPaused" jsonschema:"description=Entity types of this run not activated yet\\, in the recommended order"`
	Run         CloudRunDetail  `json:"run"`
	Message     string          `json:"message"`
}

func activateCloudEntities(ctx context.Context, d *Deps, a ActivateArgs) (ActivateResult, error) {
	out := ActivateResult{EntityType: a.EntityType, StillPaused: []string{}, Run: cloudRunDetail(&client.CloudRun{})}
	companyID, err := CloudRunArgs{ConnectionID: a.ConnectionID, RunID: a.RunID, CompanyID: a.CompanyID}.check(d)
	if err != nil {
		return out, err
	}
	r, err := d.Client.ActivateCloudEntities(ctx, a.ConnectionID, a.RunID, companyID, a.EntityType)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.Run = cloudRunDetail(r)
	for _, act := range out.Run.Activation {
		if act.EntityType == a.EntityType {
			out.Decision = act
		}
	}
	out.StillPaused = out.Run.pausedTypes()
	out.Message = fmt.Sprintf("%s of run %s: %d %s.", upperFirst(a.EntityType), r.ID, out.Decision.Count, out.Decision.Status)
	if len(out.StillPaused) > 0 {
		out.Message += fmt.Sprintf(" Still paused: %s. Next: paperclip_activate_cloud_entities connectionId=%s runId=%s entityType=%s.",
			strings.Join(out.StillPaused, ", "), r.ConnectionID, r.ID, out.StillPaused[0])
	} else {
		out.Message += " Agents, routines and monitors are all active in the cloud stack."
	}
	return out, nil
}

func activateCloudEntitiesMarkdown(_ ActivateArgs, r ActivateResult) string {
	var m md
	m.line("%s", r.Message)
	parts := []string{}
	for _, act := range r.Run.Activation {
		parts = append(parts, fmt.Sprintf("%s %d %s", act.EntityType, act.Count, act.Status))
	}
	m.line("- activation: %s", strings.Join(parts, " · "))
	return m.String()
}

// activateCloudEntitiesTool declares paperclip_activate_cloud_entities.
func activateCloudEntitiesTool() Tool {
	return define(Spec{Name: "paperclip_activate_cloud_entities", Title: "Activate imported entities", Toolset: Cloud, BoardOnly: true,
		Description: "Unpause one type of entity imported by a push run: agents, routines or monitors. Only a succeeded run can activate. " +
			"Activate one type at a time, agents first, then routines, then monitors, checking each in the cloud stack before the next.",
		Access: WriteIdempotent, NotFound: findCloudItems},
		activateCloudEntities, activateCloudEntitiesMarkdown)
}

// ---------------------------------------------------------------- registry

const findCloudItems = "List connections and runs with paperclip_list_cloud_upstreams."

func cloudTools() []Tool {
	return []Tool{checkCloudUpstreamTool(), listCloudUpstreamsTool(), startCloudConnectTool(), finishCloudConnectTool(), previewCloudPushTool(), cloudPushTool(), getCloudPushRunTool(), cancelCloudPushRunTool(), activateCloudEntitiesTool()}
}
