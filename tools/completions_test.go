package tools

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// completionWorld is what the stub serves: companies, and per company its
// agents, runs (newest first) and issues, answered the way Paperclip does
// (a bare array; limit honoured; q matching identifier, title and
// description, case-insensitively).
type completionWorld struct {
	mu        sync.Mutex
	companies []client.Company
	agents    map[string][]client.Agent
	runs      map[string][]client.Run
	issues    map[string][]client.Issue
	// me, when set, is the agent the key belongs to: the company list
	// answers 403 and GET /api/agents/me answers me, as for an agent key.
	me *client.Agent
}

const (
	betaCompany  = "beb00000-2222-4333-8444-555555555555"
	gammaCompany = "9a33a000-2222-4333-8444-555555555555"
)

func completionID(prefix string, i int) string {
	return fmt.Sprintf("%s-0000-4000-8000-%012d", prefix, i)
}

func newCompletionWorld() *completionWorld {
	w := &completionWorld{
		companies: []client.Company{
			{ID: testCompany, Name: "Acme Robotics", IssuePrefix: "ACM", Status: "active"},
			{ID: betaCompany, Name: "Beta Labs", IssuePrefix: "BET", Status: "active"},
			{ID: gammaCompany, Name: "Gamma Works", IssuePrefix: "GAM", Status: "active"},
		},
		agents: map[string][]client.Agent{}, runs: map[string][]client.Run{}, issues: map[string][]client.Issue{},
	}
	// Unsorted on purpose: completion offers agents by name.
	w.agents[testCompany] = []client.Agent{
		{ID: completionID("ca201000", 3), CompanyID: testCompany, Name: "Carol"},
		{ID: completionID("a11ce000", 1), CompanyID: testCompany, Name: "Alice Builder"},
		{ID: completionID("b0b00000", 2), CompanyID: testCompany, Name: "Bob Fixer"},
	}
	w.agents[betaCompany] = []client.Agent{{ID: completionID("de1a0000", 4), CompanyID: betaCompany, Name: "Delta"}}
	w.agents[gammaCompany] = []client.Agent{{ID: completionID("e0e00000", 5), CompanyID: gammaCompany, Name: "Echo"}}
	// 12 runs, newest first: run i by Alice (odd) or Bob (even); every third failed.
	for i := 12; i >= 1; i-- {
		agent := w.agents[testCompany][1]
		if i%2 == 0 {
			agent = w.agents[testCompany][2]
		}
		status := "succeeded"
		if i%3 == 0 {
			status = "failed"
		}
		w.runs[testCompany] = append(w.runs[testCompany], client.Run{ID: completionID(fmt.Sprintf("%08x", 0x10000000+i), i),
			CompanyID: testCompany, AgentID: agent.ID, Status: status, CreatedAt: time.Date(2026, 12, 1, 10, i, 0, 0, time.UTC).Format(time.RFC3339)})
	}
	w.runs[betaCompany] = []client.Run{{ID: completionID("be7a0000", 1), CompanyID: betaCompany, AgentID: w.agents[betaCompany][0].ID, Status: "failed"}}
	titles := []string{"Fix login", "Write docs", "Ship the release", "Login page copy", "Refactor billing", "Triage bugs",
		"Plan Q3", "Hire a designer", "Fix flaky test", "Update deps", "Audit logs", "Customer call notes"}
	for i := 12; i >= 1; i-- {
		ident := fmt.Sprintf("ACM-%d", i)
		desc := "nothing special"
		if i == 7 {
			desc = "mentions a zebra"
		}
		w.issues[testCompany] = append(w.issues[testCompany], client.Issue{ID: completionID(fmt.Sprintf("%08x", 0x15500000+i), i),
			CompanyID: testCompany, Identifier: &ident, Title: titles[i-1], Description: &desc, Status: "todo", Priority: "medium"})
	}
	return w
}

