package tools

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// issueIDPattern is what an issueId argument may be: a UUID or an
// identifier such as ABC-12 (Paperclip resolves both, case-insensitively).
// Struct tags cannot use it, so every issueId tag spells it out;
// TestIssueIDPatternEverywhere keeps them equal.
const issueIDPattern = `^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$`

const issueNotFound = "Find issues with paperclip_list_issues (an agent's own work: paperclip_get_inbox); an issue id is a UUID or an identifier like ABC-12."

// issueStatuses are the statuses Paperclip's validator accepts.
var issueStatuses = []string{"backlog", "todo", "in_progress", "in_review", "done", "blocked", "cancelled"}

// defaultCheckoutStatuses is what checkout expects when the caller says
// nothing (Paperclip requires the list; these are its own skill's choice).
var defaultCheckoutStatuses = []string{"todo", "backlog", "blocked", "in_review"}

// The goalId filter is applied here (Paperclip's list ignores it): the
// matching issues are read in pages of goalScanPage, at most goalScanMax.
const (
	goalScanPage = 500
	goalScanMax  = 2000
)

// descriptionMax bounds the description a result carries (the whole text
// result is cut at 25,000 characters).
const descriptionMax = 12000

// ---------------------------------------------------------------- views

// IssueSummary is one issue in a list.
type IssueSummary struct {
	ID              string `json:"id"`
	Identifier      string `json:"identifier,omitempty"`
	Title           string `json:"title"`
	Status          string `json:"status"`
	Priority        string `json:"priority"`
	AssigneeAgentID string `json:"assigneeAgentId,omitempty"`
	AssigneeUserID  string `json:"assigneeUserId,omitempty"`
	ProjectID       string `json:"projectId,omitempty"`
	GoalID          string `json:"goalId,omitempty"`
	ParentID        string `json:"parentId,omitempty"`
	UpdatedAt       string `json:"updatedAt"`
}

// IssueBrief is another issue as a relation or an ancestor.
type IssueBrief struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier,omitempty"`
	Title      string `json:"title"`
	Status     string `json:"status"`
}

// IssueDetail is one issue.
type IssueDetail struct {
	IssueSummary
	CompanyID          string       `json:"companyId"`
	Description        string       `json:"description,omitempty"`
	DescriptionClipped bool         `json:"descriptionClipped,omitempty"`
	BillingCode        string       `json:"billingCode,omitempty"`
	Labels             []string     `json:"labels"`
	LabelIDs           []string     `json:"labelIds"`
	CheckoutRunID      string       `json:"checkoutRunId,omitempty"`
	ExecutionRunID     string       `json:"executionRunId,omitempty"`
	ExecutionLockedAt  string       `json:"executionLockedAt,omitempty"`
	BlockedBy          []IssueBrief `json:"blockedBy,omitempty"`
	Blocks             []IssueBrief `json:"blocks,omitempty"`
	Ancestors          []IssueBrief `json:"ancestors,omitempty"`
	CreatedAt          string       `json:"createdAt"`
	StartedAt          string       `json:"startedAt,omitempty"`
	CompletedAt        string       `json:"completedAt,omitempty"`
	CancelledAt        string       `json:"cancelledAt,omitempty"`
}

func issueSummary(i *client.Issue) IssueSummary {
	return IssueSummary{ID: i.ID, Identifier: str(i.Identifier), Title: i.Title, Status: i.Status, Priority: i.Priority,
		AssigneeAgentID: str(i.AssigneeAgentID), AssigneeUserID: str(i.AssigneeUserID), ProjectID: str(i.ProjectID),
		GoalID: str(i.GoalID), ParentID: str(i.ParentID), UpdatedAt: i.UpdatedAt}
}

func issueBriefs(links []client.IssueLink) []IssueBrief {
	if len(links) == 0 {
		return nil
	}
	out := make([]IssueBrief, 0, len(links))
	for _, l := range links {
		out = append(out, IssueBrief{ID: l.ID, Identifier: str(l.Identifier), Title: oneLine(l.Title, 120), Status: l.Status})
	}
	return out
}

func issueDetail(i *client.Issue) IssueDetail {
	desc := str(i.Description)
	out := IssueDetail{IssueSummary: issueSummary(i), CompanyID: i.CompanyID, Description: clip(desc, descriptionMax),
		DescriptionClipped: len([]rune(desc)) > descriptionMax, BillingCode: str(i.BillingCode),
		Labels: []string{}, LabelIDs: append([]string{}, i.LabelIDs...),
		CheckoutRunID: str(i.CheckoutRunID), ExecutionRunID: str(i.ExecutionRunID), ExecutionLockedAt: str(i.ExecutionLockedAt),
		BlockedBy: issueBriefs(i.BlockedBy), Blocks: issueBriefs(i.Blocks), Ancestors: issueBriefs(i.Ancestors),
		CreatedAt: i.CreatedAt, StartedAt: str(i.StartedAt), CompletedAt: str(i.CompletedAt), CancelledAt: str(i.CancelledAt)}
	for _, l := range i.Labels {
		out.Labels = append(out.Labels, l.Name)
	}
	return out
}

// name is an issue as the markdown names it: its identifier, else its id.
func (s IssueSummary) name() string { return issueName(s.ID, s.Identifier) }

