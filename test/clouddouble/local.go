// Package clouddouble is a TEST DOUBLE, not Paperclip. It stands in for the
// two servers cloud upstream sync involves, so that the MCP tools can be
// tested end to end while no published Paperclip release serves these routes:
//
//   - Local: the local Paperclip server's /api/cloud-upstreams routes, its
//     experimental settings (enableCloudSync) and /api/health;
//   - Remote: a Paperclip Cloud stack's /.well-known/paperclip-upstream
//     discovery document, a fake authorize endpoint (redirects at once to
//     redirectUri?code=…&state=…) and the PKCE token endpoint.
//
// It follows ../shared/paperclip-api.md ("Cloud upstream sync") to the letter:
// routes, field names, status codes, exact error strings, the push run's
// state machine (running/scan/5 at once, then preview 25, push 45, push 60,
// verify 82, activate 100 succeeded), 409 with details.runId on a second
// push, activation only after success. Where that document is silent, it
// follows the unmounted module of @paperclipai/server 2026.722.0
// (dist/routes/cloud-upstreams.js and dist/services/cloud-upstreams.js):
// 400 for "not connected", "state did not match" and "Only succeeded …",
// route-level validation messages ("companyId is required"), the discovery
// errors, the warnings a preview carries, the events a run gathers. It does
// not model board-only access (tests run without auth) nor the remote import
// API a real push calls: conflicts and remote warnings are set on Local.
//
// Timing is under the test's control (see Advance): a run moves one step per
// GET of it, per interval of an injectable clock, or only when told.
package clouddouble

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// LocalSchemaMajor is the transfer schema major of the local server.
const LocalSchemaMajor = 1

// Advance says how a running push run moves through its steps.
type Advance int

const (
	// AdvancePerRead moves a running run one step each time it is read with
	// GET …/push-runs/{runId} (the answer shows the new step). Deterministic:
	// five reads take a run from scan 5 % to succeeded 100 %.
	AdvancePerRead Advance = iota
	// AdvanceTimed moves a run one step per StepInterval of the Now clock,
	// computed whenever the run is looked at.
	AdvanceTimed
	// AdvanceManual moves a run only when the test calls Local.Step.
	AdvanceManual
)

// Step is one stage of a push run.
type Step struct {
	ActiveStep string
	Percent    int
}

// Steps is the documented progress of a push: scan 5 → preview 25 → push
// 45/60 → verify 82 → activate 100 (succeeded).
var Steps = []Step{{"scan", 5}, {"preview", 25}, {"push", 45}, {"push", 60}, {"verify", 82}, {"activate", 100}}

// Conflict is a conflict as the cloud stack would report it in a preview.
type Conflict struct {
	ID            string `json:"id"`
	EntityType    string `json:"entityType"`
	SourceLabel   string `json:"sourceLabel"`
	TargetLabel   string `json:"targetLabel"`
	PlannedAction string `json:"plannedAction"`
	Reason        string `json:"reason"`
}

// Warning is a preview or run warning.
type Warning struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Detail   string `json:"detail"`
}

// LocalOptions configure a Local double. The zero value is a 2026.722.0-like
// server with the routes mounted and the flag off.
type LocalOptions struct {
	// Version is what /api/health reports (default "2026.722.0").
	Version string
	// CompanyID is the one local company (default: a random UUID).
	CompanyID string
	// Unmounted makes every cloud-upstream route answer 404 "API route not
	// found", as every published Paperclip release does.
	Unmounted bool
	// NoCloudSyncFlag makes the experimental settings lack enableCloudSync
	// and PATCH drop it, as 2026.817.0 and later do.
	NoCloudSyncFlag bool
	// CloudSyncEnabled is the flag's initial value.
	CloudSyncEnabled bool
	// Advance, StepInterval (default 100 ms) and Now (default time.Now)
	// control how runs move.
	Advance      Advance
	StepInterval time.Duration
	Now          func() time.Time
	// HTTPClient reaches the remote (discovery, token); default 10 s timeout.
	HTTPClient *http.Client
	// Inventory is what the company holds: goals, projects, agents, issues,
	// comments, routines (defaults: 2, 3, 4, 12, 30, 2).
	Inventory map[string]int
}

type connection struct {
	ID                     string
	CompanyID              string
	RemoteURL              string
	Target                 map[string]any
	SchemaMajor            int
	TokenStatus            string
	Scopes                 []string
	AuthorizedGlobalUserID *string
	ExpiresAt              *string
	CreatedAt, UpdatedAt   string
	LastRunID              *string
	// pending connect state
	PendingState, PendingVerifier, PendingRedirectURI, PendingTokenURL string
	AccessToken                                                        string
}