// serve registers the world's routes on st.
func (w *completionWorld) serve(st *stub) {
	limitOf := func(r *http.Request, all int) int {
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
			return min(n, all)
		}
		return all
	}
	st.handle("GET /api/companies", func(rw http.ResponseWriter, _ *http.Request, _ []byte) {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.me != nil {
			writeJSON(rw, 403, map[string]any{"error": "Board access required"})
			return
		}
		writeJSON(rw, 200, w.companies)
	})
	st.handle("GET /api/agents/me", func(rw http.ResponseWriter, _ *http.Request, _ []byte) {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.me == nil {
			writeJSON(rw, 401, map[string]any{"error": "Agent authentication required"})
			return
		}
		writeJSON(rw, 200, w.me)
	})
	st.handle("GET /api/companies/{companyId}/agents", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		w.mu.Lock()
		defer w.mu.Unlock()
		writeJSON(rw, 200, append([]client.Agent{}, w.agents[r.PathValue("companyId")]...))
	})
	st.handle("GET /api/companies/{companyId}/heartbeat-runs", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		w.mu.Lock()
		defer w.mu.Unlock()
		out := []client.Run{}
		for _, run := range w.runs[r.PathValue("companyId")] {
			if a := r.URL.Query().Get("agentId"); a == "" || a == run.AgentID {
				out = append(out, run)
			}
		}
		writeJSON(rw, 200, out[:limitOf(r, len(out))])
	})
	st.handle("GET /api/companies/{companyId}/issues", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		w.mu.Lock()
		defer w.mu.Unlock()
		q := strings.ToLower(r.URL.Query().Get("q"))
		out := []client.Issue{}
		for _, i := range w.issues[r.PathValue("companyId")] {
			text := strings.ToLower(str(i.Identifier) + " " + i.Title + " " + str(i.Description))
			if q == "" || strings.Contains(text, q) {
				out = append(out, i)
			}
		}
		writeJSON(rw, 200, out[:limitOf(r, len(out))])
	})
}

// completionServer serves w and returns an in-process client, the stub (for
// its requests) and the logs.
func completionServer(t *testing.T, w *completionWorld, tune func(*Deps)) (*mcpclient.Client, *stub, *syncLog) {
	t.Helper()
	st := newStub(t)
	w.serve(st)
	d := st.deps(client.Config{})
	logs := &syncLog{}
	d.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if tune != nil {
		tune(d)
	}
	return promptServer(t, d, Registry()), st, logs
}

func completePrompt(t *testing.T, c *mcpclient.Client, prompt, arg, value string, ctxArgs map[string]string) mcp.Completion {
	t.Helper()
	res, err := c.Complete(context.Background(), mcp.CompleteRequest{Params: mcp.CompleteParams{
		Ref:      mcp.PromptReference{Type: "ref/prompt", Name: prompt},
		Argument: mcp.CompleteArgument{Name: arg, Value: value},
		Context:  mcp.CompleteContext{Arguments: ctxArgs},
	}})
	require.NoError(t, err, "completion never answers a protocol error")
	require.NotNil(t, res.Completion.Values)
	assert.LessOrEqual(t, len(res.Completion.Values), 100)
	return res.Completion
}

func completeResource(t *testing.T, c *mcpclient.Client, uri, arg, value string) mcp.Completion {
	t.Helper()
	res, err := c.Complete(context.Background(), mcp.CompleteRequest{Params: mcp.CompleteParams{
		Ref:      mcp.ResourceReference{Type: "ref/resource", URI: uri},
		Argument: mcp.CompleteArgument{Name: arg, Value: value},
	}})
	require.NoError(t, err, "completion never answers a protocol error")
	require.NotNil(t, res.Completion.Values)
	assert.LessOrEqual(t, len(res.Completion.Values), 100)
	return res.Completion
}