func assigneeText(agentID, userID string) string {
	switch {
	case agentID != "":
		return "agent `" + agentID + "`"
	case userID != "":
		return "user `" + userID + "`"
	}
	return "unassigned"
}

func issueLine(s IssueSummary) string {
	parts := []string{fmt.Sprintf("**%s** `%s`", orDash(s.Identifier), s.ID), s.Status, s.Priority,
		assigneeText(s.AssigneeAgentID, s.AssigneeUserID), oneLine(s.Title, 120)}
	return "- " + strings.Join(parts, " · ")
}

func briefsText(bs []IssueBrief) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		parts = append(parts, fmt.Sprintf("%s %s (%s)", issueName(b.ID, b.Identifier), oneLine(b.Title, 60), b.Status))
	}
	return strings.Join(parts, "; ")
}

// detailLines writes the fields of an issue below its heading.
func detailLines(m *md, i IssueDetail) {
	m.line("- %s · priority %s · %s · company `%s`", i.Status, i.Priority, assigneeText(i.AssigneeAgentID, i.AssigneeUserID), i.CompanyID)
	var refs []string
	for _, r := range [][2]string{{"project", i.ProjectID}, {"goal", i.GoalID}, {"parent", i.ParentID}} {
		if r[1] != "" {
			refs = append(refs, fmt.Sprintf("%s `%s`", r[0], r[1]))
		}
	}
	if len(i.Labels) > 0 {
		refs = append(refs, "labels "+strings.Join(i.Labels, ", "))
	}
	if i.BillingCode != "" {
		refs = append(refs, "billing code "+i.BillingCode)
	}
	if len(refs) > 0 {
		m.line("- %s", strings.Join(refs, " · "))
	}
	if i.CheckoutRunID != "" || i.ExecutionRunID != "" {
		m.line("- run lock: checkout run `%s` · execution run `%s`%s", orDash(i.CheckoutRunID), orDash(i.ExecutionRunID), lockedSince(i.ExecutionLockedAt))
	}
	if len(i.Ancestors) > 0 {
		m.line("- ancestors: %s", briefsText(i.Ancestors))
	}
	if len(i.BlockedBy) > 0 {
		m.line("- blocked by: %s", briefsText(i.BlockedBy))
	}
	if len(i.Blocks) > 0 {
		m.line("- blocks: %s", briefsText(i.Blocks))
	}
	times := "created " + shortTime(i.CreatedAt) + " · updated " + shortTime(i.UpdatedAt)
	if i.StartedAt != "" {
		times += " · started " + shortTime(i.StartedAt)
	}
	if i.CompletedAt != "" {
		times += " · completed " + shortTime(i.CompletedAt)
	}
	if i.CancelledAt != "" {
		times += " · cancelled " + shortTime(i.CancelledAt)
	}
	m.line("- %s", times)
}

func lockedSince(ts string) string {
	if ts == "" {
		return ""
	}
	return " since " + shortTime(ts)
}

func descriptionBlock(m *md, desc string, clipped bool) {
	if desc == "" {
		return
	}
	m.blank()
	m.line("%s", desc)
	if clipped {
		m.line("[description cut at %d characters]", descriptionMax)
	}
}

// ---------------------------------------------------------------- errors