type run struct {
	ID, ConnectionID, CompanyID string
	Status, ActiveStep          string
	ProgressPercent             int
	step                        int // index into Steps
	startedAt                   time.Time
	Summary                     []summaryItem
	Warnings                    []Warning
	Conflicts                   []Conflict
	Events                      []event
	TargetURL                   string
	Report                      map[string]any
	RetryOfRunID                *string
	CreatedAt, UpdatedAt        string
	CompletedAt                 *string
	seq                         int
}

type summaryItem struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type event struct {
	ID      string `json:"id"`
	At      string `json:"at"`
	Phase   string `json:"phase"`
	Type    string `json:"type"`
	Message string `json:"message"`
}

type failure struct {
	atPercent int
	message   string
}

// Local is the double of the local Paperclip server. It is an http.Handler.
type Local struct {
	opts LocalOptions

	mu             sync.Mutex
	settings       map[string]any
	connections    map[string]*connection
	runs           []*run // oldest first
	conflicts      []Conflict
	remoteWarnings []Warning
	failNext       *failure
	requests       []string
	seq            int
}

// NewLocal builds a Local double.
func NewLocal(opts LocalOptions) *Local {
	if opts.Version == "" {
		opts.Version = "2026.722.0"
	}
	if opts.CompanyID == "" {
		opts.CompanyID = NewUUID()
	}
	if opts.StepInterval <= 0 {
		opts.StepInterval = 100 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	inv := map[string]int{"goals": 2, "projects": 3, "agents": 4, "issues": 12, "comments": 30, "routines": 2}
	for k, v := range opts.Inventory {
		inv[k] = v
	}
	opts.Inventory = inv
	l := &Local{opts: opts, connections: map[string]*connection{}, settings: map[string]any{}}
	// The experimental settings of 2026.722.0 (normalizeExperimentalSettings).
	for k, v := range map[string]any{
		"enableEnvironments": false, "enableIsolatedWorkspaces": false, "enableStreamlinedLeftNavigation": true,
		"enableApps": false, "enablePipelines": false, "enableCases": false, "enableConferenceRoomChat": false,
		"enableIssuePlanDecompositions": false, "enableExperimentalFileViewer": false, "enableTaskWatchdogs": false,
		"enableExternalObjects": false, "enableSmokeLab": false, "enableBuiltInAgents": false,
		"enableSummaries": false, "enableDecisions": false, "enableGoalsSidebarLink": false,
		"enableServerInfoDebugView": false, "autoRestartDevServerWhenIdle": false,
		"enableIssueGraphLivenessAutoRecovery": false, "enableWorkspaceBranchReconcileForward": true,
		"enableWorkspaceDirtyQuarantineRepair": true, "enableWorktreeRunExecution": false,
		"worktreeRunExecutionActivatedAt": nil, "worktreeRunExecutionActivationInstanceId": nil,
		"issueGraphLivenessAutoRecoveryLookbackHours": 24,
	} {
		l.settings[k] = v
	}
	if !opts.NoCloudSyncFlag {
		l.settings["enableCloudSync"] = opts.CloudSyncEnabled
	}
	return l
}

// CompanyID is the id of the local company.
func (l *Local) CompanyID() string { return l.opts.CompanyID }

// Version is what /api/health reports.
func (l *Local) Version() string { return l.opts.Version }

// SetConflicts sets the conflicts the cloud stack reports for a connected,
// compatible connection (previews and the final run).
func (l *Local) SetConflicts(c []Conflict) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conflicts = append([]Conflict(nil), c...)
}

// ResolveConflicts clears the conflicts, as if the operator fixed them.
func (l *Local) ResolveConflicts() { l.SetConflicts(nil) }

// SetRemoteWarnings sets warnings the cloud stack adds to a preview (e.g. a
// stale_mapping warning).
func (l *Local) SetRemoteWarnings(w []Warning) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remoteWarnings = append([]Warning(nil), w...)
}

// SetTokenStatus forces a connection's token status (connected, expired,
// revoked) to simulate expiry or revocation.
func (l *Local) SetTokenStatus(connectionID, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.connections[connectionID]; ok {
		c.TokenStatus = status
		c.UpdatedAt = l.isoNow()
	}
}

// SetCloudSync sets enableCloudSync (when the server knows it).
func (l *Local) SetCloudSync(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.opts.NoCloudSyncFlag {
		l.settings["enableCloudSync"] = on
	}
}

// FailNextPush makes the next push run fail when it would reach atPercent
// (one of the Steps percentages), with message as the remote's error.
func (l *Local) FailNextPush(atPercent int, message string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failNext = &failure{atPercent: atPercent, message: message}
}

