package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Run is a heartbeat run as Paperclip returns it (the fields this server uses).
type Run struct {
	ID               string          `json:"id"`
	CompanyID        string          `json:"companyId"`
	AgentID          string          `json:"agentId"`
	InvocationSource string          `json:"invocationSource"`
	TriggerDetail    string          `json:"triggerDetail"`
	Status           string          `json:"status"`
	StartedAt        *string         `json:"startedAt"`
	FinishedAt       *string         `json:"finishedAt"`
	CreatedAt        string          `json:"createdAt"`
	Error            *string         `json:"error"`
	ErrorCode        *string         `json:"errorCode"`
	ExitCode         *int            `json:"exitCode"`
	Signal           *string         `json:"signal"`
	LogBytes         *int64          `json:"logBytes"`
	StdoutExcerpt    *string         `json:"stdoutExcerpt"`
	StderrExcerpt    *string         `json:"stderrExcerpt"`
	ContextSnapshot  json.RawMessage `json:"contextSnapshot"`
	Execution        *RunExecution   `json:"execution"`
}

// IsFinal reports whether a run status is final: the run will not change.
func IsFinal(status string) bool {
	switch status {
	case "succeeded", "failed", "cancelled", "timed_out", "interrupted":
		return true
	}
	return false
}

// RunExecution is the server's summary of where a run's execution stands.
type RunExecution struct {
	Phase string `json:"phase"`
	Label string `json:"label"`
	Cause string `json:"cause"`
}

// WakeReason reads contextSnapshot.wakeReason, what the waker said.
func (r *Run) WakeReason() string {
	var snap struct {
		WakeReason string `json:"wakeReason"`
	}
	if len(r.ContextSnapshot) > 0 && json.Unmarshal(r.ContextSnapshot, &snap) == nil {
		return snap.WakeReason
	}
	return ""
}