// issueActionErr turns the answers Paperclip gives to checkout, release and
// update into what happened and what to do; other errors pass through.
// issueID is what the caller named; agentID is the agent acting (checkout).
func issueActionErr(err error, verb, issueID, agentID string, expected []string) error {
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		return err
	}
	det, _ := apiErr.Details.(map[string]any)
	ds := func(k string) string { s, _ := det[k].(string); return s }
	status, holder, checkoutRun, execRun, actorRun := ds("status"), ds("assigneeAgentId"), ds("checkoutRunId"), ds("executionRunId"), ds("actorRunId")
	state := fmt.Sprintf("%s is %s, %s, checkout run %s, execution run %s", issueID, orDash(status), assigneeText(holder, ""), orNone(checkoutRun), orNone(execRun))
	switch {
	case apiErr.Status == 401 && apiErr.Message == "Agent run id required":
		return inputErrorf("Paperclip refused (401 Agent run id required): an agent may %s this issue only from a live heartbeat run, named in the X-Paperclip-Run-Id header. "+
			"Set PAPERCLIP_RUN_ID to the agent's current run id (Paperclip sets it inside a run); outside a run, wake the agent with paperclip_wakeup_agent, or use a board key. Nothing changed.", verb)
	case apiErr.Status == 403 && ds("code") != "" && ds("sanctionedPath") != "":
		// An issue write denial: Paperclip's message says who may act and
		// what to do, which the generic 403 text would hide.
		hint := ""
		if ds("code") == "cross_issue_influence_run_context_required" {
			hint = " Here: PAPERCLIP_RUN_ID must be a run of this agent that Paperclip started for an issue (an assignment or a comment wakes the assignee with it); a run woken without an issue, or none, cannot write to issues."
		}
		return inputErrorf("Paperclip refused (403 %s).%s Nothing changed.", apiErr.Message, hint)
	case apiErr.Status != 409:
		return err
	case apiErr.Message == "Issue checkout conflict":
		switch {
		case holder != "" && holder != agentID:
			return inputErrorf("Checkout refused (409 Issue checkout conflict): %s. Another agent holds it: do not work on it. "+
				"Pick another issue (paperclip_list_issues status=todo), or comment on it (paperclip_add_comment) to reach its assignee; if that agent is stuck, a board user can force-release it.", state)
		case status != "" && !slices.Contains(expected, status):
			return inputErrorf("Checkout refused (409 Issue checkout conflict): %s, which is not among expectedStatuses [%s]. "+
				"To take it anyway, call paperclip_checkout_issue again with expectedStatuses including %q (a done or cancelled issue is better reopened first: paperclip_update_issue status=todo).",
				state, strings.Join(expected, ","), status)
		case holder != "":
			return inputErrorf("Checkout refused (409 Issue checkout conflict): %s. This agent already holds it through another run that is still live: only that run may work on it. "+
				"Let it finish (paperclip_get_heartbeat_run runId=%s) or cancel it (paperclip_cancel_heartbeat_run), then check out again.", state, orDash(firstNonEmptyStr(checkoutRun, execRun)))
		default:
			return inputErrorf("Checkout refused (409 Issue checkout conflict): %s. A run holds its execution lock: wait for that run to finish (paperclip_get_heartbeat_run runId=%s), then call again; a board user can force-release it.",
				state, orDash(execRun))
		}
	case apiErr.Message == "Only assignee can release issue":
		return inputErrorf("Release refused (409 Only assignee can release issue): only the agent %s is assigned to can release it, and this key's agent is not. "+
			"Leave it, or comment on it (paperclip_add_comment); a board user can force-release it.", issueID)
	case apiErr.Message == "Only checkout run can release issue":
		return inputErrorf("Release refused (409 Only checkout run can release issue): %s. The run that checked it out is still live, and only that run may release it: "+
			"call from that run (its PAPERCLIP_RUN_ID), or wait for it to finish.", state)
	case apiErr.Message == "Issue run ownership conflict":
		return inputErrorf("Refused (409 Issue run ownership conflict): %s; the run id sent is %s. This agent holds the issue, but Paperclip ties the work to the live run that checked it out, and the run id sent is not it "+
			"(or that run has ended). From the agent's current live run (PAPERCLIP_RUN_ID), call paperclip_checkout_issue with expectedStatuses including \"in_progress\" to take it over, then %s; a board user can force-release it.",
			state, orNone(actorRun), verb)
	}
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return "`" + s + "`"
}

func firstNonEmptyStr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ---------------------------------------------------------------- list

// ListIssuesArgs are the arguments of paperclip_list_issues.
type ListIssuesArgs struct {
	CompanyArg
	Status          string `json:"status,omitempty" jsonschema:"pattern=^[a-z_]+(\\,[a-z_]+)*$,description=A status or a CSV of them"`
	AssigneeAgentID string `json:"assigneeAgentId,omitempty" jsonschema:"format=uuid"`
	ProjectID       string `json:"projectId,omitempty" jsonschema:"format=uuid"`
	GoalID          string `json:"goalId,omitempty" jsonschema:"format=uuid,description=Filtered here; offset counts matches"`
	LabelID         string `json:"labelId,omitempty" jsonschema:"format=uuid"`
	Q               string `json:"q,omitempty" jsonschema:"description=Text search"`
	Paging
	Format
}

