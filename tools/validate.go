package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// argSchema is the part of a flat input schema that argument checks need.
// The schema is the one published in tools/list, so the checks and the
// contract cannot drift.
type argSchema struct {
	Properties map[string]propSchema `json:"properties"`
	Required   []string              `json:"required"`
}

type propSchema struct {
	Type      string   `json:"type"`
	Enum      []any    `json:"enum"`
	Minimum   *float64 `json:"minimum"`
	Maximum   *float64 `json:"maximum"`
	MaxLength *int     `json:"maxLength"`
	MinLength *int     `json:"minLength"`
}

func parseArgSchema(raw json.RawMessage) (argSchema, error) {
	var s argSchema
	err := json.Unmarshal(raw, &s)
	return s, err
}

// check validates raw arguments and says, in one message, what is wrong and
// what the tool accepts. It replaces mcp-go's validator, whose messages
// ("/limit: &{Got:500/1 Want:100/1}") do not tell a model what to do.
func (s argSchema) check(tool string, args map[string]any) error {
	var problems []string
	var unknown []string
	for k := range args {
		if _, ok := s.Properties[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		problems = append(problems, fmt.Sprintf("unknown argument %q", k))
	}
	for _, k := range s.Required {
		if v, ok := args[k]; !ok || v == nil || v == "" {
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
	return inputErrorf("Invalid arguments for %s: %s. It takes: %s. Fix the arguments and call again; nothing was sent to Paperclip.",
		tool, strings.Join(problems, "; "), strings.Join(accepted, ", "))
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
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("%s must be true or false, got %s", name, jsonKind(v))
		}
	case "object":
		if _, ok := v.(map[string]any); !ok {
			return fmt.Sprintf("%s must be a JSON object, got %s", name, jsonKind(v))
		}
	case "array":
		if _, ok := v.([]any); !ok {
			return fmt.Sprintf("%s must be an array, got %s", name, jsonKind(v))
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
// whatever Go values an in-process caller used.
func normalizeArgs(raw map[string]any) (map[string]any, error) {
	if raw == nil {
		return map[string]any{}, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, inputErrorf("the arguments are not JSON: %v", err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, inputErrorf("the arguments are not a JSON object: %v", err)
	}
	return out, nil
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
