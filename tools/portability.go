package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Company import and export. An export is a file map that can be large
// (an org chart image alone is ~30 KB of base64): the tool gives a summary
// and only the contents asked for, within contentBudget, as a source the
// import tools take as is. Imports go through Paperclip's safe routes
// (board or the company's CEO agent); preview comes before apply.

// contentBudget bounds the file contents one export result carries (as JSON
// string bytes), so that the result stays under the output bound.
const contentBudget = 18000

// importForbiddenAdapters are the adapter types the safe import route
// refuses on apply (403 'Adapter type "process" is not allowed in safe
// imports'), although its preview accepts them.
var importForbiddenAdapters = map[string]bool{"process": true, "http": true}

// IncludeArg selects the parts of a company an export or import covers
// (each flag left out: Paperclip's default).
type IncludeArg = client.PortabilityInclude

// ExportCompanyArgs are the arguments of paperclip_export_company.
type ExportCompanyArgs struct {
	CompanyArg
	Include                *IncludeArg `json:"include,omitempty" jsonschema:"description=Parts to export (Paperclip's default: company and agents)"`
	Skills                 []string    `json:"skills,omitempty" jsonschema:"description=Skill keys to export"`
	Projects               []string    `json:"projects,omitempty" jsonschema:"description=Project ids or slugs"`
	Issues                 []string    `json:"issues,omitempty" jsonschema:"description=Issue ids or identifiers"`
	ProjectIssues          []string    `json:"projectIssues,omitempty" jsonschema:"description=Projects whose issues to export"`
	ExpandReferencedSkills *bool       `json:"expandReferencedSkills,omitempty"`
	ContentPaths           []string    `json:"contentPaths,omitempty" jsonschema:"description=Files whose content to return: paths from the summary or * for all text files. Default: none"`
	Format
}

// ExportFile is one file of an export.
type ExportFile struct {
	Path   string `json:"path"`
	Bytes  int    `json:"bytes"`
	Base64 bool   `json:"base64,omitempty"`
	Shown  bool   `json:"shown,omitempty"`
}

// ExportSource is the shown files as an inline import source: pass it as
// source to paperclip_preview_company_import.
type ExportSource struct {
	Type     string                     `json:"type"`
	RootPath string                     `json:"rootPath,omitempty"`
	Files    map[string]json.RawMessage `json:"files"`
}

// ExportView is an export's summary, with the contents asked for.
type ExportView struct {
	CompanyID  string          `json:"companyId"`
	RootPath   string          `json:"rootPath"`
	Includes   map[string]bool `json:"includes,omitempty"`
	Agents     []string        `json:"agents"`
	Projects   []string        `json:"projects"`
	Issues     []string        `json:"issues"`
	Skills     []string        `json:"skills"`
	EnvInputs  []string        `json:"envInputs,omitempty"`
	Files      []ExportFile    `json:"files"`
	TotalBytes int             `json:"totalBytes"`
	Warnings   []string        `json:"warnings,omitempty"`
	Source     *ExportSource   `json:"source,omitempty"`
	// NotShown are files asked for whose content did not fit this result.
	NotShown []string `json:"notShown,omitempty"`
}

func exportCompany(ctx context.Context, d *Deps, a ExportCompanyArgs) (ExportView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return ExportView{}, err
	}
	ex, err := d.Client.ExportCompany(ctx, companyID, client.ExportRequest{Include: a.Include, Skills: a.Skills, Projects: a.Projects,
		Issues: a.Issues, ProjectIssues: a.ProjectIssues, ExpandReferencedSkills: a.ExpandReferencedSkills})
	if err != nil {
		return ExportView{}, err
	}
	return exportView(companyID, ex, a.ContentPaths)
}

