package integration

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---------------------------------------------------------------- REST helper

// api is a small REST client for seeding and for cross-checking what the MCP
// tools report. Paths are relative to /api ("/companies"); a path that already
// starts with "/api/" is used as is. Without a token, requests act as the
// board (local_trusted mode).
type api struct {
	t     testing.TB
	token string // Authorization: Bearer <token>, when set
	hc    *http.Client
}

var sharedHTTP = &http.Client{Timeout: 30 * time.Second}

func newAPI(t testing.TB) *api {
	t.Helper()
	requireServer(t)
	return &api{t: t, hc: sharedHTTP}
}

// as returns a copy that sends the given bearer token ("" = none).
func (a *api) as(token string) *api {
	c := *a
	c.token = token
	return &c
}

func apiURL(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasPrefix(path, "/api/") {
		path = "/api" + path
	}
	return baseURL + path
}

// raw sends one request and returns the status and body. It fails the test only
// when the request cannot be made. body: nil (no body), []byte, string or
// json.RawMessage (sent verbatim), anything else is JSON-encoded.
func (a *api) raw(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case json.RawMessage:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			a.t.Fatalf("%s %s: encoding body: %v", method, path, err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, apiURL(path), rd)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp.StatusCode, data
}

// do sends a request, fails the test (with status and body) unless the answer
// is 2xx, and decodes the body into out: nil discards it, *[]byte gets it raw.
// It returns the status.
func (a *api) do(method, path string, body, out any) int {
	a.t.Helper()
	status, data := a.raw(method, path, body)
	if status < 200 || status > 299 {
		a.t.Fatalf("%s %s: unexpected HTTP %d: %s", method, path, status, clip(data))
	}
	a.decode(method, path, data, out)
	return status
}

// expect is do with one exact expected status, for error paths as much as for
// success (e.g. 201 on create, 202 on wakeup, 401 on a bad token).
func (a *api) expect(want int, method, path string, body, out any) {
	a.t.Helper()
	status, data := a.raw(method, path, body)
	if status != want {
		a.t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, status, want, clip(data))
	}
	a.decode(method, path, data, out)
}

func (a *api) decode(method, path string, data []byte, out any) {
	a.t.Helper()
	switch o := out.(type) {
	case nil:
	case *[]byte:
		*o = data
	default:
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: decoding %T: %v; body: %s", method, path, out, err, clip(data))
		}
	}
}

func clip(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return string(b)
}

// restGET decodes GET /api<path> (as the board) into out, failing the test on a
// non-2xx answer. Tests use it to compare what an MCP tool says with what the
// REST API says.
func restGET(t testing.TB, path string, out any) {
	t.Helper()
	newAPI(t).do(http.MethodGet, path, nil, out)
}

func randSuffix() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func randLetters(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = 'A' + b[i]%26
	}
	return string(b)
}

// ---------------------------------------------------------------- keys

// createBoardKey creates a board API key (pcp_board_…, no expiry) and returns
// its token; the key is revoked when the test ends. Leaving out expiresAt would
// give a 30-day key.
func createBoardKey(t testing.TB) string {
	t.Helper()
	a := newAPI(t)
	var key struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/board-api-keys",
		map[string]any{"name": "it-board-" + randSuffix(), "expiresAt": nil}, &key)
	if key.ID == "" || !strings.HasPrefix(key.Token, "pcp_board_") {
		t.Fatalf("board key answer without id or pcp_board_ token: %+v", key)
	}
	t.Cleanup(func() { a.do(http.MethodDelete, "/board-api-keys/"+key.ID, nil, nil) })
	return key.Token
}

// createAgentKey creates an agent API key (pcp_…, scope standard) for agentID
// and returns its token; the key is revoked when the test ends. It acts as
// that agent: own company only, board-only routes answer 403.
func createAgentKey(t testing.TB, agentID string) string {
	t.Helper()
	a := newAPI(t)
	var key struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/agents/"+agentID+"/keys",
		map[string]any{"name": "it-agent-" + randSuffix()}, &key)
	if key.ID == "" || !strings.HasPrefix(key.Token, "pcp_") {
		t.Fatalf("agent key answer without id or pcp_ token: %+v", key)
	}
	t.Cleanup(func() { a.do(http.MethodDelete, "/agents/"+agentID+"/keys/"+key.ID, nil, nil) })
	return key.Token
}

// ---------------------------------------------------------------- the seeded world

