package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findRoutine = "Find routine ids with paperclip_list_routines."

// routineRunsCap is the most runs Paperclip's routine runs route returns.
const routineRunsCap = 200

// TriggerView is one trigger of a routine.
type TriggerView struct {
	ID             string `json:"id"`
	Kind           string `json:"kind"`
	Enabled        bool   `json:"enabled"`
	Label          string `json:"label,omitempty"`
	CronExpression string `json:"cronExpression,omitempty"`
	Timezone       string `json:"timezone,omitempty"`
	NextRunAt      string `json:"nextRunAt,omitempty"`
	LastFiredAt    string `json:"lastFiredAt,omitempty"`
	SigningMode    string `json:"signingMode,omitempty"`
}

func triggerView(t *client.RoutineTrigger) TriggerView {
	return TriggerView{ID: t.ID, Kind: t.Kind, Enabled: t.Enabled, Label: str(t.Label), CronExpression: str(t.CronExpression),
		Timezone: str(t.Timezone), NextRunAt: str(t.NextRunAt), LastFiredAt: str(t.LastFiredAt), SigningMode: str(t.SigningMode)}
}

func triggerLine(t TriggerView) string {
	parts := []string{fmt.Sprintf("%s `%s`", t.Kind, t.ID)}
	if !t.Enabled {
		parts = append(parts, "disabled")
	}
	if t.CronExpression != "" {
		parts = append(parts, fmt.Sprintf("`%s` %s", t.CronExpression, t.Timezone))
	}
	if t.NextRunAt != "" {
		parts = append(parts, "next "+shortTime(t.NextRunAt))
	}
	if t.SigningMode != "" {
		parts = append(parts, "signing "+t.SigningMode)
	}
	if t.Label != "" {
		parts = append(parts, oneLine(t.Label, 60))
	}
	return "- " + strings.Join(parts, " · ")
}

// RoutineRunView is one run of a routine.
type RoutineRunView struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Source        string `json:"source"`
	TriggeredAt   string `json:"triggeredAt"`
	TriggerID     string `json:"triggerId,omitempty"`
	IssueID       string `json:"issueId,omitempty" jsonschema:"description=The issue the run made"`
	Issue         string `json:"issue,omitempty" jsonschema:"description=Its identifier"`
	FailureReason string `json:"failureReason,omitempty"`
}

func routineRunView(r *client.RoutineRun) RoutineRunView {
	v := RoutineRunView{ID: r.ID, Status: r.Status, Source: r.Source, TriggeredAt: r.TriggeredAt, TriggerID: str(r.TriggerID),
		IssueID: str(r.LinkedIssueID), FailureReason: oneLine(str(r.FailureReason), 300)}
	if r.LinkedIssue != nil {
		v.Issue = r.LinkedIssue.Identifier
	}
	return v
}

func routineRunLine(r RoutineRunView) string {
	s := fmt.Sprintf("- %s `%s` %s (%s)", shortTime(r.TriggeredAt), r.ID, r.Status, r.Source)
	if r.IssueID != "" || r.Issue != "" {
		s += " → issue " + strings.TrimSpace(r.Issue+" "+wrapped("`", r.IssueID, "`"))
	}
	return s + prefixed(" · ", r.FailureReason)
}

// RoutineView is one routine (env is never shown: it may hold secrets).
type RoutineView struct {
	ID                string           `json:"id"`
	Title             string           `json:"title"`
	Status            string           `json:"status"`
	Priority          string           `json:"priority"`
	AssigneeAgentID   string           `json:"assigneeAgentId,omitempty"`
	ProjectID         string           `json:"projectId,omitempty"`
	ConcurrencyPolicy string           `json:"concurrencyPolicy"`
	CatchUpPolicy     string           `json:"catchUpPolicy"`
	Revision          int              `json:"revision"`
	LastTriggeredAt   string           `json:"lastTriggeredAt,omitempty"`
	Description       string           `json:"description,omitempty"`
	Triggers          []TriggerView    `json:"triggers"`
	RecentRuns        []RoutineRunView `json:"recentRuns,omitempty"`
}

