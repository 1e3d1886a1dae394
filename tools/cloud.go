package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Cloud upstream sync: turn the flag on, check the cloud stack, connect,
// preview, push, follow, activate. No published Paperclip release serves
// these routes (404 "API route not found"): every handler turns that answer
// into errCloudUnsupported with the server's version, so that the user is
// told plainly instead of reading a bare 404.

// Following a push with wait=true: poll this often, for at most this long.
// 50 s stays under the 60 s request timeout of the TypeScript MCP SDK's
// clients; a longer push is left running and the result says how to follow
// it. Variables so that tests can shorten them; nothing else changes them.
var (
	cloudPollInterval = 500 * time.Millisecond
	cloudWaitLimit    = 50 * time.Second
)

const (
	findConnection = "List connections with paperclip_list_cloud_upstreams."
	findCloudRun   = "paperclip_list_cloud_upstreams lists the recent push runs with their ids."
	maxConflicts   = 10 // conflicts shown in markdown
	maxCloudEvents = 10 // events shown in markdown
)

// ---------------------------------------------------------------- errors

// errCloudUnsupported: the server has no cloud-upstream routes at all.
type errCloudUnsupported struct {
	Version string
	Err     error
}

func (e *errCloudUnsupported) Error() string {
	return "cloud upstream sync not served: " + e.Err.Error()
}
func (e *errCloudUnsupported) Unwrap() error { return e.Err }

// errCloudTarget: the remote is not a usable cloud upstream target.
type errCloudTarget struct {
	RemoteURL string
	Problems  []CloudProblem
}

func (e *errCloudTarget) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, " ")
}

// errCloudNotConnected: a push over a connection whose token is not usable.
type errCloudNotConnected struct {
	ConnectionID string
	TokenStatus  string // "" when unknown
	Err          error
}

func (e *errCloudNotConnected) Error() string { return e.Err.Error() }
func (e *errCloudNotConnected) Unwrap() error { return e.Err }

// cloudErr adds what explain needs to the errors of cloud calls: the
// server's version when the routes do not exist.
func (d *Deps) cloudErr(ctx context.Context, err error) error {
	if err == nil || !client.IsRouteMissing(err) {
		return err
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return &errCloudUnsupported{Version: d.serverVersion(hctx), Err: err}
}

// pathAfter returns the path segment that follows name in an API path.
func pathAfter(p, name string) string {
	parts := strings.Split(p, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == name {
			return parts[i+1]
		}
	}
	return ""
}

// explainCloud is the part of explain that knows the cloud upstream
// failures. ok is false for errors it has nothing special to say about.
func explainCloud(err error, spec Spec) (string, bool) {
	var unsupported *errCloudUnsupported
	if errors.As(err, &unsupported) {
		v := "its version is not reported by /api/health"
		if unsupported.Version != "" {
			v = "version " + unsupported.Version
		}
		return fmt.Sprintf("This Paperclip server does not serve cloud upstream sync (%s): its /api/cloud-upstreams routes answer 404 \"API route not found\", "+
			"and no setting changes that (enableCloudSync does not mount them). Cloud upstream sync needs a Paperclip server that serves these routes; "+
			"nothing was sent to a cloud stack and nothing changed.", v), true
	}
	var target *errCloudTarget
	if errors.As(err, &target) {
		return target.Error(), true
	}
	var urlErr *client.RemoteURLError
	if errors.As(err, &urlErr) {
		return fmt.Sprintf("remoteUrl %q cannot be used: %s. Give the https address of the Paperclip Cloud stack (e.g. https://acme.paperclip.cloud); nothing was sent.", clip(urlErr.URL, 80), urlErr.Reason), true
	}
	var disc *client.DiscoveryError
	if errors.As(err, &disc) && disc.Kind == client.DiscoveryUnreachable {
		what := "could not be reached"
		if disc.Timeout {
			what = "did not answer in time"
		}
		return fmt.Sprintf("The cloud stack %s: GET %s failed (%v). Check remoteUrl and that this machine can reach it, then call %s again.", what, disc.URL, disc.Err, spec.Name), true
	}
	var nc *errCloudNotConnected
	if errors.As(err, &nc) {
		status := "pending, expired or revoked"
		if nc.TokenStatus != "" {
			status = nc.TokenStatus
		}
		return fmt.Sprintf("Cloud upstream connection %s is not connected (its token is %s), so nothing was pushed. "+
			"Connect again: paperclip_start_cloud_connect with the same remoteUrl, open the authorization URL, then paperclip_finish_cloud_connect; "+
			"push over the new connectionId it returns.", nc.ConnectionID, status), true
	}
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		return "", false
	}
	msg := apiErr.Message
	connID := pathAfter(apiErr.Path, "cloud-upstreams")
	runID := pathAfter(apiErr.Path, "push-runs")
	switch {
	case msg == "Cloud sync is not enabled":
		return fmt.Sprintf("Cloud upstream sync is turned off on this Paperclip instance (404 Cloud sync is not enabled). "+
			"An instance admin turns it on with paperclip_update_experimental_settings enableCloudSync=true (board key); then call %s again.", spec.Name), true
	case msg == "Cloud upstream connection was not found":
		if spec.Name == "paperclip_finish_cloud_connect" {
			return "There is no cloud upstream connection with that pendingConnectionId (404 Cloud upstream connection was not found). " +
				"Use the pendingConnectionId that paperclip_start_cloud_connect returned, or start again with paperclip_start_cloud_connect.", true
		}
		return fmt.Sprintf("Cloud upstream connection %s was not found for this company (404). %s "+
			"If there is none, connect first with paperclip_start_cloud_connect.", orDash(connID), findConnection), true
	case msg == "Cloud upstream run was not found":
		return fmt.Sprintf("Push run %s was not found on connection %s for this company (404). %s", orDash(runID), orDash(connID), findCloudRun), true
	case msg == "Cloud upstream connection is not connected" || msg == "Cloud upstream connection is missing an import token":
		return explainCloud(&errCloudNotConnected{ConnectionID: orDash(connID), Err: err}, spec)
	case msg == "Pending cloud upstream connection was not found":
		return "This connection is not waiting for an authorization any more (404 Pending cloud upstream connection was not found): it was already finished, " +
			"or its attempt was replaced. paperclip_list_cloud_upstreams shows whether it is connected; if it is not, start again with paperclip_start_cloud_connect " +
			"and finish with the code and state of that new attempt.", true
	case msg == "Cloud upstream state did not match":
		return "The state does not match this pending connection (400 Cloud upstream state did not match). Pass the state from the same redirect as the code: " +
			"the address the browser landed on after approving this attempt (…?code=…&state=…). If in doubt, start again with paperclip_start_cloud_connect.", true
	case apiErr.Status == 409 && msg == "A cloud upstream run is already running for this connection":
		running := ""
		if m, ok := apiErr.Details.(map[string]any); ok {
			running, _ = m["runId"].(string)
		}
		return fmt.Sprintf("A push is already running on connection %s (409): run %s. Follow it with paperclip_get_cloud_push_run connectionId=%s runId=%s, "+
			"or stop it with paperclip_cancel_cloud_push_run; push again once it has ended.", orDash(connID), orDash(running), orDash(connID), orDash(running)), true
	case msg == "Only succeeded cloud upstream runs can activate imported entities":
		return fmt.Sprintf("Run %s has not succeeded, and only a succeeded push run can activate imported entities (400). "+
			"Check it with paperclip_get_cloud_push_run: while it runs, wait until it succeeds; if it failed or was cancelled, push again with "+
			"paperclip_cloud_push retryOfRunId=%s and activate from the new run.", orDash(runID), orDash(runID)), true
	case msg == "Cloud stack schema is not compatible with this local Paperclip version":
		return fmt.Sprintf("Schema mismatch: the cloud stack's transfer schema differs from this Paperclip's (major %d), so nothing was pushed (400). "+
			"paperclip_preview_cloud_push shows the schema_mismatch blocker and which side reports which version; upgrade the older side, then connect again.",
			client.LocalTransferSchemaMajor), true
	case msg == "Cloud upstream targets require HTTPS except localhost development":
		return "The Paperclip server refused remoteUrl: a cloud stack must be reached over https (http only for localhost). Give its https address.", true
	case apiErr.Status == 400 && spec.Name == "paperclip_finish_cloud_connect":
		return fmt.Sprintf("The cloud stack refused the authorization (400 %s). A code works once and expires quickly: start again with paperclip_start_cloud_connect, "+
			"approve in the browser, and finish at once with the new code and state.", msg), true
	case strings.HasPrefix(msg, "Cloud upstream discovery failed: ") || strings.HasPrefix(msg, "Cloud upstream discovery missing "):
		return fmt.Sprintf("The remote is not a usable Paperclip Cloud upstream target (400 %s): its /.well-known/paperclip-upstream document is missing or incomplete. "+
			"Check remoteUrl with paperclip_check_cloud_upstream.", msg), true
	}
	return "", false
}

