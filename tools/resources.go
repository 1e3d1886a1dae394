package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// MCP resources: what a host can attach to a conversation or follow. Five
// templates read what the run, issue and agent tools read, bounded and
// scrubbed like tool results; resources/list offers the latest runs,
// failed first; a run (or its log) can be subscribed to and is then polled
// until it ends. Every read is current: a host that drops an update loses
// nothing.

// The resource templates. These URIs are a contract: completions, prompts,
// resource links and tests use them.
const (
	runResourceTemplate    = "paperclip://runs/{runId}"
	eventsResourceTemplate = "paperclip://runs/{runId}/events"
	logResourceTemplate    = "paperclip://runs/{runId}/log{?offset,limitBytes}"
	issueResourceTemplate  = "paperclip://issues/{issueId}"
	agentResourceTemplate  = "paperclip://agents/{agentId}"

	mimeJSON     = "application/json"
	mimeNDJSON   = "application/x-ndjson"
	mimeMarkdown = "text/markdown"
)

const (
	// logResourceLimit is the default window of the log resource (as
	// paperclip_get_run_log's default), logResourceMaxAsk the largest
	// limitBytes accepted (as the tool's maximum).
	logResourceLimit  = 16384
	logResourceMaxAsk = 1048576
	// logResourceRead bounds the bytes one read returns, whatever was asked:
	// a window of at most maxResultChars bytes is at most maxResultChars
	// characters. The window's _meta says where the next one starts.
	logResourceRead = maxResultChars
	// eventsResourceLimit is the events resource's page: the default page of
	// paperclip_list_run_events.
	eventsResourceLimit = 100
	// issueResourceComments is how many of an issue's latest comments its
	// resource shows, each cut at issueResourceBody characters.
	issueResourceComments = 50
	issueResourceBody     = 2000
	// resourceListMax bounds resources/list.
	resourceListMax = 20
	// maxSubscriptions bounds the live subscriptions of the whole server.
	maxSubscriptions = 20
)

// Variables so that tests can shorten them; nothing else changes them.
var (
	// resourceListTimeout bounds resources/list: a Paperclip that does not
	// answer gives an empty list, never a failed request.
	resourceListTimeout = 5 * time.Second
	// subscriptionPoll is how often a subscribed run is read;
	// subscriptionMaxAge is when its polling stops anyway.
	subscriptionPoll   = 2 * time.Second
	subscriptionMaxAge = time.Hour
	// subscriptionStopWait bounds how long unsubscribe waits for the
	// polling goroutine to end (it ends as soon as its request is cancelled).
	subscriptionStopWait = 5 * time.Second
)

// runResourceURI is the URI of a run; runLogResourceURI of a window of its
// log (the defaults left out).
func runResourceURI(runID string) string { return "paperclip://runs/" + url.PathEscape(runID) }

func runLogResourceURI(runID string, offset int64, limitBytes int) string {
	u := runResourceURI(runID) + "/log"
	q := []string{}
	if offset > 0 {
		q = append(q, "offset="+strconv.FormatInt(offset, 10))
	}
	if limitBytes > 0 && limitBytes != logResourceLimit {
		q = append(q, "limitBytes="+strconv.Itoa(limitBytes))
	}
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}

// runLogLink is a resource_link to a window of a run's log.
func runLogLink(runID string, offset int64) mcp.ResourceLink {
	name := "log of run " + runID
	desc := "The run's NDJSON log from its start (16 KB windows; _meta.next is the next one)."
	if offset > 0 {
		name = fmt.Sprintf("log of run %s from byte %d", runID, offset)
		desc = fmt.Sprintf("The next window of the run's NDJSON log, from byte %d.", offset)
	}
	return mcp.NewResourceLink(runLogResourceURI(runID, offset, 0), name, desc, mimeNDJSON)
}

// runLink is a resource_link to a run.
func runLink(runID string) mcp.ResourceLink {
	return mcp.NewResourceLink(runResourceURI(runID), "run "+runID, "The run as JSON (status, timing, error, log size); current on every read.", mimeJSON)
}

// ---------------------------------------------------------------- URIs