// RunEvent is one event of a run. seq is per run from 1 and is the cursor;
// id is global.
type RunEvent struct {
	ID        int64           `json:"id"`
	Seq       int64           `json:"seq"`
	EventType string          `json:"eventType"`
	Stream    *string         `json:"stream"`
	Level     *string         `json:"level"`
	Message   *string         `json:"message"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt string          `json:"createdAt"`
}

// RunLogSlice is one byte slice of a run's NDJSON log. NextOffset is present
// only while more bytes exist now.
type RunLogSlice struct {
	RunID      string `json:"runId"`
	Store      string `json:"store"`
	Content    string `json:"content"`
	NextOffset *int64 `json:"nextOffset"`
}

// ListRuns lists a company's runs, newest first. limit is always sent: without
// it Paperclip returns every run the company ever had.
func (c *Client) ListRuns(ctx context.Context, companyID, agentID string, limit int) ([]Run, error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}, "summary": {"true"}}
	if agentID != "" {
		q.Set("agentId", agentID)
	}
	var out []Run
	err := c.do(ctx, request{route: routeListRuns, params: []string{companyID}, query: q}, &out)
	return out, err
}

// ListLiveRuns lists a company's queued and running runs (Paperclip caps limit at 50).
func (c *Client) ListLiveRuns(ctx context.Context, companyID string, limit int) ([]Run, error) {
	var out []Run
	err := c.do(ctx, request{route: routeListLiveRuns, params: []string{companyID},
		query: url.Values{"limit": {strconv.Itoa(limit)}}}, &out)
	return out, err
}

// GetRun fetches one run.
func (c *Client) GetRun(ctx context.Context, runID string) (*Run, error) {
	var out Run
	if err := c.do(ctx, request{route: routeGetRun, params: []string{runID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// finalRuns remembers the status and log size of finished runs, which never
// change, so that a log reader does not fetch the whole run (about 10 KB)
// again for every slice. Bounded: it is emptied when full.
type finalRuns struct {
	mu sync.Mutex
	m  map[string]Run
}

const finalRunsMax = 512

// GetRunLogInfo returns a run with at least its id, status and logBytes:
// from memory for a finished run read before, else from Paperclip.
func (c *Client) GetRunLogInfo(ctx context.Context, runID string) (*Run, error) {
	key := CallerScope(ctx) + "|" + runID // one caller's reads are not another's
	c.final.mu.Lock()
	r, ok := c.final.m[key]
	c.final.mu.Unlock()
	if ok {
		return &r, nil
	}
	run, err := c.GetRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	if IsFinal(run.Status) && run.LogBytes != nil {
		c.final.mu.Lock()
		if len(c.final.m) >= finalRunsMax {
			c.final.m = map[string]Run{}
		}
		c.final.m[key] = Run{ID: run.ID, CompanyID: run.CompanyID, AgentID: run.AgentID, Status: run.Status, LogBytes: run.LogBytes}
		c.final.mu.Unlock()
	}
	return run, nil
}

// ListRunEvents returns events with seq > afterSeq, in seq order.
func (c *Client) ListRunEvents(ctx context.Context, runID string, afterSeq int64, limit int) ([]RunEvent, error) {
	var out []RunEvent
	err := c.do(ctx, request{route: routeListRunEvents, params: []string{runID},
		query: url.Values{"afterSeq": {strconv.FormatInt(afterSeq, 10)}, "limit": {strconv.Itoa(limit)}}}, &out)
	return out, err
}

// GetRunLog reads limitBytes bytes of the run's log from offset. The server
// decodes the slice as UTF-8 on its own, so a multi-byte character cut by
// the slice comes back as U+FFFD: callers must trim (see tools).
func (c *Client) GetRunLog(ctx context.Context, runID string, offset int64, limitBytes int) (*RunLogSlice, error) {
	var out RunLogSlice
	err := c.do(ctx, request{route: routeGetRunLog, params: []string{runID},
		query: url.Values{"offset": {strconv.FormatInt(offset, 10)}, "limitBytes": {strconv.Itoa(limitBytes)}}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelRun cancels a run (board only). A finished run comes back unchanged.
func (c *Client) CancelRun(ctx context.Context, runID string) (*Run, error) {
	var out Run
	if err := c.do(ctx, request{route: routeCancelRun, params: []string{runID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WakeupRequest is the body of POST /agents/{id}/wakeup.
type WakeupRequest struct {
	Source            string         `json:"source,omitempty"`
	TriggerDetail     string         `json:"triggerDetail,omitempty"`
	Reason            string         `json:"reason,omitempty"`
	Payload           map[string]any `json:"payload,omitempty"`
	IdempotencyKey    string         `json:"idempotencyKey,omitempty"`
	ForceFreshSession bool           `json:"forceFreshSession,omitempty"`
}

// WakeupResult is either a queued run (Run set) or a skip (Status "skipped").
type WakeupResult struct {
	Run     *Run
	Status  string
	Reason  string
	Message string
}

// WakeupAgent asks Paperclip to run an agent now. 202 with the run, or 202
// with {status:"skipped", reason, message}.
func (c *Client) WakeupAgent(ctx context.Context, agentID string, body WakeupRequest) (*WakeupResult, error) {
	var raw Raw
	if err := c.do(ctx, request{route: routeWakeAgent, params: []string{agentID}, body: body}, &raw); err != nil {
		return nil, err
	}
	return decodeWakeup(raw, http.MethodPost, "/api/agents/"+agentID+"/wakeup")
}

// InvokeHeartbeat is the legacy twin of WakeupAgent
// (POST /api/agents/{agentId}/heartbeat/invoke; source on_demand; 202).
func (c *Client) InvokeHeartbeat(ctx context.Context, agentID string) (*WakeupResult, error) {
	var raw Raw
	if err := c.do(ctx, request{route: routeInvokeHeartbeat, params: []string{agentID}}, &raw); err != nil {
		return nil, err
	}
	return decodeWakeup(raw, http.MethodPost, "/api/agents/"+agentID+"/heartbeat/invoke")
}

// decodeWakeup reads a wake answer: a queued run, or a skip.
func decodeWakeup(raw Raw, method, path string) (*WakeupResult, error) {
	var probe struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if err := decodeJSON(raw.Body, &probe, method, path, raw.Status); err != nil {
		return nil, err
	}
	if probe.Status == "skipped" || probe.ID == "" {
		return &WakeupResult{Status: probe.Status, Reason: probe.Reason, Message: probe.Message}, nil
	}
	var run Run
	if err := decodeJSON(raw.Body, &run, method, path, raw.Status); err != nil {
		return nil, err
	}
	return &WakeupResult{Run: &run, Status: run.Status}, nil
}

// Health is GET /api/health (public).
type Health struct {
	Status         string `json:"status"`
	Version        string `json:"version"`
	DeploymentMode string `json:"deploymentMode"`
}

// Health reads /api/health.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var out Health
	if err := c.do(ctx, request{route: routeHealth}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeListRuns        = route(http.MethodGet, "/companies/{companyId}/heartbeat-runs")
	routeListLiveRuns    = route(http.MethodGet, "/companies/{companyId}/live-runs")
	routeGetRun          = route(http.MethodGet, "/heartbeat-runs/{runId}")
	routeListRunEvents   = route(http.MethodGet, "/heartbeat-runs/{runId}/events")
	routeGetRunLog       = route(http.MethodGet, "/heartbeat-runs/{runId}/log")
	routeCancelRun       = route(http.MethodPost, "/heartbeat-runs/{runId}/cancel")
	routeInvokeHeartbeat = route(http.MethodPost, "/agents/{agentId}/heartbeat/invoke")
	routeWakeAgent       = route(http.MethodPost, "/agents/{agentId}/wakeup")
	routeHealth          = route(http.MethodGet, "/health")
)