// ---------------------------------------------------------------- views

// CloudTarget is the cloud stack a connection points at.
type CloudTarget struct {
	StackID          string `json:"stackId"`
	StackSlug        string `json:"stackSlug,omitempty"`
	StackDisplayName string `json:"stackDisplayName,omitempty"`
	CompanyID        string `json:"companyId" jsonschema:"description=The cloud company that receives the import"`
	PrimaryHost      string `json:"primaryHost"`
	Origin           string `json:"origin"`
	Product          string `json:"product"`
	SchemaMajor      int    `json:"schemaMajor" jsonschema:"description=Transfer schema major the stack supports (this Paperclip: 1)"`
	MaxChunkBytes    int64  `json:"maxChunkBytes"`
}

func targetView(t client.CloudTarget) CloudTarget {
	return CloudTarget{StackID: t.StackID, StackSlug: str(t.StackSlug), StackDisplayName: str(t.StackDisplayName),
		CompanyID: t.CompanyID, PrimaryHost: t.PrimaryHost, Origin: t.Origin, Product: t.Product,
		SchemaMajor: t.SchemaMajor, MaxChunkBytes: t.MaxChunkBytes}
}

func (t CloudTarget) name() string {
	n := t.StackDisplayName
	if n == "" {
		n = t.StackSlug
	}
	if n == "" {
		n = t.StackID
	}
	if t.Origin != "" {
		n += " (" + t.Origin + ")"
	}
	return n
}

// CloudConnection is a stored connection to a cloud stack.
type CloudConnection struct {
	ID                     string      `json:"id"`
	CompanyID              string      `json:"companyId"`
	RemoteURL              string      `json:"remoteUrl"`
	Target                 CloudTarget `json:"target"`
	TokenStatus            string      `json:"tokenStatus" jsonschema:"description=pending | connected | expired | revoked"`
	Scopes                 []string    `json:"scopes"`
	AuthorizedGlobalUserID string      `json:"authorizedGlobalUserId,omitempty"`
	ExpiresAt              string      `json:"expiresAt,omitempty"`
	CreatedAt              string      `json:"createdAt"`
	UpdatedAt              string      `json:"updatedAt"`
	LastRunID              string      `json:"lastRunId,omitempty"`
}

func connectionView(c client.CloudConnection) CloudConnection {
	return CloudConnection{ID: c.ID, CompanyID: c.CompanyID, RemoteURL: c.RemoteURL, Target: targetView(c.Target),
		TokenStatus: c.TokenStatus, Scopes: cloudSlice(c.Scopes), AuthorizedGlobalUserID: str(c.AuthorizedGlobalUserID),
		ExpiresAt: str(c.ExpiresAt), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastRunID: str(c.LastRunID)}
}

func cloudSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func connectionLine(c CloudConnection) string {
	s := fmt.Sprintf("- `%s` **%s** → %s", c.ID, c.TokenStatus, c.Target.name())
	if c.ExpiresAt != "" {
		s += " · token expires " + shortTime(c.ExpiresAt)
	}
	if c.LastRunID != "" {
		s += " · last run `" + c.LastRunID + "`"
	}
	return s
}

// CloudRunSummary is one push run in a list.
type CloudRunSummary struct {
	ID              string `json:"id"`
	ConnectionID    string `json:"connectionId"`
	Status          string `json:"status" jsonschema:"description=previewed | running | succeeded | failed | cancelled"`
	ActiveStep      string `json:"activeStep" jsonschema:"description=connect | scan | preview | push | verify | activate"`
	ProgressPercent int    `json:"progressPercent"`
	Finished        bool   `json:"finished" jsonschema:"description=True when the run is no longer running"`
	RetryOfRunID    string `json:"retryOfRunId,omitempty"`
	CreatedAt       string `json:"createdAt"`
	UpdatedAt       string `json:"updatedAt"`
	CompletedAt     string `json:"completedAt,omitempty"`
}

func cloudRunSummary(r *client.CloudRun) CloudRunSummary {
	return CloudRunSummary{ID: r.ID, ConnectionID: r.ConnectionID, Status: r.Status, ActiveStep: r.ActiveStep,
		ProgressPercent: r.ProgressPercent, Finished: r.Status != "running", RetryOfRunID: str(r.RetryOfRunID),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, CompletedAt: str(r.CompletedAt)}
}

func cloudRunLine(r CloudRunSummary) string {
	s := fmt.Sprintf("- `%s` **%s** %s %d %% · connection `%s` · started %s", r.ID, r.Status, r.ActiveStep, r.ProgressPercent, r.ConnectionID, shortTime(r.CreatedAt))
	if r.CompletedAt != "" {
		s += " · ended " + shortTime(r.CompletedAt)
	}
	if r.RetryOfRunID != "" {
		s += " · retry of `" + r.RetryOfRunID + "`"
	}
	return s
}

// CloudActivation is the activation state of one entity type of a run.
type CloudActivation struct {
	EntityType  string `json:"entityType" jsonschema:"enum=agents,enum=routines,enum=monitors"`
	Count       int    `json:"count"`
	Status      string `json:"status" jsonschema:"enum=paused,enum=activated"`
	ActivatedAt string `json:"activatedAt,omitempty"`
}

// CloudRunDetail is one push run with everything Paperclip says about it.
type CloudRunDetail struct {
	CloudRunSummary
	CompanyID    string                    `json:"companyId"`
	DryRun       bool                      `json:"dryRun"`
	TargetURL    string                    `json:"targetUrl,omitempty"`
	Summary      []client.CloudSummaryItem `json:"summary"`
	Warnings     []client.CloudWarning     `json:"warnings"`
	Conflicts    []client.CloudConflict    `json:"conflicts"`
	Events       []client.CloudRunEvent    `json:"events"`
	Activation   []CloudActivation         `json:"activation" jsonschema:"description=agents\\, routines\\, monitors: paused until activated (only after success)"`
	Error        string                    `json:"error,omitempty" jsonschema:"description=report.error of a failed run"`
	ErrorMessage string                    `json:"errorMessage,omitempty"`
	Report       map[string]any            `json:"report,omitempty" jsonschema:"description=The run report as Paperclip gives it"`
}

