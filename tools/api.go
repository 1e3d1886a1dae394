package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// The api toolset reaches every operation of the server's own OpenAPI
// document, read when first needed and cached by the client: search,
// describe, call. The document has no operationId: an operation is named
// "METHOD /api/path" as the document writes it.

const findOperation = "Find operations with paperclip_search_api_operations."

// apiBodyBudget bounds the answer body a call result carries as JSON: a
// longer answer is cut (as text) with the way to ask for less.
const apiBodyBudget = 20000

// dedicatedTool names the tools that do an operation with typed arguments.
func dedicatedTool(op client.Operation) string {
	return dedicatedTools[op.Key]
}

// findOp resolves "METHOD /api/path" (placeholder names as in the document,
// or any: {id} matches {companyId}).
func findOp(ops []client.Operation, name string) (client.Operation, error) {
	method, path, ok := strings.Cut(strings.TrimSpace(name), " ")
	if !ok {
		return client.Operation{}, inputErrorf("operation must be a method and a path as the document writes them, e.g. \"GET /api/companies/{companyId}/org\"; got %q. %s", clip(name, 100), findOperation)
	}
	path = strings.TrimSpace(path)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/runtime-tools") && !strings.HasPrefix(path, "/mcp/") {
		path = "/api" + path
	}
	key := client.RouteKey(method, path)
	for _, op := range ops {
		if op.Key == key {
			return op, nil
		}
	}
	return client.Operation{}, inputErrorf("The server's OpenAPI document has no operation %s. %s", clip(strings.ToUpper(method)+" "+path, 200), findOperation)
}

// APIParam is one parameter of an operation.
type APIParam struct {
	Name     string          `json:"name"`
	In       string          `json:"in"`
	Required bool            `json:"required,omitempty"`
	Schema   json.RawMessage `json:"schema,omitempty" jsonschema:"type=object"`
}

func apiParams(op client.Operation) []APIParam {
	out := make([]APIParam, 0, len(op.Parameters))
	for _, p := range op.Parameters {
		out = append(out, APIParam{Name: p.Name, In: p.In, Required: p.Required, Schema: p.Schema})
	}
	return out
}

// actor is who may call an operation, from x-paperclip-authorization.
func opActor(op client.Operation) string {
	var a struct {
		Actor         string `json:"actor"`
		InstanceAdmin bool   `json:"instanceAdmin"`
	}
	_ = json.Unmarshal(op.Authorization, &a)
	if a.InstanceAdmin {
		return a.Actor + " (instance admin)"
	}
	return a.Actor
}

