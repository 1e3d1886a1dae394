package integration

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type restRoutine struct {
	ID                string  `json:"id"`
	Title             string  `json:"title"`
	Status            string  `json:"status"`
	AssigneeAgentID   *string `json:"assigneeAgentId"`
	ConcurrencyPolicy string  `json:"concurrencyPolicy"`
	CatchUpPolicy     string  `json:"catchUpPolicy"`
	Triggers          []struct {
		ID             string  `json:"id"`
		Kind           string  `json:"kind"`
		Enabled        bool    `json:"enabled"`
		CronExpression *string `json:"cronExpression"`
		SigningMode    *string `json:"signingMode"`
		Label          *string `json:"label"`
	} `json:"triggers"`
}

type mcpRoutine struct {
	ID                string `json:"id"`
	Title             string `json:"title"`
	Status            string `json:"status"`
	AssigneeAgentID   string `json:"assigneeAgentId"`
	ConcurrencyPolicy string `json:"concurrencyPolicy"`
	Triggers          []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"triggers"`
}

// TestRoutinesAgainstREST: a routine's whole life through the tools, each
// step read back with REST, and the webhook secret only in its file.
func TestRoutinesAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	a := newAPI(t)
	var company, agent, other struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Routines IT " + randSuffix()}, &company)
	C := company.ID
	for _, ag := range []*struct {
		ID string `json:"id"`
	}{&agent, &other} {
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+C+"/agents", map[string]any{"name": "routine-" + randSuffix(), "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, ag)
	}
	secrets := t.TempDir()
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "routines", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_MCP_SECRETS_DIR": secrets})

	// Create, with the server's policy names (the documented examples are refused, nothing sent).
	msg := s.CallErr(t, "paperclip_create_routine", map[string]any{"title": "x", "assigneeAgentId": agent.ID, "concurrencyPolicy": "forbid"})
	assert.Contains(t, msg, "coalesce_if_active")
	msg = s.CallErr(t, "paperclip_create_routine", map[string]any{"title": "x", "assigneeAgentId": agent.ID, "catchUpPolicy": "run_once"})
	assert.Contains(t, msg, "enqueue_missed_with_cap")
	var created mcpRoutine
	s.CallOK(t, "paperclip_create_routine", map[string]any{"title": "Daily report", "assigneeAgentId": agent.ID, "concurrencyPolicy": "always_enqueue"}, &created)
	var rest restRoutine
	restGET(t, "/routines/"+created.ID, &rest)
	assert.Equal(t, "Daily report", rest.Title)
	assert.Equal(t, agent.ID, deref(rest.AssigneeAgentID))
	assert.Equal(t, "always_enqueue", rest.ConcurrencyPolicy)
	var list []restRoutine
	restGET(t, "/companies/"+C+"/routines", &list)
	require.Len(t, list, 1, "the refused routine was never created")

	// A schedule trigger, and a webhook trigger whose secret goes to a file.
	var sched struct {
		Trigger struct {
			ID string `json:"id"`
		} `json:"trigger"`
	}
	s.CallOK(t, "paperclip_add_routine_trigger", map[string]any{"routineId": created.ID, "kind": "schedule", "cronExpression": "0 9 * * 1-5", "timezone": "Europe/Paris"}, &sched)
	var hook struct {
		Trigger struct {
			ID string `json:"id"`
		} `json:"trigger"`
		WebhookURL string `json:"webhookUrl"`
		Secret     struct {
			File  string `json:"file"`
			Bytes int    `json:"bytes"`
		} `json:"secret"`
	}
	md := s.CallOK(t, "paperclip_add_routine_trigger", map[string]any{"routineId": created.ID, "kind": "webhook", "signingMode": "github_hmac"}, &hook)
	require.NotEmpty(t, hook.Secret.File)
	st, err := os.Stat(hook.Secret.File)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	raw, err := os.ReadFile(hook.Secret.File)
	require.NoError(t, err)
	secret := strings.TrimSpace(string(raw))
	require.Len(t, secret, hook.Secret.Bytes)
	assert.NotContains(t, md, secret)
	assert.Contains(t, md, hook.Secret.File)
	require.NotEmpty(t, hook.WebhookURL)
	assert.Contains(t, md, hook.WebhookURL, "the webhook URL is not secret: it is shown")

	// Refused before sending: an unknown kind, a schedule without cron, the
	// documented example of a policy (REST below still shows two triggers).
	assert.NotEmpty(t, s.CallErr(t, "paperclip_add_routine_trigger", map[string]any{"routineId": created.ID, "kind": "cron", "cronExpression": "0 9 * * *"}))
	assert.Contains(t, s.CallErr(t, "paperclip_add_routine_trigger", map[string]any{"routineId": created.ID, "kind": "schedule"}), "needs cronExpression")
	assert.NotEmpty(t, s.CallErr(t, "paperclip_update_routine", map[string]any{"routineId": created.ID, "catchUpPolicy": "skip"}))

	// The file holds the real secret: a body signed with it fires the webhook.
	body := []byte(`{"from":"integration"}`)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, err := http.NewRequest(http.MethodPost, hook.WebhookURL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := sharedHTTP.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, "the webhook accepts a body signed with the secret from the file")

	restGET(t, "/routines/"+created.ID, &rest)
	kinds := map[string]string{}
	for _, tr := range rest.Triggers {
		kinds[tr.ID] = tr.Kind
	}
	assert.Equal(t, map[string]string{sched.Trigger.ID: "schedule", hook.Trigger.ID: "webhook"}, kinds)
	assert.Equal(t, "skip_missed", rest.CatchUpPolicy, "the refused update sent nothing")

	// get and list agree with REST.
	var got mcpRoutine
	callJSON(t, s, "paperclip_get_routine", map[string]any{"routineId": created.ID}, &got)
	assert.Equal(t, rest.ID, got.ID)
	assert.Len(t, got.Triggers, len(rest.Triggers))
	var page struct {
		Items []mcpRoutine `json:"items"`
		Total *int         `json:"total"`
	}
	callJSON(t, s, "paperclip_list_routines", map[string]any{}, &page)
	for name, args := range map[string]map[string]any{"paperclip_get_routine": {"routineId": created.ID}, "paperclip_list_routines": {}} {
		for _, format := range []string{"markdown", "json"} {
			args["response_format"] = format
			assert.NotContains(t, s.CallOK(t, name, args, nil), secret, "%s (%s) never shows the webhook secret", name, format)
		}
	}
	require.Len(t, page.Items, 1)
	assert.Equal(t, created.ID, page.Items[0].ID)
	require.NotNil(t, page.Total)
	assert.Equal(t, 1, *page.Total)

	// Update.
	s.CallOK(t, "paperclip_update_routine", map[string]any{"routineId": created.ID, "title": "Weekly report", "catchUpPolicy": "enqueue_missed_with_cap"}, nil)
	restGET(t, "/routines/"+created.ID, &rest)
	assert.Equal(t, "Weekly report", rest.Title)
	assert.Equal(t, "enqueue_missed_with_cap", rest.CatchUpPolicy)

	// Run now for another agent: agentId goes out as assigneeAgentId.
	var run struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		IssueID string `json:"issueId"`
	}
	s.CallOK(t, "paperclip_run_routine", map[string]any{"routineId": created.ID, "agentId": other.ID}, &run)
	require.NotEmpty(t, run.ID)
	require.NotEmpty(t, run.IssueID, "the run made an issue")
	var issue struct {
		AssigneeAgentID *string `json:"assigneeAgentId"`
	}
	restGET(t, "/issues/"+run.IssueID, &issue)
	assert.Equal(t, other.ID, deref(issue.AssigneeAgentID), "the run's issue went to agentId, not the routine's assignee")

	var restRuns []struct {
		ID string `json:"id"`
	}
	restGET(t, "/routines/"+created.ID+"/runs?limit=200", &restRuns)
	require.Len(t, restRuns, 2, "the webhook fire and the manual run")
	var runs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total      *int `json:"total"`
		NextOffset *int `json:"next_offset"`
	}
	callJSON(t, s, "paperclip_list_routine_runs", map[string]any{"routineId": created.ID, "limit": 1}, &runs)
	require.Len(t, runs.Items, 1)
	assert.Equal(t, restRuns[0].ID, runs.Items[0].ID, "newest first, as REST")
	require.NotNil(t, runs.NextOffset)
	runs.NextOffset, runs.Total = nil, nil
	callJSON(t, s, "paperclip_list_routine_runs", map[string]any{"routineId": created.ID, "limit": 1, "offset": 1}, &runs)
	assert.Equal(t, restRuns[1].ID, runs.Items[0].ID)
	require.NotNil(t, runs.Total)
	assert.Equal(t, 2, *runs.Total)

	// Trigger update; a kind change is refused with nothing sent.
	s.CallOK(t, "paperclip_update_routine_trigger", map[string]any{"triggerId": sched.Trigger.ID, "cronExpression": "30 8 * * *", "enabled": false}, nil)
	msg = s.CallErr(t, "paperclip_update_routine_trigger", map[string]any{"triggerId": sched.Trigger.ID, "kind": "api", "cronExpression": "0 0 * * *"})
	assert.Contains(t, msg, "is a schedule trigger")
	assert.Contains(t, msg, "cannot change a trigger's kind")
	assert.Contains(t, msg, "paperclip_delete_routine_trigger")
	// The trigger's own kind passes (it changes nothing, so nothing is dropped).
	s.CallOK(t, "paperclip_update_routine_trigger", map[string]any{"triggerId": sched.Trigger.ID, "kind": "schedule", "label": "mornings"}, nil)
	restGET(t, "/routines/"+created.ID, &rest)
	for _, tr := range rest.Triggers {
		if tr.ID == sched.Trigger.ID {
			assert.Equal(t, "schedule", tr.Kind)
			assert.Equal(t, "30 8 * * *", deref(tr.CronExpression), "the refused call changed nothing")
			assert.False(t, tr.Enabled)
			assert.Equal(t, "mornings", deref(tr.Label))
		}
	}

	// Delete (204), then again: Paperclip's 404, explained.
	md = s.CallOK(t, "paperclip_delete_routine_trigger", map[string]any{"triggerId": hook.Trigger.ID}, nil)
	assert.Contains(t, md, "Deleted trigger")
	restGET(t, "/routines/"+created.ID, &rest)
	for _, tr := range rest.Triggers {
		assert.NotEqual(t, hook.Trigger.ID, tr.ID, "REST no longer lists the deleted trigger")
	}
	a.expect(http.StatusNotFound, http.MethodDelete, "/routine-triggers/"+hook.Trigger.ID, nil, nil)
	msg = s.CallErr(t, "paperclip_delete_routine_trigger", map[string]any{"triggerId": hook.Trigger.ID})
	assert.Contains(t, msg, "404")
	assert.Contains(t, msg, "paperclip_get_routine")

	assert.NotContains(t, s.Stderr(), secret, "the secret never reaches a log line")

	// A fact of the real server: a bearer-signed webhook cannot be fired,
	// because Paperclip's own auth layer takes the Authorization header for
	// an API key and answers 401 before the trigger sees it.
	var bearer struct {
		SecretMaterial struct {
			WebhookURL    string `json:"webhookUrl"`
			WebhookSecret string `json:"webhookSecret"`
		} `json:"secretMaterial"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/routines/"+created.ID+"/triggers", map[string]any{"kind": "webhook"}, &bearer)
	req, err = http.NewRequest(http.MethodPost, bearer.SecretMaterial.WebhookURL, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer.SecretMaterial.WebhookSecret)
	resp, err = sharedHTTP.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "bearer webhooks do not work on this Paperclip: the tool's signingMode description says so")

	// Not board only: an agent manages its own routines, and only those.
	as := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "routines", "PAPERCLIP_COMPANY_ID": C, "PAPERCLIP_AGENT_ID": other.ID,
		"PAPERCLIP_API_KEY": createAgentKey(t, other.ID), "PAPERCLIP_MCP_SECRETS_DIR": secrets})
	var own mcpRoutine
	as.CallOK(t, "paperclip_create_routine", map[string]any{"title": "My own chores"}, &own)
	restGET(t, "/routines/"+own.ID, &rest)
	assert.Equal(t, other.ID, deref(rest.AssigneeAgentID), "the assignee defaults to PAPERCLIP_AGENT_ID")
	as.CallOK(t, "paperclip_add_routine_trigger", map[string]any{"routineId": own.ID, "kind": "api"}, nil)
	msg = as.CallErr(t, "paperclip_add_routine_trigger", map[string]any{"routineId": created.ID, "kind": "api"})
	assert.Contains(t, msg, "403")
	assert.Contains(t, msg, "Agents can only manage routines assigned to themselves")
	msg = as.CallErr(t, "paperclip_create_routine", map[string]any{"title": "For someone else", "assigneeAgentId": agent.ID})
	assert.Contains(t, msg, "403")
	restGET(t, "/companies/"+C+"/routines", &list)
	assert.Len(t, list, 2, "the refused routine was never created")
}