func listIssues(ctx context.Context, d *Deps, a ListIssuesArgs) (Page[IssueSummary], error) {
	page := Page[IssueSummary]{Items: []IssueSummary{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	for _, st := range strings.Split(a.Status, ",") {
		if a.Status != "" && !slices.Contains(issueStatuses, st) {
			return page, inputErrorf("Invalid arguments for paperclip_list_issues: status %q is not a status; use one of %s, or several joined by commas (todo,in_progress). Nothing was sent to Paperclip.",
				st, strings.Join(issueStatuses, ", "))
		}
	}
	q := client.IssueQuery{Status: a.Status, AssigneeAgentID: a.AssigneeAgentID, ProjectID: a.ProjectID, LabelID: a.LabelID, Q: a.Q}
	if a.GoalID != "" {
		return listIssuesByGoal(ctx, d, companyID, q, a)
	}
	// Paperclip pages: one more than the page says whether more exist.
	q.Limit, q.Offset = a.Limit+1, a.Offset
	rows, err := d.Client.ListIssues(ctx, companyID, q)
	if err != nil {
		return page, err
	}
	if len(rows) == 0 && a.Offset == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	page = pageFrom(rows, 0, a.Limit, false, issueSummary)
	page.Offset = a.Offset
	if page.NextOffset != nil {
		*page.NextOffset += a.Offset
	}
	// The route gives no total; it is known only when this page reached the
	// end and something (or offset 0) shows where the end is.
	if !page.HasMore && (a.Offset == 0 || len(rows) > 0) {
		total := a.Offset + len(rows)
		page.Total = &total
	}
	return page, nil
}

// listIssuesByGoal reads the issues matching the other filters (in pages of
// goalScanPage, at most goalScanMax), keeps those whose own goalId is the
// one asked, and pages over the matches: offset and next_offset count
// matches, and the total is given only when every issue was read.
func listIssuesByGoal(ctx context.Context, d *Deps, companyID string, q client.IssueQuery, a ListIssuesArgs) (Page[IssueSummary], error) {
	want := a.Offset + a.Limit + 1
	var matched []client.Issue
	scanned, complete := 0, false
	for scanned < goalScanMax {
		q.Limit, q.Offset = goalScanPage, scanned
		rows, err := d.Client.ListIssues(ctx, companyID, q)
		if err != nil {
			return Page[IssueSummary]{Items: []IssueSummary{}, Offset: a.Offset, Limit: a.Limit}, err
		}
		scanned += len(rows)
		for i := range rows {
			if str(rows[i].GoalID) == a.GoalID {
				matched = append(matched, rows[i])
			}
		}
		if len(rows) < goalScanPage {
			complete = true
			break
		}
		if len(matched) >= want {
			break
		}
	}
	page := pageFrom(matched, a.Offset, a.Limit, complete, issueSummary)
	switch {
	case complete:
		page.Note = fmt.Sprintf("goalId is matched by this server on each issue's own goalId (Paperclip's list ignores it): all %d issues matching the other filters were read.", scanned)
	case page.HasMore:
		page.Note = fmt.Sprintf("goalId is matched by this server on each issue's own goalId (Paperclip's list ignores it): the first %d issues matching the other filters were read, enough for this page; the total is unknown.", scanned)
	default:
		page.Note = fmt.Sprintf("Incomplete: goalId is matched by this server (Paperclip's list ignores it), and only the first %d issues matching the other filters were read; matches after them are missing. "+
			"Narrow with status, projectId, assigneeAgentId or q.", scanned)
	}
	return page, nil
}

func listIssuesMarkdown(a ListIssuesArgs, p Page[IssueSummary]) string {
	var m md
	switch {
	case p.Total != nil:
		m.line("## Issues: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	case p.HasMore:
		m.line("## Issues: %d shown from offset %d (more exist)", p.Count, p.Offset)
	default:
		m.line("## Issues: %d shown from offset %d", p.Count, p.Offset)
	}
	if p.Count == 0 {
		m.line("No issues match.")
	}
	for _, s := range p.Items {
		m.line("%s", issueLine(s))
	}
	m.pageTail(prefixed("Note: ", p.Note), p.NextOffset, "paperclip_list_issues", " and the same filters")
	next := "<identifier>"
	if p.Count > 0 {
		next = p.Items[0].name()
	}
	m.line("Next: paperclip_get_issue issueId=%s reads one; paperclip_checkout_issue issueId=%s takes it.", next, next)
	return m.String()
}

// listIssuesTool declares paperclip_list_issues.
func listIssuesTool() Tool {
	return define(Spec{Name: "paperclip_list_issues", Title: "List issues", Toolset: Issues,
		Description: "A company's issues, filtered; paged by has_more and next_offset (total only when known).",
		Access:      Read, NotFound: "Check companyId."},
		listIssues, listIssuesMarkdown)
}

// ---------------------------------------------------------------- get

// IssueArgs identify one issue (read tools).
type IssueArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$"`
	Format
}

func getIssue(ctx context.Context, d *Deps, a IssueArgs) (IssueDetail, error) {
	i, err := d.Client.GetIssue(ctx, a.IssueID)
	if err != nil {
		return IssueDetail{}, err
	}
	return issueDetail(i), nil
}

func getIssueMarkdown(_ IssueArgs, i IssueDetail) string {
	var m md
	m.line("## %s (`%s`): %s", i.name(), i.ID, oneLine(i.Title, 200))
	detailLines(&m, i)
	descriptionBlock(&m, i.Description, i.DescriptionClipped)
	m.blank()
	n := i.name()
	m.line("Next: paperclip_list_comments issueId=%s reads its discussion; paperclip_checkout_issue issueId=%s takes it; paperclip_update_issue issueId=%s changes it.", n, n, n)
	return m.String()
}

// getIssueTool declares paperclip_get_issue.
func getIssueTool() Tool {
	return define(Spec{Name: "paperclip_get_issue", Title: "Get an issue", Toolset: Issues,
		Description: "One issue: status, assignee, run lock, labels, blockers, ancestors, description.",
		Access:      Read, NotFound: issueNotFound},
		getIssue, getIssueMarkdown)
}

// ---------------------------------------------------------------- heartbeat context

// IssueContext is an issue's heartbeat context: what an agent needs to
// resume work on it.
type IssueContext struct {
	Issue               IssueDetail         `json:"issue"`
	Project             *IssueContextRef    `json:"project,omitempty"`
	Goal                *IssueContextRef    `json:"goal,omitempty"`
	CommentCount        int                 `json:"commentCount"`
	LatestCommentID     string              `json:"latestCommentId,omitempty"`
	LatestCommentAt     string              `json:"latestCommentAt,omitempty"`
	Attachments         []IssueAttachment   `json:"attachments"`
	ContinuationSummary *IssueContinuation  `json:"continuationSummary,omitempty"`
	Workspace           *IssueWorkspaceInfo `json:"workspace,omitempty"`
}

// IssueContextRef is the project or goal of an issue.
type IssueContextRef struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Level  string `json:"level,omitempty"`
}

// IssueAttachment is a file attached to an issue.
type IssueAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	ByteSize    int64  `json:"byteSize"`
}

// IssueContinuation is the issue's continuation summary document, written
// by earlier runs for the next one.
type IssueContinuation struct {
	Key              string `json:"key"`
	Title            string `json:"title,omitempty"`
	Body             string `json:"body"`
	LatestRevisionID string `json:"latestRevisionId,omitempty"`
	UpdatedAt        string `json:"updatedAt"`
}

