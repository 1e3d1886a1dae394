package integration

// The heartbeat-run read tools, driven over stdio, against what REST says
// about the seeded world. These tests only read, so they run in parallel
// with each other (after the sequential tests, which may add runs: every
// comparison reads REST at its own time).

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdioListRunsPaging: paging with odd limits visits each REST run
// exactly once, in REST order; total, when present, is the REST count.
func TestStdioListRunsPaging(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	s := startMCP(t, nil)

	rest := restRuns(t, w.CompanyID, "")
	restOrder := runIDs(rest)
	require.GreaterOrEqual(t, len(rest), w.RunCount())
	byID := map[string]Run{}
	for _, r := range rest {
		byID[r.ID] = r
	}

	// walk pages the tool with the given filter and returns the run ids in
	// the order visited.
	walk := func(t *testing.T, limit int, filter map[string]any, restCount int) []string {
		t.Helper()
		var seen []string
		offset, calls := 0, 0
		for {
			args := map[string]any{"companyId": w.CompanyID, "limit": limit, "offset": offset}
			for k, v := range filter {
				args[k] = v
			}
			var p mcpRunPage
			callJSON(t, s, "paperclip_list_heartbeat_runs", args, &p)
			calls++
			require.Less(t, calls, 200, "paging does not end")
			assert.Equal(t, offset, p.Offset)
			assert.Equal(t, limit, p.Limit)
			assert.Equal(t, len(p.Items), p.Count)
			assert.LessOrEqual(t, p.Count, limit)
			if p.Total != nil {
				assert.Equal(t, restCount, *p.Total, "total, when present, is the REST count (offset %d)", offset)
			}
			for _, it := range p.Items {
				seen = append(seen, it.ID)
				r, ok := byID[it.ID]
				if assert.True(t, ok, "run %s is not in the REST list", it.ID) {
					assert.Equal(t, r.Status, it.Status, "run %s", it.ID)
					assert.Equal(t, r.AgentID, it.AgentID, "run %s", it.ID)
					assert.Equal(t, r.CreatedAt, it.CreatedAt, "run %s", it.ID)
				}
			}
			if !p.HasMore {
				assert.Nil(t, p.NextOffset, "no next_offset on the last page")
				break
			}
			require.NotNil(t, p.NextOffset, "has_more without next_offset")
			assert.Equal(t, offset+p.Count, *p.NextOffset)
			assert.Equal(t, limit, p.Count, "a page before the last is full")
			offset = *p.NextOffset
		}
		return seen
	}

	for _, limit := range []int{1, 2, 3, 7} {
		t.Run(fmt.Sprintf("all runs limit %d", limit), func(t *testing.T) {
			seen := walk(t, limit, nil, len(rest))
			assert.Equal(t, restOrder, seen, "each REST run exactly once, newest first")
		})
	}

	t.Run("agentId filter matches REST's", func(t *testing.T) {
		for name, agentID := range w.Agents {
			want := runIDs(restRuns(t, w.CompanyID, "&agentId="+agentID))
			var p mcpRunPage
			callJSON(t, s, "paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID, "agentId": agentID, "limit": 100}, &p)
			got := []string{}
			for _, it := range p.Items {
				got = append(got, it.ID)
				assert.Equal(t, agentID, it.AgentID)
			}
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, got, "agent %s", name)
			if assert.NotNil(t, p.Total, "agent %s: the window held every run, so total is known", name) {
				assert.Equal(t, len(want), *p.Total)
			}
			// With paging too.
			if len(want) > 2 {
				assert.Equal(t, want, walk(t, 2, map[string]any{"agentId": agentID}, len(want)), "agent %s paged by 2", name)
			}
		}
	})

	t.Run("status filter is applied although REST ignores it", func(t *testing.T) {
		for _, status := range []string{"failed", "succeeded", "running"} {
			var want []string
			for _, r := range rest {
				if r.Status == status {
					want = append(want, r.ID)
				}
			}
			if want == nil {
				want = []string{}
			}
			for _, limit := range []int{1, 3, 100} {
				got := walk(t, limit, map[string]any{"status": status}, len(want))
				if got == nil {
					got = []string{}
				}
				assert.Equal(t, want, got, "status=%s limit=%d", status, limit)
			}
		}
		// REST really ignores it: the same query with status=failed gives everything.
		var ignored []Run
		restGET(t, "/companies/"+w.CompanyID+"/heartbeat-runs?limit=1000&summary=true&status=failed", &ignored)
		assert.Len(t, ignored, len(rest), "REST ignores status (if this changes, the tool's filter is still right)")
	})

	t.Run("markdown is one line per run with the next call", func(t *testing.T) {
		text := s.CallOK(t, "paperclip_list_heartbeat_runs", map[string]any{"companyId": w.CompanyID, "limit": 3}, nil)
		t.Logf("markdown:\n%s", text)
		assert.True(t, strings.HasPrefix(text, "## Heartbeat runs"), text)
		rows := regexp.MustCompile("(?m)^- `([0-9a-f-]{36})` \\*\\*([a-z_]+)\\*\\*").FindAllStringSubmatch(text, -1)
		if assert.Len(t, rows, 3, text) {
			for i, m := range rows {
				assert.Equal(t, restOrder[i], m[1])
				assert.Equal(t, byID[m[1]].Status, m[2])
			}
		}
		assert.Contains(t, text, "More: call paperclip_list_heartbeat_runs with offset=3.")
		assert.NotContains(t, text, `"items"`)
	})
}

