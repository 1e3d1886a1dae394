package tools

import (
	"context"
	"sync"
	"time"
)

// Run lists name each run's agent. The names come from the company's agent
// list, read beside the run list on a first call and then kept for
// agentNamesTTL, so that paging through runs costs one request per page.
// A run of an agent the kept names do not know (hired since) reads the
// list again. Best effort: without names the rows keep the ids alone.

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

// pendingNames are the names for one list call: kept ones, or a read under way.
type pendingNames struct {
	d         *Deps
	companyID string
	kept      map[string]string
	read      chan map[string]string // nil when kept names are used
	done      bool                   // the read's answer was taken
	cancel    context.CancelFunc
}

// stop ends a read still under way and waits for it: a call that fails
// before naming its rows leaves no request behind it.
func (p *pendingNames) stop() {
	if p.cancel != nil {
		p.cancel()
	}
	if p.read != nil && !p.done {
		<-p.read
		p.done = true
	}
}

// agentNames starts what a list call needs to name its rows: the kept names
// when fresh, else a read of the company's agents beside the list request.
func agentNames(ctx context.Context, d *Deps, companyID string) *pendingNames {
	p := &pendingNames{d: d, companyID: companyID}
	if names, ok := d.agentNames.get(companyID); ok {
		p.kept = names
		return p
	}
	p.read = make(chan map[string]string, 1)
	readCtx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	go func() { p.read <- readAgentNames(readCtx, d, companyID) }()
	return p
}

func readAgentNames(ctx context.Context, d *Deps, companyID string) map[string]string {
	agents, err := d.Client.ListAgents(ctx, companyID)
	if err != nil {
		return nil
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID] = a.Name
	}
	d.agentNames.put(companyID, names)
	return names
}

// name fills the rows' agent names, reading the list again when kept names
// miss one of the rows' agents.
func (p *pendingNames) name(ctx context.Context, items []RunSummary) {
	names := p.kept
	if p.read != nil {
		names, p.done = <-p.read, true
	} else {
		for _, it := range items {
			if _, ok := names[it.AgentID]; !ok && it.AgentID != "" {
				names = readAgentNames(ctx, p.d, p.companyID)
				break
			}
		}
	}
	for i := range items {
		items[i].AgentName = names[items[i].AgentID]
	}
}
