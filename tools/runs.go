package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// RunStatuses are the statuses Paperclip gives a heartbeat run.
var RunStatuses = []string{"queued", "scheduled_retry", "running", "succeeded", "interrupted", "failed", "cancelled", "timed_out"}

// terminal reports whether a run status is final.
func terminal(status string) bool { return client.IsFinal(status) }

// failedStatus reports whether a final status is a failure worth diagnosing.
func failedStatus(status string) bool {
	switch status {
	case "failed", "timed_out", "interrupted":
		return true
	}
	return false
}

// RunSummary is one run in a list.
type RunSummary struct {
	ID               string `json:"id"`
	AgentID          string `json:"agentId"`
	AgentName        string `json:"agentName,omitempty" jsonschema:"description=The agent's name (in lists\\, when the agents could be read)"`
	Status           string `json:"status"`
	InvocationSource string `json:"invocationSource,omitempty"`
	TriggerDetail    string `json:"triggerDetail,omitempty"`
	WakeReason       string `json:"wakeReason,omitempty"`
	CreatedAt        string `json:"createdAt"`
	StartedAt        string `json:"startedAt,omitempty"`
	FinishedAt       string `json:"finishedAt,omitempty"`
	DurationMs       *int64 `json:"durationMs,omitempty"`
	ExitCode         *int   `json:"exitCode,omitempty"`
	Error            string `json:"error,omitempty"`
	ErrorCode        string `json:"errorCode,omitempty"`
	LogBytes         *int64 `json:"logBytes,omitempty"`
}

func summarize(r *client.Run) RunSummary {
	return RunSummary{
		ID: r.ID, AgentID: r.AgentID, Status: r.Status,
		InvocationSource: r.InvocationSource, TriggerDetail: r.TriggerDetail, WakeReason: r.WakeReason(),
		CreatedAt: r.CreatedAt, StartedAt: str(r.StartedAt), FinishedAt: str(r.FinishedAt),
		DurationMs: durationMs(r.StartedAt, r.FinishedAt), ExitCode: r.ExitCode,
		Error: str(r.Error), ErrorCode: str(r.ErrorCode), LogBytes: r.LogBytes,
	}
}

// runLine is the one-line markdown form of a run.
func runLine(r RunSummary) string {
	parts := []string{fmt.Sprintf("`%s` **%s**", r.ID, r.Status)}
	who := "agent `" + r.AgentID + "`"
	if r.AgentName != "" {
		who = "agent " + r.AgentName + " `" + r.AgentID + "`"
	}
	parts = append(parts, who, "created "+shortTime(r.CreatedAt))
	if r.DurationMs != nil {
		parts = append(parts, "took "+humanDuration(r.DurationMs))
	}
	if r.ExitCode != nil {
		parts = append(parts, fmt.Sprintf("exit %d", *r.ExitCode))
	}
	if r.Error != "" {
		e := oneLine(r.Error, 120)
		if r.ErrorCode != "" {
			e += " (" + r.ErrorCode + ")"
		}
		parts = append(parts, "error: "+e)
	}
	if r.InvocationSource != "" {
		parts = append(parts, "via "+r.InvocationSource)
	}
	if r.WakeReason != "" {
		parts = append(parts, "reason: "+oneLine(r.WakeReason, 60))
	}
	return "- " + strings.Join(parts, " · ")
}

// ---------------------------------------------------------------- list runs

// ListRunsArgs are the arguments of paperclip_list_heartbeat_runs.
type ListRunsArgs struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company id; defaults to PAPERCLIP_COMPANY_ID"`
	AgentID   string `json:"agentId,omitempty" jsonschema:"format=uuid,description=Only runs of this agent"`
	Status    string `json:"status,omitempty" jsonschema:"enum=queued,enum=scheduled_retry,enum=running,enum=succeeded,enum=interrupted,enum=failed,enum=cancelled,enum=timed_out,description=Only runs with this status (filtered by this server: Paperclip ignores the parameter)"`
	Limit     int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=50,description=Page size"`
	Offset    int    `json:"offset,omitempty" jsonschema:"minimum=0,default=0,description=How many matching runs to skip\\, counted from the newest"`
	Format
}

