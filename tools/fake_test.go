package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// fakePaperclip is a hermetic TEST DOUBLE of the heartbeat-run routes, for
// unit tests only. It answers the way paperclip-api.md says the real server
// does (bare arrays, no offset, limit clamps, ignored status filter, log
// slices decoded on their own as Node does, 404 "Run log not found"). The
// real server is exercised by test/integration.
type fakePaperclip struct {
	mu       sync.Mutex
	runs     []client.Run // newest first
	events   map[string][]client.RunEvent
	logs     map[string][]byte
	requests []string
	listCap  int // rows a list returns at most (Paperclip: 1000)
	agents   []client.Agent
	fail     map[string]int
	// companies that exist (GET /companies/{id} answers 200); testCompany by default.
	companies []client.Company
	// me is what GET /agents/me answers (an agent key); nil: 401, as for a board.
	me *client.Agent
}

func newFake() *fakePaperclip {
	return &fakePaperclip{events: map[string][]client.RunEvent{}, logs: map[string][]byte{}, listCap: 1000, fail: map[string]int{},
		companies: []client.Company{{ID: testCompany, Name: "Test Co", Status: "active"}}}
}

func (f *fakePaperclip) serve(t *testing.T) *Deps {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, Retries: -1})
	require.NoError(t, err)
	return &Deps{Client: c}
}

func (f *fakePaperclip) addRun(r client.Run) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append([]client.Run{r}, f.runs...)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakePaperclip) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	recordRoute(r.Method, r.URL.EscapedPath())
	if code, ok := f.fail[r.URL.Path]; ok {
		writeJSON(w, code, map[string]string{"error": http.StatusText(code)})
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	q := r.URL.Query()
	clamp := func(s string, def, lo, hi int) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return def
		}
		return max(lo, min(hi, n))
	}
	switch {
	case len(parts) == 1 && parts[0] == "companies":
		writeJSON(w, 200, f.companies)
	case len(parts) == 2 && parts[0] == "agents" && parts[1] == "me":
		if f.me == nil {
			writeJSON(w, 401, map[string]string{"error": "Agent authentication required"})
			return
		}
		writeJSON(w, 200, f.me)
	case len(parts) == 2 && parts[0] == "companies":
		for _, c := range f.companies {
			if c.ID == parts[1] {
				writeJSON(w, 200, c)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"error": "Company not found"})
	case len(parts) == 3 && parts[0] == "companies" && parts[2] == "heartbeat-runs":
		limit := len(f.runs)
		if q.Has("limit") {
			limit = clamp(q.Get("limit"), 200, 1, f.listCap)
		}
		out := []client.Run{}
		for _, run := range f.runs {
			if run.CompanyID == parts[1] && (q.Get("agentId") == "" || q.Get("agentId") == run.AgentID) {
				out = append(out, run)
			}
		}
		writeJSON(w, 200, out[:min(limit, len(out))])
	case len(parts) == 3 && parts[0] == "companies" && parts[2] == "agents":
		for k := range q {
			writeJSON(w, 400, map[string]string{"error": "Unsupported query parameter: " + k})
			return
		}
		out := []client.Agent{}
		for _, a := range f.agents {
			if a.CompanyID == parts[1] {
				out = append(out, a)
			}
		}
		writeJSON(w, 200, out)
	case len(parts) == 2 && parts[0] == "agents":
		for _, a := range f.agents {
			if a.ID == parts[1] {
				writeJSON(w, 200, a)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"error": "Agent not found"})
	case len(parts) == 3 && parts[0] == "companies" && parts[2] == "live-runs":
		out := []client.Run{}
		for _, run := range f.runs {
			if run.Status == "queued" || run.Status == "running" {
				out = append(out, run)
			}
		}
		writeJSON(w, 200, out)
	case len(parts) >= 2 && parts[0] == "heartbeat-runs":
		if !client.IsUUID(parts[1]) {
			writeJSON(w, 500, map[string]string{"error": "Internal server error"})
			return
		}
		var run *client.Run
		for i := range f.runs {
			if f.runs[i].ID == parts[1] {
				run = &f.runs[i]
			}
		}
		if run == nil {
			writeJSON(w, 404, map[string]string{"error": "Heartbeat run not found"})
			return
		}
		switch {
		case len(parts) == 2:
			writeJSON(w, 200, run)
		case parts[2] == "events":
			after, _ := strconv.ParseInt(q.Get("afterSeq"), 10, 64)
			limit := clamp(q.Get("limit"), 200, 1, 1000)
			out := []client.RunEvent{}
			for _, e := range f.events[run.ID] {
				if e.Seq > after && len(out) < limit {
					out = append(out, e)
				}
			}
			writeJSON(w, 200, out)
		case parts[2] == "log":
			b, ok := f.logs[run.ID]
			if !ok {
				writeJSON(w, 404, map[string]string{"error": "Run log not found"})
				return
			}
			off, _ := strconv.Atoi(q.Get("offset"))
			limit := clamp(q.Get("limitBytes"), 256000, 1, 1048576)
			res := map[string]any{"runId": run.ID, "store": "local_file", "logRef": "x"}
			start := min(off, len(b))
			end := min(start+limit, len(b))
			res["content"] = nodeDecode(b[start:end])
			if end < len(b) {
				res["nextOffset"] = end
			}
			writeJSON(w, 200, res)
		case parts[2] == "cancel" && r.Method == http.MethodPost:
			if !terminal(run.Status) {
				run.Status = "cancelled"
			}
			writeJSON(w, 200, run)
		}
	default:
		writeJSON(w, 404, map[string]string{"error": "API route not found"})
	}
}

// nodeDecode decodes bytes the way Node's Buffer.toString("utf8") does
// (WHATWG): each maximal ill-formed subsequence becomes one U+FFFD.
func nodeDecode(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			sb.WriteRune(r)
			i += size
			continue
		}
		// Ill-formed: skip the lead byte and the continuation bytes that
		// could still belong to it.
		lead := b[i]
		need, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case lead >= 0xC2 && lead <= 0xDF:
			need = 1
		case lead == 0xE0:
			need, lo = 2, 0xA0
		case lead == 0xED:
			need, hi = 2, 0x9F
		case lead >= 0xE1 && lead <= 0xEF:
			need = 2
		case lead == 0xF0:
			need, lo = 3, 0x90
		case lead == 0xF4:
			need, hi = 3, 0x8F
		case lead >= 0xF1 && lead <= 0xF3:
			need = 3
		}
		j := i + 1
		for k := 0; k < need && j < len(b); k++ {
			if b[j] < lo || b[j] > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			j++
		}
		sb.WriteRune(utf8.RuneError)
		i = j
	}
	return sb.String()
}

const (
	testCompany = "11111111-2222-4333-8444-555555555555"
	testAgent   = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
)

// seedRuns adds n runs with ids ...0001..n, alternating statuses.
func (f *fakePaperclip) seedRuns(n int, status func(i int) string) []string {
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		created := base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339Nano)
		f.addRun(client.Run{ID: id, CompanyID: testCompany, AgentID: testAgent, Status: status(i), CreatedAt: created,
			InvocationSource: "on_demand", ContextSnapshot: json.RawMessage(`{"wakeReason":"test"}`)})
		ids = append(ids, id)
	}
	return ids
}
