package cloude2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/clouddouble"
	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// realServer is the origin of the integration harness's REAL Paperclip
// (PAPERCLIP_IT_URL). Without it the test skips, except under CI=true where
// a missing server is a broken pipeline.
func realServer(t *testing.T) string {
	t.Helper()
	u := strings.TrimSuffix(strings.TrimRight(strings.TrimSpace(os.Getenv("PAPERCLIP_IT_URL")), "/"), "/api")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PAPERCLIP_IT_URL is not set and CI=true: start a real Paperclip with test/paperclip/up.sh and export PAPERCLIP_IT_URL=$PAPERCLIP_API_URL")
		}
		t.Skip("PAPERCLIP_IT_URL is not set (eval \"$(bash test/paperclip/up.sh)\"; export PAPERCLIP_IT_URL=$PAPERCLIP_API_URL)")
	}
	return u
}

// rest reads a JSON document from the real server, the way the tests check
// what the tools say against what the REST API says.
func rest(t *testing.T, method, u string, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if out != nil {
		require.NoError(t, json.NewDecoder(res.Body).Decode(out))
	}
	return res.StatusCode
}

// TestCloudToolsAgainstTheRealServer: every published Paperclip answers the
// cloud routes with 404 "API route not found"; the tools must say that the
// server does not serve cloud upstream sync, with its version. The
// experimental-settings tools work for real, and the update tool reports
// honestly what the server did with each flag.
func TestCloudToolsAgainstTheRealServer(t *testing.T) {
	origin := realServer(t)
	var health struct {
		Status  string `json:"status"`
		Version string `json:"version"`
	}
	require.Eventually(t, func() bool {
		return rest(t, "GET", origin+"/api/health", "", &health) == 200 && health.Status == "ok"
	}, 60*time.Second, 300*time.Millisecond)
	require.NotEmpty(t, health.Version, "a local_trusted server reports its version")

	// The harness runs in local_trusted mode: no key acts as the board.
	company := clouddouble.NewUUID() // the routes are missing whatever the company
	s := stdio.Start(t, stdio.Options{Env: map[string]string{"PAPERCLIP_API_URL": origin, "PAPERCLIP_COMPANY_ID": company, "PAPERCLIP_TOOLSETS": "cloud,settings"}})

	// What the REST API says: the route is not there.
	var missing map[string]any
	assert.Equal(t, 404, rest(t, "GET", origin+"/api/cloud-upstreams?companyId="+company, "", &missing))
	assert.Equal(t, "API route not found", missing["error"])

	// What the tools say.
	remote := clouddouble.Start(t, clouddouble.LocalOptions{}, clouddouble.RemoteOptions{})
	id := clouddouble.NewUUID()
	want := "This Paperclip server does not serve cloud upstream sync (version " + health.Version + ")"
	for name, args := range map[string]map[string]any{
		"paperclip_list_cloud_upstreams":    {},
		"paperclip_start_cloud_connect":     {"remoteUrl": remote.RemoteURL},
		"paperclip_finish_cloud_connect":    {"pendingConnectionId": id, "code": "c", "state": "s"},
		"paperclip_preview_cloud_push":      {"connectionId": id},
		"paperclip_cloud_push":              {"connectionId": id, "wait": true},
		"paperclip_get_cloud_push_run":      {"connectionId": id, "runId": id},
		"paperclip_cancel_cloud_push_run":   {"connectionId": id, "runId": id},
		"paperclip_activate_cloud_entities": {"connectionId": id, "runId": id, "entityType": "agents"},
	} {
		msg := s.CallErr(t, name, args)
		assert.Contains(t, msg, want, name)
		assert.NotContains(t, msg, "Not found (404", name)
	}
	assert.Empty(t, remote.Remote.Requests(), "start_connect stopped at the local server: nothing went to the remote")

	// Experimental settings, for real.
	var restSettings map[string]any
	require.Equal(t, 200, rest(t, "GET", origin+"/api/instance/settings/experimental", "", &restSettings))
	var got struct {
		Flags []struct {
			Name    string `json:"name"`
			Enabled bool   `json:"enabled"`
		} `json:"flags"`
		CloudSyncKnown   bool   `json:"cloudSyncKnown"`
		CloudSyncEnabled bool   `json:"cloudSyncEnabled"`
		ServerVersion    string `json:"serverVersion"`
	}
	txt := s.CallOK(t, "paperclip_get_experimental_settings", map[string]any{}, &got)
	assert.Equal(t, health.Version, got.ServerVersion)
	_, restKnows := restSettings["enableCloudSync"]
	assert.Equal(t, restKnows, got.CloudSyncKnown)
	for _, f := range got.Flags {
		assert.Equal(t, restSettings[f.Name], f.Enabled, f.Name)
	}
	bools := 0
	for _, v := range restSettings {
		if _, ok := v.(bool); ok {
			bools++
		}
	}
	assert.Len(t, got.Flags, bools, "every boolean flag the REST API shows")
	assert.Contains(t, txt, "Experimental settings (Paperclip version "+health.Version+")")

	type change struct {
		Name    string `json:"name"`
		Outcome string `json:"outcome"`
		Message string `json:"message"`
	}
	var upd struct {
		AllApplied bool     `json:"allApplied"`
		Dropped    []string `json:"dropped"`
		Changes    []change `json:"changes"`
	}
	// A real flag, toggled and put back (a UI-only link in the sidebar).
	const flag = "enableGoalsSidebarLink"
	orig, ok := restSettings[flag].(bool)
	require.True(t, ok, "%s is a boolean on this server", flag)
	t.Cleanup(func() {
		rest(t, "PATCH", origin+"/api/instance/settings/experimental", `{"`+flag+`":`+map[bool]string{true: "true", false: "false"}[orig]+`}`, nil)
	})
	if origSync, known := restSettings["enableCloudSync"].(bool); known {
		t.Cleanup(func() {
			rest(t, "PATCH", origin+"/api/instance/settings/experimental", `{"enableCloudSync":`+map[bool]string{true: "true", false: "false"}[origSync]+`}`, nil)
		})
	}
	txt = s.CallOK(t, "paperclip_update_experimental_settings", map[string]any{flag: !orig, "enableCloudSync": true}, &upd)
	outcomes := map[string]change{}
	for _, c := range upd.Changes {
		outcomes[c.Name] = c
	}
	assert.Equal(t, "changed", outcomes[flag].Outcome, txt)
	var after map[string]any
	rest(t, "GET", origin+"/api/instance/settings/experimental", "", &after)
	assert.Equal(t, !orig, after[flag], "the REST API shows what the tool said")
	if !restKnows {
		// 2026.817.0 and later: the PATCH answers 200 and drops the key.
		assert.False(t, upd.AllApplied)
		assert.Equal(t, []string{"enableCloudSync"}, upd.Dropped)
		assert.Equal(t, "dropped", outcomes["enableCloudSync"].Outcome)
		assert.Contains(t, txt, "enableCloudSync was not stored: this Paperclip server (version "+health.Version+") does not know it.")
		assert.NotContains(t, after, "enableCloudSync")
	} else {
		// 2026.525.0 to 2026.722.0 store the flag, yet never mount the routes.
		assert.Equal(t, true, after["enableCloudSync"])
		msg := s.CallErr(t, "paperclip_list_cloud_upstreams", map[string]any{})
		assert.Contains(t, msg, want)
	}
}