// Run holds the fields of a heartbeat run the tests look at
// (GET /api/heartbeat-runs/{id} returns ~10 KB; the rest is ignored).
type Run struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	AgentID          string  `json:"agentId"`
	Status           string  `json:"status"`
	InvocationSource string  `json:"invocationSource"`
	TriggerDetail    string  `json:"triggerDetail"`
	ExitCode         *int    `json:"exitCode"`
	Signal           *string `json:"signal"`
	Error            *string `json:"error"`
	ErrorCode        *string `json:"errorCode"`
	LogBytes         *int64  `json:"logBytes"`
	StdoutExcerpt    *string `json:"stdoutExcerpt"`
	StderrExcerpt    *string `json:"stderrExcerpt"`
	StartedAt        *string `json:"startedAt"`
	FinishedAt       *string `json:"finishedAt"`
	CreatedAt        string  `json:"createdAt"`
}

// terminalRunStatus: the statuses a run does not leave. "queued",
// "scheduled_retry" and "running" are the others.
var terminalRunStatus = map[string]bool{
	"succeeded": true, "failed": true, "cancelled": true, "timed_out": true, "interrupted": true,
}

// World is what seedWorld creates, once per test binary.
type World struct {
	CompanyID   string
	CompanyName string
	IssuePrefix string
	// Agents maps the agent name (ok, fail, biglog, slow) to its id.
	Agents map[string]string
	// Runs maps the agent name to the ids of the runs seeding started, in
	// creation order (the order of the wakeup calls). slow has none.
	Runs map[string][]string
	// Final holds each seeded run as REST reported it once terminal, by run id.
	Final map[string]Run
	// SeedDuration is how long seeding took.
	SeedDuration time.Duration
}

// RunCount is the number of runs seeding started (all terminal by now).
func (w *World) RunCount() int {
	n := 0
	for _, ids := range w.Runs {
		n += len(ids)
	}
	return n
}

// The agents' process-adapter scripts (/bin/sh -c, dash on Debian). Every run
// also gets PAPERCLIP_API_URL, PAPERCLIP_API_KEY (a run JWT), PAPERCLIP_RUN_ID,
// PAPERCLIP_AGENT_ID and PAPERCLIP_COMPANY_ID in its environment.
const (
	okScript = `echo "ok: hello from run $PAPERCLIP_RUN_ID"
echo "ok: agent $PAPERCLIP_AGENT_ID marker=$IT_MARKER"
echo "ok: a line on stderr" >&2
echo "ok: done"`

	failScript = `echo "fail: starting"
echo "fail: something went wrong" >&2
exit 3`

	// slow is for live-run and cancel tests; seeding never wakes it.
	slowScript = `echo "slow: started run $PAPERCLIP_RUN_ID"
sleep 60
echo "slow: finished"`

	bigLogIterations = 120
)

// bigLogScript prints bigLogIterations rounds of four stdout lines (ASCII plus
// é, ü, 日本語 and 🚀) and, every tenth round, one stderr line, pausing 20 ms
// between rounds so the output arrives as many separate chunks (one NDJSON log
// line each). The output is deterministic: bigLogStdout and bigLogStderr give
// it byte for byte: 39 973 bytes of stdout, 624 of stderr. How the server cuts
// that into chunks is NOT deterministic (211 stdout chunks in one run, 303 in
// the next), so neither is the run's logBytes (57-65 KB: each chunk costs a
// JSON envelope). The 120 in the loop must match bigLogIterations.
const bigLogScript = `i=1
while [ "$i" -le 120 ]; do
  printf 'biglog %03d ascii: the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\n' "$i"
  printf 'biglog %03d latin: café crème brûlée, naïve façade, Müller über Größe, déjà vu\n' "$i"
  printf 'biglog %03d cjk: 日本語のテキスト、東京都、漢字とひらがなとカタカナ。\n' "$i"
  printf 'biglog %03d emoji: 🚀 launch 🚀🚀 é ü 日本語 🚀 end\n' "$i"
  if [ $((i % 10)) -eq 0 ]; then
    printf 'biglog %03d stderr: Warnung für Größe 日本 🚀\n' "$i" >&2
  fi
  sleep 0.02
  i=$((i + 1))
done
echo 'biglog: done'`

// bigLogStdout is exactly what bigLogScript writes to stdout.
func bigLogStdout() string {
	var b strings.Builder
	for i := 1; i <= bigLogIterations; i++ {
		fmt.Fprintf(&b, "biglog %03d ascii: the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\n", i)
		fmt.Fprintf(&b, "biglog %03d latin: café crème brûlée, naïve façade, Müller über Größe, déjà vu\n", i)
		fmt.Fprintf(&b, "biglog %03d cjk: 日本語のテキスト、東京都、漢字とひらがなとカタカナ。\n", i)
		fmt.Fprintf(&b, "biglog %03d emoji: 🚀 launch 🚀🚀 é ü 日本語 🚀 end\n", i)
	}
	b.WriteString("biglog: done\n")
	return b.String()
}

// bigLogStderr is exactly what bigLogScript writes to stderr.
func bigLogStderr() string {
	var b strings.Builder
	for i := 10; i <= bigLogIterations; i += 10 {
		fmt.Fprintf(&b, "biglog %03d stderr: Warnung für Größe 日本 🚀\n", i)
	}
	return b.String()
}

