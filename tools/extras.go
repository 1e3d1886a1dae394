package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// What the server offers beside tools: resources and their subscriptions
// (resources.go), prompts (prompts.go), argument completion
// (completions.go), and confirmation of destructive calls (confirm.go).

// unscopedCompanies: with no company configured (PAPERCLIP_COMPANY_ID) or
// given, resources/list and completion look in the first companies the key
// can see, this many.
const unscopedCompanies = 5

// companiesToScan is where resources/list and completion look when no
// company is given: PAPERCLIP_COMPANY_ID; else the first unscopedCompanies
// of the companies list gives (complete is false when it gave more); else,
// for a key that may not list companies (an agent key: 401 or 403), the
// caller's own company (GET /agents/me).
func (d *Deps) companiesToScan(ctx context.Context, list func(context.Context) ([]string, error)) (ids []string, complete bool, err error) {
	if d.CompanyID != "" {
		return []string{d.CompanyID}, true, nil
	}
	ids, err = list(ctx)
	if err != nil {
		if own := d.ownCompany(ctx, err); own != "" {
			return []string{own}, true, nil
		}
		return nil, false, err
	}
	if len(ids) > unscopedCompanies {
		return ids[:unscopedCompanies], false, nil
	}
	return ids, true, nil
}

// ownCompany is the caller's own company when listErr says the key may not
// list companies: PAPERCLIP_COMPANY_ID, else the company of the agent the
// key belongs to; "" for any other error, or a key that is no agent's.
func (d *Deps) ownCompany(ctx context.Context, listErr error) string {
	apiErr, ok := client.AsAPIError(listErr)
	if !ok || (apiErr.Status != 401 && apiErr.Status != 403) {
		return ""
	}
	if d.CompanyID != "" {
		return d.CompanyID
	}
	me, err := d.Client.GetMe(ctx)
	if err != nil || !client.IsUUID(me.CompanyID) {
		return ""
	}
	return me.CompanyID
}

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
