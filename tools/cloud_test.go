package tools

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
	"github.com/paperclip-mcp/paperclip-mcp/test/clouddouble"
)

// The cloud tools against test/clouddouble, the TEST DOUBLE of the local
// cloud-upstream routes and of a remote cloud stack (no published Paperclip
// serves these routes). Calls go through an in-process MCP server built like
// cmd's (output schema validation on), so structured content is checked
// against each tool's output schema.

const cloudTestKey = "pcp_board_cloudtestsecret0123456789"

type cloudEnv struct {
	pair *clouddouble.Pair
	deps *Deps
	mcp  *mcpclient.Client

	mu            sync.Mutex
	notifications []mcp.JSONRPCNotification
}

func newCloudEnv(t *testing.T, lo clouddouble.LocalOptions, ro clouddouble.RemoteOptions) *cloudEnv {
	t.Helper()
	p := clouddouble.Start(t, lo, ro)
	c, err := client.New(client.Config{BaseURL: p.LocalURL, APIKey: cloudTestKey, Retries: -1})
	require.NoError(t, err)
	e := &cloudEnv{pair: p, deps: &Deps{Client: c, CompanyID: p.Local.CompanyID(), APIKey: cloudTestKey}}
	s := server.NewMCPServer("cloud-test", "0", server.WithToolCapabilities(false), server.WithOutputSchemaValidation())
	Register(s, e.deps, Registry())
	mc, err := mcpclient.NewInProcessClient(s)
	require.NoError(t, err)
	t.Cleanup(func() { _ = mc.Close() })
	ctx := context.Background()
	require.NoError(t, mc.Start(ctx))
	mc.OnNotification(func(n mcp.JSONRPCNotification) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.notifications = append(e.notifications, n)
	})
	_, err = mc.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: "2025-06-18", ClientInfo: mcp.Implementation{Name: "cloud-test", Version: "0"}}})
	require.NoError(t, err)
	e.mcp = mc
	return e
}

func (e *cloudEnv) call(t *testing.T, name string, args map[string]any, meta *mcp.Meta) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}}
	req.Params.Meta = meta
	markCalled(name)
	res, err := e.mcp.CallTool(ctx, req)
	require.NoError(t, err, "%s: protocol error", name)
	return res
}

func cloudText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func (e *cloudEnv) ok(t *testing.T, name string, args map[string]any, out any) string {
	t.Helper()
	res := e.call(t, name, args, nil)
	require.False(t, res.IsError, "%s: tool error: %s", name, cloudText(res))
	if out != nil {
		raw, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, out), "%s", raw)
	}
	txt := cloudText(res)
	assert.NotContains(t, txt, cloudTestKey)
	return txt
}

func (e *cloudEnv) fail(t *testing.T, name string, args map[string]any) string {
	t.Helper()
	res := e.call(t, name, args, nil)
	require.True(t, res.IsError, "%s: want a tool error, got: %s", name, cloudText(res))
	txt := cloudText(res)
	assert.NotContains(t, txt, cloudTestKey)
	return txt
}

// connect walks start → authorize (the fake remote redirects at once) →
// finish, and returns the connection id.
func (e *cloudEnv) connect(t *testing.T) string {
	t.Helper()
	var st StartConnectResult
	e.ok(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL, "redirectUri": "http://127.0.0.1:9/cb"}, &st)
	code, state := cloudAuthorize(t, st.AuthorizationURL)
	var fin FinishConnectResult
	e.ok(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state}, &fin)
	require.Equal(t, "connected", fin.Connection.TokenStatus)
	return fin.Connection.ID
}

