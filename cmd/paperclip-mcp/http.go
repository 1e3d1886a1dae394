package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
	"github.com/paperclip-mcp/paperclip-mcp/tools"
)

// Streamable HTTP: one server for a team, beside stdio. It is stateless (no
// session affinity: any copy behind a load balancer answers any request),
// serves MCP at /mcp, /healthz (alive) and /readyz (Paperclip answers).
//
// Credentials, one of:
//   - a token (PAPERCLIP_MCP_HTTP_TOKEN or --http-token-file): callers
//     present it as a bearer token; the server acts with its own key (or
//     none, for a local_trusted Paperclip);
//   - pass-through (no token, no key held): a caller's bearer token is its
//     own Paperclip key, used for that caller's requests only; without one,
//     a caller on loopback reaches a local_trusted Paperclip, others get 401;
//   - a held key without a token: on a loopback address only (one person's
//     machine); the server refuses to listen elsewhere so.
//
// A request may narrow the server's selection with X-Paperclip-Toolsets and
// X-Paperclip-Read-Only, never widen it.

// HTTPConfig is the HTTP transport's configuration (Config.HTTP).
type HTTPConfig struct {
	Addr    string   // listen address; "" serves stdio
	Token   string   // what callers present; "" for none
	Origins []string // Origin values allowed beyond loopback ones
	Hosts   []string // Host values allowed beyond loopback ones
}

const (
	httpMaxBody       = 4 << 20 // bytes of one request
	httpShutdownWait  = 30 * time.Second
	httpReadyTimeout  = 3 * time.Second
	httpHeaderTimeout = 10 * time.Second
	httpIdleTimeout   = 2 * time.Minute
	minTokenLen       = 16
)

// checkHTTP refuses, at start, what would expose a held key: a key without
// a token on an address that is not loopback. It also checks the token.
func checkHTTP(cfg Config) error {
	h := cfg.HTTP
	if h.Token != "" && len(h.Token) < minTokenLen {
		return fmt.Errorf("PAPERCLIP_MCP_HTTP_TOKEN is %d characters; use at least %d (e.g. openssl rand -hex 24)", len(h.Token), minTokenLen)
	}
	if strings.ContainsAny(h.Token, " \t\r\n") {
		return errors.New("PAPERCLIP_MCP_HTTP_TOKEN contains white space; it must be the bare token")
	}
	host, _, err := net.SplitHostPort(h.Addr)
	if err != nil {
		return fmt.Errorf("--http %q is not host:port (such as 127.0.0.1:8080): %v", h.Addr, err)
	}
	if cfg.APIKey != "" && h.Token == "" && !loopbackHost(host) {
		return fmt.Errorf("refusing to serve HTTP on %s with a Paperclip key and no PAPERCLIP_MCP_HTTP_TOKEN: anyone who reaches it would act with that key. Set a token, listen on 127.0.0.1, or unset the key so that callers bring their own", h.Addr)
	}
	return nil
}

