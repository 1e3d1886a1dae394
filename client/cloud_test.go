package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cloudKey   = "pcp_board_cloudclienttest0123456789"
	cloudRunID = "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"
)

// cloudSeen is one request a cloud test server received.
type cloudSeen struct {
	Method, Path, Query, Body string
	Header                    http.Header
}

// cloudServer answers every request with the next scripted answer (the
// last one repeats) and records what it got.
type cloudServer struct {
	mu      sync.Mutex
	seen    []cloudSeen
	answers []func(http.ResponseWriter, *http.Request)
	URL     string
}

func newCloudServer(t *testing.T, answers ...func(http.ResponseWriter, *http.Request)) *cloudServer {
	t.Helper()
	s := &cloudServer{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *cloudServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.seen = append(s.seen, cloudSeen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(b), Header: r.Header.Clone()})
	i := min(len(s.seen)-1, len(s.answers)-1)
	s.mu.Unlock()
	s.answers[i](w, r)
}

func (s *cloudServer) requests() []cloudSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cloudSeen(nil), s.seen...)
}

func reply(code int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func cloudClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: base, APIKey: cloudKey, RunID: cloudRunID, Retries: 2, RetryWait: 1, MaxRetryWait: 1})
	require.NoError(t, err)
	return c
}

func TestValidateRemoteURL(t *testing.T) {
	for _, ok := range []string{"https://acme.paperclip.cloud", "https://acme.paperclip.cloud/", "https://cloud.example/acme",
		"http://localhost:8080", "http://127.0.0.1:9", "http://[::1]:3000", " https://x.example "} {
		_, err := ValidateRemoteURL(ok)
		assert.NoError(t, err, ok)
	}
	for bad, why := range map[string]string{
		"":                               "empty",
		"http://cloud.example":           "https",
		"http://127.0.0.2":               "https",
		"ftp://cloud.example":            "must start with https://",
		"cloud.example":                  "must start with https://",
		"https://":                       "no host",
		"https://u:p@cloud.example":      "user name or password",
		"https://cloud.example/?a=b":     "query",
		"https://cloud.example/#x":       "fragment",
		"https://cloud.example/%zz":      "does not parse",
		"http://localhost.evil.example/": "https",
	} {
		_, err := ValidateRemoteURL(bad)
		var ue *RemoteURLError
		require.True(t, errors.As(err, &ue), bad)
		assert.Contains(t, ue.Reason, why, bad)
	}
}

func TestDiscoveryURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.paperclip.cloud":            "https://acme.paperclip.cloud/.well-known/paperclip-upstream",
		"https://acme.paperclip.cloud/":           "https://acme.paperclip.cloud/.well-known/paperclip-upstream",
		"https://cloud.example/stack-7/dashboard": "https://cloud.example/.well-known/paperclip-upstream?stackId=stack-7",
		"https://cloud.example/dashboard/x":       "https://cloud.example/.well-known/paperclip-upstream",
		"http://127.0.0.1:9":                      "http://127.0.0.1:9/.well-known/paperclip-upstream",
	} {
		u, err := ValidateRemoteURL(in)
		require.NoError(t, err)
		assert.Equal(t, want, DiscoveryURL(u), in)
	}
}

const discoveryDoc = `{"schema":"paperclip-upstream-discovery-v1","product":"Paperclip Cloud",
 "stack":{"id":"stk_1","slug":"acme","displayName":"Acme","companyId":"cmp_9","origin":"https://acme.paperclip.cloud","primaryHost":"acme.paperclip.cloud"},
 "auth":{"pkce":{"authorizeUrl":"https://acme.paperclip.cloud/oauth/authorize","tokenUrl":"https://acme.paperclip.cloud/oauth/token","codeChallengeMethod":"S256"},
         "scopes":["upstream_import:write"]},
 "transfer":{"supportedSchemaMajor":1,"featureFlags":["cloud_sync","x"],"maxChunkBytes":1024}}`

