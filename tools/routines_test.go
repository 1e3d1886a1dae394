package tools

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	testRoutine = "70000000-0000-4000-8000-000000000001"
	testTrigger = "71000000-0000-4000-8000-000000000001"
)

func routineRow(title string) map[string]any {
	return map[string]any{"id": testRoutine, "companyId": testCompany, "title": title, "status": "active", "priority": "medium",
		"assigneeAgentId": testAgent, "concurrencyPolicy": "coalesce_if_active", "catchUpPolicy": "skip_missed", "latestRevisionNumber": 2,
		"env": map[string]any{"API_TOKEN": "routine-env-secret"},
		"triggers": []any{map[string]any{"id": testTrigger, "routineId": testRoutine, "kind": "schedule", "enabled": true,
			"cronExpression": "0 9 * * *", "timezone": "UTC", "nextRunAt": "2026-12-03T09:00:00.000Z"}},
		"createdAt": "2026-12-02T10:00:00.000Z", "updatedAt": "2026-12-02T10:00:00.000Z"}
}

func TestRoutinesCreateListGetUpdate(t *testing.T) {
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/routines", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, routineRow(stubReq{Body: body}.JSON(t)["title"].(string)))
	})
	s.reply("GET /api/companies/{companyId}/routines", 200, []any{routineRow("Daily standup")})
	s.reply("GET /api/routines/{routineId}", 200, routineRow("Daily standup"))
	s.handle("PATCH /api/routines/{routineId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, routineRow("Renamed"))
	})
	d := s.deps(client.Config{})
	d.AgentID = testAgent

	var v RoutineView
	md := callOK(t, d, "paperclip_create_routine", map[string]any{"title": " Daily standup ", "concurrencyPolicy": "skip_if_active"}, &v)
	body := s.requests()[0].JSON(t)
	assert.Equal(t, map[string]any{"title": "Daily standup", "assigneeAgentId": testAgent, "concurrencyPolicy": "skip_if_active", "catchUpPolicy": "skip_missed"}, body,
		"the assignee defaults to PAPERCLIP_AGENT_ID; the documented default policy is sent; unset fields are not")
	assert.Contains(t, md, "## Created routine Daily standup")
	assert.Contains(t, md, "schedule `"+testTrigger+"` · `0 9 * * *` UTC")

	n := len(s.requests())
	for _, bad := range []map[string]any{
		{"title": "x", "concurrencyPolicy": "forbid"},
		{"title": "x", "catchUpPolicy": "run_once"},
		{"title": "   "},
		{"title": "x", "assigneeAgentId": "bot"},
	} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_create_routine", bad))
	}
	assert.Contains(t, callErr(t, d, "paperclip_create_routine", map[string]any{"title": "x", "concurrencyPolicy": "forbid"}), "coalesce_if_active")
	assert.Len(t, s.requests(), n, "documented example values are refused before sending")

	var p Page[RoutineView]
	md = callOK(t, d, "paperclip_list_routines", map[string]any{}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 1, *p.Total)
	assert.Contains(t, md, "**Daily standup**")
	md = callOK(t, d, "paperclip_get_routine", map[string]any{"routineId": testRoutine}, &v)
	assert.Len(t, v.Triggers, 1)
	for _, text := range []string{md, text(call(t, d, "paperclip_get_routine", map[string]any{"routineId": testRoutine, "response_format": "json"}))} {
		assert.NotContains(t, text, "routine-env-secret", "a routine's env is never shown")
	}

	md = callOK(t, d, "paperclip_update_routine", map[string]any{"routineId": testRoutine, "title": "Renamed", "status": "paused"}, &v)
	assert.Equal(t, map[string]any{"title": "Renamed", "status": "paused"}, s.requests()[len(s.requests())-1].JSON(t))
	assert.Contains(t, md, "## Updated routine Renamed")
	n = len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_update_routine", map[string]any{"routineId": testRoutine}), "Nothing to change")
	assert.NotEmpty(t, callErr(t, d, "paperclip_update_routine", map[string]any{"routineId": testRoutine, "status": "disabled"}))
	assert.Len(t, s.requests(), n)
}