// loopbackHost: localhost or a loopback IP; "" (every interface) is not.
func loopbackHost(host string) bool {
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// httpNarrowing is what a request's headers leave of the selection.
type httpNarrowing struct{ allowed map[string]bool }

type narrowingCtx struct{}

// toolFilter hides (and refuses at call time) the tools a request's
// headers left out.
func toolFilter(ctx context.Context, list []mcp.Tool) []mcp.Tool {
	n, ok := ctx.Value(narrowingCtx{}).(httpNarrowing)
	if !ok || n.allowed == nil {
		return list
	}
	out := make([]mcp.Tool, 0, len(list))
	for _, t := range list {
		if n.allowed[t.Name] {
			out = append(out, t)
		}
	}
	return out
}

// narrowing reads X-Paperclip-Toolsets and X-Paperclip-Read-Only against
// the served tools: the result is never more than served.
func narrowing(r *http.Request, served []tools.Tool) (httpNarrowing, error) {
	sets := strings.TrimSpace(r.Header.Get("X-Paperclip-Toolsets"))
	roHeader := strings.TrimSpace(r.Header.Get("X-Paperclip-Read-Only"))
	if sets == "" && roHeader == "" {
		return httpNarrowing{}, nil
	}
	readOnly, err := envBool("X-Paperclip-Read-Only", roHeader)
	if err != nil {
		return httpNarrowing{}, err
	}
	allowed := map[string]bool{}
	var inSets map[string]bool
	if sets != "" {
		picked, err := tools.Select(tools.Selection{Toolsets: splitList(sets)})
		if err != nil {
			return httpNarrowing{}, fmt.Errorf("X-Paperclip-Toolsets: %v", err)
		}
		inSets = map[string]bool{}
		for _, t := range picked {
			inSets[t.Spec.Name] = true
		}
	}
	for _, t := range served {
		if (inSets == nil || inSets[t.Spec.Name]) && (!readOnly || t.Spec.Access.ReadOnly()) {
			allowed[t.Spec.Name] = true
		}
	}
	return httpNarrowing{allowed: allowed}, nil
}

// httpHandler is the whole HTTP surface: checks, credentials, /mcp,
// /healthz, /readyz, and a log line per request.
func httpHandler(cfg Config, s *server.MCPServer, c *client.Client, logger *slog.Logger) http.Handler {
	listenHost, _, _ := net.SplitHostPort(cfg.HTTP.Addr)
	onLoopback := loopbackHost(listenHost)
	passThrough := cfg.HTTP.Token == "" && cfg.APIKey == ""
	mcpHandler := server.NewStreamableHTTPServer(s,
		server.WithStateLess(true),
		// checkRequest is the one Host check: mcp-go's own would refuse, on a
		// loopback connection, the Hosts PAPERCLIP_MCP_HTTP_HOSTS allows.
		server.WithDisableLocalhostProtection(true),
		server.WithStreamableHTTPLogger(logger),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			// The checks below put these in the request's context first.
			if n, ok := r.Context().Value(narrowingCtx{}).(httpNarrowing); ok {
				ctx = context.WithValue(ctx, narrowingCtx{}, n)
			}
			if k := client.CallerKey(r.Context()); k != "" {
				ctx = client.WithCallerKey(ctx, k)
			}
			return server.WithSupportedProtocolVersions(ctx, mcp.LegacyProtocolVersions())
		}),
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeHTTPJSON(w, http.StatusOK, map[string]any{"status": "alive"})
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), httpReadyTimeout)
		defer cancel()
		h, err := c.Health(ctx)
		if err != nil {
			writeHTTPJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "error": "Paperclip does not answer at " + c.Origin() + ": " + scrubKeys(err.Error(), cfg)})
			return
		}
		writeHTTPJSON(w, http.StatusOK, map[string]any{"status": "ready", "paperclip": h.Version})
	})
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		bearer, hasBearer := bearerToken(r)
		switch {
		case cfg.HTTP.Token != "":
			if !hasBearer || subtle.ConstantTimeCompare([]byte(bearer), []byte(cfg.HTTP.Token)) != 1 {
				unauthorized(w, "send the server's token as Authorization: Bearer <token> (PAPERCLIP_MCP_HTTP_TOKEN)")
				return
			}
		case passThrough && hasBearer:
			r = r.WithContext(client.WithCallerKey(r.Context(), bearer))
		case passThrough && !onLoopback:
			unauthorized(w, "send your Paperclip API key as Authorization: Bearer <key>")
			return
		}
		n, err := narrowing(r, cfg.Tools)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), narrowingCtx{}, n))
		mcpHandler.ServeHTTP(w, r)
	})
	return logRequests(logger, checkRequest(cfg, onLoopback, mux))
}