func TestFetchDiscoveryNeverSendsOurCredentials(t *testing.T) {
	remote := newCloudServer(t, reply(200, discoveryDoc))
	c := cloudClient(t, "http://127.0.0.1:1") // the Paperclip server: never contacted here
	doc, err := c.FetchDiscovery(context.Background(), remote.URL+"/acme")
	require.NoError(t, err)
	assert.Equal(t, "stk_1", doc.Stack.ID)
	assert.Equal(t, "cmp_9", doc.Stack.CompanyID)
	major, ok := doc.SchemaMajor()
	assert.True(t, ok)
	assert.Equal(t, 1, major)
	assert.True(t, doc.HasFeature("cloud_sync"))
	assert.False(t, doc.HasFeature("other"))
	require.NotNil(t, doc.Auth.PKCE)
	assert.Equal(t, "S256", doc.Auth.PKCE.CodeChallengeMethod)

	seen := remote.requests()
	require.Len(t, seen, 1)
	assert.Equal(t, "/.well-known/paperclip-upstream", seen[0].Path)
	assert.Equal(t, "stackId=acme", seen[0].Query)
	assert.Empty(t, seen[0].Header.Get("Authorization"), "the Paperclip key must never go off-host")
	assert.Empty(t, seen[0].Header.Get("X-Paperclip-Run-Id"))
	assert.Empty(t, seen[0].Header.Get("Cookie"))
	assert.Equal(t, "paperclip-mcp", seen[0].Header.Get("User-Agent"))
	for _, h := range seen[0].Header {
		for _, v := range h {
			assert.NotContains(t, v, cloudKey)
		}
	}
}

func TestFetchDiscoveryPrefersSchemaMajorObject(t *testing.T) {
	doc := strings.Replace(discoveryDoc, `"supportedSchemaMajor":1`, `"supportedSchemaMajor":1,"schema":{"major":2,"minor":0}`, 1)
	remote := newCloudServer(t, reply(200, doc))
	d, err := cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), remote.URL)
	require.NoError(t, err)
	major, _ := d.SchemaMajor()
	assert.Equal(t, 2, major)
}

