package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Prompts are recipes: which tools to call, in what order, with which
// arguments, for the tasks people most often bring to this server. Their
// text is built from the arguments given (each checked first: a value that
// cannot be right is refused with what to do) and from the tools this
// server serves: a tool the recipe needs that is not served is named with
// the way to serve it. Getting a prompt sends nothing to Paperclip: the
// recipe's first step reads what is needed, and completion (completions.go)
// offers the ids while the person types.

// argKind is what a prompt argument or resource template parameter holds;
// completion offers values by kind.
type argKind int

const (
	kindNone argKind = iota
	kindRun
	kindAgent
	kindCompany
	kindIssue
)

// promptArg is one argument of a prompt. Every argument is optional.
type promptArg struct {
	Name        string
	Description string
	Kind        argKind
	// check refuses a value that cannot be right, saying what to do.
	check func(prompt, name, value string) error
}

// promptDef is one prompt: its words, arguments and recipe.
type promptDef struct {
	Name        string
	Title       string
	Description string
	Args        []promptArg
	recipe      func(r *recipe, args map[string]string)
}

// prompts is every prompt, in the order prompts/list shows them.
var prompts = []promptDef{debugFailedRunPrompt, pushCompanyToCloudPrompt, triageMyInboxPrompt, reviewPendingApprovalsPrompt}

// promptByName finds a prompt definition.
func promptByName(name string) (promptDef, bool) {
	for _, p := range prompts {
		if p.Name == name {
			return p, true
		}
	}
	return promptDef{}, false
}

// arg finds an argument of the prompt.
func (p promptDef) arg(name string) (promptArg, bool) {
	for _, a := range p.Args {
		if a.Name == name {
			return a, true
		}
	}
	return promptArg{}, false
}

// uuidArg checks a UUID argument; what tells where to find a valid one.
func uuidArg(what string) func(prompt, name, value string) error {
	return func(prompt, name, value string) error {
		if client.IsUUID(value) {
			return nil
		}
		return inputErrorf("prompt %s: %s must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got %q. %s Or leave it empty.",
			prompt, name, clip(value, 60), what)
	}
}

func remoteURLArg(prompt, name, value string) error {
	if _, err := client.ValidateRemoteURL(value); err != nil {
		return inputErrorf("prompt %s: %s is not a usable cloud stack address: %v. Give its https address (http only for localhost), such as https://cloud.example.com, or leave it empty.",
			prompt, name, err)
	}
	return nil
}

var (
	runIDArg = promptArg{Name: "runId", Kind: kindRun,
		Description: "The heartbeat run to debug (a UUID). Leave it empty for the newest failed run of agentId, or of the company.",
		check:       uuidArg("Run ids are listed by paperclip_list_heartbeat_runs (completion offers the recent ones).")}
	companyIDArg = promptArg{Name: "companyId", Kind: kindCompany,
		Description: "The company (a UUID); defaults to PAPERCLIP_COMPANY_ID.",
		check:       uuidArg("Company ids are listed by paperclip_list_companies (completion offers them).")}
)

func agentIDArg(desc string) promptArg {
	return promptArg{Name: "agentId", Kind: kindAgent, Description: desc,
		check: uuidArg("Agent ids are listed by paperclip_list_agents (completion offers them by name).")}
}

// registerPrompts adds the prompts to s. served is the tool selection: a
// recipe says how to serve a tool it needs that is not in it.
func registerPrompts(s *server.MCPServer, d *Deps, served []Tool) {
	has := make(map[string]bool, len(served))
	for _, t := range served {
		has[t.Spec.Name] = true
	}
	for _, p := range prompts {
		opts := []mcp.PromptOption{mcp.WithPromptTitle(p.Title), mcp.WithPromptDescription(p.Description)}
		for _, a := range p.Args {
			opts = append(opts, mcp.WithArgument(a.Name, mcp.ArgumentDescription(a.Description)))
		}
		s.AddPrompt(mcp.NewPrompt(p.Name, opts...), func(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			text, err := p.render(d, served, has, req.Params.Arguments)
			if err != nil {
				return nil, err
			}
			return mcp.NewGetPromptResult(p.Description, []mcp.PromptMessage{
				mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
			}), nil
		})
	}
}

