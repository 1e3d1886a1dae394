package integration

// Helpers for the tests that drive the built paperclip-mcp binary over stdio
// (test/stdio) and compare what its tools say with what the REST API says.
// The tool result types below mirror the Result structs in tools/ as JSON
// (the structured content of each tool is its Result struct).

import (
	"encoding/json"
	"maps"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// startMCP runs the binary against the test server (no key: the local board)
// with env added on top. A key in env may override PAPERCLIP_API_URL.
func startMCP(t testing.TB, env map[string]string) *stdio.Session {
	t.Helper()
	e := map[string]string{"PAPERCLIP_API_URL": baseURL}
	maps.Copy(e, env)
	return stdio.Start(t, stdio.Options{Env: e})
}

// callJSON calls a read tool with response_format=json, fails on a tool error,
// checks that the JSON text is the structured content, and decodes it.
func callJSON(t testing.TB, s *stdio.Session, name string, args map[string]any, out any) {
	t.Helper()
	a := maps.Clone(args)
	a["response_format"] = "json"
	res := s.Call(t, name, a)
	text := stdio.Text(res)
	if res.IsError {
		t.Fatalf("tools/call %s %v: tool error: %s", name, args, text)
	}
	sc, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.JSONEq(t, string(sc), text, "%s: the json text is the structured content", name)
	require.NoError(t, json.Unmarshal(sc, out), "%s structured content: %s", name, sc)
}

// callResult calls a tool and returns the raw result (tool error or not).
func callResult(t testing.TB, s *stdio.Session, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	return s.Call(t, name, args)
}

// ---------------------------------------------------------------- tool results

type mcpRun struct {
	ID               string `json:"id"`
	AgentID          string `json:"agentId"`
	Status           string `json:"status"`
	InvocationSource string `json:"invocationSource"`
	TriggerDetail    string `json:"triggerDetail"`
	WakeReason       string `json:"wakeReason"`
	CreatedAt        string `json:"createdAt"`
	StartedAt        string `json:"startedAt"`
	FinishedAt       string `json:"finishedAt"`
	DurationMs       *int64 `json:"durationMs"`
	ExitCode         *int   `json:"exitCode"`
	Error            string `json:"error"`
	ErrorCode        string `json:"errorCode"`
	LogBytes         *int64 `json:"logBytes"`
	// RunDetail only:
	CompanyID     string `json:"companyId"`
	Signal        string `json:"signal"`
	Phase         string `json:"phase"`
	PhaseLabel    string `json:"phaseLabel"`
	StdoutExcerpt string `json:"stdoutExcerpt"`
	StderrExcerpt string `json:"stderrExcerpt"`
	Finished      bool   `json:"finished"`
}

type mcpRunPage struct {
	Items      []mcpRun `json:"items"`
	Total      *int     `json:"total"`
	Count      int      `json:"count"`
	Offset     int      `json:"offset"`
	Limit      int      `json:"limit"`
	HasMore    bool     `json:"has_more"`
	NextOffset *int     `json:"next_offset"`
	Note       string   `json:"note"`
}

type mcpEvent struct {
	Seq       int64           `json:"seq"`
	Type      string          `json:"type"`
	Level     string          `json:"level"`
	Stream    string          `json:"stream"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data"`
	CreatedAt string          `json:"createdAt"`
}

type mcpEventsPage struct {
	RunID        string     `json:"runId"`
	Items        []mcpEvent `json:"items"`
	Count        int        `json:"count"`
	AfterSeq     int64      `json:"afterSeq"`
	NextAfterSeq int64      `json:"nextAfterSeq"`
	HasMore      bool       `json:"has_more"`
}

type mcpLogSlice struct {
	RunID      string `json:"runId"`
	Content    string `json:"content"`
	Offset     int64  `json:"offset"`
	NextOffset int64  `json:"nextOffset"`
	TotalBytes int64  `json:"totalBytes"`
	EOF        bool   `json:"eof"`
	RunStatus  string `json:"runStatus"`
	Final      bool   `json:"final"`
}

type mcpDiagnosis struct {
	Run        mcpRun     `json:"run"`
	Selected   string     `json:"selected"`
	Failed     bool       `json:"failed"`
	Summary    []string   `json:"summary"`
	Events     []mcpEvent `json:"events"`
	EventCount int        `json:"eventCount"`
	LogTail    []struct {
		Time   string `json:"time"`
		Stream string `json:"stream"`
		Text   string `json:"text"`
	} `json:"logTail"`
	LogTailFrom int64    `json:"logTailFrom"`
	NextSteps   []string `json:"nextSteps"`
}

type mcpLiveRuns struct {
	CompanyID string   `json:"companyId"`
	Items     []mcpRun `json:"items"`
	Count     int      `json:"count"`
}

type mcpCancel struct {
	Run       mcpRun `json:"run"`
	Cancelled bool   `json:"cancelled"`
	Message   string `json:"message"`
}

type mcpWakeup struct {
	Queued  bool    `json:"queued"`
	Run     *mcpRun `json:"run"`
	Status  string  `json:"status"`
	Reason  string  `json:"reason"`
	Message string  `json:"message"`
}

// ---------------------------------------------------------------- REST side

// restEvent is an event as GET /api/heartbeat-runs/{id}/events returns it.
type restEvent struct {
	Seq       int64           `json:"seq"`
	EventType string          `json:"eventType"`
	Stream    *string         `json:"stream"`
	Level     *string         `json:"level"`
	Message   *string         `json:"message"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt string          `json:"createdAt"`
}

// restRuns lists a company's runs (newest first) with a query suffix such as
// "&agentId=...". A limit is always sent: without one the server returns all.
func restRuns(t testing.TB, companyID, extra string) []Run {
	t.Helper()
	var runs []Run
	restGET(t, "/companies/"+companyID+"/heartbeat-runs?limit=1000&summary=true"+extra, &runs)
	return runs
}

// restLogContent is a finished run's whole log in one slice (which cannot cut
// a character, so it is exact).
func restLogContent(t testing.TB, runID string) string {
	t.Helper()
	var page struct {
		Content    string `json:"content"`
		NextOffset *int64 `json:"nextOffset"`
	}
	restGET(t, "/heartbeat-runs/"+runID+"/log?offset=0&limitBytes=1048576", &page)
	require.Nil(t, page.NextOffset, "the whole log fits one slice")
	return page.Content
}

func runIDs(runs []Run) []string {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// requestLines are the debug lines "paperclip request ... path=..." the
// server logs for each HTTP answer it got (PAPERCLIP_MCP_LOG_LEVEL=debug).
func requestLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		// The server's own start-up probe of /api/health is not a tool's request.
		if strings.Contains(l, "paperclip request") && !strings.Contains(l, "path=/api/health ") {
			out = append(out, l)
		}
	}
	return out
}

var pathAttr = regexp.MustCompile(`path=(\S+)`)

// requestPaths are the paths of requestLines.
func requestPaths(stderr string) []string {
	var out []string
	for _, l := range requestLines(stderr) {
		if m := pathAttr.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// waitRequestPaths waits until the session's stderr holds at least n request
// lines (stderr reaches the test through a pipe, a moment after the tool's
// answer), then a little longer for stragglers, and returns their paths.
func waitRequestPaths(t testing.TB, s *stdio.Session, n int) []string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for len(requestPaths(s.Stderr())) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
	return requestPaths(s.Stderr())
}

// closedLoopbackURL is http://127.0.0.1:PORT where nothing listens (the port
// was just bound and released).
func closedLoopbackURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}