// IssueWorkspaceInfo is the issue's current execution workspace.
type IssueWorkspaceInfo struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Status     string `json:"status"`
	Cwd        string `json:"cwd,omitempty"`
	BranchName string `json:"branchName,omitempty"`
}

// continuationMax bounds the continuation summary in a context result.
const continuationMax = 6000

func getHeartbeatContext(ctx context.Context, d *Deps, a IssueArgs) (IssueContext, error) {
	hc, err := d.Client.GetHeartbeatContext(ctx, a.IssueID)
	if err != nil {
		return IssueContext{}, err
	}
	ci := hc.Issue
	desc := str(ci.Description)
	out := IssueContext{
		Issue: IssueDetail{IssueSummary: IssueSummary{ID: ci.ID, Identifier: str(ci.Identifier), Title: ci.Title, Status: ci.Status, Priority: ci.Priority,
			AssigneeAgentID: str(ci.AssigneeAgentID), AssigneeUserID: str(ci.AssigneeUserID), ProjectID: str(ci.ProjectID), GoalID: str(ci.GoalID),
			ParentID: str(ci.ParentID), UpdatedAt: ci.UpdatedAt},
			Description: clip(desc, descriptionMax), DescriptionClipped: len([]rune(desc)) > descriptionMax,
			Labels: []string{}, LabelIDs: []string{}, BlockedBy: issueBriefs(ci.BlockedBy), Blocks: issueBriefs(ci.Blocks), Ancestors: issueBriefs(hc.Ancestors)},
		CommentCount:    hc.CommentCursor.TotalComments,
		LatestCommentID: str(hc.CommentCursor.LatestCommentID),
		LatestCommentAt: str(hc.CommentCursor.LatestCommentAt),
		Attachments:     []IssueAttachment{},
	}
	if p := hc.Project; p != nil {
		out.Project = &IssueContextRef{ID: p.ID, Name: p.Name, Status: p.Status}
	}
	if g := hc.Goal; g != nil {
		out.Goal = &IssueContextRef{ID: g.ID, Name: g.Title, Status: g.Status, Level: g.Level}
	}
	for _, at := range hc.Attachments {
		out.Attachments = append(out.Attachments, IssueAttachment{ID: at.ID, Filename: at.Filename, ContentType: at.ContentType, ByteSize: at.ByteSize})
	}
	if s := hc.ContinuationSummary; s != nil {
		out.ContinuationSummary = &IssueContinuation{Key: s.Key, Title: str(s.Title), Body: clip(s.Body, continuationMax), LatestRevisionID: str(s.LatestRevisionID), UpdatedAt: s.UpdatedAt}
	}
	if w := hc.CurrentExecutionWorkspace; w != nil {
		out.Workspace = &IssueWorkspaceInfo{ID: w.ID, Name: str(w.Name), Status: w.Status, Cwd: str(w.Cwd), BranchName: str(w.BranchName)}
	}
	return out, nil
}

func getHeartbeatContextMarkdown(_ IssueArgs, c IssueContext) string {
	var m md
	i := c.Issue
	m.line("## Heartbeat context of %s (`%s`): %s", i.name(), i.ID, oneLine(i.Title, 200))
	m.line("- %s · priority %s · %s · updated %s", i.Status, i.Priority, assigneeText(i.AssigneeAgentID, i.AssigneeUserID), shortTime(i.UpdatedAt))
	if len(i.Ancestors) > 0 {
		m.line("- ancestors: %s", briefsText(i.Ancestors))
	}
	if c.Project != nil {
		m.line("- project %s (`%s`, %s)", c.Project.Name, c.Project.ID, c.Project.Status)
	}
	if c.Goal != nil {
		m.line("- goal %s (`%s`, %s%s)", oneLine(c.Goal.Name, 100), c.Goal.ID, c.Goal.Status, prefixed(", ", c.Goal.Level))
	}
	if len(i.BlockedBy) > 0 {
		m.line("- blocked by: %s", briefsText(i.BlockedBy))
	}
	if len(i.Blocks) > 0 {
		m.line("- blocks: %s", briefsText(i.Blocks))
	}
	if c.CommentCount > 0 {
		m.line("- %d comments, latest `%s` at %s", c.CommentCount, c.LatestCommentID, shortTime(c.LatestCommentAt))
	} else {
		m.line("- no comments")
	}
	for _, at := range c.Attachments {
		m.line("- attachment %s `%s` (%s, %s)", at.Filename, at.ID, at.ContentType, humanBytes(at.ByteSize))
	}
	if w := c.Workspace; w != nil {
		m.line("- workspace %s `%s` (%s)%s%s", orDash(w.Name), w.ID, w.Status, prefixed(" · cwd ", w.Cwd), prefixed(" · branch ", w.BranchName))
	}
	if s := c.ContinuationSummary; s != nil {
		m.blank()
		m.line("### Continuation summary (document %s, updated %s)", s.Key, shortTime(s.UpdatedAt))
		m.line("%s", s.Body)
	}
	if i.Description != "" {
		m.blank()
		m.line("### Description")
		m.line("%s", i.Description)
		if i.DescriptionClipped {
			m.line("[description cut at %d characters]", descriptionMax)
		}
	}
	m.blank()
	n := i.name()
	m.line("Next: paperclip_list_comments issueId=%s reads the discussion; paperclip_checkout_issue issueId=%s takes the issue; paperclip_update_issue issueId=%s reports progress.", n, n, n)
	return m.String()
}

