package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLine is one NDJSON line of a run log.
type logLine struct {
	TS     string `json:"ts"`
	Stream string `json:"stream"`
	Chunk  string `json:"chunk"`
	Seq    int    `json:"seq"`
}

// readWholeLog fetches a finished run's log in one request and splits it into
// NDJSON lines. One request on purpose: the server decodes every byte slice it
// serves on its own, so a slice boundary inside a multi-byte character would
// corrupt it; a single slice covering the whole file cannot cut anything.
func readWholeLog(t *testing.T, runID string, logBytes int64) []logLine {
	t.Helper()
	require.LessOrEqual(t, logBytes, int64(1048576), "log larger than one maximal slice")
	var page struct {
		RunID      string `json:"runId"`
		Store      string `json:"store"`
		Content    string `json:"content"`
		NextOffset *int64 `json:"nextOffset"`
	}
	restGET(t, "/heartbeat-runs/"+runID+"/log?offset=0&limitBytes=1048576", &page)
	require.Equal(t, runID, page.RunID)
	// nextOffset is only present while more bytes exist; at the end it is absent.
	require.Nil(t, page.NextOffset, "a whole finished log should come without nextOffset")
	require.Equal(t, logBytes, int64(len(page.Content)), "logBytes is the log file's size in bytes")
	var lines []logLine
	for _, raw := range strings.Split(strings.TrimSuffix(page.Content, "\n"), "\n") {
		var l logLine
		require.NoError(t, json.Unmarshal([]byte(raw), &l), "log line %q", raw)
		lines = append(lines, l)
	}
	return lines
}

func joinStream(lines []logLine, stream string) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Stream == stream {
			b.WriteString(l.Chunk)
		}
	}
	return b.String()
}

