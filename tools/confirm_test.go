package tools

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// person answers elicitations as the test says, and keeps what it was asked.
type person struct {
	mu     sync.Mutex
	answer mcp.ElicitationResponse
	asked  []mcp.ElicitationParams
}

func (p *person) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, r.Params)
	return &mcp.ElicitationResult{ElicitationResponse: p.answer}, nil
}

func (p *person) questions() []mcp.ElicitationParams {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]mcp.ElicitationParams(nil), p.asked...)
}

// confirmClient is an in-process client of a server built as cmd builds it;
// with a person, it declares elicitation and answers as the person does.
func confirmClient(t *testing.T, d *Deps, p *person) *mcpclient.Client {
	t.Helper()
	var opts []mcpclient.ClientOption
	if p != nil {
		opts = append(opts, mcpclient.WithElicitationHandler(p))
	}
	c, _, _ := cmdClient(t, d, Registry(), opts...)
	return c
}

func callWith(t *testing.T, c *mcpclient.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := c.CallTool(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
	require.NoError(t, err)
	return res
}

// cancelStub is a running run whose cancel the stub counts.
func cancelStub(t *testing.T) (*stub, func() int) {
	s := newStub(t)
	s.reply("GET /api/heartbeat-runs/{id}", 200, map[string]any{"id": testRun, "companyId": testCompany, "agentId": testAgent, "status": "running", "createdAt": "2026-12-03T10:00:00Z"})
	s.reply("POST /api/heartbeat-runs/{id}/cancel", 200, map[string]any{"id": testRun, "status": "cancelled"})
	cancels := func() int {
		n := 0
		for _, r := range s.requests() {
			if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/cancel") {
				n++
			}
		}
		return n
	}
	return s, cancels
}

func TestDestructiveCallsAskThePersonFirst(t *testing.T) {
	yes := mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}
	for _, tc := range []struct {
		name   string
		answer mcp.ElicitationResponse
		sent   bool
		says   string
	}{
		{"yes", yes, true, ""},
		{"decline", mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}, false, "Not done: the person declined paperclip_cancel_heartbeat_run. Nothing was sent to Paperclip."},
		{"cancel", mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionCancel}, false, "dismissed the confirmation"},
		{"accept unticked", mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": false}}, false, "did not confirm"},
		{"accept empty", mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}, false, "did not confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, cancels := cancelStub(t)
			d := s.deps(client.Config{})
			d.Confirm = true
			p := &person{answer: tc.answer}
			res := callWith(t, confirmClient(t, d, p), "paperclip_cancel_heartbeat_run", map[string]any{"runId": testRun})
			asked := p.questions()
			require.Len(t, asked, 1, "asked once")
			assert.Contains(t, asked[0].Message, "Cancel a heartbeat run (paperclip_cancel_heartbeat_run)")
			assert.Contains(t, asked[0].Message, "runId: "+testRun, "the question says what the call will touch")
			assert.Contains(t, asked[0].Message, "Go ahead?")
			if tc.sent {
				require.False(t, res.IsError, text(res))
				assert.Equal(t, 1, cancels())
				return
			}
			assert.True(t, res.IsError)
			assert.Contains(t, text(res), tc.says)
			assert.Equal(t, 0, cancels(), "a refusal sends nothing to Paperclip")
		})
	}
}

func TestConfirmationOnlyWhenAskedForAndPossible(t *testing.T) {
	yes := mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}
	t.Run("client without elicitation: its own approval applies", func(t *testing.T) {
		s, cancels := cancelStub(t)
		d := s.deps(client.Config{})
		d.Confirm = true
		res := callWith(t, confirmClient(t, d, nil), "paperclip_cancel_heartbeat_run", map[string]any{"runId": testRun})
		require.False(t, res.IsError, text(res))
		assert.Equal(t, 1, cancels())
	})
	t.Run("confirmation off (unattended)", func(t *testing.T) {
		s, cancels := cancelStub(t)
		d := s.deps(client.Config{})
		p := &person{answer: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}
		res := callWith(t, confirmClient(t, d, p), "paperclip_cancel_heartbeat_run", map[string]any{"runId": testRun})
		require.False(t, res.IsError, text(res))
		assert.Empty(t, p.questions())
		assert.Equal(t, 1, cancels())
	})
	t.Run("not destructive: never asked", func(t *testing.T) {
		s, _ := cancelStub(t)
		d := s.deps(client.Config{})
		d.Confirm = true
		p := &person{answer: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}
		res := callWith(t, confirmClient(t, d, p), "paperclip_get_heartbeat_run", map[string]any{"runId": testRun})
		require.False(t, res.IsError, text(res))
		assert.Empty(t, p.questions())
	})
	t.Run("bad arguments are refused before anyone is asked", func(t *testing.T) {
		s, cancels := cancelStub(t)
		d := s.deps(client.Config{})
		d.Confirm = true
		p := &person{answer: yes}
		res := callWith(t, confirmClient(t, d, p), "paperclip_cancel_heartbeat_run", map[string]any{"runId": "nope"})
		assert.True(t, res.IsError)
		assert.Empty(t, p.questions())
		assert.Equal(t, 0, cancels())
	})
	t.Run("the api tool asks for DELETE only", func(t *testing.T) {
		assert.True(t, deletes(map[string]any{"operation": " delete /api/teams/{teamId}"}))
		assert.False(t, deletes(map[string]any{"operation": "POST /api/companies/{companyId}/teams"}))
		assert.False(t, deletes(map[string]any{"operation": "GET /api/companies"}))
		assert.False(t, deletes(map[string]any{}))
	})
	t.Run("secrets in the arguments are scrubbed from the question", func(t *testing.T) {
		s, cancels := cancelStub(t)
		d := s.deps(client.Config{})
		d.Confirm = true
		d.rememberSecret(testRun)
		p := &person{answer: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}
		res := callWith(t, confirmClient(t, d, p), "paperclip_cancel_heartbeat_run", map[string]any{"runId": testRun})
		assert.True(t, res.IsError)
		require.Len(t, p.questions(), 1)
		assert.Contains(t, p.questions()[0].Message, "runId: [redacted]")
		assert.NotContains(t, p.questions()[0].Message, testRun)
		assert.Equal(t, 0, cancels())
	})
}

// The tools a person is asked about are those that say they are
// destructive: the ones the README names.
func TestDestructiveToolsAreTheConfirmedOnes(t *testing.T) {
	var names []string
	for _, tl := range Registry() {
		if tl.Spec.Access.Destructive() {
			names = append(names, tl.Spec.Name)
		}
	}
	for _, n := range []string{"paperclip_cancel_heartbeat_run", "paperclip_terminate_agent", "paperclip_archive_company", "paperclip_delete_document", "paperclip_call_api_operation"} {
		assert.Contains(t, names, n)
	}
	t.Logf("confirmed tools: %s", strings.Join(names, ", "))
}