// TestStdioListRunEvents: walking the cursor with limits 1, 2 and 5 yields
// exactly the REST events, without duplicates or gaps.
func TestStdioListRunEvents(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	s := startMCP(t, nil)

	runs := map[string]string{"ok": w.Runs["ok"][0], "fail": w.Runs["fail"][0], "biglog": w.Runs["biglog"][0]}
	for name, runID := range runs {
		var rest []restEvent
		restGET(t, "/heartbeat-runs/"+runID+"/events?afterSeq=0&limit=1000", &rest)
		require.NotEmpty(t, rest, "%s run has events", name)
		for _, limit := range []int{1, 2, 5} {
			t.Run(fmt.Sprintf("%s limit %d", name, limit), func(t *testing.T) {
				var got []mcpEvent
				after := int64(0)
				for calls := 0; ; calls++ {
					require.Less(t, calls, 500, "the cursor does not end")
					var p mcpEventsPage
					callJSON(t, s, "paperclip_list_run_events", map[string]any{"runId": runID, "afterSeq": after, "limit": limit}, &p)
					assert.Equal(t, runID, p.RunID)
					assert.Equal(t, after, p.AfterSeq)
					assert.Equal(t, len(p.Items), p.Count)
					assert.LessOrEqual(t, p.Count, limit)
					got = append(got, p.Items...)
					if p.Count > 0 {
						assert.Equal(t, p.Items[len(p.Items)-1].Seq, p.NextAfterSeq)
					} else {
						assert.Equal(t, after, p.NextAfterSeq)
					}
					if !p.HasMore {
						break
					}
					require.Greater(t, p.NextAfterSeq, after, "the cursor moves")
					after = p.NextAfterSeq
				}
				require.Len(t, got, len(rest), "as many events as REST")
				for i, e := range rest {
					g := got[i]
					assert.Equal(t, e.Seq, g.Seq, "event %d", i)
					assert.Equal(t, e.EventType, g.Type, "seq %d: eventType -> type", e.Seq)
					assert.Equal(t, deref(e.Level), g.Level, "seq %d level", e.Seq)
					assert.Equal(t, deref(e.Stream), g.Stream, "seq %d stream", e.Seq)
					assert.Equal(t, deref(e.Message), g.Message, "seq %d message", e.Seq)
					assert.Equal(t, e.CreatedAt, g.CreatedAt, "seq %d createdAt", e.Seq)
					if len(e.Payload) == 0 || string(e.Payload) == "null" {
						assert.Empty(t, g.Data, "seq %d: no payload, no data", e.Seq)
					} else if assert.NotEmpty(t, g.Data, "seq %d: payload -> data", e.Seq) {
						assert.JSONEq(t, string(e.Payload), string(g.Data), "seq %d: payload -> data", e.Seq)
					}
				}
				// No duplicates, no gaps: seq runs 1..n.
				for i, g := range got {
					assert.Equal(t, int64(i+1), g.Seq)
				}
				// After the end the cursor gives nothing.
				var end mcpEventsPage
				callJSON(t, s, "paperclip_list_run_events", map[string]any{"runId": runID, "afterSeq": got[len(got)-1].Seq, "limit": limit}, &end)
				assert.Empty(t, end.Items)
				assert.False(t, end.HasMore)
				assert.Equal(t, got[len(got)-1].Seq, end.NextAfterSeq, "an empty page keeps the cursor")
			})
		}
	}

	t.Run("markdown", func(t *testing.T) {
		runID := w.Runs["fail"][0]
		text := s.CallOK(t, "paperclip_list_run_events", map[string]any{"runId": runID, "limit": 2}, nil)
		t.Logf("markdown:\n%s", text)
		assert.Regexp(t, `(?m)^- #1 \d\d:\d\d:\d\d\.\d{3} `, text)
		assert.Regexp(t, `(?m)^- #2 `, text)
		assert.Contains(t, text, "More: call paperclip_list_run_events with runId="+runID+" afterSeq=2.")
		all := s.CallOK(t, "paperclip_list_run_events", map[string]any{"runId": runID}, nil)
		assert.Regexp(t, `(?m)^- #\d+ \S+ error lifecycle`, all, "the failed run's error event is one readable line")
	})
}