// APIOperationSummary is one search hit.
type APIOperationSummary struct {
	Operation     string   `json:"operation"`
	Summary       string   `json:"summary,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	Parameters    []string `json:"parameters,omitempty"`
	Body          bool     `json:"body,omitempty"`
	Actor         string   `json:"actor,omitempty"`
	DedicatedTool string   `json:"dedicatedTool,omitempty"`
}

func operationSummary(op *client.Operation) APIOperationSummary {
	s := APIOperationSummary{Operation: op.Name(), Summary: op.Summary, Tags: op.Tags, Body: len(op.BodyTypes) > 0, Actor: opActor(*op), DedicatedTool: dedicatedTool(*op)}
	for _, p := range op.Parameters {
		req := ""
		if p.Required {
			req = ", required"
		}
		s.Parameters = append(s.Parameters, fmt.Sprintf("%s (%s%s)", p.Name, p.In, req))
	}
	return s
}

// SearchAPIArgs are the arguments of paperclip_search_api_operations.
type SearchAPIArgs struct {
	Query  string `json:"query,omitempty" jsonschema:"maxLength=200,description=Words that must all appear in the path, summary, description or tags"`
	Tag    string `json:"tag,omitempty" jsonschema:"maxLength=100,description=e.g. agents, issues, secrets"`
	Method string `json:"method,omitempty" jsonschema:"enum=GET,enum=POST,enum=PUT,enum=PATCH,enum=DELETE"`
	Paging
	Format
}

func searchAPI(ctx context.Context, d *Deps, a SearchAPIArgs) (Page[APIOperationSummary], error) {
	ops, err := d.Client.Operations(ctx)
	if err != nil {
		return Page[APIOperationSummary]{Items: []APIOperationSummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	words := strings.Fields(strings.ToLower(a.Query))
	var hits []client.Operation
	for _, op := range ops {
		if a.Method != "" && op.Method != a.Method {
			continue
		}
		if a.Tag != "" && !containsFold(op.Tags, a.Tag) {
			continue
		}
		text := strings.ToLower(op.Name() + " " + op.Summary + " " + op.Description + " " + strings.Join(op.Tags, " "))
		all := true
		for _, w := range words {
			all = all && strings.Contains(text, w)
		}
		if all {
			hits = append(hits, op)
		}
	}
	// Operations whose path holds the words come first.
	sort.SliceStable(hits, func(i, j int) bool { return pathScore(hits[i], words) > pathScore(hits[j], words) })
	return pageFrom(hits, a.Offset, a.Limit, true, operationSummary), nil
}

func pathScore(op client.Operation, words []string) int {
	n := 0
	for _, w := range words {
		if strings.Contains(strings.ToLower(op.Path), w) {
			n++
		}
	}
	return n
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func searchAPIMarkdown(_ SearchAPIArgs, p Page[APIOperationSummary]) string {
	var m md
	m.line("## API operations: %d shown from offset %d (%d match)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No operation matches: try fewer words, or a tag (agents, issues, companies, secrets, plugins, ...).")
	}
	for _, o := range p.Items {
		m.line("- `%s` %s%s%s%s", o.Operation, oneLine(o.Summary, 120), wrapped(" · tags ", strings.Join(o.Tags, ","), ""),
			wrapped(" · who: ", o.Actor, ""), wrapped(" · **use ", o.DedicatedTool, "**"))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_search_api_operations", ", and the same query")
	m.line("Next: paperclip_describe_api_operation shows an operation's parameters and body; prefer its dedicated tool when one is named.")
	return m.String()
}

// searchAPITool declares paperclip_search_api_operations.
func searchAPITool() Tool {
	return define(Spec{Name: "paperclip_search_api_operations", Title: "Search API operations", Toolset: API,
		Description: "Search every operation the Paperclip server serves (its OpenAPI document) by words, tag or method. Each hit names its dedicated tool when there is one: prefer it.",
		Access:      Read},
		searchAPI, searchAPIMarkdown)
}

// OperationArgs name one operation.
type OperationArgs struct {
	Operation string `json:"operation" jsonschema:"minLength=3,maxLength=300,description=Method and path as the document writes them: GET /api/companies/{companyId}/org"`
}

// DescribeAPIArgs are the arguments of paperclip_describe_api_operation.
type DescribeAPIArgs struct {
	OperationArgs
	Format
}

// APIOperation is one operation as the document states it.
type APIOperation struct {
	Operation     string          `json:"operation"`
	Summary       string          `json:"summary,omitempty"`
	Description   string          `json:"description,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	Parameters    []APIParam      `json:"parameters"`
	BodyTypes     []string        `json:"bodyTypes,omitempty"`
	BodyRequired  bool            `json:"bodyRequired,omitempty"`
	BodySchema    json.RawMessage `json:"bodySchema,omitempty" jsonschema:"type=object"`
	Authorization json.RawMessage `json:"authorization,omitempty" jsonschema:"type=object"`
	DedicatedTool string          `json:"dedicatedTool,omitempty"`
	// NotCallable says why paperclip_call_api_operation cannot send it.
	NotCallable string `json:"notCallable,omitempty"`
}

func describeAPI(ctx context.Context, d *Deps, a DescribeAPIArgs) (APIOperation, error) {
	ops, err := d.Client.Operations(ctx)
	if err != nil {
		return APIOperation{}, err
	}
	op, err := findOp(ops, a.Operation)
	if err != nil {
		return APIOperation{}, err
	}
	v := APIOperation{Operation: op.Name(), Summary: op.Summary, Description: op.Description, Tags: op.Tags, Parameters: apiParams(op),
		BodyTypes: op.BodyTypes, BodyRequired: op.BodyRequired, BodySchema: op.BodySchema, Authorization: op.Authorization, DedicatedTool: dedicatedTool(op)}
	if err := op.Callable(); err != nil {
		v.NotCallable = err.Error()
	}
	return v, nil
}

