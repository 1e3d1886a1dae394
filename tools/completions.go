package tools

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Argument completion (completion/complete) for the prompts' arguments and
// the resource templates' parameters: run, agent, issue and company ids
// read from Paperclip, matched against what was typed, either as a prefix
// of the id (or of an issue's identifier, ABC-12) or as a case-insensitive
// part of a name or title. The value offered is what goes into the
// argument: the id, or for an issue its identifier (issue tools take both).
//
// Completion must never get in the way of typing: each answer takes at
// most completionTimeout and a bounded number of requests, lists are kept
// completionTTL per company (a host sends a request per key stroke), and a
// Paperclip that fails gives an empty answer and a log line, never an error.

const (
	// maxCompletionValues is MCP's limit on the values of one answer.
	maxCompletionValues = 100
	// completionRuns is how many of a company's newest runs are offered.
	completionRuns = 200
	// completionIssues is how many of a company's issues are matched by id
	// prefix (a text search covers identifiers and titles beyond them).
	completionIssues     = 200
	completionCacheLimit = 256
)

// completionTimeout bounds each answer, and each read from Paperclip;
// completionTTL is how long a list read is kept. Variables so that tests
// can shorten them; nothing else changes them.
var (
	completionTimeout = 3 * time.Second
	completionTTL     = 5 * time.Second
)

// completer answers completion/complete for prompts and resource
// templates, bound to d. The zero value of every field but d is ready.
type completer struct {
	d *Deps

	mu    sync.Mutex
	cache map[string]*completionEntry
}

// completionEntry is one list read from Paperclip, shared by the requests
// that want it while it is read and for completionTTL after.
type completionEntry struct {
	ready chan struct{} // closed when the fields below are set
	at    time.Time
	items []candidate
	// complete: the list holds every item there is (no window was full).
	complete bool
	err      error
}

// candidate is one value that can be offered.
type candidate struct {
	value string   // what goes into the argument
	keys  []string // matched by prefix (ids, identifiers)
	names []string // matched by case-insensitive substring (names, titles)
	rank  int      // lower first among equal matches
}

// CompletePromptArgument completes an argument of one of the prompts.
func (c *completer) CompletePromptArgument(ctx context.Context, prompt string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	p, ok := promptByName(prompt)
	if !ok {
		return emptyCompletion(), nil
	}
	a, ok := p.arg(arg.Name)
	if !ok {
		return emptyCompletion(), nil
	}
	return c.complete(ctx, "prompt "+prompt, a.Kind, arg, cc, prompt == debugFailedRunPrompt.Name), nil
}

// resourceParams are the parameters of the resource templates that name
// something in Paperclip.
var resourceParams = map[string]argKind{"runId": kindRun, "agentId": kindAgent, "issueId": kindIssue, "companyId": kindCompany}

// CompleteResourceArgument completes a parameter of a paperclip:// resource
// template (paperclip://runs/{runId}, paperclip://issues/{issueId}, ...).
func (c *completer) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	kind, ok := resourceParams[arg.Name]
	if !ok || !strings.HasPrefix(uri, "paperclip://") || !templateHas(uri, arg.Name) {
		return emptyCompletion(), nil
	}
	return c.complete(ctx, "resource "+uri, kind, arg, cc, false), nil
}

var templateExpr = regexp.MustCompile(`\{[+#./;?&]?([^}]*)\}`)

// templateHas reports whether an RFC 6570 template has the variable name.
func templateHas(template, name string) bool {
	for _, m := range templateExpr.FindAllStringSubmatch(template, -1) {
		for _, v := range strings.Split(m[1], ",") {
			if strings.TrimSuffix(strings.TrimSpace(v), "*") == name {
				return true
			}
		}
	}
	return false
}

func emptyCompletion() *mcp.Completion { return &mcp.Completion{Values: []string{}} }

// complete reads the candidates of kind, matches them and bounds the answer.
func (c *completer) complete(ctx context.Context, ref string, kind argKind, arg mcp.CompleteArgument, cc mcp.CompleteContext, failedFirst bool) *mcp.Completion {
	if kind == kindNone || c.d == nil || c.d.Client == nil {
		return emptyCompletion()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	typed := strings.TrimSpace(arg.Value)
	items, complete, err := c.candidates(ctx, kind, typed, cc, failedFirst)
	if err != nil {
		c.d.logger().Warn("completion: Paperclip did not answer", "ref", ref, "argument", arg.Name,
			"candidatesRead", len(items), "error", clip(c.d.scrub(err.Error()), 500))
		if len(items) == 0 {
			return emptyCompletion()
		}
	}
	return bound(match(items, typed), complete)
}

// match keeps the candidates that match typed: a key equal to it first,
// then a key it starts, then a name holding it; in each group by rank,
// then as read.
func match(items []candidate, typed string) []candidate {
	t := strings.ToLower(typed)
	type hit struct {
		c    candidate
		tier int
	}
	var hits []hit
	seen := map[string]bool{}
	for _, c := range items {
		if seen[c.value] {
			continue
		}
		tier := -1
		for _, k := range c.keys {
			k = strings.ToLower(k)
			switch {
			case k == "":
			case t != "" && k == t:
				tier = 0
			case strings.HasPrefix(k, t) && tier != 0:
				tier = 1
			}
		}
		if tier < 0 && t != "" {
			for _, n := range c.names {
				if strings.Contains(strings.ToLower(n), t) {
					tier = 2
					break
				}
			}
		}
		if tier < 0 {
			continue
		}
		seen[c.value] = true
		hits = append(hits, hit{c, tier})
	}
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].tier != hits[b].tier {
			return hits[a].tier < hits[b].tier
		}
		return hits[a].c.rank < hits[b].c.rank
	})
	out := make([]candidate, len(hits))
	for i, h := range hits {
		out[i] = h.c
	}
	return out
}

