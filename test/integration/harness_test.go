// Package integration runs the project's tests against a real Paperclip server.
//
// Start one with the harness, then point the tests at it:
//
//	eval "$(bash test/paperclip/up.sh)"
//	PAPERCLIP_IT_URL=$PAPERCLIP_API_URL go test ./test/integration/ -count=1 -v
//	bash test/paperclip/down.sh
//
// PAPERCLIP_IT_URL is the server origin (http://127.0.0.1:3199); a trailing /api
// is tolerated. The harness runs Paperclip in local_trusted mode, where a
// request without Authorization acts as the board (an instance admin), so the
// tests need no credentials: they create their own keys when they test auth.
//
// Without PAPERCLIP_IT_URL every test skips, except under CI=true, where the
// test binary fails at once: in CI a missing server is a broken pipeline, not a
// reason to go green.
package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// baseURL is the Paperclip origin, without a trailing slash or /api. Empty when
// no server was given.
var baseURL string

func TestMain(m *testing.M) {
	u := strings.TrimRight(strings.TrimSpace(os.Getenv("PAPERCLIP_IT_URL")), "/")
	u = strings.TrimSuffix(u, "/api")
	if u == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "integration: PAPERCLIP_IT_URL is not set and CI=true: refusing to skip the integration tests.\n"+
				"Start a server first:  eval \"$(bash test/paperclip/up.sh)\" && export PAPERCLIP_IT_URL=$PAPERCLIP_API_URL")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "integration: PAPERCLIP_IT_URL is not set: skipping the tests that need a real Paperclip server "+
			"(start one with: eval \"$(bash test/paperclip/up.sh)\"; export PAPERCLIP_IT_URL=$PAPERCLIP_API_URL)")
	}
	baseURL = u
	stdio.Main(m)
}

var (
	healthOnce    sync.Once
	healthErr     error
	serverVersion string
)

// requireServer skips the test when no server was configured, and fails it
// when the configured server does not become healthy. The health check runs
// once per test binary.
func requireServer(t testing.TB) {
	t.Helper()
	if baseURL == "" {
		t.Skip("PAPERCLIP_IT_URL is not set (see test/paperclip/up.sh)")
	}
	healthOnce.Do(func() { serverVersion, healthErr = waitHealthy(baseURL, 30*time.Second) })
	if healthErr != nil {
		t.Fatalf("Paperclip at %s is not usable: %v", baseURL, healthErr)
	}
}

// waitHealthy polls GET /api/health until it reports "status":"ok". The real
// server answers 200 with "status":"starting" for a second or so while its
// startup recovery runs, so a 200 alone does not mean ready.
func waitHealthy(origin string, within time.Duration) (version string, err error) {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		var last string
		resp, err := client.Get(origin + "/api/health")
		if err == nil {
			var h struct {
				Status         string `json:"status"`
				Version        string `json:"version"`
				DeploymentMode string `json:"deploymentMode"`
			}
			decErr := json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
			switch {
			case decErr != nil:
				last = fmt.Sprintf("HTTP %d, undecodable body: %v", resp.StatusCode, decErr)
			case resp.StatusCode == http.StatusOK && h.Status == "ok":
				if h.DeploymentMode != "local_trusted" {
					return "", fmt.Errorf("deploymentMode is %q; these tests expect local_trusted (token-less requests act as the board)", h.DeploymentMode)
				}
				return h.Version, nil
			default:
				last = fmt.Sprintf("HTTP %d, status %q", resp.StatusCode, h.Status)
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("GET /api/health did not say \"status\":\"ok\" within %s (last: %s)", within, last)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