// TestStdioGetRunLog: joining slices of odd sizes reproduces the biglog log
// byte for byte, with whole characters only.
func TestStdioGetRunLog(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	runID := w.Runs["biglog"][0]
	var run Run
	restGET(t, "/heartbeat-runs/"+runID, &run)
	require.NotNil(t, run.LogBytes)
	full := restLogContent(t, runID)
	require.Equal(t, *run.LogBytes, int64(len(full)))
	require.True(t, utf8.ValidString(full))
	require.NotContains(t, full, "\uFFFD")

	// A whole walk at 4 bytes would be ~15 000 calls (two HTTP requests
	// each), so the small sizes walk two windows that hold every kind of
	// character the log has: from the start through the first round of the
	// script (the server's own first line, then ASCII, é…, 日本語…, 🚀…), and
	// the record of the first stderr line. The larger sizes walk the whole log.
	type window struct{ from, to int64 }
	round2 := int64(strings.Index(full, "biglog 002 ascii"))
	require.Greater(t, round2, int64(0))
	stderrAt := strings.Index(full, "biglog 010 stderr")
	require.Greater(t, stderrAt, 0)
	stderrRec := int64(strings.LastIndex(full[:stderrAt], "\n") + 1)
	stderrEnd := stderrRec + int64(strings.Index(full[stderrRec:], "\n")+1)
	require.Contains(t, full[stderrRec:stderrEnd], `"stream":"stderr"`)
	small := []window{{0, round2}, {stderrRec, stderrEnd}}
	whole := []window{{0, int64(len(full))}}

	for _, size := range []int{4, 5, 7, 13, 333, 4093, 16384} {
		t.Run(fmt.Sprintf("limitBytes %d", size), func(t *testing.T) {
			t.Parallel()
			s := startMCP(t, nil)
			windows := whole
			if size < 100 {
				windows = small
			}
			calls := 0
			for _, win := range windows {
				var b strings.Builder
				offset := win.from
				var last mcpLogSlice
				for offset < win.to {
					calls++
					require.Less(t, calls, 2000)
					var sl mcpLogSlice
					callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": offset, "limitBytes": size}, &sl)
					require.Equal(t, offset, sl.Offset, "a slice starting on a character boundary starts where asked")
					require.NotContains(t, sl.Content, "\uFFFD", "no replacement character at offset %d", offset)
					require.True(t, utf8.ValidString(sl.Content))
					require.LessOrEqual(t, len(sl.Content), size, "at most limitBytes bytes")
					if !sl.EOF {
						require.GreaterOrEqual(t, len(sl.Content), size-3, "at most 3 bytes short before the end (offset %d)", offset)
					}
					require.Equal(t, sl.Offset+int64(len(sl.Content)), sl.NextOffset)
					require.Equal(t, *run.LogBytes, sl.TotalBytes, "totalBytes is the run's logBytes")
					require.Equal(t, sl.NextOffset == sl.TotalBytes, sl.EOF)
					require.True(t, sl.Final)
					require.Equal(t, "succeeded", sl.RunStatus)
					require.Greater(t, sl.NextOffset, offset, "progress at offset %d", offset)
					b.WriteString(sl.Content)
					offset, last = sl.NextOffset, sl
				}
				assert.Equal(t, full[win.from:offset], b.String(), "the joined slices are the log's bytes %d-%d, byte for byte", win.from, offset)
				if win.to == int64(len(full)) {
					assert.Equal(t, full, b.String(), "the joined slices are the whole log, byte for byte")
					assert.True(t, last.EOF)
					assert.Equal(t, last.TotalBytes, last.NextOffset, "nextOffset == totalBytes at the end")
				}
			}
			t.Logf("limitBytes %d: %d calls", size, calls)
		})
	}

	t.Run("an offset inside a character moves past it", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		for _, ch := range []string{"é", "日", "🚀"} {
			at := int64(strings.Index(full, ch))
			require.Greater(t, at, int64(0))
			for k := int64(1); k < int64(len(ch)); k++ {
				var sl mcpLogSlice
				callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": at + k, "limitBytes": 64}, &sl)
				assert.Equal(t, at+int64(len(ch)), sl.Offset, "%q +%d: content starts at the next character", ch, k)
				assert.NotContains(t, sl.Content, "\uFFFD")
				assert.True(t, strings.HasPrefix(full[sl.Offset:], sl.Content), "%q +%d: content is the log's bytes at offset", ch, k)
			}
		}
	})

	t.Run("past the end", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		var sl mcpLogSlice
		callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": *run.LogBytes}, &sl)
		assert.Empty(t, sl.Content)
		assert.Equal(t, *run.LogBytes, sl.NextOffset)
		assert.Equal(t, *run.LogBytes, sl.TotalBytes)
		assert.True(t, sl.EOF)

		// Far past the end: an empty slice with the true size, never the offset.
		sl = mcpLogSlice{}
		callJSON(t, s, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": 99999999}, &sl)
		assert.Empty(t, sl.Content)
		assert.Equal(t, *run.LogBytes, sl.TotalBytes, "totalBytes is the log's size")
		assert.Equal(t, *run.LogBytes, sl.NextOffset)
		assert.True(t, sl.EOF)
		text := s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": 99999999}, nil)
		assert.Contains(t, text, fmt.Sprintf("Offset 99999999 is past the end of the log (%d bytes)", *run.LogBytes))
	})

	t.Run("a slice inside one record shows the text it holds", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		at := int64(stderrAt) + int64(len("biglog "))
		text := s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": at, "limitBytes": 10}, nil)
		t.Logf("markdown:\n%s", text)
		assert.Equal(t, "010 stderr", full[at:at+10])
		assert.Contains(t, text, "010 stderr", "the markdown shows the content of the slice")
		assert.NotContains(t, text, "```\n```", "never an empty code block")
		assert.NotContains(t, text, "? ?")
	})

	t.Run("markdown shows readable lines", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		text := s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "limitBytes": 4093}, nil)
		t.Logf("markdown (head):\n%s", text[:min(len(text), 1500)])
		assert.NotContains(t, text, "\uFFFD")
		assert.Regexp(t, `(?m)^\d\d:\d\d:\d\d\.\d{3} stdout\s*\| biglog 001 ascii: the quick brown fox`, text)
		assert.Regexp(t, `(?m)^\d\d:\d\d:\d\d\.\d{3} stdout\s*\| biglog 001 emoji: 🚀 launch 🚀🚀 é ü 日本語 🚀 end$`, text)
		assert.Contains(t, text, fmt.Sprintf("of %d", *run.LogBytes))
		assert.Regexp(t, `More: call paperclip_get_run_log with runId=`+runID+` offset=\d+\.`, text)

		// The stderr line, read from a slice that is exactly its record.
		text = s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": stderrRec, "limitBytes": stderrEnd - stderrRec}, nil)
		assert.Regexp(t, `(?m)^\d\d:\d\d:\d\d\.\d{3} stderr\s*\| biglog 010 stderr: Warnung für Größe 日本 🚀$`, text)
		assert.NotContains(t, text, `"chunk"`, "a slice of whole records shows no NDJSON")

		// The last record, to the end of the log.
		lastRec := int64(strings.LastIndex(strings.TrimSuffix(full, "\n"), "\n") + 1)
		text = s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": lastRec}, nil)
		assert.Contains(t, text, "End of the log.")
		assert.NotContains(t, text, `"chunk"`)
	})

	// The documented contract: "Markdown mode shows the log as readable lines
	// (time, stream, text), not NDJSON." Byte slices almost never end on a
	// record boundary, so this is what a default read (limitBytes 16384)
	// looks like at its edges.
	t.Run("markdown of slices that cut records shows no raw NDJSON", func(t *testing.T) {
		t.Parallel()
		s := startMCP(t, nil)
		for _, offset := range []int64{0, 16384, *run.LogBytes - 200} {
			text := s.CallOK(t, "paperclip_get_run_log", map[string]any{"runId": runID, "offset": offset}, nil)
			var raw []string
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, `"chunk"`) || strings.Contains(l, `{"ts"`) || strings.Contains(l, `","seq":`) {
					raw = append(raw, l)
				}
			}
			assert.Empty(t, raw, "offset %d: markdown lines holding raw NDJSON", offset)
		}
	})
}

