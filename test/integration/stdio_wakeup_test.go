package integration

// Wakeup, live runs and cancel over stdio, then the same tools with an agent
// key and with a bogus key. Not parallel: it adds a (cancelled) run to the
// seeded company, and the file sorts after seed_sanity_test.go, whose checks
// expect exactly the seeded runs and no live run.

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

func TestStdioWakeupLiveCancel(t *testing.T) {
	w := seedWorld(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_MCP_LOG_LEVEL": "debug"})
	slow := w.Agents["slow"]

	var wk mcpWakeup
	start := time.Now()
	s.CallOK(t, "paperclip_wakeup_agent", map[string]any{"agentId": slow, "reason": "it: cancel me"}, &wk)
	t.Logf("wakeup answered in %s: %s", time.Since(start).Round(time.Millisecond), wk.Message)
	require.True(t, wk.Queued, "wakeup: %+v", wk)
	require.NotNil(t, wk.Run)
	runID := wk.Run.ID
	t.Cleanup(func() { newAPI(t).raw(http.MethodPost, "/heartbeat-runs/"+runID+"/cancel", map[string]any{}) })
	assert.Equal(t, slow, wk.Run.AgentID)
	assert.Contains(t, []string{"queued", "running"}, wk.Run.Status)
	assert.Equal(t, "it: cancel me", wk.Run.WakeReason)
	assert.Contains(t, wk.Message, "paperclip_list_run_events runId="+runID)
	var r Run
	restGET(t, "/heartbeat-runs/"+runID, &r)
	assert.Equal(t, slow, r.AgentID)
	assert.Equal(t, "on_demand", r.InvocationSource, "the default source")
	assert.Equal(t, "manual", r.TriggerDetail, "the default trigger detail")

	t.Run("a run that may have no log yet reads as a slice, not an error", func(t *testing.T) {
		var sl mcpLogSlice
		callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID}, &sl)
		t.Logf("log right after wakeup: status %s, %d bytes of %d", sl.RunStatus, len(sl.Content), sl.TotalBytes)
		assert.Equal(t, sl.Offset+int64(len(sl.Content)), sl.NextOffset)
		assert.GreaterOrEqual(t, sl.TotalBytes, sl.NextOffset)
	})

	t.Run("live runs show it while running", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second)
		var statuses []string
		for {
			var live mcpLiveRuns
			callJSON(t, s, "paperclip_list_live_runs", map[string]any{"companyId": w.CompanyID}, &live)
			assert.Equal(t, w.CompanyID, live.CompanyID)
			assert.Equal(t, len(live.Items), live.Count)
			var found *mcpRun
			for i := range live.Items {
				if live.Items[i].ID == runID {
					found = &live.Items[i]
				}
			}
			require.NotNil(t, found, "the woken run is live (statuses so far %v)", statuses)
			statuses = append(statuses, found.Status)
			if found.Status == "running" {
				var rest []Run
				restGET(t, "/companies/"+w.CompanyID+"/live-runs", &rest)
				ids := runIDs(rest)
				assert.Contains(t, ids, runID, "REST lists it live too")
				text := s.CallOK(t, "paperclip_list_live_runs", map[string]any{"companyId": w.CompanyID}, nil)
				assert.Contains(t, text, "`"+runID+"` **running**")
				assert.Contains(t, text, "paperclip_cancel_heartbeat_run")

				// The read tools on a running run.
				var g mcpRun
				callJSON(t, s, "paperclip_get_heartbeat_run", map[string]any{"runId": runID}, &g)
				assert.Contains(t, []string{"running", "cancelled"}, g.Status)
				if g.Status == "running" {
					assert.False(t, g.Finished)
				}
				var sl mcpLogSlice
				callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID}, &sl)
				assert.Equal(t, sl.Offset+int64(len(sl.Content)), sl.NextOffset)
				assert.GreaterOrEqual(t, sl.TotalBytes, sl.NextOffset)
				var ev mcpEventsPage
				callJSON(t, s, "paperclip_list_run_events", map[string]any{"runId": runID}, &ev)
				var restEv []restEvent
				restGET(t, "/heartbeat-runs/"+runID+"/events?afterSeq=0&limit=1000", &restEv)
				t.Logf("events while running: tool %d, REST (just after) %d", len(ev.Items), len(restEv))
				if assert.LessOrEqual(t, len(ev.Items), len(restEv)) {
					for i, e := range ev.Items {
						assert.Equal(t, restEv[i].Seq, e.Seq)
						assert.Equal(t, restEv[i].EventType, e.Type)
					}
				}
				var d mcpDiagnosis
				callJSON(t, s, "paperclip_diagnose_run", map[string]any{"runId": runID}, &d)
				if d.Run.Status == "running" {
					assert.Contains(t, d.Summary, "The run has not finished yet: what is shown may change.")
					assert.Contains(t, strings.Join(d.NextSteps, "\n"), "paperclip_cancel_heartbeat_run runId="+runID)
				}
				break
			}
			require.True(t, time.Now().Before(deadline), "run never reached running: %v", statuses)
			time.Sleep(200 * time.Millisecond)
		}
		t.Logf("live statuses seen: %v", statuses)
	})

	t.Run("cancel as the local board, twice", func(t *testing.T) {
		var c mcpCancel
		text := s.CallOK(t, "paperclip_cancel_heartbeat_run", map[string]any{"runId": runID}, &c)
		t.Logf("first cancel: %s", text)
		assert.True(t, c.Cancelled)
		assert.Equal(t, "cancelled", c.Run.Status)
		assert.Contains(t, c.Message, "is cancelled")

		var r Run
		restGET(t, "/heartbeat-runs/"+runID, &r)
		assert.Equal(t, "cancelled", r.Status, "REST agrees")
		assert.Equal(t, "cancelled", deref(r.ErrorCode))

		var again mcpCancel
		text = s.CallOK(t, "paperclip_cancel_heartbeat_run", map[string]any{"runId": runID}, &again)
		t.Logf("second cancel: %s", text)
		assert.Equal(t, "cancelled", again.Run.Status)
		assert.Equal(t, c.Run.FinishedAt, again.Run.FinishedAt, "the run is unchanged")
		// The contract: "Idempotent: a finished run comes back unchanged and
		// the result says so."
		assert.Contains(t, strings.ToLower(again.Message), "already",
			"a second cancel should say the run had already finished, not report a fresh cancel")

		restGET(t, "/heartbeat-runs/"+runID, &r)
		assert.Equal(t, "cancelled", r.Status, "REST agrees")

		var live mcpLiveRuns
		callJSON(t, s, "paperclip_list_live_runs", map[string]any{"companyId": w.CompanyID}, &live)
		for _, it := range live.Items {
			assert.NotEqual(t, runID, it.ID, "a cancelled run is not live")
		}
	})

	t.Run("cancel of a succeeded run changes nothing and says so", func(t *testing.T) {
		id := w.Runs["ok"][0]
		var before Run
		restGET(t, "/heartbeat-runs/"+id, &before)
		var c mcpCancel
		s.CallOK(t, "paperclip_cancel_heartbeat_run", map[string]any{"runId": id}, &c)
		assert.False(t, c.Cancelled)
		assert.Equal(t, "succeeded", c.Run.Status)
		assert.Contains(t, c.Message, "had already finished as succeeded; nothing changed")
		var after Run
		restGET(t, "/heartbeat-runs/"+id, &after)
		assert.Equal(t, before.Status, after.Status)
		assert.Equal(t, before.FinishedAt, after.FinishedAt)
	})

	t.Run("POST requests were each sent once", func(t *testing.T) {
		// Mutations are never retried: one wakeup, two cancels of the slow
		// run, one of the succeeded run.
		count := func() map[string]int {
			n := map[string]int{}
			for _, l := range requestLines(s.Stderr()) {
				if strings.Contains(l, "method=POST") {
					n[pathAttr.FindStringSubmatch(l)[1]]++
				}
			}
			return n
		}
		deadline := time.Now().Add(3 * time.Second)
		for len(count()) < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(150 * time.Millisecond)
		n := count()
		assert.Equal(t, 1, n["/api/agents/"+slow+"/wakeup"], "%v", n)
		assert.Equal(t, 2, n["/api/heartbeat-runs/"+runID+"/cancel"], "%v", n)
		assert.Equal(t, 1, n["/api/heartbeat-runs/"+w.Runs["ok"][0]+"/cancel"], "%v", n)
	})
}

