package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Cloud upstream sync: moving a local company into a Paperclip Cloud stack.
// The routes live under /api/cloud-upstreams and answer 404 "Cloud sync is
// not enabled" while the instance flag enableCloudSync is off. No published
// Paperclip release mounts them (they answer 404 "API route not found"):
// callers should check IsRouteMissing.

// LocalTransferSchemaMajor is the major version of the upstream transfer
// schema a local Paperclip speaks. A cloud stack must support the same one.
const LocalTransferSchemaMajor = 1

// DiscoverySchema is the schema id of a cloud stack's discovery document.
const DiscoverySchema = "paperclip-upstream-discovery-v1"

// CloudSyncFeatureFlag must be among a stack's transfer.featureFlags.
const CloudSyncFeatureFlag = "cloud_sync"

// Activation entity types, in the order they should be activated.
var ActivationEntityTypes = []string{"agents", "routines", "monitors"}

// CloudTarget is the cloud stack a connection points at.
type CloudTarget struct {
	StackID          string  `json:"stackId"`
	StackSlug        *string `json:"stackSlug,omitempty"`
	StackDisplayName *string `json:"stackDisplayName,omitempty"`
	CompanyID        string  `json:"companyId"`
	PrimaryHost      string  `json:"primaryHost"`
	Origin           string  `json:"origin"`
	Product          string  `json:"product"`
	SchemaMajor      int     `json:"schemaMajor"`
	MaxChunkBytes    int64   `json:"maxChunkBytes"`
}

// CloudConnection is a stored link between a local company and a cloud stack.
type CloudConnection struct {
	ID                     string      `json:"id"`
	CompanyID              string      `json:"companyId"`
	RemoteURL              string      `json:"remoteUrl"`
	Target                 CloudTarget `json:"target"`
	TokenStatus            string      `json:"tokenStatus"` // pending | connected | expired | revoked
	Scopes                 []string    `json:"scopes"`
	AuthorizedGlobalUserID *string     `json:"authorizedGlobalUserId,omitempty"`
	ExpiresAt              *string     `json:"expiresAt,omitempty"`
	CreatedAt              string      `json:"createdAt"`
	UpdatedAt              string      `json:"updatedAt"`
	LastRunID              *string     `json:"lastRunId,omitempty"`
}

// CloudSummaryItem is one count of a preview or run (companies, goals,
// projects, agents, issues, comments, routines, warnings).
type CloudSummaryItem struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// CloudWarning is a preview or run warning; severity is warning or blocker.
type CloudWarning struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Detail   string `json:"detail"`
}

// CloudConflict is an entity the cloud stack cannot take as is.
type CloudConflict struct {
	ID            string `json:"id"`
	EntityType    string `json:"entityType"`
	SourceLabel   string `json:"sourceLabel"`
	TargetLabel   string `json:"targetLabel"`
	PlannedAction string `json:"plannedAction"` // create | update | skip | blocked
	Reason        string `json:"reason"`
}

// CloudPreview is the dry run of a push.
type CloudPreview struct {
	ConnectionID     string             `json:"connectionId"`
	SourceCompanyID  string             `json:"sourceCompanyId"`
	Target           CloudTarget        `json:"target"`
	SchemaCompatible bool               `json:"schemaCompatible"`
	Summary          []CloudSummaryItem `json:"summary"`
	Warnings         []CloudWarning     `json:"warnings"`
	Conflicts        []CloudConflict    `json:"conflicts"`
	GeneratedAt      string             `json:"generatedAt"`
}

// CloudRunEvent is one step event of a push run.
type CloudRunEvent struct {
	ID      string `json:"id"`
	At      string `json:"at"`
	Phase   string `json:"phase"`
	Type    string `json:"type"` // created | updated | skipped | conflict | retrying | failed | completed
	Message string `json:"message"`
}

// CloudActivationDecision says whether one entity type of a run is live.
type CloudActivationDecision struct {
	EntityType  string  `json:"entityType"`
	Count       int     `json:"count"`
	Status      string  `json:"status"` // paused | activated
	ActivatedAt *string `json:"activatedAt,omitempty"`
}

// CloudRun is a push run. Report is kept raw (its keys vary by outcome);
// ActivationChecklist reads the part callers need.
type CloudRun struct {
	ID              string             `json:"id"`
	ConnectionID    string             `json:"connectionId"`
	CompanyID       string             `json:"companyId"`
	Status          string             `json:"status"`     // previewed | running | succeeded | failed | cancelled
	ActiveStep      string             `json:"activeStep"` // connect | scan | preview | push | verify | activate
	ProgressPercent int                `json:"progressPercent"`
	DryRun          bool               `json:"dryRun"`
	Summary         []CloudSummaryItem `json:"summary"`
	Warnings        []CloudWarning     `json:"warnings"`
	Conflicts       []CloudConflict    `json:"conflicts"`
	Events          []CloudRunEvent    `json:"events"`
	TargetURL       *string            `json:"targetUrl,omitempty"`
	Report          json.RawMessage    `json:"report,omitempty"`
	RetryOfRunID    *string            `json:"retryOfRunId,omitempty"`
	CreatedAt       string             `json:"createdAt"`
	UpdatedAt       string             `json:"updatedAt"`
	CompletedAt     *string            `json:"completedAt,omitempty"`
}