// requestsTo counts the stub's requests whose path ends with suffix.
func requestsTo(st *stub, suffix string) int {
	n := 0
	for _, r := range st.requests() {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func TestCompleteAgents(t *testing.T) {
	w := newCompletionWorld()
	c, st, _ := completionServer(t, w, nil)
	alice, bob, carol := w.agents[testCompany][1].ID, w.agents[testCompany][2].ID, w.agents[testCompany][0].ID

	all := completePrompt(t, c, "triage-my-inbox", "agentId", "", nil)
	assert.Equal(t, []string{alice, bob, carol}, all.Values, "every agent of the configured company, by name")
	assert.Equal(t, 3, all.Total)
	assert.False(t, all.HasMore)

	for _, tc := range []struct{ typed, want string }{
		{bob[:4], bob},       // id prefix
		{"B0B0", bob},        // id prefix, any case
		{"fix", bob},         // part of the name
		{"BUILD", alice},     // any case
		{"ca20", carol},      // id prefix
		{alice[:12], alice},  // longer id prefix
		{" Carol ", carol},   // spaces around
		{"car", carol},       // name start
		{"a11ce000-", alice}, // with the dash
	} {
		got := completePrompt(t, c, "debug-failed-run", "agentId", tc.typed, nil)
		assert.Equal(t, []string{tc.want}, got.Values, "typed %q", tc.typed)
		assert.Equal(t, 1, got.Total, "typed %q", tc.typed)
	}
	none := completePrompt(t, c, "triage-my-inbox", "agentId", "zz", nil)
	assert.Empty(t, none.Values)
	assert.Zero(t, none.Total)
	assert.False(t, none.HasMore)

	// "a" starts Alice's id and is in Carol's and Alice's names: id matches first.
	a := completePrompt(t, c, "triage-my-inbox", "agentId", "a", nil)
	assert.Equal(t, []string{alice, carol}, a.Values)

	res := completeResource(t, c, "paperclip://agents/{agentId}", "agentId", "bob")
	assert.Equal(t, []string{bob}, res.Values)

	assert.Equal(t, 1, requestsTo(st, "/companies/"+testCompany+"/agents"), "one request for the whole burst: the list is kept a few seconds")
}

func TestCompleteRuns(t *testing.T) {
	w := newCompletionWorld()
	c, st, _ := completionServer(t, w, nil)
	runs := w.runs[testCompany]
	ids := func(keep func(client.Run) bool) []string {
		out := []string{}
		for _, r := range runs {
			if keep(r) {
				out = append(out, r.ID)
			}
		}
		return out
	}
	failed := func(r client.Run) bool { return r.Status == "failed" }

	// debug-failed-run offers the failed runs first, each group newest first.
	got := completePrompt(t, c, "debug-failed-run", "runId", "", nil)
	want := append(ids(failed), ids(func(r client.Run) bool { return !failed(r) })...)
	assert.Equal(t, want, got.Values)
	assert.Equal(t, 12, got.Total)
	assert.False(t, got.HasMore)

	// A resource template: newest first, by id prefix, by agent name, by status.
	for _, uri := range []string{"paperclip://runs/{runId}", "paperclip://runs/{runId}/events", "paperclip://runs/{runId}/log{?offset,limitBytes}"} {
		all := completeResource(t, c, uri, "runId", "")
		assert.Equal(t, ids(func(client.Run) bool { return true }), all.Values, uri)
		one := completeResource(t, c, uri, "runId", runs[4].ID[:8])
		assert.Equal(t, []string{runs[4].ID}, one.Values, uri)
	}
	alice := w.agents[testCompany][1].ID
	byName := completeResource(t, c, "paperclip://runs/{runId}", "runId", "alice")
	assert.Equal(t, ids(func(r client.Run) bool { return r.AgentID == alice }), byName.Values, "runs of the agent named Alice")
	byStatus := completeResource(t, c, "paperclip://runs/{runId}", "runId", "FAIL")
	assert.Equal(t, ids(failed), byStatus.Values)

	// The agentId already given narrows the runs to that agent (Paperclip filters).
	narrowed := completePrompt(t, c, "debug-failed-run", "runId", "", map[string]string{"agentId": alice})
	assert.Equal(t, append(ids(func(r client.Run) bool { return r.AgentID == alice && failed(r) }),
		ids(func(r client.Run) bool { return r.AgentID == alice && !failed(r) })...), narrowed.Values)
	var sawAgent bool
	for _, r := range st.requests() {
		if strings.HasSuffix(r.Path, "/heartbeat-runs") {
			assert.Equal(t, []string{strconv.Itoa(completionRuns)}, r.Query["limit"], "a limit is always sent")
			sawAgent = sawAgent || url.Values(r.Query).Get("agentId") == alice
		}
	}
	assert.True(t, sawAgent)
}

func TestCompleteIssues(t *testing.T) {
	w := newCompletionWorld()
	c, st, _ := completionServer(t, w, nil)
	issues := w.issues[testCompany]
	byIdent := map[string]client.Issue{}
	for _, i := range issues {
		byIdent[*i.Identifier] = i
	}
	const uri = "paperclip://issues/{issueId}"

	all := completeResource(t, c, uri, "issueId", "")
	require.Len(t, all.Values, 12)
	assert.Equal(t, "ACM-12", all.Values[0], "the list's order, identifiers offered")
	assert.Equal(t, 12, all.Total)

	for _, tc := range []struct {
		typed string
		want  []string
	}{
		{"acm-1", []string{"ACM-1", "ACM-12", "ACM-11", "ACM-10"}}, // the identifier itself first, then by prefix, any case
		{"ACM-7", []string{"ACM-7"}},
		{"login", []string{"ACM-4", "ACM-1"}},        // title
		{"zebra", []string{}},                        // only in a description: not offered
		{byIdent["ACM-3"].ID[:9], []string{"ACM-3"}}, // id prefix
		{strings.ToUpper(byIdent["ACM-9"].ID[:10]), []string{"ACM-9"}},
		{"nothing", []string{}},
	} {
		got := completeResource(t, c, uri, "issueId", tc.typed)
		assert.Equal(t, tc.want, got.Values, "typed %q", tc.typed)
		assert.Equal(t, len(tc.want), got.Total, "typed %q", tc.typed)
		assert.False(t, got.HasMore, "typed %q", tc.typed)
	}
	var searched bool
	for _, r := range st.requests() {
		if url.Values(r.Query).Get("q") == "login" {
			searched = true
			assert.Equal(t, "101", url.Values(r.Query).Get("limit"), "Paperclip's search, bounded")
		}
	}
	assert.True(t, searched, "titles and identifiers are searched by Paperclip (q), not only in a window")
}

func TestCompleteCompanies(t *testing.T) {
	w := newCompletionWorld()
	c, st, _ := completionServer(t, w, nil)
	for _, prompt := range []string{"review-pending-approvals", "debug-failed-run", "push-company-to-cloud", "triage-my-inbox"} {
		all := completePrompt(t, c, prompt, "companyId", "", nil)
		assert.Equal(t, []string{testCompany, betaCompany, gammaCompany}, all.Values, prompt)
		assert.Equal(t, 3, all.Total)
	}
	for _, tc := range []struct{ typed, want string }{
		{"beta", betaCompany}, {"WORKS", gammaCompany}, {"9a33", gammaCompany}, {"bet", betaCompany}, {"acm", testCompany},
	} {
		got := completePrompt(t, c, "review-pending-approvals", "companyId", tc.typed, nil)
		assert.Equal(t, []string{tc.want}, got.Values, "typed %q", tc.typed)
	}
	assert.Equal(t, 1, requestsTo(st, "/api/companies"))
}

func TestCompleteCompanyScope(t *testing.T) {
	w := newCompletionWorld()

	// The companyId already filled in wins over PAPERCLIP_COMPANY_ID.
	c, st, _ := completionServer(t, w, nil)
	got := completePrompt(t, c, "debug-failed-run", "agentId", "", map[string]string{"companyId": betaCompany})
	assert.Equal(t, []string{w.agents[betaCompany][0].ID}, got.Values)
	got = completePrompt(t, c, "debug-failed-run", "runId", "", map[string]string{"companyId": betaCompany})
	assert.Equal(t, []string{w.runs[betaCompany][0].ID}, got.Values)
	// A companyId still being typed is not a company yet: the default applies.
	got = completePrompt(t, c, "triage-my-inbox", "agentId", "delta", map[string]string{"companyId": "beb0"})
	assert.Empty(t, got.Values)
	assert.Zero(t, requestsTo(st, "/api/companies"), "a known company needs no company list")

	// Without any company: the companies the key sees.
	c, st, _ = completionServer(t, w, func(d *Deps) { d.CompanyID = "" })
	got = completePrompt(t, c, "triage-my-inbox", "agentId", "", nil)
	var want []string
	for _, co := range w.companies {
		agents := append([]client.Agent{}, w.agents[co.ID]...)
		sort.Slice(agents, func(i, j int) bool { return agents[i].Name < agents[j].Name })
		for _, a := range agents {
			want = append(want, a.ID)
		}
	}
	assert.Equal(t, want, got.Values, "the agents of every company, company by company")
	assert.Equal(t, 5, got.Total)
	assert.Equal(t, 1, requestsTo(st, "/api/companies"))
	assert.Zero(t, requestsTo(st, "/api/agents/me"), "a board lists its companies")

	// An agent key without PAPERCLIP_COMPANY_ID may not list companies: its own company.
	w.me = &w.agents[betaCompany][0]
	c, st, _ = completionServer(t, w, func(d *Deps) { d.CompanyID = "" })
	got = completePrompt(t, c, "triage-my-inbox", "agentId", "", nil)
	assert.Equal(t, []string{w.agents[betaCompany][0].ID}, got.Values)
	got = completePrompt(t, c, "debug-failed-run", "companyId", "", nil)
	assert.Equal(t, []string{betaCompany}, got.Values)
	assert.Equal(t, 1, requestsTo(st, "/api/companies"), "the 403 is kept like an answer")
	assert.Equal(t, 1, requestsTo(st, "/api/agents/me"), "and so is the agent's company")
}

func TestCompleteBounded(t *testing.T) {
	w := newCompletionWorld()
	w.agents[testCompany] = nil
	w.runs[testCompany] = nil
	w.issues[testCompany] = nil
	for i := 1; i <= 150; i++ {
		w.agents[testCompany] = append(w.agents[testCompany], client.Agent{ID: completionID(fmt.Sprintf("%08x", 0xa0000000+i), i), CompanyID: testCompany, Name: fmt.Sprintf("worker %03d", i)})
		ident := fmt.Sprintf("ACM-%d", i)
		w.issues[testCompany] = append(w.issues[testCompany], client.Issue{ID: completionID(fmt.Sprintf("%08x", 0xc0000000+i), i), Identifier: &ident, Title: fmt.Sprintf("task %d", i)})
	}
	for i := 1; i <= 250; i++ {
		w.runs[testCompany] = append(w.runs[testCompany], client.Run{ID: completionID(fmt.Sprintf("%08x", 0xb0000000+i), i), CompanyID: testCompany, Status: "succeeded"})
	}
	c, st, _ := completionServer(t, w, nil)

	agents := completePrompt(t, c, "triage-my-inbox", "agentId", "worker", nil)
	assert.Len(t, agents.Values, 100)
	assert.Equal(t, 150, agents.Total, "the agent list is whole: its total is exact")
	assert.True(t, agents.HasMore)
	assert.Equal(t, w.agents[testCompany][0].ID, agents.Values[0])
	some := completePrompt(t, c, "triage-my-inbox", "agentId", "worker 14", nil)
	assert.Len(t, some.Values, 10) // 140..149
	assert.Equal(t, 10, some.Total)
	assert.False(t, some.HasMore)

	runs := completePrompt(t, c, "debug-failed-run", "runId", "", nil)
	assert.Len(t, runs.Values, 100)
	assert.Zero(t, runs.Total, "only the newest runs are read: the total is unknown")
	assert.True(t, runs.HasMore)
	few := completePrompt(t, c, "debug-failed-run", "runId", w.runs[testCompany][3].ID[:8], nil)
	assert.Equal(t, []string{w.runs[testCompany][3].ID}, few.Values)
	assert.True(t, few.HasMore, "older runs were not read: more may match")

	issues := completeResource(t, c, "paperclip://issues/{issueId}", "issueId", "task")
	assert.Len(t, issues.Values, 100)
	assert.Zero(t, issues.Total)
	assert.True(t, issues.HasMore, "Paperclip's search found more than 100")
	one := completeResource(t, c, "paperclip://issues/{issueId}", "issueId", "task 149")
	assert.Equal(t, []string{"ACM-149"}, one.Values)
	assert.False(t, one.HasMore)

	for _, r := range st.requests() {
		if strings.HasSuffix(r.Path, "/heartbeat-runs") || strings.HasSuffix(r.Path, "/issues") {
			n, err := strconv.Atoi(url.Values(r.Query).Get("limit"))
			require.NoError(t, err, "%s: a limit is always sent", r.Path)
			assert.LessOrEqual(t, n, 500)
		}
	}
}

func TestCompleteUnknownArgument(t *testing.T) {
	c, st, _ := completionServer(t, newCompletionWorld(), nil)
	for _, tc := range []struct{ prompt, arg string }{
		{"push-company-to-cloud", "remoteUrl"},
		{"push-company-to-cloud", "connectionId"},
		{"review-pending-approvals", "agentId"}, // not an argument of this prompt
		{"no-such-prompt", "agentId"},
		{"debug-failed-run", "issueId"},
	} {
		got := completePrompt(t, c, tc.prompt, tc.arg, "a", nil)
		assert.Empty(t, got.Values, "%s %s", tc.prompt, tc.arg)
		assert.False(t, got.HasMore)
	}
	for _, tc := range []struct{ uri, arg string }{
		{"paperclip://runs/{runId}/log{?offset,limitBytes}", "offset"},
		{"paperclip://runs/{runId}/log{?offset,limitBytes}", "limitBytes"},
		{"paperclip://issues/{issueId}", "runId"}, // not a parameter of this template
		{"file:///tmp/{runId}", "runId"},
		{"paperclip://runs/{runId}", "nope"},
	} {
		got := completeResource(t, c, tc.uri, tc.arg, "1")
		assert.Empty(t, got.Values, "%s %s", tc.uri, tc.arg)
	}
	assert.Empty(t, st.requests(), "nothing to complete, nothing sent")
}

func TestCompletePaperclipDown(t *testing.T) {
	t.Run("no server", func(t *testing.T) {
		cl, err := client.New(client.Config{BaseURL: closedPort(t), Retries: -1})
		require.NoError(t, err)
		logs := &syncLog{}
		d := &Deps{Client: cl, CompanyID: testCompany, Logger: slog.New(slog.NewTextHandler(logs, nil))}
		c := promptServer(t, d, Registry())
		for _, arg := range []string{"runId", "agentId", "companyId"} {
			got := completePrompt(t, c, "debug-failed-run", arg, "", nil)
			assert.Empty(t, got.Values, arg)
		}
		got := completeResource(t, c, "paperclip://issues/{issueId}", "issueId", "ACM")
		assert.Empty(t, got.Values)
		assert.Contains(t, logs.String(), "completion: Paperclip did not answer")
		assert.Contains(t, logs.String(), "argument=runId")
		assert.Contains(t, logs.String(), "argument=issueId")
	})
	t.Run("errors", func(t *testing.T) {
		st := newStub(t)
		st.reply("GET /api/companies/{companyId}/agents", 500, map[string]any{"error": "Internal server error"})
		st.reply("GET /api/companies", 403, map[string]any{"error": "Board access required"})
		d := st.deps(client.Config{})
		logs := &syncLog{}
		d.Logger = slog.New(slog.NewTextHandler(logs, nil))
		c := promptServer(t, d, Registry())
		got := completePrompt(t, c, "triage-my-inbox", "agentId", "", nil)
		assert.Empty(t, got.Values)
		assert.Contains(t, logs.String(), "Internal server error")
		// An agent key cannot list companies: it is offered its own.
		got = completePrompt(t, c, "triage-my-inbox", "companyId", "", nil)
		assert.Equal(t, []string{testCompany}, got.Values)
		assert.False(t, got.HasMore)
	})
	t.Run("too slow", func(t *testing.T) {
		defer func(old time.Duration) { completionTimeout = old }(completionTimeout)
		completionTimeout = 200 * time.Millisecond
		st := newStub(t)
		release := make(chan struct{})
		st.handle("GET /api/companies/{companyId}/agents", func(w http.ResponseWriter, r *http.Request, _ []byte) {
			select {
			case <-release:
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			writeJSON(w, 200, []client.Agent{})
		})
		defer close(release)
		d := st.deps(client.Config{})
		logs := &syncLog{}
		d.Logger = slog.New(slog.NewTextHandler(logs, nil))
		c := promptServer(t, d, Registry())
		start := time.Now()
		got := completePrompt(t, c, "triage-my-inbox", "agentId", "", nil)
		assert.Empty(t, got.Values)
		assert.Less(t, time.Since(start), 2*time.Second, "a completion is bounded in time")
		assert.Contains(t, logs.String(), "completion: Paperclip did not answer")
	})
}

func TestCompleteCache(t *testing.T) {
	defer func(old time.Duration) { completionTTL = old }(completionTTL)
	completionTTL = 300 * time.Millisecond
	w := newCompletionWorld()
	st := newStub(t)
	var agentCalls atomic.Int32
	st.handle("GET /api/companies/{companyId}/agents", func(rw http.ResponseWriter, r *http.Request, _ []byte) {
		agentCalls.Add(1)
		time.Sleep(100 * time.Millisecond)
		w.mu.Lock()
		defer w.mu.Unlock()
		writeJSON(rw, 200, w.agents[r.PathValue("companyId")])
	})
	c := promptServer(t, st.deps(client.Config{}), Registry())

	// Key strokes at once share one read.
	var wg sync.WaitGroup
	for _, typed := range []string{"", "a", "al", "ali", "alic"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Complete(context.Background(), mcp.CompleteRequest{Params: mcp.CompleteParams{
				Ref: mcp.PromptReference{Type: "ref/prompt", Name: "triage-my-inbox"}, Argument: mcp.CompleteArgument{Name: "agentId", Value: typed}}})
			if assert.NoError(t, err) {
				assert.NotEmpty(t, res.Completion.Values, typed)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), agentCalls.Load())
	completePrompt(t, c, "triage-my-inbox", "agentId", "b", nil)
	assert.Equal(t, int32(1), agentCalls.Load(), "kept for a few seconds")

	// An agent hired since is seen once the kept list is stale.
	w.mu.Lock()
	w.agents[testCompany] = append(w.agents[testCompany], client.Agent{ID: completionID("f0f00000", 9), CompanyID: testCompany, Name: "Foxtrot"})
	w.mu.Unlock()
	time.Sleep(completionTTL + 50*time.Millisecond)
	got := completePrompt(t, c, "triage-my-inbox", "agentId", "fox", nil)
	assert.Equal(t, []string{completionID("f0f00000", 9)}, got.Values)
	assert.Equal(t, int32(2), agentCalls.Load())
}
