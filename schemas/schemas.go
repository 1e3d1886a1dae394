// Package schemas is the one place tool schemas come from: a single invopop
// Reflector that makes every schema flat (no $ref, no $defs, no bare true),
// and the checks that prove it.
package schemas

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/invopop/jsonschema"
)

var rawMessageType = reflect.TypeOf(json.RawMessage{})

// reflector is shared by every tool: the schema rules live here only.
var reflector = &jsonschema.Reflector{
	ExpandedStruct:            true,
	DoNotReference:            true,
	Anonymous:                 true,
	AllowAdditionalProperties: false,
	Mapper: func(t reflect.Type) *jsonschema.Schema {
		// `any` and raw JSON are "any JSON value": {} (never the bare `true`
		// that strict TS clients reject).
		if t == rawMessageType || (t.Kind() == reflect.Interface && t.NumMethod() == 0) {
			return &jsonschema.Schema{}
		}
		return nil
	},
}

// For reflects the schema of v's type and returns it as flat JSON, checked.
func For(v any) (json.RawMessage, error) {
	s := reflector.Reflect(v)
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "$schema")
	delete(m, "$id")
	anyToEmpty(m)
	if err := Check(m); err != nil {
		return nil, fmt.Errorf("schema of %T: %w", v, err)
	}
	return json.Marshal(m)
}

// Output is For for a result type, without descriptions: an output schema
// is for validating structuredContent, and hosts that forward it to the
// model would pay again for words the tool's description already says.
func Output(v any) (json.RawMessage, error) {
	raw, err := For(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	trimOutput(m, 0)
	return json.Marshal(m)
}

// outputDepth is how deep an output schema spells out nested objects: the
// result and the objects in it (a page's items, a run's fields). Deeper
// objects are declared by their type alone, so that one shared type (a run
// inside a diagnosis inside ...) is not described again in every tool.
const outputDepth = 1

// trimOutput removes "description" from a schema and its sub-schemas (never
// from properties: a property may be called description), and cuts objects
// below outputDepth down to their type.
func trimOutput(v any, depth int) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	delete(m, "description")
	if depth > outputDepth && m["type"] == "object" {
		for k := range m {
			if k != "type" {
				delete(m, k)
			}
		}
		return
	}
	for _, k := range []string{"properties", "patternProperties"} {
		if props, ok := m[k].(map[string]any); ok {
			for _, sub := range props {
				trimOutput(sub, depth+1)
			}
		}
	}
	trimOutput(m["items"], depth) // an array's items are as deep as the array
	trimOutput(m["additionalProperties"], depth+1)
}

// anyToEmpty replaces the bare `true` invopop emits for an empty schema
// (what `any` maps to) with {}: strict TS clients reject boolean schemas.
func anyToEmpty(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, k := range []string{"properties", "patternProperties"} {
		if props, ok := m[k].(map[string]any); ok {
			for name, sub := range props {
				if b, isBool := sub.(bool); isBool && b {
					props[name] = map[string]any{}
				} else {
					anyToEmpty(sub)
				}
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if b, isBool := m[k].(bool); isBool && b {
			m[k] = map[string]any{}
		} else {
			anyToEmpty(m[k])
		}
	}
}

// Check enforces what every MCP client accepts: an object at the top with
// additionalProperties false, no references, no boolean sub-schemas, no
// top-level combinators.
func Check(m map[string]any) error {
	if m["type"] != "object" {
		return fmt.Errorf("type is %v, want \"object\"", m["type"])
	}
	if m["additionalProperties"] != false {
		return fmt.Errorf("additionalProperties must be false")
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf", "not"} {
		if _, ok := m[k]; ok {
			return fmt.Errorf("top-level %s is not allowed", k)
		}
	}
	return walk(m, "")
}

func walk(v any, at string) error {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"$ref", "$defs", "definitions", "$schema"} {
			if _, ok := x[k]; ok {
				return fmt.Errorf("%s: %s is not allowed", orRoot(at), k)
			}
		}
		for _, k := range []string{"properties", "patternProperties"} {
			if props, ok := x[k].(map[string]any); ok {
				for name, sub := range props {
					if _, isBool := sub.(bool); isBool {
						return fmt.Errorf("%s.%s: boolean schema is not allowed", orRoot(at), name)
					}
					if m, ok := sub.(map[string]any); ok && untyped(m) {
						return fmt.Errorf("%s.%s: untyped schema {} accepts anything (Inspector --strict flags it): give the field a type; use map[string]any for a JSON object", orRoot(at), name)
					}
					if err := walk(sub, at+"."+name); err != nil {
						return err
					}
				}
			}
		}
		if items, ok := x["items"]; ok {
			if _, isBool := items.(bool); isBool {
				return fmt.Errorf("%s[]: boolean schema is not allowed", orRoot(at))
			}
			if err := walk(items, at+"[]"); err != nil {
				return err
			}
		}
		if ap, ok := x["additionalProperties"].(map[string]any); ok {
			if err := walk(ap, at+"{}"); err != nil {
				return err
			}
		}
	}
	return nil
}

// untyped reports a schema with no validation keyword at all.
func untyped(m map[string]any) bool {
	for _, k := range []string{"type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"} {
		if _, ok := m[k]; ok {
			return false
		}
	}
	return true
}

func orRoot(at string) string {
	if at == "" {
		return "(root)"
	}
	return strings.TrimPrefix(at, ".")
}

// Defaults returns the top-level properties' declared defaults.
func Defaults(raw json.RawMessage) (map[string]any, error) {
	var s struct {
		Properties map[string]struct {
			Default any `json:"default"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, p := range s.Properties {
		if p.Default != nil {
			out[k] = p.Default
		}
	}
	return out, nil
}

// PropertyNames lists the top-level property names, sorted.
func PropertyNames(raw json.RawMessage) []string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(raw, &s)
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