// exportView summarises an export and carries the contents of the files
// asked for, in path order, while they fit contentBudget.
func exportView(companyID string, ex *client.Export, contentPaths []string) (ExportView, error) {
	v := ExportView{CompanyID: companyID, RootPath: ex.RootPath, Includes: ex.Manifest.Includes, Warnings: ex.Warnings, Files: []ExportFile{},
		Agents: entryNames(ex.Manifest.Agents), Projects: entryNames(ex.Manifest.Projects), Issues: entryNames(ex.Manifest.Issues), Skills: entryNames(ex.Manifest.Skills)}
	v.EnvInputs = envInputs(ex.Manifest.EnvInputs)
	paths := make([]string, 0, len(ex.Files))
	for p := range ex.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	all, asked := false, map[string]bool{}
	for _, p := range contentPaths {
		all = all || p == "*"
		asked[p] = true
	}
	for p := range asked {
		if _, ok := ex.Files[p]; !ok && p != "*" {
			return ExportView{}, inputErrorf("contentPaths: the export has no file %q. Its files: %s.", clip(p, 200), clip(strings.Join(paths, ", "), 2000))
		}
	}
	used := 0
	for _, p := range paths {
		raw := ex.Files[p]
		f := ExportFile{Path: p}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			f.Bytes = len(s)
		} else {
			var b struct {
				Data string `json:"data"`
			}
			_ = json.Unmarshal(raw, &b)
			f.Base64, f.Bytes = true, len(b.Data)*3/4
		}
		v.TotalBytes += f.Bytes
		if asked[p] || (all && !f.Base64) {
			if used+len(raw) <= contentBudget {
				if v.Source == nil {
					v.Source = &ExportSource{Type: "inline", RootPath: ex.RootPath, Files: map[string]json.RawMessage{}}
				}
				v.Source.Files[p], f.Shown = raw, true
				used += len(raw)
			} else {
				v.NotShown = append(v.NotShown, p)
			}
		}
		v.Files = append(v.Files, f)
	}
	return v, nil
}

// envInputs are the environment values a package asks for, one line each.
func envInputs(es []client.EnvInput) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s (%s, %s)", e.Key, e.Kind, e.Requirement))
	}
	return out
}

func entryNames(es []client.ManifestEntry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, firstNonEmptyStr(e.Slug, e.Key, e.Name, e.Title))
	}
	return out
}

func exportCompanyMarkdown(_ ExportCompanyArgs, v ExportView) string {
	var m md
	m.line("## Export of company `%s` (%s): %d files, %s", v.CompanyID, orDash(v.RootPath), len(v.Files), humanBytes(int64(v.TotalBytes)))
	parts := []string{}
	for _, k := range []string{"company", "agents", "projects", "issues", "skills"} {
		if v.Includes[k] {
			parts = append(parts, k)
		}
	}
	m.line("- includes: %s", orDash(strings.Join(parts, ", ")))
	for _, row := range []struct {
		name string
		list []string
	}{{"agents", v.Agents}, {"projects", v.Projects}, {"issues", v.Issues}, {"skills", v.Skills}, {"env inputs", v.EnvInputs}} {
		if len(row.list) > 0 {
			m.line("- %d %s: %s", len(row.list), row.name, oneLine(strings.Join(row.list, ", "), 600))
		}
	}
	for _, w := range v.Warnings {
		m.line("- warning: %s", oneLine(w, 300))
	}
	m.blank()
	m.line("| File | Size | Content |")
	m.line("|---|---|---|")
	for _, f := range v.Files {
		kind := "text"
		if f.Base64 {
			kind = "base64"
		}
		shown := ""
		if f.Shown {
			shown = "shown below"
		}
		m.line("| `%s` | %s %s | %s |", f.Path, humanBytes(int64(f.Bytes)), kind, shown)
	}
	if v.Source != nil {
		paths := make([]string, 0, len(v.Source.Files))
		for p := range v.Source.Files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			var s string
			if json.Unmarshal(v.Source.Files[p], &s) != nil {
				s = string(v.Source.Files[p])
			}
			m.blank()
			m.line("### %s", p)
			m.line("````")
			m.line("%s", strings.TrimRight(s, "\n"))
			m.line("````")
		}
	}
	m.blank()
	if len(v.NotShown) > 0 {
		m.line("Not shown (they would not fit this result): %s. Call again with contentPaths naming fewer of them.", strings.Join(v.NotShown, ", "))
	}
	switch {
	case v.Source == nil:
		m.line("Next: contentPaths=[\"*\"] returns the text files; with response_format=json, its source field is what paperclip_preview_company_import takes.")
	default:
		m.line("Next: with response_format=json, the source field holds these files as paperclip_preview_company_import takes them.")
	}
	return m.String()
}

