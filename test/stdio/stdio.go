// Package stdio builds the paperclip-mcp binary and drives it over stdio with
// mcp-go's client, the way an MCP host does. Tests use it to call tools
// end to end; it is test support, not part of the server.
package stdio

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

var (
	buildOnce sync.Once
	binPath   string
	binDir    string
	buildErr  error
	buildOut  []byte
)

// RepoRoot is the module root, found from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary builds cmd/paperclip-mcp once per test process (or uses
// PAPERCLIP_MCP_BIN when set, as test/all.sh does: one build per run) and
// returns its path. A package that calls it runs its tests through Main, which
// removes the build when the tests end.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PAPERCLIP_MCP_BIN"); p != "" {
		return p
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "paperclip-mcp-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "paperclip-mcp")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/paperclip-mcp")
		cmd.Dir = RepoRoot()
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building paperclip-mcp: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// Main runs a package's tests and then removes the binary Binary built, so
// that no test process leaves one behind: func TestMain(m *testing.M) { stdio.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// Session is a running paperclip-mcp process with an initialized client.
type Session struct {
	Client *mcpclient.Client
	Init   *mcp.InitializeResult
	stderr *syncBuffer
}

// Stderr is everything the server wrote to stderr so far.
func (s *Session) Stderr() string { return s.stderr.String() }

// Options tune Start.
type Options struct {
	// Env is the server's whole environment besides PATH and HOME.
	Env map[string]string
	// Args are extra command-line flags.
	Args []string
	// ProtocolVersion pins the version asked in initialize ("" = 2025-11-25).
	ProtocolVersion string
}

// Start runs the binary with exactly opts.Env (plus PATH and HOME) and
// performs the initialize handshake. The process is stopped at cleanup.
func Start(t testing.TB, opts Options) *Session {
	t.Helper()
	bin := Binary(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range opts.Env {
		env = append(env, k+"="+v)
	}
	stderr := &syncBuffer{}
	tr := transport.NewStdioWithOptions(bin, env, opts.Args,
		transport.WithCommandStderrWriter(stderr),
		transport.WithCommandFunc(func(_ context.Context, command string, env []string, args []string) (*exec.Cmd, error) {
			// Not tied to a context: the process lives until Close.
			cmd := exec.Command(command, args...)
			cmd.Env = env // exactly what the test gave: nothing leaks from the test's environment
			return cmd, nil
		}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := tr.Start(ctx); err != nil {
		t.Fatalf("starting paperclip-mcp: %v", err)
	}
	pv := opts.ProtocolVersion
	if pv == "" {
		pv = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	}
	// The server under test speaks the initialize era; the option is deprecated only for 2026-07-28 clients.
	//lint:ignore SA1019 the initialize handshake is what hosts use with this server today
	c := mcpclient.NewClient(tr, mcpclient.WithLegacyProtocolOnly())
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatalf("client start: %v", err)
	}
	init, err := c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: pv,
		ClientInfo:      mcp.Implementation{Name: "paperclip-mcp-tests", Version: "0"},
	}})
	if err != nil {
		t.Fatalf("initialize: %v\nstderr:\n%s", err, stderr.String())
	}
	return &Session{Client: c, Init: init, stderr: stderr}
}

// Call calls a tool and returns its result (which may be a tool error).
func (s *Session) Call(t testing.TB, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	res, err := s.Client.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
	if err != nil {
		t.Fatalf("tools/call %s: protocol error %v\nstderr:\n%s", name, err, s.Stderr())
	}
	return res
}

// CallOK calls a tool, fails the test on a tool error, decodes the
// structured content into out (when non-nil) and returns the text.
func (s *Session) CallOK(t testing.TB, name string, args map[string]any, out any) string {
	t.Helper()
	res := s.Call(t, name, args)
	text := Text(res)
	if res.IsError {
		t.Fatalf("tools/call %s %v: tool error: %s", name, args, text)
	}
	if out != nil {
		raw, err := json.Marshal(res.StructuredContent)
		if err != nil {
			t.Fatalf("structured content of %s: %v", name, err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("structured content of %s does not decode: %v\n%s", name, err, raw)
		}
	}
	return text
}

// CallErr calls a tool that must fail with a tool error, and returns its text.
func (s *Session) CallErr(t testing.TB, name string, args map[string]any) string {
	t.Helper()
	res := s.Call(t, name, args)
	if !res.IsError {
		t.Fatalf("tools/call %s %v: want a tool error, got success: %s", name, args, Text(res))
	}
	return Text(res)
}

// Text joins the text blocks of a result.
func Text(res *mcp.CallToolResult) string {
	var b bytes.Buffer
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