// Step moves a running run one step (any Advance mode).
func (l *Local) Step(runID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.runs {
		if r.ID == runID {
			l.stepRun(r)
		}
	}
}

// Requests lists "METHOD /path?query" of every request received.
func (l *Local) Requests() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.requests...)
}

// ---------------------------------------------------------------- HTTP

type httpError struct {
	status  int
	message string
	details any
}

func errorf(status int, format string, a ...any) *httpError {
	return &httpError{status: status, message: fmt.Sprintf(format, a...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *httpError) {
	body := map[string]any{"error": e.message}
	if e.details != nil {
		body["details"] = e.details
	}
	writeJSON(w, e.status, body)
}

var (
	routeNotFound = &httpError{status: 404, message: "API route not found"}
	internalError = &httpError{status: 500, message: "Internal server error"}
	uuidRE        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ServeHTTP answers the local routes.
func (l *Local) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r.Method+" "+r.URL.RequestURI())
	out, err := l.route(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (l *Local) route(r *http.Request) (any, *httpError) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if !strings.HasPrefix(p, "/api/") {
		return nil, routeNotFound
	}
	parts := strings.Split(strings.TrimPrefix(p, "/api/"), "/")
	switch {
	case p == "/api/health" && r.Method == http.MethodGet:
		return map[string]any{"status": "ok", "version": l.opts.Version, "deploymentMode": "local_trusted"}, nil
	case p == "/api/instance/settings/experimental" && r.Method == http.MethodGet:
		return l.settings, nil
	case p == "/api/instance/settings/experimental" && r.Method == http.MethodPatch:
		return l.patchSettings(r)
	case parts[0] == "cloud-upstreams":
		if l.opts.Unmounted {
			return nil, routeNotFound
		}
		return l.cloudRoute(r, parts[1:])
	}
	return nil, routeNotFound
}

// cloudRoute matches the router of routes/cloud-upstreams.js. A path the
// router does not declare falls through to the API's 404.
func (l *Local) cloudRoute(r *http.Request, parts []string) (any, *httpError) {
	m := r.Method
	type handler func() (any, *httpError)
	var h handler
	switch {
	case len(parts) == 0 && m == http.MethodGet:
		h = func() (any, *httpError) { return l.list(r) }
	case len(parts) == 2 && parts[0] == "connect" && parts[1] == "start" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.connectStart(r) }
	case len(parts) == 2 && parts[0] == "connect" && parts[1] == "finish" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.connectFinish(r) }
	case len(parts) == 3 && parts[1] == "push-runs" && parts[2] == "preview" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.preview(r, parts[0]) }
	case len(parts) == 2 && parts[1] == "push-runs" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.createRun(r, parts[0]) }
	case len(parts) == 3 && parts[1] == "push-runs" && m == http.MethodGet:
		h = func() (any, *httpError) { return l.readRun(r, parts[0], parts[2]) }
	case len(parts) == 4 && parts[1] == "push-runs" && parts[3] == "cancel" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.cancelRun(r, parts[0], parts[2]) }
	case len(parts) == 4 && parts[1] == "push-runs" && parts[3] == "activation" && m == http.MethodPost:
		h = func() (any, *httpError) { return l.activate(r, parts[0], parts[2]) }
	default:
		return nil, routeNotFound
	}
	// assertEnabled runs before any validation in every handler.
	if on, _ := l.settings["enableCloudSync"].(bool); !on {
		return nil, errorf(404, "Cloud sync is not enabled")
	}
	if l.opts.Advance == AdvanceTimed {
		l.advanceAll()
	}
	return h()
}

// body decodes a JSON body; malformed JSON is a 500 in Paperclip.
func body(r *http.Request) (map[string]any, *httpError) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, internalError
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]any{}, nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, internalError
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// stringBody is the route helper: a non-blank string or 400 "<key> is required".
func stringBody(b map[string]any, key string) (string, *httpError) {
	if b == nil {
		return "", errorf(400, "%s is required", key)
	}
	s, ok := b[key].(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", errorf(400, "%s is required", key)
	}
	return s, nil
}

func stringQuery(r *http.Request, key string) (string, *httpError) {
	v := r.URL.Query().Get(key)
	if strings.TrimSpace(v) == "" {
		return "", errorf(400, "%s is required", key)
	}
	return v, nil
}

// uuidColumn mimics Postgres: a malformed uuid in a query is a 500.
func uuidColumn(ids ...string) *httpError {
	for _, id := range ids {
		if !uuidRE.MatchString(id) {
			return internalError
		}
	}
	return nil
}

