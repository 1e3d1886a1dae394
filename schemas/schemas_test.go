package schemas

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	N int `json:"n"`
}

type sample struct {
	ID      string         `json:"id" jsonschema:"format=uuid"`
	Limit   int            `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=50"`
	Items   []inner        `json:"items"`
	Nested  inner          `json:"nested"`
	Payload map[string]any `json:"payload,omitempty"`
}

func TestForIsFlat(t *testing.T) {
	raw, err := For(&sample{})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	assert.Equal(t, "object", m["type"])
	assert.Equal(t, false, m["additionalProperties"])
	assert.NotContains(t, string(raw), "$ref")
	assert.NotContains(t, string(raw), "$defs")
	assert.NotContains(t, string(raw), "$schema")
	props := m["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"type": "object"}, props["payload"], "a JSON object is typed")
	items := props["items"].(map[string]any)["items"].(map[string]any)
	assert.Equal(t, false, items["additionalProperties"])
	assert.ElementsMatch(t, []any{"id", "items", "nested"}, m["required"])

	d, err := Defaults(raw)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"limit": float64(50)}, d)
}

func TestCheckRejects(t *testing.T) {
	for name, s := range map[string]string{
		"not object":      `{"type":"string"}`,
		"open":            `{"type":"object"}`,
		"ref":             `{"type":"object","additionalProperties":false,"properties":{"a":{"$ref":"#/$defs/x"}}}`,
		"bool property":   `{"type":"object","additionalProperties":false,"properties":{"a":true}}`,
		"top-level oneOf": `{"type":"object","additionalProperties":false,"oneOf":[{}]}`,
		"bool items":      `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"array","items":true}}}`,
		"untyped":         `{"type":"object","additionalProperties":false,"properties":{"a":{"description":"anything"}}}`,
	} {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		assert.Error(t, Check(m), name)
	}
}

type withAny struct {
	Data any `json:"data"`
}

func TestAnyIsRefused(t *testing.T) {
	_, err := For(&withAny{})
	assert.ErrorContains(t, err, "untyped schema")
}
