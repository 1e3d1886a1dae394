package clouddouble

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests hold the double to the documented contract
// (../shared/paperclip-api.md, "Cloud upstream sync"), with raw HTTP.

type answer struct {
	Status int
	Body   map[string]any
	Raw    string
}

func send(t *testing.T, method, u string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{Status: res.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &a.Body)
	return a
}

func errorOf(a answer) string { s, _ := a.Body["error"].(string); return s }

// connected walks connect start → authorize → finish and returns the
// connection id.
func connected(t *testing.T, p *Pair) string {
	t.Helper()
	api := p.LocalURL + "/api"
	st := send(t, "POST", api+"/cloud-upstreams/connect/start", map[string]any{
		"companyId": p.Local.CompanyID(), "remoteUrl": p.RemoteURL, "redirectUri": "http://127.0.0.1:9/callback"})
	require.Equal(t, 200, st.Status, st.Raw)
	code, state := follow(t, st.Body["authorizationUrl"].(string))
	fin := send(t, "POST", api+"/cloud-upstreams/connect/finish", map[string]any{
		"pendingConnectionId": st.Body["pendingConnectionId"], "code": code, "state": state})
	require.Equal(t, 200, fin.Status, fin.Raw)
	return fin.Body["id"].(string)
}

// follow opens the authorization URL without following the redirect and
// reads code and state from its Location.
func follow(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return loc.Query().Get("code"), loc.Query().Get("state")
}

func TestFlagOffEveryRouteAnswersNotEnabled(t *testing.T) {
	p := Start(t, LocalOptions{}, RemoteOptions{})
	api := p.LocalURL + "/api/cloud-upstreams"
	id := NewUUID()
	for _, c := range []struct{ method, path string }{
		{"GET", "?companyId=" + p.Local.CompanyID()},
		{"GET", ""}, // the flag is checked before validation
		{"POST", "/connect/start"},
		{"POST", "/connect/finish"},
		{"POST", "/" + id + "/push-runs/preview"},
		{"POST", "/" + id + "/push-runs"},
		{"GET", "/" + id + "/push-runs/" + id + "?companyId=" + p.Local.CompanyID()},
		{"POST", "/" + id + "/push-runs/" + id + "/cancel"},
		{"POST", "/" + id + "/push-runs/" + id + "/activation"},
	} {
		a := send(t, c.method, api+c.path, map[string]any{})
		assert.Equal(t, 404, a.Status, c)
		assert.Equal(t, "Cloud sync is not enabled", errorOf(a), c)
	}
	a := send(t, "GET", p.LocalURL+"/api/cloud-upstreams/nope/x/y/z/w", nil)
	assert.Equal(t, "API route not found", errorOf(a))
}

func TestSettingsPatchStoresKnownFlagsAndDropsUnknown(t *testing.T) {
	p := Start(t, LocalOptions{}, RemoteOptions{})
	u := p.LocalURL + "/api/instance/settings/experimental"
	a := send(t, "GET", u, nil)
	require.Equal(t, 200, a.Status)
	assert.Equal(t, false, a.Body["enableCloudSync"])
	assert.Nil(t, a.Body["worktreeRunExecutionActivatedAt"])

	a = send(t, "PATCH", u, map[string]any{"enableCloudSync": true, "enableMadeUp": true})
	require.Equal(t, 200, a.Status)
	assert.Equal(t, true, a.Body["enableCloudSync"])
	assert.NotContains(t, a.Body, "enableMadeUp")
	assert.Equal(t, true, send(t, "GET", u, nil).Body["enableCloudSync"])

	a = send(t, "PATCH", u, map[string]any{"enableCloudSync": "yes"})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Validation error", errorOf(a))

	// A server that no longer knows the flag (2026.817.0+) drops it with 200.
	q := Start(t, LocalOptions{NoCloudSyncFlag: true}, RemoteOptions{})
	a = send(t, "PATCH", q.LocalURL+"/api/instance/settings/experimental", map[string]any{"enableCloudSync": true})
	require.Equal(t, 200, a.Status)
	assert.NotContains(t, a.Body, "enableCloudSync")
}