// maxRunWindow is the most runs Paperclip returns in one list call; it has
// no offset, so nothing older than the newest maxRunWindow runs is reachable.
const maxRunWindow = 1000

func listRuns(ctx context.Context, d *Deps, a ListRunsArgs) (Page[RunSummary], error) {
	page := Page[RunSummary]{Items: []RunSummary{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	want := a.Offset + a.Limit + 1 // one more than the page tells whether more exist
	window := min(want, maxRunWindow)
	if a.Status != "" {
		// A filter needs a wider window; grow it at most three times.
		window = min(max(want*4, 200), maxRunWindow)
	}
	var matches []client.Run
	exhausted := false // the window held every run there is
	for attempt := 0; attempt < 3; attempt++ {
		rows, err := d.Client.ListRuns(ctx, companyID, a.AgentID, window)
		if err != nil {
			return page, err
		}
		if len(rows) == 0 && a.AgentID == "" {
			if err := d.checkCompany(ctx, companyID); err != nil {
				return page, err
			}
		}
		exhausted = len(rows) < window
		matches = matches[:0]
		for i := range rows {
			if a.Status == "" || rows[i].Status == a.Status {
				matches = append(matches, rows[i])
			}
		}
		if len(matches) >= want || exhausted || window == maxRunWindow {
			break
		}
		window = min(window*4, maxRunWindow)
	}
	page = pageFrom(matches, a.Offset, a.Limit, exhausted, summarize)
	nameRuns(ctx, d, companyID, page.Items)
	if !exhausted && !page.HasMore {
		page.Note = fmt.Sprintf("Only the newest %d runs can be read (Paperclip's run list has no offset); older matching runs, if any, are out of reach of this tool.", maxRunWindow)
	}
	return page, nil
}

func listRunsMarkdown(a ListRunsArgs, p Page[RunSummary]) string {
	var m md
	filter := ""
	if a.Status != "" {
		filter += " with status " + a.Status
	}
	if a.AgentID != "" {
		filter += " of agent `" + a.AgentID + "`"
	}
	total := "total unknown beyond the window read"
	if p.Total != nil {
		total = fmt.Sprintf("%d in all", *p.Total)
	}
	m.line("## Heartbeat runs%s: %d shown from offset %d (%s), newest first", filter, p.Count, p.Offset, total)
	if p.Count == 0 {
		m.line("No runs match.")
	}
	for _, r := range p.Items {
		m.line("%s", runLine(r))
	}
	if p.NextOffset != nil {
		m.blank()
		m.line("More: call paperclip_list_heartbeat_runs with offset=%d.", *p.NextOffset)
	}
	if p.Note != "" {
		m.line("Note: %s", p.Note)
	}
	m.line("Next: paperclip_diagnose_run with a runId explains a failure; paperclip_get_run_log reads its output.")
	return m.String()
}

// listHeartbeatRunsTool declares paperclip_list_heartbeat_runs.
func listHeartbeatRunsTool() Tool {
	return define(Spec{Name: "paperclip_list_heartbeat_runs", Title: "List heartbeat runs", Toolset: Runs,
		Description: "List a company's heartbeat runs, newest first, as {items,total,count,offset,limit,has_more,next_offset}. " +
			"Filter by agentId and status. Paperclip's list has no offset and no count, so this tool reads a bounded window of the newest runs (at most 1000) and pages inside it: " +
			"`total` is present only when the window held every run (it is then exact), and absent otherwise; has_more and next_offset are always right. " +
			"Offsets count from the newest run, so runs started while you page shift later pages. " +
			"Use it to find a run id; then paperclip_diagnose_run or paperclip_get_heartbeat_run.",
		Access: Read, NotFound: "Check companyId and agentId."},
		listRuns, listRunsMarkdown)
}

// ---------------------------------------------------------------- get run

// RunArgs identify one run.
type RunArgs struct {
	RunID string `json:"runId" jsonschema:"format=uuid,description=Heartbeat run id (from paperclip_list_heartbeat_runs)"`
	Format
}

// RunDetail is one run with what is needed to understand it.
type RunDetail struct {
	RunSummary
	CompanyID     string `json:"companyId"`
	Signal        string `json:"signal,omitempty"`
	Phase         string `json:"phase,omitempty" jsonschema:"description=Paperclip's execution phase (e.g. working\\, completed\\, failed)"`
	PhaseLabel    string `json:"phaseLabel,omitempty"`
	StdoutExcerpt string `json:"stdoutExcerpt,omitempty" jsonschema:"description=The end of Paperclip's stdout excerpt (at most 4000 characters; the whole output is in paperclip_get_run_log)"`
	StderrExcerpt string `json:"stderrExcerpt,omitempty" jsonschema:"description=The end of Paperclip's stderr excerpt (at most 4000 characters)"`
	Finished      bool   `json:"finished" jsonschema:"description=True when the status is final"`
}

// excerptChars bounds each excerpt in a run's result: Paperclip keeps the
// last ~25,000 characters of each stream, which alone would pass the output
// bound. The end is kept: that is where a failure shows.
const excerptChars = 4000

func detail(r *client.Run) RunDetail {
	d := RunDetail{RunSummary: summarize(r), CompanyID: r.CompanyID, Signal: str(r.Signal),
		StdoutExcerpt: clipTail(str(r.StdoutExcerpt), excerptChars), StderrExcerpt: clipTail(str(r.StderrExcerpt), excerptChars), Finished: terminal(r.Status)}
	if r.Execution != nil {
		d.Phase, d.PhaseLabel = r.Execution.Phase, r.Execution.Label
	}
	return d
}

// resourceLinks links the run's log, for a host to read or attach.
func (r RunDetail) resourceLinks() []mcp.ResourceLink {
	return []mcp.ResourceLink{runLogLink(r.ID, 0)}
}

func getRun(ctx context.Context, d *Deps, a RunArgs) (RunDetail, error) {
	r, err := d.Client.GetRun(ctx, a.RunID)
	if err != nil {
		return RunDetail{}, err
	}
	return detail(r), nil
}

func runDetailMarkdown(m *md, r RunDetail) {
	m.line("## Run `%s`: %s", r.ID, r.Status)
	m.line("- agent `%s` · company `%s`", r.AgentID, r.CompanyID)
	woke := orDash(r.InvocationSource)
	if r.TriggerDetail != "" {
		woke += "/" + r.TriggerDetail
	}
	if r.WakeReason != "" {
		woke += " · reason: " + oneLine(r.WakeReason, 120)
	}
	m.line("- woken by %s", woke)
	m.line("- created %s · started %s · finished %s · took %s", shortTime(r.CreatedAt), shortTime(r.StartedAt), shortTime(r.FinishedAt), humanDuration(r.DurationMs))
	if r.ExitCode != nil || r.Signal != "" {
		m.line("- exit code %s%s", intOrDash(r.ExitCode), prefixed(" · signal ", r.Signal))
	}
	if r.Error != "" || r.ErrorCode != "" {
		m.line("- error: %s%s", oneLine(r.Error, 300), prefixed(" · code ", r.ErrorCode))
	}
	if r.Phase != "" {
		m.line("- phase: %s%s", r.Phase, prefixed(" (", r.PhaseLabel)+closeIf(r.PhaseLabel))
	}
	if r.LogBytes != nil {
		m.line("- log: %s (%d bytes)", humanBytes(*r.LogBytes), *r.LogBytes)
	}
	if r.StdoutExcerpt != "" {
		m.line("- stdout excerpt (its end): %s", clipTail(strings.Join(strings.Fields(r.StdoutExcerpt), " "), 400))
	}
	if r.StderrExcerpt != "" {
		m.line("- stderr excerpt (its end): %s", clipTail(strings.Join(strings.Fields(r.StderrExcerpt), " "), 400))
	}
}

func getRunMarkdown(_ RunArgs, r RunDetail) string {
	var m md
	runDetailMarkdown(&m, r)
	m.blank()
	if r.Finished && failedStatus(r.Status) {
		m.line("Next: paperclip_diagnose_run runId=%s explains the failure; paperclip_list_run_events and paperclip_get_run_log show the details.", r.ID)
	} else if !r.Finished {
		m.line("Next: the run is not finished; paperclip_list_run_events runId=%s follows it, paperclip_cancel_heartbeat_run stops it.", r.ID)
	} else {
		m.line("Next: paperclip_get_run_log runId=%s reads its output.", r.ID)
	}
	return m.String()
}

// getHeartbeatRunTool declares paperclip_get_heartbeat_run.
func getHeartbeatRunTool() Tool {
	return define(Spec{Name: "paperclip_get_heartbeat_run", Title: "Get a heartbeat run", Toolset: Runs,
		Description: "One heartbeat run: status, timing, exit code, error and error code, log size, what woke it, and stdout/stderr excerpts. " +
			"For a failed run, paperclip_diagnose_run does this plus events and log tail in one call.",
		Access: Read, NotFound: findRun},
		getRun, getRunMarkdown)
}

func intOrDash(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func closeIf(s string) string {
	if s == "" {
		return ""
	}
	return ")"
}

// ---------------------------------------------------------------- events

// ListEventsArgs are the arguments of paperclip_list_run_events.
type ListEventsArgs struct {
	RunID    string `json:"runId" jsonschema:"format=uuid,description=Heartbeat run id"`
	AfterSeq int64  `json:"afterSeq,omitempty" jsonschema:"minimum=0,default=0,description=Return events with seq greater than this; pass the previous nextAfterSeq"`
	Limit    int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000,default=100,description=Most events to return"`
	Format
}

// RunEvent is one event, under the documented names.
type RunEvent struct {
	Seq       int64          `json:"seq"`
	Type      string         `json:"type"`
	Level     string         `json:"level,omitempty"`
	Stream    string         `json:"stream,omitempty"`
	Message   string         `json:"message,omitempty"`
	Data      map[string]any `json:"data,omitempty" jsonschema:"description=The event payload (a non-object payload comes as {value: ...})"`
	CreatedAt string         `json:"createdAt"`
}

// EventsPage is a window of a run's events and the cursor for the next one.
type EventsPage struct {
	RunID        string     `json:"runId"`
	Items        []RunEvent `json:"items"`
	Count        int        `json:"count"`
	AfterSeq     int64      `json:"afterSeq"`
	NextAfterSeq int64      `json:"nextAfterSeq" jsonschema:"description=Pass as afterSeq to continue (the highest seq returned)"`
	HasMore      bool       `json:"has_more" jsonschema:"description=More events exist now after nextAfterSeq"`
}

func toEvent(e client.RunEvent) RunEvent {
	ev := RunEvent{Seq: e.Seq, Type: e.EventType, Level: str(e.Level), Stream: str(e.Stream), Message: str(e.Message), CreatedAt: e.CreatedAt}
	if len(e.Payload) > 0 && string(e.Payload) != "null" {
		var v any
		if json.Unmarshal(e.Payload, &v) == nil {
			if obj, ok := v.(map[string]any); ok {
				ev.Data = obj
			} else {
				ev.Data = map[string]any{"value": v}
			}
		}
	}
	return ev
}

func listEvents(ctx context.Context, d *Deps, a ListEventsArgs) (EventsPage, error) {
	page := EventsPage{RunID: a.RunID, Items: []RunEvent{}, AfterSeq: a.AfterSeq, NextAfterSeq: a.AfterSeq}
	rows, err := d.Client.ListRunEvents(ctx, a.RunID, a.AfterSeq, a.Limit+1)
	if err != nil {
		return page, err
	}
	if len(rows) > a.Limit {
		rows, page.HasMore = rows[:a.Limit], true
	}
	for _, e := range rows {
		page.Items = append(page.Items, toEvent(e))
		page.NextAfterSeq = max(page.NextAfterSeq, e.Seq)
	}
	page.Count = len(page.Items)
	return page, nil
}

func eventLine(e RunEvent) string {
	level := orDash(e.Level)
	s := fmt.Sprintf("- #%d %s %s %s", e.Seq, clockTime(e.CreatedAt), level, e.Type)
	if e.Stream != "" {
		s += " [" + e.Stream + "]"
	}
	if e.Message != "" {
		s += ": " + oneLine(e.Message, 200)
	}
	data := e.Data
	if inv, ok := invocationOf(e.Data); ok {
		// The command and working directory are what a user needs to fix a
		// failed process run: never let the clip cut them.
		s += " · " + inv.String()
		data = withoutKeys(e.Data, "command", "commandArgs", "args", "cwd")
	}
	if len(data) > 0 {
		s += " · data " + clip(jsonText(data), 300)
	}
	return s
}

// Invocation is how an adapter started the agent's process, as the
// adapter.invoke event tells it.
type Invocation struct {
	Command string   `json:"command"`
	Args    []string `json:"args"`
	Cwd     string   `json:"cwd,omitempty"`
}

// invocationOf reads {command, commandArgs|args, cwd} from event data.
func invocationOf(data map[string]any) (Invocation, bool) {
	cmd, _ := data["command"].(string)
	if cmd == "" {
		return Invocation{}, false
	}
	inv := Invocation{Command: cmd, Args: []string{}}
	inv.Cwd, _ = data["cwd"].(string)
	args, _ := data["commandArgs"].([]any)
	if args == nil {
		args, _ = data["args"].([]any)
	}
	for _, a := range args {
		inv.Args = append(inv.Args, fmt.Sprint(a))
	}
	return inv, true
}

// String is the command line, shell-quoted, and where it ran.
func (inv Invocation) String() string {
	parts := []string{shellQuote(inv.Command)}
	for _, a := range inv.Args {
		parts = append(parts, shellQuote(a))
	}
	s := "command: " + clip(strings.Join(parts, " "), 1000)
	if inv.Cwd != "" {
		s += " · cwd: " + inv.Cwd
	}
	return s
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]{}!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func withoutKeys(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func listEventsMarkdown(_ ListEventsArgs, p EventsPage) string {
	var m md
	m.line("## Events of run `%s` after seq %d: %d", p.RunID, p.AfterSeq, p.Count)
	for _, e := range p.Items {
		m.line("%s", eventLine(e))
	}
	m.blank()
	if p.HasMore {
		m.line("More: call paperclip_list_run_events with runId=%s afterSeq=%d.", p.RunID, p.NextAfterSeq)
	} else {
		m.line("No more events now. A running run adds more: call again with afterSeq=%d to follow it.", p.NextAfterSeq)
	}
	return m.String()
}

// listRunEventsTool declares paperclip_list_run_events.
func listRunEventsTool() Tool {
	return define(Spec{Name: "paperclip_list_run_events", Title: "List run events", Toolset: Runs,
		Description: "A run's events in seq order (seq, type, level, stream, message, data, createdAt), after a cursor. " +
			"Start with afterSeq=0; pass the returned nextAfterSeq as afterSeq to continue or to follow a running run. " +
			"Level error events explain failures.",
		Access: Read, NotFound: findRun},
		listEvents, listEventsMarkdown)
}

// ---------------------------------------------------------------- live runs

// CompanyArgs name a company (default PAPERCLIP_COMPANY_ID).
type CompanyArgs struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

// LiveRuns are the queued and running runs of a company.
type LiveRuns struct {
	CompanyID string       `json:"companyId"`
	Items     []RunSummary `json:"items"`
	Count     int          `json:"count"`
}

// maxLiveRuns is Paperclip's cap on the live-runs list.
const maxLiveRuns = 50

func listLiveRuns(ctx context.Context, d *Deps, a CompanyArgs) (LiveRuns, error) {
	out := LiveRuns{Items: []RunSummary{}}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	out.CompanyID = companyID
	rows, err := d.Client.ListLiveRuns(ctx, companyID, maxLiveRuns)
	if err != nil {
		return out, err
	}
	if len(rows) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return out, err
		}
	}
	for i := range rows {
		out.Items = append(out.Items, summarize(&rows[i]))
	}
	nameRuns(ctx, d, companyID, out.Items)
	out.Count = len(out.Items)
	return out, nil
}

func liveRunsMarkdown(_ CompanyArgs, l LiveRuns) string {
	var m md
	m.line("## Live runs of company `%s`: %d queued or running", l.CompanyID, l.Count)
	for _, r := range l.Items {
		m.line("%s", runLine(r))
	}
	if l.Count == maxLiveRuns {
		m.line("Paperclip shows at most %d live runs; there may be more.", maxLiveRuns)
	}
	if l.Count > 0 {
		m.line("Next: paperclip_list_run_events follows one; paperclip_cancel_heartbeat_run stops one (board only).")
	}
	return m.String()
}

// listLiveRunsTool declares paperclip_list_live_runs.
func listLiveRunsTool() Tool {
	return define(Spec{Name: "paperclip_list_live_runs", Title: "List live runs", Toolset: Runs,
		Description: "The queued and running heartbeat runs of a company (Paperclip shows at most 50). Use it to see what is executing now.",
		Access:      Read, NotFound: "Check companyId."},
		listLiveRuns, liveRunsMarkdown)
}

// ---------------------------------------------------------------- cancel

// CancelArgs identify the run to cancel.
type CancelArgs struct {
	RunID string `json:"runId" jsonschema:"format=uuid,description=Heartbeat run id to cancel"`
}

// CancelResult is the run after the cancel request.
type CancelResult struct {
	Run       RunDetail `json:"run"`
	Cancelled bool      `json:"cancelled" jsonschema:"description=True when this call cancelled the run (false when it had already finished)"`
	Message   string    `json:"message"`
}

func cancelRun(ctx context.Context, d *Deps, a CancelArgs) (CancelResult, error) {
	// Paperclip returns a finished run unchanged, so its answer alone cannot
	// tell "cancelled now" from "was already cancelled": read the run first.
	// The cancel is still sent, so that a key without the right gets its 403.
	before, err := d.Client.GetRun(ctx, a.RunID)
	if err != nil {
		return CancelResult{}, err
	}
	r, err := d.Client.CancelRun(ctx, a.RunID)
	if err != nil {
		return CancelResult{}, err
	}
	res := CancelResult{Run: detail(r), Cancelled: !terminal(before.Status) && r.Status == "cancelled"}
	switch {
	case terminal(before.Status):
		res.Message = fmt.Sprintf("Run %s had already finished as %s; nothing changed.", r.ID, before.Status)
	case res.Cancelled:
		res.Message = fmt.Sprintf("Run %s is cancelled.", r.ID)
	case terminal(r.Status):
		res.Message = fmt.Sprintf("Run %s finished as %s before the cancel reached it; nothing changed.", r.ID, r.Status)
	default:
		res.Message = fmt.Sprintf("Cancel was requested; run %s is %s. Check again with paperclip_get_heartbeat_run.", r.ID, r.Status)
	}
	return res, nil
}

func cancelMarkdown(_ CancelArgs, c CancelResult) string {
	var m md
	m.line("%s", c.Message)
	m.line("%s", runLine(c.Run.RunSummary))
	return m.String()
}

// cancelHeartbeatRunTool declares paperclip_cancel_heartbeat_run.
func cancelHeartbeatRunTool() Tool {
	return define(Spec{Name: "paperclip_cancel_heartbeat_run", Title: "Cancel a heartbeat run", Toolset: Runs, BoardOnly: true,
		Description: "Cancel a queued or running heartbeat run. Idempotent: a finished run comes back unchanged and the result says so. " +
			"Find live runs with paperclip_list_live_runs.",
		Access: DestructiveIdempotent, NotFound: findRun},
		cancelRun, cancelMarkdown)
}

// ---------------------------------------------------------------- registry

func runTools() []Tool {
	return []Tool{listHeartbeatRunsTool(), getHeartbeatRunTool(), listRunEventsTool(), getRunLogTool(), listLiveRunsTool(), cancelHeartbeatRunTool(), diagnoseRunTool()}
}