func (l *Local) patchSettings(r *http.Request) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	if b == nil {
		return nil, &httpError{status: 400, message: "Validation error", details: []any{map[string]any{"code": "invalid_type", "path": []any{}, "message": "Invalid input: expected object"}}}
	}
	issues := []any{}
	for k, v := range b {
		cur, known := l.settings[k]
		if !known {
			continue // zod strips unknown keys
		}
		if _, isBool := cur.(bool); isBool {
			if _, ok := v.(bool); !ok {
				issues = append(issues, map[string]any{"code": "invalid_type", "expected": "boolean", "path": []any{k}, "message": "Invalid input: expected boolean"})
			}
		}
	}
	if len(issues) > 0 {
		return nil, &httpError{status: 400, message: "Validation error", details: issues}
	}
	for k, v := range b {
		if _, known := l.settings[k]; known {
			l.settings[k] = v
		}
	}
	return l.settings, nil
}

// ---------------------------------------------------------------- connections

func (l *Local) list(r *http.Request) (any, *httpError) {
	companyID, herr := stringQuery(r, "companyId")
	if herr != nil {
		return nil, herr
	}
	if herr := uuidColumn(companyID); herr != nil {
		return nil, herr
	}
	conns := []map[string]any{}
	var cs []*connection
	for _, c := range l.connections {
		if c.CompanyID == companyID {
			cs = append(cs, c)
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].UpdatedAt > cs[j].UpdatedAt })
	for _, c := range cs {
		conns = append(conns, c.json())
	}
	runs := []map[string]any{}
	for i := len(l.runs) - 1; i >= 0 && len(runs) < 50; i-- {
		if l.runs[i].CompanyID == companyID {
			runs = append(runs, l.runs[i].json())
		}
	}
	return map[string]any{"connections": conns, "runs": runs}, nil
}

func (c *connection) json() map[string]any {
	return map[string]any{
		"id": c.ID, "companyId": c.CompanyID, "remoteUrl": c.RemoteURL, "target": c.Target,
		"tokenStatus": c.TokenStatus, "scopes": c.Scopes, "authorizedGlobalUserId": c.AuthorizedGlobalUserID,
		"expiresAt": c.ExpiresAt, "createdAt": c.CreatedAt, "updatedAt": c.UpdatedAt, "lastRunId": c.LastRunID,
	}
}

func (l *Local) connectStart(r *http.Request) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	companyID, herr := stringBody(b, "companyId")
	if herr != nil {
		return nil, herr
	}
	remoteURL, herr := stringBody(b, "remoteUrl")
	if herr != nil {
		return nil, herr
	}
	redirectURI, herr := stringBody(b, "redirectUri")
	if herr != nil {
		return nil, herr
	}
	if herr := uuidColumn(companyID); herr != nil {
		return nil, herr
	}
	if companyID != l.opts.CompanyID {
		return nil, errorf(404, "Company was not found")
	}
	remoteURL = strings.TrimSpace(remoteURL)
	disc, herr := l.fetchDiscovery(remoteURL)
	if herr != nil {
		return nil, herr
	}
	target, major, herr := targetFromDiscovery(disc)
	if herr != nil {
		return nil, herr
	}
	auth, herr := objectField(disc, "auth")
	if herr != nil {
		return nil, herr
	}
	scopes := []string{}
	if list, ok := auth["scopes"].([]any); ok {
		for _, s := range list {
			if str := fmt.Sprint(s); str != "" {
				scopes = append(scopes, str)
			}
		}
	}
	if len(scopes) == 0 {
		scopes = []string{"upstream_import:preview", "upstream_import:write", "upstream_import:read"}
	}
	pkce, herr := objectField(auth, "pkce")
	if herr != nil {
		return nil, herr
	}
	tokenURL, herr := stringField(pkce, "tokenUrl")
	if herr != nil {
		return nil, herr
	}
	consent, _ := pkce["consentUrl"].(string)
	if consent == "" {
		if consent, herr = stringField(pkce, "authorizeUrl"); herr != nil {
			return nil, herr
		}
	}
	authz, err := url.Parse(consent)
	if err != nil {
		return nil, internalError
	}
	now := l.isoNow()
	c := &connection{
		ID: NewUUID(), CompanyID: companyID, RemoteURL: remoteURL, Target: target, SchemaMajor: major,
		TokenStatus: "pending", Scopes: scopes, CreatedAt: now, UpdatedAt: now,
		PendingState: randomToken(24), PendingVerifier: randomToken(32), PendingRedirectURI: redirectURI, PendingTokenURL: tokenURL,
	}
	l.connections[c.ID] = c
	sum := sha256.Sum256([]byte(c.PendingVerifier))
	q := authz.Query()
	q.Set("stackId", fmt.Sprint(target["stackId"]))
	q.Set("redirectUri", redirectURI)
	q.Set("state", c.PendingState)
	q.Set("codeChallenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("codeChallengeMethod", "S256")
	q.Set("sourceInstanceId", "paperclip-local-default")
	q.Set("scopes", strings.Join(scopes, " "))
	authz.RawQuery = q.Encode()
	return map[string]any{"pendingConnectionId": c.ID, "authorizationUrl": authz.String(), "connection": c.json()}, nil
}

