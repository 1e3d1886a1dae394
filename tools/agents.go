package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findAgent = "Find agent ids with paperclip_list_agents."

// AgentSummary is one agent in a list.
type AgentSummary struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Role            string `json:"role"`
	Title           string `json:"title,omitempty"`
	Status          string `json:"status" jsonschema:"description=active\\, idle\\, running\\, paused\\, error\\, pending_approval or terminated"`
	AdapterType     string `json:"adapterType"`
	ReportsTo       string `json:"reportsTo,omitempty"`
	ErrorReason     string `json:"errorReason,omitempty" jsonschema:"description=Why the agent is in error (its last run's error)"`
	PauseReason     string `json:"pauseReason,omitempty"`
	LastHeartbeatAt string `json:"lastHeartbeatAt,omitempty"`
}

func agentSummary(a *client.Agent) AgentSummary {
	return AgentSummary{ID: a.ID, Name: a.Name, Role: a.Role, Title: str(a.Title), Status: a.Status, AdapterType: a.AdapterType,
		ReportsTo: str(a.ReportsTo), ErrorReason: str(a.ErrorReason), PauseReason: str(a.PauseReason), LastHeartbeatAt: str(a.LastHeartbeatAt)}
}

func agentLine(a AgentSummary) string {
	parts := []string{fmt.Sprintf("**%s** `%s`", a.Name, a.ID), a.Status, a.Role}
	if a.Title != "" {
		parts = append(parts, oneLine(a.Title, 60))
	}
	parts = append(parts, "adapter "+a.AdapterType)
	if a.LastHeartbeatAt != "" {
		parts = append(parts, "last run "+shortTime(a.LastHeartbeatAt))
	}
	if a.ErrorReason != "" {
		parts = append(parts, "error: "+oneLine(a.ErrorReason, 120))
	}
	if a.PauseReason != "" {
		parts = append(parts, "paused: "+oneLine(a.PauseReason, 80))
	}
	return "- " + strings.Join(parts, " · ")
}

// ListAgentsArgs are the arguments of paperclip_list_agents.
type ListAgentsArgs struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company id; defaults to PAPERCLIP_COMPANY_ID"`
	Limit     int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=50,description=Page size"`
	Offset    int    `json:"offset,omitempty" jsonschema:"minimum=0,default=0,description=How many agents to skip"`
	Format
}

