package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// dollars renders cents as dollars.
func dollars(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
}

// wrapped is before+s+after, or "" when s is empty.
func wrapped(before, s, after string) string {
	if s == "" {
		return ""
	}
	return before + s + after
}

// spendLine is spend against budget in one phrase.
func spendLine(spend, budget int64, pct float64) string {
	if budget <= 0 {
		return dollars(spend) + " (no monthly budget set)"
	}
	return fmt.Sprintf("%s of %s (%.1f %%)", dollars(spend), dollars(budget), pct)
}

// ---------------------------------------------------------------- dashboard

// DashboardView is a company's dashboard, flattened.
type DashboardView struct {
	CompanyID          string  `json:"companyId"`
	AgentsActive       int     `json:"agentsActive"`
	AgentsRunning      int     `json:"agentsRunning"`
	AgentsPaused       int     `json:"agentsPaused"`
	AgentsError        int     `json:"agentsError"`
	TasksOpen          int     `json:"tasksOpen"`
	TasksInProgress    int     `json:"tasksInProgress"`
	TasksBlocked       int     `json:"tasksBlocked"`
	TasksDone          int     `json:"tasksDone"`
	MonthSpendCents    int64   `json:"monthSpendCents"`
	MonthBudgetCents   int64   `json:"monthBudgetCents"`
	UtilizationPercent float64 `json:"monthUtilizationPercent"`
	PendingApprovals   int     `json:"pendingApprovals"`
	BudgetIncidents    int     `json:"budgetIncidents"`
	// RunDays is the run activity by day (Paperclip's window, oldest first).
	RunDays       []client.RunActivityDay `json:"runDays"`
	RunsSucceeded int                     `json:"runsSucceeded"`
	RunsFailed    int                     `json:"runsFailed"`
}

// CompanyOnlyArgs are the arguments of a company-scoped read with no filter.
type CompanyOnlyArgs struct {
	CompanyArg
	Format
}

func getDashboard(ctx context.Context, d *Deps, a CompanyOnlyArgs) (DashboardView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return DashboardView{}, err
	}
	x, err := d.Client.GetDashboard(ctx, companyID)
	if err != nil {
		return DashboardView{}, err
	}
	v := DashboardView{CompanyID: x.CompanyID, AgentsActive: x.Agents.Active, AgentsRunning: x.Agents.Running, AgentsPaused: x.Agents.Paused,
		AgentsError: x.Agents.Error, TasksOpen: x.Tasks.Open, TasksInProgress: x.Tasks.InProgress, TasksBlocked: x.Tasks.Blocked,
		TasksDone: x.Tasks.Done, MonthSpendCents: x.Costs.MonthSpendCents, MonthBudgetCents: x.Costs.MonthBudgetCents,
		UtilizationPercent: x.Costs.MonthUtilizationPercent, PendingApprovals: x.PendingApprovals, BudgetIncidents: x.Budgets.ActiveIncidents,
		RunDays: append([]client.RunActivityDay{}, x.RunActivity...)}
	for _, day := range x.RunActivity {
		v.RunsSucceeded += day.Succeeded
		v.RunsFailed += day.Failed
	}
	return v, nil
}