// fetchDiscovery is the server's own: https unless localhost, origin +
// /.well-known/paperclip-upstream (+ ?stackId=<first path segment>).
func (l *Local) fetchDiscovery(remoteURL string) (map[string]any, *httpError) {
	u, err := url.Parse(remoteURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, internalError // new URL() throws: an unhandled TypeError
	}
	if u.Scheme != "https" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
		return nil, errorf(400, "Cloud upstream targets require HTTPS except localhost development")
	}
	d := url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/.well-known/paperclip-upstream"}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "" {
			continue
		}
		if strings.ToLower(seg) != "dashboard" {
			d.RawQuery = url.Values{"stackId": {seg}}.Encode()
		}
		break
	}
	res, err := l.opts.HTTPClient.Get(d.String())
	if err != nil {
		return nil, internalError // fetch failed: an unhandled TypeError
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, errorf(400, "Cloud upstream discovery failed: %d", res.StatusCode)
	}
	var doc map[string]any
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&doc); err != nil || doc == nil {
		return nil, internalError // response.json() throws
	}
	return doc, nil
}

func objectField(v map[string]any, key string) (map[string]any, *httpError) {
	if m, ok := v[key].(map[string]any); ok {
		return m, nil
	}
	return nil, errorf(400, "Cloud upstream discovery missing %s", key)
}

func stringField(v map[string]any, key string) (string, *httpError) {
	if s, ok := v[key].(string); ok && s != "" {
		return s, nil
	}
	return "", errorf(400, "Cloud upstream discovery missing %s", key)
}

func optString(v any) any {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return nil
}

func targetFromDiscovery(doc map[string]any) (map[string]any, int, *httpError) {
	stack, herr := objectField(doc, "stack")
	if herr != nil {
		return nil, 0, herr
	}
	transfer, herr := objectField(doc, "transfer")
	if herr != nil {
		return nil, 0, herr
	}
	origin, herr := stringField(stack, "origin")
	if herr != nil {
		return nil, 0, herr
	}
	stackID, herr := stringField(stack, "id")
	if herr != nil {
		return nil, 0, herr
	}
	companyID, herr := stringField(stack, "companyId")
	if herr != nil {
		return nil, 0, herr
	}
	host := optString(stack["primaryHost"])
	if host == nil {
		if u, err := url.Parse(origin); err == nil {
			host = u.Host
		}
	}
	product := optString(doc["product"])
	if product == nil {
		product = "Paperclip Cloud"
	}
	var major float64
	schema, _ := transfer["schema"].(map[string]any)
	if m, ok := schema["major"].(float64); ok {
		major = m
	} else if m, ok := transfer["supportedSchemaMajor"].(float64); ok {
		major = m
	} else {
		return nil, 0, errorf(400, "Cloud upstream discovery missing supportedSchemaMajor")
	}
	maxChunk := float64(8 * 1024 * 1024)
	if m, ok := transfer["maxChunkBytes"].(float64); ok {
		maxChunk = m
	}
	return map[string]any{
		"stackId": stackID, "stackSlug": optString(stack["slug"]), "stackDisplayName": optString(stack["displayName"]),
		"companyId": companyID, "primaryHost": host, "origin": origin, "product": product,
		"schemaMajor": int(major), "maxChunkBytes": int64(maxChunk),
	}, int(major), nil
}

