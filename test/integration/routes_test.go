package integration

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

var placeholder = regexp.MustCompile(`\{[^}]+\}`)

// TestEveryClientRouteIsInTheServersOpenAPI is the drift test: every route
// the client can call is found, method and path, in the real server's
// /api/openapi.json, so moving the pinned version shows at once what moved.
// Cloud routes are the documented contract no published release serves:
// they must be absent (the day they appear, this test says so).
func TestEveryClientRouteIsInTheServersOpenAPI(t *testing.T) {
	code, body := newAPI(t).raw(http.MethodGet, "/openapi.json", nil)
	require.Equal(t, http.StatusOK, code)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	require.NotEmpty(t, doc.Paths)
	served := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			served[strings.ToUpper(m)+" "+placeholder.ReplaceAllString(p, "{}")] = true
		}
	}
	routes := client.Routes()
	require.NotEmpty(t, routes)
	t.Logf("%d client routes against %d OpenAPI paths of Paperclip %s", len(routes), len(doc.Paths), serverVersion)
	for _, r := range routes {
		key := r.Method + " " + placeholder.ReplaceAllString("/api"+r.Pattern, "{}")
		if r.Cloud {
			assert.False(t, served[key], "%s is now served by Paperclip %s: the cloud tools can be tested against the real server", r, serverVersion)
			continue
		}
		assert.True(t, served[key], "%s is not in /api/openapi.json of Paperclip %s", r, serverVersion)
	}
}
