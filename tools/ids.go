package tools

import (
	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// requireID checks an id before it is sent: Paperclip answers 500 to a
// malformed UUID in a path, and a raw string could steer the path.
func requireID(field, value, findWith string) error {
	if value == "" {
		return inputErrorf("%s is required. %s", field, findWith)
	}
	if !client.IsUUID(value) {
		return inputErrorf("%s must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got %q. %s", field, clip(value, 60), findWith)
	}
	return nil
}

// company picks the companyId argument or the configured default.
func (d *Deps) company(arg string) (string, error) {
	id := arg
	if id == "" {
		id = d.CompanyID
	}
	if id == "" {
		return "", inputErrorf("companyId is required: pass companyId, or set PAPERCLIP_COMPANY_ID for the server (inside a Paperclip run it is set for you).")
	}
	if err := requireID("companyId", id, ""); err != nil {
		return "", err
	}
	return id, nil
}

// agent picks the agentId argument or the configured default; required says
// whether an empty result is an error.
func (d *Deps) agent(arg string, required bool) (string, error) {
	id := arg
	if id == "" {
		id = d.AgentID
	}
	if id == "" {
		if required {
			return "", inputErrorf("agentId is required: pass agentId, or set PAPERCLIP_AGENT_ID for the server. Agent ids are in the runs listed by paperclip_list_heartbeat_runs.")
		}
		return "", nil
	}
	return id, requireID("agentId", id, "")
}

const findRun = "Find run ids with paperclip_list_heartbeat_runs."

// clipTail keeps the last n runes of s, marked with a leading "…".
func clipTail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n:])
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
