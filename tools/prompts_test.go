package tools

import (
	"context"
	"regexp"
	"strings"
	"testing"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// promptServer is an in-process client of a server built as cmd builds it
// (hooks, the extras' options, the tools of served and the extras), bound to d.
func promptServer(t *testing.T, d *Deps, served []Tool) *mcpclient.Client {
	t.Helper()
	c, _, init := cmdClient(t, d, served)
	require.NotNil(t, init.Capabilities.Prompts, "the prompts capability is declared")
	require.NotNil(t, init.Capabilities.Completions, "the completions capability is declared")
	return c
}

// getPrompt gets a prompt and returns its one user message's text.
func getPrompt(t *testing.T, c *mcpclient.Client, name string, args map[string]string) string {
	t.Helper()
	res, err := c.GetPrompt(context.Background(), mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: name, Arguments: args}})
	require.NoError(t, err, "%s %v", name, args)
	require.NotEmpty(t, res.Description)
	require.Len(t, res.Messages, 1)
	assert.Equal(t, mcp.RoleUser, res.Messages[0].Role)
	tc, ok := mcp.AsTextContent(res.Messages[0].Content)
	require.True(t, ok, "a text message")
	require.NotEmpty(t, tc.Text)
	return tc.Text
}

func getPromptErr(t *testing.T, c *mcpclient.Client, name string, args map[string]string) string {
	t.Helper()
	_, err := c.GetPrompt(context.Background(), mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: name, Arguments: args}})
	require.Error(t, err, "%s %v must be refused", name, args)
	return err.Error()
}

var promptToolRE = regexp.MustCompile(`paperclip_[a-z0-9_]+`)

// assertToolsExist checks that every tool name in text is a registered tool.
func assertToolsExist(t *testing.T, text string) []string {
	t.Helper()
	known := map[string]bool{}
	for _, tool := range Registry() {
		known[tool.Spec.Name] = true
	}
	names := promptToolRE.FindAllString(text, -1)
	for _, n := range names {
		assert.True(t, known[n], "the prompt names %s, which is not a tool:\n%s", n, text)
	}
	return names
}

// assertOrder checks that the parts appear in text in this order.
func assertOrder(t *testing.T, text string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(text[at:], p)
		if !assert.GreaterOrEqual(t, i, 0, "%q should come after the earlier parts %v in:\n%s", p, parts, text) {
			return
		}
		at += i + len(p)
	}
}

const (
	promptRun   = "0d9c3a44-1b2e-4f60-9a7b-8c6d5e4f3a21"
	promptAgent = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
	promptConn  = "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
)

func TestPromptsList(t *testing.T) {
	st := newStub(t)
	c := promptServer(t, st.deps(client.Config{}), Registry())
	res, err := c.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	require.NoError(t, err)
	want := map[string][]string{
		"debug-failed-run":         {"runId", "agentId", "companyId"},
		"push-company-to-cloud":    {"companyId", "remoteUrl", "connectionId"},
		"triage-my-inbox":          {"agentId", "companyId"},
		"review-pending-approvals": {"companyId"},
	}
	got := map[string][]string{}
	for _, p := range res.Prompts {
		assert.NotEmpty(t, p.Description, p.Name)
		assert.NotEmpty(t, p.Title, p.Name)
		for _, a := range p.Arguments {
			got[p.Name] = append(got[p.Name], a.Name)
			assert.NotEmpty(t, a.Description, "%s %s", p.Name, a.Name)
			assert.False(t, a.Required, "%s %s: every argument is optional", p.Name, a.Name)
		}
	}
	assert.Equal(t, want, got)
	assert.Empty(t, st.requests(), "listing prompts sends nothing to Paperclip")
}

