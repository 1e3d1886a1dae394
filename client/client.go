// Package client is the Paperclip REST client: one request path on resty,
// typed DTOs per resource, and typed errors (*APIError, *TransportError).
// It knows nothing about MCP.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Config is what the client needs to reach one Paperclip server.
type Config struct {
	// BaseURL is the server origin, with or without a trailing /api.
	BaseURL string
	// APIKey is a board key, an agent key or a run JWT; empty means a
	// local_trusted server, where a request without Authorization acts as the board.
	APIKey string
	// RunID tags mutations with X-Paperclip-Run-Id; ignored unless it is a UUID.
	RunID string
	// Timeout bounds each HTTP attempt. Zero means DefaultTimeout.
	Timeout time.Duration
	// Retries is how many times a GET is tried again (transport error, 429,
	// 502, 503, 504). Negative means none; zero means DefaultRetries.
	Retries int
	// RetryWait is the first back-off; later ones double, capped by MaxRetryWait.
	RetryWait    time.Duration
	MaxRetryWait time.Duration
	// UserAgent is sent on every request.
	UserAgent string
	// Logger receives one debug line per request (method, path, status, time):
	// never a header, a body or the key.
	Logger *slog.Logger
}

// Defaults of the retry policy. A Retry-After longer than MaxRetryAfter is not
// waited for: the 429 goes back to the caller with the delay in it.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultRetries      = 2
	DefaultRetryWait    = 250 * time.Millisecond
	DefaultMaxRetryWait = 2 * time.Second
	MaxRetryAfter       = 10 * time.Second
	// MaxBodyBytes is the most of one answer the client reads: a longer body
	// is refused as it streams in (never buffered whole) and not retried.
	// The largest real answers are a run log slice (1 MiB at most) and the
	// OpenAPI document (1.2 MB). While a body is read, the heap holds up to
	// about twice this.
	MaxBodyBytes = 8 << 20
)

// BodyTooLargeError is an answer longer than MaxBodyBytes, left unread.
type BodyTooLargeError struct{ Method, Path string }

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("Paperclip's answer to %s %s is larger than %d MiB; paperclip-mcp reads at most that much of one answer and stopped. Ask for less: a smaller limit, a filter, or a later offset.",
		e.Method, e.Path, MaxBodyBytes>>20)
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a canonical UUID, the only id form Paperclip's
// run, company and agent routes take without answering 500.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// Client talks to one Paperclip server. It is safe for concurrent use.
type Client struct {
	http    *resty.Client
	origin  string // scheme://host[:port], no /api
	runID   string
	log     *slog.Logger
	timeout time.Duration
	final   *finalRuns
	openapi *openAPICache
}

// NormalizeBaseURL turns what a user gives (origin, origin/api, trailing
// slashes) into the server origin, and rejects what cannot be a Paperclip URL.
func NormalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("the Paperclip API URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the Paperclip API URL %q does not parse: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("the Paperclip API URL %q must start with http:// or https://", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("the Paperclip API URL %q has no host", raw)
	}
	if u.User != nil {
		return "", errors.New("the Paperclip API URL must not carry credentials; use PAPERCLIP_API_KEY")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the Paperclip API URL %q must not have a query or fragment", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api")
	return u.Scheme + "://" + u.Host + p, nil
}