func TestUnmountedRoutesAreMissingEvenWithTheFlagOn(t *testing.T) {
	p := Start(t, LocalOptions{Unmounted: true, CloudSyncEnabled: true}, RemoteOptions{})
	a := send(t, "GET", p.LocalURL+"/api/cloud-upstreams?companyId="+p.Local.CompanyID(), nil)
	assert.Equal(t, 404, a.Status)
	assert.Equal(t, "API route not found", errorOf(a))
	h := send(t, "GET", p.LocalURL+"/api/health", nil)
	assert.Equal(t, "2026.722.0", h.Body["version"])
}

func TestConnectFlowAndItsErrors(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{})
	api := p.LocalURL + "/api/cloud-upstreams"
	cid := p.Local.CompanyID()

	a := send(t, "POST", api+"/connect/start", map[string]any{"companyId": cid, "remoteUrl": p.RemoteURL})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "redirectUri is required", errorOf(a))

	a = send(t, "POST", api+"/connect/start", map[string]any{"companyId": cid, "remoteUrl": "http://cloud.example", "redirectUri": "http://x/cb"})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Cloud upstream targets require HTTPS except localhost development", errorOf(a))

	a = send(t, "POST", api+"/connect/start", map[string]any{"companyId": NewUUID(), "remoteUrl": p.RemoteURL, "redirectUri": "http://x/cb"})
	assert.Equal(t, 404, a.Status)
	assert.Equal(t, "Company was not found", errorOf(a))

	p.Remote.SetDiscovery(DiscoveryMissing)
	a = send(t, "POST", api+"/connect/start", map[string]any{"companyId": cid, "remoteUrl": p.RemoteURL, "redirectUri": "http://x/cb"})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Cloud upstream discovery failed: 404", errorOf(a))
	p.Remote.SetDiscovery(DiscoveryNoStack)
	a = send(t, "POST", api+"/connect/start", map[string]any{"companyId": cid, "remoteUrl": p.RemoteURL, "redirectUri": "http://x/cb"})
	assert.Equal(t, "Cloud upstream discovery missing stack", errorOf(a))
	p.Remote.SetDiscovery(DiscoveryOK)

	st := send(t, "POST", api+"/connect/start", map[string]any{"companyId": cid, "remoteUrl": p.RemoteURL, "redirectUri": "http://127.0.0.1:9/cb"})
	require.Equal(t, 200, st.Status, st.Raw)
	conn := st.Body["connection"].(map[string]any)
	assert.Equal(t, "pending", conn["tokenStatus"])
	assert.Equal(t, st.Body["pendingConnectionId"], conn["id"])
	target := conn["target"].(map[string]any)
	for _, k := range []string{"stackId", "stackSlug", "stackDisplayName", "companyId", "primaryHost", "origin", "product", "schemaMajor", "maxChunkBytes"} {
		assert.Contains(t, target, k)
	}
	authURL, err := url.Parse(st.Body["authorizationUrl"].(string))
	require.NoError(t, err)
	assert.Equal(t, "/oauth/authorize", authURL.Path)
	assert.Equal(t, "S256", authURL.Query().Get("codeChallengeMethod"))

	code, state := follow(t, authURL.String())
	require.NotEmpty(t, code)
	pending := st.Body["pendingConnectionId"]

	a = send(t, "POST", api+"/connect/finish", map[string]any{"pendingConnectionId": pending, "code": code, "state": "wrong"})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Cloud upstream state did not match", errorOf(a))
	a = send(t, "POST", api+"/connect/finish", map[string]any{"pendingConnectionId": NewUUID(), "code": code, "state": state})
	assert.Equal(t, 404, a.Status)
	assert.Equal(t, "Cloud upstream connection was not found", errorOf(a))
	a = send(t, "POST", api+"/connect/finish", map[string]any{"pendingConnectionId": pending, "code": "bogus", "state": state})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "invalid_grant", errorOf(a))

	a = send(t, "POST", api+"/connect/finish", map[string]any{"pendingConnectionId": pending, "code": code, "state": state})
	require.Equal(t, 200, a.Status, a.Raw)
	assert.Equal(t, "connected", a.Body["tokenStatus"])
	assert.NotEmpty(t, a.Body["expiresAt"])

	a = send(t, "POST", api+"/connect/finish", map[string]any{"pendingConnectionId": pending, "code": code, "state": state})
	assert.Equal(t, 404, a.Status)
	assert.Equal(t, "Pending cloud upstream connection was not found", errorOf(a))

	for _, rq := range p.Remote.Requests() {
		assert.Empty(t, rq.Authorization, rq.Path)
	}
	l := send(t, "GET", api+"?companyId="+cid, nil)
	require.Equal(t, 200, l.Status)
	assert.Len(t, l.Body["connections"], 1) // failed starts store nothing
	assert.Equal(t, []any{}, l.Body["runs"])
}

