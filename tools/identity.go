package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Paperclip splits "who am I" by key kind, and answers the wrong kind with
// 401, which is not a bad key: these are the messages it uses, and the tools
// turn them into what to call instead.
const (
	msgBoardAuthRequired = "Board authentication required"
	msgAgentAuthRequired = "Agent authentication required"
	msgNoBoardKey        = "Current board API key context is required"
)

// isAuthKindError reports whether err is Paperclip's 4xx answer with exactly msg.
func isAuthKindError(err error, status int, msg string) bool {
	apiErr, ok := client.AsAPIError(err)
	return ok && apiErr.Status == status && apiErr.Message == msg
}

// RevokeArgs are the arguments of paperclip_revoke_current_session: none.
type RevokeArgs struct{}

// CurrentUser is the board user behind the server's key.
type CurrentUser struct {
	UserID          string           `json:"userId"`
	Name            string           `json:"name,omitempty"`
	Email           string           `json:"email,omitempty"`
	IsInstanceAdmin bool             `json:"isInstanceAdmin"`
	Source          string           `json:"source" jsonschema:"description=local_implicit (no key\\, local_trusted server)\\, board_key\\, ..."`
	KeyID           string           `json:"keyId,omitempty"`
	CompanyIDs      []string         `json:"companyIds"`
	Memberships     []UserMembership `json:"memberships"`
}

// UserMembership is the user's role in one company.
type UserMembership struct {
	CompanyID string `json:"companyId"`
	Role      string `json:"role"`
	Status    string `json:"status"`
}

func getCurrentUser(ctx context.Context, d *Deps, _ Format) (CurrentUser, error) {
	u, err := d.Client.GetCurrentUser(ctx)
	if isAuthKindError(err, 401, msgBoardAuthRequired) {
		return CurrentUser{}, inputErrorf("paperclip_get_current_user needs a board identity: a board key (pcp_board_…), or no key on a local_trusted server. "+
			"This server's key is an agent key or run JWT (401 %s), which is not a bad key: an agent reads itself with paperclip_get_me and its work with paperclip_get_inbox.", msgBoardAuthRequired)
	}
	if err != nil {
		return CurrentUser{}, err
	}
	out := CurrentUser{UserID: u.UserID, IsInstanceAdmin: u.IsInstanceAdmin, Source: u.Source, KeyID: str(u.KeyID),
		CompanyIDs: append([]string{}, u.CompanyIDs...), Memberships: []UserMembership{}}
	if u.User != nil {
		out.Name, out.Email = str(u.User.Name), str(u.User.Email)
	}
	for _, m := range u.Memberships {
		out.Memberships = append(out.Memberships, UserMembership{CompanyID: m.CompanyID, Role: m.MembershipRole, Status: m.Status})
	}
	return out, nil
}

func sourceText(source, keyID string) string {
	switch source {
	case "local_implicit":
		return "the implicit local board (no API key; a local_trusted server)"
	case "board_key":
		return fmt.Sprintf("board API key `%s`", keyID)
	}
	return source
}

func getCurrentUserMarkdown(_ Format, u CurrentUser) string {
	var m md
	m.line("## Board user %s (`%s`)%s", orDash(u.Name), u.UserID, prefixed(" · ", u.Email))
	admin := "not an instance admin"
	if u.IsInstanceAdmin {
		admin = "instance admin"
	}
	m.line("- %s · signed in as %s", admin, sourceText(u.Source, u.KeyID))
	m.line("- companies: %d", len(u.CompanyIDs))
	const show = 50
	for i, c := range u.Memberships {
		if i == show {
			m.line("- … %d more (response_format=json lists all)", len(u.Memberships)-show)
			break
		}
		m.line("  - `%s` · %s · %s", c.CompanyID, orDash(c.Role), orDash(c.Status))
	}
	m.blank()
	m.line("Next: paperclip_get_company companyId=<id> for one company; set PAPERCLIP_COMPANY_ID to make one the default.")
	return m.String()
}

