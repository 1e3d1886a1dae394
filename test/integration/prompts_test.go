package integration

// The prompts and argument completion, through the built binary over stdio,
// against the seeded company: completion offers the ids REST lists, and
// every prompt can be got and names only tools the server has.

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

func completeIT(t *testing.T, s *stdio.Session, ref any, arg, value string, ctxArgs map[string]string) mcp.Completion {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	res, err := s.Client.Complete(ctx, mcp.CompleteRequest{Params: mcp.CompleteParams{Ref: ref,
		Argument: mcp.CompleteArgument{Name: arg, Value: value}, Context: mcp.CompleteContext{Arguments: ctxArgs}}})
	require.NoError(t, err, "completion/complete %s=%q\nstderr:\n%s", arg, value, s.Stderr())
	assert.Less(t, time.Since(start), 4*time.Second, "a completion answers within its 3 s bound")
	require.NotNil(t, res.Completion.Values)
	assert.LessOrEqual(t, len(res.Completion.Values), 100)
	return res.Completion
}

func promptRef(name string) mcp.PromptReference {
	return mcp.PromptReference{Type: "ref/prompt", Name: name}
}

func resourceRef(uri string) mcp.ResourceReference {
	return mcp.ResourceReference{Type: "ref/resource", URI: uri}
}

func restAgentIDs(t *testing.T, companyID string) []string {
	t.Helper()
	var agents []struct{ ID, Name string }
	restGET(t, "/companies/"+companyID+"/agents", &agents)
	ids := make([]string, len(agents))
	for i, a := range agents {
		ids[i] = a.ID
	}
	return ids
}

// assertBetween checks before ⊆ got ⊆ after: REST read just before and just
// after the completion, as parallel tests may add to the company meanwhile.
func assertBetween(t *testing.T, before, got, after []string, what string) {
	t.Helper()
	for _, id := range before {
		assert.Contains(t, got, id, "%s listed by REST before the completion", what)
	}
	for _, id := range got {
		assert.Contains(t, after, id, "%s offered but not listed by REST", what)
	}
}