func routineView(r *client.Routine, descMax int) RoutineView {
	v := RoutineView{ID: r.ID, Title: r.Title, Status: r.Status, Priority: r.Priority, AssigneeAgentID: str(r.AssigneeAgentID),
		ProjectID: str(r.ProjectID), ConcurrencyPolicy: r.ConcurrencyPolicy, CatchUpPolicy: r.CatchUpPolicy, Revision: r.LatestRevision,
		LastTriggeredAt: str(r.LastTriggeredAt), Description: clip(str(r.Description), descMax), Triggers: []TriggerView{}}
	for i := range r.Triggers {
		v.Triggers = append(v.Triggers, triggerView(&r.Triggers[i]))
	}
	for i := range r.RecentRuns {
		if i == 5 {
			break
		}
		v.RecentRuns = append(v.RecentRuns, routineRunView(&r.RecentRuns[i]))
	}
	return v
}

func routineAssignee(id string) string {
	if id == "" {
		return "none"
	}
	return "`" + id + "`"
}

func routineHead(r RoutineView) string {
	return fmt.Sprintf("**%s** `%s` · %s · %s priority · assignee %s · %s, %s", r.Title, r.ID, r.Status, r.Priority,
		routineAssignee(r.AssigneeAgentID), r.ConcurrencyPolicy, r.CatchUpPolicy)
}

// ---------------------------------------------------------------- list and get

// ListRoutinesArgs are the arguments of paperclip_list_routines.
type ListRoutinesArgs struct {
	CompanyArg
	ProjectID string `json:"projectId,omitempty" jsonschema:"format=uuid"`
	Paging
	Format
}

