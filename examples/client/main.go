// Command client drives paperclip-mcp over stdio the way an MCP host does, and
// walks the debugging workflow: list the latest runs, then diagnose the
// latest failed one.
//
//	go build -o bin/paperclip-mcp ./cmd/paperclip-mcp
//	PAPERCLIP_API_URL=http://127.0.0.1:3199 PAPERCLIP_COMPANY_ID=<uuid> go run ./examples/client bin/paperclip-mcp
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: client PATH-TO-paperclip-mcp (PAPERCLIP_* in the environment)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The server inherits this environment: PAPERCLIP_API_URL, PAPERCLIP_COMPANY_ID, ...
	c, err := mcpclient.NewStdioMCPClient(os.Args[1], nil)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	init, err := c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_LEGACY_PROTOCOL_VERSION,
		ClientInfo:      mcp.Implementation{Name: "paperclip-mcp-example", Version: "1"},
	}})
	if err != nil {
		fail(err)
	}
	fmt.Printf("connected to %s %s (protocol %s)\n\n", init.ServerInfo.Name, init.ServerInfo.Version, init.ProtocolVersion)
	for _, step := range []struct {
		tool string
		args map[string]any
	}{
		{"paperclip_list_heartbeat_runs", map[string]any{"limit": 5}},
		{"paperclip_diagnose_run", map[string]any{}},
	} {
		fmt.Printf("> %s %v\n", step.tool, step.args)
		res, err := c.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: step.tool, Arguments: step.args}})
		if err != nil {
			fail(err)
		}
		for _, content := range res.Content {
			if t, ok := mcp.AsTextContent(content); ok {
				fmt.Println(t.Text)
			}
		}
		if res.IsError {
			os.Exit(1)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "client:", err)
	os.Exit(1)
}