// exportCompanyTool declares paperclip_export_company.
func exportCompanyTool() Tool {
	return define(Spec{Name: "paperclip_export_company", Title: "Export a company", Toolset: Portability,
		Description: "Export a company as a package of files (markdown, .paperclip.yaml, images); nothing changes. A summary by default; contentPaths returns file contents as an import source.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		exportCompany, exportCompanyMarkdown)
}

// ImportSourceArg is where an import reads from.
type ImportSourceArg struct {
	Type     string         `json:"type" jsonschema:"enum=inline,enum=github"`
	Files    map[string]any `json:"files,omitempty" jsonschema:"description=inline: path to text or {encoding:base64,data} (the source of paperclip_export_company)"`
	RootPath string         `json:"rootPath,omitempty"`
	URL      string         `json:"url,omitempty" jsonschema:"description=github: the package's repository URL"`
}

// ImportTargetArg is where an import goes.
type ImportTargetArg struct {
	Mode           string `json:"mode" jsonschema:"enum=new_company,enum=existing_company"`
	NewCompanyName string `json:"newCompanyName,omitempty"`
	CompanyID      string `json:"companyId,omitempty" jsonschema:"format=uuid,description=existing_company: the route's company (the default)"`
}

// ImportArgs are what preview and apply share.
type ImportArgs struct {
	CompanyArg
	Source            ImportSourceArg `json:"source"`
	Include           *IncludeArg     `json:"include,omitempty"`
	Target            ImportTargetArg `json:"target"`
	Agents            []string        `json:"agents,omitempty" jsonschema:"description=Slugs of the agents to import (default: all)"`
	CollisionStrategy string          `json:"collisionStrategy,omitempty" jsonschema:"enum=rename,enum=skip,enum=replace,description=Default rename; replace is refused here (board-only legacy route)"`
	SelectedFiles     []string        `json:"selectedFiles,omitempty" jsonschema:"description=Import only these files of the source"`
}

// importRequest checks an import as the safe route will, before anything is
// sent, and builds its body.
func importRequest(d *Deps, a ImportArgs) (string, client.ImportRequest, error) {
	var rq client.ImportRequest
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return "", rq, err
	}
	if a.CollisionStrategy == "replace" {
		return "", rq, inputErrorf("collisionStrategy=replace is refused by Paperclip on this route (403 \"Safe import route does not allow replace collision strategy\"): use rename or skip. " +
			"Only the legacy route POST /api/companies/import accepts replace, and it is board only: as the board, call it with paperclip_call_api_operation (api toolset).")
	}
	src := client.ImportSource{Type: a.Source.Type, RootPath: a.Source.RootPath}
	switch a.Source.Type {
	case "inline":
		if len(a.Source.Files) == 0 {
			return "", rq, inputErrorf("source.files is empty: give the package's files (path to content), e.g. the source field of paperclip_export_company with contentPaths.")
		}
		if a.Source.URL != "" {
			return "", rq, inputErrorf("source.url goes with type=github, not inline.")
		}
		for p, f := range a.Source.Files {
			if err := checkFileEntry(p, f); err != nil {
				return "", rq, err
			}
		}
		n := len(a.Source.Files)
		src.Files, src.ExpectedFileCount = a.Source.Files, &n
		for _, p := range a.SelectedFiles {
			if _, ok := a.Source.Files[p]; !ok {
				return "", rq, inputErrorf("selectedFiles names %q, which is not among source.files.", clip(p, 200))
			}
		}
	case "github":
		u, err := url.Parse(a.Source.URL)
		if a.Source.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", rq, inputErrorf("source.url must be the package's repository URL (https://github.com/owner/repo, or a folder in it) with type=github.")
		}
		if len(a.Source.Files) > 0 {
			return "", rq, inputErrorf("source.files goes with type=inline, not github.")
		}
		src.URL = a.Source.URL
	}
	target := client.ImportTarget{Mode: a.Target.Mode}
	switch a.Target.Mode {
	case "new_company":
		if a.Target.CompanyID != "" {
			return "", rq, inputErrorf("target.companyId goes with mode=existing_company; a new_company target takes newCompanyName.")
		}
		target.NewCompanyName = strings.TrimSpace(a.Target.NewCompanyName)
	case "existing_company":
		target.CompanyID = firstNonEmptyStr(a.Target.CompanyID, companyID)
		if target.CompanyID != companyID {
			return "", rq, inputErrorf("This import route writes only into its own company (Paperclip answers 403 otherwise): to import into %s, call with companyId=%s.", target.CompanyID, target.CompanyID)
		}
	}
	var agents any
	if len(a.Agents) > 0 {
		agents = a.Agents
	}
	rq = client.ImportRequest{Source: src, Include: a.Include, Target: target, Agents: agents, CollisionStrategy: a.CollisionStrategy, SelectedFiles: a.SelectedFiles}
	return companyID, rq, nil
}

