package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// What the server offers beside tools: resources and their subscriptions
// (resources.go), prompts (prompts.go), argument completion
// (completions.go), and confirmation of destructive calls (confirm.go).

// unscopedCompanies: with no company configured (PAPERCLIP_COMPANY_ID) or
// given, resources/list and completion look in the first companies the key
// can see, this many.
const unscopedCompanies = 5

// ServerOptions are the mcp-go options that declare those capabilities
// and bind argument completion to d.
func ServerOptions(d *Deps) []server.ServerOption {
	c := &completer{d: d}
	return []server.ServerOption{
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(c),
		server.WithResourceCompletionProvider(c),
	}
}

// RegisterExtras adds the resources, resource templates and prompts to s,
// bound to d. served is the tool selection (a prompt names the tools it
// needs and says how to serve those that are not); hooks is the server's
// (subscriptions start and stop there).
func RegisterExtras(s *server.MCPServer, d *Deps, served []Tool, hooks *server.Hooks) {
	registerResources(s, d, hooks)
	registerPrompts(s, d, served)
}
