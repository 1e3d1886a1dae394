// Package tools is the MCP contract: per resource, Args and Result structs, a
// plain handler, and one declaration each; the registry; the error mapping;
// the markdown renderers. It calls Paperclip only through package client.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/paperclip-mcp/paperclip-mcp/client"
	"github.com/paperclip-mcp/paperclip-mcp/schemas"
)

// Deps is what handlers share. It is read-only after start: tool calls run
// concurrently.
type Deps struct {
	Client *client.Client
	// CompanyID and AgentID are the defaults for tool arguments
	// (PAPERCLIP_COMPANY_ID, PAPERCLIP_AGENT_ID); empty when unset.
	CompanyID string
	AgentID   string
	// APIKey is only used to scrub it from anything a tool returns.
	APIKey string
	Logger *slog.Logger
	// given holds the secret values tools were given (create and rotate a
	// secret), scrubbed like the API key from everything returned later.
	given givenSecrets
	// agentNames keeps each company's agent names for a while (run lists).
	agentNames agentNameCache
	// Confirm: a destructive call asks the person first (confirm.go).
	Confirm bool
	// subs are the live resource subscriptions (resources.go).
	subs subscriptions
}

// Spec is the declaration of a tool: its name, words, toolset and what it
// does to Paperclip. The four MCP hints are derived from Access and OpenWorld.
type Spec struct {
	Name        string
	Title       string
	Description string
	Toolset     Toolset
	Access      Access
	// OpenWorld: the tool reaches beyond Paperclip (a cloud stack, an agent
	// process that acts in the world).
	OpenWorld bool
	// BoardOnly: Paperclip answers 403 to agent keys and run JWTs.
	BoardOnly bool
	// NotFound says how to find a valid id when Paperclip answers 404.
	NotFound string
	// ConfirmIf, when set, narrows the confirmation of a destructive tool
	// to the calls it says yes to (the api tool: DELETE operations only).
	ConfirmIf func(raw map[string]any) bool
}

// Tool is one tool: its Spec, its MCP definition (built on first use: the
// schemas are reflected only for the tools a server serves) and a binder
// that makes its handler for a given Deps.
type Tool struct {
	Spec  Spec
	built func() builtTool
	bind  func(*Deps) server.ToolHandlerFunc
	// readOnly, when set, is the form of this tool served in read-only mode.
	readOnly *Tool
}

// builtTool is what reflecting a tool's Args and Result gives.
type builtTool struct {
	def mcp.Tool
	// args is the argument checker and the defaults, read off the input
	// schema on the tool's first call (at once in test binaries, so that a
	// schema this server cannot read fails the tests, not a call).
	args func() parsedArgs
}

type parsedArgs struct {
	checker  argSchema
	defaults map[string]any
}

// Def is the tool's MCP definition (name, words, schemas, hints).
func (t Tool) Def() mcp.Tool { return t.built().def }

// Handler returns the MCP handler of t bound to d.
func (t Tool) Handler(d *Deps) server.ToolHandlerFunc { return t.bind(d) }

// formatted is implemented by Args that carry response_format.
type formatted interface{ format() string }

// Format is embedded in the Args of every read tool.
type Format struct {
	ResponseFormat string `json:"response_format,omitempty" jsonschema:"enum=markdown,enum=json,default=markdown,description=json: the structured content as text"`
}

func (f Format) format() string { return f.ResponseFormat }

// Paging is embedded in the Args of list tools: the documented limit and
// offset, checked before anything is sent.
type Paging struct {
	Limit  int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=50,description=Page size"`
	Offset int `json:"offset,omitempty" jsonschema:"minimum=0,default=0,description=How many items to skip"`
}

// CompanyArg is embedded in the Args of company-scoped tools; Deps.company
// fills the default from PAPERCLIP_COMPANY_ID.
type CompanyArg struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company id; defaults to PAPERCLIP_COMPANY_ID"`
}

// define declares a tool from its Args and Result types. A wrong Spec
// panics at once; a schema that is not flat panics when the tool is first
// built: at start for a served tool, and in the tests (which build every
// tool), never at call time.
func define[A any, R any](spec Spec, handle func(context.Context, *Deps, A) (R, error), markdown func(A, R) string) Tool {
	if !spec.Access.valid() {
		panic(fmt.Sprintf("tool %s: no Access kind (Read, Write, WriteIdempotent, Destructive, DestructiveIdempotent)", spec.Name))
	}
	if _, ok := spec.Toolset.info(); !ok {
		panic(fmt.Sprintf("tool %s: unknown toolset %q", spec.Name, spec.Toolset))
	}
	built := sync.OnceValue(func() builtTool { return build[A, R](spec) })
	t := Tool{Spec: spec, built: built}
	t.bind = func(d *Deps) server.ToolHandlerFunc {
		b := built()
		return handlerOf(spec, b.args, d, handle, markdown)
	}
	return t
}