func getDashboardMarkdown(_ CompanyOnlyArgs, v DashboardView) string {
	var m md
	m.line("## Dashboard of company `%s`", v.CompanyID)
	m.line("- Agents: %d active · %d running · %d paused · %d in error", v.AgentsActive, v.AgentsRunning, v.AgentsPaused, v.AgentsError)
	m.line("- Tasks: %d open · %d in progress · %d blocked · %d done", v.TasksOpen, v.TasksInProgress, v.TasksBlocked, v.TasksDone)
	m.line("- Spend this month: %s", spendLine(v.MonthSpendCents, v.MonthBudgetCents, v.UtilizationPercent))
	m.line("- Pending approvals: %d · budget incidents: %d", v.PendingApprovals, v.BudgetIncidents)
	if n := len(v.RunDays); n > 0 {
		var failed []string
		for _, day := range v.RunDays {
			if day.Failed > 0 {
				failed = append(failed, fmt.Sprintf("%s (%d)", day.Date, day.Failed))
			}
		}
		m.line("- Runs %s to %s: %d succeeded · %d failed%s", v.RunDays[0].Date, v.RunDays[n-1].Date, v.RunsSucceeded, v.RunsFailed,
			prefixed("; failures on ", strings.Join(failed, ", ")))
	}
	m.blank()
	if v.AgentsError > 0 || v.RunsFailed > 0 {
		m.line("Next: paperclip_diagnose_run agentId=<id> explains a failure; paperclip_get_costs_by_agent shows spend per agent.")
	} else {
		m.line("Next: paperclip_get_costs_by_agent shows spend per agent; paperclip_get_activity what happened lately.")
	}
	return m.String()
}