// render checks the arguments and builds the recipe's text.
func (p promptDef) render(d *Deps, served []Tool, has map[string]bool, raw map[string]string) (string, error) {
	args := map[string]string{}
	var unknown []string
	for k, v := range raw {
		a, ok := p.arg(k)
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if err := a.check(p.Name, k, v); err != nil {
			return "", err
		}
		args[k] = v
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		names := make([]string, len(p.Args))
		for i, a := range p.Args {
			names[i] = a.Name
		}
		return "", fmt.Errorf("prompt %s has no argument %s; its arguments (all optional) are %s",
			p.Name, strings.Join(quoteAll(unknown), ", "), strings.Join(names, ", "))
	}
	r := &recipe{d: d, served: served, has: has}
	p.recipe(r, args)
	return r.String(), nil
}

// recipe collects a prompt's text and the tools it names.
type recipe struct {
	d      *Deps
	served []Tool
	has    map[string]bool

	title string
	notes []string
	steps []string
	used  []string
}

// t names a tool in the text and remembers it.
func (r *recipe) t(name string) string {
	for _, u := range r.used {
		if u == name {
			return "`" + name + "`"
		}
	}
	r.used = append(r.used, name)
	return "`" + name + "`"
}

func (r *recipe) note(format string, a ...any) { r.notes = append(r.notes, fmt.Sprintf(format, a...)) }
func (r *recipe) step(format string, a ...any) { r.steps = append(r.steps, fmt.Sprintf(format, a...)) }

// companyOr is the companyId argument or the configured default, else
// placeholder (and no step to find it).
func (r *recipe) companyOr(args map[string]string, placeholder string) string {
	if c := args["companyId"]; c != "" {
		return c
	}
	if r.d != nil && r.d.CompanyID != "" {
		return r.d.CompanyID
	}
	return placeholder
}

// company is the companyId to write in the steps: the argument, else the
// configured default, else a placeholder and a first step that finds it.
func (r *recipe) company(args map[string]string) string {
	if c := r.companyOr(args, ""); c != "" {
		return c
	}
	r.step("Find the company: ask the person which one, or call %s and pick it by name. Use its id as companyId below.", r.t("paperclip_list_companies"))
	return "<companyId>"
}

func (r *recipe) String() string {
	var b strings.Builder
	b.WriteString(r.title + "\n")
	if missing := r.missing(); missing != "" {
		b.WriteString("\n" + missing + "\n")
	}
	for _, n := range r.notes {
		b.WriteString("\n" + n + "\n")
	}
	b.WriteString("\nSteps:\n")
	for i, s := range r.steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	return b.String()
}

// missing says which tools the recipe names that this server does not
// serve, and how to serve them.
func (r *recipe) missing() string {
	byName := map[string]Tool{}
	for _, t := range Registry() {
		byName[t.Spec.Name] = t
	}
	servedSets := map[Toolset]bool{}
	for _, t := range r.served {
		servedSets[t.Spec.Toolset] = true
	}
	var leftOut []string
	unserved := map[Toolset][]string{}
	for _, name := range r.used {
		if r.has[name] {
			continue
		}
		t, ok := byName[name]
		if !ok {
			continue // a test keeps every name in the registry
		}
		if servedSets[t.Spec.Toolset] {
			leftOut = append(leftOut, name)
			continue
		}
		unserved[t.Spec.Toolset] = append(unserved[t.Spec.Toolset], name)
	}
	var lines []string
	if len(unserved) > 0 {
		var parts []string
		add := map[Toolset]bool{}
		for _, i := range toolsetInfo {
			if names := unserved[i.Name]; len(names) > 0 {
				parts = append(parts, fmt.Sprintf("the %s toolset (%s)", i.Name, strings.Join(names, ", ")))
				add[i.Name] = true
			}
		}
		lines = append(lines, fmt.Sprintf("This server does not serve %s: restart it with PAPERCLIP_TOOLSETS=%s (in the MCP host's configuration), or ask the person to.",
			strings.Join(parts, " or "), toolsetsWith(servedSets, add)))
	}
	if len(leftOut) > 0 {
		lines = append(lines, fmt.Sprintf("This server does not serve %s, although it serves their toolsets: read-only mode (PAPERCLIP_READ_ONLY), PAPERCLIP_EXCLUDE_TOOLS, "+
			"or a board-only tool under an agent key left them out. To serve them, restart it without PAPERCLIP_READ_ONLY and with PAPERCLIP_TOOLS=%s.",
			strings.Join(leftOut, ", "), strings.Join(leftOut, ",")))
	}
	if len(lines) == 0 {
		return ""
	}
	lines = append(lines, "Until then, the steps that use them cannot be done here: say so, and do the steps you can.")
	return strings.Join(lines, "\n")
}