// TestStdioAgentKey: an agent key reads its company's runs but cannot cancel.
func TestStdioAgentKey(t *testing.T) {
	w := seedWorld(t)
	key := createAgentKey(t, w.Agents["ok"])
	s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key, "PAPERCLIP_MCP_LOG_LEVEL": "debug",
		// Board-only tools are left out for agent keys unless named: name one to see Paperclip's 403 explained.
		"PAPERCLIP_TOOLS": "paperclip_cancel_heartbeat_run"})
	var texts []string

	failRun := w.Runs["fail"][0]
	res := callResult(t, s, "paperclip_cancel_heartbeat_run", map[string]any{"runId": failRun})
	text := stdio.Text(res)
	texts = append(texts, text)
	t.Logf("cancel with an agent key: %s", text)
	require.True(t, res.IsError, "cancel with an agent key must be a tool error: %s", text)
	assert.Contains(t, text, "403")
	assert.Contains(t, text, "board only")
	assert.Contains(t, text, "board API key")

	// An agent may wake only itself.
	text = s.CallErr(t, "paperclip_wakeup_agent", map[string]any{"agentId": w.Agents["slow"]})
	texts = append(texts, text)
	t.Logf("wakeup of another agent with an agent key: %s", text)
	assert.Contains(t, text, "403")
	assert.Contains(t, text, "Agent can only invoke itself", "Paperclip's reason is passed on")

	var page mcpRunPage
	callJSON(t, s, "paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID, "limit": 100}, &page)
	assert.Equal(t, runIDs(restRuns(t, w.CompanyID, "")), idsOf(page.Items), "an agent key lists its own company's runs, as the board sees them")

	var g mcpRun
	callJSON(t, s, "paperclip_get_heartbeat_run", map[string]any{"runId": failRun}, &g)
	assert.Equal(t, "failed", g.Status)
	var ev mcpEventsPage
	callJSON(t, s, "paperclip_list_run_events", map[string]any{"runId": failRun}, &ev)
	assert.NotEmpty(t, ev.Items)
	var sl mcpLogSlice
	callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": failRun}, &sl)
	assert.Contains(t, sl.Content, "fail: something went wrong")

	for _, tx := range texts {
		assert.NotContains(t, tx, key)
	}
	assert.NotContains(t, s.Stderr(), key, "the agent key never reaches the log")
	assert.Contains(t, s.Stderr(), "auth=\"agent key\"")
}