func countOf(summary []client.CloudSummaryItem, key string) int {
	for _, s := range summary {
		if s.Key == key {
			return s.Count
		}
	}
	return 0
}

func cloudRunDetail(r *client.CloudRun) CloudRunDetail {
	d := CloudRunDetail{CloudRunSummary: cloudRunSummary(r), CompanyID: r.CompanyID, DryRun: r.DryRun, TargetURL: str(r.TargetURL),
		Summary: cloudSlice(r.Summary), Warnings: cloudSlice(r.Warnings), Conflicts: cloudSlice(r.Conflicts), Events: cloudSlice(r.Events),
		Activation: []CloudActivation{}}
	checklist := r.ActivationChecklist()
	for _, et := range client.ActivationEntityTypes {
		a := CloudActivation{EntityType: et, Count: countOf(r.Summary, et), Status: "paused"}
		if dec, ok := checklist[et]; ok {
			a.Count, a.Status, a.ActivatedAt = dec.Count, orDash(dec.Status), str(dec.ActivatedAt)
			if a.Status != "activated" {
				a.Status = "paused"
			}
		}
		d.Activation = append(d.Activation, a)
	}
	d.Error, d.ErrorMessage = r.ReportError()
	if len(r.Report) > 0 {
		_ = json.Unmarshal(r.Report, &d.Report) // not an object: left out
	}
	return d
}

// pausedTypes lists the entity types not yet activated, in the recommended order.
func (r CloudRunDetail) pausedTypes() []string {
	out := []string{}
	for _, a := range r.Activation {
		if a.Status != "activated" {
			out = append(out, a.EntityType)
		}
	}
	return out
}

func cloudRunMarkdown(m *md, r CloudRunDetail) {
	m.line("## Push run `%s`: %s at %d %% (step %s)", r.ID, r.Status, r.ProgressPercent, r.ActiveStep)
	m.line("- connection `%s`%s · started %s · ended %s", r.ConnectionID, prefixed(" · target ", r.TargetURL), shortTime(r.CreatedAt), shortTime(r.CompletedAt))
	if r.RetryOfRunID != "" {
		m.line("- retry of run `%s`", r.RetryOfRunID)
	}
	if r.Error != "" || r.ErrorMessage != "" {
		m.line("- error: %s", oneLine(strings.TrimSpace(r.ErrorMessage+" "+prefixed("(", r.Error)+closeIf(r.Error)), 300))
	}
	if len(r.Summary) > 0 {
		m.line("- entities: %s", summaryText(r.Summary))
	}
	if len(r.Conflicts) > 0 {
		m.line("- conflicts reported: %d", len(r.Conflicts))
	}
	if r.Status == "succeeded" {
		parts := []string{}
		for _, a := range r.Activation {
			p := fmt.Sprintf("%s %d %s", a.EntityType, a.Count, a.Status)
			if a.ActivatedAt != "" {
				p += " " + shortTime(a.ActivatedAt)
			}
			parts = append(parts, p)
		}
		m.line("- activation: %s", strings.Join(parts, " · "))
	}
	if n := len(r.Events); n > 0 {
		from := max(0, n-maxCloudEvents)
		m.line("### Events (last %d of %d)", n-from, n)
		for _, e := range r.Events[from:] {
			m.line("- %s %s/%s: %s", clockTime(e.At), e.Phase, e.Type, oneLine(e.Message, 200))
		}
	}
}

// cloudRunNext is the next call for a run in a given state.
func cloudRunNext(r CloudRunDetail) string {
	switch r.Status {
	case "running":
		return fmt.Sprintf("Next: the push is still running; paperclip_get_cloud_push_run connectionId=%s runId=%s follows it, paperclip_cancel_cloud_push_run stops it.", r.ConnectionID, r.ID)
	case "succeeded":
		if p := r.pausedTypes(); len(p) > 0 {
			return fmt.Sprintf("Next: activate one type at a time, %s first: paperclip_activate_cloud_entities connectionId=%s runId=%s entityType=%s.", p[0], r.ConnectionID, r.ID, p[0])
		}
		return "Done: the push succeeded and agents, routines and monitors are all activated."
	case "failed", "cancelled":
		return fmt.Sprintf("Next: push again, resuming this run's import ledger: paperclip_cloud_push connectionId=%s retryOfRunId=%s.", r.ConnectionID, r.ID)
	}
	return ""
}

func summaryText(items []client.CloudSummaryItem) string {
	parts := make([]string, 0, len(items))
	for _, s := range items {
		if s.Key == "warnings" {
			continue // a count of warnings, not of entities: listed on their own
		}
		label := s.Label
		if label == "" {
			label = s.Key
		}
		parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(label), s.Count))
	}
	return strings.Join(parts, " · ")
}

// ---------------------------------------------------------------- check

// CloudCheckArgs are the arguments of paperclip_check_cloud_upstream.
type CloudCheckArgs struct {
	RemoteURL string `json:"remoteUrl" jsonschema:"minLength=1,maxLength=2000,description=Address of the Paperclip Cloud stack (https; http only for localhost)"`
	Format
}

// CloudProblem is one reason a remote is not a usable target.
type CloudProblem struct {
	Code    string `json:"code" jsonschema:"enum=not_a_target,enum=incomplete_document,enum=no_pkce,enum=schema_mismatch,enum=no_cloud_sync"`
	Message string `json:"message"`
}

// CloudCheck says whether a remote is a usable cloud upstream target.
type CloudCheck struct {
	RemoteURL            string         `json:"remoteUrl"`
	DiscoveryURL         string         `json:"discoveryUrl"`
	Usable               bool           `json:"usable"`
	Problems             []CloudProblem `json:"problems"`
	Schema               string         `json:"schema,omitempty"`
	Product              string         `json:"product,omitempty"`
	StackID              string         `json:"stackId,omitempty"`
	StackSlug            string         `json:"stackSlug,omitempty"`
	StackDisplayName     string         `json:"stackDisplayName,omitempty"`
	StackCompanyID       string         `json:"stackCompanyId,omitempty"`
	Origin               string         `json:"origin,omitempty"`
	SupportedSchemaMajor *int           `json:"supportedSchemaMajor,omitempty"`
	LocalSchemaMajor     int            `json:"localSchemaMajor"`
	FeatureFlags         []string       `json:"featureFlags"`
	AuthMethods          []string       `json:"authMethods" jsonschema:"description=pkce and/or deviceCode"`
	Scopes               []string       `json:"scopes"`
	MaxChunkBytes        *int64         `json:"maxChunkBytes,omitempty"`
}

