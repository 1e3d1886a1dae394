package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
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

// ---------------------------------------------------------------- discovery

// Discovery is a cloud stack's /.well-known/paperclip-upstream document.
type Discovery struct {
	Schema   string            `json:"schema"`
	Product  string            `json:"product,omitempty"`
	Stack    DiscoveryStack    `json:"stack"`
	Auth     DiscoveryAuth     `json:"auth"`
	Transfer DiscoveryTransfer `json:"transfer"`
}

// DiscoveryStack names the stack and the cloud company that receives imports.
type DiscoveryStack struct {
	ID          string `json:"id"`
	Slug        string `json:"slug,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	CompanyID   string `json:"companyId"`
	Origin      string `json:"origin"`
	PrimaryHost string `json:"primaryHost,omitempty"`
}

// DiscoveryAuth is how a local server gets a token from the stack.
type DiscoveryAuth struct {
	PKCE       *DiscoveryPKCE       `json:"pkce,omitempty"`
	DeviceCode *DiscoveryDeviceCode `json:"deviceCode,omitempty"`
	Scopes     []string             `json:"scopes,omitempty"`
}

// DiscoveryPKCE is the authorization-code flow with PKCE.
type DiscoveryPKCE struct {
	AuthorizeURL        string `json:"authorizeUrl"`
	ConsentURL          string `json:"consentUrl,omitempty"`
	TokenURL            string `json:"tokenUrl"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

// DiscoveryDeviceCode is the device-code flow.
type DiscoveryDeviceCode struct {
	DeviceCodeURL   string `json:"deviceCodeUrl"`
	VerificationURL string `json:"verificationUrl"`
	TokenURL        string `json:"tokenUrl"`
}

// DiscoveryTransfer is what the stack accepts.
type DiscoveryTransfer struct {
	SupportedSchemaMajor *int `json:"supportedSchemaMajor,omitempty"`
	// Schema is the newer form {major, minor, …}; Paperclip prefers its
	// major over supportedSchemaMajor when both are present.
	Schema        *DiscoveryTransferSchema `json:"schema,omitempty"`
	FeatureFlags  []string                 `json:"featureFlags"`
	MaxChunkBytes *int64                   `json:"maxChunkBytes,omitempty"`
}

// DiscoveryTransferSchema is transfer.schema.
type DiscoveryTransferSchema struct {
	Major *int `json:"major,omitempty"`
}

// SchemaMajor is the transfer schema major the stack supports, as Paperclip
// reads it; ok is false when the document gives none.
func (d *Discovery) SchemaMajor() (major int, ok bool) {
	if d.Transfer.Schema != nil && d.Transfer.Schema.Major != nil {
		return *d.Transfer.Schema.Major, true
	}
	if d.Transfer.SupportedSchemaMajor != nil {
		return *d.Transfer.SupportedSchemaMajor, true
	}
	return 0, false
}

// HasFeature reports whether transfer.featureFlags holds flag.
func (d *Discovery) HasFeature(flag string) bool {
	for _, f := range d.Transfer.FeatureFlags {
		if f == flag {
			return true
		}
	}
	return false
}

// DiscoveryError says why a remote's discovery document could not be read.
// It never carries credentials: none are sent to the remote.
type DiscoveryError struct {
	Kind DiscoveryErrorKind
	// URL is the discovery URL that was fetched.
	URL string
	// Status is the HTTP status, when an answer came.
	Status int
	// Schema is the schema id the document declared, for KindWrongSchema.
	Schema  string
	Timeout bool
	Err     error
}

// DiscoveryErrorKind classifies a DiscoveryError.
type DiscoveryErrorKind string

// The kinds of DiscoveryError.
const (
	DiscoveryUnreachable DiscoveryErrorKind = "unreachable" // no HTTP answer
	DiscoveryHTTPStatus  DiscoveryErrorKind = "http_status" // an answer, not 2xx
	DiscoveryNotJSON     DiscoveryErrorKind = "not_json"    // 2xx, but not a JSON object
	DiscoveryWrongSchema DiscoveryErrorKind = "wrong_schema"
)

func (e *DiscoveryError) Error() string {
	switch e.Kind {
	case DiscoveryUnreachable:
		return fmt.Sprintf("GET %s: no answer: %v", e.URL, e.Err)
	case DiscoveryHTTPStatus:
		return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status)
	case DiscoveryNotJSON:
		return fmt.Sprintf("GET %s: not a JSON discovery document: %v", e.URL, e.Err)
	default:
		return fmt.Sprintf("GET %s: schema %q, want %q", e.URL, e.Schema, DiscoverySchema)
	}
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// RemoteURLError is a remote URL refused before any request.
type RemoteURLError struct {
	URL    string
	Reason string
}

func (e *RemoteURLError) Error() string { return fmt.Sprintf("remote URL %q: %s", e.URL, e.Reason) }

// isLoopbackHost is the only exception to https for a cloud stack: local
// development on this machine.
func isLoopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// ValidateRemoteURL checks a cloud stack address before anything is sent:
// an absolute http(s) URL with a host, https unless the host is localhost,
// 127.0.0.1 or [::1], no credentials, no query or fragment.
func ValidateRemoteURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it is empty"}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, &RemoteURLError{URL: raw, Reason: "it does not parse as a URL"}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, &RemoteURLError{URL: raw, Reason: "it must start with https://"}
	}
	if u.Hostname() == "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it has no host"}
	}
	if u.User != nil {
		return nil, &RemoteURLError{URL: raw, Reason: "it must not carry a user name or password"}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it must not have a query or a fragment"}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, &RemoteURLError{URL: raw, Reason: "a cloud stack must be reached over https (http is allowed only for localhost, 127.0.0.1 and [::1])"}
	}
	return u, nil
}