// build reflects a tool's schemas and checks them.
func build[A any, R any](spec Spec) builtTool {
	in, out, ok := schemas.Committed(spec.Name)
	if !ok {
		var err error
		if in, err = schemas.For(new(A)); err != nil {
			panic(fmt.Sprintf("tool %s: input schema: %v", spec.Name, err))
		}
		if out, err = schemas.Output(new(R)); err != nil {
			panic(fmt.Sprintf("tool %s: output schema: %v", spec.Name, err))
		}
	}
	args := sync.OnceValue(func() parsedArgs {
		defaults, err := schemas.Defaults(in)
		if err != nil {
			panic(fmt.Sprintf("tool %s: defaults: %v", spec.Name, err))
		}
		checker, err := parseArgSchema(in)
		if err != nil {
			panic(fmt.Sprintf("tool %s: input schema: %v", spec.Name, err))
		}
		return parsedArgs{checker: checker, defaults: defaults}
	})
	if testing.Testing() {
		args()
	}
	desc := spec.Description
	if spec.BoardOnly && !strings.HasPrefix(desc, "Board only") {
		desc = "Board only. " + desc
	}
	def := mcp.Tool{
		Name:            spec.Name,
		Title:           spec.Title,
		Description:     desc,
		RawInputSchema:  in,
		RawOutputSchema: out,
		Annotations: mcp.ToolAnnotation{
			Title:           spec.Title,
			ReadOnlyHint:    mcp.ToBoolPtr(spec.Access.ReadOnly()),
			DestructiveHint: mcp.ToBoolPtr(spec.Access.Destructive()),
			IdempotentHint:  mcp.ToBoolPtr(spec.Access.Idempotent()),
			OpenWorldHint:   mcp.ToBoolPtr(spec.OpenWorld),
		},
	}
	return builtTool{def: def, args: args}
}

// handlerOf is the MCP handler of a tool bound to d: argument checks,
// defaults, the handler, error mapping, the output bound.
func handlerOf[A any, R any](spec Spec, parsed func() parsedArgs, d *Deps,
	handle func(context.Context, *Deps, A) (R, error), markdown func(A, R) string) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		defer func() { res = scrubCaller(ctx, res) }()
		defer func() {
			if p := recover(); p != nil {
				why := scrubCallerText(ctx, d.scrub(fmt.Sprint(p)))
				d.logger().Error("tool panicked", "tool", spec.Name, "panic", why)
				res, err = toolError(d, fmt.Sprintf("%s failed inside paperclip-mcp (a bug: %s). Nothing more was sent to Paperclip; report it with the arguments you used.", spec.Name, why)), nil
			}
		}()
		raw, err := normalizeArgs(spec.Name, req.GetRawArguments())
		if err != nil {
			return toolError(d, err.Error()), nil
		}
		pa := parsed()
		if err := pa.checker.check(spec.Name, raw, spec.NotFound); err != nil {
			return toolError(d, err.Error()), nil
		}
		args, perr := decodeArgs[A](raw, pa.defaults)
		if perr != nil {
			return toolError(d, perr.Error()), nil
		}
		if msg, ok := d.confirm(ctx, spec, raw); !ok {
			return toolError(d, msg), nil
		}
		ctx = withProgress(ctx, req)
		result, herr := handle(ctx, d, args)
		if herr != nil {
			herr = d.routeErr(ctx, herr)
			msg := scrubCallerText(ctx, d.scrub(explain(herr, spec))) // before the log line
			d.logger().Info("tool error", "tool", spec.Name, "error", clip(msg, 2000))
			return toolError(d, msg), nil
		}
		var encErr error
		_, js, text := fitPage(result, func(r R) ([]byte, string) {
			js, err := json.Marshal(r)
			if err != nil {
				encErr = err
			}
			if f, ok := any(args).(formatted); ok && f.format() == "json" {
				return js, string(js)
			}
			return js, markdown(args, r)
		})
		if encErr != nil {
			return toolError(d, "paperclip-mcp could not encode the result: "+encErr.Error()), nil
		}
		out := d.respond(js, text)
		if l, ok := any(result).(linked); ok {
			for _, link := range l.resourceLinks() {
				out.Content = append(out.Content, link)
			}
		}
		return out, nil
	}
}