// discoveryProblems judges a discovery document as the connect step will.
func discoveryProblems(remote string, doc *client.Discovery) []CloudProblem {
	var out []CloudProblem
	var missing []string
	for _, f := range []struct{ name, v string }{{"stack.id", doc.Stack.ID}, {"stack.companyId", doc.Stack.CompanyID}, {"stack.origin", doc.Stack.Origin}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		out = append(out, CloudProblem{Code: "incomplete_document", Message: fmt.Sprintf(
			"%s is not a usable Paperclip Cloud upstream target: its discovery document lacks %s. The stack is not set up for upstream imports; ask its operator, or check remoteUrl.",
			remote, strings.Join(missing, ", "))})
	}
	if doc.Auth.PKCE == nil || doc.Auth.PKCE.TokenURL == "" || (doc.Auth.PKCE.AuthorizeURL == "" && doc.Auth.PKCE.ConsentURL == "") {
		out = append(out, CloudProblem{Code: "no_pkce", Message: fmt.Sprintf(
			"%s offers no browser authorization (auth.pkce with authorizeUrl and tokenUrl), which Paperclip's connect step needs. Ask the stack's operator to enable it.", remote)})
	}
	major, ok := doc.SchemaMajor()
	switch {
	case !ok:
		out = append(out, CloudProblem{Code: "incomplete_document", Message: fmt.Sprintf(
			"%s is not a usable Paperclip Cloud upstream target: its discovery document gives no transfer.supportedSchemaMajor.", remote)})
	case major > client.LocalTransferSchemaMajor:
		out = append(out, CloudProblem{Code: "schema_mismatch", Message: fmt.Sprintf(
			"Schema mismatch: this Paperclip speaks transfer schema major %d, the cloud stack %s supports major %d. Upgrade this local Paperclip server to a release that speaks schema %d, then check again.",
			client.LocalTransferSchemaMajor, remote, major, major)})
	case major < client.LocalTransferSchemaMajor:
		out = append(out, CloudProblem{Code: "schema_mismatch", Message: fmt.Sprintf(
			"Schema mismatch: this Paperclip speaks transfer schema major %d, the cloud stack %s only supports major %d. The cloud stack must be upgraded (ask its operator); then check again.",
			client.LocalTransferSchemaMajor, remote, major)})
	}
	if !doc.HasFeature(client.CloudSyncFeatureFlag) {
		has := "none"
		if len(doc.Transfer.FeatureFlags) > 0 {
			has = strings.Join(doc.Transfer.FeatureFlags, ", ")
		}
		out = append(out, CloudProblem{Code: "no_cloud_sync", Message: fmt.Sprintf(
			"The cloud stack %s does not offer cloud sync: its transfer.featureFlags lack %q (it has: %s). Ask the stack's operator to enable cloud sync for it, or use another stack.",
			remote, client.CloudSyncFeatureFlag, has)})
	}
	return out
}

// notATarget turns a discovery error with an answer into a problem.
func notATarget(remote string, e *client.DiscoveryError) CloudProblem {
	var why string
	switch e.Kind {
	case client.DiscoveryHTTPStatus:
		why = fmt.Sprintf("GET %s answered HTTP %d", e.URL, e.Status)
	case client.DiscoveryNotJSON:
		why = fmt.Sprintf("GET %s did not answer a JSON discovery document", e.URL)
	default:
		why = fmt.Sprintf("GET %s answered a document of schema %q, not %s", e.URL, e.Schema, client.DiscoverySchema)
	}
	return CloudProblem{Code: "not_a_target", Message: fmt.Sprintf(
		"%s is not a Paperclip Cloud upstream target: %s. Check remoteUrl: it must be the address of a Paperclip Cloud stack (the one you open in the browser, e.g. https://acme.paperclip.cloud).",
		remote, why)}
}

// checkTarget fetches and judges the remote. A problem list comes back when
// the remote answered; an error when it could not be asked at all.
func checkTarget(ctx context.Context, d *Deps, remote string) (CloudCheck, error) {
	out := CloudCheck{RemoteURL: remote, Problems: []CloudProblem{}, LocalSchemaMajor: client.LocalTransferSchemaMajor,
		FeatureFlags: []string{}, AuthMethods: []string{}, Scopes: []string{}}
	u, err := client.ValidateRemoteURL(remote)
	if err != nil {
		var ue *client.RemoteURLError
		if errors.As(err, &ue) {
			return out, inputErrorf("remoteUrl %q cannot be used: %s. Give the https address of the Paperclip Cloud stack (e.g. https://acme.paperclip.cloud); nothing was sent.", clip(remote, 80), ue.Reason)
		}
		return out, err
	}
	out.DiscoveryURL = client.DiscoveryURL(u)
	doc, err := d.Client.FetchDiscovery(ctx, remote)
	if err != nil {
		var de *client.DiscoveryError
		if errors.As(err, &de) && de.Kind != client.DiscoveryUnreachable {
			out.Problems = append(out.Problems, notATarget(remote, de))
			if de.Kind == client.DiscoveryWrongSchema {
				out.Schema = de.Schema
			}
			return out, nil
		}
		return out, err
	}
	out.Schema, out.Product = doc.Schema, doc.Product
	out.StackID, out.StackSlug, out.StackDisplayName = doc.Stack.ID, doc.Stack.Slug, doc.Stack.DisplayName
	out.StackCompanyID, out.Origin = doc.Stack.CompanyID, doc.Stack.Origin
	if major, ok := doc.SchemaMajor(); ok {
		out.SupportedSchemaMajor = &major
	}
	out.FeatureFlags = cloudSlice(doc.Transfer.FeatureFlags)
	if doc.Auth.PKCE != nil {
		out.AuthMethods = append(out.AuthMethods, "pkce")
	}
	if doc.Auth.DeviceCode != nil {
		out.AuthMethods = append(out.AuthMethods, "deviceCode")
	}
	out.Scopes = cloudSlice(doc.Auth.Scopes)
	out.MaxChunkBytes = doc.Transfer.MaxChunkBytes
	out.Problems = append(out.Problems, discoveryProblems(remote, doc)...)
	out.Usable = len(out.Problems) == 0
	return out, nil
}

func checkCloudUpstream(ctx context.Context, d *Deps, a CloudCheckArgs) (CloudCheck, error) {
	return checkTarget(ctx, d, strings.TrimSpace(a.RemoteURL))
}

func checkCloudUpstreamMarkdown(_ CloudCheckArgs, c CloudCheck) string {
	var m md
	if c.Usable {
		name := c.StackDisplayName
		if name == "" {
			name = c.StackID
		}
		m.line("**Usable**: %s is a compatible Paperclip Cloud upstream target (stack %s).", c.RemoteURL, name)
	} else {
		m.line("**Not usable**: %s cannot be a cloud upstream target for this Paperclip.", c.RemoteURL)
		for _, p := range c.Problems {
			m.line("- %s: %s", p.Code, p.Message)
		}
	}
	if c.Schema != "" {
		m.line("- discovery %s (%s)", c.DiscoveryURL, c.Schema)
	}
	if c.StackID != "" {
		m.line("- stack `%s`%s · cloud company `%s` · origin %s", c.StackID, prefixed(" ", c.StackSlug), c.StackCompanyID, orDash(c.Origin))
	}
	if c.SupportedSchemaMajor != nil {
		m.line("- transfer schema: stack %d, this Paperclip %d · feature flags: %s", *c.SupportedSchemaMajor, c.LocalSchemaMajor, orDash(strings.Join(c.FeatureFlags, ", ")))
	}
	if len(c.AuthMethods) > 0 {
		m.line("- authorization: %s · scopes: %s", strings.Join(c.AuthMethods, ", "), orDash(strings.Join(c.Scopes, " ")))
	}
	if c.Usable {
		m.line("Next: paperclip_start_cloud_connect remoteUrl=%s.", c.RemoteURL)
	}
	return m.String()
}

// ---------------------------------------------------------------- list

// CloudCompanyArgs name a company (default PAPERCLIP_COMPANY_ID).
type CloudCompanyArgs struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

// CloudUpstreams is a company's connections and recent push runs.
type CloudUpstreams struct {
	CompanyID   string            `json:"companyId"`
	Connections []CloudConnection `json:"connections"`
	Runs        []CloudRunSummary `json:"runs" jsonschema:"description=The last 50 push runs\\, newest first"`
}