// resourceRef is a parsed paperclip:// URI.
type resourceRef struct {
	kind       string // run, events, log, issue, agent
	id         string
	offset     int64
	limitBytes int
}

var issueIDRe = regexp.MustCompile(issueIDPattern)

// parseResourceURI reads a paperclip:// URI and checks its parameters
// before anything is sent. mcp-go's template matching only routes a read
// here: yosida95/uritemplate matches "{?offset,limitBytes}" only with the
// parameters in that order, and for any other query (limitBytes before
// offset, an unknown key) it still matches the URI but gives no variables
// at all, not even runId. So the URI itself is the source of truth: the
// path and query are parsed with net/url, in any order.
func parseResourceURI(raw string) (resourceRef, error) {
	var ref resourceRef
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "paperclip" || u.Opaque != "" {
		return ref, inputErrorf("%q is not a paperclip:// resource URI. Use one of %s.", clip(raw, 120), strings.Join(resourceTemplates(), ", "))
	}
	var segs []string
	for _, s := range strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/") {
		v, err := url.PathUnescape(s)
		if err != nil {
			return ref, inputErrorf("%q has a malformed %%-escape. Use one of %s.", clip(raw, 120), strings.Join(resourceTemplates(), ", "))
		}
		segs = append(segs, v)
	}
	ref.id = segs[0]
	switch {
	case u.Host == "runs" && len(segs) == 1:
		ref.kind = "run"
	case u.Host == "runs" && len(segs) == 2 && segs[1] == "events":
		ref.kind = "events"
	case u.Host == "runs" && len(segs) == 2 && segs[1] == "log":
		ref.kind = "log"
	case u.Host == "issues" && len(segs) == 1:
		ref.kind = "issue"
	case u.Host == "agents" && len(segs) == 1:
		ref.kind = "agent"
	default:
		return ref, inputErrorf("%q names no paperclip resource. Use one of %s.", clip(raw, 120), strings.Join(resourceTemplates(), ", "))
	}
	if u.RawQuery != "" && ref.kind != "log" {
		return ref, inputErrorf("%q: this resource takes no query parameters; only the log does (%s).", clip(raw, 120), logResourceTemplate)
	}
	switch ref.kind {
	case "run", "events", "log":
		if err := requireID("runId", ref.id, findRunResource); err != nil {
			return ref, err
		}
	case "agent":
		if err := requireID("agentId", ref.id, findAgent); err != nil {
			return ref, err
		}
	case "issue":
		if !issueIDRe.MatchString(ref.id) {
			return ref, inputErrorf("issueId must be a UUID or an identifier like ABC-12; got %q. %s", clip(ref.id, 60), issueNotFound)
		}
	}
	if ref.kind == "log" {
		if err := ref.logWindow(raw, u.RawQuery); err != nil {
			return ref, err
		}
	}
	return ref, nil
}

// logWindow reads offset and limitBytes from the log URI's query.
func (ref *resourceRef) logWindow(raw, query string) error {
	ref.limitBytes = logResourceLimit
	q, err := url.ParseQuery(query)
	if err != nil {
		return inputErrorf("%q has a malformed query (%v). Write it as ?offset=0&limitBytes=16384.", clip(raw, 160), err)
	}
	example := "e.g. " + runResourceURI(ref.id) + "/log?offset=0&limitBytes=16384"
	for k, v := range q {
		if len(v) != 1 {
			return inputErrorf("%q gives %s %d times: give it once (%s).", clip(raw, 160), k, len(v), example)
		}
		switch k {
		case "offset":
			n, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil || n < 0 {
				return inputErrorf("offset must be a byte offset, a whole number >= 0; got %q. Start at offset=0 and follow _meta.nextOffset.", clip(v[0], 40))
			}
			ref.offset = n
		case "limitBytes":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 4 || n > logResourceMaxAsk {
				return inputErrorf("limitBytes must be a whole number from 4 to %d; got %q (default %d).", logResourceMaxAsk, clip(v[0], 40), logResourceLimit)
			}
			ref.limitBytes = n
		default:
			return inputErrorf("the log resource takes offset and limitBytes only, not %q (%s).", clip(k, 40), example)
		}
	}
	return nil
}

const findRunResource = "Find run ids with paperclip_list_heartbeat_runs, or in resources/list (the latest runs, failed first)."