// A webhook trigger's secret is shown once by Paperclip: it goes to a
// 0600 file, never into the result.
func TestRoutinesTriggersAndTheShownOnceSecret(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(secretsDirEnv, dir)
	const secret = "9eb62064bbb36fadaa1f19bb9881d1799fb494c6e715afa4"
	s := newStub(t)
	s.handle("POST /api/routines/{routineId}/triggers", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		tr := map[string]any{"id": testTrigger, "routineId": testRoutine, "kind": m["kind"], "enabled": true}
		var material any
		if m["kind"] == "webhook" {
			tr["signingMode"], tr["publicId"] = "bearer", "b60628de"
			material = map[string]any{"webhookUrl": "http://127.0.0.1:3100/api/routine-triggers/public/b60628de/fire", "webhookSecret": secret}
		} else {
			tr["cronExpression"], tr["timezone"] = m["cronExpression"], "UTC"
		}
		writeJSON(w, 201, map[string]any{"trigger": tr, "secretMaterial": material, "revision": map[string]any{"id": "r"}})
	})
	s.handle("PATCH /api/routine-triggers/{triggerId}", func(w http.ResponseWriter, r *http.Request, body []byte) {
		m := stubReq{Body: body}.JSON(t)
		writeJSON(w, 200, map[string]any{"id": testTrigger, "kind": "schedule", "enabled": m["enabled"], "cronExpression": m["cronExpression"], "timezone": "UTC"})
	})
	s.handle("DELETE /api/routine-triggers/{triggerId}", func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(204) })
	d := s.deps(client.Config{})

	var nt NewTriggerView
	md := callOK(t, d, "paperclip_add_routine_trigger", map[string]any{"routineId": testRoutine, "kind": "schedule", "cronExpression": "0 9 * * 1-5"}, &nt)
	assert.Equal(t, map[string]any{"kind": "schedule", "cronExpression": "0 9 * * 1-5"}, s.requests()[0].JSON(t))
	assert.Nil(t, nt.Secret)
	assert.Contains(t, md, "## Added a schedule trigger")

	res := call(t, d, "paperclip_add_routine_trigger", map[string]any{"routineId": testRoutine, "kind": "webhook"})
	require.False(t, res.IsError, text(res))
	all := text(res) + fmt.Sprint(res.StructuredContent)
	assert.NotContains(t, all, secret, "the secret never reaches a result")
	assert.Contains(t, all, dir)
	assert.Contains(t, text(res), "/routine-triggers/public/b60628de/fire")
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, files)
	b, err := os.ReadFile(dir + "/" + files[0].Name())
	require.NoError(t, err)
	assert.Equal(t, secret+"\n", string(b))

	n := len(s.requests())
	assert.Contains(t, callErr(t, d, "paperclip_add_routine_trigger", map[string]any{"routineId": testRoutine, "kind": "schedule"}), "needs cronExpression")
	assert.Contains(t, callErr(t, d, "paperclip_add_routine_trigger", map[string]any{"routineId": testRoutine, "kind": "api", "cronExpression": "* * * * *"}), "belong to schedule")
	assert.NotEmpty(t, callErr(t, d, "paperclip_add_routine_trigger", map[string]any{"routineId": testRoutine, "kind": "cron"}))
	assert.Contains(t, callErr(t, d, "paperclip_update_routine_trigger", map[string]any{"triggerId": testTrigger}), "Nothing to change")
	assert.Len(t, s.requests(), n, "refused before sending")

	// A kind is checked against the trigger's own (read from the company's
	// routines, Paperclip has no route for one trigger): a different one is
	// refused with the way to do it, nothing written.
	s.reply("GET /api/companies/{companyId}/routines", 200, []any{routineRow("Daily standup")})
	msg := callErr(t, d, "paperclip_update_routine_trigger", map[string]any{"triggerId": testTrigger, "kind": "webhook", "cronExpression": "0 8 * * *"})
	assert.Contains(t, msg, "is a schedule trigger")
	assert.Contains(t, msg, "cannot change a trigger's kind")
	assert.Contains(t, msg, "paperclip_delete_routine_trigger")
	other := "71000000-0000-4000-8000-000000000099"
	assert.Contains(t, callErr(t, d, "paperclip_update_routine_trigger", map[string]any{"triggerId": other, "kind": "api", "enabled": true}), "cannot be checked")
	writes := func() (n int) {
		for _, r := range s.requests() {
			if r.Method != http.MethodGet {
				n++
			}
		}
		return n
	}
	assert.Equal(t, n, writes(), "a kind change is refused before anything is written")
	noCompany := s.deps(client.Config{})
	noCompany.CompanyID = ""
	assert.Contains(t, callErr(t, noCompany, "paperclip_update_routine_trigger", map[string]any{"triggerId": testTrigger, "kind": "api", "label": "x"}), "without PAPERCLIP_COMPANY_ID")
	assert.Equal(t, n, writes())

	var tv TriggerView
	md = callOK(t, d, "paperclip_update_routine_trigger", map[string]any{"triggerId": testTrigger, "kind": "schedule", "cronExpression": "0 8 * * *", "enabled": false}, &tv)
	last := s.requests()[len(s.requests())-1]
	assert.Equal(t, "PATCH", last.Method)
	assert.Equal(t, map[string]any{"cronExpression": "0 8 * * *", "enabled": false}, last.JSON(t), "the trigger's own kind passes; no kind is ever sent on update")
	assert.False(t, tv.Enabled)
	assert.Contains(t, md, "Next: paperclip_get_routine")

	var del DeletedTrigger
	md = callOK(t, d, "paperclip_delete_routine_trigger", map[string]any{"triggerId": testTrigger}, &del)
	assert.True(t, del.Deleted, "204 with no body is a success")
	assert.Contains(t, md, "## Deleted trigger")
}

