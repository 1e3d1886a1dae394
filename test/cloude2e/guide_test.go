package cloude2e

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/clouddouble"
)

type previewOut struct {
	Verdict            string `json:"verdict"`
	ExitCode           int    `json:"exitCode"`
	SchemaCompatible   bool   `json:"schemaCompatible"`
	ConflictsRemaining bool   `json:"conflictsRemaining"`
	Conflicts          []struct {
		EntityType string `json:"entityType"`
	} `json:"conflicts"`
	Summary []struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	} `json:"summary"`
}

type runOut struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	ActiveStep      string `json:"activeStep"`
	ProgressPercent int    `json:"progressPercent"`
	Finished        bool   `json:"finished"`
	Activation      []struct {
		EntityType string `json:"entityType"`
		Count      int    `json:"count"`
		Status     string `json:"status"`
	} `json:"activation"`
}

// TestCloudSyncGuideEndToEnd walks the documented guide through the built
// binary over stdio: enable the flag → check the remote → start connect →
// authorize in the "browser" → finish connect → preview with conflicts →
// preview clean → push with wait and a progress token → activate agents,
// routines, monitors → the run shows succeeded at 100 %.
func TestCloudSyncGuideEndToEnd(t *testing.T) {
	s := start(t, clouddouble.LocalOptions{Version: "2026.722.0"}, clouddouble.RemoteOptions{DisplayName: "Acme Cloud"})

	// 0. Before anything: the flag is off, and the tools say how to turn it on.
	msg := s.fail(t, "paperclip_list_cloud_upstreams", map[string]any{})
	assert.Contains(t, msg, "paperclip_update_experimental_settings enableCloudSync=true")

	// 1. Enable the flag.
	var settings struct {
		CloudSyncKnown   bool   `json:"cloudSyncKnown"`
		CloudSyncEnabled bool   `json:"cloudSyncEnabled"`
		ServerVersion    string `json:"serverVersion"`
	}
	txt := s.ok(t, "paperclip_get_experimental_settings", map[string]any{}, &settings)
	assert.True(t, settings.CloudSyncKnown)
	assert.False(t, settings.CloudSyncEnabled)
	assert.Equal(t, "2026.722.0", settings.ServerVersion)
	assert.Contains(t, txt, "enableCloudSync is off")
	var upd struct {
		AllApplied bool `json:"allApplied"`
		Changes    []struct {
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
		} `json:"changes"`
	}
	txt = s.ok(t, "paperclip_update_experimental_settings", map[string]any{"enableCloudSync": true}, &upd)
	assert.True(t, upd.AllApplied, txt)
	require.Len(t, upd.Changes, 1)
	assert.Equal(t, "changed", upd.Changes[0].Outcome)
	assert.Contains(t, txt, "enableCloudSync is now true")

	// 2. Check the remote.
	var check struct {
		Usable bool `json:"usable"`
	}
	txt = s.ok(t, "paperclip_check_cloud_upstream", map[string]any{"remoteUrl": s.pair.RemoteURL}, &check)
	assert.True(t, check.Usable, txt)
	assert.Contains(t, txt, "**Usable**")

	// 3. Start connecting; 4. the person approves in the browser; 5. finish.
	var st struct {
		PendingConnectionID string `json:"pendingConnectionId"`
		AuthorizationURL    string `json:"authorizationUrl"`
		RedirectURI         string `json:"redirectUri"`
	}
	txt = s.ok(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL, "redirectUri": "http://127.0.0.1:9/callback"}, &st)
	assert.Contains(t, txt, "Open the authorization URL in a browser")
	assert.Contains(t, txt, st.AuthorizationURL)
	code, state, landed := authorize(t, st.AuthorizationURL)
	assert.Equal(t, "/callback", landed.Path)
	var fin struct {
		Connection struct {
			ID          string `json:"id"`
			TokenStatus string `json:"tokenStatus"`
		} `json:"connection"`
		Message string `json:"message"`
	}
	txt = s.ok(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state}, &fin)
	assert.Equal(t, "connected", fin.Connection.TokenStatus)
	assert.Contains(t, txt, "Next: paperclip_preview_cloud_push connectionId="+fin.Connection.ID)
	conn := fin.Connection.ID

	// 6. Preview with conflicts: needs attention (exit code 2).
	s.pair.Local.SetConflicts([]clouddouble.Conflict{
		{ID: "c1", EntityType: "agents", SourceLabel: "CEO", TargetLabel: "CEO (cloud)", PlannedAction: "blocked", Reason: "An agent with this name already exists"},
		{ID: "c2", EntityType: "projects", SourceLabel: "Website", TargetLabel: "Website", PlannedAction: "update", Reason: "Mapped to an existing project"},
	})
	var p previewOut
	txt = s.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "needs_attention", p.Verdict)
	assert.Equal(t, 2, p.ExitCode)
	assert.True(t, p.ConflictsRemaining)
	assert.Len(t, p.Conflicts, 2)
	assert.Contains(t, txt, "**Needs attention: 2 conflict(s) remain")
	assert.Contains(t, txt, `- agents: "CEO" ↔ "CEO (cloud)" · blocked · An agent with this name already exists`)
	assert.Contains(t, txt, "agents 4")

	// 7. The operator resolves them; the preview is clean: ready (exit code 0).
	s.pair.Local.ResolveConflicts()
	txt = s.ok(t, "paperclip_preview_cloud_push", map[string]any{"connectionId": conn}, &p)
	assert.Equal(t, "ready", p.Verdict)
	assert.Equal(t, 0, p.ExitCode)
	assert.True(t, p.SchemaCompatible)
	assert.False(t, p.ConflictsRemaining)
	assert.Contains(t, txt, "**Ready to push")

	// 8. Push, waiting, with a progress token.
	var push struct {
		Run      runOut `json:"run"`
		Waited   bool   `json:"waited"`
		Finished bool   `json:"finished"`
		Message  string `json:"message"`
	}
	txt = s.callWithProgress(t, "paperclip_cloud_push", map[string]any{"connectionId": conn, "wait": true}, "p1", &push)
	assert.True(t, push.Waited)
	assert.True(t, push.Finished)
	assert.Equal(t, "succeeded", push.Run.Status)
	assert.Equal(t, 100, push.Run.ProgressPercent)
	assert.Contains(t, txt, "succeeded: everything landed in the cloud stack paused")
	runID := push.Run.ID
	require.Eventually(t, func() bool { return len(s.progress("p1")) >= 6 }, 5*time.Second, 10*time.Millisecond, "progress notifications: %v", s.progress("p1"))
	got := s.progress("p1")
	assert.Equal(t, []float64{5, 25, 45, 60, 82, 100}, got, "progress rises through scan, preview, push, push, verify, activate")
	for i := 1; i < len(got); i++ {
		assert.Greater(t, got[i], got[i-1])
	}

	// 9. Activate agents, then routines, then monitors.
	for i, et := range []string{"agents", "routines", "monitors"} {
		var act struct {
			Decision struct {
				Status string `json:"status"`
				Count  int    `json:"count"`
			} `json:"decision"`
			StillPaused []string `json:"stillPaused"`
		}
		txt = s.ok(t, "paperclip_activate_cloud_entities", map[string]any{"connectionId": conn, "runId": runID, "entityType": et}, &act)
		assert.Equal(t, "activated", act.Decision.Status, et)
		assert.Len(t, act.StillPaused, 2-i)
		if i < 2 {
			assert.Contains(t, txt, "Next: paperclip_activate_cloud_entities")
		}
	}

	// 10. The state shows the run succeeded at 100 %, all three types live.
	var run runOut
	txt = s.ok(t, "paperclip_get_cloud_push_run", map[string]any{"connectionId": conn, "runId": runID}, &run)
	assert.Equal(t, "succeeded", run.Status)
	assert.Equal(t, 100, run.ProgressPercent)
	assert.Equal(t, "activate", run.ActiveStep)
	for _, a := range run.Activation {
		assert.Equal(t, "activated", a.Status, a.EntityType)
	}
	assert.Contains(t, txt, "succeeded at 100 %")
	assert.Contains(t, txt, "Done: the push succeeded and agents, routines and monitors are all activated.")

	var list struct {
		Connections []struct {
			TokenStatus string `json:"tokenStatus"`
			LastRunID   string `json:"lastRunId"`
		} `json:"connections"`
		Runs []runOut `json:"runs"`
	}
	s.ok(t, "paperclip_list_cloud_upstreams", map[string]any{}, &list)
	require.Len(t, list.Runs, 1)
	assert.Equal(t, "succeeded", list.Runs[0].Status)
	assert.Equal(t, runID, list.Connections[0].LastRunID)

	// Our Paperclip key never went to the cloud stack.
	for _, rq := range s.pair.Remote.Requests() {
		assert.Empty(t, rq.Authorization, rq.Path)
		assert.False(t, strings.Contains(rq.RawQuery, e2eKey))
	}
}
