// Command paperclip-mcp is an MCP server over stdio that gives LLM agents
// typed tools over a Paperclip API. stdout carries JSON-RPC only; every log
// line goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
	"github.com/paperclip-mcp/paperclip-mcp/tools"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const defaultAPIURL = "http://127.0.0.1:3100"

// Config is the server's whole configuration: environment first, flags over it.
type Config struct {
	APIURL    string
	APIKey    string
	CompanyID string
	AgentID   string
	RunID     string
	Timeout   time.Duration
	LogLevel  slog.Level
	// Confirm: destructive calls ask the person first, through elicitation,
	// when the client can ask.
	Confirm bool
	// HTTP: serve Streamable HTTP instead of stdio (http.go).
	HTTP HTTPConfig
	// Tools is what the server serves: the selection, resolved at start.
	Tools []tools.Tool
}

const usage = `paperclip-mcp %s: an MCP server (stdio, or Streamable HTTP) for the Paperclip API.

Usage: paperclip-mcp [flags]

Configuration comes from the environment Paperclip gives agent runs; flags override it.
  PAPERCLIP_API_URL     server origin, with or without /api (default %s)
  PAPERCLIP_API_KEY     board key, agent key or run JWT (unset: a local_trusted server)
  PAPERCLIP_COMPANY_ID  default companyId for tools
  PAPERCLIP_AGENT_ID    default agentId for tools
  PAPERCLIP_RUN_ID      sent as X-Paperclip-Run-Id on mutations (only when it is a UUID)
  PAPERCLIP_MCP_TIMEOUT per-request timeout, e.g. 30s
  PAPERCLIP_MCP_LOG_LEVEL debug, info, warn or error (default info; logs go to stderr)
  PAPERCLIP_TOOLSETS    toolsets to serve: names, default, all (comma-separated; default "default")
  PAPERCLIP_TOOLS       tools to add by name; PAPERCLIP_EXCLUDE_TOOLS tools to leave out
  PAPERCLIP_READ_ONLY   true: serve only tools that change nothing
  PAPERCLIP_MCP_CONFIRM false: never ask before a destructive call (default: ask when the
                        client can, except inside a heartbeat run, where no one answers)
  PAPERCLIP_MCP_HTTP    host:port: serve Streamable HTTP at /mcp instead of stdio
  PAPERCLIP_MCP_HTTP_TOKEN  the bearer token HTTP callers present (or --http-token-file);
                        without it and without a key, callers bring their own Paperclip key
  PAPERCLIP_MCP_HTTP_HOSTS, PAPERCLIP_MCP_HTTP_ORIGINS  Host and Origin values allowed
                        beyond loopback ones (comma-separated)

Flags:
`