func TestRoutinesRunAndItsRuns(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/routines/{routineId}/run", 202, map[string]any{"id": "72000000-0000-4000-8000-000000000001", "routineId": testRoutine,
		"source": "manual", "status": "issue_created", "triggeredAt": "2026-12-02T10:00:00.000Z", "linkedIssueId": "73000000-0000-4000-8000-000000000001"})
	stored := 7
	s.handle("GET /api/routines/{routineId}/runs", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		rows := []any{}
		for i := 1; i <= min(limit, stored); i++ {
			rows = append(rows, map[string]any{"id": fmt.Sprintf("72000000-0000-4000-8000-%012d", i), "routineId": testRoutine, "source": "schedule",
				"status": "failed", "failureReason": "assignee paused", "triggeredAt": "2026-12-02T10:00:00.000Z",
				"linkedIssue": map[string]any{"identifier": "ACME-1", "status": "todo"}})
		}
		writeJSON(w, 200, rows)
	})
	d := s.deps(client.Config{})
	var run RoutineRunView
	md := callOK(t, d, "paperclip_run_routine", map[string]any{"routineId": testRoutine, "agentId": testAgent}, &run)
	assert.Equal(t, map[string]any{"assigneeAgentId": testAgent, "source": "manual"}, s.requests()[0].JSON(t), "agentId is sent as assigneeAgentId")
	assert.Equal(t, "issue_created", run.Status, "202 is a success")
	assert.Contains(t, md, "paperclip_get_issue issueId=73000000-0000-4000-8000-000000000001")

	var p Page[RoutineRunView]
	callOK(t, d, "paperclip_list_routine_runs", map[string]any{"routineId": testRoutine, "limit": 3}, &p)
	assert.Equal(t, "4", url.Values(s.requests()[1].Query).Get("limit"))
	assert.Nil(t, p.Total)
	require.NotNil(t, p.NextOffset)
	p = Page[RoutineRunView]{}
	md = callOK(t, d, "paperclip_list_routine_runs", map[string]any{"routineId": testRoutine, "limit": 5, "offset": 3}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 7, *p.Total)
	assert.Contains(t, md, "→ issue ACME-1")
	assert.Contains(t, md, "assignee paused")

	stored = 1000
	p = Page[RoutineRunView]{}
	callOK(t, d, "paperclip_list_routine_runs", map[string]any{"routineId": testRoutine, "limit": 100, "offset": 100}, &p)
	assert.Equal(t, "200", url.Values(s.requests()[3].Query).Get("limit"), "capped at the server's maximum")
	assert.True(t, strings.Contains(p.Note, "200 newest"), p.Note)
	assert.Nil(t, p.Total)
	jsonTextIsStructured(t, d, "paperclip_list_routine_runs", map[string]any{"routineId": testRoutine})
}
