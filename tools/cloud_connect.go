package tools

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Cloud upstream sync: check a target, list connections, connect.

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

// checkCloudUpstreamTool declares paperclip_check_cloud_upstream.
func checkCloudUpstreamTool() Tool {
	return define(Spec{Name: "paperclip_check_cloud_upstream", Title: "Check a cloud upstream target", Toolset: Cloud,
		Description: "Read a Paperclip Cloud stack's /.well-known/paperclip-upstream document (no credentials are sent) and say whether it is a usable target: " +
			"the paperclip-upstream-discovery-v1 schema, the cloud_sync feature flag, a transfer schema major equal to this Paperclip's (1), browser (PKCE) authorization, https unless localhost. " +
			"Each problem says what to do. Use it before paperclip_start_cloud_connect.",
		Access: Read, OpenWorld: true},
		checkCloudUpstream, checkCloudUpstreamMarkdown)
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

// listCloudUpstreamsTool declares paperclip_list_cloud_upstreams.
func listCloudUpstreamsTool() Tool {
	return define(Spec{Name: "paperclip_list_cloud_upstreams", Title: "List cloud upstreams", Toolset: Cloud, BoardOnly: true,
		Description: "A company's cloud upstream connections (target stack, tokenStatus: pending, connected, expired, revoked) and its last 50 push runs " +
			"(status, step, progress). Use it to find connectionId and runId.",
		Access: Read, NotFound: "Check companyId."},
		listCloudUpstreams, listCloudUpstreamsMarkdown)
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

// startCloudConnectTool declares paperclip_start_cloud_connect.
func startCloudConnectTool() Tool {
	return define(Spec{Name: "paperclip_start_cloud_connect", Title: "Start connecting to a cloud stack", Toolset: Cloud, BoardOnly: true,
		Description: "Start connecting a local company to a Paperclip Cloud stack. Checks the stack first (as paperclip_check_cloud_upstream), then returns " +
			"the authorization URL for the person to open and approve, and the pending connection id. After approval the browser lands on " +
			"redirectUri?code=…&state=…; pass both to paperclip_finish_cloud_connect. Also the way to reconnect after a token expired or was revoked.",
		Access: Write, OpenWorld: true, NotFound: "Check companyId."},
		startCloudConnect, startCloudConnectMarkdown)
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

// finishCloudConnectTool declares paperclip_finish_cloud_connect.
func finishCloudConnectTool() Tool {
	return define(Spec{Name: "paperclip_finish_cloud_connect", Title: "Finish connecting to a cloud stack", Toolset: Cloud, BoardOnly: true,
		Description: "Finish a connection started with paperclip_start_cloud_connect: give the pendingConnectionId and the code and state from the address the browser landed on. " +
			"Paperclip trades the code for a token (a code works once); the connection becomes connected. Next: paperclip_preview_cloud_push.",
		Access: Write, OpenWorld: true, NotFound: "Use the pendingConnectionId from paperclip_start_cloud_connect."},
		finishCloudConnect, finishCloudConnectMarkdown)
}
