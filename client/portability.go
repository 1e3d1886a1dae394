package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// Company import and export ("portability"): an export is a map of files
// (markdown, .paperclip.yaml, images as base64) plus a manifest; an import
// takes such a map (inline) or a GitHub URL, previews a plan, then applies it.

// PortabilityInclude says which parts an export or import covers; nil is
// Paperclip's default.
type PortabilityInclude struct {
	Company  *bool `json:"company,omitempty"`
	Agents   *bool `json:"agents,omitempty"`
	Projects *bool `json:"projects,omitempty"`
	Issues   *bool `json:"issues,omitempty"`
	Skills   *bool `json:"skills,omitempty"`
}

// ExportRequest is the body of an export.
type ExportRequest struct {
	Include                *PortabilityInclude `json:"include,omitempty"`
	Agents                 []string            `json:"agents,omitempty"`
	Skills                 []string            `json:"skills,omitempty"`
	Projects               []string            `json:"projects,omitempty"`
	Issues                 []string            `json:"issues,omitempty"`
	ProjectIssues          []string            `json:"projectIssues,omitempty"`
	ExpandReferencedSkills *bool               `json:"expandReferencedSkills,omitempty"`
}

// ManifestEntry is one agent, project, issue or skill of a manifest (the
// fields this server shows).
type ManifestEntry struct {
	Slug        string `json:"slug"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	Path        string `json:"path"`
	AdapterType string `json:"adapterType"`
}

// EnvInput is an environment value an import asks for.
type EnvInput struct {
	Key         string  `json:"key"`
	Kind        string  `json:"kind"`
	Requirement string  `json:"requirement"`
	AgentSlug   *string `json:"agentSlug"`
	ProjectSlug *string `json:"projectSlug"`
}

// Manifest is what an export or preview says it holds.
type Manifest struct {
	SchemaVersion int             `json:"schemaVersion"`
	Includes      map[string]bool `json:"includes"`
	Source        *struct {
		CompanyID   string `json:"companyId"`
		CompanyName string `json:"companyName"`
	} `json:"source"`
	Agents    []ManifestEntry `json:"agents"`
	Projects  []ManifestEntry `json:"projects"`
	Issues    []ManifestEntry `json:"issues"`
	Skills    []ManifestEntry `json:"skills"`
	EnvInputs []EnvInput      `json:"envInputs"`
}

// Export is an exported company. Files holds each file as Paperclip sent it:
// a JSON string, or {encoding: base64, data, contentType}.
type Export struct {
	RootPath string                     `json:"rootPath"`
	Manifest Manifest                   `json:"manifest"`
	Files    map[string]json.RawMessage `json:"files"`
	Warnings []string                   `json:"warnings"`
}

// ImportSource is where an import reads from.
type ImportSource struct {
	Type              string         `json:"type"`
	RootPath          string         `json:"rootPath,omitempty"`
	Files             map[string]any `json:"files,omitempty"`
	ExpectedFileCount *int           `json:"expectedFileCount,omitempty"`
	URL               string         `json:"url,omitempty"`
}

// ImportTarget is where an import goes.
type ImportTarget struct {
	Mode           string `json:"mode"`
	NewCompanyName string `json:"newCompanyName,omitempty"`
	CompanyID      string `json:"companyId,omitempty"`
}

// AdapterOverride replaces an imported agent's adapter.
type AdapterOverride struct {
	AdapterType   string         `json:"adapterType"`
	AdapterConfig map[string]any `json:"adapterConfig,omitempty"`
}

// ImportRequest is the body of a preview (without AdapterOverrides) or an apply.
type ImportRequest struct {
	Source            ImportSource               `json:"source"`
	Include           *PortabilityInclude        `json:"include,omitempty"`
	Target            ImportTarget               `json:"target"`
	Agents            any                        `json:"agents,omitempty"`
	CollisionStrategy string                     `json:"collisionStrategy,omitempty"`
	SelectedFiles     []string                   `json:"selectedFiles,omitempty"`
	AdapterOverrides  map[string]AdapterOverride `json:"adapterOverrides,omitempty"`
}

// PlanEntry is one planned action of a preview.
type PlanEntry struct {
	Slug              string  `json:"slug"`
	Action            string  `json:"action"`
	PlannedName       string  `json:"plannedName"`
	PlannedTitle      string  `json:"plannedTitle"`
	ExistingAgentID   *string `json:"existingAgentId"`
	ExistingProjectID *string `json:"existingProjectId"`
	Reason            *string `json:"reason"`
}

// ImportPreview is what an import would do.
type ImportPreview struct {
	Include            map[string]bool `json:"include"`
	TargetCompanyID    *string         `json:"targetCompanyId"`
	TargetCompanyName  *string         `json:"targetCompanyName"`
	CollisionStrategy  string          `json:"collisionStrategy"`
	SelectedAgentSlugs []string        `json:"selectedAgentSlugs"`
	Plan               struct {
		CompanyAction string      `json:"companyAction"`
		AgentPlans    []PlanEntry `json:"agentPlans"`
		ProjectPlans  []PlanEntry `json:"projectPlans"`
		IssuePlans    []PlanEntry `json:"issuePlans"`
	} `json:"plan"`
	Manifest  Manifest   `json:"manifest"`
	EnvInputs []EnvInput `json:"envInputs"`
	Warnings  []string   `json:"warnings"`
	Errors    []string   `json:"errors"`
}

// ImportedEntity is one agent, project, skill or routine an import wrote.
type ImportedEntity struct {
	Slug   string  `json:"slug"`
	Key    string  `json:"key"`
	ID     *string `json:"id"`
	Action string  `json:"action"`
	Name   string  `json:"name"`
	Title  string  `json:"title"`
	Status string  `json:"status"`
	Reason *string `json:"reason"`
}

// ImportResult is what an applied import did.
type ImportResult struct {
	Company struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Action string `json:"action"`
	} `json:"company"`
	Agents    []ImportedEntity `json:"agents"`
	Skills    []ImportedEntity `json:"skills"`
	Projects  []ImportedEntity `json:"projects"`
	Routines  []ImportedEntity `json:"routines"`
	EnvInputs []EnvInput       `json:"envInputs"`
	Warnings  []string         `json:"warnings"`
}

// ExportCompany exports a company (POST /api/companies/{companyId}/exports;
// board or its CEO agent; nothing is written).
func (c *Client) ExportCompany(ctx context.Context, companyID string, rq ExportRequest) (*Export, error) {
	var out Export
	if err := c.do(ctx, request{route: routeExportCompany, params: []string{companyID}, body: rq}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PreviewImport plans an import (POST /api/companies/{companyId}/imports/preview;
// nothing is written). The safe route refuses collisionStrategy replace and
// any target other than the route's company (403).
func (c *Client) PreviewImport(ctx context.Context, companyID string, rq ImportRequest) (*ImportPreview, error) {
	var out ImportPreview
	rq.AdapterOverrides = nil
	if err := c.do(ctx, request{route: routePreviewImport, params: []string{companyID}, body: rq}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyImport runs an import (POST /api/companies/{companyId}/imports/apply).
func (c *Client) ApplyImport(ctx context.Context, companyID string, rq ImportRequest) (*ImportResult, error) {
	var out ImportResult
	if err := c.do(ctx, request{route: routeApplyImport, params: []string{companyID}, body: rq}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

var (
	routeExportCompany = route(http.MethodPost, "/companies/{companyId}/exports")
	routePreviewImport = route(http.MethodPost, "/companies/{companyId}/imports/preview")
	routeApplyImport   = route(http.MethodPost, "/companies/{companyId}/imports/apply")
)