// TestStdioGetHeartbeatRun: every field the tool reports equals REST.
func TestStdioGetHeartbeatRun(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	s := startMCP(t, nil)
	for name, ids := range w.Runs {
		for _, id := range ids {
			var r Run
			restGET(t, "/heartbeat-runs/"+id, &r)
			var g mcpRun
			callJSON(t, s, "paperclip_get_heartbeat_run", map[string]any{"runId": id}, &g)
			assert.Equal(t, r.ID, g.ID)
			assert.Equal(t, r.CompanyID, g.CompanyID, "%s run %s", name, id)
			assert.Equal(t, r.AgentID, g.AgentID, "%s run %s", name, id)
			assert.Equal(t, r.Status, g.Status, "%s run %s", name, id)
			assert.Equal(t, r.ExitCode, g.ExitCode, "%s run %s", name, id)
			assert.Equal(t, deref(r.Error), g.Error, "%s run %s", name, id)
			assert.Equal(t, deref(r.ErrorCode), g.ErrorCode, "%s run %s", name, id)
			assert.Equal(t, r.LogBytes, g.LogBytes, "%s run %s", name, id)
			assert.Equal(t, deref(r.StartedAt), g.StartedAt, "%s run %s", name, id)
			assert.Equal(t, deref(r.FinishedAt), g.FinishedAt, "%s run %s", name, id)
			assert.Equal(t, r.CreatedAt, g.CreatedAt, "%s run %s", name, id)
			assert.Equal(t, r.InvocationSource, g.InvocationSource, "%s run %s", name, id)
			assert.Equal(t, r.TriggerDetail, g.TriggerDetail, "%s run %s", name, id)
			assert.Equal(t, deref(r.Signal), g.Signal, "%s run %s", name, id)
			// Excerpts keep their last 4000 characters (Paperclip's own are
			// up to ~25,000: alone past the output bound).
			assert.Equal(t, excerptEnd(deref(r.StdoutExcerpt)), g.StdoutExcerpt, "%s run %s", name, id)
			assert.Equal(t, excerptEnd(deref(r.StderrExcerpt)), g.StderrExcerpt, "%s run %s", name, id)
			if name == "biglog" {
				assert.Greater(t, utf8.RuneCountInString(deref(r.StdoutExcerpt)), 4000, "REST's biglog excerpt is long")
				assert.True(t, strings.HasPrefix(g.StdoutExcerpt, "…"), "and the tool's is its end")
			}
			assert.True(t, g.Finished)
			assert.True(t, strings.HasPrefix(g.WakeReason, "seed "+name+" #"), "wake reason %q", g.WakeReason)
			if assert.NotNil(t, g.DurationMs) {
				assert.GreaterOrEqual(t, *g.DurationMs, int64(0))
			}
		}
	}

	t.Run("a failed run's markdown names its exit code and error code", func(t *testing.T) {
		id := w.Runs["fail"][0]
		text := s.CallOK(t, "paperclip_get_heartbeat_run", map[string]any{"runId": id}, nil)
		t.Logf("markdown:\n%s", text)
		assert.Contains(t, text, "## Run `"+id+"`: failed")
		assert.Contains(t, text, "exit code 3")
		assert.Contains(t, text, "adapter_failed")
		assert.Contains(t, text, "Process exited with code 3")
		assert.Contains(t, text, "fail: something went wrong", "the stderr excerpt")
		assert.Contains(t, text, "paperclip_diagnose_run runId="+id)
		assert.NotContains(t, text, `"status"`)
	})
}