// bound cuts the matches to MCP's 100 values. Total is given only when it
// is known (every candidate there is was read); HasMore says that more
// matches exist, or may exist beyond what was read.
func bound(matches []candidate, complete bool) *mcp.Completion {
	out := &mcp.Completion{Values: []string{}}
	for i := 0; i < len(matches) && i < maxCompletionValues; i++ {
		out.Values = append(out.Values, matches[i].value)
	}
	if complete {
		out.Total = len(matches)
	}
	out.HasMore = len(matches) > len(out.Values) || !complete
	return out
}

// candidates reads the candidates of kind in the companies of the
// completion: complete is false when a window was full (more may exist).
// With several companies, those that answer are kept and the first error
// is returned beside them.
func (c *completer) candidates(ctx context.Context, kind argKind, typed string, cc mcp.CompleteContext, failedFirst bool) ([]candidate, bool, error) {
	if kind == kindCompany {
		return c.companies(ctx)
	}
	companies, complete, err := c.companiesOf(ctx, cc)
	if err != nil {
		return nil, false, err
	}
	if len(companies) == 0 {
		c.d.logger().Debug("completion: no company to look in (no companyId given, no PAPERCLIP_COMPANY_ID, and the key sees none)")
		return nil, true, nil
	}
	agentFilter := ""
	if a := cc.Arguments["agentId"]; client.IsUUID(a) && kind == kindRun {
		agentFilter = a
	}
	type result struct {
		items    []candidate
		complete bool
		err      error
	}
	results := make([]result, len(companies))
	var wg sync.WaitGroup
	for i, id := range companies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r result
			switch kind {
			case kindAgent:
				r.items, r.complete, r.err = c.agents(ctx, id)
			case kindRun:
				r.items, r.complete, r.err = c.runs(ctx, id, agentFilter, failedFirst)
			case kindIssue:
				r.items, r.complete, r.err = c.issues(ctx, id, typed)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	var items []candidate
	var firstErr error
	for _, r := range results {
		if r.err != nil {
			complete = false
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		items = append(items, r.items...)
		complete = complete && r.complete
	}
	return items, complete, firstErr
}

// companiesOf is where to look: the companyId the client already filled
// in, else the companies to scan (companiesToScan).
func (c *completer) companiesOf(ctx context.Context, cc mcp.CompleteContext) ([]string, bool, error) {
	if id := strings.TrimSpace(cc.Arguments["companyId"]); client.IsUUID(id) {
		return []string{id}, true, nil
	}
	return c.d.companiesToScan(ctx, func(ctx context.Context) ([]string, error) {
		all, _, err := c.companies(ctx)
		ids := make([]string, 0, len(all))
		for _, co := range all {
			ids = append(ids, co.value)
		}
		return ids, err
	})
}

// ---------------------------------------------------------------- lists

// cached returns the entry under key, reading it with fetch when it is
// missing or older than completionTTL. Requests that want an entry being
// read wait for it (up to their own deadline); the read itself is bounded
// by completionTimeout and does not stop when the first requester goes.
func (c *completer) cached(ctx context.Context, key string, fetch func(context.Context) ([]candidate, bool, error)) ([]candidate, bool, error) {
	key = client.CallerScope(ctx) + "|" + key // one caller's reads are not another's
	c.mu.Lock()
	e, ok := c.cache[key]
	if ok {
		select {
		case <-e.ready:
			if time.Since(e.at) > completionTTL {
				ok = false
			}
		default: // being read
		}
	}
	if !ok {
		if c.cache == nil || len(c.cache) >= completionCacheLimit {
			c.evict()
		}
		e = &completionEntry{ready: make(chan struct{})}
		c.cache[key] = e
		timeout := completionTimeout // read here: the read may outlive this request
		go func() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
			defer cancel()
			items, complete, err := fetch(fctx)
			e.items, e.complete, e.err, e.at = items, complete, err, time.Now()
			close(e.ready)
		}()
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.items, e.complete, e.err
	case <-ctx.Done():
		return nil, false, fmt.Errorf("no answer from Paperclip within %s: %w", completionTimeout, ctx.Err())
	}
}

// evict drops the expired entries, or all of them when none expired; c.mu
// is held.
func (c *completer) evict() {
	if c.cache == nil {
		c.cache = map[string]*completionEntry{}
		return
	}
	for k, e := range c.cache {
		select {
		case <-e.ready:
			if time.Since(e.at) > completionTTL {
				delete(c.cache, k)
			}
		default:
		}
	}
	if len(c.cache) >= completionCacheLimit {
		c.cache = map[string]*completionEntry{}
	}
}

// companies the key can see; an agent key cannot list them, and is offered
// its own company (ownCompany) instead, kept like an answer.
func (c *completer) companies(ctx context.Context) ([]candidate, bool, error) {
	return c.cached(ctx, "companies", func(ctx context.Context) ([]candidate, bool, error) {
		rows, err := c.d.Client.ListCompanies(ctx)
		if err != nil {
			if own := c.d.ownCompany(ctx, err); own != "" {
				return []candidate{{value: own, keys: []string{own}}}, true, nil // all it may see
			}
			return nil, false, err
		}
		out := make([]candidate, 0, len(rows))
		for _, co := range rows {
			out = append(out, candidate{value: co.ID, keys: []string{co.ID, co.IssuePrefix}, names: []string{co.Name}})
		}
		return out, true, nil
	})
}

// agents of a company, by name (the route has no paging: the list is whole).
func (c *completer) agents(ctx context.Context, companyID string) ([]candidate, bool, error) {
	return c.cached(ctx, "agents|"+companyID, func(ctx context.Context) ([]candidate, bool, error) {
		rows, err := c.d.Client.ListAgents(ctx, companyID)
		if err != nil {
			return nil, false, err
		}
		sort.SliceStable(rows, func(i, j int) bool { return strings.ToLower(rows[i].Name) < strings.ToLower(rows[j].Name) })
		out := make([]candidate, 0, len(rows))
		for _, a := range rows {
			out = append(out, candidate{value: a.ID, keys: []string{a.ID}, names: []string{a.Name}})
		}
		return out, true, nil
	})
}

// runs of a company (of one agent when agentID is set), newest first,
// matched by id, agent name or status; failedFirst puts the failed ones
// first (debug-failed-run).
func (c *completer) runs(ctx context.Context, companyID, agentID string, failedFirst bool) ([]candidate, bool, error) {
	var (
		wg    sync.WaitGroup
		names = map[string]string{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Best effort: the agents' names let a run be found by who ran it.
		if agents, _, err := c.agents(ctx, companyID); err == nil {
			for _, a := range agents {
				names[a.value] = a.names[0]
			}
		}
	}()
	items, complete, err := c.cached(ctx, "runs|"+companyID+"|"+agentID, func(ctx context.Context) ([]candidate, bool, error) {
		rows, err := c.d.Client.ListRuns(ctx, companyID, agentID, completionRuns)
		if err != nil {
			return nil, false, err
		}
		out := make([]candidate, 0, len(rows))
		for _, r := range rows {
			out = append(out, candidate{value: r.ID, keys: []string{r.ID}, names: []string{r.AgentID, r.Status}})
		}
		return out, len(rows) < completionRuns, nil
	})
	wg.Wait()
	if err != nil {
		return nil, false, err
	}
	out := make([]candidate, len(items))
	for i, it := range items {
		it.names = append([]string{names[it.names[0]]}, it.names[1:]...)
		if failedFirst && !failedStatus(it.names[1]) {
			it.rank = 1
		}
		out[i] = it
	}
	return out, complete, nil
}

var hexPrefix = regexp.MustCompile(`^[0-9a-fA-F-]+$`)

// issues of a company: matched by identifier or title through Paperclip's
// own search (q), and by id prefix among the company's first
// completionIssues issues. Empty typed offers the first issues of the list.
func (c *completer) issues(ctx context.Context, companyID, typed string) ([]candidate, bool, error) {
	read := func(q string, limit int) func(context.Context) ([]candidate, bool, error) {
		return func(ctx context.Context) ([]candidate, bool, error) {
			rows, err := c.d.Client.ListIssues(ctx, companyID, client.IssueQuery{Q: q, Limit: limit})
			if err != nil {
				return nil, false, err
			}
			out := make([]candidate, 0, len(rows))
			for _, i := range rows {
				ident := str(i.Identifier)
				out = append(out, candidate{value: issueName(i.ID, ident), keys: []string{ident, i.ID}, names: []string{i.Title}})
			}
			return out, len(rows) < limit, nil
		}
	}
	if typed == "" || hexPrefix.MatchString(typed) {
		window, wComplete, err := c.cached(ctx, "issues|"+companyID, read("", completionIssues))
		if err != nil || typed == "" {
			return window, wComplete, err
		}
		found, fComplete, err := c.cached(ctx, "issues|"+companyID+"|q="+strings.ToLower(typed), read(typed, maxCompletionValues+1))
		if err != nil {
			return window, false, err
		}
		return append(found, window...), fComplete && wComplete, nil
	}
	return c.cached(ctx, "issues|"+companyID+"|q="+strings.ToLower(typed), read(typed, maxCompletionValues+1))
}