// getDashboardTool declares paperclip_get_dashboard.
func getDashboardTool() Tool {
	return define(Spec{Name: "paperclip_get_dashboard", Title: "Company dashboard", Toolset: Dashboard,
		Description: "A company at a glance: agents and tasks by status, this month's spend against budget, pending approvals, runs by day.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getDashboard, getDashboardMarkdown)
}

// ---------------------------------------------------------------- activity

// activityCap is the most rows Paperclip's activity route returns.
const activityCap = 500

// ActivityArgs are the arguments of paperclip_get_activity.
type ActivityArgs struct {
	CompanyArg
	AgentID    string `json:"agentId,omitempty" jsonschema:"format=uuid"`
	EntityType string `json:"entityType,omitempty" jsonschema:"maxLength=64,description=e.g. issue\\, agent\\, approval"`
	EntityID   string `json:"entityId,omitempty" jsonschema:"maxLength=200"`
	Paging
	Format
}

// ActivityView is one row of the activity log.
type ActivityView struct {
	ID         string `json:"id"`
	CreatedAt  string `json:"createdAt"`
	Action     string `json:"action"`
	Actor      string `json:"actor" jsonschema:"description=actorType:actorId"`
	EntityType string `json:"entityType"`
	EntityID   string `json:"entityId"`
	RunID      string `json:"runId,omitempty"`
	Details    string `json:"details,omitempty" jsonschema:"description=The row's details as JSON text (clipped)"`
}

func activityView(a *client.Activity) ActivityView {
	v := ActivityView{ID: a.ID, CreatedAt: a.CreatedAt, Action: a.Action, Actor: a.ActorType + ":" + a.ActorID,
		EntityType: a.EntityType, EntityID: a.EntityID, RunID: str(a.RunID)}
	if len(a.Details) > 0 {
		v.Details = clip(jsonText(a.Details), 300)
	}
	return v
}

func getActivity(ctx context.Context, d *Deps, a ActivityArgs) (Page[ActivityView], error) {
	page := Page[ActivityView]{Items: []ActivityView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	if a.Offset >= activityCap {
		page.Note = fmt.Sprintf("Paperclip serves only the %d newest activity rows: nothing is reachable from offset %d. Narrow with agentId, entityType or entityId.", activityCap, a.Offset)
		return page, nil
	}
	want := min(a.Offset+a.Limit+1, activityCap)
	rows, err := d.Client.ListActivity(ctx, companyID, client.ActivityFilter{AgentID: a.AgentID, EntityType: a.EntityType, EntityID: a.EntityID, Limit: want})
	if err != nil {
		return page, err
	}
	if len(rows) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	exact := len(rows) < want
	page = pageFrom(rows, a.Offset, a.Limit, exact, activityView)
	if !exact && !page.HasMore {
		page.Note = fmt.Sprintf("Paperclip serves only the %d newest activity rows; older ones are not reachable. Narrow with agentId, entityType or entityId.", activityCap)
	}
	return page, nil
}

func getActivityMarkdown(_ ActivityArgs, p Page[ActivityView]) string {
	var m md
	total := ""
	if p.Total != nil {
		total = fmt.Sprintf(" (%d in all)", *p.Total)
	}
	m.line("## Activity, newest first: %d shown from offset %d%s", p.Count, p.Offset, total)
	if p.Count == 0 {
		m.line("No activity.")
	}
	for _, r := range p.Items {
		m.line("- %s **%s** %s `%s` by %s%s%s", shortTime(r.CreatedAt), r.Action, r.EntityType, r.EntityID, r.Actor,
			wrapped(" · run `", r.RunID, "`"), prefixed(" · ", r.Details))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_get_activity", ", and the same filters")
	return m.String()
}

// getActivityTool declares paperclip_get_activity.
func getActivityTool() Tool {
	return define(Spec{Name: "paperclip_get_activity", Title: "Activity log", Toolset: Dashboard,
		Description: "A company's activity log, newest first: who did what to which entity, from which run (the 500 newest rows).",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getActivity, getActivityMarkdown)
}

// ---------------------------------------------------------------- costs

// CostWindowArgs are the arguments of the cost reads.
type CostWindowArgs struct {
	CompanyArg
	From string `json:"from,omitempty" jsonschema:"maxLength=40,description=ISO time or date; default this month"`
	To   string `json:"to,omitempty" jsonschema:"maxLength=40"`
	Format
}

func (a CostWindowArgs) window() (from, to string, err error) {
	if from, err = zTime("from", a.From); err != nil {
		return
	}
	to, err = zTime("to", a.To)
	return
}

// CostSummaryView is spend against budget.
type CostSummaryView struct {
	CompanyID          string  `json:"companyId"`
	From               string  `json:"from,omitempty"`
	To                 string  `json:"to,omitempty"`
	SpendCents         int64   `json:"spendCents"`
	BudgetCents        int64   `json:"budgetCents"`
	UtilizationPercent float64 `json:"utilizationPercent"`
}

func getCostSummary(ctx context.Context, d *Deps, a CostWindowArgs) (CostSummaryView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return CostSummaryView{}, err
	}
	from, to, err := a.window()
	if err != nil {
		return CostSummaryView{}, err
	}
	s, err := d.Client.CostSummary(ctx, companyID, from, to)
	if err != nil {
		return CostSummaryView{}, err
	}
	return CostSummaryView{CompanyID: s.CompanyID, From: from, To: to, SpendCents: s.SpendCents, BudgetCents: s.BudgetCents, UtilizationPercent: s.UtilizationPercent}, nil
}

func windowText(from, to string) string {
	switch {
	case from == "" && to == "":
		return "this month"
	case to == "":
		return "since " + shortTime(from)
	case from == "":
		return "until " + shortTime(to)
	}
	return shortTime(from) + " to " + shortTime(to)
}

func getCostSummaryMarkdown(_ CostWindowArgs, s CostSummaryView) string {
	var m md
	m.line("## Spend of company `%s`, %s", s.CompanyID, windowText(s.From, s.To))
	m.line("%s", spendLine(s.SpendCents, s.BudgetCents, s.UtilizationPercent))
	m.blank()
	m.line("Next: paperclip_get_costs_by_agent or paperclip_get_costs_by_project for who spent it.")
	return m.String()
}

// getCostSummaryTool declares paperclip_get_cost_summary.
func getCostSummaryTool() Tool {
	return define(Spec{Name: "paperclip_get_cost_summary", Title: "Cost summary", Toolset: Dashboard,
		Description: "A company's spend against its monthly budget, in cents, over a window.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getCostSummary, getCostSummaryMarkdown)
}

// CostRowView is one agent's or project's spend.
type CostRowView struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Status       string `json:"status,omitempty"`
	CostCents    int64  `json:"costCents"`
	InputTokens  int64  `json:"inputTokens"`
	CachedTokens int64  `json:"cachedInputTokens"`
	OutputTokens int64  `json:"outputTokens"`
}

// CostTable is spend by agent or by project, with totals.
type CostTable struct {
	CompanyID    string        `json:"companyId"`
	From         string        `json:"from,omitempty"`
	To           string        `json:"to,omitempty"`
	Items        []CostRowView `json:"items"`
	TotalCents   int64         `json:"totalCents"`
	InputTokens  int64         `json:"inputTokens"`
	OutputTokens int64         `json:"outputTokens"`
}

func costTable(ctx context.Context, d *Deps, a CostWindowArgs, byAgent bool) (CostTable, error) {
	t := CostTable{Items: []CostRowView{}}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return t, err
	}
	from, to, err := a.window()
	if err != nil {
		return t, err
	}
	t.CompanyID, t.From, t.To = companyID, from, to
	var rows []client.CostRow
	if byAgent {
		rows, err = d.Client.CostsByAgent(ctx, companyID, from, to)
	} else {
		rows, err = d.Client.CostsByProject(ctx, companyID, from, to)
	}
	if err != nil {
		return t, err
	}
	if len(rows) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return t, err
		}
	}
	for _, r := range rows {
		v := CostRowView{ID: r.ProjectID, Name: r.ProjectName, CostCents: r.CostCents, InputTokens: r.InputTokens,
			CachedTokens: r.CachedInputTokens, OutputTokens: r.OutputTokens}
		if byAgent {
			v.ID, v.Name, v.Status = r.AgentID, r.AgentName, r.AgentStatus
		}
		t.Items = append(t.Items, v)
		t.TotalCents += r.CostCents
		t.InputTokens += r.InputTokens
		t.OutputTokens += r.OutputTokens
	}
	return t, nil
}

func costTableMarkdown(t CostTable, what string) string {
	var m md
	m.line("## Spend by %s of company `%s`, %s", what, t.CompanyID, windowText(t.From, t.To))
	if len(t.Items) == 0 {
		m.line("No costs reported in this window.")
		m.blank()
		m.line("Next: paperclip_report_cost_event records one.")
		return m.String()
	}
	m.line("| %s | id | cost | input tokens | output tokens |", strings.ToUpper(what[:1])+what[1:])
	m.line("|---|---|---:|---:|---:|")
	for _, r := range t.Items {
		m.line("| %s%s | `%s` | %s | %d | %d |", strings.ReplaceAll(orDash(r.Name), "|", "/"), wrapped(" (", r.Status, ")"),
			r.ID, dollars(r.CostCents), r.InputTokens, r.OutputTokens)
	}
	m.line("| **Total** | | **%s** | %d | %d |", dollars(t.TotalCents), t.InputTokens, t.OutputTokens)
	return m.String()
}

func getCostsByAgent(ctx context.Context, d *Deps, a CostWindowArgs) (CostTable, error) {
	return costTable(ctx, d, a, true)
}

func getCostsByAgentMarkdown(_ CostWindowArgs, t CostTable) string {
	return costTableMarkdown(t, "agent")
}

// getCostsByAgentTool declares paperclip_get_costs_by_agent.
func getCostsByAgentTool() Tool {
	return define(Spec{Name: "paperclip_get_costs_by_agent", Title: "Costs by agent", Toolset: Dashboard,
		Description: "Spend and tokens per agent over a window, with totals: who is spending the budget.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getCostsByAgent, getCostsByAgentMarkdown)
}

func getCostsByProject(ctx context.Context, d *Deps, a CostWindowArgs) (CostTable, error) {
	return costTable(ctx, d, a, false)
}

func getCostsByProjectMarkdown(_ CostWindowArgs, t CostTable) string {
	return costTableMarkdown(t, "project")
}

// getCostsByProjectTool declares paperclip_get_costs_by_project.
func getCostsByProjectTool() Tool {
	return define(Spec{Name: "paperclip_get_costs_by_project", Title: "Costs by project", Toolset: Dashboard,
		Description: "Spend and tokens per project over a window, with totals (only costs reported with a projectId).",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getCostsByProject, getCostsByProjectMarkdown)
}

// ---------------------------------------------------------------- report a cost

// ReportCostArgs are the arguments of paperclip_report_cost_event.
type ReportCostArgs struct {
	CompanyArg
	AgentID      string `json:"agentId,omitempty" jsonschema:"format=uuid,description=Defaults to PAPERCLIP_AGENT_ID (an agent reports only its own)"`
	Provider     string `json:"provider" jsonschema:"minLength=1,maxLength=100"`
	Model        string `json:"model" jsonschema:"minLength=1,maxLength=200"`
	InputTokens  int64  `json:"inputTokens,omitempty" jsonschema:"minimum=0"`
	OutputTokens int64  `json:"outputTokens,omitempty" jsonschema:"minimum=0"`
	CostCents    int64  `json:"costCents" jsonschema:"minimum=0,description=Whole cents"`
	OccurredAt   string `json:"occurredAt" jsonschema:"minLength=1,maxLength=40,description=ISO time (any offset)"`
	ProjectID    string `json:"projectId,omitempty" jsonschema:"format=uuid"`
}

// ReportedCostView is a stored cost event.
type ReportedCostView struct {
	ID           string `json:"id"`
	AgentID      string `json:"agentId"`
	Provider     string `json:"provider"`
	Model        string `json:"model"`
	InputTokens  int64  `json:"inputTokens"`
	OutputTokens int64  `json:"outputTokens"`
	CostCents    int64  `json:"costCents"`
	OccurredAt   string `json:"occurredAt"`
	ProjectID    string `json:"projectId,omitempty"`
}

func reportCostEvent(ctx context.Context, d *Deps, a ReportCostArgs) (ReportedCostView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return ReportedCostView{}, err
	}
	agentID, err := d.agent(a.AgentID, true)
	if err != nil {
		return ReportedCostView{}, err
	}
	at, err := zTime("occurredAt", a.OccurredAt)
	if err != nil {
		return ReportedCostView{}, err
	}
	r, err := d.Client.ReportCostEvent(ctx, companyID, client.CostEvent{AgentID: agentID, Provider: a.Provider, Model: a.Model,
		InputTokens: a.InputTokens, OutputTokens: a.OutputTokens, CostCents: a.CostCents, OccurredAt: at, ProjectID: a.ProjectID})
	if err != nil {
		return ReportedCostView{}, err
	}
	return ReportedCostView{ID: r.ID, AgentID: r.AgentID, Provider: r.Provider, Model: r.Model, InputTokens: r.InputTokens,
		OutputTokens: r.OutputTokens, CostCents: r.CostCents, OccurredAt: r.OccurredAt, ProjectID: r.ProjectID}, nil
}

func reportCostEventMarkdown(_ ReportCostArgs, r ReportedCostView) string {
	var m md
	m.line("## Recorded cost `%s`: %s for agent `%s`", r.ID, dollars(r.CostCents), r.AgentID)
	m.line("- %s %s · %d input, %d output tokens · at %s%s", r.Provider, r.Model, r.InputTokens, r.OutputTokens, r.OccurredAt, wrapped(" · project `", r.ProjectID, "`"))
	m.blank()
	m.line("Next: paperclip_get_cost_summary shows the spend against budget.")
	return m.String()
}

// reportCostEventTool declares paperclip_report_cost_event.
func reportCostEventTool() Tool {
	return define(Spec{Name: "paperclip_report_cost_event", Title: "Report a cost event", Toolset: Dashboard,
		Description: "Record what an agent spent on a model call (whole cents); it counts against the budgets.",
		Access:      Write, NotFound: "Check companyId and agentId. " + findAgent},
		reportCostEvent, reportCostEventMarkdown)
}

func dashboardTools() []Tool {
	return []Tool{getDashboardTool(), getActivityTool(), getCostSummaryTool(), getCostsByAgentTool(), getCostsByProjectTool(), reportCostEventTool()}
}