func TestSeedWorld(t *testing.T) {
	w := seedWorld(t)
	t.Logf("paperclip %s at %s; seeding took %s", serverVersion, baseURL, w.SeedDuration)

	require.Len(t, w.Agents, 4)
	require.Len(t, w.Runs["ok"], 6)
	require.Len(t, w.Runs["fail"], 2)
	require.Len(t, w.Runs["biglog"], 1)
	require.Empty(t, w.Runs["slow"])

	t.Run("ok runs succeeded", func(t *testing.T) {
		for _, id := range w.Runs["ok"] {
			var r Run
			restGET(t, "/heartbeat-runs/"+id, &r)
			assert.Equal(t, "succeeded", r.Status, "run %s", id)
			assert.Equal(t, w.Agents["ok"], r.AgentID)
			assert.Equal(t, w.CompanyID, r.CompanyID)
			assert.Equal(t, "on_demand", r.InvocationSource)
			assert.Equal(t, "manual", r.TriggerDetail)
			if assert.NotNil(t, r.ExitCode) {
				assert.Equal(t, 0, *r.ExitCode)
			}
			assert.Nil(t, r.Error)
			assert.Nil(t, r.ErrorCode)
			assert.NotNil(t, r.StartedAt)
			assert.NotNil(t, r.FinishedAt)
			// stdoutExcerpt starts with a line the server writes itself
			// ("[paperclip] No project or prior session workspace was
			// available. Using fallback workspace ..."), then the process
			// output; resultJson.stdout holds the process output only. The
			// process still runs in adapterConfig.cwd (/tmp), as the
			// adapter.invoke event's payload shows.
			if assert.NotNil(t, r.StdoutExcerpt) {
				assert.Contains(t, *r.StdoutExcerpt, "ok: hello from run "+id, "the run sees its own PAPERCLIP_RUN_ID")
				assert.Contains(t, *r.StdoutExcerpt, "marker=marker-ok", "adapterConfig.env reaches the process")
			}
			if assert.NotNil(t, r.StderrExcerpt) {
				assert.Equal(t, "ok: a line on stderr\n", *r.StderrExcerpt)
			}
		}
	})

	t.Run("fail runs failed with exit 3", func(t *testing.T) {
		for _, id := range w.Runs["fail"] {
			var r Run
			restGET(t, "/heartbeat-runs/"+id, &r)
			assert.Equal(t, "failed", r.Status, "run %s", id)
			if assert.NotNil(t, r.ExitCode) {
				assert.Equal(t, 3, *r.ExitCode)
			}
			if assert.NotNil(t, r.ErrorCode) {
				assert.Equal(t, "adapter_failed", *r.ErrorCode)
			}
			if assert.NotNil(t, r.Error) {
				assert.Equal(t, "Process exited with code 3", *r.Error)
			}

			var events []struct {
				Seq       int    `json:"seq"`
				EventType string `json:"eventType"`
				Level     string `json:"level"`
				Message   string `json:"message"`
			}
			// Events are lifecycle records only (run started, adapter
			// invocation, run failed/succeeded, presentation, scratch
			// cleaned): the process output is in the log, not in events.
			restGET(t, "/heartbeat-runs/"+id+"/events?afterSeq=0&limit=200", &events)
			require.NotEmpty(t, events)
			sawError := false
			for i, e := range events {
				assert.Equal(t, i+1, e.Seq, "event seq is per run, from 1, without gaps")
				if e.EventType == "lifecycle" && e.Level == "error" {
					sawError = true
				}
			}
			assert.True(t, sawError, "a failed run has a lifecycle event at level error: %+v", events)
		}
	})

	t.Run("biglog run succeeded with a large multi-chunk UTF-8 log", func(t *testing.T) {
		id := w.Runs["biglog"][0]
		var r Run
		restGET(t, "/heartbeat-runs/"+id, &r)
		require.Equal(t, "succeeded", r.Status)
		require.NotNil(t, r.LogBytes)
		assert.Greater(t, *r.LogBytes, int64(30000))

		lines := readWholeLog(t, id, *r.LogBytes)
		stdoutChunks := 0
		for _, l := range lines {
			if l.Stream == "stdout" {
				stdoutChunks++
			}
		}
		assert.Greater(t, stdoutChunks, 50, "the output should arrive as many chunks")
		// The log's stdout also carries lines the server itself writes (e.g.
		// "[paperclip] No project or prior …"), hence Contains, not Equal.
		stdout := joinStream(lines, "stdout")
		assert.Contains(t, stdout, bigLogStdout(), "stdout chunks joined give the script's exact output")
		assert.Equal(t, bigLogStderr(), joinStream(lines, "stderr"))
		t.Logf("biglog: logBytes %d, %d NDJSON lines (%d stdout chunks), script stdout %d bytes, stderr %d bytes",
			*r.LogBytes, len(lines), stdoutChunks, len(bigLogStdout()), len(bigLogStderr()))

		// Surprise worth pinning: offset/limitBytes count raw file bytes, but
		// the server decodes each slice on its own (Buffer.toString("utf8")).
		// A slice that ends inside a multi-byte character comes back ending in
		// U+FFFD, and the next slice starts with U+FFFD; the re-encoded content
		// is then LONGER than limitBytes. nextOffset stays the raw byte offset,
		// so a reader must advance by nextOffset, never by len(content), and
		// must reassemble across slice edges itself.
		type logSlice struct {
			Content    string `json:"content"`
			NextOffset *int64 `json:"nextOffset"`
		}
		a := newAPI(t)
		var full logSlice
		a.do(http.MethodGet, "/heartbeat-runs/"+id+"/log?offset=0&limitBytes=1048576", nil, &full)
		cut := strings.Index(full.Content, "café") + len("caf") + 1 // between the two bytes of "é"
		require.Greater(t, cut, 4)

		var head logSlice
		a.do(http.MethodGet, fmt.Sprintf("/heartbeat-runs/%s/log?offset=0&limitBytes=%d", id, cut), nil, &head)
		if assert.NotNil(t, head.NextOffset) {
			assert.Equal(t, int64(cut), *head.NextOffset, "nextOffset is the raw byte offset")
		}
		assert.True(t, strings.HasSuffix(head.Content, "caf\uFFFD"),
			"a slice ending inside é ends in U+FFFD: %q", head.Content[max(0, len(head.Content)-20):])
		assert.Equal(t, cut+2, len(head.Content), "the lone first byte of é became the 3 bytes of U+FFFD")

		var next logSlice
		a.do(http.MethodGet, fmt.Sprintf("/heartbeat-runs/%s/log?offset=%d&limitBytes=16", id, cut), nil, &next)
		assert.True(t, strings.HasPrefix(next.Content, "\uFFFD"), "the next slice starts with U+FFFD: %q", next.Content)

		// Past the end: 200 with empty content and no nextOffset.
		var past logSlice
		a.do(http.MethodGet, fmt.Sprintf("/heartbeat-runs/%s/log?offset=%d&limitBytes=16", id, *r.LogBytes+10), nil, &past)
		assert.Empty(t, past.Content)
		assert.Nil(t, past.NextOffset)
	})

	t.Run("run lists agree", func(t *testing.T) {
		// Always send a limit: without one the server returns every run.
		// summary=true leaves out stdoutExcerpt/stderrExcerpt/resultJson, so
		// those Run fields are nil here. Runs woken back to back overlap in
		// time, and createdAt differs by tens of ms, so the order is stable.
		var all []Run
		restGET(t, "/companies/"+w.CompanyID+"/heartbeat-runs?limit=1000&summary=true", &all)
		ids := map[string]bool{}
		for i, r := range all {
			ids[r.ID] = true
			if i > 0 {
				assert.GreaterOrEqual(t, all[i-1].CreatedAt, r.CreatedAt, "newest first")
			}
		}
		for name, runIDs := range w.Runs {
			for _, id := range runIDs {
				assert.True(t, ids[id], "%s run %s missing from the company's run list", name, id)
			}
		}
		assert.Len(t, all, w.RunCount(), "the company has exactly the seeded runs (no automatic retries)")

		for name, agentID := range w.Agents {
			var runs []Run
			restGET(t, "/companies/"+w.CompanyID+"/heartbeat-runs?agentId="+agentID+"&limit=100", &runs)
			assert.Len(t, runs, len(w.Runs[name]), "runs of agent %s", name)
			t.Logf("agent %-6s %s: %d runs", name, agentID, len(runs))
		}

		var live []Run
		restGET(t, "/companies/"+w.CompanyID+"/live-runs", &live)
		assert.Empty(t, live, "nothing queued or running after seeding")
	})

	t.Run("key helpers", func(t *testing.T) {
		a := newAPI(t)

		board := createBoardKey(t)
		var companies []struct {
			ID string `json:"id"`
		}
		a.as(board).expect(http.StatusOK, http.MethodGet, "/companies", nil, &companies)
		found := false
		for _, c := range companies {
			found = found || c.ID == w.CompanyID
		}
		assert.True(t, found, "the board key sees the seeded company")

		agentKey := createAgentKey(t, w.Agents["ok"])
		var me struct {
			ID        string `json:"id"`
			CompanyID string `json:"companyId"`
			Name      string `json:"name"`
		}
		a.as(agentKey).expect(http.StatusOK, http.MethodGet, "/agents/me", nil, &me)
		assert.Equal(t, w.Agents["ok"], me.ID)
		assert.Equal(t, "ok", me.Name)
		// An agent key reads its own company's runs but not board-only routes.
		var runs []Run
		a.as(agentKey).expect(http.StatusOK, http.MethodGet,
			"/companies/"+w.CompanyID+"/heartbeat-runs?limit=5", nil, &runs)
		assert.NotEmpty(t, runs)
		a.as(agentKey).expect(http.StatusForbidden, http.MethodGet, "/companies", nil, nil)

		// In local_trusted mode a missing token is the board, but a token that
		// is sent must verify: a bogus one is 401, not a silent fallback.
		var e struct {
			Error string `json:"error"`
		}
		a.as("pcp_bogus").expect(http.StatusUnauthorized, http.MethodGet, "/companies", nil, &e)
		assert.NotEmpty(t, e.Error)
		t.Logf("bogus token: %q", e.Error)
	})
}