func TestPromptDebugFailedRun(t *testing.T) {
	st := newStub(t)
	d := st.deps(client.Config{})
	c := promptServer(t, d, Registry())

	t.Run("with runId", func(t *testing.T) {
		text := getPrompt(t, c, "debug-failed-run", map[string]string{"runId": promptRun})
		assertToolsExist(t, text)
		assert.NotContains(t, text, "paperclip_list_heartbeat_runs", "a given run is not searched for")
		assertOrder(t, text, "paperclip_diagnose_run` with runId="+promptRun, "paperclip_get_run_log` with runId="+promptRun,
			"limitBytes=", "paperclip_list_run_events` with runId="+promptRun, "afterSeq=0", "cause", "fix")
		assert.NotContains(t, text, "This server does not serve")
	})
	t.Run("with agentId", func(t *testing.T) {
		text := getPrompt(t, c, "debug-failed-run", map[string]string{"agentId": promptAgent})
		assertToolsExist(t, text)
		assertOrder(t, text, "paperclip_list_heartbeat_runs` with companyId="+testCompany+", agentId="+promptAgent+", status=failed",
			"status=timed_out", "paperclip_diagnose_run` with runId=<", "paperclip_get_run_log", "paperclip_list_run_events")
	})
	t.Run("without arguments: the company's newest failed run", func(t *testing.T) {
		text := getPrompt(t, c, "debug-failed-run", nil)
		assertToolsExist(t, text)
		assert.Contains(t, text, "paperclip_list_heartbeat_runs` with companyId="+testCompany+", status=failed")
		assert.NotContains(t, text, "agentId="+promptAgent)
	})
	t.Run("no company configured", func(t *testing.T) {
		nd := &Deps{Client: d.Client, AgentID: d.AgentID}
		text := getPrompt(t, promptServer(t, nd, Registry()), "debug-failed-run", nil)
		assertOrder(t, text, "paperclip_list_companies", "paperclip_list_heartbeat_runs` with companyId=<companyId>")
		other := "99999999-2222-4333-8444-555555555555"
		text = getPrompt(t, promptServer(t, nd, Registry()), "debug-failed-run", map[string]string{"companyId": other})
		assert.NotContains(t, text, "paperclip_list_companies")
		assert.Contains(t, text, "companyId="+other)
	})
	assert.Empty(t, st.requests(), "getting a prompt sends nothing to Paperclip")
}

func TestPromptPushCompanyToCloud(t *testing.T) {
	st := newStub(t)
	d := st.deps(client.Config{})
	all := promptServer(t, d, Registry())

	text := getPrompt(t, all, "push-company-to-cloud", map[string]string{"remoteUrl": "https://cloud.example.com"})
	assertToolsExist(t, text)
	assert.NotContains(t, text, "This server does not serve", "every tool is served")
	assertOrder(t, text,
		"paperclip_get_experimental_settings", "paperclip_update_experimental_settings` with enableCloudSync=true",
		"paperclip_list_cloud_upstreams` with companyId="+testCompany,
		"paperclip_check_cloud_upstream` with remoteUrl=https://cloud.example.com",
		"paperclip_start_cloud_connect` with companyId="+testCompany+", remoteUrl=https://cloud.example.com",
		"paperclip_finish_cloud_connect` with pendingConnectionId=", "code=", "state=",
		"paperclip_preview_cloud_push` with connectionId=<connectionId>",
		"explicit yes",
		"paperclip_cloud_push` with connectionId=<connectionId>, companyId="+testCompany,
		"paperclip_get_cloud_push_run", "paperclip_cancel_cloud_push_run", "retryOfRunId=",
		"paperclip_activate_cloud_entities", "entityType=agents", "entityType=routines", "entityType=monitors")

	text = getPrompt(t, all, "push-company-to-cloud", map[string]string{"connectionId": promptConn, "companyId": testCompany})
	assert.Contains(t, text, "connection "+promptConn+" is there")
	assert.Contains(t, text, "paperclip_cloud_push` with connectionId="+promptConn+", companyId="+testCompany+", wait=true")
	assert.Contains(t, text, "<the cloud stack's address: ask the person>")

	t.Run("not served", func(t *testing.T) {
		def, err := Select(Selection{})
		require.NoError(t, err)
		text := getPrompt(t, promptServer(t, d, def), "push-company-to-cloud", nil)
		assertToolsExist(t, text)
		assert.Contains(t, text, "This server does not serve the settings toolset (paperclip_get_experimental_settings, paperclip_update_experimental_settings) "+
			"or the cloud toolset (paperclip_list_cloud_upstreams, paperclip_check_cloud_upstream, paperclip_start_cloud_connect, paperclip_finish_cloud_connect, "+
			"paperclip_preview_cloud_push, paperclip_cloud_push, paperclip_get_cloud_push_run, paperclip_cancel_cloud_push_run, paperclip_activate_cloud_entities): "+
			"restart it with PAPERCLIP_TOOLSETS=default,settings,cloud ")

		// A selection without the default toolsets keeps its own.
		some, err := Select(Selection{Toolsets: []string{"approvals", "settings"}})
		require.NoError(t, err)
		text = getPrompt(t, promptServer(t, d, some), "push-company-to-cloud", map[string]string{"connectionId": promptConn})
		assert.Contains(t, text, "PAPERCLIP_TOOLSETS=approvals,settings,cloud ")
		assert.Contains(t, text, "This server does not serve the cloud toolset (paperclip_list_cloud_upstreams,")
		assert.NotContains(t, text, "the settings toolset", "settings is served")
	})
}