// getCurrentUserTool declares paperclip_get_current_user.
func getCurrentUserTool() Tool {
	return define(Spec{Name: "paperclip_get_current_user", Title: "Get the board user", Toolset: Identity, BoardOnly: true,
		Description: "Who the board key (or the implicit local board) is: user, instance admin or not, companies and roles. Agents use paperclip_get_me.",
		Access:      Read},
		getCurrentUser, getCurrentUserMarkdown)
}

// Me is the calling agent.
type Me struct {
	AgentSummary
	CompanyID          string      `json:"companyId"`
	URLKey             string      `json:"urlKey,omitempty"`
	Capabilities       string      `json:"capabilities,omitempty"`
	BudgetMonthlyCents int64       `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64       `json:"spentMonthlyCents"`
	CanAssignTasks     *bool       `json:"canAssignTasks,omitempty"`
	Permissions        []string    `json:"permissions" jsonschema:"description=Permission flags that are on"`
	ChainOfCommand     []ChainLink `json:"chainOfCommand" jsonschema:"description=Managers\\, nearest first"`
	Reduced            bool        `json:"reduced,omitempty" jsonschema:"description=Paperclip gave a reduced view (low-trust run)"`
}

// ChainLink is one manager above the agent.
type ChainLink struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Title string `json:"title,omitempty"`
}

func getMe(ctx context.Context, d *Deps, _ Format) (Me, error) {
	a, err := d.Client.GetMe(ctx)
	if isAuthKindError(err, 401, msgAgentAuthRequired) {
		return Me{}, inputErrorf("paperclip_get_me answers only for an agent key (pcp_…) or a run JWT; this server acts as a board (401 %s), which is not a bad key. "+
			"For the board user call paperclip_get_current_user; for an agent call paperclip_get_agent agentId=<id> (ids from paperclip_list_agents).", msgAgentAuthRequired)
	}
	if err != nil {
		return Me{}, err
	}
	out := Me{AgentSummary: agentSummary(&a.Agent), CompanyID: a.CompanyID, URLKey: a.URLKey, Capabilities: clip(str(a.Capabilities), 500),
		BudgetMonthlyCents: a.BudgetMonthlyCents, SpentMonthlyCents: a.SpentMonthlyCents,
		Permissions: []string{}, ChainOfCommand: []ChainLink{}, Reduced: a.TrustPreset != nil}
	if a.Access != nil {
		v := a.Access.CanAssignTasks
		out.CanAssignTasks = &v
	}
	for k, v := range a.Permissions {
		if v == true {
			out.Permissions = append(out.Permissions, k)
		}
	}
	sort.Strings(out.Permissions)
	for _, c := range a.ChainOfCommand {
		out.ChainOfCommand = append(out.ChainOfCommand, ChainLink{ID: c.ID, Name: c.Name, Role: c.Role, Title: str(c.Title)})
	}
	return out, nil
}

func getMeMarkdown(_ Format, a Me) string {
	var m md
	m.line("## You are agent %s (`%s`): %s", a.Name, a.ID, orDash(a.Status))
	m.line("- %s%s · adapter %s · company `%s`", orDash(a.Role), prefixed(" · ", a.Title), orDash(a.AdapterType), a.CompanyID)
	if len(a.ChainOfCommand) > 0 {
		chain := make([]string, len(a.ChainOfCommand))
		for i, c := range a.ChainOfCommand {
			chain[i] = fmt.Sprintf("%s (%s, `%s`)", c.Name, c.Role, c.ID)
		}
		m.line("- reports to %s", strings.Join(chain, " → "))
	}
	perms := append([]string{}, a.Permissions...)
	if a.CanAssignTasks != nil && *a.CanAssignTasks {
		perms = append(perms, "assign tasks")
	}
	if len(perms) > 0 {
		m.line("- may: %s", strings.Join(perms, ", "))
	}
	if a.BudgetMonthlyCents > 0 {
		m.line("- budget: %d of %d cents spent this month", a.SpentMonthlyCents, a.BudgetMonthlyCents)
	}
	if a.ErrorReason != "" {
		m.line("- error: %s", oneLine(a.ErrorReason, 300))
	}
	if a.PauseReason != "" {
		m.line("- paused: %s", oneLine(a.PauseReason, 200))
	}
	if a.Reduced {
		m.line("- Paperclip shows a reduced view of you in this run (low-trust review).")
	}
	m.blank()
	m.line("Next: paperclip_get_inbox lists the issues assigned to you.")
	return m.String()
}

// getMeTool declares paperclip_get_me.
func getMeTool() Tool {
	return define(Spec{Name: "paperclip_get_me", Title: "Get my agent", Toolset: Identity,
		Description: "Agent keys and run JWTs only: the calling agent (status, role, managers, permissions, budget). A board uses paperclip_get_current_user.",
		Access:      Read},
		getMe, getMeMarkdown)
}

// InboxArgs are the arguments of paperclip_get_inbox.
type InboxArgs struct {
	Paging
	Format
}

// InboxItem is one issue assigned to the calling agent.
type InboxItem struct {
	ID               string   `json:"id"`
	Identifier       string   `json:"identifier,omitempty"`
	Title            string   `json:"title"`
	Status           string   `json:"status"`
	Priority         string   `json:"priority"`
	ProjectID        string   `json:"projectId,omitempty"`
	GoalID           string   `json:"goalId,omitempty"`
	ParentID         string   `json:"parentId,omitempty"`
	UpdatedAt        string   `json:"updatedAt"`
	ActiveRunID      string   `json:"activeRunId,omitempty"`
	ActiveRunStatus  string   `json:"activeRunStatus,omitempty"`
	Blocked          bool     `json:"blocked" jsonschema:"description=Waiting on unresolved blocker issues"`
	BlockerIssueIDs  []string `json:"blockerIssueIds"`
	UnresolvedBlocks int      `json:"unresolvedBlockers"`
}

func inboxItem(i *client.InboxIssue) InboxItem {
	out := InboxItem{ID: i.ID, Identifier: str(i.Identifier), Title: i.Title, Status: i.Status, Priority: i.Priority,
		ProjectID: str(i.ProjectID), GoalID: str(i.GoalID), ParentID: str(i.ParentID), UpdatedAt: i.UpdatedAt,
		Blocked: i.DependencyReady != nil && !*i.DependencyReady, BlockerIssueIDs: append([]string{}, i.UnresolvedBlockerIssueIDs...),
		UnresolvedBlocks: i.UnresolvedBlockerCount}
	if i.ActiveRun != nil {
		out.ActiveRunID, out.ActiveRunStatus = i.ActiveRun.ID, i.ActiveRun.Status
	}
	return out
}

func getInbox(ctx context.Context, d *Deps, a InboxArgs) (Page[InboxItem], error) {
	all, err := d.Client.GetInbox(ctx)
	if isAuthKindError(err, 401, msgAgentAuthRequired) {
		return Page[InboxItem]{Items: []InboxItem{}, Offset: a.Offset, Limit: a.Limit}, inputErrorf(
			"paperclip_get_inbox is an agent's inbox: it needs an agent key (pcp_…) or a run JWT, and this server acts as a board (401 %s), which is not a bad key. "+
				"A board has no inbox: list issues with paperclip_list_issues instead (status=todo,in_progress,blocked assigneeAgentId=<agent id> is that agent's inbox), "+
				"or run this server with the agent's key.", msgAgentAuthRequired)
	}
	if err != nil {
		return Page[InboxItem]{Items: []InboxItem{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	// The route stops at InboxLimit issues: a full window may hide more.
	exact := len(all) < client.InboxLimit
	p := pageFrom(all, a.Offset, a.Limit, exact, inboxItem)
	if !exact {
		p.Note = fmt.Sprintf("Paperclip returns at most %d inbox issues, and returned that many: more may be assigned to you.", client.InboxLimit)
	}
	return p, nil
}

func inboxRef(id, identifier string) string {
	if identifier != "" {
		return identifier
	}
	return id
}

func inboxLine(i InboxItem) string {
	parts := []string{fmt.Sprintf("**%s** `%s`", orDash(i.Identifier), i.ID), i.Status, i.Priority, oneLine(i.Title, 100)}
	if i.ActiveRunID != "" {
		parts = append(parts, fmt.Sprintf("run `%s` %s", i.ActiveRunID, i.ActiveRunStatus))
	}
	if i.Blocked {
		parts = append(parts, fmt.Sprintf("blocked by %d open issue(s)", i.UnresolvedBlocks))
	}
	parts = append(parts, "updated "+shortTime(i.UpdatedAt))
	return "- " + strings.Join(parts, " · ")
}

func getInboxMarkdown(_ InboxArgs, p Page[InboxItem]) string {
	var m md
	total := "at least " + fmt.Sprint(p.Offset+p.Count)
	if p.Total != nil {
		total = fmt.Sprint(*p.Total)
	}
	m.line("## Inbox: %d shown from offset %d (%s in all; todo, in_progress and blocked issues assigned to you)", p.Count, p.Offset, total)
	if p.Count == 0 {
		m.line("Nothing assigned to you is open.")
	}
	for _, i := range p.Items {
		m.line("%s", inboxLine(i))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_get_inbox", "")
	if p.Count > 0 {
		first := p.Items[0]
		m.line("Next: paperclip_checkout_issue issueId=%s before working on it; paperclip_list_comments issueId=%s for its thread.",
			inboxRef(first.ID, first.Identifier), inboxRef(first.ID, first.Identifier))
	}
	return m.String()
}

// getInboxTool declares paperclip_get_inbox.
func getInboxTool() Tool {
	return define(Spec{Name: "paperclip_get_inbox", Title: "Get my inbox", Toolset: Identity,
		Description: "Agent keys and run JWTs only: open issues (todo, in_progress, blocked) assigned to the calling agent, with blockers and active run. " +
			"Then paperclip_checkout_issue. A board has none: use paperclip_list_issues.",
		Access: Read},
		getInbox, getInboxMarkdown)
}

// RevokeResult is what paperclip_revoke_current_session did.
type RevokeResult struct {
	Revoked bool   `json:"revoked"`
	KeyID   string `json:"keyId"`
}

func revokeCurrentSession(ctx context.Context, d *Deps, _ RevokeArgs) (RevokeResult, error) {
	r, err := d.Client.RevokeCurrentSession(ctx)
	if isAuthKindError(err, 400, msgNoBoardKey) {
		return RevokeResult{}, inputErrorf("Nothing was revoked (400 %s): this tool revokes the board API key (pcp_board_…) the server sends, and there is none. "+
			"The implicit local board of a local_trusted server (no PAPERCLIP_API_KEY) has no key to revoke; agent keys and run JWTs are not board sessions "+
			"(a board revokes an agent's keys in Paperclip).", msgNoBoardKey)
	}
	if err != nil {
		return RevokeResult{}, err
	}
	return RevokeResult{Revoked: r.Revoked, KeyID: r.KeyID}, nil
}

func revokeCurrentSessionMarkdown(_ RevokeArgs, r RevokeResult) string {
	var m md
	if !r.Revoked {
		m.line("Paperclip did not report the key `%s` as revoked.", r.KeyID)
		return m.String()
	}
	m.line("## Revoked board API key `%s`", r.KeyID)
	m.line("Every later call of this server with that key gets 401. To go on, create a new board key in Paperclip, put it in PAPERCLIP_API_KEY and restart the server.")
	return m.String()
}

// revokeCurrentSessionTool declares paperclip_revoke_current_session.
func revokeCurrentSessionTool() Tool {
	return define(Spec{Name: "paperclip_revoke_current_session", Title: "Revoke this board key", Toolset: Identity, BoardOnly: true,
		Description: "Destructive: revokes the board API key (pcp_board_…) this server uses; every later call with it gets 401. Not for the keyless local board or agent keys.",
		Access:      Destructive},
		revokeCurrentSession, revokeCurrentSessionMarkdown)
}

func identityTools() []Tool {
	return []Tool{getCurrentUserTool(), getMeTool(), getInboxTool(), revokeCurrentSessionTool()}
}
