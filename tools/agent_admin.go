package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// agentMarkdown renders an agent after a change, with the next step.
func agentMarkdown(title string, a AgentDetail, next string) string {
	var m md
	m.line("## %s %s (`%s`): %s", title, a.Name, a.ID, a.Status)
	m.line("- %s%s · adapter %s%s", a.Role, prefixed(" · ", a.Title), a.AdapterType, wrapped(" · reports to `", a.ReportsTo, "`"))
	if a.PauseReason != "" {
		m.line("- paused: %s", oneLine(a.PauseReason, 200))
	}
	if next != "" {
		m.blank()
		m.line("Next: %s", next)
	}
	return m.String()
}

// ---------------------------------------------------------------- create and update

// CreateAgentArgs are the arguments of paperclip_create_agent.
type CreateAgentArgs struct {
	CompanyArg
	Name  string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Role  string `json:"role,omitempty" jsonschema:"enum=ceo,enum=cto,enum=cmo,enum=cfo,enum=security,enum=engineer,enum=designer,enum=pm,enum=qa,enum=devops,enum=researcher,enum=general,default=general"`
	Title string `json:"title,omitempty" jsonschema:"maxLength=200"`
	// Icon is the server's enum: the documented examples (user, chart, gear, ...) are refused by Paperclip.
	Icon               string         `json:"icon,omitempty" jsonschema:"enum=bot,enum=cpu,enum=brain,enum=zap,enum=rocket,enum=code,enum=terminal,enum=shield,enum=eye,enum=search,enum=wrench,enum=hammer,enum=lightbulb,enum=sparkles,enum=star,enum=heart,enum=flame,enum=bug,enum=cog,enum=database,enum=globe,enum=lock,enum=mail,enum=message-square,enum=file-code,enum=git-branch,enum=package,enum=puzzle,enum=target,enum=wand,enum=atom,enum=circuit-board,enum=radar,enum=swords,enum=telescope,enum=microscope,enum=crown,enum=gem,enum=hexagon,enum=pentagon,enum=fingerprint"`
	ReportsTo          string         `json:"reportsTo,omitempty" jsonschema:"format=uuid"`
	Capabilities       string         `json:"capabilities,omitempty" jsonschema:"maxLength=5000"`
	DesiredSkills      []string       `json:"desiredSkills,omitempty" jsonschema:"maxItems=100,description=Skill keys or slugs (paperclip_list_company_skills)"`
	AdapterType        string         `json:"adapterType,omitempty" jsonschema:"maxLength=100,default=process,description=e.g. claude_local\\, codex_local\\, http"`
	AdapterConfig      map[string]any `json:"adapterConfig,omitempty"`
	RuntimeConfig      map[string]any `json:"runtimeConfig,omitempty"`
	BudgetMonthlyCents *int64         `json:"budgetMonthlyCents,omitempty" jsonschema:"minimum=0"`
	Permissions        map[string]any `json:"permissions,omitempty" jsonschema:"description=e.g. {canCreateAgents: true}"`
	Metadata           map[string]any `json:"metadata,omitempty"`
}

func createAgent(ctx context.Context, d *Deps, a CreateAgentArgs) (AgentDetail, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return AgentDetail{}, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return AgentDetail{}, inputErrorf("name is blank: give the agent a name.")
	}
	body := map[string]any{"name": name}
	for k, v := range map[string]string{"role": a.Role, "title": a.Title, "icon": a.Icon, "reportsTo": a.ReportsTo, "capabilities": a.Capabilities, "adapterType": a.AdapterType} {
		if v != "" {
			body[k] = v
		}
	}
	for k, v := range map[string]map[string]any{"adapterConfig": a.AdapterConfig, "runtimeConfig": a.RuntimeConfig, "permissions": a.Permissions, "metadata": a.Metadata} {
		if v != nil {
			body[k] = v
		}
	}
	if a.DesiredSkills != nil {
		body["desiredSkills"] = a.DesiredSkills
	}
	if a.BudgetMonthlyCents != nil {
		body["budgetMonthlyCents"] = *a.BudgetMonthlyCents
	}
	ag, err := d.Client.CreateAgent(ctx, companyID, body)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func createAgentMarkdown(_ CreateAgentArgs, a AgentDetail) string {
	return agentMarkdown("Created agent", a, fmt.Sprintf("paperclip_wakeup_agent agentId=%s runs it; paperclip_create_agent_key gives it a key.", a.ID))
}