// parseConfig reads env, then flags. It returns a usage error as the one line
// to print when the configuration is wrong.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, bool, error) {
	cfg := Config{
		APIURL:    firstNonEmpty(getenv("PAPERCLIP_API_URL"), defaultAPIURL),
		APIKey:    strings.TrimSpace(getenv("PAPERCLIP_API_KEY")),
		CompanyID: strings.TrimSpace(getenv("PAPERCLIP_COMPANY_ID")),
		AgentID:   strings.TrimSpace(getenv("PAPERCLIP_AGENT_ID")),
		RunID:     strings.TrimSpace(getenv("PAPERCLIP_RUN_ID")),
		Timeout:   client.DefaultTimeout,
		LogLevel:  slog.LevelInfo,
	}
	timeout := firstNonEmpty(getenv("PAPERCLIP_MCP_TIMEOUT"), client.DefaultTimeout.String())
	level := firstNonEmpty(getenv("PAPERCLIP_MCP_LOG_LEVEL"), "info")
	var keyFile, tokenFile string
	cfg.HTTP = HTTPConfig{Addr: strings.TrimSpace(getenv("PAPERCLIP_MCP_HTTP")), Token: strings.TrimSpace(getenv("PAPERCLIP_MCP_HTTP_TOKEN")),
		Hosts: splitList(getenv("PAPERCLIP_MCP_HTTP_HOSTS")), Origins: splitList(getenv("PAPERCLIP_MCP_HTTP_ORIGINS"))}
	var showVersion bool
	toolsets := getenv("PAPERCLIP_TOOLSETS")
	include := getenv("PAPERCLIP_TOOLS")
	exclude := getenv("PAPERCLIP_EXCLUDE_TOOLS")
	readOnly, err := envBool("PAPERCLIP_READ_ONLY", getenv("PAPERCLIP_READ_ONLY"))
	if err != nil {
		return cfg, false, err
	}
	confirmEnv := strings.TrimSpace(getenv("PAPERCLIP_MCP_CONFIRM"))
	if cfg.Confirm, err = envBool("PAPERCLIP_MCP_CONFIRM", confirmEnv); err != nil {
		return cfg, false, err
	}

	fs := flag.NewFlagSet("paperclip-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, version, defaultAPIURL)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.APIURL, "api-url", cfg.APIURL, "Paperclip server origin (PAPERCLIP_API_URL)")
	fs.StringVar(&keyFile, "api-key-file", "", "read the API key from this file instead of PAPERCLIP_API_KEY (keeps it off the command line)")
	fs.StringVar(&cfg.CompanyID, "company-id", cfg.CompanyID, "default companyId (PAPERCLIP_COMPANY_ID)")
	fs.StringVar(&cfg.AgentID, "agent-id", cfg.AgentID, "default agentId (PAPERCLIP_AGENT_ID)")
	fs.StringVar(&cfg.RunID, "run-id", cfg.RunID, "run id for X-Paperclip-Run-Id (PAPERCLIP_RUN_ID)")
	fs.StringVar(&timeout, "timeout", timeout, "per-request timeout (PAPERCLIP_MCP_TIMEOUT)")
	fs.StringVar(&level, "log-level", level, "debug, info, warn or error (PAPERCLIP_MCP_LOG_LEVEL)")
	fs.StringVar(&toolsets, "toolsets", toolsets, "toolsets to serve, comma-separated: names, default, all (PAPERCLIP_TOOLSETS)")
	fs.StringVar(&include, "tools", include, "tools to add by name, comma-separated (PAPERCLIP_TOOLS)")
	fs.StringVar(&exclude, "exclude-tools", exclude, "tools to leave out by name, comma-separated (PAPERCLIP_EXCLUDE_TOOLS)")
	fs.BoolVar(&readOnly, "read-only", readOnly, "serve only tools that change nothing (PAPERCLIP_READ_ONLY)")
	fs.BoolVar(&cfg.Confirm, "confirm", cfg.Confirm, "ask the person (elicitation) before a destructive call, when the client can (PAPERCLIP_MCP_CONFIRM)")
	fs.StringVar(&cfg.HTTP.Addr, "http", cfg.HTTP.Addr, "serve Streamable HTTP on host:port (at /mcp) instead of stdio (PAPERCLIP_MCP_HTTP)")
	fs.StringVar(&tokenFile, "http-token-file", "", "read the HTTP callers' bearer token from this file (else PAPERCLIP_MCP_HTTP_TOKEN)")
	fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, true, nil
		}
		return cfg, false, err
	}
	// Unless told, ask the person; not inside a heartbeat run (a run id is
	// set), where no one answers.
	confirmFlag := false
	fs.Visit(func(f *flag.Flag) { confirmFlag = confirmFlag || f.Name == "confirm" })
	if !confirmFlag && confirmEnv == "" {
		cfg.Confirm = strings.TrimSpace(cfg.RunID) == ""
	}
	if fs.NArg() > 0 {
		return cfg, false, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if showVersion {
		fmt.Fprintf(stderr, "paperclip-mcp %s\n", version)
		return cfg, true, nil
	}
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return cfg, false, fmt.Errorf("cannot read --api-key-file: %v", err)
		}
		cfg.APIKey = strings.TrimSpace(string(b))
	}
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return cfg, false, fmt.Errorf("cannot read --http-token-file: %v", err)
		}
		cfg.HTTP.Token = strings.TrimSpace(string(b))
	}
	if strings.ContainsAny(cfg.APIKey, " \t\r\n") {
		return cfg, false, errors.New("PAPERCLIP_API_KEY contains white space; it must be the bare token")
	}
	d, err := time.ParseDuration(timeout)
	if err != nil || d <= 0 {
		return cfg, false, fmt.Errorf("timeout %q is not a positive duration such as 30s", timeout)
	}
	cfg.Timeout = d
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return cfg, false, fmt.Errorf("log level %q is not one of debug, info, warn, error", level)
	}
	if cfg.APIURL, err = client.NormalizeBaseURL(cfg.APIURL); err != nil {
		return cfg, false, err
	}
	if cfg.CompanyID != "" && !client.IsUUID(cfg.CompanyID) {
		return cfg, false, fmt.Errorf("PAPERCLIP_COMPANY_ID %q is not a UUID", cfg.CompanyID)
	}
	if cfg.AgentID != "" && !client.IsUUID(cfg.AgentID) {
		return cfg, false, fmt.Errorf("PAPERCLIP_AGENT_ID %q is not a UUID", cfg.AgentID)
	}
	if cfg.HTTP.Addr != "" {
		if err := checkHTTP(cfg); err != nil {
			return cfg, false, err
		}
	}
	kind := authKind(cfg.APIKey)
	cfg.Tools, err = tools.Select(tools.Selection{
		Toolsets: splitList(toolsets), Tools: splitList(include), Exclude: splitList(exclude),
		ReadOnly: readOnly, NotBoard: kind == "agent key" || kind == "run JWT",
	})
	if err != nil {
		return cfg, false, err
	}
	return cfg, false, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func envBool(name, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%s %q is not true or false", name, v)
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// newServer builds the MCP server with every tool bound to a client for cfg.
func newServer(cfg Config, logger *slog.Logger) (*server.MCPServer, *client.Client, error) {
	c, err := client.New(client.Config{
		BaseURL: cfg.APIURL, APIKey: cfg.APIKey, RunID: cfg.RunID, Timeout: cfg.Timeout,
		UserAgent: "paperclip-mcp/" + version, Logger: logger,
	})
	if err != nil {
		return nil, nil, err
	}
	hooks := &server.Hooks{}
	// mcp-go answers an initialize without protocolVersion with 2025-03-26
	// (the HTTP back-compat default); the contract is 2025-11-25 for anything
	// that is not one of the four known versions.
	hooks.AddBeforeInitialize(func(_ context.Context, _ any, req *mcp.InitializeRequest) {
		if req.Params.ProtocolVersion == "" {
			req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		}
	})
	d := &tools.Deps{Client: c, CompanyID: cfg.CompanyID, AgentID: cfg.AgentID, APIKey: cfg.APIKey, Logger: logger, Confirm: cfg.Confirm}
	opts := append([]server.ServerOption{
		server.WithHooks(hooks),
		server.WithToolCapabilities(false),
		// Arguments are checked by tools against the same published schema,
		// with messages that say what to do; mcp-go's validator would answer
		// first with opaque ones ("/limit: &{Got:500/1 Want:100/1}").
		// Results are not validated here against their outputSchema: they are
		// encoded from the very Go types the schemas are reflected from, and
		// every hermetic test (and the fuzzers) run with that validation on.
		// In production it decoded and walked every result again: a sixth of
		// a call's own time.
		server.WithRecovery(),
		server.WithResourceRecovery(),
		server.WithInstructions(tools.Instructions(cfg.Tools)),
	}, tools.ServerOptions(d)...)
	if cfg.HTTP.Addr != "" {
		// Stateless HTTP keeps no stream a subscription's updates could
		// take; a request's headers may narrow the tools.
		opts = append(opts, server.WithResourceCapabilities(false, false), server.WithToolFilter(toolFilter))
	}
	s := server.NewMCPServer("paperclip-mcp", version, opts...)
	tools.Register(s, d, cfg.Tools)
	tools.RegisterExtras(s, d, cfg.Tools, hooks)
	return s, c, nil
}

// probe says on stderr, once, whether Paperclip answers at the configured
// URL. It runs beside the server and never delays it.
func probe(ctx context.Context, c *client.Client, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h, err := c.Health(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Warn("Paperclip does not answer at the configured URL yet; tools will say so until it does", "api", c.Origin(), "error", err.Error())
	case err == nil:
		logger.Info("Paperclip answers", "api", c.Origin(), "status", h.Status, "version", h.Version, "mode", h.DeploymentMode)
	}
}

func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, done, err := parseConfig(args, getenv, stderr)
	if done {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "paperclip-mcp: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.RunID != "" && !client.IsUUID(cfg.RunID) {
		logger.Warn("PAPERCLIP_RUN_ID is not a UUID; X-Paperclip-Run-Id will not be sent")
	}
	s, c, err := newServer(cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "paperclip-mcp: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	probeCtx, stopProbe := context.WithCancel(ctx)
	probed := make(chan struct{})
	go func() { defer close(probed); probe(probeCtx, c, logger) }()
	defer func() { stopProbe(); <-probed }() // nothing writes to stderr after run returns
	if cfg.HTTP.Addr != "" {
		return serveHTTP(ctx, cfg, s, c, logger)
	}
	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(log.New(slogWriter{logger}, "", 0))
	// Only the initialize-era versions are offered by server/discover, so that
	// every client negotiates through initialize (answered with the version it
	// asked for when it is one of them, else 2025-11-25, never 2026-07-28).
	calls := newToolCalls(s)
	stdio.SetContextFunc(func(ctx context.Context) context.Context {
		ctx = server.WithSupportedProtocolVersions(ctx, mcp.LegacyProtocolVersions())
		calls.session(ctx)
		return ctx
	})
	logger.Info("paperclip-mcp serving on stdio", "version", version, "api", cfg.APIURL,
		"auth", authKind(cfg.APIKey), "company", cfg.CompanyID != "", "agent", cfg.AgentID != "", "tools", len(cfg.Tools))
	// Every request read gets its answer before an end of input stops the
	// server; bounded by what the slowest call may take (three attempts,
	// plus the longest wait of a tool).
	d := newDrain(stdin, stdout, 3*cfg.Timeout+time.Minute, calls)
	d.list = func() []byte { return toolsListTail(s) }
	if err := stdio.Listen(ctx, d, d); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		logger.Error("stdio server stopped", "error", err.Error())
		return 1
	}
	return 0
}

// authKind says what kind of credential is configured, never the credential.
func authKind(key string) string {
	switch {
	case key == "":
		return "none (local_trusted)"
	case strings.HasPrefix(key, "pcp_board_"):
		return "board key"
	case strings.HasPrefix(key, "pcp_"):
		return "agent key"
	case strings.Count(key, ".") == 2:
		return "run JWT"
	default:
		return "bearer token"
	}
}

// slogWriter sends mcp-go's log.Logger lines to slog (stderr).
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Warn(strings.TrimSpace(string(p)))
	return len(p), nil
}

func main() {
	os.Exit(profiled(os.Getenv("PAPERCLIP_MCP_CPUPROFILE"), func() int { return run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr) }))
}

// profiled runs f, writing a CPU profile to path when it is set (for speed
// work: go tool pprof bin/paperclip-mcp path).
func profiled(path string, f func() int) int {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "paperclip-mcp: PAPERCLIP_MCP_CPUPROFILE: %v\n", err)
		return 2
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "paperclip-mcp: PAPERCLIP_MCP_CPUPROFILE: %v\n", err)
		return 2
	}
	defer pprof.StopCPUProfile()
	return f()
}