// New builds a client. The configuration is checked here, once.
func New(cfg Config) (*Client, error) {
	origin, err := NormalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.Retries < 0:
		cfg.Retries = 0
	case cfg.Retries == 0:
		cfg.Retries = DefaultRetries
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = DefaultRetryWait
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = DefaultMaxRetryWait
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "paperclip-mcp"
	}
	runID := ""
	if IsUUID(cfg.RunID) {
		runID = cfg.RunID
	}

	r := resty.New().
		SetBaseURL(origin+"/api").
		SetTimeout(cfg.Timeout).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", cfg.UserAgent).
		SetDisableWarn(true).
		SetLogger(quietLogger{cfg.Logger}).
		SetResponseBodyLimit(MaxBodyBytes).
		SetRetryCount(cfg.Retries).
		SetRetryWaitTime(cfg.RetryWait).
		SetRetryMaxWaitTime(MaxRetryAfter).
		SetRetryAfter(retryAfter(cfg.RetryWait, cfg.MaxRetryWait)).
		AddRetryCondition(shouldRetry)
	if cfg.APIKey != "" {
		r.SetAuthToken(cfg.APIKey)
	}
	if t, ok := r.GetClient().Transport.(*http.Transport); ok && isLoopback(origin) {
		// On loopback, gzip costs CPU on both ends and saves nothing: a run
		// read answers about 0.7 ms sooner without it (Paperclip 2026.916.1).
		t.DisableCompression = true
	}
	return &Client{http: r, origin: origin, runID: runID, log: cfg.Logger, timeout: cfg.Timeout,
		final: &finalRuns{m: map[string]Run{}}, openapi: &openAPICache{}}, nil
}