func listCloudUpstreams(ctx context.Context, d *Deps, a CloudCompanyArgs) (CloudUpstreams, error) {
	out := CloudUpstreams{Connections: []CloudConnection{}, Runs: []CloudRunSummary{}}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	out.CompanyID = companyID
	l, err := d.Client.ListCloudUpstreams(ctx, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	for _, c := range l.Connections {
		out.Connections = append(out.Connections, connectionView(c))
	}
	for i := range l.Runs {
		out.Runs = append(out.Runs, cloudRunSummary(&l.Runs[i]))
	}
	return out, nil
}

func listCloudUpstreamsMarkdown(_ CloudCompanyArgs, l CloudUpstreams) string {
	var m md
	m.line("## Cloud upstreams of company `%s`: %d connection(s), %d recent push run(s)", l.CompanyID, len(l.Connections), len(l.Runs))
	for _, c := range l.Connections {
		m.line("%s", connectionLine(c))
	}
	if len(l.Runs) > 0 {
		m.line("### Push runs, newest first")
		for _, r := range l.Runs {
			m.line("%s", cloudRunLine(r))
		}
	}
	if len(l.Connections) == 0 {
		m.line("No connection yet: paperclip_check_cloud_upstream, then paperclip_start_cloud_connect.")
	} else {
		m.line("Next: paperclip_preview_cloud_push connectionId=<a connected one> shows what a push would do.")
	}
	return m.String()
}

// ---------------------------------------------------------------- connect

// StartConnectArgs are the arguments of paperclip_start_cloud_connect.
type StartConnectArgs struct {
	CompanyID   string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company to connect; defaults to PAPERCLIP_COMPANY_ID"`
	RemoteURL   string `json:"remoteUrl" jsonschema:"minLength=1,maxLength=2000,description=Address of the Paperclip Cloud stack (https; http only for localhost)"`
	RedirectURI string `json:"redirectUri,omitempty" jsonschema:"maxLength=2000,description=Where the browser lands after approval (it carries ?code=…&state=…); defaults to <Paperclip origin>/cloud-upstreams/callback"`
}

// StartConnectResult is what the person needs to authorize.
type StartConnectResult struct {
	PendingConnectionID string          `json:"pendingConnectionId"`
	AuthorizationURL    string          `json:"authorizationUrl" jsonschema:"description=Open it in a browser and approve"`
	RedirectURI         string          `json:"redirectUri"`
	Connection          CloudConnection `json:"connection"`
	Message             string          `json:"message"`
}

func (d *Deps) defaultRedirectURI() string { return d.Client.Origin() + "/cloud-upstreams/callback" }

func startCloudConnect(ctx context.Context, d *Deps, a StartConnectArgs) (StartConnectResult, error) {
	out := StartConnectResult{Connection: CloudConnection{Scopes: []string{}}}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	remote := strings.TrimSpace(a.RemoteURL)
	if _, err := client.ValidateRemoteURL(remote); err != nil {
		var ue *client.RemoteURLError
		if errors.As(err, &ue) {
			return out, inputErrorf("remoteUrl %q cannot be used: %s. Give the https address of the Paperclip Cloud stack (e.g. https://acme.paperclip.cloud); nothing was sent.", clip(remote, 80), ue.Reason)
		}
		return out, err
	}
	redirect := strings.TrimSpace(a.RedirectURI)
	if redirect == "" {
		redirect = d.defaultRedirectURI()
	}
	if u, err := url.Parse(redirect); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return out, inputErrorf("redirectUri %q must be an absolute http(s) URL without a fragment; leave it out to use %s.", clip(redirect, 80), d.defaultRedirectURI())
	}
	// Ask the local server first: a server without the routes, or with the
	// flag off, should say so before anything goes to the remote.
	if _, err := d.Client.ListCloudUpstreams(ctx, companyID); err != nil {
		return out, d.cloudErr(ctx, err)
	}
	check, err := checkTarget(ctx, d, remote)
	if err != nil {
		return out, err
	}
	if !check.Usable {
		return out, &errCloudTarget{RemoteURL: remote, Problems: check.Problems}
	}
	st, err := d.Client.StartCloudConnect(ctx, companyID, remote, redirect)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.PendingConnectionID, out.AuthorizationURL, out.RedirectURI = st.PendingConnectionID, st.AuthorizationURL, redirect
	out.Connection = connectionView(st.Connection)
	out.Message = fmt.Sprintf("Open the authorization URL in a browser and approve access to %s. The browser then lands on %s?code=…&state=…: "+
		"copy code and state from that address (the page itself may show nothing) and call paperclip_finish_cloud_connect pendingConnectionId=%s code=<code> state=<state>.",
		out.Connection.Target.name(), redirect, out.PendingConnectionID)
	return out, nil
}

func startCloudConnectMarkdown(_ StartConnectArgs, r StartConnectResult) string {
	var m md
	m.line("## Connecting to %s", r.Connection.Target.name())
	m.line("Authorization URL (open it and approve):")
	m.line("%s", r.AuthorizationURL)
	m.blank()
	m.line("- pending connection `%s` · scopes %s", r.PendingConnectionID, orDash(strings.Join(r.Connection.Scopes, " ")))
	m.line("%s", r.Message)
	return m.String()
}

// FinishConnectArgs are the arguments of paperclip_finish_cloud_connect.
type FinishConnectArgs struct {
	PendingConnectionID string `json:"pendingConnectionId" jsonschema:"format=uuid,description=From paperclip_start_cloud_connect"`
	Code                string `json:"code" jsonschema:"minLength=1,maxLength=4000,description=The code parameter of the address the browser landed on"`
	State               string `json:"state" jsonschema:"minLength=1,maxLength=1000,description=The state parameter of the same address"`
}

// FinishConnectResult is the connection once connected.
type FinishConnectResult struct {
	Connection CloudConnection `json:"connection"`
	Message    string          `json:"message"`
}

func finishCloudConnect(ctx context.Context, d *Deps, a FinishConnectArgs) (FinishConnectResult, error) {
	out := FinishConnectResult{Connection: CloudConnection{Scopes: []string{}}}
	if err := requireID("pendingConnectionId", a.PendingConnectionID, "Use the pendingConnectionId that paperclip_start_cloud_connect returned."); err != nil {
		return out, err
	}
	c, err := d.Client.FinishCloudConnect(ctx, a.PendingConnectionID, strings.TrimSpace(a.Code), strings.TrimSpace(a.State))
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.Connection = connectionView(*c)
	expires := ""
	if out.Connection.ExpiresAt != "" {
		expires = "; the token expires " + shortTime(out.Connection.ExpiresAt)
	}
	out.Message = fmt.Sprintf("Connection %s to %s is %s%s. Next: paperclip_preview_cloud_push connectionId=%s.",
		out.Connection.ID, out.Connection.Target.name(), out.Connection.TokenStatus, expires, out.Connection.ID)
	return out, nil
}

func finishCloudConnectMarkdown(_ FinishConnectArgs, r FinishConnectResult) string {
	var m md
	m.line("%s", r.Message)
	m.line("%s", connectionLine(r.Connection))
	return m.String()
}

// ---------------------------------------------------------------- preview

// CloudConnectionArgs name a connection of a company.
type CloudConnectionArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id (from paperclip_list_cloud_upstreams or paperclip_finish_cloud_connect)"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