func checkFileEntry(path string, f any) error {
	switch v := f.(type) {
	case string:
		return nil
	case map[string]any:
		if v["encoding"] == "base64" {
			if _, ok := v["data"].(string); ok {
				return nil
			}
		}
	}
	return inputErrorf("source.files[%q] must be the file's text, or {\"encoding\":\"base64\",\"data\":\"...\"} for a binary file.", clip(path, 200))
}

// PreviewImportArgs are the arguments of paperclip_preview_company_import.
type PreviewImportArgs struct {
	ImportArgs
	Format
}

// EntityView is one agent, project, issue, skill or routine of an import:
// what the plan would do to it, or what the apply did. ID is the existing
// entity a plan matched, or the entity the apply wrote.
type EntityView struct {
	Slug   string `json:"slug"`
	Action string `json:"action"`
	Name   string `json:"name"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func planViews(ps []client.PlanEntry) []EntityView {
	out := make([]EntityView, 0, len(ps))
	for _, p := range ps {
		out = append(out, EntityView{Slug: p.Slug, Action: p.Action, Name: firstNonEmptyStr(p.PlannedName, p.PlannedTitle),
			ID: firstNonEmptyStr(str(p.ExistingAgentID), str(p.ExistingProjectID)), Reason: str(p.Reason)})
	}
	return out
}

// entityList renders one kind of entity of an import, at most 100 lines.
func (m *md) entityList(name string, list []EntityView) {
	if len(list) == 0 {
		return
	}
	m.line("%s (%d):", name, len(list))
	for i, e := range list {
		if i == 100 {
			m.line("- … and %d more (the structured result lists them all)", len(list)-100)
			return
		}
		m.line("- %s `%s` → %s%s%s", orDash(e.Name), e.Slug, e.Action, wrapped(" `", e.ID, "`"), wrapped(": ", e.Reason, ""))
	}
}

// ImportPreviewView is what an import would do.
type ImportPreviewView struct {
	CompanyAction     string          `json:"companyAction"`
	TargetCompanyID   string          `json:"targetCompanyId,omitempty"`
	TargetCompanyName string          `json:"targetCompanyName,omitempty"`
	CollisionStrategy string          `json:"collisionStrategy"`
	Include           map[string]bool `json:"include,omitempty"`
	Agents            []EntityView    `json:"agents"`
	Projects          []EntityView    `json:"projects"`
	Issues            []EntityView    `json:"issues"`
	EnvInputs         []string        `json:"envInputs,omitempty"`
	Warnings          []string        `json:"warnings,omitempty"`
	Errors            []string        `json:"errors,omitempty"`
	// RefusedOnApply are the agents whose adapter the apply will refuse
	// unless adapterOverrides replaces it (the preview does not say so).
	RefusedOnApply []string `json:"refusedOnApply,omitempty"`
}

func previewImport(ctx context.Context, d *Deps, a PreviewImportArgs) (ImportPreviewView, error) {
	companyID, rq, err := importRequest(d, a.ImportArgs)
	if err != nil {
		return ImportPreviewView{}, err
	}
	return preview(ctx, d, companyID, rq)
}

func preview(ctx context.Context, d *Deps, companyID string, rq client.ImportRequest) (ImportPreviewView, error) {
	p, err := d.Client.PreviewImport(ctx, companyID, rq)
	if err != nil {
		return ImportPreviewView{}, err
	}
	v := ImportPreviewView{CompanyAction: p.Plan.CompanyAction, TargetCompanyID: str(p.TargetCompanyID), TargetCompanyName: str(p.TargetCompanyName),
		CollisionStrategy: p.CollisionStrategy, Include: p.Include, Agents: planViews(p.Plan.AgentPlans), Projects: planViews(p.Plan.ProjectPlans),
		Issues: planViews(p.Plan.IssuePlans), Warnings: p.Warnings, Errors: p.Errors}
	v.EnvInputs = envInputs(p.EnvInputs)
	adapters := map[string]string{}
	for _, ag := range p.Manifest.Agents {
		adapters[ag.Slug] = ag.AdapterType
	}
	for _, pl := range v.Agents {
		if _, overridden := rq.AdapterOverrides[pl.Slug]; pl.Action != "skip" && !overridden && importForbiddenAdapters[adapters[pl.Slug]] {
			v.RefusedOnApply = append(v.RefusedOnApply, fmt.Sprintf("%s (adapter %s)", pl.Slug, adapters[pl.Slug]))
		}
	}
	return v, nil
}

func previewImportMarkdown(_ PreviewImportArgs, v ImportPreviewView) string {
	var m md
	target := "a new company"
	if v.TargetCompanyID != "" {
		target = fmt.Sprintf("company %s (`%s`)", orDash(v.TargetCompanyName), v.TargetCompanyID)
	}
	m.line("## Import preview into %s: company %s, collisions %s", target, orDash(v.CompanyAction), orDash(v.CollisionStrategy))
	m.entityList("Agents", v.Agents)
	m.entityList("Projects", v.Projects)
	m.entityList("Issues", v.Issues)
	if len(v.EnvInputs) > 0 {
		m.line("Env inputs asked for: %s", strings.Join(v.EnvInputs, ", "))
	}
	for _, w := range v.Warnings {
		m.line("- warning: %s", oneLine(w, 300))
	}
	for _, e := range v.Errors {
		m.line("- **error**: %s", oneLine(e, 300))
	}
	for _, r := range v.RefusedOnApply {
		m.line("- **apply will refuse** agent %s: this route does not import process or http adapters; give adapterOverrides, e.g. {\"%s\":{\"adapterType\":\"claude_local\"}}.", r, strings.Fields(r)[0])
	}
	m.blank()
	if len(v.Errors) > 0 {
		m.line("Fix the errors, then preview again: apply would fail.")
	} else {
		m.line("Next: paperclip_apply_company_import with the same arguments writes this plan.")
	}
	return m.String()
}

// previewImportTool declares paperclip_preview_company_import.
func previewImportTool() Tool {
	return define(Spec{Name: "paperclip_preview_company_import", Title: "Preview a company import", Toolset: Portability, OpenWorld: true,
		Description: "Plan an import of a company package (inline files, or a GitHub URL Paperclip fetches) into a new company or this one: what each agent, project and issue would become. Nothing is written.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		previewImport, previewImportMarkdown)
}

// AdapterOverrideArg replaces an imported agent's adapter.
type AdapterOverrideArg struct {
	AdapterType   string         `json:"adapterType" jsonschema:"minLength=1"`
	AdapterConfig map[string]any `json:"adapterConfig,omitempty"`
}

// ApplyImportArgs are the arguments of paperclip_apply_company_import.
type ApplyImportArgs struct {
	ImportArgs
	AdapterOverrides map[string]AdapterOverrideArg `json:"adapterOverrides,omitempty" jsonschema:"description=Agent slug to {adapterType, adapterConfig}; needed for process and http agents"`
}

func importedViews(es []client.ImportedEntity) []EntityView {
	out := make([]EntityView, 0, len(es))
	for _, e := range es {
		out = append(out, EntityView{Slug: firstNonEmptyStr(e.Slug, e.Key), ID: str(e.ID), Action: e.Action, Name: firstNonEmptyStr(e.Name, e.Title), Reason: str(e.Reason)})
	}
	return out
}

// ImportResultView is what an applied import did.
type ImportResultView struct {
	CompanyID     string       `json:"companyId"`
	CompanyName   string       `json:"companyName"`
	CompanyAction string       `json:"companyAction"`
	Agents        []EntityView `json:"agents"`
	Projects      []EntityView `json:"projects"`
	Skills        []EntityView `json:"skills"`
	Routines      []EntityView `json:"routines"`
	EnvInputs     []string     `json:"envInputs,omitempty"`
	Warnings      []string     `json:"warnings,omitempty"`
}

func applyImport(ctx context.Context, d *Deps, a ApplyImportArgs) (ImportResultView, error) {
	companyID, rq, err := importRequest(d, a.ImportArgs)
	if err != nil {
		return ImportResultView{}, err
	}
	if len(a.AdapterOverrides) > 0 {
		rq.AdapterOverrides = map[string]client.AdapterOverride{}
		for slug, o := range a.AdapterOverrides {
			rq.AdapterOverrides[slug] = client.AdapterOverride{AdapterType: o.AdapterType, AdapterConfig: o.AdapterConfig}
		}
	}
	// The plan first: Paperclip's apply creates a new company before it
	// refuses a process or http agent (403), leaving it empty behind, and
	// fails on what the preview lists as errors. Both are refused here.
	plan, err := preview(ctx, d, companyID, rq)
	if err != nil {
		return ImportResultView{}, err
	}
	if len(plan.Errors) > 0 {
		return ImportResultView{}, inputErrorf("Not imported, nothing written: Paperclip's preview of this import has errors: %s. Fix them (paperclip_preview_company_import shows the plan).",
			oneLine(strings.Join(plan.Errors, "; "), 1000))
	}
	if len(plan.RefusedOnApply) > 0 {
		return ImportResultView{}, inputErrorf("Not imported, nothing written: this route does not import process or http adapters (%s), and Paperclip would refuse it only after creating the company. "+
			"Give adapterOverrides for them, e.g. {%q:{\"adapterType\":\"claude_local\"}}.", strings.Join(plan.RefusedOnApply, ", "), strings.Fields(plan.RefusedOnApply[0])[0])
	}
	r, err := d.Client.ApplyImport(ctx, companyID, rq)
	if err != nil {
		return ImportResultView{}, err
	}
	v := ImportResultView{CompanyID: r.Company.ID, CompanyName: r.Company.Name, CompanyAction: r.Company.Action, Agents: importedViews(r.Agents),
		Projects: importedViews(r.Projects), Skills: importedViews(r.Skills), Routines: importedViews(r.Routines), Warnings: r.Warnings}
	v.EnvInputs = envInputs(r.EnvInputs)
	return v, nil
}

func applyImportMarkdown(_ ApplyImportArgs, v ImportResultView) string {
	var m md
	m.line("## Imported into %s (`%s`): company %s", v.CompanyName, v.CompanyID, orDash(v.CompanyAction))
	m.entityList("Agents", v.Agents)
	m.entityList("Projects", v.Projects)
	m.entityList("Skills", v.Skills)
	m.entityList("Routines", v.Routines)
	if len(v.EnvInputs) > 0 {
		m.line("Env inputs to fill: %s", strings.Join(v.EnvInputs, ", "))
	}
	for _, w := range v.Warnings {
		m.line("- warning: %s", oneLine(w, 300))
	}
	m.blank()
	m.line("Next: paperclip_list_agents companyId=%s shows the imported agents.", v.CompanyID)
	return m.String()
}

// applyImportTool declares paperclip_apply_company_import.
func applyImportTool() Tool {
	return define(Spec{Name: "paperclip_apply_company_import", Title: "Apply a company import", Toolset: Portability, OpenWorld: true,
		Description: "Import a company package: run paperclip_preview_company_import first, then this with the same arguments (it checks the plan again before writing). Agents with process or http adapters need adapterOverrides.",
		Access:      Write, NotFound: "Check companyId. " + findCompany},
		applyImport, applyImportMarkdown)
}

func portabilityTools() []Tool {
	return []Tool{exportCompanyTool(), previewImportTool(), applyImportTool()}
}