// getHeartbeatContextTool declares paperclip_get_heartbeat_context.
func getHeartbeatContextTool() Tool {
	return define(Spec{Name: "paperclip_get_heartbeat_context", Title: "Get an issue's heartbeat context", Toolset: Issues,
		Description: "An issue with ancestors, project, goal, blockers, attachments and continuation summary, for a run's start.",
		Access:      Read, NotFound: issueNotFound},
		getHeartbeatContext, getHeartbeatContextMarkdown)
}

// ---------------------------------------------------------------- create

// CreateIssueArgs are the arguments of paperclip_create_issue.
type CreateIssueArgs struct {
	CompanyArg
	Title                                string   `json:"title" jsonschema:"minLength=1"`
	Description                          string   `json:"description,omitempty"`
	Status                               string   `json:"status,omitempty" jsonschema:"enum=backlog,enum=todo,enum=in_progress,enum=in_review,enum=done,enum=blocked,enum=cancelled"`
	Priority                             string   `json:"priority,omitempty" jsonschema:"enum=critical,enum=high,enum=medium,enum=low,default=medium"`
	ParentID                             string   `json:"parentId,omitempty" jsonschema:"format=uuid"`
	GoalID                               string   `json:"goalId,omitempty" jsonschema:"format=uuid"`
	ProjectID                            string   `json:"projectId,omitempty" jsonschema:"format=uuid"`
	AssigneeAgentID                      string   `json:"assigneeAgentId,omitempty" jsonschema:"format=uuid"`
	BillingCode                          string   `json:"billingCode,omitempty"`
	LabelIDs                             []string `json:"labelIds,omitempty" jsonschema:"format=uuid"`
	InheritExecutionWorkspaceFromIssueID string   `json:"inheritExecutionWorkspaceFromIssueId,omitempty" jsonschema:"format=uuid"`
	AllowDuplicate                       bool     `json:"allowDuplicate,omitempty" jsonschema:"description=Skip the title dedup"`
}

// CreateIssueResult is the issue created, or the existing one Paperclip
// returned instead.
type CreateIssueResult struct {
	IssueDetail
	Created             bool   `json:"created"`
	Deduplicated        bool   `json:"deduplicated"`
	DeduplicationReason string `json:"deduplicationReason,omitempty"`
	Note                string `json:"note,omitempty"`
}

func createIssue(ctx context.Context, d *Deps, a CreateIssueArgs) (CreateIssueResult, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return CreateIssueResult{}, err
	}
	i, err := d.Client.CreateIssue(ctx, companyID, client.IssueCreate{Title: a.Title, Description: a.Description, Status: a.Status,
		Priority: a.Priority, ParentID: a.ParentID, GoalID: a.GoalID, ProjectID: a.ProjectID, AssigneeAgentID: a.AssigneeAgentID,
		BillingCode: a.BillingCode, LabelIDs: a.LabelIDs, InheritExecutionWorkspaceFromIssueID: a.InheritExecutionWorkspaceFromIssueID,
		AllowDuplicate: a.AllowDuplicate})
	if err != nil {
		return CreateIssueResult{}, err
	}
	out := CreateIssueResult{IssueDetail: issueDetail(i), Created: !i.Deduplicated, Deduplicated: i.Deduplicated, DeduplicationReason: str(i.DeduplicationReason)}
	if i.Deduplicated {
		why := "an open issue with the same title and parent was created in the last 48 hours"
		if out.DeduplicationReason != "" {
			why += " (" + out.DeduplicationReason + ")"
		}
		out.Note = fmt.Sprintf("Not created: Paperclip returned the existing issue %s instead, because %s; nothing was changed. "+
			"Use that issue, or, if a second issue is really meant, call paperclip_create_issue again with allowDuplicate=true.", out.name(), why)
	}
	return out, nil
}

func createIssueMarkdown(_ CreateIssueArgs, r CreateIssueResult) string {
	var m md
	if r.Deduplicated {
		m.line("## Not created: existing issue %s (`%s`) returned: %s", r.name(), r.ID, oneLine(r.Title, 200))
		m.line("%s", r.Note)
	} else {
		m.line("## Created %s (`%s`): %s", r.name(), r.ID, oneLine(r.Title, 200))
	}
	detailLines(&m, r.IssueDetail)
	m.blank()
	m.line("Next: paperclip_checkout_issue issueId=%s takes it; paperclip_update_issue issueId=%s changes it.", r.name(), r.name())
	return m.String()
}

// createIssueTool declares paperclip_create_issue.
func createIssueTool() Tool {
	return define(Spec{Name: "paperclip_create_issue", Title: "Create an issue", Toolset: Issues,
		Description: "Create an issue; an open one with the same title may be returned instead (deduplicated:true; see allowDuplicate).",
		Access:      Write, NotFound: "Check companyId and the ids given. " + findCompany},
		createIssue, createIssueMarkdown)
}

// ---------------------------------------------------------------- update