// CloudPreview is the dry run of a push, with a verdict.
type CloudPreview struct {
	ConnectionID       string                    `json:"connectionId"`
	SourceCompanyID    string                    `json:"sourceCompanyId"`
	Target             CloudTarget               `json:"target"`
	TokenStatus        string                    `json:"tokenStatus,omitempty" jsonschema:"description=The connection's token status\\, when it could be read"`
	SchemaCompatible   bool                      `json:"schemaCompatible"`
	LocalSchemaMajor   int                       `json:"localSchemaMajor"`
	Summary            []client.CloudSummaryItem `json:"summary"`
	Warnings           []client.CloudWarning     `json:"warnings"`
	Conflicts          []client.CloudConflict    `json:"conflicts"`
	ConflictsRemaining bool                      `json:"conflictsRemaining"`
	StaleMappings      []string                  `json:"staleMappings" jsonschema:"description=Codes of warnings about stale mappings"`
	GeneratedAt        string                    `json:"generatedAt"`
	Verdict            string                    `json:"verdict" jsonschema:"enum=ready,enum=needs_attention,enum=blocked"`
	ExitCode           int                       `json:"exitCode" jsonschema:"enum=0,enum=2,enum=3,description=The CLI's exit code for this preview: 0 ready\\, 2 conflicts or stale mappings need attention\\, 3 blocked (schema mismatch or blocker)"`
	Reasons            []string                  `json:"reasons" jsonschema:"description=Why the verdict is not ready"`
	VerdictLine        string                    `json:"verdictLine"`
}

func (p *CloudPreview) judge() {
	p.Reasons = []string{}
	blocked, attention := false, false
	if !p.SchemaCompatible {
		blocked = true
		side := "the older side"
		switch {
		case p.Target.SchemaMajor > p.LocalSchemaMajor:
			side = "this local Paperclip server"
		case p.Target.SchemaMajor < p.LocalSchemaMajor:
			side = "the cloud stack (ask its operator)"
		}
		p.Reasons = append(p.Reasons, fmt.Sprintf("schema mismatch: this Paperclip speaks transfer schema %d, the cloud stack %d; upgrade %s, then connect again",
			p.LocalSchemaMajor, p.Target.SchemaMajor, side))
	}
	for _, w := range p.Warnings {
		if w.Severity == "blocker" && !(w.Code == "schema_mismatch" && !p.SchemaCompatible) {
			blocked = true
			p.Reasons = append(p.Reasons, fmt.Sprintf("blocker %s: %s", w.Code, oneLine(w.Title+". "+w.Detail, 200)))
		}
		if strings.Contains(strings.ToLower(w.Code), "stale") {
			attention = true
			p.StaleMappings = append(p.StaleMappings, w.Code)
			p.Reasons = append(p.Reasons, fmt.Sprintf("stale mapping %s: %s", w.Code, oneLine(w.Detail, 200)))
		}
	}
	if p.ConflictsRemaining {
		attention = true
		p.Reasons = append(p.Reasons, fmt.Sprintf("%d conflict(s) remain; resolve them and preview again", len(p.Conflicts)))
	}
	if p.TokenStatus != "" && p.TokenStatus != "connected" {
		attention = true
		p.Reasons = append(p.Reasons, fmt.Sprintf("the connection is %s, so the cloud stack was not asked about conflicts; connect again with paperclip_start_cloud_connect", p.TokenStatus))
	}
	switch {
	case blocked:
		p.Verdict, p.ExitCode = "blocked", 3
		p.VerdictLine = "Blocked: " + strings.Join(p.Reasons, "; ") + "."
	case attention:
		p.Verdict, p.ExitCode = "needs_attention", 2
		p.VerdictLine = "Needs attention: " + strings.Join(p.Reasons, "; ") + "."
	default:
		p.Verdict, p.ExitCode = "ready", 0
		p.VerdictLine = fmt.Sprintf("Ready to push: paperclip_cloud_push connectionId=%s wait=true.", p.ConnectionID)
	}
}

func previewCloudPush(ctx context.Context, d *Deps, a CloudConnectionArgs) (CloudPreview, error) {
	out := CloudPreview{Summary: []client.CloudSummaryItem{}, Warnings: []client.CloudWarning{}, Conflicts: []client.CloudConflict{},
		StaleMappings: []string{}, Reasons: []string{}, LocalSchemaMajor: client.LocalTransferSchemaMajor}
	if err := requireID("connectionId", a.ConnectionID, findConnection); err != nil {
		return out, err
	}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	p, err := d.Client.PreviewCloudPush(ctx, a.ConnectionID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.ConnectionID, out.SourceCompanyID, out.Target = p.ConnectionID, p.SourceCompanyID, targetView(p.Target)
	out.SchemaCompatible, out.GeneratedAt = p.SchemaCompatible, p.GeneratedAt
	out.Summary, out.Warnings, out.Conflicts = cloudSlice(p.Summary), cloudSlice(p.Warnings), cloudSlice(p.Conflicts)
	out.ConflictsRemaining = len(out.Conflicts) > 0
	// A preview over a connection whose token is not usable asks the cloud
	// stack nothing: no conflicts would show. The token status says so.
	if l, err := d.Client.ListCloudUpstreams(ctx, companyID); err == nil {
		for _, c := range l.Connections {
			if c.ID == a.ConnectionID {
				out.TokenStatus = c.TokenStatus
			}
		}
	}
	out.judge()
	return out, nil
}

func previewCloudPushMarkdown(_ CloudConnectionArgs, p CloudPreview) string {
	var m md
	m.line("## Cloud push preview: connection `%s` → %s", p.ConnectionID, p.Target.name())
	m.line("**%s** (exit code %d)", p.VerdictLine, p.ExitCode)
	m.line("- would move: %s", orDash(summaryText(p.Summary)))
	m.line("- transfer schema: local %d, cloud %d · compatible: %t%s", p.LocalSchemaMajor, p.Target.SchemaMajor, p.SchemaCompatible, prefixed(" · token ", p.TokenStatus))
	if len(p.Warnings) > 0 {
		m.line("### Warnings (%d)", len(p.Warnings))
		for _, w := range p.Warnings {
			m.line("- [%s] %s (%s): %s", w.Severity, w.Title, w.Code, oneLine(w.Detail, 240))
		}
	}
	if n := len(p.Conflicts); n > 0 {
		shown := min(n, maxConflicts)
		m.line("### Conflicts (%d of %d)", shown, n)
		for _, c := range p.Conflicts[:shown] {
			m.line("- %s: %q ↔ %q · %s · %s", c.EntityType, c.SourceLabel, c.TargetLabel, c.PlannedAction, oneLine(c.Reason, 200))
		}
		if n > shown {
			m.line("- … %d more in the structured content (response_format=json).", n-shown)
		}
	}
	return m.String()
}

// ---------------------------------------------------------------- push

// CloudPushArgs are the arguments of paperclip_cloud_push.
type CloudPushArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=A connected cloud upstream connection"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	RetryOfRunID string `json:"retryOfRunId,omitempty" jsonschema:"format=uuid,description=A failed or cancelled run to resume (same import ledger\\, no duplicates)"`
	Wait         bool   `json:"wait,omitempty" jsonschema:"default=false,description=Follow the run until it ends (at most 50 s)\\, with progress notifications when the client asked for them"`
}

// CloudPushResult is the run as started, or as it ended when waited for.
type CloudPushResult struct {
	Run      CloudRunDetail `json:"run"`
	Waited   bool           `json:"waited"`
	Finished bool           `json:"finished" jsonschema:"description=True when the run is no longer running"`
	TimedOut bool           `json:"timedOut" jsonschema:"description=True when wait gave up while the run still ran"`
	Polls    int            `json:"polls" jsonschema:"description=How many times the run was read while waiting"`
	Message  string         `json:"message"`
}