// toolsetsWith is the PAPERCLIP_TOOLSETS value that keeps what is served
// and adds more: "default" stands for all the default toolsets.
func toolsetsWith(served, add map[Toolset]bool) string {
	allDefault := true
	for _, i := range toolsetInfo {
		if i.Default && !served[i.Name] {
			allDefault = false
		}
	}
	var names []string
	if allDefault || len(served) == 0 {
		names = append(names, "default")
	}
	for _, i := range toolsetInfo {
		keep := served[i.Name] && !(i.Default && (allDefault || len(served) == 0))
		if keep || add[i.Name] {
			names = append(names, string(i.Name))
		}
	}
	return strings.Join(names, ",")
}

// ---------------------------------------------------------------- debug-failed-run

var debugFailedRunPrompt = promptDef{
	Name:  "debug-failed-run",
	Title: "Debug a failed heartbeat run",
	Description: "Find a failed heartbeat run (the one given, or the newest failed run of an agent or of the company), diagnose it, " +
		"read its log around the failure and its events, and say the cause and the fix.",
	Args: []promptArg{runIDArg,
		agentIDArg("Only when runId is empty: debug the newest failed run of this agent (a UUID)."),
		{Name: "companyId", Kind: kindCompany, check: companyIDArg.check,
			Description: "Only when runId is empty: the company to search (a UUID); defaults to PAPERCLIP_COMPANY_ID."}},
	recipe: func(r *recipe, args map[string]string) {
		run := args["runId"]
		if run != "" {
			r.title = fmt.Sprintf("Debug the Paperclip heartbeat run %s: find why it failed and how to fix it.", run)
		} else {
			scope := "of the company"
			if a := args["agentId"]; a != "" {
				scope = "of agent " + a
			}
			r.title = fmt.Sprintf("Debug the newest failed Paperclip heartbeat run %s: find why it failed and how to fix it.", scope)
			c := r.company(args)
			filter := "companyId=" + c
			if a := args["agentId"]; a != "" {
				filter += ", agentId=" + a
			}
			r.step("Find the run: call %s with %s, status=failed, limit=1. Its first item is the newest failed run: use its id as runId below. "+
				"If there is none, try status=timed_out, then status=interrupted (failures too). If none of them finds a run, say that no run %s failed among the newest runs Paperclip lists, and stop.",
				r.t("paperclip_list_heartbeat_runs"), filter, scope)
			run = "<the run's id from the list>"
		}
		r.step("Call %s with runId=%s. It reads the run, its error and warning events and the end of its log, and sums up what went wrong. "+
			"Note the status, error and errorCode, exit code, the command it ran, the run's agentId, and the byte where the log tail starts (\"Log tail (from byte N)\"; logTailFrom in JSON). "+
			"If the run did not fail (succeeded or cancelled) or has not finished, say so and stop: there is no failure to explain (%s follows a running run).",
			r.t("paperclip_diagnose_run"), run, r.t("paperclip_list_run_events"))
		r.step("Read the log around the failure: call %s with runId=%s, offset=<N - 16384, or 0 when that is below 0>, limitBytes=32768. "+
			"Lines are NDJSON {ts, stream, chunk}: the stderr lines and the last lines before the exit usually hold the cause. "+
			"If it starts earlier, read the window before (offset 32768 smaller); to read on, pass the returned nextOffset as offset.",
			r.t("paperclip_get_run_log"), run)
		r.step("If that does not explain it, call %s with runId=%s, afterSeq=0, limit=200, and again with afterSeq=<nextAfterSeq> while has_more is true. "+
			"Look at the level=error events and at adapter.invoke (command, args, cwd).", r.t("paperclip_list_run_events"), run)
		r.step("If the agent itself may be the problem (paused, wrong adapter, over budget), call %s with agentId=<the run's agentId>.", r.t("paperclip_get_agent"))
		r.step("Answer in a few lines: the cause (one or two sentences); the evidence (the error lines quoted, with their event seq or log time); "+
			"and the fix: what to change and where (the agent's command, working directory, env or instructions; the issue's input; a Paperclip setting). "+
			"Change nothing yourself. Once it is fixed, %s with agentId=<the run's agentId> runs the agent again: only if the person asks.", r.t("paperclip_wakeup_agent"))
	},
}