func resourceTemplates() []string {
	return []string{runResourceTemplate, eventsResourceTemplate, logResourceTemplate, issueResourceTemplate, agentResourceTemplate}
}

// ---------------------------------------------------------------- errors

// resourceError is a failed read, in words that say what to do. It wraps
// server.ErrResourceNotFound when Paperclip has no such thing. (mcp-go
// answers every handler error with JSON-RPC -32603 and this message; its
// -32002 "resource not found" is only for a URI no template matches.)
type resourceError struct {
	msg      string
	notFound bool
}

func (e *resourceError) Error() string { return e.msg }

func (e *resourceError) Unwrap() error {
	if e.notFound {
		return server.ErrResourceNotFound
	}
	return nil
}

// resourceErr explains err the way a tool error is explained (explain, with
// the route and version lookup of routeErr), scrubbed and bounded.
func (d *Deps) resourceErr(ctx context.Context, spec Spec, uri string, err error) error {
	err = d.routeErr(ctx, err)
	msg := boundText(d.scrub(explain(err, spec)))
	d.logger().Info("resource error", "uri", clip(d.scrub(uri), 200), "error", clip(msg, 2000))
	apiErr, ok := client.AsAPIError(err)
	return &resourceError{msg: msg, notFound: ok && apiErr.Status == 404 && apiErr.Message != "API route not found"}
}

// ---------------------------------------------------------------- reads

type resourceReader func(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error)

// resourceHandler binds a reader to d: the URI is parsed and checked, the
// reader runs, its errors are explained.
func resourceHandler(d *Deps, kind string, spec Spec, read resourceReader) server.ResourceTemplateHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		uri := req.Params.URI
		ref, err := parseResourceURI(uri)
		if err == nil && ref.kind != kind {
			err = inputErrorf("%q is not a %s resource.", clip(uri, 120), kind)
		}
		var out []mcp.ResourceContents
		if err == nil {
			out, err = read(ctx, d, ref, uri)
		}
		if err != nil {
			return nil, d.resourceErr(ctx, spec, uri, err)
		}
		return out, nil
	}
}

// jsonResource encodes v (from encode(false)), scrubbed; when that passes
// the output bound, encode(true) is the tighter form tried once more.
func (d *Deps) jsonResource(uri string, encode func(tight bool) any) ([]mcp.ResourceContents, error) {
	for _, tight := range []bool{false, true} {
		js, err := json.Marshal(encode(tight))
		if err != nil {
			return nil, fmt.Errorf("paperclip-mcp could not encode %s: %w", uri, err)
		}
		js = d.scrubBytes(js)
		if utf8.RuneCount(js) <= maxResultChars {
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeJSON, Text: string(js)}}, nil
		}
	}
	return nil, inputErrorf("%s is longer than %d characters even with its texts cut; read it with the tools instead.", uri, maxResultChars)
}

func readRunResource(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error) {
	r, err := getRun(ctx, d, RunArgs{RunID: ref.id})
	if err != nil {
		return nil, err
	}
	return d.jsonResource(uri, func(tight bool) any {
		if tight {
			r.StdoutExcerpt, r.StderrExcerpt = clipTail(r.StdoutExcerpt, 1000), clipTail(r.StderrExcerpt, 1000)
			r.Error, r.WakeReason = clip(r.Error, 1000), clip(r.WakeReason, 500)
		}
		return r
	})
}

// eventsResource is a run's first events page, and how to read on.
type eventsResource struct {
	EventsPage
	Next string `json:"next,omitempty"`
}

