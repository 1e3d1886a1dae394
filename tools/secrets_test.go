package tools

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const testSecret = "74000000-0000-4000-8000-000000000001"

func secretRow(name, mode string, version int, desc string) map[string]any {
	row := map[string]any{"id": testSecret, "companyId": testCompany, "key": strings.ToLower(name), "name": name, "provider": "local_encrypted",
		"status": "active", "managedMode": mode, "externalRef": nil, "latestVersion": version, "description": desc,
		"lastRotatedAt": "2026-12-03T07:00:00.000Z", "createdAt": "2026-12-03T07:00:00.000Z", "updatedAt": "2026-12-03T07:00:00.000Z"}
	if mode == "external_reference" {
		row["provider"], row["externalRef"] = "vault", "vault://kv/openai"
	}
	return row
}

func TestSecretsCreateRotateUpdateList(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/companies/{companyId}/secrets", 201, secretRow("OPENAI_KEY", "paperclip_managed", 1, "d"))
	s.reply("POST /api/secrets/{id}/rotate", 200, secretRow("OPENAI_KEY", "paperclip_managed", 2, "d"))
	s.reply("PATCH /api/secrets/{id}", 200, secretRow("OPENAI", "paperclip_managed", 2, "new"))
	count := 1
	s.reply("GET /api/companies/{companyId}/secrets", 200, []any{map[string]any{"id": testSecret, "name": "OPENAI", "key": "openai_key", "status": "active",
		"managedMode": "paperclip_managed", "latestVersion": 2, "referenceCount": count}})
	d := s.deps(client.Config{})

	var v SecretView
	md := callOK(t, d, "paperclip_create_secret", map[string]any{"name": " OPENAI_KEY ", "value": "sk-live-0123456789", "description": "d"}, &v)
	assert.Equal(t, map[string]any{"name": "OPENAI_KEY", "value": "sk-live-0123456789", "managedMode": "paperclip_managed", "description": "d"},
		s.requests()[0].JSON(t), "the value goes to Paperclip once, with the mode that accepts it")
	assert.Equal(t, "/api/companies/"+testCompany+"/secrets", s.requests()[0].Path)
	assert.Contains(t, md, "## Created secret OPENAI_KEY")
	assert.Contains(t, md, `"secretId":"`+testSecret+`"`)
	assert.NotContains(t, md, "sk-live-0123456789")

	// externalRef alone picks external_reference; the provider must hold it.
	v = SecretView{}
	n := len(s.requests())
	for args, want := range map[string]string{
		`{"name":"X","value":"abcd1234","externalRef":"vault://x"}`:                               "has no value in Paperclip",
		`{"name":"X","value":"abcd1234","externalRef":"v://x","managedMode":"paperclip_managed"}`: "cannot have an externalRef",
		`{"name":"X"}`: "value is required",
		`{"name":"X","managedMode":"external_reference","provider":"vault"}`:                   "externalRef is required",
		`{"name":"X","externalRef":"vault://x"}`:                                               "provider=aws_secrets_manager",
		`{"name":"X","externalRef":"vault://x","provider":"local_encrypted"}`:                  "provider=aws_secrets_manager",
		`{"name":"X","managedMode":"external_reference","externalRef":"v://x","value":"abc1"}`: "has no value in Paperclip",
		`{"name":"  ","value":"abcd1234"}`:                                                     "name is blank",
		`{"name":"X","value":"abcd1234","provider":"keychain"}`:                                "provider",
	} {
		assert.Contains(t, callErr(t, d, "paperclip_create_secret", decodeMap(t, args)), want, args)
	}
	assert.Len(t, s.requests(), n, "refused before sending")

	md = callOK(t, d, "paperclip_rotate_secret", map[string]any{"secretId": testSecret, "value": "sk-live-rotated-987"}, &v)
	assert.Equal(t, map[string]any{"value": "sk-live-rotated-987"}, s.requests()[n].JSON(t))
	assert.Contains(t, md, "now version 2")
	n++
	assert.Contains(t, callErr(t, d, "paperclip_rotate_secret", map[string]any{"secretId": testSecret}), "Nothing to rotate")
	assert.Contains(t, callErr(t, d, "paperclip_rotate_secret", map[string]any{"secretId": testSecret, "value": "abcd", "externalRef": "x"}), "not both")
	assert.NotEmpty(t, callErr(t, d, "paperclip_rotate_secret", map[string]any{"secretId": "OPENAI_KEY", "value": "abcd"}))

	callOK(t, d, "paperclip_update_secret", map[string]any{"secretId": testSecret, "name": "OPENAI", "description": "new", "status": "disabled"}, &v)
	assert.Equal(t, map[string]any{"name": "OPENAI", "description": "new", "status": "disabled"}, s.requests()[n].JSON(t))
	assert.Equal(t, "new", v.Description)
	n++
	assert.Contains(t, callErr(t, d, "paperclip_update_secret", map[string]any{"secretId": testSecret}), "paperclip_rotate_secret")
	assert.NotEmpty(t, callErr(t, d, "paperclip_update_secret", map[string]any{"secretId": testSecret, "status": "deleted"}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_update_secret", map[string]any{"secretId": testSecret, "value": "x"}), "update never takes a value")
	assert.Len(t, s.requests(), n, "refused before sending")

	var p Page[SecretView]
	md = callOK(t, d, "paperclip_list_secrets", map[string]any{}, &p)
	require.Len(t, p.Items, 1)
	assert.Equal(t, 1, *p.Items[0].ReferenceCount)
	assert.Contains(t, md, "values are never shown")
	assert.Contains(t, md, "used by 1")
	jsonTextIsStructured(t, d, "paperclip_list_secrets", map[string]any{})
}

// A value given to a tool is scrubbed from everything the server returns
// and logs afterwards: an upstream error echoing it, another tool's result,
// the JSON form (where <, > and & are escaped).
func TestSecretsValuesAreScrubbedEverywhere(t *testing.T) {
	const value = `s3cr3t<&>"value`
	s := newStub(t)
	s.handle("POST /api/companies/{companyId}/secrets", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 400, map[string]any{"error": "bad value " + stubReq{Body: body}.JSON(t)["value"].(string)})
	})
	s.reply("GET /api/companies/{companyId}/secrets", 200, []any{secretRow("LEAKY", "paperclip_managed", 1, "was "+value)})
	s.handle("POST /api/secrets/{id}/rotate", func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 422, map[string]any{"error": "Managed secrets cannot override externalRef"})
	})
	d := s.deps(client.Config{})
	var logs bytes.Buffer
	d.Logger = slog.New(slog.NewTextHandler(&logs, nil))

	msg := callErr(t, d, "paperclip_create_secret", map[string]any{"name": "LEAKY", "value": value})
	assert.Contains(t, msg, "bad value [redacted]")
	assert.NotContains(t, msg, value)
	for _, format := range []string{"markdown", "json"} {
		res := call(t, d, "paperclip_list_secrets", map[string]any{"response_format": format})
		require.False(t, res.IsError)
		raw := string(res.StructuredContent.(json.RawMessage))
		for _, out := range []string{text(res), raw} {
			assert.NotContains(t, out, "s3cr3t", format)
			assert.Contains(t, out, "[redacted]", format)
		}
	}
	assert.Contains(t, callErr(t, d, "paperclip_rotate_secret", map[string]any{"secretId": testSecret, "externalRef": "vault://x"}), "is paperclip_managed")
	assert.NotContains(t, logs.String(), "s3cr3t")
	assert.Contains(t, logs.String(), "tool error")

	// Short values are not scrubbed (they would shred every result).
	d.rememberSecret("ab")
	assert.Equal(t, "about", d.scrub("about"))
}

func decodeMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

// A secret that is also a JSON number or literal is scrubbed in the decoded
// result, so that the structured content stays JSON (a blind replacement
// gave `"count":[redacted]`, which no client could read).
func TestScrubbedStructuredContentStaysJSON(t *testing.T) {
	d := &Deps{}
	d.rememberSecret("1234")
	d.rememberSecret("null")
	out := d.scrubBytes([]byte(`{"pin":1234,"note":"pin 1234","n":12345,"x":null,"list":[1234,"a"],"k1234":true}`))
	require.True(t, json.Valid(out), string(out))
	assert.NotContains(t, string(out), "1234")
	var m map[string]any
	require.NoError(t, json.Unmarshal(out, &m))
	assert.Equal(t, "[redacted]", m["pin"])
	assert.Equal(t, "pin [redacted]", m["note"])
	assert.Equal(t, "[redacted]", m["n"], "a number holding the secret")
	assert.Nil(t, m["x"])
	assert.Equal(t, true, m["k[redacted]"])
	// A plain replacement that keeps the syntax is taken as it is.
	assert.Equal(t, `{"a":"x [redacted]"}`, string(d.scrubBytes([]byte(`{"a":"x 1234"}`))))
}
