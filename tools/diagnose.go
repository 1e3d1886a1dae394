package tools

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// DiagnoseArgs are the arguments of paperclip_diagnose_run.
type DiagnoseArgs struct {
	RunID     string `json:"runId,omitempty" jsonschema:"format=uuid,description=The run to diagnose; when absent\\, the latest failed run of agentId (or of the company)"`
	AgentID   string `json:"agentId,omitempty" jsonschema:"format=uuid,description=Diagnose this agent's latest failed run; defaults to PAPERCLIP_AGENT_ID"`
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company to search when no runId is given; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

// LogLine is one readable line of a run's log.
type LogLine struct {
	Time   string `json:"time,omitempty"`
	Stream string `json:"stream,omitempty"`
	Text   string `json:"text"`
}

// Diagnosis is what went wrong in a run, with the evidence the text shows:
// ids, summaries and the last log lines, never whole event payloads or logs
// (paperclip_list_run_events and paperclip_get_run_log read those).
type Diagnosis struct {
	Run         RunDetail     `json:"run"`
	Agent       *AgentSummary `json:"agent,omitempty" jsonschema:"description=The run's agent (absent when the key in use cannot read it)"`
	Selected    string        `json:"selected" jsonschema:"description=How the run was chosen"`
	Failed      bool          `json:"failed"`
	Summary     []string      `json:"summary" jsonschema:"description=What went wrong\\, in a few lines"`
	Invocation  *Invocation   `json:"invocation,omitempty" jsonschema:"description=The command the adapter ran and its working directory (from the adapter.invoke event)"`
	Events      []EventBrief  `json:"events" jsonschema:"description=The run's error and warning events (at most 20)"`
	EventCount  int           `json:"eventCount" jsonschema:"description=How many events the run has in all (of those read)"`
	LogTail     []LogLine     `json:"logTail" jsonschema:"description=The last lines of the log (at most 40)"`
	LogTailFrom int64         `json:"logTailFrom" jsonschema:"description=Byte offset where the tail starts (for paperclip_get_run_log)"`
	NextSteps   []string      `json:"nextSteps"`
}

// EventBrief is an event as a diagnosis shows it: its data as clipped text.
type EventBrief struct {
	Seq       int64  `json:"seq"`
	Type      string `json:"type"`
	Level     string `json:"level,omitempty"`
	Stream    string `json:"stream,omitempty"`
	Message   string `json:"message,omitempty"`
	Data      string `json:"data,omitempty" jsonschema:"description=The event's data as JSON text\\, clipped"`
	CreatedAt string `json:"createdAt"`
}

func briefOf(e RunEvent) EventBrief {
	b := EventBrief{Seq: e.Seq, Type: e.Type, Level: e.Level, Stream: e.Stream, Message: clip(e.Message, 300), CreatedAt: e.CreatedAt}
	if len(e.Data) > 0 {
		b.Data = clip(jsonText(e.Data), 300)
	}
	return b
}

func (b EventBrief) line() string {
	s := fmt.Sprintf("- #%d %s %s %s", b.Seq, clockTime(b.CreatedAt), orDash(b.Level), b.Type)
	if b.Stream != "" {
		s += " [" + b.Stream + "]"
	}
	if b.Message != "" {
		s += ": " + oneLine(b.Message, 300)
	}
	if b.Data != "" {
		s += " · data " + b.Data
	}
	return s
}

const (
	diagnoseSearch  = 100  // runs searched for the latest failure
	diagnoseTail    = 6144 // bytes of log tail read
	diagnoseEvents  = 20   // error/warn events kept
	diagnoseLines   = 40   // log tail lines kept
	diagnoseLineLen = 400  // characters of a log tail line kept
	eventPageSize   = 1000 // Paperclip's largest events page
	eventPagesLimit = 3    // at most 3000 events read
)

// resourceLinks links the diagnosed run's log and the run itself.
func (g Diagnosis) resourceLinks() []mcp.ResourceLink {
	if g.Run.ID == "" {
		return nil
	}
	return []mcp.ResourceLink{runLogLink(g.Run.ID, 0), runLink(g.Run.ID)}
}

func diagnose(ctx context.Context, d *Deps, a DiagnoseArgs) (Diagnosis, error) {
	out := Diagnosis{Summary: []string{}, Events: []EventBrief{}, LogTail: []LogLine{}, NextSteps: []string{}}
	run, selected, err := pickRun(ctx, d, a)
	if err != nil {
		return out, err
	}
	out.Run, out.Selected, out.Failed = detail(run), selected, failedStatus(run.Status)

	var (
		wg            sync.WaitGroup
		events        []client.RunEvent
		evErr, logErr error
		slice         *client.RunLogSlice
		tailFrom      int64
		agent         *client.Agent
	)
	if run.LogBytes != nil {
		tailFrom = max(0, *run.LogBytes-diagnoseTail)
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		// Best effort: the name and state make the answer readable; a key
		// that cannot read the agent still gets the diagnosis.
		if a, err := d.Client.GetAgent(ctx, run.AgentID); err == nil {
			agent = a
		}
	}()
	go func() {
		defer wg.Done()
		var after int64
		for page := 0; page < eventPagesLimit; page++ {
			rows, err := d.Client.ListRunEvents(ctx, run.ID, after, eventPageSize)
			if err != nil {
				evErr = err
				return
			}
			events = append(events, rows...)
			if len(rows) < eventPageSize {
				return
			}
			after = rows[len(rows)-1].Seq
		}
	}()
	go func() {
		defer wg.Done()
		slice, logErr = d.Client.GetRunLog(ctx, run.ID, tailFrom, diagnoseTail)
	}()
	wg.Wait()
	if evErr != nil {
		return out, evErr
	}
	tail, err := buildSlice(run, tailFrom, diagnoseTail, slice, logErr)
	if err != nil {
		return out, err
	}
	out.LogTailFrom = tail.Offset
	lines := parseLog(tail.Content)
	if tail.Offset > 0 && len(lines) > 0 && lines[0].partial && lines[0].ts == "" {
		lines = lines[1:] // the tail starts inside a record: its time and stream are unknown
	}
	if len(lines) > diagnoseLines {
		lines = lines[len(lines)-diagnoseLines:]
	}
	for _, l := range lines {
		out.LogTail = append(out.LogTail, LogLine{Time: l.ts, Stream: l.stream, Text: clip(l.text, diagnoseLineLen)})
	}
	out.EventCount = len(events)
	var firstError *client.RunEvent
	for i, e := range events {
		if inv, ok := invocationOf(toEvent(e).Data); ok && out.Invocation == nil {
			inv.Command = clip(inv.Command, 500)
			for j := range inv.Args {
				inv.Args[j] = clip(inv.Args[j], 500)
			}
			if len(inv.Args) > 20 {
				inv.Args = inv.Args[:20]
			}
			out.Invocation = &inv
		}
		lvl := str(e.Level)
		if lvl == "error" || lvl == "warn" || lvl == "warning" {
			if lvl == "error" && firstError == nil {
				firstError = &events[i]
			}
			if len(out.Events) < diagnoseEvents {
				out.Events = append(out.Events, briefOf(toEvent(e)))
			}
		}
	}
	if agent != nil {
		sum := agentSummary(agent)
		out.Agent = &sum
	}
	out.Run.StdoutExcerpt, out.Run.StderrExcerpt = clip(out.Run.StdoutExcerpt, 1000), clip(out.Run.StderrExcerpt, 1000)
	out.Summary = summaryLines(out.Run, out.Agent, firstError, out.LogTail, out.Invocation)
	out.NextSteps = nextSteps(out.Run, tail)
	return out, nil
}

// pickRun finds the run to diagnose: the given one, else the newest failed
// run of the agent or company among the latest diagnoseSearch runs, else the
// newest run at all.
func pickRun(ctx context.Context, d *Deps, a DiagnoseArgs) (*client.Run, string, error) {
	if a.RunID != "" {
		r, err := d.Client.GetRun(ctx, a.RunID)
		return r, "the run asked for", err
	}
	agentID, err := d.agent(a.AgentID, false)
	if err != nil {
		return nil, "", err
	}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return nil, "", inputErrorf("Give runId, or agentId with companyId (or set PAPERCLIP_COMPANY_ID): %v", err)
	}
	rows, err := d.Client.ListRuns(ctx, companyID, agentID, diagnoseSearch)
	if err != nil {
		return nil, "", err
	}
	scope := "the company"
	if agentID != "" {
		scope = "agent " + agentID
	}
	if len(rows) == 0 {
		return nil, "", noRuns(ctx, d, companyID, agentID)
	}
	for i := range rows {
		if failedStatus(rows[i].Status) {
			// The list omits some fields (execution); read the run itself.
			r, err := d.Client.GetRun(ctx, rows[i].ID)
			return r, fmt.Sprintf("the latest failed run of %s", scope), err
		}
	}
	r, err := d.Client.GetRun(ctx, rows[0].ID)
	return r, fmt.Sprintf("the latest run of %s: none of its last %d runs failed", scope, len(rows)), err
}