func readEventsResource(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error) {
	page, err := listEvents(ctx, d, ListEventsArgs{RunID: ref.id, Limit: eventsResourceLimit})
	if err != nil {
		return nil, err
	}
	encode := func(n int) []byte {
		p := eventsResource{EventsPage: page}
		if n < len(page.Items) {
			p.Items, p.Count, p.HasMore = page.Items[:n], n, true
			p.NextAfterSeq = page.AfterSeq
			if n > 0 {
				p.NextAfterSeq = page.Items[n-1].Seq
			}
		}
		if p.HasMore {
			p.Next = fmt.Sprintf("More events: call paperclip_list_run_events with runId=%s afterSeq=%d.", ref.id, p.NextAfterSeq)
		}
		js, _ := json.Marshal(p)
		return d.scrubBytes(js)
	}
	fits := func(js []byte) bool { return utf8.RuneCount(js) <= maxResultChars }
	js := encode(len(page.Items))
	if !fits(js) {
		// The most events that fit (events can carry large payloads).
		lo, hi := 0, len(page.Items)-1
		js = encode(0)
		for lo <= hi {
			mid := (lo + hi) / 2
			if c := encode(mid); fits(c) {
				js, lo = c, mid+1
			} else {
				hi = mid - 1
			}
		}
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeJSON, Text: string(js)}}, nil
}

func readLogResource(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error) {
	read := min(ref.limitBytes, logResourceRead)
	s, err := getRunLog(ctx, d, LogArgs{RunID: ref.id, Offset: ref.offset, LimitBytes: read})
	if err != nil {
		return nil, err
	}
	meta := map[string]any{"runId": s.RunID, "offset": s.Offset, "nextOffset": s.NextOffset, "totalBytes": s.TotalBytes,
		"eof": s.EOF, "runStatus": s.RunStatus, "final": s.Final}
	if s.PastEnd {
		meta["pastEnd"] = true
	}
	if !s.EOF || !s.Final {
		meta["next"] = runLogResourceURI(ref.id, s.NextOffset, ref.limitBytes)
	}
	if s.EOF && !s.Final {
		meta["note"] = "End of the log for now: the run is still " + s.RunStatus + "; read next later, or subscribe to this URI."
	}
	if read < ref.limitBytes {
		meta["note"] = fmt.Sprintf("A read returns at most %d bytes; follow next for the rest.", logResourceRead)
	}
	text := d.scrub(s.Content)
	if utf8.RuneCountInString(text) > maxResultChars {
		text = boundText(text) // only when scrubbing lengthened it
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeNDJSON, Text: text, Meta: meta}}, nil
}

func readIssueResource(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error) {
	issue, err := getIssue(ctx, d, IssueArgs{IssueID: ref.id})
	if err != nil {
		return nil, err
	}
	// The latest comments, shown oldest first.
	rows, exhausted, _, err := readComments(ctx, d, ref.id, "desc", "", issueResourceComments+1)
	if err != nil {
		return nil, err
	}
	more := !exhausted || len(rows) > issueResourceComments
	rows = rows[:min(len(rows), issueResourceComments)]
	comments := make([]CommentView, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		comments = append(comments, commentView(&rows[i], issueResourceBody))
	}
	render := func(cs []CommentView, dropped int) string {
		var m md
		m.b.WriteString(getIssueMarkdown(IssueArgs{IssueID: ref.id}, issue))
		m.blank()
		n := issue.name()
		switch {
		case len(cs) == 0 && !more && dropped == 0:
			m.line("### Comments: none")
		case more || dropped > 0:
			m.line("### Comments: the latest %d, oldest first (older ones: paperclip_list_comments issueId=%s)", len(cs), n)
		default:
			m.line("### Comments: all %d, oldest first", len(cs))
		}
		for _, c := range cs {
			m.blank()
			deleted := ""
			if c.DeletedAt != "" {
				deleted = " · deleted " + shortTime(c.DeletedAt)
			}
			m.line("#### `%s` · %s · %s%s", c.ID, shortTime(c.CreatedAt), c.author(), deleted)
			m.line("%s", c.Body)
			if c.Clipped {
				m.line("[Cut at %d of %d characters: paperclip_get_comment issueId=%s commentId=%s reads it all.]", issueResourceBody, c.BodyChars, n, c.ID)
			}
		}
		return d.scrub(m.String())
	}
	text := render(comments, 0)
	for dropped := 1; utf8.RuneCountInString(text) > maxResultChars && dropped <= len(comments); dropped++ {
		text = render(comments[dropped:], dropped) // drop the oldest first
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeMarkdown, Text: boundText(text)}}, nil
}

