package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	runID = "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"
	cid   = "11111111-2222-4333-8444-555555555555"
)

// recorder is an httptest server that answers with a scripted sequence and
// records every request it saw.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
	answers  []func(w http.ResponseWriter)
	calls    atomic.Int32
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, req)
	r.bodies = append(r.bodies, string(body))
	i := int(r.calls.Add(1)) - 1
	var answer func(http.ResponseWriter)
	if i < len(r.answers) {
		answer = r.answers[i]
	} else if len(r.answers) > 0 {
		answer = r.answers[len(r.answers)-1]
	}
	r.mu.Unlock()
	if answer == nil {
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{}`))
		return
	}
	answer(w)
}

func status(code int, body string, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

func newTest(t *testing.T, cfg Config, answers ...func(http.ResponseWriter)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{answers: answers}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.RetryWait == 0 {
		cfg.RetryWait = time.Millisecond
		cfg.MaxRetryWait = 5 * time.Millisecond
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, rec
}

func TestNormalizeBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:3100":        "http://127.0.0.1:3100",
		"http://127.0.0.1:3100/":       "http://127.0.0.1:3100",
		"http://127.0.0.1:3100/api":    "http://127.0.0.1:3100",
		"http://127.0.0.1:3100/api/":   "http://127.0.0.1:3100",
		" https://pc.example.com/api ": "https://pc.example.com",
		"https://host/prefix/api":      "https://host/prefix",
	} {
		got, err := NormalizeBaseURL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "127.0.0.1:3100", "ftp://x", "http://", "http://u:p@host", "http://h/?q=1"} {
		_, err := NormalizeBaseURL(bad)
		assert.Error(t, err, bad)
	}
}

func TestBearerAndRunIDHeaders(t *testing.T) {
	c, rec := newTest(t, Config{APIKey: "pcp_board_secret", RunID: runID})
	_, err := c.GetRun(context.Background(), runID)
	require.NoError(t, err)
	_, err = c.CancelRun(context.Background(), runID)
	require.NoError(t, err)

	get, post := rec.requests[0], rec.requests[1]
	assert.Equal(t, "Bearer pcp_board_secret", get.Header.Get("Authorization"))
	assert.Equal(t, "/api/heartbeat-runs/"+runID, get.URL.Path)
	assert.Empty(t, get.Header.Get("X-Paperclip-Run-Id"), "never on reads")
	assert.Equal(t, runID, post.Header.Get("X-Paperclip-Run-Id"), "on mutations")
	assert.Equal(t, "/api/heartbeat-runs/"+runID+"/cancel", post.URL.Path)
	assert.Equal(t, "{}", rec.bodies[1], "a POST always sends a JSON body")
}

func TestNoAuthorizationWithoutKeyAndNoBogusRunID(t *testing.T) {
	c, rec := newTest(t, Config{RunID: "not-a-uuid"})
	_, err := c.CancelRun(context.Background(), runID)
	require.NoError(t, err)
	assert.Empty(t, rec.requests[0].Header.Get("Authorization"))
	assert.Empty(t, rec.requests[0].Header.Get("X-Paperclip-Run-Id"), "a non-UUID run id is never sent")
}

func TestRunsListAlwaysSendsLimit(t *testing.T) {
	c, rec := newTest(t, Config{}, status(200, `[]`))
	_, err := c.ListRuns(context.Background(), cid, "", 7)
	require.NoError(t, err)
	q := rec.requests[0].URL.Query()
	assert.Equal(t, "7", q.Get("limit"))
	assert.Equal(t, "true", q.Get("summary"))
	assert.False(t, q.Has("agentId"))
}

func TestGetRetriesGatewayErrorsThenSucceeds(t *testing.T) {
	for _, code := range []int{502, 503, 504} {
		c, rec := newTest(t, Config{}, status(code, `{"error":"bad gateway"}`), status(200, `{"id":"`+runID+`","status":"succeeded"}`))
		r, err := c.GetRun(context.Background(), runID)
		require.NoError(t, err, code)
		assert.Equal(t, "succeeded", r.Status)
		assert.Equal(t, int32(2), rec.calls.Load(), code)
	}
}

func TestGetRetriesAreBounded(t *testing.T) {
	c, rec := newTest(t, Config{Retries: 2}, status(503, `{"error":"unavailable"}`))
	_, err := c.GetRun(context.Background(), runID)
	apiErr, ok := AsAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 503, apiErr.Status)
	assert.Equal(t, int32(3), rec.calls.Load(), "1 try + 2 retries")
}

func TestMutationsAreNeverRetried(t *testing.T) {
	for _, code := range []int{429, 502, 503, 504} {
		c, rec := newTest(t, Config{}, status(code, `{"error":"x"}`), status(200, `{}`))
		_, err := c.CancelRun(context.Background(), runID)
		require.Error(t, err, code)
		assert.Equal(t, int32(1), rec.calls.Load(), "POST with %d must be sent once", code)
	}
}

func TestMutationNotRetriedOnTransportError(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close() // no answer at all
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, RetryWait: time.Millisecond})
	require.NoError(t, err)
	_, err = c.WakeupAgent(context.Background(), runID, WakeupRequest{})
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, int32(1), calls.Load())

	_, err = c.GetRun(context.Background(), runID)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, int32(1+1+DefaultRetries), calls.Load(), "GETs retry transport errors")
}

func TestRetryAfterIsHonouredAndBounded(t *testing.T) {
	c, rec := newTest(t, Config{}, status(429, `{"error":"Too many requests"}`, "Retry-After", "1"), status(200, `[]`))
	start := time.Now()
	_, err := c.ListRunEvents(context.Background(), runID, 0, 10)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited what Retry-After asked")
	assert.Equal(t, int32(2), rec.calls.Load())

	// A Retry-After beyond MaxRetryAfter is not waited for: the 429 comes back.
	c, rec = newTest(t, Config{}, status(429, `{"error":"Too many requests"}`, "Retry-After", "3600"))
	_, err = c.ListRunEvents(context.Background(), runID, 0, 10)
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, 429, apiErr.Status)
	assert.Equal(t, 3600, apiErr.RetryAfter)
	assert.Equal(t, int32(1), rec.calls.Load())
}

func TestAPIErrorDecoding(t *testing.T) {
	c, _ := newTest(t, Config{}, status(400, `{"error":"Validation error","details":[{"path":["source"],"message":"Invalid option"}]}`))
	_, err := c.WakeupAgent(context.Background(), runID, WakeupRequest{Source: "bogus"})
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, 400, apiErr.Status)
	assert.Equal(t, "Validation error", apiErr.Message)
	assert.NotNil(t, apiErr.Details)
	assert.Equal(t, "/api/agents/"+runID+"/wakeup", apiErr.Path)

	c, _ = newTest(t, Config{}, status(404, `{"error":"API route not found"}`))
	_, err = c.GetRun(context.Background(), runID)
	assert.True(t, IsRouteMissing(err))

	c, _ = newTest(t, Config{}, func(w http.ResponseWriter) { w.WriteHeader(500); _, _ = w.Write([]byte("<html>oops</html>")) })
	_, err = c.GetRun(context.Background(), runID)
	apiErr, _ = AsAPIError(err)
	require.NotNil(t, apiErr)
	assert.Equal(t, "<html>oops</html>", apiErr.Message)
}

func TestPathSegmentsCannotEscape(t *testing.T) {
	c, rec := newTest(t, Config{})
	for _, bad := range []string{"..", ".", ""} {
		_, err := c.GetRun(context.Background(), bad)
		assert.Error(t, err, bad)
	}
	_, err := c.GetRun(context.Background(), "a/../../companies")
	require.NoError(t, err)
	assert.Equal(t, "/api/heartbeat-runs/a%2F..%2F..%2Fcompanies", rec.requests[0].URL.EscapedPath(), "a slash stays inside the segment")
	assert.Equal(t, int32(1), rec.calls.Load())
}

func TestWakeupSkippedAndQueued(t *testing.T) {
	c, _ := newTest(t, Config{},
		status(202, `{"status":"skipped","reason":"agent_paused","message":"Agent is paused"}`),
		status(202, `{"id":"`+runID+`","status":"queued","agentId":"a"}`))
	res, err := c.WakeupAgent(context.Background(), runID, WakeupRequest{Reason: "r"})
	require.NoError(t, err)
	assert.Nil(t, res.Run)
	assert.Equal(t, "agent_paused", res.Reason)
	res, err = c.WakeupAgent(context.Background(), runID, WakeupRequest{})
	require.NoError(t, err)
	require.NotNil(t, res.Run)
	assert.Equal(t, runID, res.Run.ID)
}

func TestTimeoutIsATransportError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Timeout: 50 * time.Millisecond, Retries: -1})
	require.NoError(t, err)
	_, err = c.GetRun(context.Background(), runID)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Timeout)
}

func TestErrorTextsCarryNoKey(t *testing.T) {
	key := "pcp_board_topsecret_value"
	c, _ := newTest(t, Config{APIKey: key}, status(401, `{"error":"Agent token did not verify; obtain fresh credentials and retry"}`))
	_, err := c.GetRun(context.Background(), runID)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), key)
	b, _ := json.Marshal(err)
	assert.NotContains(t, string(b), key)
	assert.False(t, strings.Contains(c.Origin(), key))
}

func TestFinishedRunLogInfoIsRemembered(t *testing.T) {
	c, rec := newTest(t, Config{},
		status(200, `{"id":"`+runID+`","status":"running","logBytes":10}`),
		status(200, `{"id":"`+runID+`","status":"succeeded","logBytes":20}`))
	for i, want := range []int64{10, 20, 20, 20} {
		r, err := c.GetRunLogInfo(context.Background(), runID)
		require.NoError(t, err)
		assert.Equal(t, want, *r.LogBytes, "call %d", i)
	}
	assert.Equal(t, int32(2), rec.calls.Load(), "a running run is read again; a finished one is not")
}

// An answer over MaxBodyBytes is refused as it streams in, and not retried.
func TestBodyOverTheCeilingIsRefusedNotRetried(t *testing.T) {
	var hits, written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		_, _ = w.Write([]byte(`{"a":"`))
		for i := 0; i < 50; i++ { // 50 MiB, unless the client stops reading
			if _, err := w.Write(chunk); err != nil {
				return
			}
			written.Add(int64(len(chunk)))
		}
		_, _ = w.Write([]byte(`"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Retries: 2, RetryWait: time.Millisecond, MaxRetryWait: time.Millisecond})
	require.NoError(t, err)
	_, err = c.GetCompany(context.Background(), "c0000000-0000-4000-8000-000000000001")
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Contains(t, err.Error(), "larger than 8 MiB")
	assert.Equal(t, int64(1), hits.Load(), "not retried")
	time.Sleep(50 * time.Millisecond) // the server's last writes fail once the client has closed
	assert.Less(t, written.Load(), int64(MaxBodyBytes+8<<20), "the client stopped reading near the ceiling (plus what the sockets buffer), not at 50 MiB")
}

// On loopback the client asks for no compression; elsewhere it does.
func TestCompressionOnlyOffLoopback(t *testing.T) {
	var enc atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc.Store(r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"c0000000-0000-4000-8000-000000000001","name":"x"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL})
	require.NoError(t, err)
	_, err = c.GetCompany(context.Background(), "c0000000-0000-4000-8000-000000000001")
	require.NoError(t, err)
	assert.Empty(t, enc.Load(), "no gzip asked of a server on loopback")
	for origin, want := range map[string]bool{"http://127.0.0.1:3100": true, "http://localhost:3100": true, "http://[::1]:3100": true,
		"http://10.0.0.5:3100": false, "https://paperclip.example.com": false} {
		assert.Equal(t, want, isLoopback(origin), origin)
	}
}
