package tools

import (
	"fmt"
	"strings"
)

// Toolset groups tools by documented area. It is data on each tool: the
// selection at start, the README table and the instructions read it.
type Toolset string

// The toolsets. A later area is one more constant and one more row in
// toolsetInfo.
const (
	Identity     Toolset = "identity"
	Issues       Toolset = "issues"
	Comments     Toolset = "comments"
	Documents    Toolset = "documents"
	Attachments  Toolset = "attachments"
	Labels       Toolset = "labels"
	Runs         Toolset = "runs"
	Agents       Toolset = "agents"
	AgentAdmin   Toolset = "agent_admin"
	Approvals    Toolset = "approvals"
	Goals        Toolset = "goals"
	Projects     Toolset = "projects"
	Routines     Toolset = "routines"
	Dashboard    Toolset = "dashboard"
	Companies    Toolset = "companies"
	CompanyAdmin Toolset = "company_admin"
	Plugins      Toolset = "plugins"
	Secrets      Toolset = "secrets"
	Feedback     Toolset = "feedback"
	Portability  Toolset = "import_export"
	API          Toolset = "api"
	Settings     Toolset = "settings"
	Cloud        Toolset = "cloud"
)

// ToolsetInfo describes one toolset.
type ToolsetInfo struct {
	Name  Toolset
	Title string
	// Default toolsets are served when no selection is given: what an agent
	// inside a heartbeat needs, and what a developer debugging a run needs.
	Default bool
	// Hint is a few words for the server's instructions.
	Hint string
}

// toolsetInfo is every toolset, in the order the README and the
// instructions show them.
var toolsetInfo = []ToolsetInfo{
	{Identity, "Identity", true, "who am I, my inbox"},
	{Issues, "Issues", true, "list, read, create, update, check out and release issues"},
	{Comments, "Comments", true, "an issue's comments"},
	{Documents, "Documents", true, "an issue's documents and their revisions"},
	{Attachments, "Attachments", false, "an issue's files"},
	{Labels, "Labels", false, "a company's issue labels"},
	{Runs, "Heartbeat runs", true, "runs, their events and logs; diagnose a failure"},
	{Agents, "Agents", true, "a company's agents and org chart; wake one"},
	{AgentAdmin, "Agent administration", false, "hire, configure, pause, resume, terminate agents; keys, skills, config revisions"},
	{Approvals, "Approvals", false, "board approvals: hires, strategy, budget overrides"},
	{Goals, "Goals", false, "company, team and agent goals"},
	{Projects, "Projects and workspaces", false, "projects and their workspaces"},
	{Routines, "Routines", false, "recurring work: schedules, webhooks, runs"},
	{Dashboard, "Dashboard, activity and costs", false, "company counts, the activity log, spend"},
	{Companies, "Companies", true, "the companies of the instance"},
	{CompanyAdmin, "Company administration", false, "create, update, archive companies"},
	{Plugins, "Plugins", false, "installed plugins and examples; install, enable, disable (instance admin)"},
	{Secrets, "Secrets", false, "a company's secrets: create, list, rotate, update; values never shown"},
	{Feedback, "Feedback traces", false, "votes on agent output and their bundles"},
	{Portability, "Company import and export", false, "export a company; preview and apply an import"},
	{API, "Every other API operation", false, "search, describe and call any operation of the server's OpenAPI document"},
	{Settings, "Instance settings", false, "experimental flags (instance admin)"},
	{Cloud, "Cloud upstream sync", false, "push a company to Paperclip Cloud"},
}

// Toolsets is every toolset.
func Toolsets() []ToolsetInfo { return toolsetInfo }

func (ts Toolset) info() (ToolsetInfo, bool) {
	for _, i := range toolsetInfo {
		if i.Name == ts {
			return i, true
		}
	}
	return ToolsetInfo{}, false
}

// Access says what a tool does to Paperclip. Its zero value is no access
// kind at all, and define refuses it: every tool states one.
type Access int

const (
	_ Access = iota
	// Read changes nothing (and so is idempotent).
	Read
	// Write changes something; calling it twice may change it twice.
	Write
	// WriteIdempotent changes something; calling it again changes nothing more.
	WriteIdempotent
	// Destructive deletes, cancels or overwrites what cannot be restored.
	Destructive
	// DestructiveIdempotent is destructive, and a repeat changes nothing more.
	DestructiveIdempotent
)

func (a Access) valid() bool { return a >= Read && a <= DestructiveIdempotent }

// ReadOnly is true for tools that change nothing.
func (a Access) ReadOnly() bool { return a == Read }

// Destructive is true for tools that delete, cancel or overwrite.
func (a Access) Destructive() bool { return a == Destructive || a == DestructiveIdempotent }