func readAgentResource(ctx context.Context, d *Deps, ref resourceRef, uri string) ([]mcp.ResourceContents, error) {
	a, err := getAgent(ctx, d, AgentArgs{AgentID: ref.id})
	if err != nil {
		return nil, err
	}
	return d.jsonResource(uri, func(tight bool) any {
		if tight {
			a.Capabilities, a.ErrorReason, a.PauseReason, a.Title = clip(a.Capabilities, 2000), clip(a.ErrorReason, 1000), clip(a.PauseReason, 500), clip(a.Title, 200)
		}
		return a
	})
}

// ---------------------------------------------------------------- registration

// registerResources adds the resource templates, the resources/list hook
// and the subscription hooks. hooks is the server's own (server.WithHooks):
// without it there is no list and no subscription, only the templates.
func registerResources(s *server.MCPServer, d *Deps, hooks *server.Hooks) {
	add := func(template, name, title, mime, desc, kind string, spec Spec, read resourceReader) {
		s.AddResourceTemplate(mcp.NewResourceTemplate(template, name, mcp.WithTemplateTitle(title),
			mcp.WithTemplateDescription(desc), mcp.WithTemplateMIMEType(mime)), resourceHandler(d, kind, spec, read))
	}
	add(runResourceTemplate, "run", "Heartbeat run", mimeJSON,
		"A heartbeat run as JSON, as paperclip_get_heartbeat_run's structured result: status, timing, exit code, error, log size, excerpts. Subscribe to follow it until it ends.",
		"run", Spec{Name: "resources/read " + runResourceTemplate, NotFound: findRunResource}, readRunResource)
	add(eventsResourceTemplate, "run-events", "Run events", mimeJSON,
		fmt.Sprintf("A run's first %d events as JSON (as paperclip_list_run_events returns them); `next` says how to read on when there are more.", eventsResourceLimit),
		"events", Spec{Name: "resources/read " + eventsResourceTemplate, NotFound: findRunResource}, readEventsResource)
	add(logResourceTemplate, "run-log", "Run log window", mimeNDJSON,
		fmt.Sprintf("A byte window of a run's raw NDJSON log, exactly as Paperclip stores it, never splitting a UTF-8 character: offset (default 0), limitBytes (default %d, 4 to %d; at most %d bytes are returned per read). "+
			"_meta gives offset, nextOffset, totalBytes, eof and next (the URI of the next window). Subscribe to be told when it grows.", logResourceLimit, logResourceMaxAsk, logResourceRead),
		"log", Spec{Name: "resources/read " + logResourceTemplate, NotFound: findRunResource}, readLogResource)
	add(issueResourceTemplate, "issue", "Issue with comments", mimeMarkdown,
		fmt.Sprintf("An issue (UUID or identifier like ABC-12) as markdown: status, assignee, description, and its latest %d comments.", issueResourceComments),
		"issue", Spec{Name: "resources/read " + issueResourceTemplate, NotFound: issueNotFound}, readIssueResource)
	add(agentResourceTemplate, "agent", "Agent", mimeJSON,
		"An agent as JSON, as paperclip_get_agent's structured result (no adapter configuration).",
		"agent", Spec{Name: "resources/read " + agentResourceTemplate, NotFound: findAgent}, readAgentResource)
	if hooks == nil {
		d.logger().Warn("resources: no server hooks given: resources/list stays empty and subscriptions are not followed")
		return
	}
	// mcp-go's resources are fixed at registration and listed sorted by
	// name. The latest runs change all the time and are ordered failed
	// first, so the list is made per request, here: the hook runs before
	// the answer is encoded and its result is what is sent. Every run is
	// on the first page (no cursor is ever given out).
	hooks.AddAfterListResources(func(ctx context.Context, _ any, req *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
		if res == nil || req.Params.Cursor != "" {
			return
		}
		res.Resources = append(res.Resources, d.latestRunResources(ctx)...)
	})
	// The stdio session does not implement SessionWithResourceSubscriptions,
	// so subscriptions start and stop in hooks. An after-hook cannot refuse:
	// a subscription this server will not follow is acknowledged, logged and
	// ignored (a read is always current anyway).
	hooks.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		d.subscribe(ctx, s, req.Params.URI)
	})
	hooks.AddBeforeUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest) {
		if session := server.ClientSessionFromContext(ctx); session != nil {
			d.subs.stop(func(k subKey) bool { return k.session == session.SessionID() && k.uri == req.Params.URI })
		}
	})
	hooks.AddOnUnregisterSession(func(_ context.Context, session server.ClientSession) {
		if session != nil {
			d.subs.stop(func(k subKey) bool { return k.session == session.SessionID() })
		}
	})
}