func cloudAuthorize(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(authURL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return loc.Query().Get("code"), loc.Query().Get("state")
}

func fastCloudPolls(t *testing.T, interval, limit time.Duration) {
	t.Helper()
	pi, wl := cloudPollInterval, cloudWaitLimit
	cloudPollInterval, cloudWaitLimit = interval, limit
	t.Cleanup(func() { cloudPollInterval, cloudWaitLimit = pi, wl })
}

// ---------------------------------------------------------------- declarations

func TestCloudToolDeclarations(t *testing.T) {
	type hints struct{ ro, destructive, idempotent, open bool }
	want := map[string]hints{
		"paperclip_get_experimental_settings":    {true, false, true, false},
		"paperclip_update_experimental_settings": {false, false, true, false},
		"paperclip_check_cloud_upstream":         {true, false, true, true},
		"paperclip_list_cloud_upstreams":         {true, false, true, false},
		"paperclip_start_cloud_connect":          {false, false, false, true},
		"paperclip_finish_cloud_connect":         {false, false, false, true},
		"paperclip_preview_cloud_push":           {true, false, true, true},
		"paperclip_cloud_push":                   {false, true, false, true},
		"paperclip_get_cloud_push_run":           {true, false, true, false},
		"paperclip_cancel_cloud_push_run":        {false, true, true, true},
		"paperclip_activate_cloud_entities":      {false, false, true, false},
	}
	found := 0
	for _, tool := range Registry() {
		h, ok := want[tool.Spec.Name]
		if !ok {
			continue
		}
		found++
		a := tool.Def().Annotations
		assert.Equal(t, h, hints{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}, tool.Spec.Name)
		if tool.Spec.Name == "paperclip_activate_cloud_entities" {
			var s struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
				Required []string `json:"required"`
			}
			require.NoError(t, json.Unmarshal(tool.Def().RawInputSchema, &s))
			assert.Equal(t, []string{"agents", "routines", "monitors"}, s.Properties["entityType"].Enum)
			assert.Contains(t, s.Required, "entityType")
			assert.Contains(t, tool.Def().Description, "agents first, then routines, then monitors")
			assert.Contains(t, tool.Def().Description, "Only a succeeded run can activate")
		}
	}
	assert.Equal(t, len(want), found)
}

// ---------------------------------------------------------------- the case every user hits

func TestCloudToolsOnAServerWithoutTheRoutes(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{Unmounted: true, NoCloudSyncFlag: true, Version: "2026.916.1"}, clouddouble.RemoteOptions{})
	id := clouddouble.NewUUID()
	for name, args := range map[string]map[string]any{
		"paperclip_list_cloud_upstreams":    {},
		"paperclip_start_cloud_connect":     {"remoteUrl": e.pair.RemoteURL},
		"paperclip_finish_cloud_connect":    {"pendingConnectionId": id, "code": "c", "state": "s"},
		"paperclip_preview_cloud_push":      {"connectionId": id},
		"paperclip_cloud_push":              {"connectionId": id, "wait": true},
		"paperclip_get_cloud_push_run":      {"connectionId": id, "runId": id},
		"paperclip_cancel_cloud_push_run":   {"connectionId": id, "runId": id},
		"paperclip_activate_cloud_entities": {"connectionId": id, "runId": id, "entityType": "agents"},
	} {
		msg := e.fail(t, name, args)
		assert.Contains(t, msg, "This Paperclip server does not serve cloud upstream sync (version 2026.916.1)", name)
		assert.NotContains(t, msg, "Not found (404", name)
	}
	// start_connect asked the local server first: the remote was never contacted.
	assert.Empty(t, e.pair.Remote.Requests())

	// Nothing of the request took effect: a tool error that says why.
	txt := e.fail(t, "paperclip_update_experimental_settings", map[string]any{"enableCloudSync": true})
	assert.Contains(t, txt, "No flag of the request took effect (enableCloudSync)")
	assert.Contains(t, txt, "enableCloudSync was not stored: this Paperclip server (version 2026.916.1) does not know it.")
	// Part of it took effect: a result that says which part did not.
	var upd UpdateSettingsResult
	txt = e.ok(t, "paperclip_update_experimental_settings", map[string]any{"enableCloudSync": true, "enableGoalsSidebarLink": true}, &upd)
	assert.False(t, upd.AllApplied)
	assert.Equal(t, []string{"enableCloudSync"}, upd.Dropped)
	assert.Contains(t, txt, "Only part of the update took effect")
	var got ExperimentalSettings
	e.ok(t, "paperclip_get_experimental_settings", map[string]any{}, &got)
	assert.False(t, got.CloudSyncKnown)
	assert.Equal(t, "2026.916.1", got.ServerVersion)
	assert.Contains(t, got.Other, SettingValue{Name: "worktreeRunExecutionActivatedAt", Value: "null"})
	assert.Contains(t, got.Other, SettingValue{Name: "issueGraphLivenessAutoRecoveryLookbackHours", Value: "24"})
}

