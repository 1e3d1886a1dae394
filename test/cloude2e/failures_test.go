package cloude2e

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paperclip-mcp/paperclip-mcp/test/clouddouble"
)

// TestCloudFailuresThroughTheBinary: each documented failure gets its own
// message, saying what to do, as a tool error through the built binary.
func TestCloudFailuresThroughTheBinary(t *testing.T) {
	t.Run("route missing, with the server version", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{Unmounted: true, NoCloudSyncFlag: true, Version: "2026.916.1"}, clouddouble.RemoteOptions{})
		id := clouddouble.NewUUID()
		for name, args := range map[string]map[string]any{
			"paperclip_list_cloud_upstreams":    {},
			"paperclip_start_cloud_connect":     {"remoteUrl": s.pair.RemoteURL},
			"paperclip_preview_cloud_push":      {"connectionId": id},
			"paperclip_cloud_push":              {"connectionId": id, "wait": true},
			"paperclip_get_cloud_push_run":      {"connectionId": id, "runId": id},
			"paperclip_activate_cloud_entities": {"connectionId": id, "runId": id, "entityType": "monitors"},
		} {
			msg := s.fail(t, name, args)
			assert.Contains(t, msg, "This Paperclip server does not serve cloud upstream sync (version 2026.916.1)", name)
		}
		txt := s.fail(t, "paperclip_update_experimental_settings", map[string]any{"enableCloudSync": true})
		assert.Contains(t, txt, "No flag of the request took effect")
		assert.Contains(t, txt, "enableCloudSync was not stored: this Paperclip server (version 2026.916.1) does not know it.")
	})

	t.Run("flag off", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{}, clouddouble.RemoteOptions{})
		msg := s.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL})
		assert.Contains(t, msg, "Cloud upstream sync is turned off on this Paperclip instance (404 Cloud sync is not enabled)")
		assert.Contains(t, msg, "paperclip_update_experimental_settings enableCloudSync=true")
		assert.Empty(t, s.pair.Remote.Requests(), "nothing went to the remote")
	})

	t.Run("remote not a cloud upstream target", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{Discovery: clouddouble.DiscoveryMissing})
		var check struct {
			Usable   bool `json:"usable"`
			Problems []struct {
				Code string `json:"code"`
			} `json:"problems"`
		}
		txt := s.ok(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": s.pair.RemoteURL}, &check)
		assert.False(t, check.Usable)
		assert.Equal(t, "not_a_target", check.Problems[0].Code)
		assert.Contains(t, txt, "**Not usable**")
		msg := s.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL})
		assert.Contains(t, msg, "is not a Paperclip Cloud upstream target: GET "+s.pair.RemoteURL+"/.well-known/paperclip-upstream answered HTTP 404")
		assert.Contains(t, msg, "Check remoteUrl")
		msg = s.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": "http://cloud.example.com"})
		assert.Contains(t, msg, "must be reached over https")
	})

	t.Run("schema mismatch says which side to upgrade", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{SchemaMajor: 2})
		msg := s.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL})
		assert.Contains(t, msg, "Schema mismatch: this Paperclip speaks transfer schema major 1, the cloud stack "+s.pair.RemoteURL+" supports major 2")
		assert.Contains(t, msg, "Upgrade this local Paperclip server")
	})

	t.Run("no cloud_sync feature flag", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{FeatureFlags: []string{"bulk_import"}})
		msg := s.fail(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL})
		assert.Contains(t, msg, `does not offer cloud sync: its transfer.featureFlags lack "cloud_sync" (it has: bulk_import)`)
	})

	t.Run("connect errors", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{CloudSyncEnabled: true}, clouddouble.RemoteOptions{})
		var st struct {
			PendingConnectionID string `json:"pendingConnectionId"`
			AuthorizationURL    string `json:"authorizationUrl"`
		}
		s.ok(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL}, &st)
		code, state, _ := authorize(t, st.AuthorizationURL)
		msg := s.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": "not-the-state"})
		assert.Contains(t, msg, "The state does not match this pending connection (400 Cloud upstream state did not match)")
		msg = s.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": clouddouble.NewUUID(), "code": code, "state": state})
		assert.Contains(t, msg, "There is no cloud upstream connection with that pendingConnectionId")
		s.ok(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state}, nil)
		msg = s.fail(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state})
		assert.Contains(t, msg, "404 Pending cloud upstream connection was not found")
		msg = s.fail(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": clouddouble.NewUUID()})
		assert.Contains(t, msg, "was not found for this company (404)")
		assert.Contains(t, msg, "paperclip_list_cloud_upstreams")
	})

	t.Run("token expired or revoked, run already running, activation before success", func(t *testing.T) {
		s := start(t, clouddouble.LocalOptions{CloudSyncEnabled: true, Advance: clouddouble.AdvanceManual}, clouddouble.RemoteOptions{})
		conn := s.connect(t)
		var push struct {
			Run runOut `json:"run"`
		}
		s.ok(t, "paperclip_cloud_push", map[string]any{"connectionId": conn}, &push)
		assert.Equal(t, "running", push.Run.Status)
		assert.Equal(t, "scan", push.Run.ActiveStep)
		assert.Equal(t, 5, push.Run.ProgressPercent)
		runID := push.Run.ID

		msg := s.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
		assert.Contains(t, msg, "A push is already running on connection "+conn+" (409): run "+runID)
		msg = s.fail(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": runID, "entityType": "agents"})
		assert.Contains(t, msg, "only a succeeded push run can activate imported entities")

		var cancel struct {
			Cancelled bool `json:"cancelled"`
		}
		s.ok(t, "paperclip_cancel_cloud_push_run", map[string]any{"connectionId": conn, "runId": runID}, &cancel)
		assert.True(t, cancel.Cancelled)

		s.pair.Local.SetTokenStatus(conn, "expired")
		msg = s.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
		assert.Contains(t, msg, "is not connected (its token is expired)")
		assert.Contains(t, msg, "Connect again: paperclip_start_cloud_connect")
		s.pair.Local.SetTokenStatus(conn, "revoked")
		msg = s.fail(t, "paperclip_cloud_push", map[string]any{"connectionId": conn})
		assert.Contains(t, msg, "is not connected (its token is revoked)")

		msg = s.fail(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": runID, "entityType": "bots"})
		assert.Contains(t, msg, "entityType must be one of agents, routines, monitors")
	})
}