// ---------------------------------------------------------------- resources/list

// latestRunResources is the latest runs of the companies to scan
// (companiesToScan), failed first (failedStatus), then by recency, at most
// resourceListMax. One run-list request per company, plus
// its agent names (kept a while), all within resourceListTimeout. A
// Paperclip that fails or does not answer gives fewer runs or none, and a
// log line.
func (d *Deps) latestRunResources(ctx context.Context) []mcp.Resource {
	out := []mcp.Resource{}
	ctx, cancel := context.WithTimeout(ctx, resourceListTimeout)
	defer cancel()
	companies, _, err := d.companiesToScan(ctx, func(ctx context.Context) ([]string, error) {
		cs, err := d.Client.ListCompanies(ctx)
		ids := make([]string, 0, len(cs))
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids, err
	})
	if err != nil {
		d.logger().Warn("resources/list: cannot list companies; listing no runs", "error", clip(d.scrub(err.Error()), 500))
		return out
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		runs []RunSummary
	)
	for _, companyID := range companies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := d.Client.ListRuns(ctx, companyID, "", resourceListMax)
			if err != nil {
				d.logger().Warn("resources/list: cannot list runs", "company", companyID, "error", clip(d.scrub(err.Error()), 500))
				return
			}
			items := make([]RunSummary, 0, len(rows))
			for i := range rows {
				items = append(items, summarize(&rows[i]))
			}
			nameRuns(ctx, d, companyID, items)
			mu.Lock()
			runs = append(runs, items...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.SliceStable(runs, func(i, j int) bool {
		fi, fj := failedStatus(runs[i].Status), failedStatus(runs[j].Status)
		if fi != fj {
			return fi
		}
		return newer(runs[i].CreatedAt, runs[j].CreatedAt)
	})
	for _, r := range runs[:min(len(runs), resourceListMax)] {
		out = append(out, d.runResource(r))
	}
	return out
}

// newer reports whether timestamp a is later than b.
func newer(a, b string) bool {
	ta, ea := time.Parse(time.RFC3339Nano, a)
	tb, eb := time.Parse(time.RFC3339Nano, b)
	if ea != nil || eb != nil {
		return a > b
	}
	return ta.After(tb)
}

// runResource is a run as resources/list shows it.
func (d *Deps) runResource(r RunSummary) mcp.Resource {
	who := r.AgentID
	if r.AgentName != "" {
		who = r.AgentName
	}
	name := fmt.Sprintf("Run %s · agent %s · %s", r.Status, oneLine(who, 60), shortTime(r.CreatedAt))
	desc := strings.TrimPrefix(runLine(r), "- ")
	desc = fmt.Sprintf("Heartbeat run %s. Its log: %s; its events: %s/events.", clip(desc, 400), runLogResourceURI(r.ID, 0, 0), runResourceURI(r.ID))
	res := mcp.NewResource(runResourceURI(r.ID), d.scrub(name), mcp.WithResourceDescription(d.scrub(desc)), mcp.WithMIMEType(mimeJSON))
	priority := 0.5
	if failedStatus(r.Status) {
		priority = 1
	}
	res.Annotations = &mcp.Annotations{Priority: &priority}
	return res
}

// ---------------------------------------------------------------- subscriptions

// subscriptions are the runs being followed for resources/subscribe, at
// most maxSubscriptions, each by one goroutine that ends with it. The zero
// value is ready to use.
type subscriptions struct {
	mu   sync.Mutex
	live map[subKey]*subscription
}

// subKey is one session's subscription to one URI.
type subKey struct{ session, uri string }

type subscription struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// count is the number of live subscriptions.
func (ss *subscriptions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.live)
}