func TestCloudFlagOffNamesTheSettingsTool(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{}, clouddouble.RemoteOptions{})
	msg := e.fail(t, "paperclip_list_cloud_upstreams", map[string]any{})
	assert.Contains(t, msg, "Cloud sync is not enabled")
	assert.Contains(t, msg, "paperclip_update_experimental_settings enableCloudSync=true")
	msg = e.fail(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": clouddouble.NewUUID()})
	assert.Contains(t, msg, "then call paperclip_preview_cloud_push again")

	var upd UpdateSettingsResult
	txt := e.ok(t, "paperclip_update_experimental_settings", map[string]any{"enableCloudSync": true, "enableApps": false}, &upd)
	assert.True(t, upd.AllApplied, txt)
	outcomes := map[string]string{}
	for _, c := range upd.Changes {
		outcomes[c.Name] = c.Outcome
	}
	assert.Equal(t, map[string]string{"enableCloudSync": "changed", "enableApps": "unchanged"}, outcomes)
	assert.Contains(t, txt, "paperclip_check_cloud_upstream")
	e.ok(t, "paperclip_list_cloud_upstreams", map[string]any{}, nil)

	assert.Contains(t, e.fail(t, "paperclip_update_experimental_settings", map[string]any{}), "Give at least one flag")
}

// ---------------------------------------------------------------- check