// isLoopback says whether an origin's host is this machine.
func isLoopback(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Origin is the server origin requests go to (no /api, no credentials).
func (c *Client) Origin() string { return c.origin }

// shouldRetry is the whole retry policy: only GETs are retried, and only when
// no answer came, or the answer was 429 with a bearable Retry-After, or a
// gateway error. A POST, PATCH or DELETE is never sent twice.
func shouldRetry(res *resty.Response, err error) bool {
	if res == nil || res.Request == nil || res.Request.Method != http.MethodGet {
		return false
	}
	if ctxErr := res.Request.Context().Err(); ctxErr != nil {
		return false
	}
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return false // the same answer again would be as large
	}
	if err != nil {
		return true
	}
	switch res.StatusCode() {
	case http.StatusTooManyRequests:
		return retryAfterHeader(res) <= MaxRetryAfter
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter waits what a 429 asks (bounded by MaxRetryAfter through the
// retry condition), else a doubling back-off from first to max.
func retryAfter(first, max time.Duration) resty.RetryAfterFunc {
	return func(_ *resty.Client, res *resty.Response) (time.Duration, error) {
		if res != nil && res.StatusCode() == http.StatusTooManyRequests {
			if d := retryAfterHeader(res); d > 0 {
				return d, nil
			}
		}
		attempt := 0
		if res != nil && res.Request != nil {
			attempt = res.Request.Attempt
		}
		d := first << max0(attempt-1)
		if d > max || d <= 0 {
			d = max
		}
		return d, nil
	}
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	if n > 16 {
		return 16
	}
	return n
}

// retryAfterHeader parses Retry-After as seconds or an HTTP date; 0 if absent.
func retryAfterHeader(res *resty.Response) time.Duration {
	v := strings.TrimSpace(res.Header().Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// segment escapes one path segment and refuses the ones that would steer the
// request elsewhere, so that no id can reach another route.
func segment(s string) (string, error) {
	if s == "" || s == "." || s == ".." {
		return "", fmt.Errorf("invalid path segment %q", s)
	}
	return url.PathEscape(s), nil
}

// request is one call: a route and the values of its placeholders, query,
// JSON body (or a file), extra headers.
type request struct {
	route  Route
	params []string
	query  url.Values
	body   any
	// file, when set, is sent as multipart/form-data instead of a JSON body.
	file *filePart
	// header adds request headers (e.g. Range).
	header map[string]string
}

// filePart is one file of a multipart/form-data body; filename and
// contentType go in the part's headers.
type filePart struct {
	field, filename, contentType string
	content                      []byte
}

// Raw is an out value for do that keeps the answer as it came: status,
// headers and body, whatever the content type (a download, or a status that
// carries meaning such as 201 vs 200).
type Raw struct {
	Status int
	Header http.Header
	Body   []byte
}

// do is the one request path: every call goes through it. out may be nil, a
// pointer to decode JSON into, *[]byte for the raw body, or *Raw.
func (c *Client) do(ctx context.Context, rq request, out any) error {
	p, err := rq.route.fill(rq.params)
	if err != nil {
		return err
	}
	method := rq.route.Method
	r := c.http.R().SetContext(ctx)
	if k := callerKey(ctx); k != "" {
		r.SetAuthToken(k)
	}
	if rq.query != nil {
		r.SetQueryParamsFromValues(rq.query)
	}
	for k, v := range rq.header {
		r.SetHeader(k, v)
	}
	if method != http.MethodGet {
		if c.runID != "" {
			r.SetHeader("X-Paperclip-Run-Id", c.runID)
		}
		if f := rq.file; f != nil {
			r.SetMultipartField(f.field, f.filename, f.contentType, bytes.NewReader(f.content))
		} else {
			body := rq.body
			if body == nil {
				body = struct{}{}
			}
			r.SetHeader("Content-Type", "application/json").SetBody(body)
		}
	}
	start := time.Now()
	res, err := r.Execute(method, p)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return &BodyTooLargeError{Method: method, Path: "/api" + p}
		}
		return &TransportError{Method: method, Path: "/api" + p, BaseURL: c.origin, Timeout: isTimeout(err), Err: stripURL(err)}
	}
	c.log.Debug("paperclip request", "method", method, "path", "/api"+p, "status", res.StatusCode(),
		"ms", time.Since(start).Milliseconds(), "attempts", res.Request.Attempt)
	if res.IsError() {
		return decodeError(res, method, "/api"+p, callerKey(ctx), c.http.Token)
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = res.Body()
		return nil
	case *Raw:
		o.Status, o.Header, o.Body = res.StatusCode(), res.Header(), res.Body()
		return nil
	default:
		if res.StatusCode() == http.StatusNoContent {
			return nil
		}
		return decodeJSON(res.Body(), out, method, "/api"+p, res.StatusCode())
	}
}

// DecodeError is a 2xx answer whose body is not the JSON the route gives: an
// empty body, an HTML page (a proxy or a login page in front of Paperclip),
// or JSON of another shape.
type DecodeError struct {
	Method, Path string
	Status       int
	Why          string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: Paperclip answered HTTP %d with %s", e.Method, e.Path, e.Status, e.Why)
}

// decodeJSON decodes a 2xx body into out; an empty body is an error (only a
// 204 may have none).
func decodeJSON(body []byte, out any, method, path string, status int) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return &DecodeError{Method: method, Path: path, Status: status, Why: "an empty body where a JSON answer was expected"}
	case trimmed[0] == '<':
		return &DecodeError{Method: method, Path: path, Status: status, Why: "an HTML page, not JSON"}
	}
	if f, ok := out.(fastDecoder); ok && f.decodeFast(body) {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &DecodeError{Method: method, Path: path, Status: status, Why: "a body that is not the expected JSON (" + err.Error() + ")"}
	}
	return nil
}

// decodeError reads an error answer; a credential it echoes (the
// configured key, the caller's own) is redacted before anything reads it.
func decodeError(res *resty.Response, method, p string, keys ...string) *APIError {
	e := &APIError{Status: res.StatusCode(), Method: method, Path: p}
	raw := res.Body()
	for _, k := range keys {
		if len(k) >= 8 {
			raw = bytes.ReplaceAll(raw, []byte(k), []byte("[redacted]"))
		}
	}
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
		Code    string `json:"code"`
		Details any    `json:"details"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Message, e.Code, e.Details = body.Error, body.Code, body.Details
		if e.Message == "" {
			e.Message = body.Message
		}
	} else if b := strings.TrimSpace(string(raw)); b != "" && len(b) < 300 {
		e.Message = b
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.Status)
	}
	if e.Status == http.StatusTooManyRequests {
		e.RetryAfter = int(retryAfterHeader(res) / time.Second)
	}
	return e
}

func isTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// stripURL drops the *url.Error wrapper, whose text repeats the full URL with
// its query string.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// quietLogger routes resty's own messages to slog at debug level.
type quietLogger struct{ l *slog.Logger }

func (q quietLogger) Errorf(format string, v ...any) {
	q.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
func (q quietLogger) Warnf(format string, v ...any) { q.l.Debug("resty: " + fmt.Sprintf(format, v...)) }
func (q quietLogger) Debugf(format string, v ...any) {
	q.l.Debug("resty: " + fmt.Sprintf(format, v...))
}