func TestPromptCompletionsAgainstRest(t *testing.T) {
	w := seedWorld(t)
	a := newAPI(t)
	title := "Prompt completion probe " + randSuffix()
	var issue struct {
		ID         string `json:"id"`
		Identifier string `json:"identifier"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/issues", map[string]any{"title": title}, &issue)
	require.NotEmpty(t, issue.Identifier)

	s := startMCP(t, map[string]string{"PAPERCLIP_COMPANY_ID": w.CompanyID})

	t.Run("agents", func(t *testing.T) {
		before := restAgentIDs(t, w.CompanyID)
		require.LessOrEqual(t, len(before), 100, "the seeded company fits one completion")
		got := completeIT(t, s, promptRef("triage-my-inbox"), "agentId", "", nil)
		assertBetween(t, before, got.Values, restAgentIDs(t, w.CompanyID), "agent")
		assert.Equal(t, len(got.Values), got.Total, "the agent list is whole")
		assert.False(t, got.HasMore)

		byName := completeIT(t, s, resourceRef("paperclip://agents/{agentId}"), "agentId", "BIGLOG", nil)
		assert.Equal(t, []string{w.Agents["biglog"]}, byName.Values, "found by name, any case")
		byPrefix := completeIT(t, s, promptRef("debug-failed-run"), "agentId", w.Agents["fail"][:13], nil)
		assert.Equal(t, []string{w.Agents["fail"]}, byPrefix.Values, "found by id prefix")
	})

	t.Run("runs", func(t *testing.T) {
		before := runIDs(restRuns(t, w.CompanyID, ""))
		got := completeIT(t, s, promptRef("debug-failed-run"), "runId", "", nil)
		after := restRuns(t, w.CompanyID, "")
		if len(before) <= 100 {
			assertBetween(t, before, got.Values, runIDs(after), "run")
		}
		status := map[string]string{}
		for _, r := range after {
			status[r.ID] = r.Status
		}
		// Failed runs first: once a value is not a failure, none after it is.
		seenOther := false
		for _, id := range got.Values {
			failed := slices.Contains([]string{"failed", "timed_out", "interrupted"}, status[id])
			assert.False(t, failed && seenOther, "failed runs come first: %s", id)
			seenOther = seenOther || !failed
		}
		for _, id := range w.Runs["fail"] {
			assert.Contains(t, got.Values, id, "a seeded failed run is offered")
		}

		one := w.Runs["biglog"][0]
		byPrefix := completeIT(t, s, resourceRef("paperclip://runs/{runId}/log{?offset,limitBytes}"), "runId", one[:13], nil)
		assert.Equal(t, []string{one}, byPrefix.Values)
		// By the agent's name: the runs of that agent, as REST lists them.
		byName := completeIT(t, s, resourceRef("paperclip://runs/{runId}"), "runId", "biglog", nil)
		assert.Equal(t, runIDs(restRuns(t, w.CompanyID, "&agentId="+w.Agents["biglog"])), byName.Values)
		// The agentId already filled in narrows the runs.
		narrowed := completeIT(t, s, promptRef("debug-failed-run"), "runId", "", map[string]string{"agentId": w.Agents["fail"]})
		assert.ElementsMatch(t, runIDs(restRuns(t, w.CompanyID, "&agentId="+w.Agents["fail"])), narrowed.Values)
	})

	t.Run("issues", func(t *testing.T) {
		const uri = "paperclip://issues/{issueId}"
		byTitle := completeIT(t, s, resourceRef(uri), "issueId", strings.ToLower(title[len(title)-8:]), nil)
		assert.Equal(t, []string{issue.Identifier}, byTitle.Values, "found by title through Paperclip's search")
		byIdent := completeIT(t, s, resourceRef(uri), "issueId", strings.ToLower(issue.Identifier), nil)
		assert.Contains(t, byIdent.Values, issue.Identifier)
		assert.Equal(t, issue.Identifier, byIdent.Values[0], "the exact identifier first")
		byID := completeIT(t, s, resourceRef(uri), "issueId", issue.ID[:13], nil)
		assert.Equal(t, []string{issue.Identifier}, byID.Values, "found by id prefix")
		// What completion offers is what the issue tools accept.
		var got struct {
			ID string `json:"id"`
		}
		s.CallOK(t, "paperclip_get_issue", map[string]any{"issueId": byID.Values[0], "response_format": "json"}, &got)
		assert.Equal(t, issue.ID, got.ID)
	})

	t.Run("companies", func(t *testing.T) {
		byName := completeIT(t, s, promptRef("review-pending-approvals"), "companyId", strings.ToUpper(w.CompanyName), nil)
		assert.Equal(t, []string{w.CompanyID}, byName.Values)
		byPrefix := completeIT(t, s, promptRef("push-company-to-cloud"), "companyId", w.CompanyID[:8], nil)
		assert.Contains(t, byPrefix.Values, w.CompanyID)
		var all []struct{ ID string }
		restGET(t, "/companies", &all)
		every := completeIT(t, s, promptRef("push-company-to-cloud"), "companyId", "", nil)
		assert.Equal(t, min(len(all), 100), len(every.Values))
		assert.Equal(t, len(all), every.Total)
	})

	t.Run("company from the context", func(t *testing.T) {
		bare := startMCP(t, nil) // no PAPERCLIP_COMPANY_ID
		before := restAgentIDs(t, w.CompanyID)
		got := completeIT(t, bare, promptRef("debug-failed-run"), "agentId", "", map[string]string{"companyId": w.CompanyID})
		assertBetween(t, before, got.Values, restAgentIDs(t, w.CompanyID), "agent")
	})

	t.Run("unknown argument", func(t *testing.T) {
		got := completeIT(t, s, promptRef("push-company-to-cloud"), "remoteUrl", "https", nil)
		assert.Empty(t, got.Values)
		got = completeIT(t, s, resourceRef("paperclip://runs/{runId}/log{?offset,limitBytes}"), "offset", "1", nil)
		assert.Empty(t, got.Values)
	})
}

func TestPromptsGetAgainstRealServer(t *testing.T) {
	w := seedWorld(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_COMPANY_ID": w.CompanyID, "PAPERCLIP_TOOLSETS": "all"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	tools, err := s.Client.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	served := map[string]bool{}
	for _, tl := range tools.Tools {
		served[tl.Name] = true
	}
	list, err := s.Client.ListPrompts(ctx, mcp.ListPromptsRequest{})
	require.NoError(t, err)
	var names []string
	for _, p := range list.Prompts {
		names = append(names, p.Name)
	}
	assert.ElementsMatch(t, []string{"debug-failed-run", "push-company-to-cloud", "triage-my-inbox", "review-pending-approvals"}, names)

	toolName := regexp.MustCompile(`paperclip_[a-z0-9_]+`)
	failedRun := w.Runs["fail"][0]
	for _, tc := range []struct {
		name string
		args map[string]string
		want []string
	}{
		{"debug-failed-run", nil, []string{"paperclip_list_heartbeat_runs", "companyId=" + w.CompanyID, "status=failed"}},
		{"debug-failed-run", map[string]string{"runId": failedRun}, []string{"paperclip_diagnose_run` with runId=" + failedRun}},
		{"debug-failed-run", map[string]string{"agentId": w.Agents["fail"]}, []string{"agentId=" + w.Agents["fail"]}},
		{"push-company-to-cloud", nil, []string{"paperclip_cloud_push", "companyId=" + w.CompanyID}},
		{"push-company-to-cloud", map[string]string{"remoteUrl": "https://cloud.example.com"}, []string{"remoteUrl=https://cloud.example.com"}},
		{"triage-my-inbox", nil, []string{"paperclip_get_me", "paperclip_get_inbox"}},
		{"triage-my-inbox", map[string]string{"agentId": w.Agents["ok"]}, []string{"assigneeAgentId=" + w.Agents["ok"]}},
		{"review-pending-approvals", nil, []string{"paperclip_list_approvals` with companyId=" + w.CompanyID + ", status=pending"}},
	} {
		res, err := s.Client.GetPrompt(ctx, mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: tc.name, Arguments: tc.args}})
		require.NoError(t, err, "%s %v", tc.name, tc.args)
		require.Len(t, res.Messages, 1)
		assert.Equal(t, mcp.RoleUser, res.Messages[0].Role)
		text, ok := mcp.AsTextContent(res.Messages[0].Content)
		require.True(t, ok)
		for _, want := range tc.want {
			assert.Contains(t, text.Text, want, "%s %v", tc.name, tc.args)
		}
		for _, n := range toolName.FindAllString(text.Text, -1) {
			assert.True(t, served[n], "%s names %s, which the server (all toolsets) does not have", tc.name, n)
		}
		assert.NotContains(t, text.Text, "This server does not serve", "all toolsets are served")
	}

	_, err = s.Client.GetPrompt(ctx, mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: "debug-failed-run", Arguments: map[string]string{"runId": "latest"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "runId must be a UUID")

	// The default selection says how to serve what it lacks.
	def := startMCP(t, map[string]string{"PAPERCLIP_COMPANY_ID": w.CompanyID})
	res, err := def.Client.GetPrompt(ctx, mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: "push-company-to-cloud"}})
	require.NoError(t, err)
	text, _ := mcp.AsTextContent(res.Messages[0].Content)
	assert.Contains(t, text.Text, "PAPERCLIP_TOOLSETS=default,settings,cloud")
}