func listAgents(ctx context.Context, d *Deps, a ListAgentsArgs) (Page[AgentSummary], error) {
	page := Page[AgentSummary]{Items: []AgentSummary{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListAgents(ctx, companyID)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(all, a.Offset, a.Limit, true, agentSummary), nil
}

func listAgentsMarkdown(_ ListAgentsArgs, p Page[AgentSummary]) string {
	var m md
	m.line("## Agents: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No agents.")
	}
	for _, a := range p.Items {
		m.line("%s", agentLine(a))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_agents", "")
	m.line("Next: paperclip_diagnose_run agentId=<id> explains an agent's latest failed run.")
	return m.String()
}

// listAgentsTool declares paperclip_list_agents.
func listAgentsTool() Tool {
	return define(Spec{Name: "paperclip_list_agents", Title: "List agents", Toolset: Agents,
		Description: "List a company's agents with their status (idle, running, paused, error, ...), role, adapter, last run, and why an agent is in error or paused, " +
			"as {items,total,count,offset,limit,has_more,next_offset}. Paperclip returns every agent at once (the route takes no paging parameters), so total is exact. " +
			"Use it to turn a name into an agentId.",
		Access: Read, NotFound: "Check companyId."},
		listAgents, listAgentsMarkdown)
}

// AgentArgs identify one agent.
type AgentArgs struct {
	AgentID string `json:"agentId" jsonschema:"format=uuid,description=Agent id (from paperclip_list_agents)"`
	Format
}

// AgentDetail is one agent.
type AgentDetail struct {
	AgentSummary
	CompanyID          string `json:"companyId"`
	URLKey             string `json:"urlKey,omitempty"`
	Capabilities       string `json:"capabilities,omitempty"`
	PausedAt           string `json:"pausedAt,omitempty"`
	BudgetMonthlyCents int64  `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64  `json:"spentMonthlyCents"`
	CreatedAt          string `json:"createdAt"`
}

func getAgent(ctx context.Context, d *Deps, a AgentArgs) (AgentDetail, error) {
	ag, err := d.Client.GetAgent(ctx, a.AgentID)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func agentDetail(ag *client.Agent) AgentDetail {
	return AgentDetail{AgentSummary: agentSummary(ag), CompanyID: ag.CompanyID, URLKey: ag.URLKey, Capabilities: str(ag.Capabilities),
		PausedAt: str(ag.PausedAt), BudgetMonthlyCents: ag.BudgetMonthlyCents, SpentMonthlyCents: ag.SpentMonthlyCents, CreatedAt: ag.CreatedAt}
}

func getAgentMarkdown(_ AgentArgs, a AgentDetail) string {
	var m md
	m.line("## Agent %s (`%s`): %s", a.Name, a.ID, a.Status)
	m.line("- %s%s · adapter %s · company `%s`", a.Role, prefixed(" · ", a.Title), a.AdapterType, a.CompanyID)
	if a.ReportsTo != "" {
		m.line("- reports to `%s`", a.ReportsTo)
	}
	m.line("- created %s · last run %s", shortTime(a.CreatedAt), shortTime(a.LastHeartbeatAt))
	if a.ErrorReason != "" {
		m.line("- error: %s", oneLine(a.ErrorReason, 300))
	}
	if a.PauseReason != "" || a.PausedAt != "" {
		m.line("- paused %s%s", shortTime(a.PausedAt), prefixed(": ", oneLine(a.PauseReason, 200)))
	}
	if a.BudgetMonthlyCents > 0 {
		m.line("- budget: %d of %d cents spent this month", a.SpentMonthlyCents, a.BudgetMonthlyCents)
	}
	m.blank()
	m.line("Next: paperclip_list_heartbeat_runs agentId=%s lists its runs; paperclip_diagnose_run agentId=%s explains its latest failure.", a.ID, a.ID)
	return m.String()
}

// getAgentTool declares paperclip_get_agent.
func getAgentTool() Tool {
	return define(Spec{Name: "paperclip_get_agent", Title: "Get an agent", Toolset: Agents,
		Description: "One agent: status, role, adapter, reporting line, last run, error or pause reason, budget. " +
			"Its adapter configuration is not shown (it may hold secrets). Then paperclip_diagnose_run agentId=… for its latest failure.",
		Access: Read, NotFound: findAgent},
		getAgent, getAgentMarkdown)
}

// WakeupArgs are the arguments of paperclip_wakeup_agent.
type WakeupArgs struct {
	AgentID           string         `json:"agentId,omitempty" jsonschema:"format=uuid,description=Agent to wake; defaults to PAPERCLIP_AGENT_ID (an agent key may only wake itself)"`
	Source            string         `json:"source,omitempty" jsonschema:"enum=timer,enum=assignment,enum=on_demand,enum=automation,default=on_demand"`
	TriggerDetail     string         `json:"triggerDetail,omitempty" jsonschema:"enum=manual,enum=ping,enum=callback,enum=system,default=manual"`
	Reason            string         `json:"reason,omitempty" jsonschema:"maxLength=2000,description=Why the agent is woken; the run shows it as its wake reason"`
	Payload           map[string]any `json:"payload,omitempty" jsonschema:"description=Free-form JSON object handed to the run"`
	IdempotencyKey    string         `json:"idempotencyKey,omitempty" jsonschema:"maxLength=200,description=Repeat calls with the same key wake the agent once"`
	ForceFreshSession bool           `json:"forceFreshSession,omitempty" jsonschema:"default=false,description=Start a new adapter session instead of resuming"`
}

// WakeupResult says whether a run was queued, and which.
type WakeupResult struct {
	Queued  bool       `json:"queued"`
	Run     *RunDetail `json:"run,omitempty"`
	Status  string     `json:"status"`
	Reason  string     `json:"reason,omitempty" jsonschema:"description=Why Paperclip skipped the wakeup"`
	Message string     `json:"message"`
}

func wakeup(ctx context.Context, d *Deps, a WakeupArgs) (WakeupResult, error) {
	agentID, err := d.agent(a.AgentID, true)
	if err != nil {
		return WakeupResult{}, err
	}
	res, err := d.Client.WakeupAgent(ctx, agentID, client.WakeupRequest{
		Source: a.Source, TriggerDetail: a.TriggerDetail, Reason: a.Reason, Payload: a.Payload,
		IdempotencyKey: a.IdempotencyKey, ForceFreshSession: a.ForceFreshSession,
	})
	if err != nil {
		return WakeupResult{}, err
	}
	return wakeupResult(res), nil
}

// wakeupResult says what a wake answer means.
func wakeupResult(res *client.WakeupResult) WakeupResult {
	if res.Run == nil {
		msg := "Paperclip skipped the wakeup"
		if res.Reason != "" {
			msg += " (" + res.Reason + ")"
		}
		if res.Message != "" {
			msg += ": " + res.Message
		}
		return WakeupResult{Status: orDash(res.Status), Reason: res.Reason, Message: msg + "."}
	}
	run := detail(res.Run)
	return WakeupResult{Queued: true, Run: &run, Status: run.Status,
		Message: fmt.Sprintf("Run %s is %s. Follow it with paperclip_list_run_events runId=%s, or paperclip_get_heartbeat_run once it finishes.", run.ID, run.Status, run.ID)}
}

func wakeupMarkdown(_ WakeupArgs, w WakeupResult) string {
	var m md
	m.line("%s", w.Message)
	if w.Run != nil {
		m.line("%s", runLine(w.Run.RunSummary))
	}
	return m.String()
}

// wakeupAgentTool declares paperclip_wakeup_agent.
func wakeupAgentTool() Tool {
	return define(Spec{Name: "paperclip_wakeup_agent", Title: "Wake an agent", Toolset: Agents,
		Description: "Ask Paperclip to start a heartbeat run of an agent now. Returns the queued run, or why Paperclip skipped it (e.g. the agent is paused). " +
			"An agent key or run JWT may only wake its own agent. Follow the run with paperclip_list_run_events.",
		Access: Write, OpenWorld: true, NotFound: "Check agentId: " + findAgent},
		wakeup, wakeupMarkdown)
}

// OrgChart is a company's org chart, flattened in tree order.
type OrgChart struct {
	CompanyID string       `json:"companyId"`
	Agents    []OrgChartAt `json:"agents"`
}

// OrgChartAt is one agent of the chart, at its depth under the top.
type OrgChartAt struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Status    string `json:"status"`
	Depth     int    `json:"depth"`
	ReportsTo string `json:"reportsTo,omitempty"`
}

func getOrgChart(ctx context.Context, d *Deps, a CompanyOnlyArgs) (OrgChart, error) {
	chart := OrgChart{Agents: []OrgChartAt{}}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return chart, err
	}
	chart.CompanyID = companyID
	roots, err := d.Client.GetOrgChart(ctx, companyID)
	if err != nil {
		return chart, err
	}
	var walk func(n []client.OrgNode, depth int, boss string)
	walk = func(n []client.OrgNode, depth int, boss string) {
		for _, x := range n {
			if len(chart.Agents) >= 2000 || depth > 50 {
				return
			}
			chart.Agents = append(chart.Agents, OrgChartAt{ID: x.ID, Name: x.Name, Role: x.Role, Status: x.Status, Depth: depth, ReportsTo: boss})
			walk(x.Reports, depth+1, x.ID)
		}
	}
	walk(roots, 0, "")
	if len(chart.Agents) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return chart, err
		}
	}
	return chart, nil
}

func getOrgChartMarkdown(_ CompanyOnlyArgs, c OrgChart) string {
	var m md
	m.line("## Org chart of company `%s` (%d agents)", c.CompanyID, len(c.Agents))
	if len(c.Agents) == 0 {
		m.line("No agents.")
	}
	for _, a := range c.Agents {
		m.line("%s- **%s** (%s) · %s · `%s`", strings.Repeat("  ", a.Depth), a.Name, a.Role, a.Status, a.ID)
	}
	if len(c.Agents) > 0 {
		m.blank()
		m.line("Next: paperclip_get_agent shows one agent; paperclip_wakeup_agent starts a run.")
	} else {
		m.line("Next: paperclip_create_agent (agent_admin toolset) hires one.")
	}
	return m.String()
}

// getOrgChartTool declares paperclip_get_org_chart.
func getOrgChartTool() Tool {
	return define(Spec{Name: "paperclip_get_org_chart", Title: "Org chart", Toolset: Agents,
		Description: "Who reports to whom: the company's agents as a tree with role and status.",
		Access:      Read, NotFound: "Check companyId."},
		getOrgChart, getOrgChartMarkdown)
}

func agentTools() []Tool {
	return []Tool{listAgentsTool(), getAgentTool(), getOrgChartTool(), wakeupAgentTool()}
}