func (l *Local) connectFinish(r *http.Request) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	pendingID, herr := stringBody(b, "pendingConnectionId")
	if herr != nil {
		return nil, herr
	}
	code, herr := stringBody(b, "code")
	if herr != nil {
		return nil, herr
	}
	state, herr := stringBody(b, "state")
	if herr != nil {
		return nil, herr
	}
	if herr := uuidColumn(pendingID); herr != nil {
		return nil, herr
	}
	c, ok := l.connections[pendingID]
	if !ok {
		return nil, errorf(404, "Cloud upstream connection was not found")
	}
	if c.PendingState == "" || c.PendingVerifier == "" || c.PendingRedirectURI == "" || c.PendingTokenURL == "" {
		return nil, errorf(404, "Pending cloud upstream connection was not found")
	}
	if state != c.PendingState {
		return nil, errorf(400, "Cloud upstream state did not match")
	}
	payload, _ := json.Marshal(map[string]string{"grantType": "authorization_code", "code": code,
		"redirectUri": c.PendingRedirectURI, "codeVerifier": c.PendingVerifier})
	res, err := l.opts.HTTPClient.Post(c.PendingTokenURL, "application/json", bytes.NewReader(payload))
	if err != nil {
		return nil, internalError
	}
	defer res.Body.Close()
	var tok map[string]any
	_ = json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&tok)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		if msg, ok := tok["error"].(string); ok && msg != "" {
			return nil, errorf(400, "%s", msg)
		}
		return nil, errorf(400, "Cloud upstream request failed: %d", res.StatusCode)
	}
	access, herr := stringField(tok, "accessToken")
	if herr != nil {
		return nil, herr
	}
	token, herr := objectField(tok, "token")
	if herr != nil {
		return nil, herr
	}
	if s, ok := optString(token["expiresAt"]).(string); ok {
		c.ExpiresAt = &s
	} else if s, ok := optString(tok["expiresAt"]).(string); ok {
		c.ExpiresAt = &s
	}
	if s, ok := optString(token["globalUserId"]).(string); ok {
		c.AuthorizedGlobalUserID = &s
	}
	c.TokenStatus = "connected"
	c.AccessToken = access
	c.PendingState, c.PendingVerifier, c.PendingRedirectURI, c.PendingTokenURL = "", "", "", ""
	c.UpdatedAt = l.isoNow()
	return c.json(), nil
}

// connection finds a connection of a company: 404 otherwise.
func (l *Local) connection(connectionID, companyID string) (*connection, *httpError) {
	if herr := uuidColumn(connectionID, companyID); herr != nil {
		return nil, herr
	}
	c, ok := l.connections[connectionID]
	if !ok || c.CompanyID != companyID {
		return nil, errorf(404, "Cloud upstream connection was not found")
	}
	return c, nil
}

// ---------------------------------------------------------------- preview

// baseWarnings is buildWarnings(schemaMajor) of the server.
func baseWarnings(schemaMajor int) []Warning {
	w := []Warning{
		{Code: "imported_automations_paused", Severity: "warning", Title: "Automations stay paused",
			Detail: "Imported agents, routines, and monitors require explicit activation after the push."},
		{Code: "unmatched_users_import_as_historical_authors", Severity: "warning", Title: "Unmatched users become historical authors",
			Detail: "Invite now remains a secondary action after the transfer is complete."},
		{Code: "secret_values_redacted", Severity: "warning", Title: "Secret values are not transferred",
			Detail: "The push carries secret requirements only. Configure cloud secrets before activating automations."},
	}
	if schemaMajor != LocalSchemaMajor {
		w = append([]Warning{{Code: "schema_mismatch", Severity: "blocker", Title: "Cloud stack upgrade required",
			Detail: fmt.Sprintf("This local build uses upstream schema %d, but the cloud stack reports schema %d.", LocalSchemaMajor, schemaMajor)}}, w...)
	}
	return w
}

func mergeWarnings(base, extra []Warning) []Warning {
	out := []Warning{}
	idx := map[string]int{}
	for _, w := range append(append([]Warning{}, base...), extra...) {
		if i, ok := idx[w.Code]; ok {
			out[i] = w
			continue
		}
		idx[w.Code] = len(out)
		out = append(out, w)
	}
	return out
}

func (l *Local) summary() []summaryItem {
	inv := l.opts.Inventory
	return []summaryItem{
		{"companies", "Companies", 1}, {"goals", "Goals", inv["goals"]}, {"projects", "Projects", inv["projects"]},
		{"agents", "Agents", inv["agents"]}, {"issues", "Issues", inv["issues"]}, {"comments", "Comments", inv["comments"]},
		{"routines", "Routines", inv["routines"]}, {"warnings", "Warnings", len(baseWarnings(LocalSchemaMajor))},
	}
}

func (l *Local) previewOf(c *connection) map[string]any {
	compatible := c.SchemaMajor == LocalSchemaMajor
	warnings := baseWarnings(c.SchemaMajor)
	conflicts := []Conflict{}
	if compatible && c.TokenStatus == "connected" {
		warnings = mergeWarnings(warnings, l.remoteWarnings)
		conflicts = append(conflicts, l.conflicts...)
	}
	return map[string]any{
		"connectionId": c.ID, "sourceCompanyId": c.CompanyID, "target": c.Target, "schemaCompatible": compatible,
		"summary": l.summary(), "warnings": warnings, "conflicts": conflicts, "generatedAt": l.isoNow(),
	}
}

