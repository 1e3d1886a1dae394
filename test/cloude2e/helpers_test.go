// Package cloude2e drives the built paperclip-mcp binary over stdio through
// the cloud upstream sync tools: against test/clouddouble (a TEST DOUBLE of
// the local cloud-upstream routes and of a remote cloud stack, since no
// published Paperclip serves these routes), and against the real Paperclip
// server of the integration harness (PAPERCLIP_IT_URL), where the tools must
// say plainly that the server does not serve cloud upstream sync.
package cloude2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/clouddouble"
	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// e2eKey is a made-up board key: the double ignores it, and the tests check
// that it never reaches the remote cloud stack nor a tool result.
const e2eKey = "pcp_board_cloude2e_0123456789abcdef"

// session is the binary started against a Local double.
type session struct {
	*stdio.Session
	pair *clouddouble.Pair

	mu            sync.Mutex
	notifications []mcp.JSONRPCNotification
}

func start(t *testing.T, lo clouddouble.LocalOptions, ro clouddouble.RemoteOptions) *session {
	t.Helper()
	p := clouddouble.Start(t, lo, ro)
	s := &session{pair: p}
	s.Session = stdio.Start(t, stdio.Options{Env: map[string]string{
		"PAPERCLIP_API_URL":    p.LocalURL,
		"PAPERCLIP_API_KEY":    e2eKey,
		"PAPERCLIP_COMPANY_ID": p.Local.CompanyID(),
		"PAPERCLIP_TOOLSETS":   "default,cloud,settings", // opt-in toolsets
	}})
	s.Client.OnNotification(func(n mcp.JSONRPCNotification) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.notifications = append(s.notifications, n)
	})
	return s
}

// ok calls a tool that must succeed and decodes its structured content.
func (s *session) ok(t *testing.T, name string, args map[string]any, out any) string {
	t.Helper()
	txt := s.CallOK(t, name, args, out)
	require.NotContains(t, txt, e2eKey)
	return txt
}

// fail calls a tool that must answer a tool error and returns its text.
func (s *session) fail(t *testing.T, name string, args map[string]any) string {
	t.Helper()
	txt := s.CallErr(t, name, args)
	require.NotContains(t, txt, e2eKey)
	return txt
}

// callWithProgress calls a tool with a progress token.
func (s *session) callWithProgress(t *testing.T, name string, args map[string]any, token string, out any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}}
	req.Params.Meta = &mcp.Meta{ProgressToken: token}
	res, err := s.Client.CallTool(ctx, req)
	require.NoError(t, err, "stderr:\n%s", s.Stderr())
	txt := stdio.Text(res)
	require.False(t, res.IsError, "%s: %s", name, txt)
	raw, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, out))
	return txt
}

// progress lists the progress values received for token, in order.
func (s *session) progress(token string) []float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []float64
	for _, n := range s.notifications {
		if n.Method != "notifications/progress" || n.Params.AdditionalFields["progressToken"] != token {
			continue
		}
		if v, ok := n.Params.AdditionalFields["progress"].(float64); ok {
			out = append(out, v)
		}
	}
	return out
}

// authorize opens the authorization URL as a browser would, without
// following the final redirect, and reads code and state from it.
func authorize(t *testing.T, authURL string) (code, state string, landed *url.URL) {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(authURL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	landed, err = url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return landed.Query().Get("code"), landed.Query().Get("state"), landed
}

// connect is start → authorize → finish; it returns the connection id.
func (s *session) connect(t *testing.T) string {
	t.Helper()
	var st struct {
		PendingConnectionID string `json:"pendingConnectionId"`
		AuthorizationURL    string `json:"authorizationUrl"`
	}
	s.ok(t, "paperclip_start_cloud_connect", map[string]any{"remoteUrl": s.pair.RemoteURL, "redirectUri": "http://127.0.0.1:9/cb"}, &st)
	code, state, _ := authorize(t, st.AuthorizationURL)
	var fin struct {
		Connection struct {
			ID          string `json:"id"`
			TokenStatus string `json:"tokenStatus"`
		} `json:"connection"`
	}
	s.ok(t, "paperclip_finish_cloud_connect", map[string]any{"pendingConnectionId": st.PendingConnectionID, "code": code, "state": state}, &fin)
	require.Equal(t, "connected", fin.Connection.TokenStatus)
	return fin.Connection.ID
}