// UpdateIssueArgs are the arguments of paperclip_update_issue.
type UpdateIssueArgs struct {
	IssueID           string   `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$"`
	Status            string   `json:"status,omitempty" jsonschema:"enum=backlog,enum=todo,enum=in_progress,enum=in_review,enum=done,enum=blocked,enum=cancelled"`
	Comment           string   `json:"comment,omitempty" jsonschema:"description=Adds a comment"`
	Priority          string   `json:"priority,omitempty" jsonschema:"enum=critical,enum=high,enum=medium,enum=low"`
	Title             string   `json:"title,omitempty" jsonschema:"minLength=1"`
	Description       string   `json:"description,omitempty"`
	AssigneeAgentID   string   `json:"assigneeAgentId,omitempty" jsonschema:"format=uuid"`
	AssigneeUserID    string   `json:"assigneeUserId,omitempty"`
	GoalID            string   `json:"goalId,omitempty" jsonschema:"format=uuid"`
	ProjectID         string   `json:"projectId,omitempty" jsonschema:"format=uuid"`
	ParentID          string   `json:"parentId,omitempty" jsonschema:"format=uuid"`
	BillingCode       string   `json:"billingCode,omitempty"`
	LabelIDs          []string `json:"labelIds,omitempty" jsonschema:"format=uuid,description=Replaces all; [] clears"`
	ExecutionRunID    string   `json:"executionRunId,omitempty" jsonschema:"description=Not settable"`
	ExecutionLockedAt string   `json:"executionLockedAt,omitempty" jsonschema:"description=Not settable"`
	Clear             []string `json:"clear,omitempty" jsonschema:"enum=description,enum=assigneeAgentId,enum=assigneeUserId,enum=goalId,enum=projectId,enum=parentId,enum=billingCode,description=Fields to set to null"`
}

// updatableIssueFields are the fields paperclip_update_issue sets; Paperclip's
// list of changes also names internal ones (statusVersion), left out.
var updatableIssueFields = map[string]bool{"status": true, "priority": true, "title": true, "description": true,
	"assigneeAgentId": true, "assigneeUserId": true, "goalId": true, "projectId": true, "parentId": true, "billingCode": true, "labelIds": true}

// UpdateIssueResult is the issue after the update, with what changed.
type UpdateIssueResult struct {
	IssueDetail
	Changed   []string `json:"changed"`
	CommentID string   `json:"commentId,omitempty"`
}

func updateIssue(ctx context.Context, d *Deps, a UpdateIssueArgs) (UpdateIssueResult, error) {
	if a.ExecutionRunID != "" || a.ExecutionLockedAt != "" {
		return UpdateIssueResult{}, inputErrorf("executionRunId and executionLockedAt cannot be set: Paperclip's issue update has no such fields and would drop them without a word, leaving the run lock as it was. Nothing was sent. "+
			"To clear a run lock, the assignee calls paperclip_release_issue issueId=%s from its live run (it clears the assignee, checkoutRunId, executionRunId and executionLockedAt; in_progress goes back to todo); "+
			"a board user can force-release the issue in Paperclip (POST /api/issues/{id}/admin/force-release). To take the issue over, use paperclip_checkout_issue.", a.IssueID)
	}
	fields := map[string]any{}
	for k, v := range map[string]string{"status": a.Status, "comment": a.Comment, "priority": a.Priority, "title": a.Title,
		"description": a.Description, "assigneeAgentId": a.AssigneeAgentID, "assigneeUserId": a.AssigneeUserID, "goalId": a.GoalID,
		"projectId": a.ProjectID, "parentId": a.ParentID, "billingCode": a.BillingCode} {
		if v != "" {
			fields[k] = v
		}
	}
	if a.LabelIDs != nil {
		fields["labelIds"] = a.LabelIDs
	}
	for _, k := range a.Clear {
		if _, set := fields[k]; set {
			return UpdateIssueResult{}, inputErrorf("%s is both given and in clear: pass one or the other. Nothing was sent.", k)
		}
		fields[k] = nil
	}
	if len(fields) == 0 {
		return UpdateIssueResult{}, inputErrorf("Nothing to update: pass at least one field to change, a comment, or clear=[...] to set fields to null (a null argument counts as not given). Nothing was sent.")
	}
	i, err := d.Client.UpdateIssue(ctx, a.IssueID, fields)
	if err != nil {
		return UpdateIssueResult{}, issueActionErr(err, "update", a.IssueID, "", nil)
	}
	out := UpdateIssueResult{IssueDetail: issueDetail(i), Changed: []string{}}
	for k := range i.Changes {
		if updatableIssueFields[k] {
			out.Changed = append(out.Changed, k)
		}
	}
	sort.Strings(out.Changed)
	if i.Comment != nil {
		out.CommentID = i.Comment.ID
	}
	return out, nil
}

func updateIssueMarkdown(_ UpdateIssueArgs, r UpdateIssueResult) string {
	var m md
	m.line("## Updated %s (`%s`): %s", r.name(), r.ID, oneLine(r.Title, 200))
	if len(r.Changed) > 0 {
		m.line("- changed: %s", strings.Join(r.Changed, ", "))
	} else {
		m.line("- no field changed (the values were already so)")
	}
	if r.CommentID != "" {
		m.line("- comment `%s` added", r.CommentID)
	}
	detailLines(&m, r.IssueDetail)
	m.blank()
	m.line("Next: paperclip_get_issue issueId=%s reads it; paperclip_list_comments issueId=%s shows the discussion.", r.name(), r.name())
	return m.String()
}