// ---------------------------------------------------------------- push-company-to-cloud

var pushCompanyToCloudPrompt = promptDef{
	Name:  "push-company-to-cloud",
	Title: "Push a company to Paperclip Cloud",
	Description: "Push a local company into a Paperclip Cloud stack, in order: the enableCloudSync flag, a connection, a preview, " +
		"the person's go-ahead, the push, following it, and activating what it imported (everything lands paused).",
	Args: []promptArg{
		{Name: "companyId", Kind: kindCompany, check: companyIDArg.check,
			Description: "The local company to push (a UUID); defaults to PAPERCLIP_COMPANY_ID."},
		{Name: "remoteUrl", check: remoteURLArg,
			Description: "The cloud stack's address (https; http only for localhost), needed when the company has no connection to it yet."},
		{Name: "connectionId", check: uuidArg("Connection ids are listed by paperclip_list_cloud_upstreams."),
			Description: "An existing cloud upstream connection to push over (a UUID, from paperclip_list_cloud_upstreams)."},
	},
	recipe: func(r *recipe, args map[string]string) {
		c := r.company(args)
		if args["companyId"] != "" || (r.d != nil && r.d.CompanyID != "") {
			r.title = fmt.Sprintf("Push the Paperclip company %s to a Paperclip Cloud stack.", c)
		} else {
			r.title = "Push a Paperclip company to a Paperclip Cloud stack."
		}
		r.note("These tools are board only (a board key, or no key on a local_trusted server), and turning the flag on needs an instance admin. " +
			"Nothing reaches the cloud stack before the person says yes to the push.")
		remote := args["remoteUrl"]
		if remote == "" {
			remote = "<the cloud stack's address: ask the person>"
		}
		conn := args["connectionId"]
		r.step("Call %s. If enableCloudSync is off, ask the person whether to turn it on; only on their yes, call %s with enableCloudSync=true, "+
			"and check that its answer says the flag was stored (a server that drops it does not serve cloud sync).",
			r.t("paperclip_get_experimental_settings"), r.t("paperclip_update_experimental_settings"))
		pick := fmt.Sprintf("Use the connection to %s if it is connected (tokenStatus connected).", remote)
		if conn != "" {
			pick = fmt.Sprintf("Check that connection %s is there and connected (tokenStatus connected).", conn)
		}
		r.step("Call %s with companyId=%s: the company's connections (tokenStatus pending, connected, expired or revoked) and its recent push runs. "+
			"If it says this Paperclip server does not serve cloud upstream sync, tell the person and stop: no setting changes that. %s "+
			"If a push run of that connection is running, follow it (see \"Follow the run\" below) instead of starting another.",
			r.t("paperclip_list_cloud_upstreams"), c, pick)
		if conn == "" {
			conn = "<connectionId>"
		}
		r.step("Only when there is no connected connection (none, or tokenStatus expired or revoked): call %s with remoteUrl=%s and fix what it reports first. "+
			"Then call %s with companyId=%s, remoteUrl=%s; give the person the authorizationUrl to open and approve, and ask for the address the browser lands on. "+
			"Call %s with pendingConnectionId=<from the start call>, code=<the code parameter of that address>, state=<its state parameter>. The connection's id is connectionId below.",
			r.t("paperclip_check_cloud_upstream"), remote, r.t("paperclip_start_cloud_connect"), c, remote, r.t("paperclip_finish_cloud_connect"))
		r.step("Call %s with connectionId=%s, companyId=%s (nothing is written). If the verdict is blocked (schema mismatch or a blocker warning), explain it and stop. "+
			"If it needs attention (conflicts, stale mappings), show them, resolve them with the person, and preview again.",
			r.t("paperclip_preview_cloud_push"), conn, c)
		r.step("Show the person what the push will do: the counts per entity type, the warnings, the conflicts with their planned actions, and that everything lands paused. " +
			"Ask them plainly whether to push now, and wait for an explicit yes. No yes, no push.")
		r.step("On their yes: call %s with connectionId=%s, companyId=%s, wait=true. (If it says a push already runs on this connection, follow that run instead.)",
			r.t("paperclip_cloud_push"), conn, c)
		r.step("Follow the run until its status is succeeded, failed or cancelled: %s with connectionId=%s, runId=<the push run's id>, companyId=%s. "+
			"If the person wants it stopped: %s with connectionId=%s, runId=<the push run's id>, companyId=%s (what already arrived stays there, paused). "+
			"If it failed, explain its error; after a fix, and on the person's yes, push again with %s connectionId=%s, companyId=%s, retryOfRunId=<the failed run's id>.",
			r.t("paperclip_get_cloud_push_run"), conn, c, r.t("paperclip_cancel_cloud_push_run"), conn, c, r.t("paperclip_cloud_push"), conn, c)
		r.step("After a succeeded run, activate what it imported, one type at a time, each on the person's word and after they checked the cloud stack: "+
			"%s with connectionId=%s, runId=<the push run's id>, companyId=%s, entityType=agents; then entityType=routines; then entityType=monitors.",
			r.t("paperclip_activate_cloud_entities"), conn, c)
		r.step("Sum up: what was pushed, the run id and its targetUrl, and what is still paused.")
	},
}

