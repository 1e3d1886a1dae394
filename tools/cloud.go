package tools

import (
	"context"
	"errors"
	"fmt"
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