func cloudPush(ctx context.Context, d *Deps, a CloudPushArgs) (CloudPushResult, error) {
	out := CloudPushResult{Run: cloudRunDetail(&client.CloudRun{})}
	if err := requireID("connectionId", a.ConnectionID, findConnection); err != nil {
		return out, err
	}
	if err := optionalID("retryOfRunId", a.RetryOfRunID, findCloudRun); err != nil {
		return out, err
	}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return out, err
	}
	run, err := d.Client.StartCloudPush(ctx, a.ConnectionID, companyID, a.RetryOfRunID)
	if err != nil {
		if apiErr, ok := client.AsAPIError(err); ok && apiErr.Message == "Cloud upstream connection is not connected" {
			status := ""
			if l, lerr := d.Client.ListCloudUpstreams(ctx, companyID); lerr == nil {
				for _, c := range l.Connections {
					if c.ID == a.ConnectionID {
						status = c.TokenStatus
					}
				}
			}
			return out, &errCloudNotConnected{ConnectionID: a.ConnectionID, TokenStatus: status, Err: err}
		}
		return out, d.cloudErr(ctx, err)
	}
	last := run.ProgressPercent
	reportProgress(ctx, float64(last), 100, fmt.Sprintf("%s %d%%", run.ActiveStep, last))
	if a.Wait {
		out.Waited = true
		deadline := time.Now().Add(cloudWaitLimit)
		maxPolls := int(cloudWaitLimit/cloudPollInterval) + 1
		for run.Status == "running" {
			if out.Polls >= maxPolls || time.Now().Add(cloudPollInterval).After(deadline) {
				out.TimedOut = true
				break
			}
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(cloudPollInterval):
			}
			next, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, run.ID, companyID)
			out.Polls++
			if err != nil {
				return out, d.cloudErr(ctx, err)
			}
			run = next
			if run.ProgressPercent > last {
				last = run.ProgressPercent
				reportProgress(ctx, float64(last), 100, fmt.Sprintf("%s %d%%", run.ActiveStep, last))
			}
		}
	}
	out.Run = cloudRunDetail(run)
	out.Finished = out.Run.Finished
	switch {
	case out.TimedOut:
		out.Message = fmt.Sprintf("Push run %s is still running after %s (%s, %d %%). %s", run.ID, cloudWaitLimit, run.ActiveStep, run.ProgressPercent, cloudRunNext(out.Run))
	case !out.Finished:
		out.Message = fmt.Sprintf("Push run %s started (%s, %d %%); it goes on in the background. %s", run.ID, run.ActiveStep, run.ProgressPercent, cloudRunNext(out.Run))
	case run.Status == "succeeded":
		out.Message = fmt.Sprintf("Push run %s succeeded: everything landed in the cloud stack paused. %s", run.ID, cloudRunNext(out.Run))
	default:
		why := ""
		if out.Run.ErrorMessage != "" || out.Run.Error != "" {
			why = ": " + oneLine(cloudFirst(out.Run.ErrorMessage, out.Run.Error), 200)
		}
		out.Message = fmt.Sprintf("Push run %s ended %s%s. %s", run.ID, run.Status, why, cloudRunNext(out.Run))
	}
	if len(out.Run.Conflicts) > 0 {
		out.Message += fmt.Sprintf(" The cloud stack reported %d conflict(s): those entities were not imported as is.", len(out.Run.Conflicts))
	}
	return out, nil
}

func cloudFirst(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

func cloudPushMarkdown(_ CloudPushArgs, r CloudPushResult) string {
	var m md
	m.line("%s", r.Message)
	m.blank()
	cloudRunMarkdown(&m, r.Run)
	return m.String()
}

// ---------------------------------------------------------------- get, cancel

// CloudRunArgs identify a push run.
type CloudRunArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=Push run id (from paperclip_cloud_push or paperclip_list_cloud_upstreams)"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

func (a CloudRunArgs) check(d *Deps) (string, error) {
	if err := requireID("connectionId", a.ConnectionID, findConnection); err != nil {
		return "", err
	}
	if err := requireID("runId", a.RunID, findCloudRun); err != nil {
		return "", err
	}
	return d.company(a.CompanyID)
}

func getCloudPushRun(ctx context.Context, d *Deps, a CloudRunArgs) (CloudRunDetail, error) {
	out := cloudRunDetail(&client.CloudRun{})
	companyID, err := a.check(d)
	if err != nil {
		return out, err
	}
	r, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	return cloudRunDetail(r), nil
}

func getCloudPushRunMarkdown(_ CloudRunArgs, r CloudRunDetail) string {
	var m md
	cloudRunMarkdown(&m, r)
	m.blank()
	m.line("%s", cloudRunNext(r))
	return m.String()
}

// CloudCancelArgs identify the push run to cancel.
type CloudCancelArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=The running push run to cancel"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
}

// CloudCancelResult is the run after the cancel request.
type CloudCancelResult struct {
	Run       CloudRunDetail `json:"run"`
	Cancelled bool           `json:"cancelled" jsonschema:"description=True when this call cancelled the run"`
	Message   string         `json:"message"`
}

func cancelCloudPushRun(ctx context.Context, d *Deps, a CloudCancelArgs) (CloudCancelResult, error) {
	out := CloudCancelResult{Run: cloudRunDetail(&client.CloudRun{})}
	companyID, err := CloudRunArgs{ConnectionID: a.ConnectionID, RunID: a.RunID, CompanyID: a.CompanyID}.check(d)
	if err != nil {
		return out, err
	}
	// Read first: Paperclip answers a run that is not running unchanged, so
	// only the status before tells whether this call cancelled it.
	before, err := d.Client.GetCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	r := before
	if before.Status == "running" {
		if r, err = d.Client.CancelCloudPushRun(ctx, a.ConnectionID, a.RunID, companyID); err != nil {
			return out, d.cloudErr(ctx, err)
		}
	}
	out.Run = cloudRunDetail(r)
	out.Cancelled = before.Status == "running" && r.Status == "cancelled"
	switch {
	case out.Cancelled:
		out.Message = fmt.Sprintf("Push run %s is cancelled; what reached the cloud stack stays there, paused. %s", r.ID, cloudRunNext(out.Run))
	case before.Status == "running":
		out.Message = fmt.Sprintf("Cancel was requested; push run %s is %s. Check it with paperclip_get_cloud_push_run.", r.ID, r.Status)
	default:
		out.Message = fmt.Sprintf("Push run %s was not running (it is %s); nothing changed.", r.ID, r.Status)
	}
	return out, nil
}

func cancelCloudPushRunMarkdown(_ CloudCancelArgs, r CloudCancelResult) string {
	var m md
	m.line("%s", r.Message)
	m.line("%s", cloudRunLine(r.Run.CloudRunSummary))
	return m.String()
}

// ---------------------------------------------------------------- activate

// ActivateArgs are the arguments of paperclip_activate_cloud_entities.
type ActivateArgs struct {
	ConnectionID string `json:"connectionId" jsonschema:"format=uuid,description=Cloud upstream connection id"`
	RunID        string `json:"runId" jsonschema:"format=uuid,description=A succeeded push run"`
	EntityType   string `json:"entityType" jsonschema:"enum=agents,enum=routines,enum=monitors,description=What to activate: agents first\\, then routines\\, then monitors"`
	CompanyID    string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Local company id; defaults to PAPERCLIP_COMPANY_ID"`
}

// ActivateResult is the run after activation.
type ActivateResult struct {
	EntityType  string          `json:"entityType"`
	Decision    CloudActivation `json:"decision"`
	StillPaused []string        `json:"stillPaused" jsonschema:"description=Entity types of this run not activated yet\\, in the recommended order"`
	Run         CloudRunDetail  `json:"run"`
	Message     string          `json:"message"`
}