func TestFetchDiscoveryFailures(t *testing.T) {
	html := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html>hi</html>")
	}
	huge := func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"schema":"`+strings.Repeat("x", maxDiscoveryBytes+10)+`"}`)
	}
	for name, tc := range map[string]struct {
		answer func(http.ResponseWriter, *http.Request)
		kind   DiscoveryErrorKind
	}{
		"missing":      {reply(404, `{"error":"Not found"}`), DiscoveryHTTPStatus},
		"html":         {html, DiscoveryNotJSON},
		"wrong schema": {reply(200, `{"schema":"openid-configuration"}`), DiscoveryWrongSchema},
		"bad types":    {reply(200, `{"schema":"openid","stack":"nope"}`), DiscoveryWrongSchema},
		"array":        {reply(200, `[1,2]`), DiscoveryNotJSON},
		"too big":      {huge, DiscoveryNotJSON},
	} {
		remote := newCloudServer(t, tc.answer)
		_, err := cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), remote.URL)
		var de *DiscoveryError
		require.True(t, errors.As(err, &de), "%s: %v", name, err)
		assert.Equal(t, tc.kind, de.Kind, name)
		assert.NotContains(t, de.Error(), cloudKey)
	}

	_, err := cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), "http://127.0.0.1:1")
	var de *DiscoveryError
	require.True(t, errors.As(err, &de))
	assert.Equal(t, DiscoveryUnreachable, de.Kind)

	// Refused before any request.
	_, err = cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), "http://cloud.example")
	var ue *RemoteURLError
	assert.True(t, errors.As(err, &ue))
}

func TestFetchDiscoveryRetriesGatewayErrorsAndFollowsSafeRedirects(t *testing.T) {
	remote := newCloudServer(t, reply(503, `{}`), reply(200, discoveryDoc))
	_, err := cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), remote.URL)
	require.NoError(t, err)
	assert.Len(t, remote.requests(), 2)

	target := newCloudServer(t, reply(200, discoveryDoc))
	hop := newCloudServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/.well-known/paperclip-upstream", http.StatusFound)
	})
	_, err = cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), hop.URL)
	require.NoError(t, err)
	require.Len(t, target.requests(), 1)
	assert.Empty(t, target.requests()[0].Header.Get("Authorization"))

	// A redirect to plain http off loopback is refused.
	bad := newCloudServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://cloud.example/.well-known/paperclip-upstream", http.StatusFound)
	})
	_, err = cloudClient(t, "http://127.0.0.1:1").FetchDiscovery(context.Background(), bad.URL)
	var de *DiscoveryError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Equal(t, DiscoveryUnreachable, de.Kind)
	assert.Contains(t, de.Error(), "refused redirect")
}

const runJSON = `{"id":"11111111-1111-4111-8111-111111111111","connectionId":"22222222-2222-4222-8222-222222222222","companyId":"33333333-3333-4333-8333-333333333333",
 "status":"succeeded","activeStep":"activate","progressPercent":100,"dryRun":false,
 "summary":[{"key":"agents","label":"Agents","count":4}],"warnings":[{"code":"w","severity":"warning","title":"T","detail":"D"}],
 "conflicts":[],"events":[{"id":"e1","at":"2026-11-26T10:00:00.000Z","phase":"push","type":"completed","message":"ok"}],
 "targetUrl":"https://acme.paperclip.cloud","report":{"activationChecklist":{"agents":{"entityType":"agents","count":4,"status":"activated","activatedAt":"2026-11-26T10:01:00.000Z"}},"errorMessage":"m","error":"e"},
 "retryOfRunId":null,"createdAt":"2026-11-26T10:00:00.000Z","updatedAt":"2026-11-26T10:01:00.000Z","completedAt":"2026-11-26T10:00:30.000Z"}`

func TestCloudRoutesShapes(t *testing.T) {
	const conn, run, company = "22222222-2222-4222-8222-222222222222", "11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333"
	srv := newCloudServer(t, reply(200, runJSON))
	c := cloudClient(t, srv.URL)
	ctx := context.Background()

	r, err := c.GetCloudPushRun(ctx, conn, run, company)
	require.NoError(t, err)
	assert.Equal(t, "succeeded", r.Status)
	assert.Equal(t, 100, r.ProgressPercent)
	assert.Equal(t, "activated", r.ActivationChecklist()["agents"].Status)
	code, msg := r.ReportError()
	assert.Equal(t, "e", code)
	assert.Equal(t, "m", msg)
	_, err = c.StartCloudPush(ctx, conn, company, "")
	require.NoError(t, err)
	_, err = c.StartCloudPush(ctx, conn, company, run)
	require.NoError(t, err)
	_, err = c.CancelCloudPushRun(ctx, conn, run, company)
	require.NoError(t, err)
	_, err = c.ActivateCloudEntities(ctx, conn, run, company, "routines")
	require.NoError(t, err)

	seen := srv.requests()
	want := []struct{ method, path, query, body string }{
		{"GET", "/api/cloud-upstreams/" + conn + "/push-runs/" + run, "companyId=" + company, ""},
		{"POST", "/api/cloud-upstreams/" + conn + "/push-runs", "", `{"companyId":"` + company + `"}`},
		{"POST", "/api/cloud-upstreams/" + conn + "/push-runs", "", `{"companyId":"` + company + `","retryOfRunId":"` + run + `"}`},
		{"POST", "/api/cloud-upstreams/" + conn + "/push-runs/" + run + "/cancel", "", `{"companyId":"` + company + `"}`},
		{"POST", "/api/cloud-upstreams/" + conn + "/push-runs/" + run + "/activation", "", `{"companyId":"` + company + `","entityType":"routines"}`},
	}
	require.Len(t, seen, len(want))
	for i, w := range want {
		assert.Equal(t, w.method, seen[i].Method)
		assert.Equal(t, w.path, seen[i].Path)
		assert.Equal(t, w.query, seen[i].Query)
		if w.body != "" {
			assert.JSONEq(t, w.body, seen[i].Body)
		}
		assert.Equal(t, "Bearer "+cloudKey, seen[i].Header.Get("Authorization"), "local calls carry the key")
	}

	srv2 := newCloudServer(t,
		reply(200, `{"connections":[{"id":"`+conn+`","companyId":"`+company+`","remoteUrl":"https://acme.paperclip.cloud","target":{"stackId":"s","companyId":"c","primaryHost":"h","origin":"o","product":"p","schemaMajor":1,"maxChunkBytes":8},"tokenStatus":"connected","scopes":["a"],"createdAt":"t","updatedAt":"t"}],"runs":[`+runJSON+`]}`),
		reply(200, `{"pendingConnectionId":"`+conn+`","authorizationUrl":"https://acme/oauth?state=s","connection":{"id":"`+conn+`","tokenStatus":"pending","target":{},"scopes":[]}}`),
		reply(200, `{"id":"`+conn+`","tokenStatus":"connected","target":{},"scopes":[],"expiresAt":"2026-12-26T00:00:00.000Z"}`),
		reply(200, `{"connectionId":"`+conn+`","sourceCompanyId":"`+company+`","target":{"schemaMajor":2},"schemaCompatible":false,"summary":[],"warnings":[{"code":"schema_mismatch","severity":"blocker","title":"x","detail":"y"}],"conflicts":[],"generatedAt":"t"}`),
	)
	c2 := cloudClient(t, srv2.URL)
	l, err := c2.ListCloudUpstreams(ctx, company)
	require.NoError(t, err)
	require.Len(t, l.Connections, 1)
	assert.Equal(t, "connected", l.Connections[0].TokenStatus)
	assert.Len(t, l.Runs, 1)
	st, err := c2.StartCloudConnect(ctx, company, "https://acme.paperclip.cloud", "http://127.0.0.1/cb")
	require.NoError(t, err)
	assert.Equal(t, "pending", st.Connection.TokenStatus)
	fin, err := c2.FinishCloudConnect(ctx, conn, "code1", "state1")
	require.NoError(t, err)
	assert.Equal(t, "2026-12-26T00:00:00.000Z", *fin.ExpiresAt)
	p, err := c2.PreviewCloudPush(ctx, conn, company)
	require.NoError(t, err)
	assert.False(t, p.SchemaCompatible)
	assert.Equal(t, "blocker", p.Warnings[0].Severity)
	seen = srv2.requests()
	assert.Equal(t, "GET /api/cloud-upstreams companyId="+company, seen[0].Method+" "+seen[0].Path+" "+seen[0].Query)
	assert.JSONEq(t, `{"companyId":"`+company+`","remoteUrl":"https://acme.paperclip.cloud","redirectUri":"http://127.0.0.1/cb"}`, seen[1].Body)
	assert.Equal(t, "/api/cloud-upstreams/connect/finish", seen[2].Path)
	assert.JSONEq(t, `{"pendingConnectionId":"`+conn+`","code":"code1","state":"state1"}`, seen[2].Body)
	assert.Equal(t, "/api/cloud-upstreams/"+conn+"/push-runs/preview", seen[3].Path)
	assert.Equal(t, cloudRunID, seen[3].Header.Get("X-Paperclip-Run-Id"), "mutations carry the run id")
}

func TestCloudErrorsAreTyped(t *testing.T) {
	srv := newCloudServer(t,
		reply(409, `{"error":"A cloud upstream run is already running for this connection","details":{"runId":"r-1"}}`),
		reply(404, `{"error":"API route not found"}`),
		reply(404, `{"error":"Cloud sync is not enabled"}`),
	)
	c := cloudClient(t, srv.URL)
	ctx := context.Background()
	id := "22222222-2222-4222-8222-222222222222"
	_, err := c.StartCloudPush(ctx, id, id, "")
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, 409, apiErr.Status)
	assert.Equal(t, "r-1", apiErr.Details.(map[string]any)["runId"])
	_, err = c.ListCloudUpstreams(ctx, id)
	assert.True(t, IsRouteMissing(err))
	_, err = c.ListCloudUpstreams(ctx, id)
	assert.False(t, IsRouteMissing(err))
	apiErr, _ = AsAPIError(err)
	assert.Equal(t, "Cloud sync is not enabled", apiErr.Message)
}

func TestExperimentalSettingsKeepEveryKey(t *testing.T) {
	body := `{"enableCloudSync":false,"enableApps":true,"worktreeRunExecutionActivatedAt":null,"lookbackHours":24,"future":{"a":1}}`
	srv := newCloudServer(t, reply(200, body), reply(200, strings.Replace(body, `"enableCloudSync":false`, `"enableCloudSync":true`, 1)))
	c := cloudClient(t, srv.URL)
	s, err := c.GetExperimentalSettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"enableCloudSync": false, "enableApps": true}, s.Flags)
	assert.Len(t, s.Other, 3)
	assert.True(t, s.Has("lookbackHours"))
	assert.False(t, s.Has("enableMadeUp"))
	assert.Equal(t, []string{"enableApps", "enableCloudSync"}, s.FlagNames())
	round, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, body, string(round))

	after, err := c.UpdateExperimentalSettings(context.Background(), map[string]bool{"enableCloudSync": true})
	require.NoError(t, err)
	assert.True(t, after.Flags["enableCloudSync"])
	seen := srv.requests()
	assert.Equal(t, "PATCH", seen[1].Method)
	assert.Equal(t, "/api/instance/settings/experimental", seen[1].Path)
	assert.JSONEq(t, `{"enableCloudSync":true}`, seen[1].Body)
}