type seedAgent struct {
	name, title, script string
	wakes               int
}

var seedAgents = []seedAgent{
	{"ok", "Succeeds", okScript, 6},
	{"fail", "Fails with exit 3", failScript, 2},
	{"biglog", "Writes ~40 KB of mixed UTF-8", bigLogScript, 1},
	{"slow", "Sleeps 60 s", slowScript, 0},
}

var (
	seedOnce sync.Once
	seeded   *World
)

// seedWorld creates the shared world on first use and returns it; later calls
// return the same world. If seeding fails, the test that triggered it fails
// with the reason, and every later caller fails too.
func seedWorld(t *testing.T) *World {
	t.Helper()
	requireServer(t)
	seedOnce.Do(func() { seeded = buildWorld(t) })
	if seeded == nil {
		t.Fatal("seeding the Paperclip world failed earlier in this test binary (see the first test that called seedWorld)")
	}
	return seeded
}

func buildWorld(t *testing.T) *World {
	t.Helper()
	start := time.Now()
	a := newAPI(t)
	w := &World{
		// The server derives the issue prefix from the first three letters of
		// the name and, when taken, appends "A"s (MCP, MCPA, MCPAA, ...), so a
		// fixed leading word would grow the prefix on every run against the
		// same data dir. Three random leading letters keep it short and fresh.
		CompanyName: randLetters(3) + " MCP IT " + randSuffix(),
		Agents:      map[string]string{},
		Runs:        map[string][]string{},
		Final:       map[string]Run{},
	}

	var company struct {
		ID          string `json:"id"`
		IssuePrefix string `json:"issuePrefix"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies",
		map[string]any{"name": w.CompanyName, "description": "seeded by test/integration"}, &company)
	w.CompanyID, w.IssuePrefix = company.ID, company.IssuePrefix

	for _, ag := range seedAgents {
		var agent struct {
			ID string `json:"id"`
		}
		a.expect(http.StatusCreated, http.MethodPost, "/companies/"+w.CompanyID+"/agents", map[string]any{
			"name":        ag.name,
			"role":        "engineer",
			"title":       ag.title,
			"adapterType": "process",
			"adapterConfig": map[string]any{
				"command":    "/bin/sh",
				"args":       []string{"-c", ag.script},
				"cwd":        "/tmp",
				"env":        map[string]string{"IT_MARKER": "marker-" + ag.name},
				"timeoutSec": 120,
			},
		}, &agent)
		w.Agents[ag.name] = agent.ID
	}

	// Wake back to back, without waiting: the runs overlap (an agent allows
	// maxConcurrentRuns 20 by default). The server does not coalesce
	// wakeups, not even with equal reasons; distinct ones just label the runs.
	for _, ag := range seedAgents {
		for i := 1; i <= ag.wakes; i++ {
			var run struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			var body []byte
			a.expect(http.StatusAccepted, http.MethodPost, "/agents/"+w.Agents[ag.name]+"/wakeup", map[string]any{
				"source":        "on_demand",
				"triggerDetail": "manual",
				"reason":        fmt.Sprintf("seed %s #%d", ag.name, i),
			}, &body)
			// A wakeup the server declines is also 202, as {"status":"skipped","reason",...} without a run id.
			if err := json.Unmarshal(body, &run); err != nil || run.ID == "" || run.Status == "skipped" {
				t.Fatalf("wakeup of %s #%d did not queue a run: %s", ag.name, i, clip(body))
			}
			w.Runs[ag.name] = append(w.Runs[ag.name], run.ID)
		}
	}

	// Poll every run until it is terminal: at most 90 s in all, every 300 ms.
	deadline := time.Now().Add(90 * time.Second)
	pending := map[string]string{} // run id -> agent name
	for name, ids := range w.Runs {
		for _, id := range ids {
			pending[id] = name
		}
	}
	for len(pending) > 0 {
		for id := range pending {
			var r Run
			a.do(http.MethodGet, "/heartbeat-runs/"+id, nil, &r)
			if terminalRunStatus[r.Status] {
				w.Final[id] = r
				delete(pending, id)
			}
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var left []string
			for id, name := range pending {
				left = append(left, name+"/"+id)
			}
			sort.Strings(left)
			t.Fatalf("seeded runs not terminal after 90 s: %s", strings.Join(left, ", "))
		}
		time.Sleep(300 * time.Millisecond)
	}
	w.SeedDuration = time.Since(start)
	t.Logf("seeded company %s (%q, prefix %s): %d agents, %d runs in %s",
		w.CompanyID, w.CompanyName, w.IssuePrefix, len(w.Agents), w.RunCount(), w.SeedDuration.Round(time.Millisecond))
	return w
}