func TestCheckCloudUpstream(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{})
	var c CloudCheck
	txt := e.ok(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": e.pair.RemoteURL}, &c)
	assert.True(t, c.Usable, txt)
	assert.Equal(t, "paperclip-upstream-discovery-v1", c.Schema)
	assert.Equal(t, []string{"pkce"}, c.AuthMethods)
	assert.Contains(t, txt, "**Usable**")

	problem := func(setup func()) (CloudCheck, string) {
		setup()
		var c CloudCheck
		txt := e.ok(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": e.pair.RemoteURL}, &c)
		require.False(t, c.Usable)
		require.NotEmpty(t, c.Problems)
		e.pair.Remote.SetDiscovery(clouddouble.DiscoveryOK)
		e.pair.Remote.SetSchemaMajor(1)
		e.pair.Remote.SetFeatureFlags([]string{"cloud_sync"})
		return c, txt
	}
	c, txt = problem(func() { e.pair.Remote.SetSchemaMajor(2) })
	assert.Equal(t, "schema_mismatch", c.Problems[0].Code)
	assert.Contains(t, txt, "this Paperclip speaks transfer schema major 1, the cloud stack")
	assert.Contains(t, txt, "Upgrade this local Paperclip server")
	c, txt = problem(func() { e.pair.Remote.SetSchemaMajor(-1) })
	assert.Contains(t, txt, "The cloud stack must be upgraded")
	c, txt = problem(func() { e.pair.Remote.SetFeatureFlags([]string{"other"}) })
	assert.Equal(t, "no_cloud_sync", c.Problems[0].Code)
	assert.Contains(t, txt, `lack "cloud_sync" (it has: other)`)
	for _, mode := range []clouddouble.DiscoveryMode{clouddouble.DiscoveryMissing, clouddouble.DiscoveryNotJSON, clouddouble.DiscoveryWrongSchema} {
		c, txt = problem(func() { e.pair.Remote.SetDiscovery(mode) })
		assert.Equal(t, "not_a_target", c.Problems[0].Code)
		assert.Contains(t, txt, "is not a Paperclip Cloud upstream target")
	}
	c, txt = problem(func() { e.pair.Remote.SetDiscovery(clouddouble.DiscoveryNoStack) })
	assert.Equal(t, "incomplete_document", c.Problems[0].Code)
	assert.Contains(t, txt, "lacks stack.id, stack.companyId, stack.origin")

	// Refused before any request.
	before := len(e.pair.Remote.Requests())
	msg := e.fail(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": "http://cloud.example.com"})
	assert.Contains(t, msg, "must be reached over https")
	msg = e.fail(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": "https://user:pw@cloud.example.com"})
	assert.Contains(t, msg, "must not carry a user name or password")
	assert.Equal(t, before, len(e.pair.Remote.Requests()))

	// Unreachable: a tool error, not a verdict.
	msg = e.fail(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": "http://127.0.0.1:1"})
	assert.Contains(t, msg, "could not be reached")

	// Our Paperclip key never went to the remote.
	for _, rq := range e.pair.Remote.Requests() {
		assert.Empty(t, rq.Authorization, rq.Path)
	}
}

// ---------------------------------------------------------------- the guide

func TestCloudGuideThroughTheTools(t *testing.T) {
	fastCloudPolls(t, 10*time.Millisecond, 5*time.Second)
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{})
	conn := e.connect(t)

	var l CloudUpstreams
	txt := e.ok(t, "paperclip_list_cloud_upstreams", map[string]any{}, &l)
	require.Len(t, l.Connections, 1)
	assert.Equal(t, "connected", l.Connections[0].TokenStatus)
	assert.Contains(t, txt, "**connected** → Acme Cloud")

	var conflicts []clouddouble.Conflict
	for _, n := range []string{"CEO", "CTO", "Ops", "QA", "Dev 1", "Dev 2", "Dev 3", "Dev 4", "Dev 5", "Dev 6", "Dev 7", "Dev 8"} {
		conflicts = append(conflicts, clouddouble.Conflict{ID: "c-" + n, EntityType: "agents", SourceLabel: n, TargetLabel: n + " (cloud)",
			PlannedAction: "blocked", Reason: "An agent with this name exists in the cloud company"})
	}
	e.pair.Local.SetConflicts(conflicts)
	var p CloudPreview
	txt = e.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "needs_attention", p.Verdict)
	assert.Equal(t, 2, p.ExitCode)
	assert.True(t, p.ConflictsRemaining)
	assert.True(t, p.SchemaCompatible)
	assert.Len(t, p.Conflicts, 12)
	assert.Contains(t, txt, "**Needs attention: 12 conflict(s) remain")
	assert.Contains(t, txt, "### Conflicts (10 of 12)")
	assert.Contains(t, txt, `- agents: "CEO" ↔ "CEO (cloud)" · blocked · An agent with this name exists`)
	assert.NotContains(t, txt, `"Dev 7"`)
	assert.Contains(t, txt, "[warning] Automations stay paused (imported_automations_paused)")
	assert.Contains(t, txt, "agents 4")

	e.pair.Local.ResolveConflicts()
	e.pair.Local.SetRemoteWarnings([]clouddouble.Warning{{Code: "stale_mapping", Severity: "warning", Title: "Stale mapping", Detail: "Project P was deleted in the cloud"}})
	txt = e.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "needs_attention", p.Verdict)
	assert.Equal(t, []string{"stale_mapping"}, p.StaleMappings)
	assert.Contains(t, txt, "stale mapping stale_mapping")
	e.pair.Local.SetRemoteWarnings(nil)

	txt = e.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "ready", p.Verdict)
	assert.Equal(t, 0, p.ExitCode)
	assert.False(t, p.ConflictsRemaining)
	assert.Contains(t, txt, "**Ready to push")

	var push CloudPushResult
	res := e.call(t, "paperclip_cloud_push", map[string]any{"connectionId": conn, "wait": true}, &mcp.Meta{ProgressToken: "p1"})
	require.False(t, res.IsError, cloudText(res))
	raw, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(raw, &push))
	assert.True(t, push.Finished)
	assert.Equal(t, "succeeded", push.Run.Status)
	assert.Equal(t, 100, push.Run.ProgressPercent)
	assert.Contains(t, cloudText(res), "activate one type at a time, agents first")

	var progress []float64
	require.Eventually(t, func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		progress = progress[:0]
		for _, n := range e.notifications {
			if n.Method == "notifications/progress" {
				assert.Equal(t, "p1", n.Params.AdditionalFields["progressToken"])
				progress = append(progress, n.Params.AdditionalFields["progress"].(float64))
			}
		}
		return len(progress) == 6
	}, 2*time.Second, 10*time.Millisecond)
	assert.Equal(t, []float64{5, 25, 45, 60, 82, 100}, progress)

	runID := push.Run.ID
	for i, et := range []string{"agents", "routines", "monitors"} {
		var act ActivateResult
		txt = e.ok(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": runID, "entityType": et}, &act)
		assert.Equal(t, "activated", act.Decision.Status)
		assert.Len(t, act.StillPaused, 2-i)
	}
	assert.Contains(t, txt, "Agents, routines and monitors are all active")
	var run CloudRunDetail
	txt = e.ok(t, "paperclip_get_cloud_push_run", map[string]any{"connectionId": conn, "runId": runID}, &run)
	assert.Equal(t, "succeeded", run.Status)
	assert.Equal(t, 100, run.ProgressPercent)
	assert.Contains(t, txt, "succeeded at 100 %")
	assert.Contains(t, txt, "activation: agents 4 activated")

	// The JSON text is the structured content.
	res = e.call(t, "paperclip_get_cloud_push_run", map[string]any{"connectionId": conn, "runId": runID, "response_format": "json"}, nil)
	raw, _ = json.Marshal(res.StructuredContent)
	assert.JSONEq(t, string(raw), cloudText(res))

	msg := e.fail(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": runID, "entityType": "bots"})
	assert.Contains(t, msg, "entityType must be one of agents, routines, monitors")
}

func TestCloudStartConnectRefusesASchemaMismatch(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{SchemaMajor: 2})
	msg := e.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL})
	assert.Contains(t, msg, "Schema mismatch: this Paperclip speaks transfer schema major 1, the cloud stack "+e.pair.RemoteURL+" supports major 2")
	assert.Contains(t, msg, "Upgrade this local Paperclip server")
	for _, r := range e.pair.Local.Requests() {
		assert.NotContains(t, r, "connect/start")
	}
}