// ---------------------------------------------------------------- triage-my-inbox

var triageMyInboxPrompt = promptDef{
	Name:  "triage-my-inbox",
	Title: "Triage my inbox",
	Description: "Triage the open issues assigned to an agent (by default the agent this server acts as): read each, decide, " +
		"and check it out, comment on it or update its status.",
	Args: []promptArg{
		agentIDArg("Whose inbox (a UUID); defaults to PAPERCLIP_AGENT_ID, else the agent whose key this server uses."),
		companyIDArg,
	},
	recipe: func(r *recipe, args map[string]string) {
		agent := args["agentId"]
		if agent == "" && r.d != nil {
			agent = r.d.AgentID
		}
		open := "status=todo,in_progress,blocked"
		if agent != "" {
			r.title = fmt.Sprintf("Triage the open issues assigned to agent %s.", agent)
			c := r.company(args)
			r.step("List them: call %s with companyId=%s, assigneeAgentId=%s, %s, limit=50, and again with offset=<next_offset> while has_more is true. "+
				"(When this server runs with that agent's own key, %s gives the same list with blockers.)",
				r.t("paperclip_list_issues"), c, agent, open, r.t("paperclip_get_inbox"))
		} else {
			r.title = "Triage the open issues assigned to me (the agent this server acts as)."
			c := r.companyOr(args, "<companyId: ask the person>")
			r.step("Find out who \"me\" is: call %s. If it answers, you are that agent: call %s (limit=50; again with offset=<next_offset> while has_more is true) "+
				"for your open issues (todo, in_progress, blocked). If it says this server acts as a board, a board has no inbox: ask the person whose inbox to triage "+
				"(agent ids: %s with companyId=%s), then call %s with companyId=%s, assigneeAgentId=<that agent's id>, %s, limit=50.",
				r.t("paperclip_get_me"), r.t("paperclip_get_inbox"), r.t("paperclip_list_agents"), c, r.t("paperclip_list_issues"), c, open)
			agent = "<the agent's id>"
		}
		r.step("Order them: in_progress first (work already started), then by priority (critical, high, medium, low); blocked ones last. "+
			"For each, call %s with issueId=<its identifier, such as ABC-12> (description, blockers, parent) and %s with issueId=<the same>, order=desc, limit=10 (the latest discussion). "+
			"%s with issueId=<the same> adds what a heartbeat would see, when needed.",
			r.t("paperclip_get_issue"), r.t("paperclip_list_comments"), r.t("paperclip_get_heartbeat_context"))
		r.step("Decide one action per issue:\n"+
			"   - work on it now: %s with issueId=<id>, agentId=%s (it becomes in_progress; an agent needs its live run, PAPERCLIP_RUN_ID). Take one issue at a time.\n"+
			"   - blocked: %s with issueId=<id>, status=blocked, comment=<what it waits on, and on whom>.\n"+
			"   - needs an answer: %s with issueId=<id>, body=<the question, and to whom>.\n"+
			"   - finished: %s with issueId=<id>, status=done (or status=in_review when someone should check it), comment=<what was done>.\n"+
			"   - not this agent's: %s with issueId=<id>, assigneeAgentId=<the right agent>, comment=<why>; or %s with issueId=<id> to hand it back unassigned (the assignee only, from its live run).\n"+
			"   - will not be done: %s with issueId=<id>, status=cancelled, comment=<why>.\n"+
			"   Issue statuses: backlog, todo, in_progress, in_review, done, blocked, cancelled.",
			r.t("paperclip_checkout_issue"), agent, r.t("paperclip_update_issue"), r.t("paperclip_add_comment"), r.t("paperclip_update_issue"),
			r.t("paperclip_update_issue"), r.t("paperclip_release_issue"), r.t("paperclip_update_issue"))
		r.step("Say the plan in one line per issue before changing anything. When a person is with you, apply it on their word; in a heartbeat run, apply it. " +
			"Leave alone what you are unsure of, and say why.")
		r.step("End with a table: issue, title, status before and after, the action taken, and what comes next.")
	},
}