func (l *Local) preview(r *http.Request, connectionID string) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	companyID, herr := stringBody(b, "companyId")
	if herr != nil {
		return nil, herr
	}
	c, herr := l.connection(connectionID, companyID)
	if herr != nil {
		return nil, herr
	}
	return l.previewOf(c), nil
}

// ---------------------------------------------------------------- runs

func (r *run) json() map[string]any {
	report := r.Report
	if report == nil {
		report = map[string]any{}
	}
	return map[string]any{
		"id": r.ID, "connectionId": r.ConnectionID, "companyId": r.CompanyID, "status": r.Status,
		"activeStep": r.ActiveStep, "progressPercent": r.ProgressPercent, "dryRun": false,
		"summary": r.Summary, "warnings": r.Warnings, "conflicts": r.Conflicts, "events": r.Events,
		"targetUrl": r.TargetURL, "report": report, "retryOfRunId": r.RetryOfRunID,
		"createdAt": r.CreatedAt, "updatedAt": r.UpdatedAt, "completedAt": r.CompletedAt,
	}
}

func (l *Local) event(phase, typ, message string) event {
	return event{ID: NewUUID(), At: l.isoNow(), Phase: phase, Type: typ, Message: message}
}

func (l *Local) createRun(r *http.Request, connectionID string) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	companyID, herr := stringBody(b, "companyId")
	if herr != nil {
		return nil, herr
	}
	var retryOf *string
	if s, ok := b["retryOfRunId"].(string); ok && s != "" {
		retryOf = &s
	}
	c, herr := l.connection(connectionID, companyID)
	if herr != nil {
		return nil, herr
	}
	if c.TokenStatus != "connected" {
		return nil, errorf(400, "Cloud upstream connection is not connected")
	}
	for _, x := range l.runs {
		if x.ConnectionID == connectionID && x.CompanyID == companyID && x.Status == "running" {
			return nil, &httpError{status: 409, message: "A cloud upstream run is already running for this connection", details: map[string]any{"runId": x.ID}}
		}
	}
	if c.SchemaMajor != LocalSchemaMajor {
		return nil, errorf(400, "Cloud stack schema is not compatible with this local Paperclip version")
	}
	now := l.isoNow()
	l.seq++
	nr := &run{
		ID: NewUUID(), ConnectionID: c.ID, CompanyID: companyID, Status: "running",
		ActiveStep: Steps[0].ActiveStep, ProgressPercent: Steps[0].Percent, startedAt: l.opts.Now(),
		Summary: l.summary(), Warnings: baseWarnings(c.SchemaMajor), Conflicts: []Conflict{},
		TargetURL: fmt.Sprint(c.Target["origin"]), Report: map[string]any{}, RetryOfRunID: retryOf,
		CreatedAt: now, UpdatedAt: now, seq: l.seq,
	}
	nr.Events = []event{l.event("connect", "completed", "Connected to the target Paperclip Cloud stack.")}
	if retryOf != nil {
		nr.Events = append(nr.Events, l.event("push", "retrying", fmt.Sprintf("Retrying run %s with the same import ledger idempotency key.", *retryOf)))
	}
	l.runs = append(l.runs, nr)
	return nr.json(), nil
}

// stepRun moves a running run to the next step, or fails it there when
// FailNextPush asked for it.
func (l *Local) stepRun(r *run) {
	if r.Status != "running" || r.step >= len(Steps)-1 {
		return
	}
	next := Steps[r.step+1]
	now := l.isoNow()
	if f := l.failNext; f != nil && f.atPercent == next.Percent {
		l.failNext = nil
		r.Status, r.ActiveStep, r.ProgressPercent = "failed", "push", 100
		r.Events = append(r.Events, l.event("push", "failed", f.message))
		c := l.connections[r.ConnectionID]
		r.Report = map[string]any{"runId": r.ID, "target": c.Target, "retryOfRunId": r.RetryOfRunID,
			"error": f.message, "errorMessage": f.message}
		r.CompletedAt, r.UpdatedAt = &now, now
		return
	}
	r.step++
	r.ActiveStep, r.ProgressPercent, r.UpdatedAt = next.ActiveStep, next.Percent, now
	switch next.Percent {
	case 25:
		r.Events = append(r.Events, l.event("scan", "completed", "Scanned the local company inventory."))
	case 45:
		r.Events = append(r.Events, l.event("preview", "completed", "Generated the transfer manifest."))
	case 60:
		r.Events = append(r.Events, l.event("push", "updated", "Created or resumed the cloud import ledger run."))
	case 82:
		r.Events = append(r.Events, l.event("push", "completed", "Uploaded 1 manifest chunk."))
	case 100:
		c := l.connections[r.ConnectionID]
		r.Status = "succeeded"
		r.Conflicts = append([]Conflict{}, l.conflicts...)
		r.Events = append(r.Events,
			l.event("push", "completed", "Pushed mapped objects without duplicate creation."),
			l.event("verify", "completed", "Verified the cloud import ledger and generated a run report."),
			l.event("activate", "completed", "Activation checklist is ready for manual unpause decisions."))
		h := sha256.Sum256([]byte(r.ID))
		r.Report = map[string]any{"runId": r.ID, "remoteRunId": NewUUID(), "target": c.Target,
			"manifestHash": "sha256:" + hex.EncodeToString(h[:]), "idempotencyKey": "apply:paperclip-local-default:" + r.CompanyID,
			"retryOfRunId": r.RetryOfRunID}
		r.CompletedAt = &now
		id := r.ID
		c.LastRunID, c.UpdatedAt = &id, now
	}
}