func TestCloudPreviewBlockedOnSchemaMismatch(t *testing.T) {
	// The server itself connects to a stack whose major differs when the
	// tool's own check is bypassed: connect through the client directly.
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{SchemaMajor: 3})
	ctx := context.Background()
	st, err := e.deps.Client.StartCloudConnect(ctx, e.pair.Local.CompanyID(), e.pair.RemoteURL, "http://127.0.0.1:9/cb")
	require.NoError(t, err)
	code, state := cloudAuthorize(t, st.AuthorizationURL)
	conn, err := e.deps.Client.FinishCloudConnect(ctx, st.PendingConnectionID, code, state)
	require.NoError(t, err)

	var p CloudPreview
	txt := e.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn.ID}, &p)
	assert.Equal(t, "blocked", p.Verdict)
	assert.Equal(t, 3, p.ExitCode)
	assert.False(t, p.SchemaCompatible)
	assert.Contains(t, txt, "**Blocked: schema mismatch: this Paperclip speaks transfer schema 1, the cloud stack 3; upgrade this local Paperclip server")
	assert.Contains(t, txt, "[blocker] Cloud stack upgrade required (schema_mismatch)")

	msg := e.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn.ID})
	assert.Contains(t, msg, "Schema mismatch")
	assert.Contains(t, msg, "paperclip_preview_cloud_push")
}

// ---------------------------------------------------------------- failures

func TestCloudConnectFailures(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{})

	e.pair.Remote.SetFeatureFlags([]string{})
	msg := e.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL})
	assert.Contains(t, msg, `does not offer cloud sync: its transfer.featureFlags lack "cloud_sync" (it has: none)`)
	e.pair.Remote.SetFeatureFlags([]string{"cloud_sync"})
	e.pair.Remote.SetDiscovery(clouddouble.DiscoveryMissing)
	msg = e.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL})
	assert.Contains(t, msg, "is not a Paperclip Cloud upstream target: GET "+e.pair.RemoteURL+"/.well-known/paperclip-upstream answered HTTP 404")
	e.pair.Remote.SetDiscovery(clouddouble.DiscoveryOK)
	for _, r := range e.pair.Local.Requests() {
		assert.NotContains(t, r, "connect/start", "a failed check never reaches connect/start")
	}
	msg = e.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL, "redirectUri": "not a url"})
	assert.Contains(t, msg, "redirectUri")

	var st StartConnectResult
	txt := e.ok(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": e.pair.RemoteURL}, &st)
	assert.Equal(t, e.deps.Client.Origin()+"/cloud-upstreams/callback", st.RedirectURI)
	assert.Contains(t, txt, st.AuthorizationURL)
	assert.Contains(t, txt, "paperclip_finish_cloud_connect pendingConnectionId="+st.PendingConnectionID)
	code, state := cloudAuthorize(t, st.AuthorizationURL)

	msg = e.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": "other"})
	assert.Contains(t, msg, "Cloud upstream state did not match")
	assert.Contains(t, msg, "from the same redirect as the code")
	msg = e.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": clouddouble.NewUUID(), "code": code, "state": state})
	assert.Contains(t, msg, "no cloud upstream connection with that pendingConnectionId")
	msg = e.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": "wrong", "state": state})
	assert.Contains(t, msg, "The cloud stack refused the authorization (400 invalid_grant)")
	e.ok(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state}, nil)
	msg = e.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state})
	assert.Contains(t, msg, "Pending cloud upstream connection was not found")
	assert.Contains(t, msg, "start again with paperclip_start_cloud_connect")

	msg = e.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": "http://cloud.example.com"})
	assert.Contains(t, msg, "https")
	msg = e.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": "abc", "code": "x", "state": "y"})
	assert.Contains(t, msg, "pendingConnectionId must be a UUID")
}