func TestPromptTriageMyInbox(t *testing.T) {
	st := newStub(t)
	d := st.deps(client.Config{})
	c := promptServer(t, d, Registry())

	// The configured agent (PAPERCLIP_AGENT_ID) is the default.
	text := getPrompt(t, c, "triage-my-inbox", nil)
	assertToolsExist(t, text)
	assertOrder(t, text, "paperclip_list_issues` with companyId="+testCompany+", assigneeAgentId="+testAgent+", status=todo,in_progress,blocked",
		"paperclip_get_issue", "paperclip_list_comments", "paperclip_checkout_issue` with issueId=<id>, agentId="+testAgent,
		"status=blocked", "paperclip_add_comment", "status=done", "paperclip_release_issue", "status=cancelled",
		"backlog, todo, in_progress, in_review, done, blocked, cancelled")

	text = getPrompt(t, c, "triage-my-inbox", map[string]string{"agentId": promptAgent})
	assert.Contains(t, text, "assigneeAgentId="+promptAgent)
	assert.Contains(t, text, "agentId="+promptAgent)
	assert.NotContains(t, text, testAgent)

	// Without any agent: "me" is whoever the key is.
	nd := &Deps{Client: d.Client, CompanyID: d.CompanyID}
	text = getPrompt(t, promptServer(t, nd, Registry()), "triage-my-inbox", nil)
	assertToolsExist(t, text)
	assertOrder(t, text, "paperclip_get_me", "paperclip_get_inbox", "board", "paperclip_list_agents` with companyId="+testCompany,
		"paperclip_list_issues` with companyId="+testCompany+", assigneeAgentId=<that agent's id>, status=todo,in_progress,blocked", "paperclip_checkout_issue")

	t.Run("read-only", func(t *testing.T) {
		ro, err := Select(Selection{ReadOnly: true})
		require.NoError(t, err)
		text := getPrompt(t, promptServer(t, d, ro), "triage-my-inbox", nil)
		assert.Contains(t, text, "This server does not serve paperclip_checkout_issue, paperclip_update_issue, paperclip_add_comment, paperclip_release_issue, although it serves their toolsets")
		assert.Contains(t, text, "PAPERCLIP_TOOLS=paperclip_checkout_issue,paperclip_update_issue,paperclip_add_comment,paperclip_release_issue")
	})
	assert.Empty(t, st.requests())
}

func TestPromptReviewPendingApprovals(t *testing.T) {
	st := newStub(t)
	d := st.deps(client.Config{})
	c := promptServer(t, d, Registry())
	other := "99999999-2222-4333-8444-555555555555"
	text := getPrompt(t, c, "review-pending-approvals", map[string]string{"companyId": other})
	assertToolsExist(t, text)
	assert.NotContains(t, text, "This server does not serve")
	assertOrder(t, text, "paperclip_list_approvals` with companyId="+other+", status=pending",
		"paperclip_get_approval", "paperclip_list_approval_issues", "paperclip_list_approval_comments",
		"ask for their decision", "only on the person's explicit word",
		"paperclip_approve` with approvalId=<id>, decisionNote=", "paperclip_reject` with approvalId=<id>, reason=",
		"paperclip_request_revision` with approvalId=<id>, feedback=", "paperclip_add_approval_comment")

	def, err := Select(Selection{})
	require.NoError(t, err)
	text = getPrompt(t, promptServer(t, d, def), "review-pending-approvals", nil)
	assert.Contains(t, text, "companyId="+testCompany)
	assert.Contains(t, text, "This server does not serve the approvals toolset (paperclip_list_approvals, paperclip_get_approval, paperclip_list_approval_issues, "+
		"paperclip_list_approval_comments, paperclip_approve, paperclip_reject, paperclip_request_revision, paperclip_add_approval_comment)")
	assert.Contains(t, text, "PAPERCLIP_TOOLSETS=default,approvals ")
}