// Idempotent is true when a repeat with the same arguments changes nothing more.
func (a Access) Idempotent() bool {
	return a == Read || a == WriteIdempotent || a == DestructiveIdempotent
}

// Selection is what the server serves, decided at start.
type Selection struct {
	// Toolsets: names, "default" or "all"; empty means "default".
	Toolsets []string
	// Tools are added by name, whatever their toolset (and even board-only
	// ones under a non-board key).
	Tools []string
	// Exclude removes tools by name.
	Exclude []string
	// ReadOnly serves only the tools whose Access is Read, or their
	// read-only form when they have one.
	ReadOnly bool
	// NotBoard is true when the key is an agent key or a run JWT: board-only
	// tools are then left out unless named in Tools.
	NotBoard bool
}

// Select returns the tools of the selection, in registry order, or an error
// naming what is unknown and listing the valid names.
func Select(sel Selection) ([]Tool, error) {
	all := Registry()
	byName := map[string]Tool{}
	for _, t := range all {
		byName[t.Spec.Name] = t
	}
	sets := map[Toolset]bool{}
	names := sel.Toolsets
	if len(names) == 0 {
		names = []string{"default"}
	}
	var bad []string
	for _, n := range names {
		switch n = strings.TrimSpace(strings.ToLower(n)); n {
		case "":
		case "default":
			for _, i := range toolsetInfo {
				if i.Default {
					sets[i.Name] = true
				}
			}
		case "all":
			for _, i := range toolsetInfo {
				sets[i.Name] = true
			}
		default:
			if _, ok := Toolset(n).info(); !ok {
				bad = append(bad, n)
				continue
			}
			sets[Toolset(n)] = true
		}
	}
	if len(bad) > 0 {
		valid := []string{"default", "all"}
		for _, i := range toolsetInfo {
			valid = append(valid, string(i.Name))
		}
		return nil, fmt.Errorf("unknown toolset %s; valid toolsets: %s", strings.Join(quoteAll(bad), ", "), strings.Join(valid, ", "))
	}
	named := map[string]bool{}
	excluded := map[string]bool{}
	for _, list := range [][]string{sel.Tools, sel.Exclude} {
		for _, n := range list {
			if n = strings.TrimSpace(n); n != "" {
				if _, ok := byName[n]; !ok {
					bad = append(bad, n)
				}
			}
		}
	}
	if len(bad) > 0 {
		valid := make([]string, 0, len(all))
		for _, t := range all {
			valid = append(valid, t.Spec.Name)
		}
		return nil, fmt.Errorf("unknown tool %s; valid tools: %s", strings.Join(quoteAll(bad), ", "), strings.Join(valid, ", "))
	}
	for _, n := range sel.Tools {
		named[strings.TrimSpace(n)] = true
	}
	for _, n := range sel.Exclude {
		excluded[strings.TrimSpace(n)] = true
	}
	out := []Tool{}
	for _, t := range all {
		s := t.Spec
		in := named[s.Name] || (sets[s.Toolset] && !(sel.NotBoard && s.BoardOnly))
		if !in || excluded[s.Name] {
			continue
		}
		if sel.ReadOnly && !s.Access.ReadOnly() {
			if t.readOnly != nil { // a read-only form of the tool (call_api_operation: GET only)
				out = append(out, *t.readOnly)
			}
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// Instructions is the server's instructions for the tools it serves: a few
// lines, under 2 KB (hosts cut longer ones).
func Instructions(tools []Tool) string {
	served := map[Toolset]int{}
	has := map[string]bool{}
	for _, t := range tools {
		served[t.Spec.Toolset]++
		has[t.Spec.Name] = true
	}
	var b strings.Builder
	b.WriteString("Tools over a Paperclip control plane.")
	var parts []string
	for _, i := range toolsetInfo {
		if served[i.Name] > 0 {
			parts = append(parts, fmt.Sprintf("%s (%s)", i.Name, i.Hint))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" Served: " + strings.Join(parts, "; ") + ".")
	}
	if has["paperclip_diagnose_run"] {
		b.WriteString(" To debug an agent: paperclip_diagnose_run (runId, or agentId for its latest failure); then paperclip_list_run_events and paperclip_get_run_log for details.")
	}
	if has["paperclip_get_inbox"] {
		b.WriteString(" In a heartbeat: paperclip_get_inbox for your work, paperclip_checkout_issue before working on an issue, paperclip_add_comment to report.")
	}
	b.WriteString(" Read tools take response_format=json for data, markdown (default) for reading. Company-scoped tools default companyId to PAPERCLIP_COMPANY_ID.")
	return b.String()
}