func listRoutines(ctx context.Context, d *Deps, a ListRoutinesArgs) (Page[RoutineView], error) {
	page := Page[RoutineView]{Items: []RoutineView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListRoutines(ctx, companyID, a.ProjectID)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(all, a.Offset, a.Limit, true, func(r *client.Routine) RoutineView { return routineView(r, 200) }), nil
}

func listRoutinesMarkdown(_ ListRoutinesArgs, p Page[RoutineView]) string {
	var m md
	m.line("## Routines: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No routines: paperclip_create_routine makes one.")
	}
	for _, r := range p.Items {
		m.line("- %s", routineHead(r))
		for _, t := range r.Triggers {
			m.line("  %s", triggerLine(t))
		}
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_routines", "")
	return m.String()
}

// listRoutinesTool declares paperclip_list_routines.
func listRoutinesTool() Tool {
	return define(Spec{Name: "paperclip_list_routines", Title: "List routines", Toolset: Routines,
		Description: "A company's routines (recurring work that makes an issue for its assignee) with their triggers.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listRoutines, listRoutinesMarkdown)
}

// RoutineArgs identify one routine.
type RoutineArgs struct {
	RoutineID string `json:"routineId" jsonschema:"format=uuid"`
	Format
}

func getRoutine(ctx context.Context, d *Deps, a RoutineArgs) (RoutineView, error) {
	r, err := d.Client.GetRoutine(ctx, a.RoutineID)
	if err != nil {
		return RoutineView{}, err
	}
	return routineView(r, 2000), nil
}

func routineMarkdown(title string, r RoutineView) string {
	var m md
	m.line("## %s %s (`%s`)", title, r.Title, r.ID)
	m.line("%s · revision %d%s", routineHead(r), r.Revision, prefixed(" · last triggered ", shortTime(r.LastTriggeredAt)))
	if r.Description != "" {
		m.blank()
		m.line("%s", r.Description)
	}
	m.blank()
	if len(r.Triggers) == 0 {
		m.line("No triggers: it runs only when asked (paperclip_run_routine); paperclip_add_routine_trigger adds a schedule.")
	} else {
		m.line("Triggers:")
		for _, t := range r.Triggers {
			m.line("%s", triggerLine(t))
		}
	}
	if len(r.RecentRuns) > 0 {
		m.line("Recent runs:")
		for _, x := range r.RecentRuns {
			m.line("%s", routineRunLine(x))
		}
	}
	m.blank()
	m.line("Next: paperclip_run_routine routineId=%s runs it now; paperclip_list_routine_runs shows its runs.", r.ID)
	return m.String()
}

func getRoutineMarkdown(_ RoutineArgs, r RoutineView) string { return routineMarkdown("Routine", r) }

// getRoutineTool declares paperclip_get_routine.
func getRoutineTool() Tool {
	return define(Spec{Name: "paperclip_get_routine", Title: "Get a routine", Toolset: Routines,
		Description: "One routine: assignee, policies, triggers (schedules, webhooks) and its latest runs.",
		Access:      Read, NotFound: findRoutine},
		getRoutine, getRoutineMarkdown)
}

// ---------------------------------------------------------------- create and update

// CreateRoutineArgs are the arguments of paperclip_create_routine.
type CreateRoutineArgs struct {
	CompanyArg
	AssigneeAgentID   string `json:"assigneeAgentId,omitempty" jsonschema:"format=uuid,description=Who gets its issues; defaults to PAPERCLIP_AGENT_ID (an agent may assign only itself)"`
	Title             string `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Description       string `json:"description,omitempty" jsonschema:"maxLength=20000"`
	ConcurrencyPolicy string `json:"concurrencyPolicy,omitempty" jsonschema:"enum=coalesce_if_active,enum=always_enqueue,enum=skip_if_active,default=coalesce_if_active"`
	CatchUpPolicy     string `json:"catchUpPolicy,omitempty" jsonschema:"enum=skip_missed,enum=enqueue_missed_with_cap,default=skip_missed"`
	ProjectID         string `json:"projectId,omitempty" jsonschema:"format=uuid"`
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func createRoutine(ctx context.Context, d *Deps, a CreateRoutineArgs) (RoutineView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return RoutineView{}, err
	}
	assignee, err := d.agent(a.AssigneeAgentID, false)
	if err != nil {
		return RoutineView{}, err
	}
	title := strings.TrimSpace(a.Title)
	if title == "" {
		return RoutineView{}, inputErrorf("title is blank: give the routine a title of 1 to 200 characters.")
	}
	r, err := d.Client.CreateRoutine(ctx, companyID, client.RoutineFields{Title: &title, Description: nonEmpty(a.Description),
		AssigneeAgentID: nonEmpty(assignee), ConcurrencyPolicy: nonEmpty(a.ConcurrencyPolicy), CatchUpPolicy: nonEmpty(a.CatchUpPolicy),
		ProjectID: nonEmpty(a.ProjectID)})
	if err != nil {
		return RoutineView{}, err
	}
	return routineView(r, 2000), nil
}

func createRoutineMarkdown(_ CreateRoutineArgs, r RoutineView) string {
	return routineMarkdown("Created routine", r)
}

// createRoutineTool declares paperclip_create_routine.
func createRoutineTool() Tool {
	return define(Spec{Name: "paperclip_create_routine", Title: "Create a routine", Toolset: Routines,
		Description: "Create a routine: recurring work that makes an issue for its assignee each time it runs. Then paperclip_add_routine_trigger gives it a schedule.",
		Access:      Write, NotFound: "Check companyId and assigneeAgentId. " + findAgent},
		createRoutine, createRoutineMarkdown)
}

// UpdateRoutineArgs are the arguments of paperclip_update_routine.
type UpdateRoutineArgs struct {
	RoutineID         string `json:"routineId" jsonschema:"format=uuid"`
	Title             string `json:"title,omitempty" jsonschema:"maxLength=200"`
	Description       string `json:"description,omitempty" jsonschema:"maxLength=20000"`
	ConcurrencyPolicy string `json:"concurrencyPolicy,omitempty" jsonschema:"enum=coalesce_if_active,enum=always_enqueue,enum=skip_if_active"`
	CatchUpPolicy     string `json:"catchUpPolicy,omitempty" jsonschema:"enum=skip_missed,enum=enqueue_missed_with_cap"`
	Status            string `json:"status,omitempty" jsonschema:"enum=active,enum=paused,enum=archived,description=paused stops its triggers"`
	AssigneeAgentID   string `json:"assigneeAgentId,omitempty" jsonschema:"format=uuid"`
}

func updateRoutine(ctx context.Context, d *Deps, a UpdateRoutineArgs) (RoutineView, error) {
	f := client.RoutineFields{Description: nonEmpty(a.Description), ConcurrencyPolicy: nonEmpty(a.ConcurrencyPolicy),
		CatchUpPolicy: nonEmpty(a.CatchUpPolicy), Status: nonEmpty(a.Status), AssigneeAgentID: nonEmpty(a.AssigneeAgentID)}
	if a.Title != "" {
		title := strings.TrimSpace(a.Title)
		if title == "" {
			return RoutineView{}, inputErrorf("title is blank: give a title of 1 to 200 characters, or leave it out.")
		}
		f.Title = &title
	}
	if f == (client.RoutineFields{}) {
		return RoutineView{}, inputErrorf("Nothing to change: give at least one of title, description, concurrencyPolicy, catchUpPolicy, status, assigneeAgentId.")
	}
	r, err := d.Client.UpdateRoutine(ctx, a.RoutineID, f)
	if err != nil {
		return RoutineView{}, err
	}
	return routineView(r, 2000), nil
}

func updateRoutineMarkdown(_ UpdateRoutineArgs, r RoutineView) string {
	return routineMarkdown("Updated routine", r)
}

// updateRoutineTool declares paperclip_update_routine.
func updateRoutineTool() Tool {
	return define(Spec{Name: "paperclip_update_routine", Title: "Update a routine", Toolset: Routines,
		Description: "Change a routine's title, description, policies, status or assignee; each change is a new revision.",
		Access:      WriteIdempotent, NotFound: findRoutine},
		updateRoutine, updateRoutineMarkdown)
}

// ---------------------------------------------------------------- triggers

const findTrigger = "Find trigger ids with paperclip_get_routine."

// AddTriggerArgs are the arguments of paperclip_add_routine_trigger.
type AddTriggerArgs struct {
	RoutineID      string `json:"routineId" jsonschema:"format=uuid"`
	Kind           string `json:"kind" jsonschema:"enum=schedule,enum=webhook,enum=api"`
	CronExpression string `json:"cronExpression,omitempty" jsonschema:"maxLength=200,description=Required for schedule\\, e.g. 0 9 * * 1-5"`
	Timezone       string `json:"timezone,omitempty" jsonschema:"maxLength=64,description=IANA name; default UTC"`
	Label          string `json:"label,omitempty" jsonschema:"maxLength=120"`
	SigningMode    string `json:"signingMode,omitempty" jsonschema:"enum=bearer,enum=hmac_sha256,enum=github_hmac,enum=none,description=webhook only; default bearer\\, which Paperclip 2026.916.1 cannot verify (use github_hmac)"`
}

// NewTriggerView is an added trigger; a webhook's secret is in a file.
type NewTriggerView struct {
	RoutineID  string      `json:"routineId"`
	Trigger    TriggerView `json:"trigger"`
	WebhookURL string      `json:"webhookUrl,omitempty"`
	Secret     *ShownOnce  `json:"secret,omitempty" jsonschema:"description=Where the webhook's signing secret was written"`
}

func addRoutineTrigger(ctx context.Context, d *Deps, a AddTriggerArgs) (NewTriggerView, error) {
	cron := strings.TrimSpace(a.CronExpression)
	switch {
	case a.Kind == "schedule" && cron == "":
		return NewTriggerView{}, inputErrorf("A schedule trigger needs cronExpression, e.g. \"0 9 * * 1-5\" (09:00 on weekdays) with timezone.")
	case a.Kind != "schedule" && (cron != "" || a.Timezone != ""):
		return NewTriggerView{}, inputErrorf("cronExpression and timezone belong to schedule triggers; leave them out for a %s trigger.", a.Kind)
	case a.Kind != "webhook" && a.SigningMode != "":
		return NewTriggerView{}, inputErrorf("signingMode belongs to webhook triggers; leave it out for a %s trigger.", a.Kind)
	}
	f := client.TriggerFields{Kind: a.Kind, CronExpression: nonEmpty(cron), Timezone: nonEmpty(a.Timezone), Label: nonEmpty(a.Label), SigningMode: nonEmpty(a.SigningMode)}
	nt, err := d.Client.AddRoutineTrigger(ctx, a.RoutineID, f)
	if err != nil {
		return NewTriggerView{}, err
	}
	v := NewTriggerView{RoutineID: a.RoutineID, Trigger: triggerView(&nt.Trigger)}
	if sm := nt.SecretMaterial; sm != nil {
		v.WebhookURL = sm.WebhookURL
		if sm.WebhookSecret != "" {
			saved, err := saveShownOnce("routine-webhook", nt.Trigger.ID, sm.WebhookSecret)
			sm.WebhookSecret = ""
			if err != nil {
				return v, inputErrorf("The webhook trigger %s was added, but its signing secret (shown once) could not be saved: %v. "+
					"Delete it with paperclip_delete_routine_trigger and add it again once the directory is writable.", nt.Trigger.ID, err)
			}
			v.Secret = &saved
		}
	}
	return v, nil
}

func addRoutineTriggerMarkdown(_ AddTriggerArgs, v NewTriggerView) string {
	var m md
	m.line("## Added a %s trigger to routine `%s`", v.Trigger.Kind, v.RoutineID)
	m.line("%s", triggerLine(v.Trigger))
	if v.WebhookURL != "" {
		m.line("- POST to %s", v.WebhookURL)
	}
	if v.Secret != nil {
		m.line("- Its signing secret (%d characters) is shown once by Paperclip and was written to `%s` (mode 0600); it is shown nowhere else.", v.Secret.Bytes, v.Secret.File)
	}
	m.blank()
	m.line("Next: paperclip_get_routine routineId=%s shows all its triggers.", v.RoutineID)
	return m.String()
}

// addRoutineTriggerTool declares paperclip_add_routine_trigger.
func addRoutineTriggerTool() Tool {
	return define(Spec{Name: "paperclip_add_routine_trigger", Title: "Add a routine trigger", Toolset: Routines,
		Description: "Give a routine a schedule (cron), a webhook or an API trigger. A webhook's signing secret is written to a file under PAPERCLIP_MCP_SECRETS_DIR, never shown.",
		Access:      Write, NotFound: findRoutine},
		addRoutineTrigger, addRoutineTriggerMarkdown)
}

// UpdateTriggerArgs are the arguments of paperclip_update_routine_trigger.
type UpdateTriggerArgs struct {
	TriggerID      string `json:"triggerId" jsonschema:"format=uuid"`
	Kind           string `json:"kind,omitempty" jsonschema:"enum=schedule,enum=webhook,enum=api,description=Leave out: a kind cannot change (delete and add a trigger)"`
	CronExpression string `json:"cronExpression,omitempty" jsonschema:"maxLength=200"`
	Timezone       string `json:"timezone,omitempty" jsonschema:"maxLength=64"`
	Enabled        *bool  `json:"enabled,omitempty"`
	Label          string `json:"label,omitempty" jsonschema:"maxLength=120"`
}

func updateRoutineTrigger(ctx context.Context, d *Deps, a UpdateTriggerArgs) (TriggerView, error) {
	if a.Kind != "" {
		if err := sameTriggerKind(ctx, d, a.TriggerID, a.Kind); err != nil {
			return TriggerView{}, err
		}
	}
	f := client.TriggerFields{CronExpression: nonEmpty(strings.TrimSpace(a.CronExpression)), Timezone: nonEmpty(a.Timezone), Enabled: a.Enabled, Label: nonEmpty(a.Label)}
	if f == (client.TriggerFields{}) {
		return TriggerView{}, inputErrorf("Nothing to change: give at least one of cronExpression, timezone, enabled, label.")
	}
	t, err := d.Client.UpdateRoutineTrigger(ctx, a.TriggerID, f)
	if err != nil {
		return TriggerView{}, err
	}
	return triggerView(t), nil
}

// sameTriggerKind lets a kind through only when it is the trigger's own:
// Paperclip's PATCH drops kind silently, so a different one is refused with
// the way to do it, before anything is sent. Paperclip has no route to read
// one trigger: it is looked up in the company's routines.
func sameTriggerKind(ctx context.Context, d *Deps, triggerID, kind string) error {
	how := fmt.Sprintf("To make it a %s trigger, delete it with paperclip_delete_routine_trigger and add a %s one with paperclip_add_routine_trigger; "+
		"to change its schedule, enabled or label, call again without kind.", kind, kind)
	companyID, err := d.company("")
	if err != nil {
		return inputErrorf("Paperclip cannot change a trigger's kind (it ignores kind), and without PAPERCLIP_COMPANY_ID this trigger's kind cannot be checked. %s", how)
	}
	routines, err := d.Client.ListRoutines(ctx, companyID, "")
	if err != nil {
		return err
	}
	for _, r := range routines {
		for _, t := range r.Triggers {
			if t.ID == triggerID {
				if t.Kind == kind {
					return nil
				}
				return inputErrorf("Trigger %s is a %s trigger and Paperclip cannot change a trigger's kind (it would ignore kind=%s). %s", triggerID, t.Kind, kind, how)
			}
		}
	}
	return inputErrorf("Trigger %s is not among company %s's routines, so its kind cannot be checked (Paperclip cannot change a trigger's kind). %s %s",
		triggerID, companyID, how, findTrigger)
}

func updateRoutineTriggerMarkdown(_ UpdateTriggerArgs, t TriggerView) string {
	var m md
	m.line("## Updated trigger `%s`", t.ID)
	m.line("%s", triggerLine(t))
	m.blank()
	m.line("Next: paperclip_get_routine shows the routine with all its triggers.")
	return m.String()
}

// updateRoutineTriggerTool declares paperclip_update_routine_trigger.
func updateRoutineTriggerTool() Tool {
	return define(Spec{Name: "paperclip_update_routine_trigger", Title: "Update a routine trigger", Toolset: Routines,
		Description: "Change a trigger's cron expression, timezone, label, or enable/disable it.",
		Access:      WriteIdempotent, NotFound: findTrigger},
		updateRoutineTrigger, updateRoutineTriggerMarkdown)
}

// TriggerArgs identify one trigger.
type TriggerArgs struct {
	TriggerID string `json:"triggerId" jsonschema:"format=uuid"`
}

// DeletedTrigger says which trigger is gone.
type DeletedTrigger struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func deleteRoutineTrigger(ctx context.Context, d *Deps, a TriggerArgs) (DeletedTrigger, error) {
	if err := d.Client.DeleteRoutineTrigger(ctx, a.TriggerID); err != nil {
		return DeletedTrigger{}, err
	}
	return DeletedTrigger{ID: a.TriggerID, Deleted: true}, nil
}

func deleteRoutineTriggerMarkdown(_ TriggerArgs, t DeletedTrigger) string {
	return fmt.Sprintf("## Deleted trigger `%s`\nThe routine no longer fires from it; a webhook URL of it now answers 404.\n", t.ID)
}

// deleteRoutineTriggerTool declares paperclip_delete_routine_trigger.
func deleteRoutineTriggerTool() Tool {
	return define(Spec{Name: "paperclip_delete_routine_trigger", Title: "Delete a routine trigger", Toolset: Routines,
		Description: "Delete a routine's trigger: its schedule stops, or its webhook URL and secret stop working. Cannot be undone; add a new trigger instead.",
		Access:      Destructive, NotFound: findTrigger},
		deleteRoutineTrigger, deleteRoutineTriggerMarkdown)
}

// ---------------------------------------------------------------- runs

// RunRoutineArgs are the arguments of paperclip_run_routine.
type RunRoutineArgs struct {
	RoutineID string `json:"routineId" jsonschema:"format=uuid"`
	AgentID   string `json:"agentId,omitempty" jsonschema:"format=uuid,description=Assignee for this run instead of the routine's"`
}

func runRoutine(ctx context.Context, d *Deps, a RunRoutineArgs) (RoutineRunView, error) {
	r, err := d.Client.RunRoutine(ctx, a.RoutineID, a.AgentID)
	if err != nil {
		return RoutineRunView{}, err
	}
	return routineRunView(r), nil
}

func runRoutineMarkdown(a RunRoutineArgs, r RoutineRunView) string {
	var m md
	m.line("## Ran routine `%s`: run `%s` is %s", a.RoutineID, r.ID, r.Status)
	m.line("%s", routineRunLine(r))
	m.blank()
	if r.IssueID != "" {
		m.line("Next: paperclip_get_issue issueId=%s follows the work.", r.IssueID)
	} else {
		m.line("Next: paperclip_list_routine_runs routineId=%s shows what became of it.", a.RoutineID)
	}
	return m.String()
}

// runRoutineTool declares paperclip_run_routine.
func runRoutineTool() Tool {
	return define(Spec{Name: "paperclip_run_routine", Title: "Run a routine now", Toolset: Routines,
		Description: "Run a routine now: it makes an issue for the assignee, which wakes that agent (per the concurrency policy).",
		Access:      Write, OpenWorld: true, NotFound: findRoutine},
		runRoutine, runRoutineMarkdown)
}

// ListRoutineRunsArgs are the arguments of paperclip_list_routine_runs.
type ListRoutineRunsArgs struct {
	RoutineID string `json:"routineId" jsonschema:"format=uuid"`
	Paging
	Format
}

func listRoutineRuns(ctx context.Context, d *Deps, a ListRoutineRunsArgs) (Page[RoutineRunView], error) {
	page := Page[RoutineRunView]{Items: []RoutineRunView{}, Offset: a.Offset, Limit: a.Limit}
	if a.Offset >= routineRunsCap {
		page.Note = fmt.Sprintf("Paperclip serves only a routine's %d newest runs: nothing is reachable from offset %d.", routineRunsCap, a.Offset)
		return page, nil
	}
	want := min(a.Offset+a.Limit+1, routineRunsCap)
	runs, err := d.Client.ListRoutineRuns(ctx, a.RoutineID, want)
	if err != nil {
		return page, err
	}
	exact := len(runs) < want
	page = pageFrom(runs, a.Offset, a.Limit, exact, routineRunView)
	if !exact && !page.HasMore {
		page.Note = fmt.Sprintf("Paperclip serves only a routine's %d newest runs; older ones are not reachable.", routineRunsCap)
	}
	return page, nil
}

func listRoutineRunsMarkdown(a ListRoutineRunsArgs, p Page[RoutineRunView]) string {
	var m md
	total := ""
	if p.Total != nil {
		total = fmt.Sprintf(" (%d in all)", *p.Total)
	}
	m.line("## Runs of routine `%s`, newest first: %d shown from offset %d%s", a.RoutineID, p.Count, p.Offset, total)
	if p.Count == 0 {
		m.line("No runs.")
	}
	for _, r := range p.Items {
		m.line("%s", routineRunLine(r))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_routine_runs", "")
	return m.String()
}

// listRoutineRunsTool declares paperclip_list_routine_runs.
func listRoutineRunsTool() Tool {
	return define(Spec{Name: "paperclip_list_routine_runs", Title: "List a routine's runs", Toolset: Routines,
		Description: "A routine's runs, newest first (the 200 newest): status, source, the issue each made or why it failed.",
		Access:      Read, NotFound: findRoutine},
		listRoutineRuns, listRoutineRunsMarkdown)
}

func routineTools() []Tool {
	return []Tool{listRoutinesTool(), getRoutineTool(), createRoutineTool(), updateRoutineTool(), addRoutineTriggerTool(),
		updateRoutineTriggerTool(), deleteRoutineTriggerTool(), runRoutineTool(), listRoutineRunsTool()}
}
