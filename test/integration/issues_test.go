package integration

// The issue tools over stdio against the real server, in a company of their
// own: create, get, update, list and heartbeat context compared with REST;
// checkout and release as an agent from a live run; the dedup answer; the
// refusal of executionRunId; and what the real server does that the
// documentation does not say, each asserted through REST.

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mcpIssue mirrors the tools' IssueDetail (and the extras of the write results).
type mcpIssue struct {
	ID                  string   `json:"id"`
	Identifier          string   `json:"identifier"`
	Title               string   `json:"title"`
	Status              string   `json:"status"`
	Priority            string   `json:"priority"`
	AssigneeAgentID     string   `json:"assigneeAgentId"`
	GoalID              string   `json:"goalId"`
	CompanyID           string   `json:"companyId"`
	Description         string   `json:"description"`
	BillingCode         string   `json:"billingCode"`
	Labels              []string `json:"labels"`
	CheckoutRunID       string   `json:"checkoutRunId"`
	ExecutionRunID      string   `json:"executionRunId"`
	UpdatedAt           string   `json:"updatedAt"`
	Created             bool     `json:"created"`
	Deduplicated        bool     `json:"deduplicated"`
	DeduplicationReason string   `json:"deduplicationReason"`
	Note                string   `json:"note"`
	Changed             []string `json:"changed"`
	CommentID           string   `json:"commentId"`
}

type mcpIssuePage struct {
	Items      []mcpIssue `json:"items"`
	Total      *int       `json:"total"`
	Count      int        `json:"count"`
	Offset     int        `json:"offset"`
	HasMore    bool       `json:"has_more"`
	NextOffset *int       `json:"next_offset"`
	Note       string     `json:"note"`
}

// restIssue is an issue as the REST routes answer it.
type restIssue struct {
	ID              string  `json:"id"`
	Identifier      string  `json:"identifier"`
	Title           string  `json:"title"`
	Description     *string `json:"description"`
	Status          string  `json:"status"`
	Priority        string  `json:"priority"`
	AssigneeAgentID *string `json:"assigneeAgentId"`
	GoalID          *string `json:"goalId"`
	BillingCode     *string `json:"billingCode"`
	CheckoutRunID   *string `json:"checkoutRunId"`
	ExecutionRunID  *string `json:"executionRunId"`
	UpdatedAt       string  `json:"updatedAt"`
}

// issuesWorld is a company of its own with two agents whose runs sleep, so
// that a woken run stays live while the test checks out and releases.
type issuesWorld struct {
	CompanyID, Prefix string
	Worker, Other     string
}

