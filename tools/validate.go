package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// argSchema is the part of a flat input schema that argument checks need.
// The schema is the one published in tools/list, so the checks and the
// contract cannot drift.
type argSchema struct {
	Properties map[string]propSchema `json:"properties"`
	Required   []string              `json:"required"`
}

type propSchema struct {
	Type      string      `json:"type"`
	Enum      []any       `json:"enum"`
	Minimum   *float64    `json:"minimum"`
	Maximum   *float64    `json:"maximum"`
	MaxLength *int        `json:"maxLength"`
	MinLength *int        `json:"minLength"`
	Format    string      `json:"format"`
	Pattern   string      `json:"pattern"`
	Items     *propSchema `json:"items"`
	MinItems  *int        `json:"minItems"`
	MaxItems  *int        `json:"maxItems"`
	// Properties are an object's declared keys, Required those it needs;
	// with additionalProperties false (every struct-typed argument) no other
	// key is accepted; a schema there (a map's values) checks every other key.
	Properties           map[string]*propSchema `json:"properties"`
	Required             []string               `json:"required"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	closed               bool
	values               *propSchema
	re                   *regexp.Regexp
}

// parseArgSchema reads the published input schema. A pattern that does not
// compile, or a format this checker does not know, fails at start.
func parseArgSchema(raw json.RawMessage) (argSchema, error) {
	var s argSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, err
	}
	for name, p := range s.Properties {
		if err := p.prepare(); err != nil {
			return s, fmt.Errorf("%s: %w", name, err)
		}
		s.Properties[name] = p
	}
	return s, nil
}

func (p *propSchema) prepare() error {
	switch p.Format {
	case "", "uuid", "date-time", "uri":
	default:
		return fmt.Errorf("unknown format %q", p.Format)
	}
	if p.Pattern != "" {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
		p.re = re
	}
	for name, q := range p.Properties {
		if err := q.prepare(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	switch ap := strings.TrimSpace(string(p.AdditionalProperties)); {
	case ap == "false":
		p.closed = true
	case strings.HasPrefix(ap, "{") && ap != "{}":
		p.values = &propSchema{}
		if err := json.Unmarshal(p.AdditionalProperties, p.values); err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
		if err := p.values.prepare(); err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
	}
	if p.Items != nil {
		return p.Items.prepare()
	}
	return nil
}

// uuidExample is the UUID error messages show.
const uuidExample = "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"

// check validates raw arguments and says, in one message, what is wrong and
// what the tool accepts. It replaces mcp-go's validator, whose messages
// ("/limit: &{Got:500/1 Want:100/1}") do not tell a model what to do.
//
// findIDs (the tool's Spec.NotFound) is added when an id is malformed, so
// the message also says where valid ids come from.
func (s argSchema) check(tool string, args map[string]any, findIDs ...string) error {
	var problems []string
	var unknown []string
	for k := range args {
		if _, ok := s.Properties[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for i, k := range unknown {
		if i == 10 {
			problems = append(problems, fmt.Sprintf("and %d more unknown arguments", len(unknown)-10))
			break
		}
		problems = append(problems, fmt.Sprintf("unknown argument %q", clip(k, 60)))
	}
	for _, k := range s.Required {
		switch v, ok := args[k]; {
		case ok && v == nil:
			problems = append(problems, fmt.Sprintf("%s is required (null counts as not given)", k))
		case !ok || v == "":
			problems = append(problems, fmt.Sprintf("%s is required", k))
		}
	}
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p, ok := s.Properties[k]
		if !ok || args[k] == nil {
			continue
		}
		if msg := p.check(k, args[k]); msg != "" {
			problems = append(problems, msg)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	accepted := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		accepted = append(accepted, k)
	}
	sort.Strings(accepted)
	hint := ""
	if joined := strings.Join(problems, "; "); strings.Contains(joined, "must be a UUID") || strings.Contains(joined, "must match") {
		for _, h := range findIDs {
			if h != "" {
				hint += " " + h
			}
		}
	}
	return inputErrorf("Invalid arguments for %s: %s.%s It takes: %s. Fix the arguments and call again; nothing was sent to Paperclip.",
		tool, strings.Join(problems, "; "), hint, strings.Join(accepted, ", "))
}

func (p propSchema) check(name string, v any) string {
	switch p.Type {
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			return fmt.Sprintf("%s must be a number, got %s", name, jsonKind(v))
		}
		if p.Type == "integer" && n != math.Trunc(n) {
			return fmt.Sprintf("%s must be a whole number, got %v", name, n)
		}
		if p.Minimum != nil && n < *p.Minimum || p.Maximum != nil && n > *p.Maximum {
			return fmt.Sprintf("%s must be %s, got %v", name, rangeText(p.Minimum, p.Maximum), n)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Sprintf("%s must be a string, got %s", name, jsonKind(v))
		}
		if len(p.Enum) > 0 && !enumHas(p.Enum, str) {
			return fmt.Sprintf("%s must be one of %s, got %q", name, enumText(p.Enum), clip(str, 40))
		}
		if p.MaxLength != nil && utf8.RuneCountInString(str) > *p.MaxLength {
			return fmt.Sprintf("%s is longer than %d characters", name, *p.MaxLength)
		}
		if p.MinLength != nil && utf8.RuneCountInString(str) < *p.MinLength {
			return fmt.Sprintf("%s must have at least %d characters", name, *p.MinLength)
		}
		switch p.Format {
		case "uuid":
			if !client.IsUUID(str) {
				return fmt.Sprintf("%s must be a UUID such as %s; got %q", name, uuidExample, clip(str, 60))
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				return fmt.Sprintf("%s must be a date-time such as 2026-12-01T09:30:00Z; got %q", name, clip(str, 60))
			}
		}
		if p.re != nil && !p.re.MatchString(str) {
			return fmt.Sprintf("%s must match %s; got %q", name, p.Pattern, clip(str, 60))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("%s must be true or false, got %s", name, jsonKind(v))
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s must be a JSON object, got %s", name, jsonKind(v))
		}
		if p.Properties == nil && p.values == nil {
			return "" // a free-form object (adapterConfig, payload, ...)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var bad []string
		for _, k := range p.Required {
			if v, ok := obj[k]; !ok || v == nil || v == "" {
				bad = append(bad, fmt.Sprintf("%s.%s is required", name, k))
			}
		}
		for _, k := range keys {
			q, known := p.Properties[k]
			switch {
			case !known && p.values != nil && obj[k] != nil:
				if msg := p.values.check(fmt.Sprintf("%s[%q]", name, k), obj[k]); msg != "" {
					bad = append(bad, msg)
				}
			case !known && p.closed:
				bad = append(bad, fmt.Sprintf("%s has no key %q (it takes %s)", name, clip(k, 60), strings.Join(sortedKeys(p.Properties), ", ")))
			case known && obj[k] != nil:
				if msg := q.check(name+"."+k, obj[k]); msg != "" {
					bad = append(bad, msg)
				}
			}
		}
		return strings.Join(bad, "; ")
	case "array":
		list, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("%s must be an array, got %s", name, jsonKind(v))
		}
		if p.MinItems != nil && len(list) < *p.MinItems {
			return fmt.Sprintf("%s must have at least %d items, got %d", name, *p.MinItems, len(list))
		}
		if p.MaxItems != nil && len(list) > *p.MaxItems {
			return fmt.Sprintf("%s may have at most %d items, got %d", name, *p.MaxItems, len(list))
		}
		if p.Items != nil {
			var bad []string
			for i, item := range list {
				if item == nil {
					bad = append(bad, fmt.Sprintf("%s[%d] is null", name, i))
				} else if msg := p.Items.check(fmt.Sprintf("%s[%d]", name, i), item); msg != "" {
					bad = append(bad, msg)
				}
				if len(bad) == 3 {
					break
				}
			}
			return strings.Join(bad, "; ")
		}
	}
	return ""
}

func rangeText(lo, hi *float64) string {
	num := func(f *float64) string { return strconv.FormatFloat(*f, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("between %s and %s", num(lo), num(hi))
	case lo != nil:
		return "at least " + num(lo)
	default:
		return "at most " + num(hi)
	}
}

// normalizeArgs gives arguments their JSON shapes (numbers as float64, ...),
// whatever Go values an in-process caller used. Arguments that are not a
// JSON object (an array, a string, a number) are refused: they name no
// parameter, so nothing in them could be used. Absent or null arguments are
// an empty object.
func normalizeArgs(tool string, raw any) (map[string]any, error) {
	var b []byte
	switch v := raw.(type) {
	case nil:
		return map[string]any{}, nil
	case json.RawMessage:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, inputErrorf("The arguments of %s are not JSON (%v). Send a JSON object of named parameters; nothing was sent to Paperclip.", tool, err)
		}
	}
	var any0 any
	if err := json.Unmarshal(b, &any0); err != nil {
		return nil, inputErrorf("The arguments of %s are not JSON (%v). Send a JSON object of named parameters; nothing was sent to Paperclip.", tool, err)
	}
	switch v := any0.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	default:
		return nil, inputErrorf("The arguments of %s must be a JSON object of named parameters, e.g. {\"runId\": \"…\"}; got %s. Nothing was sent to Paperclip.", tool, jsonKind(v))
	}
}

func enumHas(enum []any, s string) bool {
	for _, e := range enum {
		if e == s {
			return true
		}
	}
	return false
}

func enumText(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = fmt.Sprint(e)
	}
	return strings.Join(parts, ", ")
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