func describeAPIMarkdown(_ DescribeAPIArgs, v APIOperation) string {
	var m md
	m.line("## `%s`", v.Operation)
	if v.Summary != "" {
		m.line("%s", v.Summary)
	}
	if v.Description != "" && v.Description != v.Summary {
		m.line("%s", oneLine(v.Description, 2000))
	}
	if len(v.Tags) > 0 {
		m.line("- tags: %s", strings.Join(v.Tags, ", "))
	}
	if len(v.Authorization) > 0 {
		m.line("- who may call it (x-paperclip-authorization): `%s`", string(v.Authorization))
	}
	if v.DedicatedTool != "" {
		m.line("- **dedicated tool: %s** (typed arguments, checked before sending): prefer it", v.DedicatedTool)
	}
	if v.NotCallable != "" {
		m.line("- not callable with paperclip_call_api_operation: %s", v.NotCallable)
	}
	m.blank()
	if len(v.Parameters) == 0 {
		m.line("Parameters: none in the document (it lists few query parameters: the server may take more).")
	} else {
		m.line("Parameters:")
		for _, p := range v.Parameters {
			req := ""
			if p.Required {
				req = ", required"
			}
			m.line("- `%s` (%s%s) %s", p.Name, p.In, req, string(p.Schema))
		}
	}
	if len(v.BodyTypes) > 0 {
		req := "optional"
		if v.BodyRequired {
			req = "required"
		}
		m.blank()
		m.line("Body (%s, %s):", strings.Join(v.BodyTypes, ", "), req)
		if len(v.BodySchema) > 0 {
			m.line("```json")
			m.line("%s", jsonIndent(v.BodySchema))
			m.line("```")
		}
	}
	m.blank()
	m.line("Next: paperclip_call_api_operation operation=%q with pathParams, query and body.", v.Operation)
	return m.String()
}