// DiscoveryURL is where Paperclip looks for the document of remote: the
// remote's origin, /.well-known/paperclip-upstream, and ?stackId=<first
// path segment> when the remote URL has a path (other than /dashboard), as
// the server's own connect step does.
func DiscoveryURL(remote *url.URL) string {
	d := url.URL{Scheme: remote.Scheme, Host: remote.Host, Path: "/.well-known/paperclip-upstream"}
	for _, seg := range strings.Split(remote.Path, "/") {
		if seg == "" {
			continue
		}
		if !strings.EqualFold(seg, "dashboard") {
			d.RawQuery = url.Values{"stackId": {seg}}.Encode()
		}
		break
	}
	return d.String()
}

// maxDiscoveryBytes bounds the discovery document read from a stranger.
const maxDiscoveryBytes = 1 << 20

// remoteTransport is shared by every off-host request, so that building a
// resty client per call does not leak connections.
var (
	remoteTransportOnce sync.Once
	remoteTransport     *http.Transport
)

func sharedRemoteTransport() *http.Transport {
	remoteTransportOnce.Do(func() {
		remoteTransport = http.DefaultTransport.(*http.Transport).Clone()
	})
	return remoteTransport
}

// remote returns a resty client for requests that leave the Paperclip
// server: the same timeout, retry policy, user agent and logger as c, but no
// base URL, no Authorization (our Paperclip key must never go off-host), no
// X-Paperclip-Run-Id, no cookie jar, and redirects only to URLs that pass
// the https rule.
func (c *Client) remote() *resty.Client {
	r := resty.NewWithClient(&http.Client{Transport: sharedRemoteTransport()}).
		SetTimeout(c.timeout).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", c.http.Header.Get("User-Agent")).
		SetDisableWarn(true).
		SetLogger(quietLogger{c.log}).
		SetRetryCount(c.http.RetryCount).
		SetRetryWaitTime(c.http.RetryWaitTime).
		SetRetryMaxWaitTime(c.http.RetryMaxWaitTime).
		SetRetryAfter(c.http.RetryAfter).
		AddRetryCondition(shouldRetry).
		SetResponseBodyLimit(maxDiscoveryBytes).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("stopped after 3 redirects")
			}
			if _, err := ValidateRemoteURL(req.URL.Scheme + "://" + req.URL.Host + req.URL.EscapedPath()); err != nil {
				return fmt.Errorf("refused redirect to %s://%s: %v", req.URL.Scheme, req.URL.Host, err)
			}
			req.Header.Del("Authorization")
			return nil
		}))
	return r
}

// FetchDiscovery reads remoteURL's discovery document. The URL is checked
// first (https unless localhost); the request carries no credentials. The
// document is returned when it declares the paperclip-upstream-discovery-v1
// schema; whether the stack is compatible is for the caller to judge
// (SchemaMajor, HasFeature).
func (c *Client) FetchDiscovery(ctx context.Context, remoteURL string) (*Discovery, error) {
	u, err := ValidateRemoteURL(remoteURL)
	if err != nil {
		return nil, err
	}
	target := DiscoveryURL(u)
	start := time.Now()
	res, err := c.remote().R().SetContext(ctx).Get(target)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Err: fmt.Errorf("the answer is larger than %d bytes", maxDiscoveryBytes)}
		}
		return nil, &DiscoveryError{Kind: DiscoveryUnreachable, URL: target, Timeout: isTimeout(err), Err: stripURL(err)}
	}
	c.log.Debug("cloud discovery request", "host", u.Host, "status", res.StatusCode(), "ms", time.Since(start).Milliseconds())
	if res.IsError() || res.StatusCode() >= 300 {
		return nil, &DiscoveryError{Kind: DiscoveryHTTPStatus, URL: target, Status: res.StatusCode()}
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(res.Body(), &probe); err != nil {
		return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Status: res.StatusCode(), Err: err}
	}
	var doc Discovery
	if err := json.Unmarshal(res.Body(), &doc); err != nil {
		// Right JSON object, wrong field types: not a document we can use.
		var schema struct {
			Schema string `json:"schema"`
		}
		_ = json.Unmarshal(res.Body(), &schema)
		if schema.Schema != DiscoverySchema {
			return nil, &DiscoveryError{Kind: DiscoveryWrongSchema, URL: target, Status: res.StatusCode(), Schema: schema.Schema}
		}
		return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Status: res.StatusCode(), Err: err}
	}
	if doc.Schema != DiscoverySchema {
		return nil, &DiscoveryError{Kind: DiscoveryWrongSchema, URL: target, Status: res.StatusCode(), Schema: doc.Schema}
	}
	if doc.Transfer.FeatureFlags == nil {
		doc.Transfer.FeatureFlags = []string{}
	}
	return &doc, nil
}

// The routes of this file (every one is checked against the server's
// /api/openapi.json by test/integration).
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