// updateIssueTool declares paperclip_update_issue.
func updateIssueTool() Tool {
	return define(Spec{Name: "paperclip_update_issue", Title: "Update an issue", Toolset: Issues,
		Description: "Change fields and/or add a comment; clear sets fields to null. Run locks: paperclip_release_issue.",
		Access:      Write, NotFound: issueNotFound},
		updateIssue, updateIssueMarkdown)
}

// ---------------------------------------------------------------- checkout / release

// CheckoutIssueArgs are the arguments of paperclip_checkout_issue.
type CheckoutIssueArgs struct {
	IssueID          string   `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$"`
	ExpectedStatuses []string `json:"expectedStatuses,omitempty" jsonschema:"minItems=1,enum=backlog,enum=todo,enum=in_progress,enum=in_review,enum=done,enum=blocked,enum=cancelled,default=todo,default=backlog,default=blocked,default=in_review"`
	AgentID          string   `json:"agentId,omitempty" jsonschema:"format=uuid,description=Default PAPERCLIP_AGENT_ID"`
}

func checkoutIssue(ctx context.Context, d *Deps, a CheckoutIssueArgs) (IssueDetail, error) {
	agentID := a.AgentID
	if agentID == "" {
		agentID = d.AgentID
	}
	if agentID == "" {
		return IssueDetail{}, inputErrorf("agentId is required: Paperclip's checkout names the agent that takes the issue. Pass agentId, or set PAPERCLIP_AGENT_ID for the server (Paperclip sets it inside a run). Nothing was sent.")
	}
	if err := requireID("agentId", agentID, "Check agentId or PAPERCLIP_AGENT_ID; agent ids are listed by paperclip_list_agents."); err != nil {
		return IssueDetail{}, err
	}
	expected := a.ExpectedStatuses
	if len(expected) == 0 {
		expected = defaultCheckoutStatuses
	}
	i, err := d.Client.CheckoutIssue(ctx, a.IssueID, agentID, expected)
	if err != nil {
		return IssueDetail{}, issueActionErr(err, "check out", a.IssueID, agentID, expected)
	}
	return issueDetail(i), nil
}

func checkoutIssueMarkdown(_ CheckoutIssueArgs, i IssueDetail) string {
	var m md
	m.line("## Checked out %s (`%s`): %s", i.name(), i.ID, oneLine(i.Title, 200))
	detailLines(&m, i)
	m.blank()
	n := i.name()
	m.line("Next: paperclip_get_heartbeat_context issueId=%s for what to do; paperclip_update_issue issueId=%s status=done comment=… when finished, or paperclip_release_issue issueId=%s to give it back.", n, n, n)
	return m.String()
}

// checkoutIssueTool declares paperclip_checkout_issue.
func checkoutIssueTool() Tool {
	return define(Spec{Name: "paperclip_checkout_issue", Title: "Check out an issue", Toolset: Issues,
		Description: "Assign an issue to an agent and set it in_progress, if its status is in expectedStatuses. Agents need PAPERCLIP_RUN_ID (a live run).",
		Access:      WriteIdempotent, NotFound: issueNotFound},
		checkoutIssue, checkoutIssueMarkdown)
}

// ReleaseIssueArgs are the arguments of paperclip_release_issue.
type ReleaseIssueArgs struct {
	IssueID string `json:"issueId" jsonschema:"pattern=^([0-9a-fA-F-]{36}|[A-Za-z][A-Za-z0-9]*-[0-9]+)$"`
}

func releaseIssue(ctx context.Context, d *Deps, a ReleaseIssueArgs) (IssueDetail, error) {
	i, err := d.Client.ReleaseIssue(ctx, a.IssueID)
	if err != nil {
		return IssueDetail{}, issueActionErr(err, "release", a.IssueID, "", nil)
	}
	return issueDetail(i), nil
}

func releaseIssueMarkdown(_ ReleaseIssueArgs, i IssueDetail) string {
	var m md
	m.line("## Released %s (`%s`): now %s, %s", i.name(), i.ID, i.Status, assigneeText(i.AssigneeAgentID, i.AssigneeUserID))
	detailLines(&m, i)
	m.blank()
	m.line("Next: paperclip_list_issues status=todo finds other work; paperclip_checkout_issue issueId=%s takes it again.", i.name())
	return m.String()
}

// releaseIssueTool declares paperclip_release_issue.
func releaseIssueTool() Tool {
	return define(Spec{Name: "paperclip_release_issue", Title: "Release an issue", Toolset: Issues,
		Description: "Unassign an issue, clear its run locks (in_progress goes to todo). Agents: the assignee only, from its live run.",
		Access:      WriteIdempotent, NotFound: issueNotFound},
		releaseIssue, releaseIssueMarkdown)
}

// ---------------------------------------------------------------- declarations

// issueName is how the markdown names an issue: its identifier, else its id.
func issueName(id, identifier string) string {
	if identifier != "" {
		return identifier
	}
	return id
}

func issueTools() []Tool {
	return []Tool{listIssuesTool(), getIssueTool(), getHeartbeatContextTool(), createIssueTool(), updateIssueTool(), checkoutIssueTool(), releaseIssueTool()}
}