func TestPreviewConflictsThenClean(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{})
	conn := connected(t, p)
	api := p.LocalURL + "/api/cloud-upstreams/" + conn + "/push-runs"
	p.Local.SetConflicts([]Conflict{{ID: "c1", EntityType: "agents", SourceLabel: "CEO", TargetLabel: "CEO (cloud)", PlannedAction: "blocked", Reason: "An agent with this name exists"}})
	a := send(t, "POST", api+"/preview", map[string]any{"companyId": p.Local.CompanyID()})
	require.Equal(t, 200, a.Status, a.Raw)
	assert.Equal(t, true, a.Body["schemaCompatible"])
	assert.Len(t, a.Body["conflicts"], 1)
	assert.Len(t, a.Body["summary"], 8)
	p.Local.ResolveConflicts()
	a = send(t, "POST", api+"/preview", map[string]any{"companyId": p.Local.CompanyID()})
	assert.Equal(t, []any{}, a.Body["conflicts"])

	a = send(t, "POST", p.LocalURL+"/api/cloud-upstreams/"+NewUUID()+"/push-runs/preview", map[string]any{"companyId": p.Local.CompanyID()})
	assert.Equal(t, 404, a.Status)
	assert.Equal(t, "Cloud upstream connection was not found", errorOf(a))
}

func TestSchemaMismatchIsABlocker(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{SchemaMajor: 2})
	conn := connected(t, p)
	api := p.LocalURL + "/api/cloud-upstreams/" + conn + "/push-runs"
	a := send(t, "POST", api+"/preview", map[string]any{"companyId": p.Local.CompanyID()})
	require.Equal(t, 200, a.Status)
	assert.Equal(t, false, a.Body["schemaCompatible"])
	w := a.Body["warnings"].([]any)[0].(map[string]any)
	assert.Equal(t, "schema_mismatch", w["code"])
	assert.Equal(t, "blocker", w["severity"])
	a = send(t, "POST", api, map[string]any{"companyId": p.Local.CompanyID()})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Cloud stack schema is not compatible with this local Paperclip version", errorOf(a))
}

func TestRunStateMachinePerRead(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{})
	conn := connected(t, p)
	cid := p.Local.CompanyID()
	api := p.LocalURL + "/api/cloud-upstreams/" + conn + "/push-runs"
	a := send(t, "POST", api, map[string]any{"companyId": cid})
	require.Equal(t, 200, a.Status, a.Raw)
	assert.Equal(t, "running", a.Body["status"])
	assert.Equal(t, "scan", a.Body["activeStep"])
	assert.EqualValues(t, 5, a.Body["progressPercent"])
	runID := a.Body["id"].(string)

	again := send(t, "POST", api, map[string]any{"companyId": cid})
	assert.Equal(t, 409, again.Status)
	assert.Equal(t, "A cloud upstream run is already running for this connection", errorOf(again))
	assert.Equal(t, runID, again.Body["details"].(map[string]any)["runId"])

	act := send(t, "POST", api+"/"+runID+"/activation", map[string]any{"companyId": cid, "entityType": "agents"})
	assert.Equal(t, 400, act.Status)
	assert.Equal(t, "Only succeeded cloud upstream runs can activate imported entities", errorOf(act))

	var seen []string
	for i := 0; i < 5; i++ {
		g := send(t, "GET", api+"/"+runID+"?companyId="+cid, nil)
		require.Equal(t, 200, g.Status)
		seen = append(seen, g.Body["activeStep"].(string)+"/"+jsonNum(g.Body["progressPercent"]))
	}
	assert.Equal(t, []string{"preview/25", "push/45", "push/60", "verify/82", "activate/100"}, seen)
	g := send(t, "GET", api+"/"+runID+"?companyId="+cid, nil)
	assert.Equal(t, "succeeded", g.Body["status"])
	assert.NotEmpty(t, g.Body["completedAt"])

	act = send(t, "POST", api+"/"+runID+"/activation", map[string]any{"companyId": cid, "entityType": "bots"})
	assert.Equal(t, "entityType must be agents, routines, or monitors", errorOf(act))
	for _, et := range []string{"agents", "routines", "monitors"} {
		act = send(t, "POST", api+"/"+runID+"/activation", map[string]any{"companyId": cid, "entityType": et})
		require.Equal(t, 200, act.Status, act.Raw)
	}
	checklist := act.Body["report"].(map[string]any)["activationChecklist"].(map[string]any)
	assert.Len(t, checklist, 3)
	assert.Equal(t, "activated", checklist["agents"].(map[string]any)["status"])
	assert.EqualValues(t, 4, checklist["agents"].(map[string]any)["count"])

	// Cancel of a finished run: unchanged.
	c := send(t, "POST", api+"/"+runID+"/cancel", map[string]any{"companyId": cid})
	assert.Equal(t, "succeeded", c.Body["status"])
	nf := send(t, "GET", api+"/"+NewUUID()+"?companyId="+cid, nil)
	assert.Equal(t, 404, nf.Status)
	assert.Equal(t, "Cloud upstream run was not found", errorOf(nf))
}