// noRuns says why there is no run to diagnose: no such agent, an agent of
// another company, no such company, or truly no run yet.
func noRuns(ctx context.Context, d *Deps, companyID, agentID string) error {
	if agentID == "" {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return err
		}
		return inputErrorf("Company %s has no heartbeat runs yet: nothing to diagnose. Wake an agent with paperclip_wakeup_agent first.", companyID)
	}
	ag, err := d.Client.GetAgent(ctx, agentID)
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 404 {
		return inputErrorf("No agent has id %s (404 %s). %s", agentID, apiErr.Message, findAgent)
	}
	if err != nil {
		return inputErrorf("Agent %s has no heartbeat runs in company %s (the agent itself could not be read: %s).", agentID, companyID, explain(err, Spec{Name: "paperclip_get_agent"}))
	}
	if ag.CompanyID != "" && ag.CompanyID != companyID {
		return inputErrorf("Agent %s (%s) belongs to company %s, not %s: call again with companyId=%s.", ag.Name, agentID, ag.CompanyID, companyID, ag.CompanyID)
	}
	return inputErrorf("Agent %s (%s) has no heartbeat runs yet: nothing to diagnose. Wake it with paperclip_wakeup_agent agentId=%s first.", ag.Name, agentID, agentID)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// errorCodeMeaning explains Paperclip's run error codes.