func newIssuesWorld(t *testing.T) issuesWorld {
	t.Helper()
	a := newAPI(t)
	var company struct {
		ID          string `json:"id"`
		IssuePrefix string `json:"issuePrefix"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Issues IT " + randSuffix()}, &company)
	w := issuesWorld{CompanyID: company.ID, Prefix: company.IssuePrefix}
	for _, name := range []string{"worker", "other"} {
		var agent struct {
			ID string `json:"id"`
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/agents", map[string]any{
			"name": name + "-" + randSuffix(), "role": "engineer", "adapterType": "process",
			"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "sleep 90"}, "timeoutSec": 120},
		}, &agent)
		if name == "worker" {
			w.Worker = agent.ID
		} else {
			w.Other = agent.ID
		}
	}
	// Registered first, so it runs last: pausing cancels the agents' runs.
	t.Cleanup(func() {
		for _, id := range []string{w.Worker, w.Other} {
			a.raw(http.MethodPost, "/agents/"+id+"/pause", map[string]any{})
		}
	})
	return w
}

// assignedIssue creates an issue assigned to agentID in status todo, which is
// how an agent gets a live run for it: Paperclip wakes the assignee with the
// issue as the run's context and checks the issue out to that run. It
// returns the issue and the run, once running (cancelled at the end).
//
// Why not a plain wakeup: an agent's checkout and release need the id of a
// live run of that agent in X-Paperclip-Run-Id (none: 401 "Agent run id
// required"; a made-up UUID: 500, the run id is a foreign key), and its
// comments and updates need a run whose context is that issue (else 403
// "Cross-issue writes need a run to attribute them to"). A wakeup with
// payload.issueId for an issue not assigned to the agent is cancelled at
// once ("issue assignee changed before the queued run could start").
func assignedIssue(t *testing.T, w issuesWorld, agentID, title string) (restIssue, string) {
	t.Helper()
	a := newAPI(t)
	var is restIssue
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues",
		map[string]any{"title": title + " " + randSuffix(), "status": "todo", "assigneeAgentId": agentID}, &is)
	deadline := time.Now().Add(30 * time.Second)
	for {
		cur := restIssueGET(t, is.ID)
		if runID := deref(cur.ExecutionRunID); runID != "" {
			var run Run
			restGET(t, "/heartbeat-runs/"+runID, &run)
			// Paperclip marks the run running a moment before it writes
			// the issue's checkoutRunId: wait for both.
			if run.Status == "running" && deref(cur.CheckoutRunID) == runID {
				t.Cleanup(func() { a.raw(http.MethodPost, "/heartbeat-runs/"+runID+"/cancel", map[string]any{}) })
				require.Equal(t, agentID, run.AgentID)
				return cur, runID
			}
			require.False(t, terminalRunStatus[run.Status], "the assignment run ended before the test could use it: %s", run.Status)
		}
		require.True(t, time.Now().Before(deadline), "no running assignment run for %s", is.Identifier)
		time.Sleep(200 * time.Millisecond)
	}
}

func restIssueGET(t *testing.T, id string) restIssue {
	t.Helper()
	var r restIssue
	restGET(t, "/issues/"+id, &r)
	return r
}

func restIssueList(t *testing.T, companyID, query string) []restIssue {
	t.Helper()
	var rows []restIssue
	restGET(t, "/companies/"+companyID+"/issues?limit=1000"+query, &rows)
	return rows
}

func issueIDs[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// listAll pages through paperclip_list_issues and returns every item, and
// the last page.
func listAll(t *testing.T, call func(args map[string]any, out any), args map[string]any) ([]mcpIssue, mcpIssuePage) {
	t.Helper()
	var all []mcpIssue
	var last mcpIssuePage
	for offset, guard := 0, 0; ; guard++ {
		require.Less(t, guard, 100, "paging must end")
		a := map[string]any{"offset": offset}
		for k, v := range args {
			a[k] = v
		}
		var p mcpIssuePage
		call(a, &p)
		assert.Equal(t, len(p.Items), p.Count)
		all = append(all, p.Items...)
		last = p
		if p.NextOffset == nil {
			assert.False(t, p.HasMore)
			return all, last
		}
		require.True(t, p.HasMore)
		offset = *p.NextOffset
	}
}

func TestIssuesAgainstREST(t *testing.T) {
	requireServer(t)
	t.Parallel()
	w := newIssuesWorld(t)
	a := newAPI(t)
	board := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID})
	boardJSON := func(args map[string]any, out any) { callJSON(t, board, "paperclip_list_issues", args, out) }

	title := "Write the issue IT docs " + randSuffix()
	var created mcpIssue
	text := board.CallOK(t, "paperclip_create_issue", map[string]any{"title": title, "description": "All of them.", "status": "todo", "priority": "high"}, &created)
	require.True(t, created.Created, text)
	require.False(t, created.Deduplicated)
	assert.True(t, strings.HasPrefix(created.Identifier, w.Prefix+"-"), created.Identifier)
	assert.Contains(t, text, "## Created "+created.Identifier)

	t.Run("create and get agree with REST", func(t *testing.T) {
		r := restIssueGET(t, created.ID)
		assert.Equal(t, title, r.Title)
		assert.Equal(t, "todo", r.Status)
		assert.Equal(t, "high", r.Priority)
		assert.Equal(t, "All of them.", deref(r.Description))
		assert.Equal(t, created.Identifier, r.Identifier)
		for _, id := range []string{created.Identifier, strings.ToLower(created.Identifier), created.ID} {
			var got mcpIssue
			callJSON(t, board, "paperclip_get_issue", map[string]any{"issueId": id}, &got)
			assert.Equal(t, created.ID, got.ID, id)
			assert.Equal(t, w.CompanyID, got.CompanyID)
			assert.Equal(t, r.Status, got.Status)
		}
		md := board.CallOK(t, "paperclip_get_issue", map[string]any{"issueId": created.Identifier}, nil)
		assert.Contains(t, md, "## "+created.Identifier+" (`"+created.ID+"`): "+title)
		assert.Contains(t, md, "All of them.")
	})

	t.Run("unknown issue says where to look", func(t *testing.T) {
		for _, tool := range []string{"paperclip_get_issue", "paperclip_get_heartbeat_context"} {
			msg := board.CallErr(t, tool, map[string]any{"issueId": w.Prefix + "-99999"})
			assert.Contains(t, msg, "404 Issue not found", tool)
			assert.Contains(t, msg, "paperclip_list_issues", tool)
			assert.Contains(t, msg, "paperclip_get_inbox", tool)
		}
		msg := board.CallErr(t, "paperclip_get_issue", map[string]any{"issueId": "no such issue"})
		assert.Contains(t, msg, "issueId must match")
	})

	t.Run("update, comment and clear agree with REST", func(t *testing.T) {
		var up mcpIssue
		board.CallOK(t, "paperclip_update_issue", map[string]any{"issueId": created.Identifier, "status": "in_review", "priority": "low",
			"billingCode": "IT-1", "comment": "it: progress note"}, &up)
		assert.ElementsMatch(t, []string{"billingCode", "priority", "status"}, up.Changed)
		require.NotEmpty(t, up.CommentID)
		r := restIssueGET(t, created.ID)
		assert.Equal(t, "in_review", r.Status)
		assert.Equal(t, "low", r.Priority)
		assert.Equal(t, "IT-1", deref(r.BillingCode))
		var comments []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		}
		restGET(t, "/issues/"+created.ID+"/comments?order=asc", &comments)
		require.NotEmpty(t, comments)
		assert.Equal(t, up.CommentID, comments[len(comments)-1].ID)
		assert.Equal(t, "it: progress note", comments[len(comments)-1].Body)

		md := board.CallOK(t, "paperclip_update_issue", map[string]any{"issueId": created.ID, "clear": []any{"billingCode"}, "status": "todo"}, &up)
		assert.Contains(t, md, "- changed: billingCode, status")
		r = restIssueGET(t, created.ID)
		assert.Nil(t, r.BillingCode, "clear sent null")
		assert.Equal(t, "todo", r.Status)
	})

	t.Run("executionRunId is refused, and Paperclip itself would drop it", func(t *testing.T) {
		before := restIssueGET(t, created.ID)
		msg := board.CallErr(t, "paperclip_update_issue", map[string]any{"issueId": created.Identifier, "executionRunId": randomUUID()})
		assert.Contains(t, msg, "executionRunId and executionLockedAt cannot be set")
		assert.Contains(t, msg, "paperclip_release_issue issueId="+created.Identifier)
		assert.Contains(t, msg, "force-release")
		assert.Equal(t, before.UpdatedAt, restIssueGET(t, created.ID).UpdatedAt, "nothing was sent")

		// The surprise behind the refusal: the real PATCH answers 200 and
		// drops both keys without a word.
		var patched restIssue
		a.expect(http.StatusOK, http.MethodPatch, "/issues/"+created.ID, map[string]any{"executionRunId": randomUUID(), "executionLockedAt": "2026-01-01T00:00:00.000Z"}, &patched)
		assert.Nil(t, patched.ExecutionRunID, "executionRunId was dropped")
	})

	t.Run("same title twice returns the existing issue", func(t *testing.T) {
		var again mcpIssue
		md := board.CallOK(t, "paperclip_create_issue", map[string]any{"title": "  " + strings.ToUpper(title) + " "}, &again)
		assert.True(t, again.Deduplicated)
		assert.False(t, again.Created)
		assert.Equal(t, created.ID, again.ID, "the existing issue came back")
		assert.Equal(t, "recent_open_title", again.DeduplicationReason)
		assert.Contains(t, md, "## Not created: existing issue "+created.Identifier)
		assert.Contains(t, md, "allowDuplicate=true")
		n := 0
		for _, r := range restIssueList(t, w.CompanyID, "") {
			if strings.EqualFold(r.Title, title) {
				n++
			}
		}
		assert.Equal(t, 1, n, "REST: still one issue with that title")

		var forced mcpIssue
		board.CallOK(t, "paperclip_create_issue", map[string]any{"title": title, "allowDuplicate": true}, &forced)
		assert.True(t, forced.Created)
		assert.NotEqual(t, created.ID, forced.ID)
		assert.Equal(t, title, restIssueGET(t, forced.ID).Title)
	})

	// More issues for the lists: a few statuses, one assigned.
	for i, st := range []string{"todo", "backlog", "todo", "blocked", "done"} {
		var r restIssue
		body := map[string]any{"title": "List fodder " + randSuffix(), "status": st}
		if i == 2 {
			// In backlog: an assignment in todo would wake the agent, whose
			// run then changes the issue (and the list order) while we read.
			body["assigneeAgentId"], body["status"] = w.Other, "backlog"
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues", body, &r)
	}

	t.Run("list pages like REST", func(t *testing.T) {
		for _, tc := range []struct {
			args  map[string]any
			query string
		}{
			{map[string]any{"limit": 2}, ""},
			{map[string]any{"limit": 3, "status": "todo"}, "&status=todo"},
			{map[string]any{"limit": 1, "status": "todo,blocked"}, "&status=todo,blocked"},
			{map[string]any{"limit": 2, "assigneeAgentId": w.Other}, "&assigneeAgentId=" + w.Other},
			{map[string]any{"limit": 5, "q": "fodder"}, "&q=fodder"},
		} {
			rest := restIssueList(t, w.CompanyID, tc.query)
			items, last := listAll(t, boardJSON, tc.args)
			assert.Equal(t, issueIDs(rest, func(r restIssue) string { return r.ID }), issueIDs(items, func(m mcpIssue) string { return m.ID }), "%v", tc.args)
			require.NotNil(t, last.Total, "the last page knows the total: %v", tc.args)
			assert.Equal(t, len(rest), *last.Total)
		}
		var first mcpIssuePage
		boardJSON(map[string]any{"limit": 2}, &first)
		assert.Nil(t, first.Total, "a page that is not the last has no total: Paperclip gives none")
		assert.True(t, first.HasMore)
		md := board.CallOK(t, "paperclip_list_issues", map[string]any{"limit": 2}, nil)
		assert.Contains(t, md, "More: call paperclip_list_issues with offset=2")
		assert.Regexp(t, "- \\*\\*"+w.Prefix+"-\\d+\\*\\* `[0-9a-f-]{36}` · \\w+ · \\w+ · (unassigned|agent `[0-9a-f-]{36}`) · ", md)
	})

	t.Run("goalId is ignored by REST and filtered by the tool", func(t *testing.T) {
		var goal struct {
			ID string `json:"id"`
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/goals", map[string]any{"title": "IT goal " + randSuffix(), "level": "company"}, &goal)
		var withGoal restIssue
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues", map[string]any{"title": "Goal work " + randSuffix(), "goalId": goal.ID}, &withGoal)
		// Surprise: once the company has a goal, an issue created without a
		// goalId (and no project) is stored with the company's default goal.
		var noGoal restIssue
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues", map[string]any{"title": "No goal given " + randSuffix()}, &noGoal)
		assert.Equal(t, goal.ID, deref(noGoal.GoalID), "the default company goal was filled in")
		// Surprise: GET reports a goal for an older issue whose stored
		// goalId is null; the list row does not.
		assert.Equal(t, goal.ID, deref(restIssueGET(t, created.ID).GoalID), "GET infers the company goal")

		all := restIssueList(t, w.CompanyID, "")
		filtered := restIssueList(t, w.CompanyID, "&goalId="+goal.ID)
		assert.Equal(t, len(all), len(filtered), "REST ignores goalId")
		var want []string
		for _, r := range all {
			if deref(r.GoalID) == goal.ID {
				want = append(want, r.ID)
			}
			if r.ID == created.ID {
				assert.Nil(t, r.GoalID, "the list row keeps the stored goalId (null)")
			}
		}
		require.Len(t, want, 2)
		items, last := listAll(t, boardJSON, map[string]any{"goalId": goal.ID, "limit": 1})
		assert.Equal(t, want, issueIDs(items, func(m mcpIssue) string { return m.ID }))
		require.NotNil(t, last.Total)
		assert.Equal(t, 2, *last.Total)
		assert.Contains(t, last.Note, "Paperclip's list ignores it")
	})

	t.Run("the compact list view is cached by the server", func(t *testing.T) {
		// Why the tool never asks for view=compact: the server caches it
		// for two seconds, so a list right after a write misses the write.
		path := "/api/companies/" + w.CompanyID + "/issues?view=compact&limit=1000&q=cacheprobe"
		start := time.Now()
		get := func() (int, string) {
			req, err := http.NewRequest(http.MethodGet, apiURL(path), nil)
			require.NoError(t, err)
			resp, err := sharedHTTP.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var rows []restIssue
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&rows))
			return len(rows), resp.Header.Get("X-Paperclip-Request-Cache")
		}
		n0, _ := get()
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues", map[string]any{"title": "cacheprobe " + randSuffix()}, nil)
		n1, cache := get()
		if time.Since(start) < 1500*time.Millisecond {
			assert.Equal(t, "hit", cache)
			assert.Equal(t, n0, n1, "the cached compact list misses the new issue")
		}
		assert.Len(t, restIssueList(t, w.CompanyID, "&q=cacheprobe"), n0+1, "the full view is fresh")
	})

	t.Run("heartbeat context agrees with REST", func(t *testing.T) {
		var rest struct {
			Issue struct {
				ID         string `json:"id"`
				Identifier string `json:"identifier"`
				Status     string `json:"status"`
			} `json:"issue"`
			CommentCursor struct {
				TotalComments int `json:"totalComments"`
			} `json:"commentCursor"`
		}
		restGET(t, "/issues/"+created.ID+"/heartbeat-context", &rest)
		var hc struct {
			Issue        mcpIssue `json:"issue"`
			CommentCount int      `json:"commentCount"`
			Goal         *struct {
				ID string `json:"id"`
			} `json:"goal"`
		}
		callJSON(t, board, "paperclip_get_heartbeat_context", map[string]any{"issueId": created.Identifier}, &hc)
		assert.Equal(t, rest.Issue.ID, hc.Issue.ID)
		assert.Equal(t, rest.Issue.Identifier, hc.Issue.Identifier)
		assert.Equal(t, rest.Issue.Status, hc.Issue.Status)
		assert.Equal(t, rest.CommentCursor.TotalComments, hc.CommentCount)
		assert.GreaterOrEqual(t, hc.CommentCount, 1)
		md := board.CallOK(t, "paperclip_get_heartbeat_context", map[string]any{"issueId": created.ID}, nil)
		assert.Contains(t, md, "## Heartbeat context of "+created.Identifier)
		assert.Contains(t, md, "comments, latest `")
	})

	t.Run("checkout and release as an agent from a live run", func(t *testing.T) {
		target, runID := assignedIssue(t, w, w.Worker, "Checkout target")
		assert.Equal(t, runID, deref(target.CheckoutRunID), "Paperclip checked it out to the assignment run")
		workerKey := createAgentKey(t, w.Worker)
		otherKey := createAgentKey(t, w.Other)
		agentEnv := func(key, agentID, runID string) map[string]string {
			env := map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID, "PAPERCLIP_API_KEY": key, "PAPERCLIP_AGENT_ID": agentID}
			if runID != "" {
				env["PAPERCLIP_RUN_ID"] = runID
			}
			return env
		}

		// Without a run id: the real 401, explained.
		noRun := startMCP(t, agentEnv(workerKey, w.Worker, ""))
		msg := noRun.CallErr(t, "paperclip_checkout_issue", map[string]any{"issueId": target.Identifier})
		assert.Contains(t, msg, "401 Agent run id required")
		assert.Contains(t, msg, "PAPERCLIP_RUN_ID")
		assert.Equal(t, runID, deref(restIssueGET(t, target.ID).CheckoutRunID), "nothing changed")

		worker := startMCP(t, agentEnv(workerKey, w.Worker, runID))

		// An agent checks out only as itself.
		msg = worker.CallErr(t, "paperclip_checkout_issue", map[string]any{"issueId": target.Identifier, "agentId": w.Other})
		assert.Contains(t, msg, "403 Agent can only checkout as itself")

		var co mcpIssue
		md := worker.CallOK(t, "paperclip_checkout_issue", map[string]any{"issueId": target.Identifier}, &co)
		assert.Contains(t, md, "## Checked out "+target.Identifier)
		r := restIssueGET(t, target.ID)
		assert.Equal(t, "in_progress", r.Status)
		assert.Equal(t, w.Worker, deref(r.AssigneeAgentID), "PAPERCLIP_AGENT_ID was sent as agentId")
		assert.Equal(t, runID, deref(r.CheckoutRunID), "the run id went out as X-Paperclip-Run-Id")
		assert.Equal(t, co.CheckoutRunID, deref(r.CheckoutRunID))

		// Checking out again from the same run is no conflict.
		worker.CallOK(t, "paperclip_checkout_issue", map[string]any{"issueId": target.ID, "expectedStatuses": []any{"in_progress"}}, &co)

		// The board asking for another agent: the conflict names the holder.
		msg = board.CallErr(t, "paperclip_checkout_issue", map[string]any{"issueId": target.Identifier, "agentId": w.Other, "expectedStatuses": []any{"todo", "in_progress"}})
		assert.Contains(t, msg, "409 Issue checkout conflict")
		assert.Contains(t, msg, "agent `"+w.Worker+"`")
		assert.Contains(t, msg, "checkout run `"+runID+"`")
		assert.Contains(t, msg, "Another agent holds it")

		// Another agent releasing it: the real server answers the write lock
		// (not "Only assignee can release issue", which its release service
		// would say): the tool keeps Paperclip's words.
		other := startMCP(t, agentEnv(otherKey, w.Other, ""))
		msg = other.CallErr(t, "paperclip_release_issue", map[string]any{"issueId": target.Identifier})
		assert.Contains(t, msg, "409 Another agent's run owns this task")
		assert.Equal(t, w.Worker, deref(restIssueGET(t, target.ID).AssigneeAgentID), "still held")

		// The holder comments from its run; the comment carries the run.
		var up mcpIssue
		worker.CallOK(t, "paperclip_update_issue", map[string]any{"issueId": target.Identifier, "comment": "it: working on it"}, &up)
		require.NotEmpty(t, up.CommentID)
		var comment struct {
			CreatedByRunID *string `json:"createdByRunId"`
			AuthorAgentID  *string `json:"authorAgentId"`
		}
		restGET(t, "/issues/"+target.ID+"/comments/"+up.CommentID, &comment)
		assert.Equal(t, runID, deref(comment.CreatedByRunID))
		assert.Equal(t, w.Worker, deref(comment.AuthorAgentID))

		var rel mcpIssue
		md = worker.CallOK(t, "paperclip_release_issue", map[string]any{"issueId": target.Identifier}, &rel)
		assert.Contains(t, md, "## Released "+target.Identifier)
		assert.Contains(t, md, "now todo, unassigned")
		r = restIssueGET(t, target.ID)
		assert.Equal(t, "todo", r.Status, "in_progress went back to todo")
		assert.Nil(t, r.AssigneeAgentID)
		assert.Nil(t, r.CheckoutRunID)
		assert.Nil(t, r.ExecutionRunID)

		// Agent keys read issues too (no issue tool is board only).
		var p mcpIssuePage
		callJSON(t, worker, "paperclip_list_issues", map[string]any{"limit": 100}, &p)
		var rest []restIssue
		a.as(workerKey).do(http.MethodGet, "/companies/"+w.CompanyID+"/issues?limit=101", nil, &rest)
		assert.Equal(t, issueIDs(rest, func(r restIssue) string { return r.ID })[:min(100, len(rest))], issueIDs(p.Items, func(m mcpIssue) string { return m.ID }))
	})

	t.Run("a finished run no longer holds the checkout", func(t *testing.T) {
		// Written down from the real server: once the run that checked an
		// issue out has ended, that run id cannot release it (409 Issue run
		// ownership conflict): a live run must take it over first.
		target, runID := assignedIssue(t, w, w.Worker, "Stale run")
		key := createAgentKey(t, w.Worker)
		worker := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID, "PAPERCLIP_API_KEY": key,
			"PAPERCLIP_AGENT_ID": w.Worker, "PAPERCLIP_RUN_ID": runID})
		worker.CallOK(t, "paperclip_checkout_issue", map[string]any{"issueId": target.Identifier}, nil)
		a.do(http.MethodPost, "/heartbeat-runs/"+runID+"/cancel", map[string]any{}, nil)
		deadline := time.Now().Add(20 * time.Second)
		for {
			var run Run
			restGET(t, "/heartbeat-runs/"+runID, &run)
			if terminalRunStatus[run.Status] {
				break
			}
			require.True(t, time.Now().Before(deadline), "run did not stop")
			time.Sleep(200 * time.Millisecond)
		}
		// Paperclip's own handling of the ended run may move the issue on
		// (seen: to blocked, a moment after the cancel): wait until its status
		// holds still, so that "nothing changed" is about the tool alone.
		before := restIssueGET(t, target.ID).Status
		for settle := time.Now().Add(6 * time.Second); time.Now().Before(settle); {
			time.Sleep(1500 * time.Millisecond)
			now := restIssueGET(t, target.ID).Status
			if now == before {
				break
			}
			before = now
		}
		msg := worker.CallErr(t, "paperclip_release_issue", map[string]any{"issueId": target.Identifier})
		assert.Contains(t, msg, "409 Issue run ownership conflict")
		assert.Contains(t, msg, "the run id sent is `"+runID+"`")
		assert.Contains(t, msg, `expectedStatuses including "in_progress"`)
		assert.Equal(t, before, restIssueGET(t, target.ID).Status, "nothing changed")

		// The board may release it.
		var rel mcpIssue
		board.CallOK(t, "paperclip_release_issue", map[string]any{"issueId": target.ID}, &rel)
		if before == "in_progress" {
			assert.Equal(t, "todo", rel.Status)
		}
		assert.Nil(t, restIssueGET(t, target.ID).AssigneeAgentID)
	})

	t.Run("a run woken without an issue cannot write to issues", func(t *testing.T) {
		// Written down from the real server: an agent's comment or update is
		// attributed to its run, and a run whose context names no issue (a
		// plain wakeup) is refused with 403, even on an unassigned issue.
		var run Run
		a.expect(http.StatusAccepted, http.MethodPost, "/agents/"+w.Other+"/wakeup", map[string]any{"source": "on_demand", "reason": "it: no issue"}, &run)
		require.NotEmpty(t, run.ID)
		t.Cleanup(func() { a.raw(http.MethodPost, "/heartbeat-runs/"+run.ID+"/cancel", map[string]any{}) })
		other := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "all", "PAPERCLIP_COMPANY_ID": w.CompanyID,
			"PAPERCLIP_API_KEY": createAgentKey(t, w.Other), "PAPERCLIP_AGENT_ID": w.Other, "PAPERCLIP_RUN_ID": run.ID})
		var comments []struct {
			ID string `json:"id"`
		}
		restGET(t, "/issues/"+created.ID+"/comments", &comments)
		msg := other.CallErr(t, "paperclip_update_issue", map[string]any{"issueId": created.Identifier, "comment": "it: from a run without an issue"})
		assert.Contains(t, msg, "403 Cross-issue writes need a run")
		assert.Contains(t, msg, "PAPERCLIP_RUN_ID must be a run of this agent that Paperclip started for an issue")
		var after []struct {
			ID string `json:"id"`
		}
		restGET(t, "/issues/"+created.ID+"/comments", &after)
		assert.Len(t, after, len(comments), "no comment was added")
	})

	t.Run("refusals send nothing", func(t *testing.T) {
		before := restIssueList(t, w.CompanyID, "")
		for _, tc := range []struct {
			tool string
			args map[string]any
			want string
		}{
			{"paperclip_create_issue", map[string]any{"title": "x", "status": "open"}, "status must be one of backlog"},
			{"paperclip_create_issue", map[string]any{"title": "x", "priority": "urgent"}, "priority must be one of critical"},
			{"paperclip_create_issue", map[string]any{"title": "x", "labelIds": []any{"bug"}}, "labelIds[0] must be a UUID"},
			{"paperclip_checkout_issue", map[string]any{"issueId": created.Identifier, "agentId": w.Worker, "expectedStatuses": []any{"open"}}, "expectedStatuses[0] must be one of"},
			{"paperclip_checkout_issue", map[string]any{"issueId": created.Identifier}, "agentId is required"},
			{"paperclip_list_issues", map[string]any{"assigneeAgentId": "worker"}, "assigneeAgentId must be a UUID"},
			{"paperclip_list_issues", map[string]any{"status": "open"}, `status "open" is not a status`},
		} {
			msg := board.CallErr(t, tc.tool, tc.args)
			assert.Contains(t, msg, tc.want, "%s %v", tc.tool, tc.args)
		}
		after := restIssueList(t, w.CompanyID, "")
		ids := func(rs []restIssue) []string {
			out := issueIDs(rs, func(r restIssue) string { return r.ID })
			sort.Strings(out)
			return out
		}
		assert.Equal(t, ids(before), ids(after))
	})
}