func jsonNum(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestCancelFailureAndRetry(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true, Advance: AdvanceManual}, RemoteOptions{})
	conn := connected(t, p)
	cid := p.Local.CompanyID()
	api := p.LocalURL + "/api/cloud-upstreams/" + conn + "/push-runs"
	first := send(t, "POST", api, map[string]any{"companyId": cid}).Body["id"].(string)
	c := send(t, "POST", api+"/"+first+"/cancel", map[string]any{"companyId": cid})
	require.Equal(t, 200, c.Status)
	assert.Equal(t, "cancelled", c.Body["status"])

	p.Local.FailNextPush(60, "remote importer unavailable")
	second := send(t, "POST", api, map[string]any{"companyId": cid}).Body["id"].(string)
	for i := 0; i < 3; i++ {
		p.Local.Step(second)
	}
	g := send(t, "GET", api+"/"+second+"?companyId="+cid, nil)
	assert.Equal(t, "failed", g.Body["status"])
	assert.Equal(t, "remote importer unavailable", g.Body["report"].(map[string]any)["errorMessage"])

	third := send(t, "POST", api, map[string]any{"companyId": cid, "retryOfRunId": second})
	require.Equal(t, 200, third.Status)
	assert.Equal(t, second, third.Body["retryOfRunId"])
	ev := third.Body["events"].([]any)
	assert.Equal(t, "retrying", ev[len(ev)-1].(map[string]any)["type"])
}

func TestTimedAdvanceFollowsTheClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	p := Start(t, LocalOptions{CloudSyncEnabled: true, Advance: AdvanceTimed, StepInterval: time.Second, Now: clock}, RemoteOptions{})
	conn := connected(t, p)
	cid := p.Local.CompanyID()
	api := p.LocalURL + "/api/cloud-upstreams/" + conn + "/push-runs"
	id := send(t, "POST", api, map[string]any{"companyId": cid}).Body["id"].(string)
	advance(2500 * time.Millisecond)
	g := send(t, "GET", api+"/"+id+"?companyId="+cid, nil)
	assert.EqualValues(t, 45, g.Body["progressPercent"])
	advance(time.Minute)
	g = send(t, "GET", api+"/"+id+"?companyId="+cid, nil)
	assert.Equal(t, "succeeded", g.Body["status"])
}

func TestTokenExpiredMeansNotConnected(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{})
	conn := connected(t, p)
	p.Local.SetTokenStatus(conn, "expired")
	a := send(t, "POST", p.LocalURL+"/api/cloud-upstreams/"+conn+"/push-runs", map[string]any{"companyId": p.Local.CompanyID()})
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "Cloud upstream connection is not connected", errorOf(a))
}

func TestMalformedIDsAre500LikePostgres(t *testing.T) {
	p := Start(t, LocalOptions{CloudSyncEnabled: true}, RemoteOptions{})
	a := send(t, "POST", p.LocalURL+"/api/cloud-upstreams/not-a-uuid/push-runs/preview", map[string]any{"companyId": p.Local.CompanyID()})
	assert.Equal(t, 500, a.Status)
	assert.Equal(t, "Internal server error", errorOf(a))
}