// TestStdioDiagnoseRun: the agent's newest failed run, explained.
func TestStdioDiagnoseRun(t *testing.T) {
	w := seedWorld(t)
	t.Parallel()
	s := startMCP(t, nil)

	t.Run("agentId of fail picks its newest failed run", func(t *testing.T) {
		var wantID string
		for _, r := range restRuns(t, w.CompanyID, "&agentId="+w.Agents["fail"]) {
			if r.Status == "failed" {
				wantID = r.ID
				break
			}
		}
		require.NotEmpty(t, wantID)
		var g mcpDiagnosis
		callJSON(t, s, "paperclip_diagnose_run", map[string]any{"agentId": w.Agents["fail"], "companyId": w.CompanyID}, &g)
		assert.Equal(t, wantID, g.Run.ID, "the newest failed run REST lists for the agent")
		assert.True(t, g.Failed)
		assert.Contains(t, g.Selected, "latest failed run")
		summary := strings.Join(g.Summary, "\n")
		t.Logf("summary:\n%s", summary)
		assert.Contains(t, summary, "exit code 3")
		assert.Contains(t, summary, "adapter_failed")
		assert.Contains(t, summary, "Last stderr line: fail: something went wrong")
		assert.NotEmpty(t, g.Events, "the error events")
		hasErr := slices.ContainsFunc(g.Events, func(e mcpEvent) bool { return e.Level == "error" })
		assert.True(t, hasErr, "a level error event: %+v", g.Events)
		var rest []restEvent
		restGET(t, "/heartbeat-runs/"+wantID+"/events?afterSeq=0&limit=1000", &rest)
		assert.Equal(t, len(rest), g.EventCount)
		tail := ""
		for _, l := range g.LogTail {
			tail += l.Stream + "|" + l.Text + "\n"
		}
		assert.Contains(t, tail, "stderr|fail: something went wrong")
		assert.Contains(t, tail, "stdout|fail: starting")

		text := s.CallOK(t, "paperclip_diagnose_run", map[string]any{"agentId": w.Agents["fail"], "companyId": w.CompanyID}, nil)
		t.Logf("markdown:\n%s", text)
		assert.Contains(t, text, "## Diagnosis of run `"+wantID+"`")
		assert.Contains(t, text, "exit code 3")
		assert.Contains(t, text, "adapter_failed")
		assert.Contains(t, text, "fail: something went wrong")
		assert.NotContains(t, text, `"chunk"`)
	})

	t.Run("an agent id that does not exist is said to be no agent", func(t *testing.T) {
		missing := "99999999-9999-4999-8999-999999999999"
		code, _ := newAPI(t).raw("GET", "/agents/"+missing, nil)
		require.Equal(t, 404, code, "REST knows no such agent")
		msg := s.CallErr(t, "paperclip_diagnose_run", map[string]any{"agentId": missing, "companyId": w.CompanyID})
		assert.Contains(t, msg, "No agent has id "+missing)
		assert.Contains(t, msg, "paperclip_list_agents")
		assert.NotContains(t, msg, "wake")
	})

	t.Run("runId of a succeeded run says it did not fail", func(t *testing.T) {
		id := w.Runs["ok"][0]
		var g mcpDiagnosis
		callJSON(t, s, "paperclip_diagnose_run", map[string]any{"runId": id}, &g)
		assert.Equal(t, id, g.Run.ID)
		assert.False(t, g.Failed)
		assert.Equal(t, "succeeded", g.Run.Status)
		assert.Contains(t, g.Summary, "The run succeeded: nothing failed, so there is nothing to fix in it.")
		text := s.CallOK(t, "paperclip_diagnose_run", map[string]any{"runId": id}, nil)
		assert.Contains(t, text, "The run succeeded: nothing failed")
	})

	t.Run("an agent with no failure gets its newest run, said not to have failed", func(t *testing.T) {
		newest := restRuns(t, w.CompanyID, "&agentId="+w.Agents["ok"])[0]
		var g mcpDiagnosis
		callJSON(t, s, "paperclip_diagnose_run", map[string]any{"agentId": w.Agents["ok"], "companyId": w.CompanyID}, &g)
		assert.Equal(t, newest.ID, g.Run.ID)
		assert.False(t, g.Failed)
		assert.Contains(t, g.Summary, "The run succeeded: nothing failed, so there is nothing to fix in it.")
	})

	t.Run("the company's newest failure without agentId", func(t *testing.T) {
		var wantID string
		for _, r := range restRuns(t, w.CompanyID, "") {
			if r.Status == "failed" || r.Status == "timed_out" || r.Status == "interrupted" {
				wantID = r.ID
				break
			}
		}
		var g mcpDiagnosis
		callJSON(t, s, "paperclip_diagnose_run", map[string]any{"companyId": w.CompanyID}, &g)
		assert.Equal(t, wantID, g.Run.ID)
		assert.True(t, g.Failed)
	})
}

// excerptEnd is what a run's result holds of a REST excerpt: its last 4000
// characters, after "…" when it was longer.
func excerptEnd(s string) string {
	r := []rune(s)
	if len(r) <= 4000 {
		return s
	}
	return "…" + string(r[len(r)-4000:])
}
