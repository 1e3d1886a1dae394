package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/schemas"
)

// TestDeclarativeArgumentChecks: formats, patterns and array items declared
// in tags are checked before a handler runs, with the parameter named.
func TestDeclarativeArgumentChecks(t *testing.T) {
	type args struct {
		ID       string   `json:"id" jsonschema:"format=uuid,description=An id"`
		Key      string   `json:"key,omitempty" jsonschema:"pattern=^[a-z0-9][a-z0-9_-]*$,description=A key"`
		At       string   `json:"at,omitempty" jsonschema:"format=date-time,description=A time"`
		LabelIDs []string `json:"labelIds,omitempty" jsonschema:"format=uuid,maxItems=2,description=Labels"`
		Statuses []string `json:"statuses,omitempty" jsonschema:"minItems=1,description=Statuses"`
		Enum     []string `json:"enum,omitempty" jsonschema:"enum=todo,enum=done,description=Enum"`
	}
	in, err := schemas.For(new(args))
	require.NoError(t, err)
	// On a slice, invopop puts format and enum under items.
	s, err := parseArgSchema(in)
	require.NoError(t, err)

	ok := map[string]any{"id": "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"}
	assert.NoError(t, s.check("t", ok))
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"id": "nope"}, `id must be a UUID such as 3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f; got "nope"`},
		{map[string]any{"id": ok["id"], "key": "Bad Key"}, `key must match ^[a-z0-9][a-z0-9_-]*$; got "Bad Key"`},
		{map[string]any{"id": ok["id"], "at": "yesterday"}, "at must be a date-time"},
		{map[string]any{"id": ok["id"], "labelIds": []any{"x"}}, `labelIds[0] must be a UUID`},
		{map[string]any{"id": ok["id"], "labelIds": []any{ok["id"], ok["id"], ok["id"]}}, "labelIds may have at most 2 items, got 3"},
		{map[string]any{"id": ok["id"], "statuses": []any{}}, "statuses must have at least 1 items, got 0"},
		{map[string]any{"id": ok["id"], "enum": []any{"todo", "doing"}}, `enum[1] must be one of todo, done, got "doing"`},
		{map[string]any{"id": ok["id"], "enum": []any{1.0}}, "enum[0] must be a string, got a number"},
	} {
		err := s.check("t", tc.args)
		if assert.Error(t, err, tc.want) {
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "nothing was sent to Paperclip")
		}
	}
}

func TestUnknownFormatFailsAtStart(t *testing.T) {
	_, err := parseArgSchema([]byte(`{"properties":{"x":{"type":"string","format":"ipv9"}}}`))
	assert.ErrorContains(t, err, `unknown format "ipv9"`)
}
