// Package bench measures paperclip-mcp as a process: start-up to tools/list,
// peak resident memory, and the latency a tool call adds over the same
// request made directly over HTTP. Benchmarks, not timed tests: run with
// `make bench` (go test -bench . ./test/bench).
//
// The target Paperclip is PAPERCLIP_BENCH_URL (a real server, as make bench
// starts); without it the per-call benchmark uses an in-process stand-in
// that serves one canned 10 KB run, so that only our overhead is measured.
package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// proc is the binary under raw JSON-RPC over pipes: no client library in the
// measured path.
type proc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
	id  int
}

func start(b *testing.B, env ...string) *proc {
	b.Helper()
	cmd := exec.Command(stdio.Binary(b))
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "PAPERCLIP_MCP_LOG_LEVEL=warn"}, env...)
	if prof := os.Getenv("PAPERCLIP_MCP_CPUPROFILE"); prof != "" {
		// The server writes a CPU profile (each server started overwrites
		// it: run one benchmark with -bench for a profile of it).
		cmd.Env = append(cmd.Env, "PAPERCLIP_MCP_CPUPROFILE="+prof)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return &proc{cmd: cmd, in: in, out: bufio.NewReaderSize(outPipe, 1<<20)}
}

func (p *proc) request(b *testing.B, method string, params any) json.RawMessage {
	p.id++
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": p.id, "method": method, "params": params})
	if _, err := p.in.Write(append(msg, '\n')); err != nil {
		b.Fatal(err)
	}
	prefix := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,`, p.id))
	for {
		line, err := p.out.ReadBytes('\n')
		if err != nil {
			b.Fatalf("%s: %v", method, err)
		}
		// The answer is found by its leading bytes (the server writes "jsonrpc",
		// "id", then "result"), so that parsing a large answer here, which the
		// direct HTTP request does not do either, is not counted as the server's.
		if rest, ok := bytes.CutPrefix(line, prefix); ok && bytes.HasPrefix(rest, []byte(`"result":`)) {
			return bytes.TrimSuffix(bytes.TrimRight(rest[len(`"result":`):], "\n"), []byte("}"))
		}
		var resp struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(line, &resp) == nil && resp.ID == p.id {
			if resp.Error != nil {
				b.Fatalf("%s: %s", method, resp.Error)
			}
			return resp.Result
		}
	}
}

func (p *proc) notify(method string) {
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	_, _ = p.in.Write(append(msg, '\n'))
}

func (p *proc) handshake(b *testing.B) {
	p.request(b, "initialize", map[string]any{"protocolVersion": "2025-11-25", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "bench", "version": "0"}})
	p.notify("notifications/initialized")
}

// peakRSS is the process's high-water resident set (VmHWM) in MB.
func (p *proc) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return -1
}

func (p *proc) stop() {
	_ = p.in.Close()
	_ = p.cmd.Wait()
}

// BenchmarkStartToToolsList: exec, initialize, tools/list answered, with
// the default selection and with the whole catalogue.
func BenchmarkStartToToolsList(b *testing.B) {
	stdio.Binary(b) // build outside the timer
	for _, sel := range []struct{ name, toolsets string }{{"default", "default"}, {"all", "all"}} {
		b.Run(sel.name, func(b *testing.B) {
			var rss float64
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				p := start(b, "PAPERCLIP_API_URL=http://127.0.0.1:9", "PAPERCLIP_TOOLSETS="+sel.toolsets)
				p.handshake(b)
				res := p.request(b, "tools/list", map[string]any{})
				durations = append(durations, time.Since(t0))
				if !bytes.Contains(res, []byte("paperclip_get_heartbeat_run")) {
					b.Fatal("tools/list without the run tools")
				}
				rss = max(rss, p.peakRSS())
				p.stop()
			}
			b.ReportMetric(ms(median(durations)), "ms-to-tools/list(median)")
			b.ReportMetric(rss, "peak-RSS-MB")
		})
	}
}

// BenchmarkToolDefinitionSizes reports, per selection, the bytes of
// tools/list on the wire and of what a host forwards to the model (name,
// description and input schema of each tool). Budgets: default <= 24 KB,
// all <= 90 KB of forwarded bytes.
func BenchmarkToolDefinitionSizes(b *testing.B) {
	for _, sel := range []struct{ name, env string }{
		{"default", "PAPERCLIP_TOOLSETS=default"},
		{"all", "PAPERCLIP_TOOLSETS=all"},
		{"all-read-only", "PAPERCLIP_TOOLSETS=all PAPERCLIP_READ_ONLY=true"},
	} {
		b.Run(sel.name, func(b *testing.B) {
			var wire, forwarded, count int
			for i := 0; i < b.N; i++ {
				p := start(b, append([]string{"PAPERCLIP_API_URL=http://127.0.0.1:9"}, strings.Fields(sel.env)...)...)
				p.handshake(b)
				res := p.request(b, "tools/list", map[string]any{})
				p.stop()
				var list struct {
					Tools []struct {
						Name        string          `json:"name"`
						Description string          `json:"description"`
						InputSchema json.RawMessage `json:"inputSchema"`
					} `json:"tools"`
				}
				if err := json.Unmarshal(res, &list); err != nil {
					b.Fatal(err)
				}
				wire, forwarded, count = len(res), 0, len(list.Tools)
				for _, t := range list.Tools {
					f, _ := json.Marshal(t)
					forwarded += len(f)
				}
			}
			b.ReportMetric(float64(count), "tools")
			b.ReportMetric(float64(forwarded)/1024, "KB-forwarded-to-model")
			b.ReportMetric(float64(wire)/1024, "KB-tools/list-on-wire")
		})
	}
}

// overheadCase is one tool call and the same request made directly.
type overheadCase struct {
	name   string
	tool   string
	args   map[string]any
	direct string // path and query under the origin
}

func overheadCases(companyID, runID string) []overheadCase {
	return []overheadCase{
		{"get_run", "paperclip_get_heartbeat_run", map[string]any{"runId": runID}, "/api/heartbeat-runs/" + runID},
		// The tool asks for one more row than the page, to know whether more exist.
		{"list_runs", "paperclip_list_heartbeat_runs", map[string]any{"companyId": companyID, "limit": 20}, "/api/companies/" + companyID + "/heartbeat-runs?limit=21"},
		{"run_log", "paperclip_get_run_log", map[string]any{"runId": runID, "limitBytes": 16384}, "/api/heartbeat-runs/" + runID + "/log?limitBytes=16384&offset=0"},
	}
}

// BenchmarkToolOverhead alternates each case's tool call through the server
// (response_format=json) with the same request made directly, and reports
// both medians, the difference and their ratio (the budget is 1.05).
func BenchmarkToolOverhead(b *testing.B) {
	base, companyID, runID := target(b)
	for _, c := range overheadCases(companyID, runID) {
		b.Run(c.name, func(b *testing.B) {
			p := start(b, "PAPERCLIP_API_URL="+base, "PAPERCLIP_TOOLSETS=all")
			defer p.stop()
			p.handshake(b)
			httpc := &http.Client{Timeout: 10 * time.Second}
			direct := func() {
				res, err := httpc.Get(base + c.direct)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("direct GET %s: %d", c.direct, res.StatusCode)
				}
			}
			args := map[string]any{"response_format": "json"}
			for k, v := range c.args {
				args[k] = v
			}
			viaMCP := func() {
				res := p.request(b, "tools/call", map[string]any{"name": c.tool, "arguments": args})
				if bytes.Contains(res, []byte(`"isError":true`)) {
					b.Fatalf("tool error: %s", res)
				}
			}
			for i := 0; i < 20; i++ { // warm both paths
				direct()
				viaMCP()
			}
			var dd, dm []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				direct()
				t1 := time.Now()
				viaMCP()
				t2 := time.Now()
				dd, dm = append(dd, t1.Sub(t0)), append(dm, t2.Sub(t1))
			}
			b.StopTimer()
			b.ReportMetric(us(median(dd)), "µs-direct-HTTP(median)")
			b.ReportMetric(us(median(dm)), "µs-via-MCP(median)")
			b.ReportMetric(us(median(dm)-median(dd)), "µs-added(median)")
			b.ReportMetric(float64(median(dm))/float64(median(dd)), "x-direct(median)")
			b.ReportMetric(p.peakRSS(), "peak-RSS-MB")
		})
	}
}

// BenchmarkMemoryAfterCalls: the whole catalogue registered, 1,000 calls
// (the overhead cases in turn), then the peak resident set (budget 25 MB).
func BenchmarkMemoryAfterCalls(b *testing.B) {
	base, companyID, runID := target(b)
	cases := overheadCases(companyID, runID)
	// One process, whatever b.N is (make bench passes 300x for the others).
	p := start(b, "PAPERCLIP_API_URL="+base, "PAPERCLIP_TOOLSETS=all")
	p.handshake(b)
	p.request(b, "tools/list", map[string]any{})
	for n := 0; n < 1000; n++ {
		c := cases[n%len(cases)]
		p.request(b, "tools/call", map[string]any{"name": c.tool, "arguments": c.args})
	}
	rss := p.peakRSS()
	p.stop()
	b.ReportMetric(rss, "peak-RSS-MB-after-1000-calls")
}

// target is a real Paperclip, a company and a finished run on it
// (PAPERCLIP_BENCH_URL, PAPERCLIP_BENCH_COMPANY_ID, PAPERCLIP_BENCH_RUN_ID),
// or a stand-in serving one canned run, its list and its log.
func target(b *testing.B) (string, string, string) {
	if u := os.Getenv("PAPERCLIP_BENCH_URL"); u != "" {
		id, company := os.Getenv("PAPERCLIP_BENCH_RUN_ID"), os.Getenv("PAPERCLIP_BENCH_COMPANY_ID")
		if id == "" || company == "" {
			b.Fatal("PAPERCLIP_BENCH_RUN_ID and PAPERCLIP_BENCH_COMPANY_ID are required with PAPERCLIP_BENCH_URL")
		}
		b.Logf("target: real Paperclip at %s", u)
		return strings.TrimRight(u, "/"), company, id
	}
	const id = "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"
	run := map[string]any{"id": id, "companyId": id, "agentId": id, "status": "failed", "createdAt": "2026-11-26T10:00:00Z",
		"startedAt": "2026-11-26T10:00:00Z", "finishedAt": "2026-11-26T10:00:03Z", "exitCode": 3, "error": "Process exited with code 3",
		"errorCode": "adapter_failed", "logBytes": 57000, "stdoutExcerpt": strings.Repeat("x", 4000), "stderrExcerpt": strings.Repeat("y", 4000),
		"contextSnapshot": map[string]any{"wakeReason": "bench"}}
	body, _ := json.Marshal(run)
	list, _ := json.Marshal([]any{run, run, run})
	agents, _ := json.Marshal([]any{map[string]any{"id": id, "name": "Bench Bot", "status": "error"}})
	log, _ := json.Marshal(map[string]any{"runId": id, "store": "local_file", "logRef": "x", "nextOffset": 16384,
		"content": strings.Repeat(`{"ts":"2026-11-26T10:00:01Z","stream":"stdout","chunk":"bench output line\n"}`+"\n", 200)})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/heartbeat-runs"):
			_, _ = w.Write(list)
		case strings.HasSuffix(r.URL.Path, "/agents"):
			_, _ = w.Write(agents)
		case strings.HasSuffix(r.URL.Path, "/log"):
			_, _ = w.Write(log)
		default:
			_, _ = w.Write(body)
		}
	}))
	b.Cleanup(srv.Close)
	b.Logf("target: in-process stand-in serving a %d-byte run (set PAPERCLIP_BENCH_URL for a real Paperclip)", len(body))
	return srv.URL, id, id
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
