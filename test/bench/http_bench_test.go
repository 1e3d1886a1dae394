package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// BenchmarkHTTPLoad: the server in Streamable HTTP mode (--http, a bearer
// token), 50 concurrent clients, each its own connection, initialize then
// 20 tool calls (the overhead cases in turn): every call answered without
// an error, the per-call p50 and p99, and the server's resident memory
// before the load and after (current and peak). One round, whatever b.N.
func BenchmarkHTTPLoad(b *testing.B) {
	const clients, calls = 50, 20
	base, companyID, runID := target(b)
	cases := overheadCases(companyID, runID)
	token := "bench-token-0123456789abcdef"
	addr := freeAddr(b)
	cmd := exec.Command(stdio.Binary(b), "--http", addr)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "PAPERCLIP_MCP_LOG_LEVEL=warn", "PAPERCLIP_API_URL=" + base,
		"PAPERCLIP_TOOLSETS=all", "PAPERCLIP_MCP_HTTP_TOKEN=" + token}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := "http://" + addr + "/mcp"
	waitHealthy(b, "http://"+addr+"/healthz")
	before := rssOf(cmd.Process.Pid, "VmRSS:")

	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      []string
		wg        sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			post := func(id int, method string, params any) (string, time.Duration, error) {
				body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				req.Header.Set("MCP-Protocol-Version", "2025-11-25")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				res, err := hc.Do(req)
				if err != nil {
					return "", 0, err
				}
				out, err := io.ReadAll(res.Body)
				_ = res.Body.Close()
				d := time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK {
					return "", d, fmt.Errorf("%s: HTTP %d %v: %.200s", method, res.StatusCode, err, out)
				}
				return string(out), d, nil
			}
			fail := func(err error) {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
			}
			if _, _, err := post(0, "initialize", map[string]any{"protocolVersion": "2025-11-25", "capabilities": map[string]any{},
				"clientInfo": map[string]any{"name": "bench", "version": "0"}}); err != nil {
				fail(err)
				return
			}
			for i := 0; i < calls; i++ {
				tc := cases[i%len(cases)]
				args := map[string]any{"response_format": "json"}
				for k, v := range tc.args {
					args[k] = v
				}
				out, d, err := post(i+1, "tools/call", map[string]any{"name": tc.tool, "arguments": args})
				switch {
				case err != nil:
					fail(err)
				case !strings.Contains(out, `"result"`) || strings.Contains(out, `"isError":true`):
					fail(fmt.Errorf("%s: %.300s", tc.tool, out))
				default:
					mu.Lock()
					latencies = append(latencies, d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(errs) > 0 {
		b.Fatalf("%d of %d calls failed; first: %s", len(errs), clients*calls, errs[0])
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	b.ReportMetric(float64(len(latencies)), "calls")
	b.ReportMetric(ms(pct(0.50)), "ms-p50")
	b.ReportMetric(ms(pct(0.99)), "ms-p99")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "calls/s")
	b.ReportMetric(before, "RSS-MB-before")
	b.ReportMetric(rssOf(cmd.Process.Pid, "VmRSS:"), "RSS-MB-after")
	b.ReportMetric(rssOf(cmd.Process.Pid, "VmHWM:"), "peak-RSS-MB")
}

// freeAddr is a loopback address nothing listens on (just now).
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy waits (bounded) for the server's /healthz.
func waitHealthy(b *testing.B, url string) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("%s did not answer within 10 s", url)
}

// rssOf reads a memory line (VmRSS:, VmHWM:) of a process, in MB.
func rssOf(pid int, key string) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, key) {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return -1
}