// checkRequest refuses a foreign Host or Origin (DNS rebinding, a web page
// driving a local server) and bounds the body.
func checkRequest(cfg Config, onLoopback bool, next http.Handler) http.Handler {
	hosts := map[string]bool{}
	for _, h := range cfg.HTTP.Hosts {
		hosts[strings.ToLower(h)] = true
	}
	origins := map[string]bool{}
	for _, o := range cfg.HTTP.Origins {
		origins[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		name := host
		if h, _, err := net.SplitHostPort(host); err == nil {
			name = h
		}
		if !(loopbackHost(name) || hosts[host] || hosts[name] || (!onLoopback && len(hosts) == 0)) {
			httpError(w, http.StatusForbidden, fmt.Sprintf("Host %q is not served here; add it to PAPERCLIP_MCP_HTTP_HOSTS", r.Host))
			return
		}
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || !(origins[strings.TrimRight(strings.ToLower(o), "/")] || (onLoopback && loopbackHost(u.Hostname()))) {
				httpError(w, http.StatusForbidden, fmt.Sprintf("Origin %q is not allowed; add it to PAPERCLIP_MCP_HTTP_ORIGINS", o))
				return
			}
		}
		if r.ContentLength > httpMaxBody {
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is over %d MiB", httpMaxBody>>20))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, httpMaxBody)
		next.ServeHTTP(w, r)
	})
}

// logRequests writes one line per request on stderr: method, the JSON-RPC
// method and tool, status, duration. Never a header.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rpc, tool := "", ""
		if r.Method == http.MethodPost && r.Body != nil {
			body, err := io.ReadAll(io.LimitReader(r.Body, httpMaxBody+1))
			if err == nil && len(body) <= httpMaxBody {
				rpc, tool = rpcOf(body)
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		logger.Info("http request", "method", r.Method, "path", r.URL.Path, "rpc", rpc, "tool", tool,
			"status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

// rpcOf is a JSON-RPC message's method and, for tools/call, its tool.
func rpcOf(body []byte) (method, tool string) {
	var m struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &m) != nil {
		return "", ""
	}
	if m.Method == string(mcp.MethodToolsCall) {
		tool = m.Params.Name
	}
	return m.Method, tool
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Flush keeps streaming (SSE) answers flowing through the wrapper.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		if t := strings.TrimSpace(h[7:]); t != "" {
			return t, true
		}
	}
	return "", false
}

func unauthorized(w http.ResponseWriter, what string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="paperclip-mcp"`)
	httpError(w, http.StatusUnauthorized, "unauthorized: "+what)
}

// httpError answers a refused request as a JSON-RPC error without an id.
func httpError(w http.ResponseWriter, status int, msg string) {
	writeHTTPJSON(w, status, map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": -32600, "message": msg}})
}

func writeHTTPJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// scrubKeys keeps the held key and the token out of a text.
func scrubKeys(s string, cfg Config) string {
	for _, k := range []string{cfg.APIKey, cfg.HTTP.Token} {
		if len(k) >= 8 {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	return s
}

// serveHTTP serves until ctx ends (SIGTERM, SIGINT), then stops accepting
// and lets calls in flight finish, within httpShutdownWait.
func serveHTTP(ctx context.Context, cfg Config, s *server.MCPServer, c *client.Client, logger *slog.Logger) int {
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		logger.Error("cannot listen", "addr", cfg.HTTP.Addr, "error", err.Error())
		return 1
	}
	srv := &http.Server{
		Handler:           httpHandler(cfg, s, c, logger),
		ReadHeaderTimeout: httpHeaderTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	mode := "pass-through (callers' own Paperclip keys)"
	switch {
	case cfg.HTTP.Token != "":
		mode = "token"
	case cfg.APIKey != "":
		mode = "held key, loopback"
	}
	logger.Info("paperclip-mcp serving Streamable HTTP", "version", version, "url", "http://"+ln.Addr().String()+"/mcp",
		"api", cfg.APIURL, "credentials", mode, "tools", len(cfg.Tools))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		logger.Error("HTTP server stopped", "error", err.Error())
		return 1
	case <-ctx.Done():
	}
	logger.Info("stopping: no new requests; waiting for calls in flight", "within", httpShutdownWait.String())
	sctx, cancel := context.WithTimeout(context.Background(), httpShutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("calls still in flight at the end of the wait were cut", "error", err.Error())
		_ = srv.Close()
	}
	return 0
}