// linked is implemented by a Result that names resources a client can
// read or attach (a diagnosis links its run's log): they follow the text
// as resource_link blocks.
type linked interface{ resourceLinks() []mcp.ResourceLink }

// decodeArgs fills defaults for missing keys, then decodes strictly.
func decodeArgs[A any](raw map[string]any, defaults map[string]any) (A, error) {
	var args A
	merged := make(map[string]any, len(raw)+len(defaults))
	for k, v := range defaults {
		merged[k] = v
	}
	for k, v := range raw {
		if v != nil {
			merged[k] = v
		}
	}
	b, err := json.Marshal(merged)
	if err != nil {
		return args, &InputError{Msg: "the arguments are not JSON: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&args); err != nil {
		return args, &InputError{Msg: "invalid arguments: " + strings.TrimPrefix(err.Error(), "json: ") + ". Check the tool's input schema."}
	}
	return args, nil
}

// maxResultChars bounds the text of every result: hosts spill or cut longer
// ones, so a longer text is cut here, at a line, with a line that says so.
const maxResultChars = 25000

// respond builds the result: the structured content, and a text block that
// is markdown or the very same JSON bytes.
func (d *Deps) respond(js []byte, text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(boundText(d.scrub(text)))},
		StructuredContent: json.RawMessage(d.scrubBytes(js)),
	}
}

// toolError is a tool error result: scrubbed and bounded like any text.
func toolError(d *Deps, msg string) *mcp.CallToolResult {
	return mcp.NewToolResultError(boundText(d.scrub(msg)))
}

// boundText cuts a text longer than maxResultChars at the last line break
// that fits, and says how to see the rest. It is the one output bound.
func boundText(s string) string {
	if utf8.RuneCountInString(s) <= maxResultChars {
		return s
	}
	const note = "\n[Cut: this result is longer than 25,000 characters. Ask for less: a smaller limit or limitBytes, a later offset, or a filter.]\n"
	keep := []rune(s)[:maxResultChars-utf8.RuneCountInString(note)]
	cut := string(keep)
	if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + note
}

func (d *Deps) logger() *slog.Logger {
	if d == nil || d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// InputError is a failure this server states itself, in words that say
// what to do: a problem with the arguments, found before anything is sent,
// or an answer that shows the request did not take effect.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

var registry = sync.OnceValue(buildRegistry)

// Registry is every tool this server offers, in a stable order. It is built
// once (schemas reflected and checked) and shared: tools are immutable.
func Registry() []Tool { return registry() }

func buildRegistry() []Tool {
	all := []Tool{}
	for _, tools := range [][]Tool{identityTools(), issueTools(), commentTools(), documentTools(), attachmentTools(), labelTools(),
		runTools(), agentTools(), agentAdminTools(), approvalTools(), goalTools(), projectTools(), routineTools(), dashboardTools(),
		companyTools(), pluginTools(), secretTools(), feedbackTools(), portabilityTools(), apiTools(), settingsTools(), cloudTools()} {
		all = append(all, tools...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Spec.Name < all[j].Spec.Name })
	return all
}

// Register adds the given tools to s, bound to d. Tools not given are not
// registered at all, so they cannot be called either.
func Register(s *server.MCPServer, d *Deps, tools []Tool) {
	for _, t := range tools {
		s.AddTool(t.Def(), t.Handler(d))
	}
}

// MarkdownTable renders the README's tool table from the registry, grouped
// by toolset.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Toolset | Tool | What it does | Writes | Notes |\n|---|---|---|---|---|\n")
	for _, ts := range toolsetInfo {
		for _, t := range Registry() {
			if t.Spec.Toolset != ts.Name {
				continue
			}
			writes := "no"
			switch {
			case t.Spec.Access.Destructive():
				writes = "destructive"
			case !t.Spec.Access.ReadOnly():
				writes = "yes"
			}
			notes := []string{}
			if !t.Spec.Access.ReadOnly() && t.Spec.Access.Idempotent() {
				notes = append(notes, "idempotent")
			}
			if t.Spec.OpenWorld {
				notes = append(notes, "open-world")
			}
			if t.Spec.BoardOnly {
				notes = append(notes, "board only")
			}
			group := ts.Title
			if !ts.Default {
				group += " (opt-in)"
			}
			desc := firstSentence(t.Spec.Description)
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", group, t.Spec.Name, strings.ReplaceAll(desc, "|", "\\|"), writes, strings.Join(notes, ", "))
		}
	}
	return b.String()
}

// firstSentence cuts a description after its first sentence.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && !strings.HasSuffix(s[:i], "e.g") && !strings.HasSuffix(s[:i], "i.e") {
			return s[:i+1]
		}
	}
	return s
}