// stop ends the subscriptions whose keys match, and waits (bounded) for
// their goroutines to end.
func (ss *subscriptions) stop(match func(subKey) bool) {
	ss.mu.Lock()
	var ending []*subscription
	for k, sub := range ss.live {
		if match(k) {
			sub.cancel()
			ending = append(ending, sub)
			delete(ss.live, k)
		}
	}
	ss.mu.Unlock()
	timeout := time.NewTimer(subscriptionStopWait)
	defer timeout.Stop()
	for _, sub := range ending {
		select {
		case <-sub.done:
		case <-timeout.C:
			return
		}
	}
}

// subscribe starts following a run URI for the session in ctx.
func (d *Deps) subscribe(ctx context.Context, s *server.MCPServer, uri string) {
	session := server.ClientSessionFromContext(ctx)
	if session == nil {
		d.logger().Warn("resources/subscribe without a session: not followed", "uri", clip(d.scrub(uri), 200))
		return
	}
	ref, err := parseResourceURI(uri)
	if err == nil && ref.kind != "run" && ref.kind != "log" {
		err = inputErrorf("only a run (%s) or its log (%s) can be followed", runResourceTemplate, logResourceTemplate)
	}
	if err != nil {
		d.logger().Warn("resources/subscribe: not followed", "uri", clip(d.scrub(uri), 200), "why", clip(d.scrub(err.Error()), 500))
		return
	}
	key := subKey{session: session.SessionID(), uri: uri}
	ss := &d.subs
	ss.mu.Lock()
	if _, ok := ss.live[key]; ok {
		ss.mu.Unlock()
		return
	}
	if len(ss.live) >= maxSubscriptions {
		ss.mu.Unlock()
		d.logger().Warn("resources/subscribe: too many live subscriptions; not followed (reads stay current)", "uri", clip(d.scrub(uri), 200), "max", maxSubscriptions)
		return
	}
	if ss.live == nil {
		ss.live = map[subKey]*subscription{}
	}
	pctx, cancel := context.WithTimeout(context.Background(), subscriptionMaxAge)
	sub := &subscription{cancel: cancel, done: make(chan struct{})}
	ss.live[key] = sub
	ss.mu.Unlock()
	go d.follow(pctx, s, key, ref.id, sub)
}

// follow polls the run every subscriptionPoll and sends
// notifications/resources/updated when its status or log size changes. It
// ends at a final status, when cancelled (unsubscribe, the session's end),
// after subscriptionMaxAge, or when the session is gone; it makes at most
// subscriptionMaxAge/subscriptionPoll+1 reads.
func (d *Deps) follow(ctx context.Context, s *server.MCPServer, key subKey, runID string, sub *subscription) {
	defer func() {
		sub.cancel()
		d.subs.mu.Lock()
		if d.subs.live[key] == sub {
			delete(d.subs.live, key)
		}
		d.subs.mu.Unlock()
		close(sub.done)
	}()
	ticker := time.NewTicker(subscriptionPoll)
	defer ticker.Stop()
	type state struct {
		status string
		size   int64
	}
	var last *state
	logged := false
	polls := int(subscriptionMaxAge/subscriptionPoll) + 1
	for range polls {
		r, err := d.Client.GetRun(ctx, runID)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status >= 400 && apiErr.Status < 500 && apiErr.Status != 429 {
				// No such run, or not for this key: asking again will not help.
				d.logger().Warn("subscription: the run cannot be read; stopped", "uri", clip(d.scrub(key.uri), 200), "status", apiErr.Status)
				return
			}
			if !logged {
				d.logger().Warn("subscription: cannot read the run; still trying", "uri", clip(d.scrub(key.uri), 200), "error", clip(d.scrub(err.Error()), 500))
				logged = true
			}
		default:
			now := state{status: r.Status}
			if r.LogBytes != nil {
				now.size = *r.LogBytes
			}
			if last != nil && now != *last {
				err := s.SendNotificationToSpecificClient(key.session, mcp.MethodNotificationResourceUpdated, map[string]any{"uri": key.uri})
				if errors.Is(err, server.ErrSessionNotFound) {
					return
				}
				if err != nil {
					d.logger().Debug("subscription: update not delivered (the next read is current anyway)", "uri", clip(d.scrub(key.uri), 200), "error", err.Error())
				}
			}
			last = &now
			if client.IsFinal(r.Status) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