// TestPromptToolNamesExist gets every prompt with every combination of its
// arguments, with every tool served and with none, and checks each tool
// name in the text against the registry.
func TestPromptToolNamesExist(t *testing.T) {
	st := newStub(t)
	d := st.deps(client.Config{})
	values := map[string]string{"runId": promptRun, "agentId": promptAgent, "companyId": testCompany,
		"remoteUrl": "https://cloud.example.com", "connectionId": promptConn}
	for _, served := range [][]Tool{Registry(), {}} {
		c := promptServer(t, d, served)
		for _, p := range prompts {
			n := len(p.Args)
			seen := 0
			for mask := 0; mask < 1<<n; mask++ {
				args := map[string]string{}
				for i, a := range p.Args {
					if mask&(1<<i) != 0 {
						args[a.Name] = values[a.Name]
					}
				}
				text := getPrompt(t, c, p.Name, args)
				seen += len(assertToolsExist(t, text))
				for k, v := range args {
					if p.Name == "debug-failed-run" && args["runId"] != "" && k != "runId" {
						continue // a given run needs no agent or company
					}
					assert.Contains(t, text, v, "%s: the %s given is in the text", p.Name, k)
				}
				if len(served) == 0 {
					assert.Contains(t, text, "This server does not serve", p.Name)
				}
			}
			assert.Positive(t, seen, p.Name)
		}
	}
}

func TestPromptBadArguments(t *testing.T) {
	st := newStub(t)
	c := promptServer(t, st.deps(client.Config{}), Registry())
	for _, tc := range []struct {
		prompt string
		args   map[string]string
		want   []string
	}{
		{"debug-failed-run", map[string]string{"runId": "not-a-run"}, []string{"runId must be a UUID", `"not-a-run"`, "paperclip_list_heartbeat_runs", "leave it empty"}},
		{"debug-failed-run", map[string]string{"agentId": "ceo"}, []string{"agentId must be a UUID", "paperclip_list_agents"}},
		{"triage-my-inbox", map[string]string{"agentId": "12345"}, []string{"agentId must be a UUID"}},
		{"review-pending-approvals", map[string]string{"companyId": "acme"}, []string{"companyId must be a UUID", "paperclip_list_companies"}},
		{"push-company-to-cloud", map[string]string{"remoteUrl": "http://cloud.example.com"}, []string{"remoteUrl is not a usable cloud stack address", "https"}},
		{"push-company-to-cloud", map[string]string{"remoteUrl": "cloud"}, []string{"remoteUrl"}},
		{"push-company-to-cloud", map[string]string{"connectionId": "c1"}, []string{"connectionId must be a UUID", "paperclip_list_cloud_upstreams"}},
		{"review-pending-approvals", map[string]string{"status": "pending"}, []string{`no argument "status"`, "companyId"}},
	} {
		msg := getPromptErr(t, c, tc.prompt, tc.args)
		for _, w := range tc.want {
			assert.Contains(t, msg, w, "%s %v", tc.prompt, tc.args)
		}
	}
	// Blank values count as not given.
	text := getPrompt(t, c, "debug-failed-run", map[string]string{"runId": "  ", "agentId": ""})
	assert.Contains(t, text, "paperclip_list_heartbeat_runs")
	_, err := c.GetPrompt(context.Background(), mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: "no-such-prompt"}})
	require.Error(t, err)
	assert.Empty(t, st.requests())
}