func TestCloudPushFailures(t *testing.T) {
	fastCloudPolls(t, 5*time.Millisecond, 200*time.Millisecond)
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true, Advance: clouddouble.AdvanceManual}, clouddouble.RemoteOptions{})
	conn := e.connect(t)

	// Bounded wait: the run never moves, the tool gives up and says so.
	var push CloudPushResult
	txt := e.ok(t, "paperclip_cloud_push", map[string]any{"connectionId": conn, "wait": true}, &push)
	assert.True(t, push.TimedOut)
	assert.False(t, push.Finished)
	assert.LessOrEqual(t, push.Polls, 41)
	assert.Contains(t, txt, "is still running after 200ms")
	first := push.Run.ID

	msg := e.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
	assert.Contains(t, msg, "A push is already running on connection "+conn+" (409): run "+first)
	assert.Contains(t, msg, "paperclip_get_cloud_push_run connectionId="+conn+" runId="+first)

	msg = e.fail(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": first, "entityType": "agents"})
	assert.Contains(t, msg, "only a succeeded push run can activate imported entities")
	assert.Contains(t, msg, "retryOfRunId="+first)

	var cancel CloudCancelResult
	txt = e.ok(t, "paperclip_cancel_cloud_push_run", map[string]any{"connectionId": conn, "runId": first}, &cancel)
	assert.True(t, cancel.Cancelled)
	assert.Contains(t, txt, "is cancelled")
	txt = e.ok(t, "paperclip_cancel_cloud_push_run", map[string]any{"connectionId": conn, "runId": first}, &cancel)
	assert.False(t, cancel.Cancelled)
	assert.Contains(t, txt, "was not running (it is cancelled)")

	// A run that fails, then its retry.
	e.pair.Local.FailNextPush(45, "Remote importer is unavailable")
	e.ok(t, "paperclip_cloud_push", map[string]any{"connectionId": conn, "retryOfRunId": first}, &push)
	second := push.Run.ID
	assert.Equal(t, first, push.Run.RetryOfRunID)
	e.pair.Local.Step(second)
	e.pair.Local.Step(second)
	var run CloudRunDetail
	txt = e.ok(t, "paperclip_get_cloud_push_run", map[string]any{"connectionId": conn, "runId": second}, &run)
	assert.Equal(t, "failed", run.Status)
	assert.Equal(t, "Remote importer is unavailable", run.ErrorMessage)
	assert.Contains(t, txt, "paperclip_cloud_push connectionId="+conn+" retryOfRunId="+second)

	msg = e.fail(t, "paperclip_get_cloud_push_run", map[string]any{"connectionId": conn, "runId": clouddouble.NewUUID()})
	assert.Contains(t, msg, "was not found on connection "+conn)
	msg = e.fail(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": clouddouble.NewUUID()})
	assert.Contains(t, msg, "was not found for this company")
	assert.Contains(t, msg, "paperclip_start_cloud_connect")

	// Token expired: connect again.
	e.pair.Local.SetTokenStatus(conn, "expired")
	msg = e.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
	assert.Contains(t, msg, "is not connected (its token is expired)")
	assert.Contains(t, msg, "paperclip_start_cloud_connect")
	var p CloudPreview
	e.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "needs_attention", p.Verdict)
	assert.Equal(t, "expired", p.TokenStatus)
	e.pair.Local.SetTokenStatus(conn, "revoked")
	msg = e.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
	assert.Contains(t, msg, "its token is revoked")
}

func TestCloudIDsAreCheckedBeforeAnyRequest(t *testing.T) {
	e := newCloudEnv(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{})
	id := clouddouble.NewUUID()
	for name, args := range map[string]map[string]any{
		"paperclip_preview_cloud_push":      {"connectionId": "../x"},
		"paperclip_cloud_push":              {"connectionId": id, "retryOfRunId": "nope"},
		"paperclip_get_cloud_push_run":      {"connectionId": id, "runId": "1"},
		"paperclip_cancel_cloud_push_run":   {"connectionId": "x", "runId": id},
		"paperclip_activate_cloud_entities": {"connectionId": id, "runId": "r", "entityType": "agents"},
		"paperclip_list_cloud_upstreams":    {"companyId": "acme"},
	} {
		msg := e.fail(t, name, args)
		assert.Contains(t, msg, "must be a UUID", name)
	}
	assert.Empty(t, e.pair.Local.Requests())
}