// createAgentTool declares paperclip_create_agent.
func createAgentTool() Tool {
	return define(Spec{Name: "paperclip_create_agent", Title: "Create an agent", Toolset: AgentAdmin,
		Description: "Create an agent directly. When the company requires board approval for new agents this answers 409: use paperclip_create_agent_hire.",
		Access:      Write, NotFound: "Check companyId and reportsTo. " + findAgent},
		createAgent, createAgentMarkdown)
}

// UpdateAgentArgs are the arguments of paperclip_update_agent.
type UpdateAgentArgs struct {
	AgentID       string         `json:"agentId" jsonschema:"format=uuid"`
	Name          string         `json:"name,omitempty" jsonschema:"maxLength=200"`
	Title         string         `json:"title,omitempty" jsonschema:"maxLength=200"`
	Capabilities  string         `json:"capabilities,omitempty" jsonschema:"maxLength=5000"`
	Status        string         `json:"status,omitempty" jsonschema:"enum=active,enum=paused,enum=idle,enum=running,enum=error,enum=pending_approval,enum=terminated"`
	RuntimeConfig map[string]any `json:"runtimeConfig,omitempty"`
	AdapterConfig map[string]any `json:"adapterConfig,omitempty" jsonschema:"description=Merged into the current one"`
}

func updateAgent(ctx context.Context, d *Deps, a UpdateAgentArgs) (AgentDetail, error) {
	body := map[string]any{}
	for k, v := range map[string]string{"name": strings.TrimSpace(a.Name), "title": a.Title, "capabilities": a.Capabilities, "status": a.Status} {
		if v != "" {
			body[k] = v
		}
	}
	for k, v := range map[string]map[string]any{"adapterConfig": a.AdapterConfig, "runtimeConfig": a.RuntimeConfig} {
		if v != nil {
			body[k] = v
		}
	}
	if len(body) == 0 {
		return AgentDetail{}, inputErrorf("Nothing to change: give at least one of name, title, capabilities, status, runtimeConfig, adapterConfig (permissions: paperclip_update_agent_permissions).")
	}
	ag, err := d.Client.UpdateAgent(ctx, a.AgentID, body)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func updateAgentMarkdown(_ UpdateAgentArgs, a AgentDetail) string {
	return agentMarkdown("Updated agent", a, fmt.Sprintf("paperclip_list_agent_config_revisions agentId=%s shows the change; paperclip_rollback_agent_config undoes it.", a.ID))
}

// updateAgentTool declares paperclip_update_agent.
func updateAgentTool() Tool {
	return define(Spec{Name: "paperclip_update_agent", Title: "Update an agent", Toolset: AgentAdmin,
		Description: "Change an agent's name, title, capabilities, status or configuration; each change is a config revision that can be rolled back.",
		Access:      WriteIdempotent, NotFound: findAgent},
		updateAgent, updateAgentMarkdown)
}

// ---------------------------------------------------------------- lifecycle

// AgentIDArgs identify one agent, for a write.
type AgentIDArgs struct {
	AgentID string `json:"agentId" jsonschema:"format=uuid"`
}

func pauseAgent(ctx context.Context, d *Deps, a AgentIDArgs) (AgentDetail, error) {
	ag, err := d.Client.PauseAgent(ctx, a.AgentID)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func pauseAgentMarkdown(_ AgentIDArgs, a AgentDetail) string {
	return agentMarkdown("Paused agent", a, fmt.Sprintf("paperclip_resume_agent agentId=%s lets it run again.", a.ID))
}

// pauseAgentTool declares paperclip_pause_agent.
func pauseAgentTool() Tool {
	return define(Spec{Name: "paperclip_pause_agent", Title: "Pause an agent", Toolset: AgentAdmin, BoardOnly: true,
		Description: "Board only. Pause an agent: its active runs are cancelled and it is not woken until resumed.",
		Access:      WriteIdempotent, NotFound: findAgent},
		pauseAgent, pauseAgentMarkdown)
}

func resumeAgent(ctx context.Context, d *Deps, a AgentIDArgs) (AgentDetail, error) {
	ag, err := d.Client.ResumeAgent(ctx, a.AgentID)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func resumeAgentMarkdown(_ AgentIDArgs, a AgentDetail) string {
	return agentMarkdown("Resumed agent", a, fmt.Sprintf("paperclip_wakeup_agent agentId=%s runs it now.", a.ID))
}

// resumeAgentTool declares paperclip_resume_agent.
func resumeAgentTool() Tool {
	return define(Spec{Name: "paperclip_resume_agent", Title: "Resume an agent", Toolset: AgentAdmin,
		Description: "Resume a paused agent (it becomes idle and can be woken again).",
		Access:      WriteIdempotent, NotFound: findAgent},
		resumeAgent, resumeAgentMarkdown)
}

// TerminatedAgent is the agent after paperclip_terminate_agent.
type TerminatedAgent struct {
	AgentDetail
	Resent bool `json:"resent,omitempty" jsonschema:"description=True when a run that was ending set the agent back to its own status after the terminate and the terminate was sent again"`
}

// terminateAgent terminates, then reads the agent back. Paperclip 2026.916.1
// ends a run by writing the run's final status, then reading the agent and
// writing the agent's status ("error" for a failed run) with no guard: a run
// that was ending as the terminate landed undoes it a moment later (the keys
// stay revoked, but an agent in error can be woken again). When the read
// shows that, the terminate is sent once more; a read that fails changes
// nothing (the terminate itself answered).
func terminateAgent(ctx context.Context, d *Deps, a AgentIDArgs) (TerminatedAgent, error) {
	ag, err := d.Client.TerminateAgent(ctx, a.AgentID)
	if err != nil {
		return TerminatedAgent{}, err
	}
	back, err := d.Client.GetAgent(ctx, a.AgentID)
	if err != nil || back.Status == "terminated" {
		return TerminatedAgent{AgentDetail: agentDetail(ag)}, nil
	}
	d.logger().Info("terminate undone by an ending run; sending it again", "agent", a.AgentID, "status", back.Status)
	again, err := d.Client.TerminateAgent(ctx, a.AgentID)
	if err != nil {
		return TerminatedAgent{}, fmt.Errorf("the agent was terminated, then set back to %q by a run that was ending; terminating it again failed: %w", back.Status, err)
	}
	return TerminatedAgent{AgentDetail: agentDetail(again), Resent: true}, nil
}

func terminateAgentMarkdown(_ AgentIDArgs, a TerminatedAgent) string {
	md := agentMarkdown("Terminated agent", a.AgentDetail, "") + "Its API keys are revoked. This cannot be undone: create a new agent to replace it.\n"
	if a.Resent {
		md += "A run that was ending set the agent's status back after the first terminate (a Paperclip race); it was terminated again.\n"
	}
	return md
}

// terminateAgentTool declares paperclip_terminate_agent.
func terminateAgentTool() Tool {
	return define(Spec{Name: "paperclip_terminate_agent", Title: "Terminate an agent", Toolset: AgentAdmin, BoardOnly: true,
		Description: "Board only. Terminate an agent for good: it never runs again and all its API keys are revoked. Cannot be undone (pause instead to stop it for a while).",
		Access:      DestructiveIdempotent, NotFound: findAgent},
		terminateAgent, terminateAgentMarkdown)
}

// ---------------------------------------------------------------- keys

// CreateAgentKeyArgs are the arguments of paperclip_create_agent_key.
type CreateAgentKeyArgs struct {
	AgentID   string `json:"agentId" jsonschema:"format=uuid"`
	Name      string `json:"name,omitempty" jsonschema:"maxLength=100,default=default"`
	ExpiresAt string `json:"expiresAt,omitempty" jsonschema:"maxLength=40,description=Not supported: agent keys never expire (refused)"`
}

// AgentKeyView is a new key; its token is in a file, never here.
type AgentKeyView struct {
	ID        string    `json:"id"`
	AgentID   string    `json:"agentId"`
	Name      string    `json:"name"`
	CreatedAt string    `json:"createdAt"`
	Token     ShownOnce `json:"token"`
}

func createAgentKey(ctx context.Context, d *Deps, a CreateAgentKeyArgs) (AgentKeyView, error) {
	if a.ExpiresAt != "" {
		return AgentKeyView{}, inputErrorf("Paperclip agent keys never expire: it has no expiresAt and would drop it silently, so no key was created. " +
			"Create the key without expiresAt and revoke it when it is no longer needed (DELETE /api/agents/{agentId}/keys/{keyId}, or terminate the agent).")
	}
	k, err := d.Client.CreateAgentKey(ctx, a.AgentID, strings.TrimSpace(a.Name))
	if err != nil {
		return AgentKeyView{}, err
	}
	token := k.Token
	k.Token = ""
	saved, err := saveShownOnce("agent-key", k.ID, token)
	if err != nil {
		return AgentKeyView{}, inputErrorf("Key %s was created, but its token (shown once) could not be saved: %v. Revoke it (DELETE /api/agents/%s/keys/%s) and create another once the directory is writable.",
			k.ID, err, a.AgentID, k.ID)
	}
	return AgentKeyView{ID: k.ID, AgentID: a.AgentID, Name: k.Name, CreatedAt: k.CreatedAt, Token: saved}, nil
}

func createAgentKeyMarkdown(_ CreateAgentKeyArgs, k AgentKeyView) string {
	var m md
	m.line("## Created key %s (`%s`) for agent `%s`", k.Name, k.ID, k.AgentID)
	m.line("The token (%d characters) is shown once by Paperclip and was written to `%s` (mode 0600); it is shown nowhere else.", k.Token.Bytes, k.Token.File)
	m.line("It never expires: revoke it when it is no longer needed.")
	return m.String()
}

// createAgentKeyTool declares paperclip_create_agent_key.
func createAgentKeyTool() Tool {
	return define(Spec{Name: "paperclip_create_agent_key", Title: "Create an agent API key", Toolset: AgentAdmin, BoardOnly: true,
		Description: "Board only. Create an API key for an agent. The token is written to a 0600 file under PAPERCLIP_MCP_SECRETS_DIR and never shown; keys never expire.",
		Access:      Write, NotFound: findAgent},
		createAgentKey, createAgentKeyMarkdown)
}

// ---------------------------------------------------------------- config revisions

// AgentPageArgs are the arguments of a paged read about one agent.
type AgentPageArgs struct {
	AgentID string `json:"agentId" jsonschema:"format=uuid"`
	Paging
	Format
}

// ConfigRevisionView is one config revision (the configs are not shown:
// they may hold secrets).
type ConfigRevisionView struct {
	ID             string   `json:"id"`
	Source         string   `json:"source"`
	ChangedKeys    []string `json:"changedKeys"`
	RolledBackFrom string   `json:"rolledBackFrom,omitempty"`
	By             string   `json:"by,omitempty"`
	CreatedAt      string   `json:"createdAt"`
}

func configRevisionView(r *client.ConfigRevision) ConfigRevisionView {
	by := str(r.CreatedByUserID)
	if r.CreatedByAgentID != nil {
		by = "agent:" + *r.CreatedByAgentID
	}
	return ConfigRevisionView{ID: r.ID, Source: r.Source, ChangedKeys: append([]string{}, r.ChangedKeys...), RolledBackFrom: str(r.RolledBackFromRevisionID), By: by, CreatedAt: r.CreatedAt}
}

func listAgentConfigRevisions(ctx context.Context, d *Deps, a AgentPageArgs) (Page[ConfigRevisionView], error) {
	all, err := d.Client.ListAgentConfigRevisions(ctx, a.AgentID)
	if err != nil {
		return Page[ConfigRevisionView]{Items: []ConfigRevisionView{}}, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, configRevisionView), nil
}

func listAgentConfigRevisionsMarkdown(a AgentPageArgs, p Page[ConfigRevisionView]) string {
	var m md
	m.line("## Config revisions of agent `%s`, newest first: %d shown from offset %d (%d in all)", a.AgentID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No revisions: its configuration never changed.")
	}
	for _, r := range p.Items {
		m.line("- %s `%s` %s: %s%s%s", shortTime(r.CreatedAt), r.ID, r.Source, strings.Join(r.ChangedKeys, ", "), wrapped(" (rollback of `", r.RolledBackFrom, "`)"), prefixed(" by ", r.By))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_agent_config_revisions", "")
	if p.Count > 0 {
		m.line("Next: paperclip_rollback_agent_config agentId=%s revisionId=<id> returns to the config that revision made.", a.AgentID)
	}
	return m.String()
}

// listAgentConfigRevisionsTool declares paperclip_list_agent_config_revisions.
func listAgentConfigRevisionsTool() Tool {
	return define(Spec{Name: "paperclip_list_agent_config_revisions", Title: "List an agent's config revisions", Toolset: AgentAdmin,
		Description: "An agent's configuration changes, newest first: which keys changed, when, by whom (values are not shown).",
		Access:      Read, NotFound: findAgent},
		listAgentConfigRevisions, listAgentConfigRevisionsMarkdown)
}

// RollbackArgs are the arguments of paperclip_rollback_agent_config.
type RollbackArgs struct {
	AgentID    string `json:"agentId" jsonschema:"format=uuid"`
	RevisionID string `json:"revisionId" jsonschema:"format=uuid,description=From paperclip_list_agent_config_revisions"`
}

func rollbackAgentConfig(ctx context.Context, d *Deps, a RollbackArgs) (AgentDetail, error) {
	ag, err := d.Client.RollbackAgentConfig(ctx, a.AgentID, a.RevisionID)
	if err != nil {
		return AgentDetail{}, err
	}
	return agentDetail(ag), nil
}

func rollbackAgentConfigMarkdown(a RollbackArgs, ag AgentDetail) string {
	return agentMarkdown("Rolled back agent", ag, "") + fmt.Sprintf("The config as revision `%s` left it is restored, recorded as a new revision (roll back to an earlier one to undo).\n", a.RevisionID)
}

// rollbackAgentConfigTool declares paperclip_rollback_agent_config.
func rollbackAgentConfigTool() Tool {
	return define(Spec{Name: "paperclip_rollback_agent_config", Title: "Roll back an agent's config", Toolset: AgentAdmin,
		Description: "Return an agent's configuration to the state a revision left it in (not the state before it). Recorded as a new revision, so it can be undone the same way.",
		Access:      Write, NotFound: "Check agentId and revisionId: paperclip_list_agent_config_revisions."},
		rollbackAgentConfig, rollbackAgentConfigMarkdown)
}

// ---------------------------------------------------------------- skills

// SkillView is one skill of the company library.
type SkillView struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description,omitempty"`
	SourceType  string `json:"sourceType"`
	TrustLevel  string `json:"trustLevel"`
}

// CompanyPageArgs are the arguments of a paged company read.
type CompanyPageArgs struct {
	CompanyArg
	Paging
	Format
}

func listCompanySkills(ctx context.Context, d *Deps, a CompanyPageArgs) (Page[SkillView], error) {
	page := Page[SkillView]{Items: []SkillView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListCompanySkills(ctx, companyID)
	if err != nil {
		return page, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, func(s *client.Skill) SkillView {
		return SkillView{Key: s.Key, Name: s.Name, Slug: s.Slug, Description: oneLine(str(s.Description), 200), SourceType: s.SourceType, TrustLevel: s.TrustLevel}
	}), nil
}

func listCompanySkillsMarkdown(_ CompanyPageArgs, p Page[SkillView]) string {
	var m md
	m.line("## Company skills: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	for _, s := range p.Items {
		m.line("- **%s** `%s` · %s%s", s.Name, s.Key, s.TrustLevel, prefixed(" · ", s.Description))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_company_skills", "")
	m.line("Next: paperclip_sync_agent_skills agentId=<id> desiredSkills=[<key>] gives an agent skills.")
	return m.String()
}

// listCompanySkillsTool declares paperclip_list_company_skills.
func listCompanySkillsTool() Tool {
	return define(Spec{Name: "paperclip_list_company_skills", Title: "List company skills", Toolset: AgentAdmin,
		Description: "The company's skill library (key, name, trust level, what it does), to give agents with paperclip_sync_agent_skills.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listCompanySkills, listCompanySkillsMarkdown)
}

// SyncSkillsArgs are the arguments of paperclip_sync_agent_skills.
type SyncSkillsArgs struct {
	AgentID       string   `json:"agentId" jsonschema:"format=uuid"`
	DesiredSkills []string `json:"desiredSkills" jsonschema:"maxItems=100,description=Skill keys or slugs"`
	Mode          string   `json:"mode,omitempty" jsonschema:"enum=replace,enum=add,enum=remove,default=replace"`
}

// SkillSyncView is an agent's skills after a sync.
type SkillSyncView struct {
	AgentID       string   `json:"agentId"`
	Mode          string   `json:"mode"`
	Supported     bool     `json:"supported" jsonschema:"description=false: the adapter does not install skills"`
	DesiredSkills []string `json:"desiredSkills"`
	Warnings      []string `json:"warnings"`
}

func syncAgentSkills(ctx context.Context, d *Deps, a SyncSkillsArgs) (SkillSyncView, error) {
	if a.DesiredSkills == nil {
		a.DesiredSkills = []string{}
	}
	r, err := d.Client.SyncAgentSkills(ctx, a.AgentID, a.Mode, a.DesiredSkills)
	if err != nil {
		return SkillSyncView{}, err
	}
	return SkillSyncView{AgentID: a.AgentID, Mode: r.Mode, Supported: r.Supported, DesiredSkills: append([]string{}, r.DesiredSkills...),
		Warnings: append([]string{}, r.Warnings...)}, nil
}

func syncAgentSkillsMarkdown(_ SyncSkillsArgs, v SkillSyncView) string {
	var m md
	m.line("## Skills of agent `%s`: %s", v.AgentID, orDash(strings.Join(v.DesiredSkills, ", ")))
	if !v.Supported {
		m.line("Its adapter does not sync skills (mode %s): nothing was installed.", orDash(v.Mode))
	}
	for _, w := range v.Warnings {
		m.line("- warning: %s", oneLine(w, 300))
	}
	return m.String()
}

// syncAgentSkillsTool declares paperclip_sync_agent_skills.
func syncAgentSkillsTool() Tool {
	return define(Spec{Name: "paperclip_sync_agent_skills", Title: "Set an agent's skills", Toolset: AgentAdmin,
		Description: "Set (replace), add or remove an agent's desired skills; says when its adapter cannot install them.",
		Access:      WriteIdempotent, NotFound: findAgent},
		syncAgentSkills, syncAgentSkillsMarkdown)
}

// ---------------------------------------------------------------- instructions, permissions

// InstructionsPathArgs are the arguments of paperclip_set_agent_instructions_path.
type InstructionsPathArgs struct {
	AgentID          string `json:"agentId" jsonschema:"format=uuid"`
	Path             string `json:"path,omitempty" jsonschema:"maxLength=4096,description=Instructions file; omit or empty to clear it"`
	AdapterConfigKey string `json:"adapterConfigKey,omitempty" jsonschema:"maxLength=100,description=Needed when the adapter has no default key (e.g. process)"`
}

// InstructionsPathView is where an agent reads its instructions.
type InstructionsPathView struct {
	AgentID          string `json:"agentId"`
	AdapterType      string `json:"adapterType"`
	AdapterConfigKey string `json:"adapterConfigKey"`
	Path             string `json:"path,omitempty"`
}

func setAgentInstructionsPath(ctx context.Context, d *Deps, a InstructionsPathArgs) (InstructionsPathView, error) {
	r, err := d.Client.SetAgentInstructionsPath(ctx, a.AgentID, nonEmpty(strings.TrimSpace(a.Path)), a.AdapterConfigKey)
	if err != nil {
		return InstructionsPathView{}, err
	}
	return InstructionsPathView{AgentID: r.AgentID, AdapterType: r.AdapterType, AdapterConfigKey: r.AdapterConfigKey, Path: str(r.Path)}, nil
}

func setAgentInstructionsPathMarkdown(_ InstructionsPathArgs, v InstructionsPathView) string {
	if v.Path == "" {
		return fmt.Sprintf("## Cleared the instructions path of agent `%s` (%s, key %s)\n", v.AgentID, v.AdapterType, v.AdapterConfigKey)
	}
	return fmt.Sprintf("## Agent `%s` reads its instructions from `%s` (%s, key %s)\n", v.AgentID, v.Path, v.AdapterType, v.AdapterConfigKey)
}

// setAgentInstructionsPathTool declares paperclip_set_agent_instructions_path.
func setAgentInstructionsPathTool() Tool {
	return define(Spec{Name: "paperclip_set_agent_instructions_path", Title: "Set an agent's instructions file", Toolset: AgentAdmin, BoardOnly: true,
		Description: "Board only. Point an agent's adapter at an instructions file (e.g. AGENTS.md), or clear it.",
		Access:      WriteIdempotent, NotFound: findAgent},
		setAgentInstructionsPath, setAgentInstructionsPathMarkdown)
}

// PermissionsArgs are the arguments of paperclip_update_agent_permissions.
type PermissionsArgs struct {
	AgentID         string `json:"agentId" jsonschema:"format=uuid"`
	CanAssignTasks  bool   `json:"canAssignTasks"`
	CanCreateAgents bool   `json:"canCreateAgents"`
}

// PermissionsView is what an agent may do after the change.
type PermissionsView struct {
	AgentID         string `json:"agentId"`
	CanAssignTasks  bool   `json:"canAssignTasks"`
	CanCreateAgents bool   `json:"canCreateAgents"`
}

func updateAgentPermissions(ctx context.Context, d *Deps, a PermissionsArgs) (PermissionsView, error) {
	ag, err := d.Client.UpdateAgentPermissions(ctx, a.AgentID, a.CanAssignTasks, a.CanCreateAgents)
	if err != nil {
		return PermissionsView{}, err
	}
	v := PermissionsView{AgentID: ag.ID, CanAssignTasks: a.CanAssignTasks, CanCreateAgents: a.CanCreateAgents}
	if p := ag.Permissions; p != nil {
		v.CanCreateAgents = p.CanCreateAgents
		if p.CanAssignTasks != nil {
			v.CanAssignTasks = *p.CanAssignTasks
		}
	}
	return v, nil
}

func updateAgentPermissionsMarkdown(_ PermissionsArgs, v PermissionsView) string {
	return fmt.Sprintf("## Permissions of agent `%s`\n- can assign tasks: %t\n- can create agents: %t\n", v.AgentID, v.CanAssignTasks, v.CanCreateAgents)
}

// updateAgentPermissionsTool declares paperclip_update_agent_permissions.
func updateAgentPermissionsTool() Tool {
	return define(Spec{Name: "paperclip_update_agent_permissions", Title: "Set an agent's permissions", Toolset: AgentAdmin,
		Description: "Set whether an agent may assign tasks and create agents. The board or the company's CEO agent may call it.",
		Access:      WriteIdempotent, NotFound: findAgent},
		updateAgentPermissions, updateAgentPermissionsMarkdown)
}

// ---------------------------------------------------------------- invoke

// InvokeArgs are the arguments of paperclip_invoke_heartbeat.
type InvokeArgs struct {
	AgentID string `json:"agentId,omitempty" jsonschema:"format=uuid,description=Defaults to PAPERCLIP_AGENT_ID (an agent may invoke only itself)"`
}

func invokeHeartbeat(ctx context.Context, d *Deps, a InvokeArgs) (WakeupResult, error) {
	agentID, err := d.agent(a.AgentID, true)
	if err != nil {
		return WakeupResult{}, err
	}
	res, err := d.Client.InvokeHeartbeat(ctx, agentID)
	if err != nil {
		return WakeupResult{}, err
	}
	return wakeupResult(res), nil
}

func invokeHeartbeatMarkdown(_ InvokeArgs, w WakeupResult) string {
	return wakeupMarkdown(WakeupArgs{}, w)
}

// invokeHeartbeatTool declares paperclip_invoke_heartbeat.
func invokeHeartbeatTool() Tool {
	return define(Spec{Name: "paperclip_invoke_heartbeat", Title: "Invoke a heartbeat", Toolset: AgentAdmin,
		Description: "Start an on-demand heartbeat run of an agent (the legacy form of paperclip_wakeup_agent, which takes a reason and payload).",
		Access:      Write, OpenWorld: true, NotFound: findAgent},
		invokeHeartbeat, invokeHeartbeatMarkdown)
}

func agentAdminTools() []Tool {
	return []Tool{createAgentTool(), updateAgentTool(), pauseAgentTool(), resumeAgentTool(), terminateAgentTool(), createAgentKeyTool(),
		listAgentConfigRevisionsTool(), rollbackAgentConfigTool(), listCompanySkillsTool(), syncAgentSkillsTool(),
		setAgentInstructionsPathTool(), updateAgentPermissionsTool(), invokeHeartbeatTool()}
}