// advanceAll catches timed runs up with the clock.
func (l *Local) advanceAll() {
	now := l.opts.Now()
	for _, r := range l.runs {
		for r.Status == "running" && r.step < len(Steps)-1 &&
			now.Sub(r.startedAt) >= time.Duration(r.step+1)*l.opts.StepInterval {
			l.stepRun(r)
		}
	}
}

func (l *Local) runOf(connectionID, runID, companyID string) (*run, *httpError) {
	if herr := uuidColumn(runID, connectionID, companyID); herr != nil {
		return nil, herr
	}
	for _, r := range l.runs {
		if r.ID == runID && r.ConnectionID == connectionID && r.CompanyID == companyID {
			return r, nil
		}
	}
	return nil, errorf(404, "Cloud upstream run was not found")
}

func (l *Local) readRun(r *http.Request, connectionID, runID string) (any, *httpError) {
	companyID, herr := stringQuery(r, "companyId")
	if herr != nil {
		return nil, herr
	}
	x, herr := l.runOf(connectionID, runID, companyID)
	if herr != nil {
		return nil, herr
	}
	if l.opts.Advance == AdvancePerRead {
		l.stepRun(x)
	}
	return x.json(), nil
}

func (l *Local) cancelRun(r *http.Request, connectionID, runID string) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	companyID, herr := stringBody(b, "companyId")
	if herr != nil {
		return nil, herr
	}
	x, herr := l.runOf(connectionID, runID, companyID)
	if herr != nil {
		return nil, herr
	}
	if x.Status != "running" {
		return x.json(), nil
	}
	if _, herr := l.connection(connectionID, companyID); herr != nil {
		return nil, herr
	}
	now := l.isoNow()
	x.Status, x.ActiveStep, x.ProgressPercent = "cancelled", "push", 100
	x.CompletedAt, x.UpdatedAt = &now, now
	x.Events = append(x.Events, l.event("push", "failed", "Push cancelled locally before remote apply completed."))
	return x.json(), nil
}

func (l *Local) activate(r *http.Request, connectionID, runID string) (any, *httpError) {
	b, herr := body(r)
	if herr != nil {
		return nil, herr
	}
	companyID, herr := stringBody(b, "companyId")
	if herr != nil {
		return nil, herr
	}
	entityType, _ := b["entityType"].(string)
	if entityType != "agents" && entityType != "routines" && entityType != "monitors" {
		return nil, errorf(400, "entityType must be agents, routines, or monitors")
	}
	x, herr := l.runOf(connectionID, runID, companyID)
	if herr != nil {
		return nil, herr
	}
	if x.Status != "succeeded" {
		return nil, errorf(400, "Only succeeded cloud upstream runs can activate imported entities")
	}
	count := 0
	for _, s := range x.Summary {
		if s.Key == entityType {
			count = s.Count
		}
	}
	now := l.isoNow()
	checklist, _ := x.Report["activationChecklist"].(map[string]any)
	if checklist == nil {
		checklist = map[string]any{}
	}
	checklist[entityType] = map[string]any{"entityType": entityType, "count": count, "status": "activated", "activatedAt": now}
	x.Report["activationChecklist"] = checklist
	singular := strings.TrimSuffix(entityType, "s")
	label := singular + "s"
	if count == 1 {
		label = singular
	}
	x.Events = append(x.Events, l.event("activate", "completed", fmt.Sprintf("Activated %d imported %s.", count, label)))
	x.UpdatedAt = now
	return x.json(), nil
}

// ---------------------------------------------------------------- helpers

func (l *Local) isoNow() string { return l.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// NewUUID returns a random version-4 UUID.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