// TestStdioBogusKey: a key that does not verify gives the 401 message naming
// PAPERCLIP_API_KEY from every tool, and the key shows nowhere.
func TestStdioBogusKey(t *testing.T) {
	w := seedWorld(t)
	key := "pcp_bogus_" + randSuffix() + randSuffix() + randSuffix()
	s := startMCP(t, map[string]string{"PAPERCLIP_API_KEY": key, "PAPERCLIP_MCP_LOG_LEVEL": "debug",
		// Board-only tools are left out for agent keys unless named: name one to see Paperclip's 403 explained.
		"PAPERCLIP_TOOLS": "paperclip_cancel_heartbeat_run"})
	runID := w.Runs["fail"][0]
	calls := []struct {
		name string
		args map[string]any
	}{
		{"paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID}},
		{"paperclip_get_heartbeat_run", map[string]any{"runId": runID}},
		{"paperclip_list_run_events", map[string]any{"runId": runID}},
		{"paperclip_get_run_log", map[string]any{"runId": runID}},
		{"paperclip_list_live_runs", map[string]any{"companyId": w.CompanyID}},
		{"paperclip_diagnose_run", map[string]any{"runId": runID}},
		{"paperclip_diagnose_run", map[string]any{"agentId": w.Agents["fail"], "companyId": w.CompanyID}},
		{"paperclip_cancel_heartbeat_run", map[string]any{"runId": runID}},
		{"paperclip_wakeup_agent", map[string]any{"agentId": w.Agents["slow"], "reason": "must not run"}},
	}
	for _, c := range calls {
		for _, format := range []string{"", "json"} {
			args := map[string]any{}
			for k, v := range c.args {
				args[k] = v
			}
			if format != "" {
				if c.name == "paperclip_cancel_heartbeat_run" || c.name == "paperclip_wakeup_agent" {
					continue
				}
				args["response_format"] = format
			}
			text := s.CallErr(t, c.name, args)
			assert.Contains(t, text, "401", "%s", c.name)
			assert.Contains(t, text, "PAPERCLIP_API_KEY", "%s: %s", c.name, text)
			assert.NotContains(t, text, key, "%s", c.name)
			assert.NotContains(t, text, key[len("pcp_bogus_"):], "%s", c.name)
		}
	}
	t.Logf("401 text: %s", s.CallErr(t, "paperclip_get_heartbeat_run", map[string]any{"runId": runID}))
	assert.NotEmpty(t, waitRequestPaths(t, s, 1), "debug logging was on")
	stderr := s.Stderr()
	assert.NotContains(t, stderr, key, "the bogus key never reaches the log")
	assert.NotContains(t, stderr, key[len("pcp_bogus_"):])
	assert.NotContains(t, stderr, "Bearer")

	// The wakeup was refused: no run of slow beyond the one the cancel test made.
	for _, r := range restRuns(t, w.CompanyID, "&agentId="+w.Agents["slow"]) {
		assert.NotEqual(t, "queued", r.Status)
		assert.NotEqual(t, "running", r.Status)
	}
}

func idsOf(items []mcpRun) []string {
	ids := []string{}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}