func jsonIndent(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// describeAPITool declares paperclip_describe_api_operation.
func describeAPITool() Tool {
	return define(Spec{Name: "paperclip_describe_api_operation", Title: "Describe an API operation", Toolset: API,
		Description: "One operation of the server's OpenAPI document: its parameters, body schema and who may call it (x-paperclip-authorization), as the server states them.",
		Access:      Read, NotFound: findOperation},
		describeAPI, describeAPIMarkdown)
}

// CallAPIArgs are the arguments of paperclip_call_api_operation.
type CallAPIArgs struct {
	OperationArgs
	PathParams map[string]string `json:"pathParams,omitempty" jsonschema:"description=Each {placeholder} of the path by name (escaped as one segment)"`
	Query      map[string]any    `json:"query,omitempty" jsonschema:"description=Query parameters: strings, numbers, booleans or lists of them"`
	Body       map[string]any    `json:"body,omitempty" jsonschema:"description=The JSON body (an object), for operations that take one"`
}

// APICallResult is what Paperclip answered.
type APICallResult struct {
	Operation   string `json:"operation"`
	Status      int    `json:"status"`
	ContentType string `json:"contentType,omitempty"`
	// Body is a JSON answer (an object or an array).
	Body json.RawMessage `json:"body,omitempty" jsonschema:"oneof_type=object;array"`
	// Text is a non-JSON answer (or a JSON scalar), or the start of one too long to carry whole.
	Text  string `json:"text,omitempty"`
	Bytes int    `json:"bytes"`
	Cut   bool   `json:"cut,omitempty"`
	// DedicatedTool does the same with typed arguments.
	DedicatedTool string `json:"dedicatedTool,omitempty"`
}

// callAPI makes the handler; getOnly is the read-only mode's.
func callAPI(getOnly bool) func(context.Context, *Deps, CallAPIArgs) (APICallResult, error) {
	return func(ctx context.Context, d *Deps, a CallAPIArgs) (APICallResult, error) {
		ops, err := d.Client.Operations(ctx)
		if err != nil {
			return APICallResult{}, err
		}
		op, err := findOp(ops, a.Operation)
		if err != nil {
			return APICallResult{}, err
		}
		if getOnly && op.Method != http.MethodGet {
			return APICallResult{}, inputErrorf("This server runs in read-only mode: paperclip_call_api_operation sends GET operations only, and %s is a %s. Nothing was sent.", op.Name(), op.Method)
		}
		if err := op.Callable(); err != nil {
			return APICallResult{}, inputErrorf("%v. Nothing was sent.%s", err, wrapped(" Use ", dedicatedTool(op), "."))
		}
		values, err := pathValues(op, a.PathParams)
		if err != nil {
			return APICallResult{}, err
		}
		q, err := queryValues(a.Query)
		if err != nil {
			return APICallResult{}, err
		}
		var body any
		switch {
		case a.Body != nil && len(op.BodyTypes) == 0 && (op.Method == http.MethodGet || op.Method == http.MethodDelete):
			return APICallResult{}, inputErrorf("%s takes no body: leave body out (put filters in query).", op.Name())
		case a.Body != nil:
			body = a.Body
		case op.BodyRequired:
			return APICallResult{}, inputErrorf("%s needs a JSON body: paperclip_describe_api_operation shows its schema.", op.Name())
		}
		raw, err := d.Client.CallOperation(ctx, op, values, q, body)
		if err != nil {
			return APICallResult{}, err
		}
		return apiCallResult(op, raw), nil
	}
}

// pathValues orders the path parameters as the path's placeholders, and
// refuses a missing or unknown one before anything is sent.
func pathValues(op client.Operation, given map[string]string) ([]string, error) {
	names := op.PathParams()
	values := make([]string, 0, len(names))
	var missing []string
	for _, n := range names {
		v, ok := given[n]
		if !ok || v == "" {
			missing = append(missing, n)
			continue
		}
		if v == "." || v == ".." {
			return nil, inputErrorf("pathParams.%s may not be %q: each value is one path segment.", n, v)
		}
		values = append(values, v)
	}
	if len(missing) > 0 {
		return nil, inputErrorf("pathParams needs %s for %s.", strings.Join(missing, ", "), op.Name())
	}
	for k := range given {
		known := false
		for _, n := range names {
			known = known || n == k
		}
		if !known {
			return nil, inputErrorf("pathParams.%s is not a placeholder of %s (it has: %s); query parameters go in query.", k, op.Name(), orDash(strings.Join(names, ", ")))
		}
	}
	return values, nil
}

func queryValues(given map[string]any) (url.Values, error) {
	if len(given) == 0 {
		return nil, nil
	}
	q := url.Values{}
	for k, v := range given {
		items, ok := v.([]any)
		if !ok {
			items = []any{v}
		}
		for _, item := range items {
			switch x := item.(type) {
			case string:
				q.Add(k, x)
			case bool, float64:
				q.Add(k, fmt.Sprint(x))
			default:
				return nil, inputErrorf("query.%s must be a string, number, boolean or a list of them.", k)
			}
		}
	}
	return q, nil
}

func apiCallResult(op client.Operation, raw *client.Raw) APICallResult {
	r := APICallResult{Operation: op.Name(), Status: raw.Status, ContentType: raw.Header.Get("Content-Type"), Bytes: len(raw.Body), DedicatedTool: dedicatedTool(op)}
	trimmed := strings.TrimSpace(string(raw.Body))
	isJSON := strings.Contains(r.ContentType, "json") && json.Valid(raw.Body) && (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["))
	switch {
	case len(raw.Body) == 0:
	case isJSON && len(raw.Body) <= apiBodyBudget:
		r.Body = raw.Body
	case !utf8.Valid(raw.Body):
		r.Text, r.Cut = fmt.Sprintf("(%d bytes of %s, not shown)", len(raw.Body), orDash(r.ContentType)), true
	default:
		r.Text = string(raw.Body)
		if len(r.Text) > apiBodyBudget {
			r.Text, r.Cut = strings.ToValidUTF8(r.Text[:apiBodyBudget], ""), true
		}
	}
	return r
}

func callAPIMarkdown(_ CallAPIArgs, r APICallResult) string {
	var m md
	m.line("## `%s` → HTTP %d (%s, %s)", r.Operation, r.Status, orDash(r.ContentType), humanBytes(int64(r.Bytes)))
	switch {
	case len(r.Body) > 0:
		m.line("```json")
		m.line("%s", jsonIndent(r.Body))
		m.line("```")
	case r.Text != "":
		m.line("````")
		m.line("%s", r.Text)
		m.line("````")
	default:
		m.line("No body.")
	}
	if r.Cut {
		m.line("[Cut: the answer is %s; shown is its start. Ask for less: a limit or filters in query, or a dedicated tool with paging.]", humanBytes(int64(r.Bytes)))
	}
	if r.DedicatedTool != "" {
		m.line("Next time: %s does this with typed, checked arguments.", r.DedicatedTool)
	}
	return m.String()
}

const callAPIDesc = "Call any operation of the server's OpenAPI document (paperclip_search_api_operations finds it; prefer a dedicated tool when one exists). The answer is bounded; errors as for every tool."

// callAPITool declares paperclip_call_api_operation, and its read-only
// form, served instead in read-only mode.
func callAPITool() Tool {
	t := define(Spec{Name: "paperclip_call_api_operation", Title: "Call an API operation", Toolset: API, OpenWorld: true,
		Description: callAPIDesc + " It can write and delete: writes are never retried.",
		Access:      Destructive, NotFound: "Check pathParams. " + findOperation, ConfirmIf: deletes},
		callAPI(false), callAPIMarkdown)
	ro := define(Spec{Name: "paperclip_call_api_operation", Title: "Call an API operation (GET only)", Toolset: API,
		Description: "Read-only mode: GET operations only. " + callAPIDesc,
		Access:      Read, NotFound: "Check pathParams. " + findOperation},
		callAPI(true), callAPIMarkdown)
	t.readOnly = &ro
	return t
}

func apiTools() []Tool {
	return []Tool{searchAPITool(), describeAPITool(), callAPITool()}
}

// deletes: the api call asks for confirmation of DELETE operations only
// (its other writes are the client's to approve, as for any write tool).
func deletes(raw map[string]any) bool {
	op, _ := raw["operation"].(string)
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(op)), "DELETE")
}