// ---------------------------------------------------------------- review-pending-approvals

var reviewPendingApprovalsPrompt = promptDef{
	Name:  "review-pending-approvals",
	Title: "Review pending approvals",
	Description: "Go through a company's pending board approvals with the person: list them, read each, present it, and approve, " +
		"reject or ask for a revision only on the person's word, with a decision note.",
	Args: []promptArg{companyIDArg},
	recipe: func(r *recipe, args map[string]string) {
		c := r.company(args)
		if c == "<companyId>" {
			r.title = "Review the pending board approvals of a Paperclip company with the person."
		} else {
			r.title = fmt.Sprintf("Review the pending board approvals of the Paperclip company %s with the person.", c)
		}
		r.note("Deciding is board only (a board key, or no key on a local_trusted server). Never decide on your own: every decision is the person's.")
		r.step("Call %s with companyId=%s, status=pending, limit=50 (again with offset=<next_offset> while has_more is true). If there is none, say so and stop.",
			r.t("paperclip_list_approvals"), c)
		r.step("For each, oldest first: call %s with approvalId=<id> (type, requester, payload), %s with approvalId=<id> (the issues it is for) "+
			"and %s with approvalId=<id> (the discussion).",
			r.t("paperclip_get_approval"), r.t("paperclip_list_approval_issues"), r.t("paperclip_list_approval_comments"))
		r.step("Present each to the person in a few lines: its type (hire_agent, approve_ceo_strategy, budget_override_required, request_board_approval), who asks, " +
			"what exactly is asked (for a hire: name, role, adapter, budget; for a budget override: the amount), the linked issues, open questions in the comments, " +
			"and your recommendation with its reason, marked as yours. Then ask for their decision.")
		r.step("Act only on the person's explicit word, one approval at a time, with a decision note in their words:\n"+
			"   - approve: %s with approvalId=<id>, decisionNote=<note> (a hire's agent becomes active).\n"+
			"   - reject: %s with approvalId=<id>, reason=<note> (for good: rejecting a hire terminates its agent; confirm first).\n"+
			"   - send back for changes: %s with approvalId=<id>, feedback=<what to change>.\n"+
			"   - ask first: %s with approvalId=<id>, body=<the question>; it stays pending.\n"+
			"   Without a decision, leave it pending.",
			r.t("paperclip_approve"), r.t("paperclip_reject"), r.t("paperclip_request_revision"), r.t("paperclip_add_approval_comment"))
		r.step("Sum up: each approval, the decision and its note, and what is still pending.")
	},
}