// ActivationChecklist reads report.activationChecklist (empty when absent).
func (r *CloudRun) ActivationChecklist() map[string]CloudActivationDecision {
	var rep struct {
		ActivationChecklist map[string]CloudActivationDecision `json:"activationChecklist"`
	}
	if len(r.Report) > 0 {
		_ = json.Unmarshal(r.Report, &rep)
	}
	if rep.ActivationChecklist == nil {
		return map[string]CloudActivationDecision{}
	}
	return rep.ActivationChecklist
}

// ReportError reads report.error and report.errorMessage of a failed run.
func (r *CloudRun) ReportError() (code, message string) {
	var rep struct {
		Error        any    `json:"error"`
		ErrorMessage string `json:"errorMessage"`
	}
	if len(r.Report) > 0 && json.Unmarshal(r.Report, &rep) == nil {
		if s, ok := rep.Error.(string); ok {
			code = s
		}
		message = rep.ErrorMessage
	}
	return code, message
}

// CloudUpstreams is GET /api/cloud-upstreams: a company's connections and its
// last 50 push runs.
type CloudUpstreams struct {
	Connections []CloudConnection `json:"connections"`
	Runs        []CloudRun        `json:"runs"`
}

// CloudConnectStart is the answer to connect/start: the URL the person opens
// to authorize, and the pending connection to finish.
type CloudConnectStart struct {
	PendingConnectionID string          `json:"pendingConnectionId"`
	AuthorizationURL    string          `json:"authorizationUrl"`
	Connection          CloudConnection `json:"connection"`
}

// ListCloudUpstreams lists a company's connections and recent push runs.
func (c *Client) ListCloudUpstreams(ctx context.Context, companyID string) (*CloudUpstreams, error) {
	var out CloudUpstreams
	err := c.do(ctx, request{route: routeListCloudUpstreams,
		query: url.Values{"companyId": {companyID}}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// StartCloudConnect creates a pending connection. The server fetches the
// remote's discovery document itself.
func (c *Client) StartCloudConnect(ctx context.Context, companyID, remoteURL, redirectURI string) (*CloudConnectStart, error) {
	var out CloudConnectStart
	body := map[string]string{"companyId": companyID, "remoteUrl": remoteURL, "redirectUri": redirectURI}
	if err := c.do(ctx, request{route: routeStartCloudConnect, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FinishCloudConnect trades the authorization code for a token; the
// connection becomes connected.
func (c *Client) FinishCloudConnect(ctx context.Context, pendingConnectionID, code, state string) (*CloudConnection, error) {
	var out CloudConnection
	body := map[string]string{"pendingConnectionId": pendingConnectionID, "code": code, "state": state}
	if err := c.do(ctx, request{route: routeFinishCloudConnect, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PreviewCloudPush is the dry run of a push over a connection.
func (c *Client) PreviewCloudPush(ctx context.Context, connectionID, companyID string) (*CloudPreview, error) {
	var out CloudPreview
	if err := c.do(ctx, request{route: routePreviewCloudPush, params: []string{connectionID},
		body: map[string]string{"companyId": companyID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartCloudPush starts a push run; it answers at once with the run running,
// and the push goes on in the background. retryOfRunID may be empty.
func (c *Client) StartCloudPush(ctx context.Context, connectionID, companyID, retryOfRunID string) (*CloudRun, error) {
	body := map[string]string{"companyId": companyID}
	if retryOfRunID != "" {
		body["retryOfRunId"] = retryOfRunID
	}
	var out CloudRun
	if err := c.do(ctx, request{route: routeCloudPush, params: []string{connectionID}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCloudPushRun reads one push run.
func (c *Client) GetCloudPushRun(ctx context.Context, connectionID, runID, companyID string) (*CloudRun, error) {
	var out CloudRun
	if err := c.do(ctx, request{route: routeGetCloudPushRun, params: []string{connectionID, runID},
		query: url.Values{"companyId": {companyID}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelCloudPushRun cancels a running push; a run that is not running comes
// back unchanged.
func (c *Client) CancelCloudPushRun(ctx context.Context, connectionID, runID, companyID string) (*CloudRun, error) {
	var out CloudRun
	if err := c.do(ctx, request{route: routeCancelCloudPushRun, params: []string{connectionID, runID},
		body: map[string]string{"companyId": companyID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ActivateCloudEntities unpauses one entity type (agents, routines or
// monitors) imported by a succeeded run.
func (c *Client) ActivateCloudEntities(ctx context.Context, connectionID, runID, companyID, entityType string) (*CloudRun, error) {
	var out CloudRun
	if err := c.do(ctx, request{route: routeActivateCloudEntities, params: []string{connectionID, runID},
		body: map[string]string{"companyId": companyID, "entityType": entityType}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeListCloudUpstreams    = cloudRoute(http.MethodGet, "/cloud-upstreams")
	routeStartCloudConnect     = cloudRoute(http.MethodPost, "/cloud-upstreams/connect/start")
	routeFinishCloudConnect    = cloudRoute(http.MethodPost, "/cloud-upstreams/connect/finish")
	routePreviewCloudPush      = cloudRoute(http.MethodPost, "/cloud-upstreams/{connectionId}/push-runs/preview")
	routeCloudPush             = cloudRoute(http.MethodPost, "/cloud-upstreams/{connectionId}/push-runs")
	routeGetCloudPushRun       = cloudRoute(http.MethodGet, "/cloud-upstreams/{connectionId}/push-runs/{runId}")
	routeCancelCloudPushRun    = cloudRoute(http.MethodPost, "/cloud-upstreams/{connectionId}/push-runs/{runId}/cancel")
	routeActivateCloudEntities = cloudRoute(http.MethodPost, "/cloud-upstreams/{connectionId}/push-runs/{runId}/activation")
)