func activateCloudEntities(ctx context.Context, d *Deps, a ActivateArgs) (ActivateResult, error) {
	out := ActivateResult{EntityType: a.EntityType, StillPaused: []string{}, Run: cloudRunDetail(&client.CloudRun{})}
	companyID, err := CloudRunArgs{ConnectionID: a.ConnectionID, RunID: a.RunID, CompanyID: a.CompanyID}.check(d)
	if err != nil {
		return out, err
	}
	r, err := d.Client.ActivateCloudEntities(ctx, a.ConnectionID, a.RunID, companyID, a.EntityType)
	if err != nil {
		return out, d.cloudErr(ctx, err)
	}
	out.Run = cloudRunDetail(r)
	for _, act := range out.Run.Activation {
		if act.EntityType == a.EntityType {
			out.Decision = act
		}
	}
	out.StillPaused = out.Run.pausedTypes()
	out.Message = fmt.Sprintf("%s of run %s: %d %s.", upperFirst(a.EntityType), r.ID, out.Decision.Count, out.Decision.Status)
	if len(out.StillPaused) > 0 {
		out.Message += fmt.Sprintf(" Still paused: %s. Next: paperclip_activate_cloud_entities connectionId=%s runId=%s entityType=%s.",
			strings.Join(out.StillPaused, ", "), r.ConnectionID, r.ID, out.StillPaused[0])
	} else {
		out.Message += " Agents, routines and monitors are all active in the cloud stack."
	}
	return out, nil
}

func activateCloudEntitiesMarkdown(_ ActivateArgs, r ActivateResult) string {
	var m md
	m.line("%s", r.Message)
	parts := []string{}
	for _, act := range r.Run.Activation {
		parts = append(parts, fmt.Sprintf("%s %d %s", act.EntityType, act.Count, act.Status))
	}
	m.line("- activation: %s", strings.Join(parts, " · "))
	return m.String()
}

// ---------------------------------------------------------------- registry

func cloudTools() []Tool {
	const notFound = "List connections and runs with paperclip_list_cloud_upstreams."
	return []Tool{
		define(Spec{Name: "paperclip_check_cloud_upstream", Title: "Check a cloud upstream target", Toolset: Cloud,
			Description: "Read a Paperclip Cloud stack's /.well-known/paperclip-upstream document (no credentials are sent) and say whether it is a usable target: " +
				"the paperclip-upstream-discovery-v1 schema, the cloud_sync feature flag, a transfer schema major equal to this Paperclip's (1), browser (PKCE) authorization, https unless localhost. " +
				"Each problem says what to do. Use it before paperclip_start_cloud_connect.",
			Access: Read, OpenWorld: true},
			checkCloudUpstream, checkCloudUpstreamMarkdown),
		define(Spec{Name: "paperclip_list_cloud_upstreams", Title: "List cloud upstreams", Toolset: Cloud, BoardOnly: true,
			Description: "A company's cloud upstream connections (target stack, tokenStatus: pending, connected, expired, revoked) and its last 50 push runs " +
				"(status, step, progress). Use it to find connectionId and runId.",
			Access: Read, NotFound: "Check companyId."},
			listCloudUpstreams, listCloudUpstreamsMarkdown),
		define(Spec{Name: "paperclip_start_cloud_connect", Title: "Start connecting to a cloud stack", Toolset: Cloud, BoardOnly: true,
			Description: "Start connecting a local company to a Paperclip Cloud stack. Checks the stack first (as paperclip_check_cloud_upstream), then returns " +
				"the authorization URL for the person to open and approve, and the pending connection id. After approval the browser lands on " +
				"redirectUri?code=…&state=…; pass both to paperclip_finish_cloud_connect. Also the way to reconnect after a token expired or was revoked.",
			Access: Write, OpenWorld: true, NotFound: "Check companyId."},
			startCloudConnect, startCloudConnectMarkdown),
		define(Spec{Name: "paperclip_finish_cloud_connect", Title: "Finish connecting to a cloud stack", Toolset: Cloud, BoardOnly: true,
			Description: "Finish a connection started with paperclip_start_cloud_connect: give the pendingConnectionId and the code and state from the address the browser landed on. " +
				"Paperclip trades the code for a token (a code works once); the connection becomes connected. Next: paperclip_preview_cloud_push.",
			Access: Write, OpenWorld: true, NotFound: "Use the pendingConnectionId from paperclip_start_cloud_connect."},
			finishCloudConnect, finishCloudConnectMarkdown),
		// Preview only reads, but it asks the cloud stack about conflicts: open world.
		define(Spec{Name: "paperclip_preview_cloud_push", Title: "Preview a cloud push", Toolset: Cloud, BoardOnly: true,
			Description: "Dry run of a push: counts per entity type, warnings with severity, conflicts (entity type, local and cloud labels, planned action, reason) " +
				"and a one-line verdict: ready, needs attention (conflicts or stale mappings; exit code 2), or blocked (schema mismatch or a blocker warning; exit code 3). " +
				"Nothing is written. Resolve what it lists, preview again, then paperclip_cloud_push.",
			Access: Read, OpenWorld: true, NotFound: notFound},
			previewCloudPush, previewCloudPushMarkdown),
		// Destructive: a push may update entities that already exist in the
		// cloud stack (planned action "update"), not only add new ones.
		define(Spec{Name: "paperclip_cloud_push", Title: "Push a company to the cloud", Toolset: Cloud, BoardOnly: true,
			Description: "Start pushing the company over a connected connection; everything lands in the cloud stack paused. One push at a time per connection. " +
				"With wait=true, follows the run until it ends (at most 50 s; a longer push keeps running) and sends progress notifications as it walks connect, scan, preview, push, verify, activate; " +
				"otherwise follow it with paperclip_get_cloud_push_run. After a failure, push again with retryOfRunId. Preview first with paperclip_preview_cloud_push.",
			Access: Destructive, OpenWorld: true, NotFound: notFound},
			cloudPush, cloudPushMarkdown),
		define(Spec{Name: "paperclip_get_cloud_push_run", Title: "Get a cloud push run", Toolset: Cloud, BoardOnly: true,
			Description: "One push run: status, active step, progress %, counts, warnings, conflicts, events, the activation state of agents, routines and monitors, " +
				"and the error of a failed run. Says what to call next.",
			Access: Read, NotFound: notFound},
			getCloudPushRun, getCloudPushRunMarkdown),
		// Destructive: it abandons a push half way; what already reached the
		// cloud stack stays there, and only a new push (retryOfRunId) resumes.
		// Idempotent: a run that is not running comes back unchanged.
		// Open world: Paperclip tells the cloud stack to cancel its import.
		define(Spec{Name: "paperclip_cancel_cloud_push_run", Title: "Cancel a cloud push run", Toolset: Cloud, BoardOnly: true,
			Description: "Cancel a running push run. What already reached the cloud stack stays there, paused; resume later with paperclip_cloud_push retryOfRunId. " +
				"A run that is not running comes back unchanged.",
			Access: DestructiveIdempotent, OpenWorld: true, NotFound: notFound},
			cancelCloudPushRun, cancelCloudPushRunMarkdown),
		define(Spec{Name: "paperclip_activate_cloud_entities", Title: "Activate imported entities", Toolset: Cloud, BoardOnly: true,
			Description: "Unpause one type of entity imported by a push run: agents, routines or monitors. Only a succeeded run can activate. " +
				"Activate one type at a time, agents first, then routines, then monitors, checking each in the cloud stack before the next.",
			Access: WriteIdempotent, NotFound: notFound},
			activateCloudEntities, activateCloudEntitiesMarkdown),
	}
}