var errorCodeMeaning = map[string]string{
	"adapter_failed": "the agent's adapter (its process or service) ended with an error; its stderr and last log lines below usually say why",
	"timed_out":      "the run hit its adapter's timeoutSec and was stopped",
	"cancelled":      "someone cancelled the run",
	"process_lost":   "Paperclip lost track of the agent's process (server restart or crash)",
}

func summaryLines(r RunDetail, agent *AgentSummary, firstError *client.RunEvent, tail []LogLine, inv *Invocation) []string {
	lines := []string{}
	who := "agent " + r.AgentID
	if agent != nil {
		who = fmt.Sprintf("agent %s (%s)", agent.Name, r.AgentID)
	}
	head := fmt.Sprintf("Run %s of %s is %s", r.ID, who, r.Status)
	if r.FinishedAt != "" {
		head += " (finished " + shortTime(r.FinishedAt) + ", took " + humanDuration(r.DurationMs) + ")"
	}
	if r.InvocationSource != "" {
		head += "; woken by " + r.InvocationSource
		if r.WakeReason != "" {
			head += " (" + oneLine(r.WakeReason, 80) + ")"
		}
	}
	lines = append(lines, head+".")
	if !terminal(r.Status) {
		lines = append(lines, "The run has not finished yet: what is shown may change.")
	} else if r.Status == "succeeded" {
		lines = append(lines, "The run succeeded: nothing failed, so there is nothing to fix in it.")
	} else if r.Status == "cancelled" {
		lines = append(lines, "The run was cancelled before it finished; it did not fail on its own.")
	}
	if r.Error != "" || (r.ExitCode != nil && *r.ExitCode != 0) || r.Signal != "" {
		e := "Error: " + orDash(oneLine(r.Error, 300))
		if r.Error == "" {
			e = "No error message"
		}
		if r.ErrorCode != "" {
			e += " [" + r.ErrorCode + "]"
		}
		if r.ExitCode != nil {
			e += fmt.Sprintf("; exit code %d", *r.ExitCode)
		}
		if r.Signal != "" {
			e += "; signal " + r.Signal
		}
		lines = append(lines, e+".")
	}
	if meaning, ok := errorCodeMeaning[r.ErrorCode]; ok {
		lines = append(lines, "Meaning: "+meaning+".")
	}
	if firstError != nil {
		lines = append(lines, fmt.Sprintf("First error event: #%d %s: %s.", firstError.Seq, firstError.EventType, oneLine(str(firstError.Message), 200)))
	}
	var lastErr string
	for i := len(tail) - 1; i >= 0; i-- {
		if tail[i].Stream == "stderr" && strings.TrimSpace(tail[i].Text) != "" {
			lastErr = tail[i].Text
			break
		}
	}
	if lastErr == "" && r.StderrExcerpt != "" {
		ex := strings.Split(strings.TrimSpace(r.StderrExcerpt), "\n")
		lastErr = ex[len(ex)-1]
	}
	if lastErr != "" {
		lines = append(lines, "Last stderr line: "+oneLine(lastErr, 300))
	}
	if inv != nil && (failedStatus(r.Status) || !terminal(r.Status)) {
		lines = append(lines, "Ran "+inv.String())
	}
	if agent != nil && agent.Status == "paused" {
		lines = append(lines, "The agent is paused"+prefixed(" (", agent.PauseReason)+closeIf(agent.PauseReason)+": wakeups are skipped until it is resumed.")
	}
	return lines
}

