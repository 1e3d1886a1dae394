package tools

import (
	"context"
	"sync"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Run lists name each run's agent. The names come from the company's agent
// list, read after the run list answered (so a failed list sends nothing
// more) and then kept for agentNamesTTL, so that paging through runs costs
// one request per page. A run of an agent the kept names do not know (hired
// since) reads the list again. Best effort: without names the rows keep the
// ids alone.

const agentNamesTTL = 30 * time.Second

// agentNameCache is each company's agent names and when they were read. The
// zero value is ready to use.
type agentNameCache struct {
	mu        sync.Mutex
	byCompany map[string]cachedNames
}

type cachedNames struct {
	names map[string]string
	at    time.Time
}

func (c *agentNameCache) get(companyID string) (map[string]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.byCompany[companyID]
	if !ok || time.Since(n.at) > agentNamesTTL {
		return nil, false
	}
	return n.names, true
}

func (c *agentNameCache) put(companyID string, names map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byCompany == nil {
		c.byCompany = map[string]cachedNames{}
	}
	c.byCompany[companyID] = cachedNames{names: names, at: time.Now()}
}

// nameRuns fills the rows' agent names from the kept names, reading the
// company's agents when none are kept or a row's agent is not among them.
func nameRuns(ctx context.Context, d *Deps, companyID string, items []RunSummary) {
	if len(items) == 0 {
		return
	}
	key := client.CallerScope(ctx) + "|" + companyID // one caller's reads are not another's
	names, fresh := d.agentNames.get(key)
	for _, it := range items {
		if _, ok := names[it.AgentID]; !ok && it.AgentID != "" {
			fresh = false
			break
		}
	}
	if !fresh {
		names = readAgentNames(ctx, d, companyID, key)
	}
	for i := range items {
		items[i].AgentName = names[items[i].AgentID]
	}
}

func readAgentNames(ctx context.Context, d *Deps, companyID, key string) map[string]string {
	agents, err := d.Client.ListAgents(ctx, companyID)
	if err != nil {
		return nil
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID] = a.Name
	}
	d.agentNames.put(key, names)
	return names
}