func nextSteps(r RunDetail, tail LogSlice) []string {
	steps := []string{}
	if tail.Offset > 0 {
		steps = append(steps, fmt.Sprintf("Read the whole log from the start: paperclip_get_run_log runId=%s offset=0.", r.ID))
	}
	steps = append(steps, fmt.Sprintf("All events: paperclip_list_run_events runId=%s afterSeq=0.", r.ID))
	switch {
	case failedStatus(r.Status):
		steps = append(steps, fmt.Sprintf("After a fix (of the command, its working directory or its input), run the agent again: paperclip_wakeup_agent agentId=%s.", r.AgentID))
	case terminal(r.Status):
		steps = append(steps, fmt.Sprintf("To look for a failure instead: paperclip_list_heartbeat_runs agentId=%s status=failed. To run the agent again: paperclip_wakeup_agent agentId=%s.", r.AgentID, r.AgentID))
	default:
		steps = append(steps, fmt.Sprintf("Stop it if it is stuck: paperclip_cancel_heartbeat_run runId=%s (board only).", r.ID))
	}
	return steps
}

func diagnoseMarkdown(_ DiagnoseArgs, g Diagnosis) string {
	var m md
	m.line("## Diagnosis of run `%s` (%s)", g.Run.ID, g.Selected)
	for _, l := range g.Summary {
		m.line("- %s", l)
	}
	if len(g.Events) > 0 {
		m.blank()
		m.line("### Error and warning events (%d of %d events)", len(g.Events), g.EventCount)
		for _, e := range g.Events {
			m.line("%s", e.line())
		}
	}
	if len(g.LogTail) > 0 {
		m.blank()
		m.line("### Log tail (from byte %d)", g.LogTailFrom)
		m.line("```")
		for _, l := range g.LogTail {
			m.line("%s", logLine{ts: l.Time, stream: l.Stream, text: l.Text})
		}
		m.line("```")
	}
	m.blank()
	m.line("Next:")
	for _, s := range g.NextSteps {
		m.line("- %s", s)
	}
	return m.String()
}

// diagnoseRunTool declares paperclip_diagnose_run.
func diagnoseRunTool() Tool {
	return define(Spec{Name: "paperclip_diagnose_run", Title: "Diagnose a failed run", Toolset: Runs,
		Description: "Why did a run fail? Finds the run (runId; else the latest failed run of agentId or PAPERCLIP_AGENT_ID; else of the company), " +
			"reads its error and warning events and the tail of its log, and says in a few lines what went wrong and what to look at next.",
		Access: Read, NotFound: findRun},
		diagnose, diagnoseMarkdown)
}
